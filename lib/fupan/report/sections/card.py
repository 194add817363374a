"""The case card's parts of the report: 背景, 策略, 经验与行动, data notes and the share-safe banner."""

from __future__ import annotations

from typing import Any

from ...dictionary import KPI_DEFINITIONS
from ...format import OPS, Style, pct
from ...i18n import kpi_definition, kpi_name, phase_name, t
from ..html import Html, bold, fragment


def share_safe_notice(style: Style) -> Html:
    """The banner of a share-safe report: what was masked and what the money index means."""
    return fragment("share_safe_notice", style)


def war_report_notice(card: Any, style: Style) -> Html:
    """The banner of a war report (战报, ``as_of``): the day it counts to, each window cut short or
    still to come, and what that leaves out; nothing for a whole campaign."""
    if not card.in_flight:
        return Html("")
    lang, now = style.lang, dict(card.windows.items())
    windows = []
    for phase, w in card.planned_windows.items():
        if phase not in now:
            windows.append(
                t("war_window_ahead", lang, phase=phase_name(phase, lang), start=w.start, end=w.end)
            )
        elif now[phase].end < w.end:
            windows.append(
                t(
                    "war_window_part",
                    lang,
                    phase=phase_name(phase, lang),
                    start=w.start,
                    end=w.end,
                    done=now[phase].days,
                    days=w.days,
                )
            )
    return fragment("war_report_notice", style, as_of=card.as_of.isoformat(), windows=windows)


def warnings(problems: list[Any], style: Style) -> Html:
    """The validation's warnings (data notes), each with where it was found."""
    items = [f"{p.where()}: {p.zh if style.zh else p.en}" for p in problems]
    return fragment("warnings", style, problems=items)


def currency_label(style: Style) -> str:
    """``金额单位：英镑 £（GBP）`` / ``Money in GBP (£)``; the code alone when it has no symbol."""
    code, sym = style.currency, style.currency_symbol().strip()
    if sym == code:
        return t("currency_label_code", style.lang, code=code)
    return t(
        "currency_label",
        style.lang,
        code=code,
        currency=f"{style.currency_name()} {sym}" if style.zh else sym,
    )


def background(card: Any, style: Style) -> Html:
    """The 背景 part of the card: market, competition, team, product and carried-over actions."""
    b = card.background
    rows = [
        [bold(t(k, style.lang)), getattr(b, k)]
        for k in ("market", "competition", "team", "product")
        if getattr(b, k)
    ]
    windows = [
        [
            phase_name(n, style.lang),
            w.start.isoformat(),
            w.end.isoformat(),
            (w.end - w.start).days + 1,
        ]
        for n, w in card.windows.items()
    ]
    return fragment(
        "background", style, card=card, rows=rows, windows=windows, currency=currency_label(style)
    )


def strategy(card: Any, style: Style) -> Html:
    """The 策略 part: targets, budget split, mechanics and hypotheses, as frozen before launch."""
    s, lang = card.strategy, style.lang
    targets = [
        [kpi_name(k, lang), style.value(v, KPI_DEFINITIONS[k].unit)] for k, v in s.targets.items()
    ]
    total = sum(s.budget.values()) or float("nan")
    budget = [[style.channel(k), style.money(v), pct(v / total)] for k, v in s.budget.items()]
    budget.append([bold(t("total", lang)), bold(style.money(total)), "100%"])
    hyps = [
        [
            h.id,
            h.text,
            kpi_name(h.kpi, lang),
            f"{phase_name(h.window, lang)} {OPS.get(h.op, h.op)} "
            f"{style.threshold(h.value, KPI_DEFINITIONS[h.kpi].unit)}",
        ]
        for h in s.hypotheses
    ]
    return fragment("strategy", style, card=card, targets=targets, budget=budget, hypotheses=hyps)


def lessons(card: Any, style: Style) -> Html:
    """The team's lessons: what went well, what to improve, the action items."""
    extra = [
        [a.what, a.owner or "—", a.due.isoformat() if a.due else "—", "—"]
        for a in card.retrospective.actions
    ]
    return fragment("lessons", style, card=card, checks=[], actions=[], extra=extra)


def definitions(keys: tuple[str, ...], version: str, style: Style) -> Html:
    """The 口径 of the KPIs shown, so every number states which definition it used."""
    rows = [[kpi_name(k, style.lang), kpi_definition(k, style.lang)] for k in keys]
    return fragment("definitions", style, rows=rows, version=version)
