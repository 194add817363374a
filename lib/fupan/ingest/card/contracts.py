"""The column contracts of the campaign tables: names, kinds, required, allowed values, bounds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast, get_args

from . import ops_contracts as _ops

# ----------------------------------------------------------------------------- table contracts
#: a campaign's tables: orders (required), events, spend, inventory, then the ops tables (optional)
TableName = Literal[
    "orders",
    "events",
    "spend",
    "inventory",
    "products",
    "live_sessions",
    "coupons",
    "targets",
    "members",
    "prices",
    "service_daily",
    "refunds",
]
TABLE_NAMES: tuple[str, ...] = get_args(TableName)
ColumnKind = Literal["string", "timestamp", "date", "number", "integer"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    required: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    #: a rate's bound: 1 (a share written as a fraction; 20 for 20 % would be 2000 %)
    maximum: float | None = None
    #: what a value below ``minimum`` means when it is read as the minimum, not refused (zh, en):
    #: a negative stock on hand is stock oversold, none left to sell
    below_means: tuple[str, str] | None = None

    def floored(self, e: str) -> str:
        """Typed expression ``e`` with a value below the minimum read as the minimum (NULL kept)."""
        return f"CASE WHEN ({e}) < {self.minimum:g} THEN {self.minimum:g} ELSE ({e}) END"

    def floored_said(self, table: str, n: int) -> tuple[str, str]:
        """The warning (zh, en) that ``n`` rows of ``table`` below the minimum were read as it."""
        assert self.below_means is not None and self.minimum is not None
        zh, en = self.below_means
        return (
            f"{table} 表的列 {self.name} 有 {n:,} 行小于 {self.minimum:g}（{zh}），"
            f"已按 {self.minimum:g} 读取。",
            f"{n:,} row(s) of column {self.name} in the {table} table are below "
            f"{self.minimum:g} ({en}), read as {self.minimum:g}.",
        )

    def bound_checks(self, e: str) -> list[tuple[str, str, str, str]]:
        """(code, condition of a bad row, zh, en) of this column's bounds, for its typed
        expression ``e`` — one wording for files and SQL sources."""
        out = []
        if self.minimum is not None:
            out.append(
                (
                    "below_minimum",
                    f"({e}) < {self.minimum}",
                    f"不能小于 {self.minimum:g}",
                    f"must be ≥ {self.minimum:g}",
                )
            )
        if self.maximum is not None:
            rate = self.maximum == 1
            out.append(
                (
                    "above_maximum",
                    f"({e}) > {self.maximum}",
                    f"不能大于 {self.maximum:g}"
                    + ("（比率写作小数：20% 写 0.20）" if rate else ""),
                    f"must be ≤ {self.maximum:g}"
                    + (" (a rate, written as a fraction: 0.20 for 20 %)" if rate else ""),
                )
            )
        return out


CONTRACTS: dict[str, tuple[Column, ...]] = {
    "orders": (
        Column("order_id", "string", True),
        Column("user_id", "string", True),
        Column("order_time", "timestamp", True),
        Column("paid_amount", "number", True, minimum=0),
        Column("sku", "string"),
        Column("category", "string"),
        Column("quantity", "integer", minimum=1),
        Column("list_amount", "number", minimum=0),
        Column("channel", "string"),
        Column("status", "string", allowed=("paid", "cancelled", "refunded")),
        Column("refund_amount", "number", minimum=0),
        Column("unit_cost", "number", minimum=0),
        *(Column(*cast(tuple, c)) for c in _ops.ORDER_OPS_COLUMNS),
    ),
    "events": (
        Column("user_id", "string", True),
        Column("event_time", "timestamp", True),
        Column("event", "string", True, allowed=("visit", "view", "cart", "order", "pay")),
        Column("channel", "string"),
        Column("sku", "string"),
        Column("session_id", "string"),
        Column("variant", "string"),
    ),
    "spend": (
        Column("date", "date", True),
        Column("channel", "string", True),
        Column("spend", "number", True, minimum=0),
        Column("impressions", "integer", minimum=0),
        Column("clicks", "integer", minimum=0),
        *(Column(*cast(tuple, c)) for c in _ops.SPEND_OPS_COLUMNS),
    ),
    "inventory": (
        Column("date", "date", True),
        Column("sku", "string", True),
        Column(
            "on_hand",
            "integer",
            True,
            minimum=0,
            below_means=("超卖：已无库存可卖", "stock oversold: none left to sell"),
        ),  # fmt: skip
        Column("on_order", "integer", minimum=0),
    ),
    **{t: tuple(Column(*cast(tuple, c)) for c in cols) for t, cols in _ops.OPS_CONTRACTS.items()},
}
