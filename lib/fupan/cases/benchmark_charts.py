"""Inline SVG charts of the benchmark report: peer strips, a log-scale strip, bullet graphs and the
daily GMV index overlay. Pure functions (numbers in, SVG text out): no file, no network, no script;
text is drawn with the page's font (the embedded CJK subset), so labels stay sharp and searchable.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

SUBJECT = "#c0392b"
PEER = "#7f8c8d"
BANDS = ("#bdbdbd", "#d4d4d4", "#e6e6e6", "#f3f3f3")  # Few: darker = lower part of the range
LINES = ("#2e86c1", "#28b463", "#af7ac5", "#f39c12", "#17a589", "#5d6d7e")


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (steps of 1, 2, 2.5 or 5 × 10^k)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw)
    start = math.floor(lo / step) * step
    ticks, t = [], start
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 12))
        t += step
    return ticks


def log_ticks(lo: float, hi: float) -> list[float]:
    """1-2-5 ticks of a log axis covering [lo, hi] (lo > 0); decades only when the range is wide."""
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    mults = (1,) if last - first > 3 else (1, 2, 5)
    return [
        m * 10.0**e for e in range(first, last + 1) for m in mults if lo <= m * 10.0**e <= hi
    ] or [lo, hi]


def _svg(width: int, height: int, body: str, label: str) -> str:
    return (
        f'<svg class="fp-bm-svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label)}">{body}</svg>'
    )


def _text(
    x: float,
    y: float,
    s: str,
    anchor: str = "middle",
    size: int = 11,
    fill: str = "#444",
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}" '
        f'font-weight="{weight}">{escape(s)}</text>'
    )


def strip(
    peers: Sequence[float],
    value: float | None,
    quartiles: tuple[float, float, float] | None,
    fmt: Callable[[float], str],
    label: str,
    width: int = 240,
) -> str:
    """Peers as grey dots, their P25–P75 as a box with the median line, the case as a red diamond."""
    pts = [*peers, *([value] if value is not None else [])]
    if not pts:
        return ""
    lo, hi = min(pts), max(pts)
    pad = (hi - lo) * 0.06 or abs(hi) * 0.1 or 1.0
    lo, hi = lo - pad, hi + pad
    height, left, right = 34, 6, width - 6

    def sx(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (right - left)

    body = [f'<line x1="{left}" y1="14" x2="{right}" y2="14" stroke="#ddd"/>']
    if quartiles:
        q1, q2, q3 = quartiles
        body.append(
            f'<rect x="{sx(q1):.1f}" y="7" width="{max(sx(q3) - sx(q1), 1):.1f}" height="14" fill="#eaeaea"/>'
        )
        body.append(
            f'<line x1="{sx(q2):.1f}" y1="5" x2="{sx(q2):.1f}" y2="23" stroke="#555" stroke-width="1.5"/>'
        )
    for v in peers:
        body.append(f'<circle cx="{sx(v):.1f}" cy="14" r="3" fill="{PEER}" fill-opacity="0.55"/>')
    if value is not None:
        x = sx(value)
        body.append(
            f'<path d="M{x:.1f},6 L{x + 6:.1f},14 L{x:.1f},22 L{x - 6:.1f},14 Z" fill="{SUBJECT}"/>'
        )
    body.append(_text(left, 32, fmt(min(pts)), "start", 9, "#888"))
    body.append(_text(right, 32, fmt(max(pts)), "end", 9, "#888"))
    return _svg(width, height, "".join(body), label)


def log_strip(
    rows: Sequence[tuple[str, Sequence[float], float | None]],
    fmt: Callable[[float], str],
    label: str,
    width: int = 640,
) -> str:
    """Scale KPIs on a log axis, one row each: (row label, peer values, the case's value)."""
    vals = [v for _, peers, x in rows for v in [*peers, *([x] if x else [])] if v and v > 0]
    if not vals:
        return ""
    lo, hi = min(vals) / 1.3, max(vals) * 1.3
    left, right, row_h = 110, width - 16, 30
    height = 24 + row_h * len(rows) + 18

    def sx(v: float) -> float:
        return left + (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * (
            right - left
        )

    body = []
    for t in log_ticks(lo, hi):
        body.append(
            f'<line x1="{sx(t):.1f}" y1="16" x2="{sx(t):.1f}" y2="{height - 20}" stroke="#eee"/>'
        )
        body.append(_text(sx(t), height - 6, fmt(t), size=9, fill="#888"))
    for i, (name, peers, x) in enumerate(rows):
        y = 30 + i * row_h
        body.append(_text(left - 8, y + 4, name, "end", 11))
        for v in peers:
            if v > 0:
                body.append(
                    f'<circle cx="{sx(v):.1f}" cy="{y}" r="3.2" fill="{PEER}" fill-opacity="0.55"/>'
                )
        if x and x > 0:
            body.append(
                f'<path d="M{sx(x):.1f},{y - 8} L{sx(x) + 7:.1f},{y} L{sx(x):.1f},{y + 8} '
                f'L{sx(x) - 7:.1f},{y} Z" fill="{SUBJECT}"/>'
            )
    return _svg(width, height, "".join(body), label)


def bullet(
    actual: float | None,
    plan: float,
    quartiles: tuple[float, float, float] | None,
    fmt: Callable[[float], str],
    label: str,
    width: int = 560,
) -> str:
    """Few's bullet graph: grey bands split at the peers' P25/P50/P75 (darkest = lowest quarter),
    the dark bar = the actual, the vertical tick = the plan."""
    pts = [0.0, plan, *([actual] if actual is not None else []), *(quartiles or ())]
    hi = max(pts) * 1.12 or 1.0
    lo = min(0.0, min(pts) * 1.12)
    left, right, height = 18, width - 18, 54

    def sx(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (right - left)

    body = []
    edges = [lo, *quartiles, hi] if quartiles else [lo, hi]
    shades = BANDS if quartiles else (BANDS[-1],)
    for a, b, shade in zip(edges, edges[1:], shades, strict=False):
        body.append(
            f'<rect x="{sx(a):.1f}" y="6" width="{max(sx(b) - sx(a), 0):.1f}" height="24" fill="{shade}"/>'
        )
    if actual is not None:
        x0, x1 = sorted((sx(0.0), sx(actual)))
        body.append(
            f'<rect x="{x0:.1f}" y="14" width="{max(x1 - x0, 1):.1f}" height="8" fill="#333"/>'
        )
    body.append(
        f'<line x1="{sx(plan):.1f}" y1="9" x2="{sx(plan):.1f}" y2="27" stroke="{SUBJECT}" stroke-width="3"/>'
    )
    for t in nice_ticks(lo, hi, 6):
        if lo <= t <= hi:
            body.append(f'<line x1="{sx(t):.1f}" y1="30" x2="{sx(t):.1f}" y2="34" stroke="#999"/>')
            body.append(_text(sx(t), 46, fmt(t), size=9, fill="#777"))
    return _svg(width, height, "".join(body), label)


def overlay(
    series: Sequence[tuple[str, Sequence[tuple[int, float]], bool]],
    x_range: tuple[int, int],
    day0_label: str,
    y_label: str,
    label: str,
    width: int = 760,
    height: int = 320,
) -> str:
    """Daily GMV index lines aligned by promotion day: (legend name, [(day, index)], is the case)."""
    lo_d, hi_d = x_range
    pts = [v for _, s, _ in series for d, v in s if lo_d <= d <= hi_d]
    if not pts:
        return ""
    y_hi = max(max(pts) * 1.08, 120.0)
    # the legend goes under the plot, two names a row, so that long case names are not cut short
    legend_rows = (len(series) + 1) // 2
    left, right, top, bottom = 52, width - 16, 16, height - 36
    height += 8 + 18 * legend_rows

    def sx(d: float) -> float:
        return left + (d - lo_d) / max(hi_d - lo_d, 1) * (right - left)

    def sy(v: float) -> float:
        return bottom - v / y_hi * (bottom - top)

    body = []
    for t in nice_ticks(0, y_hi, 5):
        if t <= y_hi:
            body.append(
                f'<line x1="{left}" y1="{sy(t):.1f}" x2="{right}" y2="{sy(t):.1f}" stroke="#eee"/>'
            )
            body.append(_text(left - 6, sy(t) + 3, f"{t:,.0f}", "end", 9, "#777"))
    for t in nice_ticks(lo_d, hi_d, 8):
        if lo_d <= t <= hi_d:
            body.append(_text(sx(t), bottom + 14, f"{t:+.0f}" if t else "0", size=9, fill="#777"))
    body.append(
        f'<line x1="{left}" y1="{sy(100):.1f}" x2="{right}" y2="{sy(100):.1f}" stroke="#999" stroke-dasharray="4 3"/>'
    )
    body.append(
        f'<line x1="{sx(0):.1f}" y1="{top}" x2="{sx(0):.1f}" y2="{bottom}" stroke="#999" stroke-dasharray="4 3"/>'
    )
    body.append(_text(sx(0) + 4, top + 10, day0_label, "start", 10, "#555"))
    body.append(_text(left, bottom + 30, y_label, "start", 10, "#555"))
    others = [s for s in series if not s[2]]
    ordered = [*others, *[s for s in series if s[2]]]  # the case drawn last, on top
    colours = {
        id(s): (SUBJECT if s[2] else LINES[i % len(LINES)]) for i, s in enumerate(others)
    } | {id(s): SUBJECT for s in series if s[2]}
    for s in ordered:
        name, data, is_case = s
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{sx(d):.1f},{sy(v):.1f}"
            for i, (d, v) in enumerate((d, v) for d, v in data if lo_d <= d <= hi_d)
        )
        if path:
            body.append(
                f'<path d="{path}" fill="none" stroke="{colours[id(s)]}" '
                f'stroke-width="{2.6 if is_case else 1.4}" stroke-opacity="{1 if is_case else 0.85}"/>'
            )
    col = (right - left) / 2
    for i, s in enumerate([*[s for s in series if s[2]], *others]):
        x, y = left + (i % 2) * col, bottom + 48 + (i // 2) * 18
        body.append(
            f'<line x1="{x:.1f}" y1="{y}" x2="{x + 20:.1f}" y2="{y}" stroke="{colours[id(s)]}" '
            f'stroke-width="{2.6 if s[2] else 1.6}"/>'
        )
        name = s[0] if len(s[0]) <= 34 else s[0][:33] + "…"
        body.append(_text(x + 24, y + 4, name, "start", 11, "#333", "bold" if s[2] else "normal"))
    return _svg(width, height, "".join(body), label)
