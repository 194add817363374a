"""Notes in place of numbers: why a section shows none."""

from __future__ import annotations

from ...analysis.results import Skip
from ...format import Style
from ...i18n import t
from ..html import Html, note


def skipped_note(skip: Skip | None, style: Style) -> Html:
    """Why an analysis shows no numbers: its stated reason in the report's language."""
    text = (
        skip.text(style.lang)
        if skip is not None and skip.reason
        else t("not_enough_data_not_computed", style.lang)
    )
    return note(t("not_computed", style.lang, reason=text))
