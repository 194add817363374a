"""The site's data (``assets/data.js``): each case's allow-listed, display-ready entry, its peers,
the facets with counts, and the action items' status (closed by the shop's next case)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ... import format as fmt
from ...dictionary import DEFINITIONS_VERSION, ROLE_LABELS
from ..carried import action_status
from ..kpis import METRICS, distinct_names, format_value
from ..kpis import num as _num
from .labels import CATEGORIES, OUTCOMES, PLATFORMS, PROVENANCE, UI, label
from .load import Case, minutes_of

SEARCH_FIELDS = ("name", "tags", "findings", "lessons")

# --------------------------------------------------------------------------- the site's data


def _start(record: dict) -> str | None:
    camp = (record.get("kpis") or {}).get("campaign") or {}
    if isinstance(camp.get("start"), str):
        return camp["start"][:10]
    windows = (record.get("card") or {}).get("windows") or {}
    for w in ("preheat", "burst"):
        if isinstance(windows.get(w), dict) and windows[w].get("start"):
            return str(windows[w]["start"])[:10]
    return None


def _end(record: dict) -> str | None:
    camp = (record.get("kpis") or {}).get("campaign") or {}
    return camp["end"][:10] if isinstance(camp.get("end"), str) else None


def _outcome(record: dict) -> str:
    for t in record.get("targets") or []:
        if t.get("kpi") == "gmv":
            return t.get("status") if t.get("status") in ("met", "missed") else "not_assessed"
    return "no_target"


def _by_role(retro: dict) -> list[dict[str, Any]]:
    """Each role's own review (the card's ``retrospective.by_role``), in the roles' order, with
    the role's names (:data:`fupan.dictionary.ROLE_LABELS`); roles without a note left out."""
    notes = retro.get("by_role") or {}
    out = []
    for key, (zh, en) in ROLE_LABELS.items():
        n = notes.get(key) if isinstance(notes, dict) else None
        if not isinstance(n, dict):
            continue
        good = [str(x) for x in n.get("went_well") or []]
        bad = [str(x) for x in n.get("to_improve") or []]
        if good or bad:
            out.append({"role": key, "name": [zh, en], "went_well": good, "to_improve": bad})
    return out


def _lessons(card: dict) -> dict[str, Any]:
    retro = card.get("retrospective") or {}
    return {
        "went_well": [str(x) for x in retro.get("went_well") or []],
        "to_improve": [str(x) for x in retro.get("to_improve") or []],
        "by_role": _by_role(retro),
        # owners are people: left out of the knowledge base
        "actions": [
            {
                "what": str(a.get("what") or ""),
                "due": str(a["due"]) if a.get("due") else None,
                "id": str(a["id"]) if a.get("id") else None,
                # open / done / dropped as the card says; site_data marks those a later case closed
                "status": a.get("status") if a.get("status") in ("done", "dropped") else "open",
                "closed_by": None,
            }
            for a in retro.get("actions") or []
            if isinstance(a, dict) and a.get("what")
        ],
    }


def case_entry(case: Case) -> dict[str, Any]:
    """The allow-listed, display-ready data of one case (what data.js holds for it)."""
    rec = case.record
    card = rec.get("card") or {}
    currency = card.get("currency") or "CNY"
    platform, category = str(card.get("platform") or "other"), str(card.get("category") or "")
    start = _start(rec)
    lessons = _lessons(card)
    mechanics = [str(m) for m in (card.get("strategy") or {}).get("mechanics") or []]
    findings = [
        {
            "kind": f.get("kind"),
            "zh": str(f.get("zh") or f.get("en") or ""),
            "en": str(f.get("en") or f.get("zh") or ""),
        }
        for f in rec.get("findings") or []
        if isinstance(f, dict)
    ]
    kpis = {m.key: m.get(rec) for m in METRICS}
    gmv = _num(((rec.get("kpis") or {}).get("campaign") or {}).get("gmv"))
    sym = fmt.currency_symbol(currency)
    search = {
        "name": f"{rec.get('name', '')} {rec['case_id']}",
        "tags": " ".join(
            [
                *case.tags,
                *mechanics,
                *label(PLATFORMS, platform),
                *label(CATEGORIES, category),
                start[:4] if start else "",
            ]
        ),
        "findings": " ".join(f"{f['zh']} {f['en']}" for f in findings),
        "lessons": " ".join(
            [
                *lessons["went_well"],
                *lessons["to_improve"],
                *(
                    x
                    for r in lessons["by_role"]
                    for x in (*r["name"], *r["went_well"], *r["to_improve"])
                ),
                *(a["what"] for a in lessons["actions"]),
            ]
        ),
    }
    report = (case.folder / "report.html").is_file()
    return {
        "id": rec["case_id"],
        "name": str(rec.get("name") or rec["case_id"]),
        "platform": platform,
        "category": category,
        "year": start[:4] if start else "—",
        "provenance": case.provenance,
        "outcome": _outcome(rec),
        "currency": currency,
        "start": start,
        "end": _end(rec),
        "definitions_version": rec.get("definitions_version"),
        "report": f"cases/{rec['case_id']}/report.html" if report else None,
        "minutes": f"cases/{rec['case_id']}/minutes.html" if minutes_of(case) else None,
        "tags": case.tags,
        "mechanics": mechanics,
        "lessons": lessons,
        "findings": findings,
        "kpis": kpis,
        "display": {
            m.key: {
                lang: format_value(kpis[m.key], m.unit, lang, currency) for lang in ("zh", "en")
            }
            for m in METRICS
        },
        "gmv": {
            lang: fmt.money(gmv, lang, digits=1, symbol=sym) if gmv is not None else "—"
            for lang in ("zh", "en")
        },
        "search": search,
    }


def _peers(entries: list[dict], k: int = 3) -> dict[str, list[str]]:
    """Up to k other cases of the same platform × category (the peer group), nearest in time."""

    def day(e: dict) -> int:
        return dt.date.fromisoformat(e["start"]).toordinal() if e["start"] else 0

    out = {}
    for e in entries:
        same = [
            o
            for o in entries
            if o is not e and o["platform"] == e["platform"] and o["category"] == e["category"]
        ]
        same.sort(key=lambda o: (abs(day(o) - day(e)), o["id"]))
        out[e["id"]] = [o["id"] for o in same[:k]]
    return out


def _facets(entries: list[dict]) -> dict[str, list[dict[str, Any]]]:
    """Each facet's values present in the library, in display order, with their (zh, en) labels."""

    def values(key: str) -> list[str]:
        return sorted({e[key] for e in entries})

    plat_order = list(PLATFORMS)
    return {
        "platform": [
            {"value": v, "label": label(PLATFORMS, v)}
            for v in sorted(
                values("platform"),
                key=lambda v: (plat_order.index(v) if v in plat_order else 99, v),
            )
        ],
        "category": [{"value": v, "label": label(CATEGORIES, v)} for v in values("category")],
        "year": [{"value": v, "label": (v, v)} for v in sorted(values("year"), reverse=True)],
        "provenance": [
            {"value": v, "label": PROVENANCE[v]} for v in PROVENANCE if v in values("provenance")
        ],
        "outcome": [{"value": v, "label": OUTCOMES[v]} for v in OUTCOMES if v in values("outcome")],
    }


def site_data(cases: list[Case]) -> dict[str, Any]:
    entries = [case_entry(c) for c in cases]
    closed = action_status(cases)  # lessons that travel: closed by the shop's next case
    for e in entries:
        for a in e["lessons"]["actions"]:
            if a["id"] and (e["id"], a["id"]) in closed:
                a["status"], a["closed_by"] = "closed", closed[(e["id"], a["id"])]
    entries.sort(key=lambda e: (e["start"] or "", e["id"]), reverse=True)
    peers = _peers(entries)
    labels = distinct_names((e["id"], e["name"]) for e in entries)
    for e in entries:
        e["peers"] = peers[e["id"]]
        e["label"] = labels[e["id"]]  # the name, with the id when another case bears it too
    return {
        "version": 1,
        "definitions_version": DEFINITIONS_VERSION,
        "ui": {k: {"zh": zh, "en": en} for k, (zh, en) in UI.items()},
        "metrics": [
            {
                "key": m.key,
                "zh": m.zh,
                "en": m.en,
                "unit": m.unit,
                "higher_is_better": m.higher_is_better,
                "mix": m.mix,
                "definition_zh": m.definition_zh,
                "definition_en": m.definition_en,
            }
            for m in METRICS
        ],
        "facets": _facets(entries),
        "search_fields": list(SEARCH_FIELDS),
        "cases": entries,
    }
