"""The campaign card (campaign.yaml) as a typed model, and the column contracts of its tables.

The card is written by the operator *before* the analysis (背景 and 策略 are frozen at launch);
:func:`load_card` parses it and turns every schema violation into a :class:`~fupan.errors.Problem`
that names the file, the line and the key path, in Chinese and English.
"""

from .base import CARD_FILE, EARLIEST, LATEST, Festival, Platform
from .blocks import Action, Background, Controls, Costs, Hypothesis, Lessons, Strategy
from .contracts import CONTRACTS, TABLE_NAMES, Column, ColumnKind
from .model import CampaignCard, Tables
from .parse import STRUCTURAL_KEYS, card_line, load_card, parse_card, read_card
from .windows import Window, Windows

__all__ = [
    "CARD_FILE",
    "CONTRACTS",
    "EARLIEST",
    "LATEST",
    "STRUCTURAL_KEYS",
    "TABLE_NAMES",
    "Action",
    "Background",
    "CampaignCard",
    "Column",
    "ColumnKind",
    "Controls",
    "Costs",
    "Festival",
    "Hypothesis",
    "Lessons",
    "Platform",
    "Strategy",
    "Tables",
    "Window",
    "Windows",
    "card_line",
    "load_card",
    "parse_card",
    "read_card",
]
