"""The case record (case.json): the contract between a run and everything after it.

A record holds the parameters, the campaign card, KPI values per window with the definitions'
version, verdicts on targets and hypotheses, findings, data hashes and the library version — and
no customer identifier. It is validated when written and when read, and carries the SHA-256 of its
own canonical content so that an edited or corrupted record is rejected on read.
"""
from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pydantic
from pydantic import BaseModel, ConfigDict

from ..errors import CaseRecordError
from ..files import write_atomic

SCHEMA_VERSION = 1
MIME = "application/vnd.fupan.case+json"


class CaseRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: int
    case_id: str
    name: str
    library_version: str
    definitions_version: str
    parameters: dict[str, Any]
    card: dict[str, Any]
    kpis: dict[str, dict[str, float | int | str | None]]
    channels: dict[str, dict[str, float | None]]
    targets: list[dict[str, Any]]
    hypotheses: list[dict[str, Any]]
    decomposition: dict[str, Any] | None
    findings: list[dict[str, Any]]
    data: dict[str, Any]
    analyses: dict[str, Any]
    skipped: dict[str, str]
    reproduce: str
    content_sha256: str | None = None


def _clean(x: Any) -> Any:
    """JSON-safe, deterministic values: NaN/inf → None, floats rounded to 10 significant digits."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if hasattr(x, "item") and not isinstance(x, str):  # numpy scalar
        x = x.item()
    if isinstance(x, bool) or x is None or isinstance(x, int | str):
        return x
    if isinstance(x, float):
        return None if not math.isfinite(x) else float(f"{x:.10g}")
    return str(x)


def build_record(r, parameters: dict[str, Any], reproduce: str) -> dict[str, Any]:
    """The case record of a :class:`~fupan.analysis.retrospective.Retrospective` (not yet hashed)."""
    from .. import __version__
    from ..dictionary import DEFINITIONS_VERSION

    kpis = r.kpis.drop(columns=["start", "end"]).to_dict(orient="index")
    for phase in kpis:
        kpis[phase] = {"start": r.kpis.at[phase, "start"], "end": r.kpis.at[phase, "end"], **kpis[phase]}
    decomp = None
    if r.decomposition:
        d = r.decomposition
        decomp = {"basis": "daily average, campaign vs baseline", "base": d["base"], "current": d["current"],
                  "gmv_base": d["gmv_base"], "gmv_current": d["gmv_current"],
                  "lmdi": d["lmdi"].to_dict(), "shapley": d["shapley"].to_dict()}
    channels = r.channels[[c for c in ("gmv", "orders", "buyers", "spend", "roas", "gmv_share") if c in r.channels]]
    record = {
        "schema_version": SCHEMA_VERSION, "case_id": r.card.id, "name": r.card.name,
        "library_version": __version__, "definitions_version": DEFINITIONS_VERSION,
        "parameters": parameters, "card": r.card.model_dump(mode="json"),
        "kpis": kpis, "channels": channels.to_dict(orient="index"),
        "targets": r.targets.to_dict(orient="records"), "hypotheses": r.hypotheses.to_dict(orient="records"),
        "decomposition": decomp,
        "findings": [{k: v for k, v in f.items() if k not in ("weight", "priority")} for f in r.findings],
        "data": {"files": dict(sorted(r.campaign.hashes.items())), "tables": sorted(r.campaign.tables),
                 "warnings": [{"code": p.code, "file": p.file, "en": p.en} for p in r.campaign.warnings],
                 **r.campaign.flags},
        "analyses": {
            "ab_test": r.ab,
            "alerts": r.alerts.head(10).assign(date=pd.to_datetime(r.alerts.date).dt.strftime("%Y-%m-%d"))
            .to_dict(orient="records") if r.alerts is not None else None,
            "day_anomalies": _day_anomalies(r.day_anomalies),
            "customer_value": {"by_cohort": r.value.to_dict(orient="index"), "model": r.value_params}
            if r.value is not None else None,
            "customers": _customers(r.customers),
            "lift": {"by_phase": r.lift["table"].to_dict(orient="index"),
                     **{f"{m}_by_phase": v.to_dict(orient="index") for m, v in r.lift["volumes"].items() if v is not None},
                     "pull_forward_share": r.lift["pull_forward"].to_dict() if r.lift["pull_forward"] is not None else None,
                     "growth_per_year": r.lift["growth_per_year"], "cf_factor": r.lift["cf_factor"]} if r.lift else None,
            "controls": {"by_phase": r.controls["table"].to_dict(orient="index"), "pretrend": r.controls["pretrend"],
                         "items": r.controls["items"].to_dict(orient="index") if r.controls["items"] is not None else None,
                         "net": r.controls["net"], "categories": r.controls["categories"]} if r.controls else None,
            "margin": {k: v for k, v in r.margin.items() if k not in ("buckets", "top_skus")}
            | {"buckets": r.margin["buckets"].to_dict(orient="records")} if r.margin else None,
            "ltv_cac": r.ltv_cac,
            "segments": r.segments.to_dict(orient="index") if r.segments is not None else None,
            "root_cause": {name: {k: (v.assign(elements=v.elements.map(list)).to_dict(orient="records") if k == "candidates" else v)
                                  for k, v in c.items()} if c else None
                           for name, c in (("anomalous_day", r.anomaly_cause), ("target_gap", r.target_cause))},
            "funnel_by_channel": r.funnel_channels.to_dict(orient="index") if r.funnel_channels is not None else None,
            "inventory": {k: v for k, v in r.inventory.items() if k != "lost"} | {
                "lost_by_sku": r.inventory["lost"].to_dict(orient="records")} if r.inventory is not None else None,
        },
        "skipped": {**{k: f"no {v} table" for k, v in sorted(r.agg.notes.items())}, **r.skipped},
        "reproduce": reproduce,
    }
    return _clean(record)


def _day_anomalies(a: dict | None) -> dict | None:
    """Flagged days with their drivers (buyers only as a short hash prefix inside the sentences)."""
    if a is None:
        return None
    flags = a["flags"].assign(date=pd.to_datetime(a["flags"].date).dt.strftime("%Y-%m-%d"))
    tested = a["tested"].to_dict(orient="records")
    return {"flags": flags.to_dict(orient="records"), "tests": a["tests"], "tested": tested,
            "not_measured": {k: v["en"] for k, v in a["not_measured"].items()},
            "notes": [n["en"] for n in a["notes"]], "closed_weekdays": a["closed_weekdays"],
            "period": list(a["period"]), "params": a["params"]}


def _customers(c: dict | None) -> dict | None:
    if c is None:
        return None
    q = c["quality"]
    rep = c["repeat"].reset_index()
    return {
        "new_customer_quality": {"k": q.k, "campaign": vars(q.campaign), "organic": vars(q.organic),
                                 "test": vars(q.test) if q.test is not None else None,
                                 "campaign_net_per_customer": q.campaign_net_per_customer,
                                 "organic_net_per_customer": q.organic_net_per_customer},
        "repeat_rates": rep.to_dict(orient="records"),
        "margin_per_customer": {str(k): v for k, v in c["margin_per_customer"].to_dict(orient="index").items()}
        if c.get("margin_per_customer") is not None else None,
        "repurchase_rate": vars(c["repurchase"]), "return_rate": vars(c["return"]) if c.get("return") else None,
        "rfm_segments": c["rfm"].to_dict(orient="index"), "rfm_thresholds": c.get("rfm_thresholds"),
    }


def canonical(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "content_sha256"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False)


def seal(record: dict[str, Any]) -> dict[str, Any]:
    """Validate the record and add the SHA-256 of its canonical content."""
    try:
        CaseRecord.model_validate(record)
    except pydantic.ValidationError as exc:
        raise CaseRecordError(f"case record does not match its schema / 案例记录不符合结构: {exc}") from None
    return {**record, "content_sha256": hashlib.sha256(canonical(record).encode()).hexdigest()}


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False) + "\n"


def write_record(path: Path, record: dict[str, Any]) -> dict[str, Any]:
    sealed = seal({k: v for k, v in record.items() if k != "content_sha256"})
    write_atomic(Path(path), dumps(sealed))
    return sealed


def read_record(path: Path) -> dict[str, Any]:
    """Read and check a case record: schema and content hash; raise CaseRecordError naming the file."""
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        CaseRecord.model_validate(record)
    except (OSError, ValueError, pydantic.ValidationError) as exc:
        raise CaseRecordError(f"{path}: 无法读取案例记录 / not a valid case record: {exc}") from None
    expected = hashlib.sha256(canonical(record).encode()).hexdigest()
    if record.get("content_sha256") != expected:
        raise CaseRecordError(f"{path}: 内容与其哈希不符（被修改或损坏） / content does not match its "
                              f"content_sha256 (edited or corrupted)")
    return record
