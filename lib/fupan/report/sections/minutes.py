"""复盘会纪要: what the review meeting takes away, as Markdown (``minutes.md`` beside the report).

The conclusions (targets, did it make money), the problems, every action with its owner, due
date, the metric that will show it worked and its status, the team's lessons beside the measured
increment of the period they name, each role's own review, the previous case's actions this one
closed or left open, and the next campaign's checklist — built from the results the report shows
(the one-page summary's and 经验与行动's own functions, one definition each), in the report's
language, every figure through its :class:`~fupan.format.Style`. Pasted into a group chat or a
wiki, it is what the team signs off; the report stays the evidence.

Text from the card is the operator's: it is written on one line with HTML's ``<``, ``>`` and
``&`` as entities and Markdown's markup characters escaped, so nothing in it becomes a link, an
image, a table cell or HTML.
"""

from __future__ import annotations

import re
from typing import Any

from ...analysis.results import Skip
from ...cases.carried import Carried
from ...dictionary import ROLE_LABELS
from ...format import Style, pct
from ...i18n import t
from .library import _measure
from .summary import _targets, _unlinked, action_rows, lesson_checks, problems, profit_answer

#: the MIME type the template displays the minutes with; the runner writes them to minutes.md
#: and leaves them out of the HTML
MIME = "text/vnd.fupan.minutes+markdown"
#: how many problems the minutes carry: as many as 经验与行动 lists
TOP = 5

#: an ``&`` that would start a character reference (``&lt;``, ``&#60;``); any other reads as itself
_ENTITY = re.compile(r"&(?=#?\w+;)")
_MARKUP = re.compile(r"([\\`*_\[\]|#])")


def md(text: object) -> str:
    """``text`` safe in Markdown: one line, ``<`` ``>`` (and an ``&`` that would start an
    entity) as entities, markup escaped."""
    one = " ".join(str(text).split())
    one = _ENTITY.sub("&amp;", one).replace("<", "&lt;").replace(">", "&gt;")
    return _MARKUP.sub(r"\\\1", one)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table (cells already escaped)."""
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _label(label: str, style: Style) -> str:
    """``label`` before its text: ``标签：`` / ``Label: ``, a question without a colon."""
    if label.endswith(("?", "？")):
        return label + style.pick("", " ")
    return label + style.pick("：", ": ")


def minutes(r: Any, style: Style, past: Carried | Skip | None = None) -> str:
    """The meeting's minutes of retrospective ``r`` as Markdown; ``past``: the previous case's
    actions (:func:`fupan.cases.carried_actions`), or why there are none."""
    lang, card = style.lang, r.card
    sep = style.pick("；", "; ")
    c = card.windows.campaign
    war = card.in_flight  # a war report's meeting: the rest of this campaign, not the next
    title = t("minutes_title_war" if war else "minutes_title", lang, name=md(card.name))
    out = [f"# {title}", ""]
    period = t("minutes_period", lang, start=c.start, end=c.end)
    if war:
        period += sep + t("minutes_war", lang, as_of=card.as_of)
    out += [period, "", f"> {t('minutes_source', lang)}", ""]

    out += [f"## {t('minutes_h_conclusion', lang)}", ""]
    for row in _targets(r.targets, style):
        out.append(
            f"- {md(row['name'])}{style.pick('：', ': ')}{row['actual']} / {row['target']}"
            f"{style.pick('（', ' (')}{pct(row['achievement'])}{style.pick('，', ', ')}"
            f"{t(row['status'], lang)}{style.pick('）', ')')}"
        )
    profit = profit_answer(r.margin, r.lift, style, getattr(r, "pnl", None), r.card)
    out.append(f"- {_label(t('summary_profit', lang), style)}{md(profit['headline'])}")
    out += [f"  - {md(line)}" for line in profit["lines"]]
    out.append("")

    top = problems(r.findings, n=TOP)
    out += [f"## {t('minutes_h_problems', lang)}", ""]
    out += [f"{i}. {md(f.text(lang))}" for i, f in enumerate(top, 1)] or [
        f"- {t('summary_no_problems', lang)}"
    ]
    out.append("")

    rows = action_rows(card, top, style)
    extra = _unlinked(card, top, style)
    out += [f"## {t('minutes_h_actions', lang)}", ""]
    header = [
        t(k, lang)
        for k in ("miss_problem", "actions", "owner", "due", "check_metric", "action_status")
    ]
    body = [
        [
            md(a["problem"]),
            md(a["action"]) + (f" {t('action_suggested', lang)}" if a["suggested"] else ""),
            md(a["owner"]),
            md(a["due"]),
            md(a["check"]),
            md(a["status"]),
        ]
        for a in rows
    ]
    body += [
        ["—", md(what), md(owner), md(due), md(check), "—"] for what, owner, due, check in extra
    ]
    out += _table(header, body) if body else [f"- {t('card_no_actions', lang)}"]
    out.append("")
    if not war:  # what the next campaign's report reads: the card, not these minutes
        out += [f"> {t('minutes_actions_where', lang)}", ""]

    lessons = card.retrospective
    checked = {
        text: (period_, shown, share)
        for text, period_, shown, share in lesson_checks(
            card, r.lift, r.targets, style, getattr(r, "presale", None)
        )
    }
    out += [f"## {t('minutes_h_lessons', lang)}", ""]
    for key, items in (("went_well", lessons.went_well), ("to_improve", lessons.to_improve)):
        out.append(f"**{t(key, lang)}**")
        out.append("")
        for text in items:
            line = f"- {md(text)}"
            if text in checked:
                period_, shown, share = checked[text]
                line += style.pick("（", " (") + t(
                    "minutes_lesson_check", lang, period=period_, shown=shown, share=share
                )
                line += style.pick("）", ")")
            out.append(line)
        if not items:
            out.append(f"- {t('card_no_lessons', lang)}")
        out.append("")

    if lessons.by_role:
        out += [f"## {t('minutes_h_roles', lang)}", ""]
        for key, notes in lessons.by_role.items():
            zh, en = ROLE_LABELS.get(key, (key, key))
            parts = []
            if notes.went_well:
                parts.append(
                    f"{t('went_well', lang)}{style.pick('：', ': ')}"
                    + sep.join(md(x) for x in notes.went_well)
                )
            if notes.to_improve:
                parts.append(
                    f"{t('to_improve', lang)}{style.pick('：', ': ')}"
                    + sep.join(md(x) for x in notes.to_improve)
                )
            out.append(f"- **{style.pick(zh, en)}**{style.pick('：', ': ')}" + sep.join(parts))
        out.append("")

    carried = past if isinstance(past, Carried) else None
    if carried is not None and carried.actions:
        out += [
            f"## {t('minutes_h_carried', lang, case=md(carried.previous_name))}",
            "",
        ]
        for a in carried.actions:
            mark = "x" if a.closed else " "
            owner = (
                f"{style.pick('（', ' (')}{md(a.owner)}{style.pick('）', ')')}" if a.owner else ""
            )
            state = t("carried_closed" if a.closed else "carried_open", lang)
            out.append(f"- [{mark}] {md(a.what)}{owner} — {state}")
        out.append("")

    out += [f"## {t('minutes_h_todo' if war else 'minutes_h_checklist', lang)}", ""]
    items = [
        (a["action"], a["owner"], a["due"], a["check"], a["suggested"])
        for a in rows
        if a["status"] != t("action_status_done", lang)
    ] + [(what, owner, due, check, False) for what, owner, due, check in extra]
    for what, owner, due, check, suggested in items:
        note = f" {t('action_suggested', lang)}" if suggested else ""
        out.append(
            f"- [ ] {md(what)}{note} — {md(owner)}{style.pick('，', ', ')}{md(due)}"
            f"{style.pick('，', ', ')}{md(check)}"
        )
    if carried is not None:
        listed = {what for what, *_ in items}
        for a in carried.still_open:
            if a.what in listed:  # the team took it up again as one of this case's actions
                continue
            out.append(
                f"- [ ] {t('minutes_carried_item', lang)}{md(a.what)}"
                + (f" — {_measure(a, style)}" if a.metric else "")
            )
    if len(out) and out[-1].startswith("## "):
        out += ["", f"- {t('minutes_nothing', lang)}"]
    out.append("")
    return "\n".join(out)


def display_minutes(r: Any, style: Style, past: Carried | Skip | None = None) -> None:
    """Emit the minutes as a notebook output the runner writes to minutes.md (hidden from
    readers of the HTML)."""
    from IPython.display import display

    display({MIME: minutes(r, style, past)}, raw=True)


__all__ = ["MIME", "display_minutes", "md", "minutes"]
