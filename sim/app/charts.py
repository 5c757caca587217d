"""Charts and the grid of people as inline SVG.

SVG built from a few NumPy arrays costs about a millisecond a chart and needs no
JavaScript library, so the app stays fluid at ten weeks a second and needs nothing from
a CDN. Every string placed in the SVG is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

import numpy as np

from sim.app.workshop import STATES

STATE_COLOURS = {  # Okabe-Ito based: distinguishable with colour-blindness and on a projector
    "working honestly": "#8fb8de",
    "AI-fluent": "#009e73",
    "gaming": "#e69f00",
    "burned out": "#b2182b",
    "vacant": "#ffffff",
}
BASELINE_COLOUR = "#9e9e9e"

W, H = 300, 150  # chart viewBox: small, so that text stays large on a projector
LEFT, RIGHT, TOP, BOTTOM = 44, 60, 30, 20


def _points(x: np.ndarray, y: np.ndarray, sx: Callable, sy: Callable) -> str:
    keep = np.isfinite(y)
    return " ".join(f"{sx(a):.1f},{sy(b):.1f}" for a, b in zip(x[keep], y[keep], strict=True))


def line_chart(
    title: str,
    live: Sequence[float],
    baseline: Sequence[float],
    *,
    weeks: int,
    start_week: int | None,
    fmt: Callable[[float], str],
    colour: str = "#0072b2",
    floor: float | None = 0.0,
) -> str:
    """A week-by-week line with the baseline as a faint line and the latest value large.

    The x axis always spans the scenario's horizon, so the line grows across a still frame.
    """
    live = np.asarray(live, dtype=float)
    base = np.asarray(baseline, dtype=float)
    both = np.concatenate([live[np.isfinite(live)], base[np.isfinite(base)]])
    low = float(both.min()) if len(both) else 0.0
    high = float(both.max()) if len(both) else 1.0
    if floor is not None:
        low = min(low, floor)
    if high - low < 1e-9:
        high = low + (abs(low) or 1.0) * 0.1
    top = high
    high += 0.08 * (high - low)
    horizon = max(weeks, len(live), len(base), 1)

    def sx(week: float) -> float:
        return LEFT + (W - LEFT - RIGHT) * week / horizon

    def sy(value: float) -> float:
        return H - BOTTOM - (H - TOP - BOTTOM) * (value - low) / (high - low)

    parts = [
        f'<svg viewBox="0 0 {W} {H}" width="100%" xmlns="http://www.w3.org/2000/svg" '
        f'role="img" aria-label="{escape(title)}" class="goodhart-chart" font-family="Roboto, sans-serif">',
        f'<text x="4" y="17" font-size="15" font-weight="600" fill="#212121">{escape(title)}</text>',
        f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - RIGHT}" y2="{H - BOTTOM}" stroke="#bdbdbd"/>',
        f'<text x="{LEFT - 4}" y="{sy(top) + 4:.1f}" font-size="11" text-anchor="end" fill="#616161">'
        f"{escape(fmt(top))}</text>",
        f'<line x1="{LEFT}" y1="{sy(top):.1f}" x2="{W - RIGHT}" y2="{sy(top):.1f}" stroke="#eeeeee"/>',
        f'<text x="{LEFT - 4}" y="{H - BOTTOM:.1f}" font-size="11" text-anchor="end" fill="#616161">'
        f"{escape(fmt(low))}</text>",
    ]
    for week in range(0, horizon + 1, 52 if horizon > 60 else 13):
        parts.append(
            f'<text x="{sx(week):.1f}" y="{H - 5}" font-size="11" text-anchor="middle" fill="#616161">'
            f"{'week ' if week == 0 else ''}{week}</text>"
        )
    if start_week is not None and 0 < start_week < horizon:
        x = sx(start_week)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{H - BOTTOM}" stroke="#757575" '
            'stroke-dasharray="3,3" stroke-width="1"/>'
        )
    if len(base):
        points = _points(np.arange(len(base)), base, sx, sy)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{BASELINE_COLOUR}" stroke-width="2" '
            'stroke-opacity="0.55" class="baseline"/>'
        )
    if len(live):
        points = _points(np.arange(len(live)), live, sx, sy)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="3" '
            'stroke-linejoin="round" class="live"/>'
        )
        finite = np.flatnonzero(np.isfinite(live))
        if len(finite):
            last = finite[-1]
            parts.append(f'<circle cx="{sx(last):.1f}" cy="{sy(live[last]):.1f}" r="3.5" fill="{colour}"/>')
            parts.append(
                f'<text x="{W - 4}" y="{max(sy(live[last]) + 6, TOP + 8):.1f}" font-size="19" '
                f'font-weight="700" text-anchor="end" fill="{colour}">{escape(fmt(float(live[last])))}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def team_layout(n: int, team_size: int) -> tuple[np.ndarray, np.ndarray, float, float]:
    """x, y of each post's cell, with teams as small blocks in a wide grid; and the size."""
    per_row = math.ceil(team_size / 2) if team_size <= 12 else math.ceil(math.sqrt(team_size))
    rows = math.ceil(team_size / per_row)
    n_teams = math.ceil(n / team_size)
    block_w, block_h = per_row * 11 + 6, rows * 11 + 6
    teams_per_row = max(1, math.ceil(math.sqrt(n_teams * 2.6 * block_h / block_w)))
    slot = np.arange(n)
    team, member = slot // team_size, slot % team_size
    x = (team % teams_per_row) * block_w + (member % per_row) * 11
    y = (team // teams_per_row) * block_h + (member // per_row) * 11
    width = teams_per_row * block_w
    height = math.ceil(n_teams / teams_per_row) * block_h
    return x, y, width, height


def people_grid(states: np.ndarray, team_size: int) -> str:
    """Every post as a square, grouped by team, coloured by its holder's state.

    One path per state rather than one element per person keeps a 1,000-person grid to a
    few kilobytes a week, which matters at ten redraws a second.
    """
    x, y, width, height = team_layout(len(states), team_size)
    paths = []
    for code, state in enumerate(STATES):
        mine = states == code
        cells = "".join(
            f"M{a} {b}h10v10h-10z" for a, b in zip(x[mine].tolist(), y[mine].tolist(), strict=True)
        )
        paths.append(
            f'<path d="{cells}" fill="{STATE_COLOURS[state]}" data-state="{escape(state)}" '
            f'data-count="{int(mine.sum())}"/>'
        )
    return (
        f'<svg viewBox="-2 -2 {width + 4} {height + 4}" width="100%" xmlns="http://www.w3.org/2000/svg" '
        f'role="img" aria-label="employees by team" class="goodhart-grid" data-posts="{len(states)}">'
        f'<g stroke="#d0d0d0" stroke-width="0.6">{"".join(paths)}</g></svg>'
    )


def legend(counts: np.ndarray) -> str:
    """The grid's legend, with how many people are in each state now."""
    items = []
    for state, count in zip(STATES[::-1], counts[::-1], strict=True):
        items.append(
            '<span style="display:inline-flex;align-items:center;margin-right:22px;font-size:17px">'
            f'<span style="width:16px;height:16px;background:{STATE_COLOURS[state]};'
            'border:1px solid #9e9e9e;display:inline-block;margin-right:7px"></span>'
            f"{escape(state)}&nbsp;<b>{int(count)}</b></span>"
        )
    return "".join(items)
