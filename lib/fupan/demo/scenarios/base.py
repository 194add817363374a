"""The :class:`Preset` type, the catalogues the presets draw on, the registry :data:`PRESETS` and
the writer of a preset's campaign folder."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..generator import Levers, Scenario, generate_demo

# Catalogues: (category, SKU code, number of SKUs, mean list price in CNY)
APPAREL = (
    ("女装", "WMN", 20, 260.0),
    ("男装", "MEN", 14, 240.0),
    ("童装", "KID", 10, 150.0),
    ("配饰", "ACC", 10, 90.0),
)
ELECTRONICS = (
    ("耳机音箱", "AUD", 12, 399.0),
    ("智能穿戴", "WRB", 8, 899.0),
    ("充电配件", "PWR", 18, 129.0),
    ("手机壳膜", "CAS", 16, 59.0),
)
SNACKS = (
    ("坚果炒货", "NUT", 16, 59.0),
    ("零食礼包", "GFT", 10, 99.0),
    ("饼干糕点", "BIS", 14, 39.0),
    ("冲调饮品", "DRK", 12, 49.0),
)
BABY = (
    ("纸尿裤", "DPR", 14, 159.0),
    ("奶粉", "MLK", 10, 329.0),
    ("湿巾", "WIP", 8, 49.0),
    ("辅食", "FOD", 12, 69.0),
)
HOME = (
    ("床品", "BED", 16, 299.0),
    ("收纳", "STO", 14, 79.0),
    ("厨具", "KIT", 16, 159.0),
    ("灯具", "LMP", 8, 219.0),
)
PETS = (
    ("猫粮", "CAT", 12, 139.0),
    ("狗粮", "DOG", 12, 159.0),
    ("猫砂", "LIT", 8, 59.0),
    ("宠物玩具", "TOY", 10, 39.0),
)
PERSONAL_CARE = (
    ("洗发护发", "HAR", 12, 89.0),
    ("身体护理", "BDY", 12, 69.0),
    ("口腔护理", "ORL", 8, 39.0),
    ("香氛", "SCT", 8, 159.0),
)
APPLIANCES = (
    ("冰箱", "FRG", 8, 3299.0),
    ("洗衣机", "WSH", 8, 2499.0),
    ("空调", "ACN", 10, 2999.0),
    ("厨房小电", "SML", 22, 299.0),
)


@dataclass(frozen=True)
class Preset:
    """A fictional shop's campaign: generator settings plus the card its team wrote.

    ``card`` is laid over the generator's card: ``background``, ``retrospective``, ``tags`` and
    the other top-level keys replace the generator's; ``strategy`` keys replace only the keys
    given (targets and budget stay the generator's plan unless given). ``target_factor``
    multiplies the plan's GMV target: the generator aims it ≈ 8 % above the standard campaign's
    expectation (a stretch most teams miss); a team that planned conservatively is 0.85.
    """

    key: str
    seed: int
    scale: float
    card: dict[str, Any]
    scenario: Scenario = "standard"
    levers: Levers = field(default_factory=Levers)
    target_factor: float = 1.0

    @property
    def case_id(self) -> str:
        return self.card["id"]


def _synthetic(key: str, seed: int, scale: float) -> str:
    return (
        f"合成案例：由 fupan 演示生成器按预设「{key}」生成（种子 {seed}，规模 {scale}），"
        f"店铺、品牌与数字均为虚构。Synthetic case made by fupan's demo generator (preset {key})."
    )


def _bg(key: str, seed: int, scale: float, market: str, **rest: Any) -> dict[str, Any]:
    return {"market": f"{_synthetic(key, seed, scale)} {market}", **rest}


PRESETS: dict[str, Preset] = {}


def _add(p: Preset) -> None:
    assert p.key not in PRESETS and p.case_id not in {q.case_id for q in PRESETS.values()}
    PRESETS[p.key] = p


def card_for(preset: Preset, generated: dict[str, Any]) -> dict[str, Any]:
    """The generator's card with the preset's card laid over it (see :class:`Preset`)."""
    card = copy.deepcopy(generated)
    targets = card.get("strategy", {}).get("targets", {})
    if preset.target_factor != 1.0 and "gmv" in targets:
        targets["gmv"] = float(f"{targets['gmv'] * preset.target_factor:.3g}")
    for key, value in preset.card.items():
        if key == "strategy":
            card["strategy"] = {**card.get("strategy", {}), **copy.deepcopy(value)}
        else:
            card[key] = copy.deepcopy(value)
    card["provenance"] = "synthetic"
    return card


def write_preset(preset: Preset | str, out_dir: Path | str) -> Path:
    """Generate the preset's campaign folder into ``out_dir`` (``campaign.yaml`` + tables +
    ``truth.json``); the same preset always gives the same files."""
    p = PRESETS[preset] if isinstance(preset, str) else preset
    out = generate_demo(
        Path(out_dir), seed=p.seed, scale=p.scale, scenario=p.scenario, levers=p.levers
    )
    path = out / "campaign.yaml"
    card = card_for(p, yaml.safe_load(path.read_text(encoding="utf-8")))
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        yaml.safe_dump(
            card, f, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100
        )
    return out
