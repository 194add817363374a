"""Card blocks for the ops questions of issue 13: presale counting, the deposit multiplier, the P&L's
cost rates. Wired into :class:`~fupan.ingest.card.model.CampaignCard` and
:class:`~fupan.ingest.card.blocks.Costs`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from .base import _Model, amounts

#: Which date a presale order's GMV counts on: ``balance_paid`` (the day its balance was paid, as
#: 生意参谋 counts 支付金额) or ``order_time`` (the day it was ordered, i.e. the deposit day).
GmvDate = Literal["balance_paid", "order_time"]


class Presale(_Model):
    """预售: ``deposit_multiplier`` (定金膨胀) — a deposit of d is worth k·d off the price, so each
    presale line cost the shop (k − 1)·d; 1 = no multiplier."""

    deposit_multiplier: float = Field(default=1.0, ge=1.0, le=100.0, allow_inf_nan=False)


class NextCampaign(_Model):
    """下次大促测算 (ops review G15): the next campaign's GMV target and its budget by channel, for
    the planning sheet computed from this campaign's channel returns."""

    gmv_target: float | None = Field(default=None, gt=0.0, allow_inf_nan=False)
    budget: dict[str, float] = Field(default_factory=dict)

    @field_validator("budget")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        return amounts(v, "next_campaign.budget", "下次预算 next_campaign.budget")


class OpsCosts(_Model):
    """The campaign P&L's cost rates (活动损益表), each stated on the statement where it is used.

    ``commission_rate``: platform commission (扣点) as a share of net sales (GMV − refunds);
    ``payment_fee_rate``: payment fee as a share of GMV (not returned on refunds);
    ``logistics_per_order``: fulfilment and shipping per shipped (not cancelled) order.
    """

    commission_rate: float | None = Field(default=None, ge=0.0, lt=1.0)
    payment_fee_rate: float | None = Field(default=None, ge=0.0, lt=1.0)
    logistics_per_order: float | None = Field(default=None, ge=0.0, allow_inf_nan=False)
