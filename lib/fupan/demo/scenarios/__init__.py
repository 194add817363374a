"""Scenario presets: fictional shops whose campaigns went right or wrong in the ways 复盘 teaches.

Each :class:`Preset` is a shop (platform, category, catalogue, size), generator settings
(:class:`~fupan.demo.generator.Levers`: conversion, discount depth, stock-outs, the after-campaign
trough, …) and the card its team would have written: 背景 and 策略 before the campaign, the
lessons and action items after it, tags for the case library, and ``provenance: synthetic``.
Targets and budget come from the generator: the plan of the *standard* campaign of the same
shop, so a preset whose campaign failed misses them the way a real team would have.

:func:`write_preset` writes a campaign folder ready for ``fupan run``. Every shop, brand and
figure here is invented; the background of each card says so in its first sentence.

The failures the case method warns about, and the lever that plants each:

============================  ===================================================================
preset                        what went wrong (lever)
============================  ===================================================================
``traffic_no_conversion``     有流量无转化: paid traffic bought, visitors ×3, orders barely up
                              (``conversion=0.3``, ``campaign_lift=0.2``, ``campaign_spend=1.8``)
``warehouse_stockout``        爆单断货: 6 best sellers out 3–6 days, late shipments → cancels and
                              refunds ×2.5 (``stockout_skus``, ``stockout_days``, ``after_sales``)
``price_war``                 价格战: half price against a competitor, GMV up, gross margin below
                              zero on the promoted lines (``discount_depth=2``, ``cost_share``)
``pull_forward``              透支: customers stocked up, the next two weeks collapse
                              (``dip=(0.05, 0.45)``, ``campaign_lift=0.6``)
``no_lift``                   无增量: the campaign changed nothing (generator scenario ``no_lift``)
``live_channel_fault``        直播间事故: the live channel converts at 10 % on 11-05
                              (generator scenario ``channel_fault``)
============================  ===================================================================
"""

from __future__ import annotations

from .base import (
    APPAREL,
    APPLIANCES,
    BABY,
    ELECTRONICS,
    HOME,
    PERSONAL_CARE,
    PETS,
    PRESETS,
    SNACKS,
    Preset,
    card_for,
    write_preset,
)

# each preset module registers its shops into PRESETS when imported, in this order
# isort: off
from . import references
from . import references_more
from . import failures
from . import failures_more

# isort: on

__all__ = [
    "APPAREL",
    "APPLIANCES",
    "BABY",
    "ELECTRONICS",
    "HOME",
    "PERSONAL_CARE",
    "PETS",
    "PRESETS",
    "SNACKS",
    "Preset",
    "card_for",
    "failures",
    "failures_more",
    "references",
    "references_more",
    "write_preset",
]
