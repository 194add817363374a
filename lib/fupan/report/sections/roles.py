"""分岗位复盘: the retrospective cut by role, for each lead to read their own part at the meeting.

Seven roles — the campaign lead, ads, live, products and supply, user operations, pages and
conversion, service and fulfilment (:data:`ROLES`) — each with its own figures, the findings about
its work and its actions (ops review G13 d).

Routing, one rule each:

- a **finding** goes to the role whose ``findings`` list its metric (the lead's when none does);
- an **action** of the card goes to the role of the finding its ``finding:`` names, else to the
  first role — the lead's last — whose ``owners`` words its owner contains (供应链负责人 →
  products and supply, 用户运营负责人 → user operations), else to the lead;
- the **figures** are the case record's (:func:`fupan.cases.record.build_record`): the case
  library's normalised KPIs (:data:`fupan.cases.kpis.METRIC_BY_KEY`, their one definition) or
  the metric dictionary's campaign KPIs, and two of the stock-out analyses'; not measured → "—".

Beside them, the role's own review from the card (``retrospective.by_role``: what went well, what
to improve). A role without a figure, a finding, an action or its own review is left out, except
the lead's; a role whose own data an orders export does not hold and the campaign did not give (service:
shipping times, enquiries, reviews — ``orders.ship_time``, the ``service_daily`` table) says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...cases.kpis import METRIC_BY_KEY, format_value, num
from ...cases.record import build_record
from ...dictionary import KPI_DEFINITIONS, ROLE_LABELS
from ...format import Style
from ...i18n import kpi_name, t
from ..html import Html, fragment


@dataclass(frozen=True)
class Role:
    """One role of the team: its figures (KPI keys), the finding metrics and the owner words that
    route findings and actions to it, and ``gap``: the figures of its own data that an orders
    export lacks — when none of them is measured, the role says so."""

    key: str
    figures: tuple[str, ...]
    findings: tuple[str, ...]
    owners: tuple[str, ...]
    gap: tuple[str, ...] = ()


#: In the order of :data:`fupan.dictionary.ROLE_LABELS` (their names); the lead (first) takes
#: what no other role does.
ROLES: tuple[Role, ...] = (
    Role(
        "lead",
        ("gmv_achievement", "gmv_yoy", "gmv_index"),
        ("gmv", "incremental_gmv", "root_cause", "aov", "aov_index", "day_anomaly", "alert"),
        ("店长", "活动负责人", "运营负责人", "运营总监", "项目负责人", "lead", "manager"),
    ),
    Role(
        "ads",
        ("roas", "roi_margin", "spend_ratio"),
        ("roas", "roi_margin", "break_even", "pacing", "spend"),
        ("投放", "广告", "推广", "代理", "直通车", "信息流", "ads", "media", "paid"),
    ),
    Role(
        "live",
        ("live_gmv_share", "live_new_customer_share"),
        ("live_new_customer_share", "live_no_show", "live"),
        ("直播", "主播", "达人", "自播", "场控", "live", "kol", "host"),
    ),
    Role(
        "products",
        ("stockout_lost_gmv", "hero_stockout_rate"),
        ("stockouts", "products", "hero_stockout", "price_control"),
        ("商品", "选品", "供应链", "库存", "仓储", "采购", "product", "supply", "stock", "merch"),
    ),
    Role(
        "crm",
        ("new_customer_share", "repeat_rate", "reactivation_rate"),
        ("new_customers", "new_customer_share", "repeat_rate", "audiences"),
        ("用户", "会员", "私域", "社群", "客户运营", "crm", "member", "retention"),
    ),
    Role(
        "conversion",
        ("cr_index", "gmv_per_uv", "preheat_conversion"),
        ("funnel", "cr_index", "ab", "preheat_pool"),
        ("页面", "详情页", "会场", "美工", "设计", "转化", "page", "design", "conversion"),
    ),
    Role(
        "service",
        ("refund_rate", "cancel_rate", "ship_48", "inquiry_cr", "bad_review_rate"),
        ("refund_rate", "cancel_rate", "refund_maturity", "shipping"),
        ("客服", "售后", "物流", "发货", "service", "logistics", "after-sales", "fulfil"),
        gap=("ship_48", "inquiry_cr", "bad_review_rate"),
    ),
)
ROLE_BY_KEY = {r.key: r for r in ROLES}


def _stockout_lost_gmv(rec: dict) -> float | None:
    """GMV lost to stock-outs in the campaign, all SKUs (the stock-out analysis's estimate)."""
    rows = ((rec.get("analyses") or {}).get("inventory") or {}).get("lost_by_sku") or []
    return next((num(r.get("lost_gmv")) for r in rows if r.get("sku") == "_all"), None)


def _hero_stockout_rate(rec: dict) -> float | None:
    """Share of the hero SKUs' campaign days out of stock (the products analysis's)."""
    return num(((rec.get("analyses") or {}).get("products") or {}).get("hero_stockout_rate"))


def _service(part: str, key: str) -> Callable[[dict], float | None]:
    """The campaign's ``key`` of the service analysis's ``part`` (shipping or service)."""

    def get(rec: dict) -> float | None:
        service = (rec.get("analyses") or {}).get("service") or {}
        return num(((service.get(part) or {}).get("campaign") or {}).get(key))

    return get


#: the figures neither the library's KPIs nor the dictionary's: key → (getter, unit, label key)
EXTRA_FIGURES: dict[str, tuple[Callable[[dict], float | None], str, str]] = {
    "stockout_lost_gmv": (_stockout_lost_gmv, "money", "role_fig_stockout_lost_gmv"),
    "hero_stockout_rate": (_hero_stockout_rate, "ratio", "role_fig_hero_stockout_rate"),
    "ship_48": (_service("shipping", "ship_48"), "ratio", "role_fig_ship_48"),
    "inquiry_cr": (_service("service", "inquiry_cr"), "ratio", "role_fig_inquiry_cr"),
    "bad_review_rate": (_service("service", "bad_review_rate"), "ratio", "role_fig_bad_reviews"),
}


def figure(rec: dict, key: str, style: Style) -> tuple[str, str]:
    """(label, formatted value) of figure ``key`` of the record ``rec``; "—" when not measured.

    Amounts go through ``style`` as every amount of the report does (an index in a share-safe
    report), with two decimals below 100 (GMV per UV); the rest as the case library shows them.
    """
    lang, currency = style.lang, (rec.get("card") or {}).get("currency") or "CNY"
    if key in METRIC_BY_KEY:
        m = METRIC_BY_KEY[key]
        label, value, unit = (m.zh if lang == "zh" else m.en), m.get(rec), m.unit
    elif key in EXTRA_FIGURES:
        get, unit, name = EXTRA_FIGURES[key]
        label, value = t(name, lang), get(rec)
    else:  # a campaign KPI of the metric dictionary
        unit = KPI_DEFINITIONS[key].unit
        label = kpi_name(key, lang)
        value = num(((rec.get("kpis") or {}).get("campaign") or {}).get(key))
    if unit == "money":
        shown = "—" if value is None else style.money(value, 2 if abs(value) < 100 else None)
        return label, shown
    return label, format_value(value, unit, lang, currency)


def finding_role(metric: str) -> str:
    """The role a finding about ``metric`` goes to (the lead's when no role lists it)."""
    return next((r.key for r in ROLES if metric in r.findings), ROLES[0].key)


def action_role(action: Any) -> str:
    """The role a card action goes to: its finding's, else its owner's words, else the lead's."""
    if getattr(action, "finding", None):
        named = next((r.key for r in ROLES if action.finding in r.findings), None)
        if named is not None:
            return named
    owner = (getattr(action, "owner", None) or "").lower()
    for role in (*ROLES[1:], ROLES[0]):
        if any(word in owner for word in role.owners):
            return role.key
    return ROLES[0].key


def role_rows(r: Any, style: Style) -> list[dict[str, Any]]:
    """One dict per role shown: name, figures [(label, value)], findings [(kind, text)], the
    team's own review (``went_well``, ``to_improve``: the card's ``retrospective.by_role``),
    actions [dict what/owner/due/status], gap (a sentence or None)."""
    lang = style.lang
    rec = build_record(r, {}, "")
    findings: dict[str, list[tuple[str, str]]] = {role.key: [] for role in ROLES}
    for f in r.findings:
        if f.kind in ("win", "miss"):
            findings[finding_role(f.metric)].append((f.kind, f.text(lang)))
    actions: dict[str, list[dict[str, str]]] = {role.key: [] for role in ROLES}
    for a in r.card.retrospective.actions:
        actions[action_role(a)].append(
            {
                "what": a.what,
                "owner": a.owner or t("owner_tbd", lang),
                "due": a.due.isoformat() if a.due else "—",
                "status": t(f"action_status_{a.status or 'open'}", lang),
            }
        )
    own = r.card.retrospective.by_role
    rows = []
    for role in ROLES:
        figures = [figure(rec, key, style) for key in role.figures]
        measured = any(value != "—" for _, value in figures)
        lacking = bool(role.gap) and all(
            value == "—"
            for key, (_, value) in zip(role.figures, figures, strict=True)
            if key in role.gap
        )
        notes = own.get(role.key)
        said = notes is not None and bool(notes.went_well or notes.to_improve)
        if role.key != "lead" and not (measured or findings[role.key] or actions[role.key] or said):
            continue
        rows.append(
            {
                "key": role.key,
                "name": ROLE_LABELS[role.key][0 if lang == "zh" else 1],
                "went_well": list(notes.went_well) if notes else [],
                "to_improve": list(notes.to_improve) if notes else [],
                "figures": figures,
                "findings": findings[role.key],
                "actions": actions[role.key],
                "gap": t(f"role_gap_{role.key}", lang) if lacking else None,
                "unplanned": (
                    any(k == "miss" for k, _ in findings[role.key])
                    or bool(notes and notes.to_improve)
                )
                and not actions[role.key],
            }
        )
    return rows


def roles(r: Any, style: Style) -> Html:
    """分岗位复盘: a box per role with its figures, findings and actions (:func:`role_rows`)."""
    return fragment("roles", style, rows=role_rows(r, style))
