"""The card's blocks written before launch (背景, 策略, costs, controls) and after (复盘 lessons)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ...dictionary import KPI_DEFINITIONS, KPI_KEYS, ROLE_ALIASES, ROLE_LABELS
from .base import _Model, amounts
from .ops import OpsCosts


def _as_fraction(what: str, kpi: str, value: float) -> None:
    """Refuse a rate KPI's value above 1: a conversion target of 5 for 5 % was read as 500 %, a
    hypothesis 'cr ≥ 40' as ≥ 4000 % (judged failed though met)."""
    d = KPI_DEFINITIONS.get(kpi)
    if d is not None and d.unit == "ratio" and value > 1:
        raise ValueError(
            f"{what} {kpi} is a rate, written as a fraction: {value / 100:g} for {value:g} %, "
            f"got {value:g}||{what} {kpi} 是比率，写作小数：{value:g}% 写 {value / 100:g}，收到 {value:g}"
        )


class Background(_Model):
    market: str | None = None
    competition: str | None = None
    team: str | None = None
    product: str | None = None
    open_actions: list[str] = Field(default_factory=list)


class Hypothesis(_Model):
    id: str
    text: str
    kpi: str
    op: Literal[">=", ">", "<=", "<", "=="]
    value: float
    window: Literal["campaign", "preheat", "burst", "post", "dip"] = "campaign"

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError(
                f"value must be a finite number, got {v}||value 必须是有限的数字，收到 {v}"
            )
        return v

    @field_validator("kpi")
    @classmethod
    def _known_kpi(cls, v: str) -> str:
        if v not in KPI_KEYS:
            raise ValueError(
                f"unknown KPI '{v}'; known: {', '.join(KPI_KEYS)}||未知指标 '{v}'；可用指标：{', '.join(KPI_KEYS)}"
            )
        return v

    @model_validator(mode="after")
    def _rate_as_fraction(self) -> Hypothesis:
        _as_fraction("hypothesis value", self.kpi, self.value)
        return self


class ABTestPlan(_Model):
    """What the campaign's A/B test compared (``strategy.ab_test``), so the report can say what A
    and B were before it recommends one: ``{name: 会场券实验, a: 原会场页, b: 领券入口置顶}``."""

    name: str | None = None
    a: str = Field(min_length=1)
    b: str = Field(min_length=1)


class Strategy(_Model):
    targets: dict[str, float] = Field(default_factory=dict)
    budget: dict[str, float] = Field(default_factory=dict)
    mechanics: list[str] = Field(default_factory=list)
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    #: the campaign's hero products (主推品): SKUs whose sell-through and stock-outs the report weighs
    hero_skus: list[str] = Field(default_factory=list)
    #: what the A/B test's arms were (A = control, B = variant), when the events carry a variant
    ab_test: ABTestPlan | None = None

    @field_validator("targets")
    @classmethod
    def _known_targets(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if k not in KPI_KEYS:
                raise ValueError(
                    f"unknown KPI target '{k}'; known: {', '.join(KPI_KEYS)}||未知目标指标 '{k}'；可用指标：{', '.join(KPI_KEYS)}"
                )
            if not (x > 0 and math.isfinite(x)):
                raise ValueError(
                    f"target {k} must be a finite number > 0, got {x}||目标 {k} 必须是大于 0 的有限数字，收到 {x}"
                )
            _as_fraction("target", k, x)
        return v

    @field_validator("budget")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        return amounts(v, "budget", "预算")

    @field_validator("hypotheses")
    @classmethod
    def _unique_ids(cls, v: list[Hypothesis]) -> list[Hypothesis]:
        ids = [h.id for h in v]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"hypothesis ids must be unique: {dupes}||假设编号重复：{dupes}")
        return v


class Action(_Model):
    """One action item of the 复盘: what, who, by when — and how the next campaign will see it worked.

    ``id`` names the action so that a later case of the same shop can close it (``closes:``);
    ``finding`` is the miss it answers, ``metric``/``target`` the KPI and value that will show it
    worked next time, ``status`` open / done / dropped (unstated = open).
    """

    what: str
    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    owner: str | None = None
    due: dt.date | None = None
    finding: str | None = None
    metric: str | None = None
    target: float | None = Field(default=None, allow_inf_nan=False)
    status: Literal["open", "done", "dropped"] | None = None

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, v: str | None) -> str | None:
        if v is not None and v not in KPI_KEYS:
            raise ValueError(
                f"unknown KPI '{v}'; known: {', '.join(KPI_KEYS)}||未知指标 '{v}'；可用指标：{', '.join(KPI_KEYS)}"
            )
        return v

    @model_validator(mode="after")
    def _rate_as_fraction(self) -> Action:
        if self.metric is not None and self.target is not None:
            _as_fraction("action target", self.metric, self.target)
        return self


class RoleNotes(_Model):
    """One role's own review (分岗位自评): what went well and what to improve in its work."""

    went_well: list[str] = Field(default_factory=list)
    to_improve: list[str] = Field(default_factory=list)


def role_key(name: str) -> str | None:
    """The role key (:data:`fupan.dictionary.ROLE_LABELS`) a card names by key, by its Chinese or
    English name (any case) or by an alias (:data:`fupan.dictionary.ROLE_ALIASES`); else None."""
    text = str(name).strip()
    for key, (zh, en) in ROLE_LABELS.items():
        if text.lower() in (key, en.lower()) or text == zh:
            return key
    return ROLE_ALIASES.get(text)


class Lessons(_Model):
    """The card's 复盘 block (YAML key ``retrospective:``): what went well, what to improve, actions.

    ``closes`` lists the ids of earlier actions (of this shop's previous cases) this campaign closed.
    ``by_role``: each role's own review (分岗位自评), the role named by key (``live``), name
    (``直播``) or alias (``客服``), shown in that role's box of the review by role.
    """

    went_well: list[str] = Field(default_factory=list)
    to_improve: list[str] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    closes: list[str] = Field(default_factory=list)
    by_role: dict[str, RoleNotes] = Field(default_factory=dict)

    @field_validator("by_role", mode="before")
    @classmethod
    def _known_roles(cls, v: object) -> object:
        if not isinstance(v, dict):
            return v
        out: dict[str, object] = {}
        for name, notes in v.items():
            key = role_key(name)
            if key is None:
                known = "、".join(f"{k}（{zh}）" for k, (zh, _) in ROLE_LABELS.items())
                raise ValueError(
                    f"unknown role '{name}'; roles: {', '.join(ROLE_LABELS)}"
                    f"||未知岗位「{name}」；可用岗位：{known}"
                )
            if key in out:
                raise ValueError(
                    f"role '{key}' is given twice||岗位「{ROLE_LABELS[key][0]}」写了两次"
                )
            out[key] = notes
        return out

    @field_validator("actions")
    @classmethod
    def _unique_action_ids(cls, v: list[Action]) -> list[Action]:
        ids = [a.id for a in v if a.id]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"action ids must be unique: {dupes}||行动编号重复：{dupes}")
        return v


class Costs(OpsCosts):
    """Costs the margin ROI needs beyond unit cost and media spend (METHODS.md §1.2).

    ``variable_cost_rate``: per-unit variable cost as a share of the regular paid price — platform
    commission, payment fees, fulfilment (v_i = rate × p_i^reg). ``fees``: platform/campaign
    participation fees; ``coupons``: shop-funded coupons *not* already netted out of paid_amount;
    ``fixed``: set-up cost (creative, hosts, samples). All in the card's currency, for the campaign.
    The P&L's rates (commission, payment fee, logistics per order) are :class:`.ops.OpsCosts`.
    """

    variable_cost_rate: float = Field(default=0.0, ge=0.0, lt=1.0)
    fees: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)
    coupons: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)
    fixed: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)


class Controls(_Model):
    """Series the promotion did not touch, for difference-in-differences (METHODS.md §1.1).

    ``categories``: order categories left out of the promotion — their daily GMV is the control
    series; ``substitutes`` / ``complements``: non-promoted SKUs that compete with / are bought
    with the promoted ones, for cannibalisation and halo. Every other line is "promoted".
    """

    categories: list[str] = Field(default_factory=list)
    substitutes: list[str] = Field(default_factory=list)
    complements: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _disjoint(self) -> Controls:
        if not self.categories and (self.substitutes or self.complements):
            raise ValueError(
                "substitutes/complements need at least one control category to scale their "
                "baseline||替代品/互补品需要至少一个对照品类来推算其基线"
            )
        if overlap := set(self.substitutes) & set(self.complements):
            raise ValueError(
                f"SKU(s) {sorted(overlap)} are both substitutes and complements||"
                f"SKU {sorted(overlap)} 不能既是替代品又是互补品"
            )
        return self
