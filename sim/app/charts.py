"""Charts as inline SVG and the people as a small PNG, built from a snapshot's arrays.

SVG built from a few NumPy arrays costs about a millisecond a chart and needs no
JavaScript library, so the app stays fluid at ten or more weeks a second and needs
nothing from a CDN. The people grid is one pixel block per post in a PNG of a few
kilobytes, scaled by the browser, so 5,000 people cost no more to send than 500; at
headcounts where a post's block would be too small to read, one square per team.
Every string placed in the SVG is escaped.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Callable, Sequence
from html import escape

import numpy as np
from matplotlib import image as mpimage

from sim.app.workshop import STATES

STATE_COLOURS = {  # Okabe-Ito based: distinguishable with colour-blindness and on a projector
    "working honestly": "#8fb8de",
    "AI-fluent": "#009e73",
    "gaming": "#e69f00",
    "burned out": "#b2182b",
    "vacant": "#e4e4e4",
}
BASELINE_COLOUR = "#8a8a8a"
MARKER_COLOUR = "#6a3d9a"
BASELINE_LABEL = "same company, no metric"

# Chart viewBox, in CSS pixels at 1280x720 (the layout scales it with the window): text
# sizes below are what a 1280x720 projector shows.
W, H = 300, 180
LEFT, RIGHT, TOP, BOTTOM = 54, 10, 52, 24
AXIS_FONT, TITLE_FONT, VALUE_FONT, NOTE_FONT = 18, 18, 28, 13


def _points(x: np.ndarray, y: np.ndarray, sx: Callable, sy: Callable) -> str:
    """SVG polyline points "x y x y ...", computed over whole arrays (this runs every week)."""
    keep = np.isfinite(y)
    xy = np.column_stack([sx(x[keep]), sy(y[keep])])
    return " ".join(map(str, np.round(xy, 1).ravel().tolist()))


MARKER_FONT = 12  # the number on a lever-change badge
MARKER_STRIP = 14  # height of the strip above the plot that holds the badges, when there are any


def marker_badges(weeks: Sequence[int], x_of: Callable[[float], float]) -> list[tuple[float, float, str]]:
    """Badges naming lever changes by number (1, 2, ...), as (centre x, width, text): changes
    whose badges would touch share one ("2,3" or "2-5"), and every badge lies inside the
    plot's width, so badges never overlap each other or leave the chart."""
    groups: list[list[int]] = []  # numbers per badge, left to right
    centres: list[float] = []
    for number, week in sorted(enumerate(weeks, start=1), key=lambda item: (item[1], item[0])):
        groups.append([number])
        centres.append(x_of(week))
        while len(groups) > 1:  # merge into the badge on the left while they would touch
            (x0, w0, _), (x1, w1, _) = (_badge(centres[-2], groups[-2]), _badge(centres[-1], groups[-1]))
            if x1 - w1 / 2 >= x0 + w0 / 2 + 2:
                break
            merged = groups[-2] + groups.pop()
            centres[-1] = (centres[-1] * (len(merged) - 1) + centres.pop()) / len(merged)
            groups[-1] = merged
    return [_badge(x, numbers) for x, numbers in zip(centres, groups, strict=True)]


def _badge(x: float, numbers: list[int]) -> tuple[float, float, str]:
    numbers = sorted(numbers)
    consecutive = numbers == list(range(numbers[0], numbers[-1] + 1))
    text = (
        str(numbers[0])
        if len(numbers) == 1
        else (
            f"{numbers[0]}-{numbers[-1]}" if consecutive and len(numbers) > 2 else ",".join(map(str, numbers))
        )
    )
    width = 0.62 * MARKER_FONT * len(text) + 8
    low, high = LEFT + width / 2, W - RIGHT - width / 2
    return (min(max(x, low), high), width, text)


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
    events: Sequence[tuple[int, str]] = (),
    empty: str = "",
    from_week: int = 0,
) -> str:
    """A week-by-week line, the same company under no metric as a grey line, the policy's
    start as a dashed line, lever changes as numbered markers (the page lists what each
    changed), and the latest value large. Weeks before `from_week` are not drawn (a formula
    set mid-run indexes the metric from then on).

    The x axis always spans the scenario's horizon, so the line grows across a still frame.
    """
    values = np.array(live, dtype=float)
    base = np.array(baseline, dtype=float)
    values[:from_week] = np.nan
    base[:from_week] = np.nan
    top_of_plot = TOP + (MARKER_STRIP if len(events) else 0)
    both = np.concatenate([values[np.isfinite(values)], base[np.isfinite(base)]])
    low = float(both.min()) if len(both) else 0.0
    high = float(both.max()) if len(both) else 1.0
    if floor is not None:
        low = min(low, floor)
    if high - low < 1e-9:
        high = low + (abs(low) or 1.0) * 0.1
    top = high
    high += 0.06 * (high - low)
    horizon = max(weeks, len(values), len(base), 1)

    def sx(week: float) -> float:
        return LEFT + (W - LEFT - RIGHT) * week / horizon

    def sy(value: float) -> float:
        return H - BOTTOM - (H - top_of_plot - BOTTOM) * (value - low) / (high - low)

    text = f'font-size="{AXIS_FONT}" fill="#424242"'
    parts = [
        f'<svg viewBox="0 0 {W} {H}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{escape(title)}" class="goodhart-chart" font-family="Roboto, sans-serif">',
        f'<text class="title" x="2" y="18" font-size="{TITLE_FONT}" font-weight="600" fill="#212121">'
        f"{escape(title)}</text>",
        f'<g class="legend" font-size="{NOTE_FONT}" fill="#616161">'
        f'<line x1="2" y1="38" x2="20" y2="38" stroke="{BASELINE_COLOUR}" stroke-width="2.5"/>'
        f'<text x="24" y="42">{BASELINE_LABEL}</text>'
        f'<line x1="188" y1="32" x2="188" y2="44" stroke="#757575" stroke-dasharray="3,2"/>'
        f'<text x="193" y="42">policy start</text></g>',
        f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - RIGHT}" y2="{H - BOTTOM}" stroke="#bdbdbd"/>',
        f'<text class="axis" x="{LEFT - 4}" y="{sy(top) + 6:.1f}" text-anchor="end" {text}>'
        f"{escape(fmt(top))}</text>",
        f'<line x1="{LEFT}" y1="{sy(top):.1f}" x2="{W - RIGHT}" y2="{sy(top):.1f}" stroke="#eeeeee"/>',
        f'<text class="axis" x="{LEFT - 4}" y="{H - BOTTOM:.1f}" text-anchor="end" {text}>'
        f"{escape(fmt(low))}</text>",
    ]
    step = 52 if horizon > 60 else 13
    for week in range(0, horizon + 1, step):
        anchor = "start" if week == 0 else ("end" if week + step > horizon else "middle")
        x = LEFT - 2 if week == 0 else sx(week)
        parts.append(
            f'<text class="axis" x="{x:.1f}" y="{H - 4}" text-anchor="{anchor}" {text}>'
            f"{'week ' if week == 0 else ''}{week}</text>"
        )
    if start_week is not None and 0 < start_week < horizon:
        x = sx(start_week)
        parts.append(
            f'<line class="policy-start" x1="{x:.1f}" y1="{top_of_plot}" x2="{x:.1f}" y2="{H - BOTTOM}" '
            'stroke="#757575" stroke-dasharray="4,3" stroke-width="1.2"/>'
        )
    for week in sorted({week for week, _ in events}):
        x = sx(min(week, horizon))
        parts.append(
            f'<line class="lever-line" x1="{x:.1f}" y1="{top_of_plot}" x2="{x:.1f}" y2="{H - BOTTOM}" '
            f'stroke="{MARKER_COLOUR}" stroke-width="1.5" stroke-dasharray="1,2"/>'
        )
    if len(events):
        said = {str(k): f"{k}: week {week}, {what}" for k, (week, what) in enumerate(events, start=1)}
        y = TOP + MARKER_STRIP / 2
        for x, width, text in marker_badges([week for week, _ in events], sx):
            numbers = text.split("-") if "-" in text else text.split(",")
            if "-" in text:
                numbers = [str(k) for k in range(int(numbers[0]), int(numbers[1]) + 1)]
            tip = "; ".join(said[k] for k in numbers)
            parts.append(
                f'<g class="lever-marker" data-x="{x - width / 2:.1f}" data-width="{width:.1f}">'
                f"<title>{escape(tip)}</title>"
                f'<rect x="{x - width / 2:.1f}" y="{y - 7:.1f}" width="{width:.1f}" height="14" rx="7" '
                f'fill="{MARKER_COLOUR}"/>'
                f'<text x="{x:.1f}" y="{y + 4.2:.1f}" font-size="{MARKER_FONT}" text-anchor="middle" '
                f'fill="white" font-weight="700">{escape(text)}</text></g>'
            )
    if len(base):
        points = _points(np.arange(len(base)), base, sx, sy)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{BASELINE_COLOUR}" stroke-width="2.5" '
            'stroke-opacity="0.7" class="baseline"/>'
        )
    finite = np.flatnonzero(np.isfinite(values))
    if len(finite):
        points = _points(np.arange(len(values)), values, sx, sy)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="3" '
            'stroke-linejoin="round" class="live"/>'
        )
        last = finite[-1]
        parts.append(f'<circle cx="{sx(last):.1f}" cy="{sy(values[last]):.1f}" r="4" fill="{colour}"/>')
        parts.append(
            f'<text class="latest" x="{W - 2}" y="24" font-size="{VALUE_FONT}" font-weight="700" '
            f'text-anchor="end" fill="{colour}">{escape(fmt(float(values[last])))}</text>'
        )
    elif empty:
        parts.append(
            f'<text x="{(LEFT + W - RIGHT) / 2}" y="{(TOP + H - BOTTOM) / 2 + 5}" text-anchor="middle" '
            f'font-size="{AXIS_FONT}" fill="#757575">{escape(empty)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# -- the people ------------------------------------------------------------------------------
CELL, GAP, TEAM_GAP = 3, 1, 2  # pixels of the PNG: a post, the gap between posts, between teams
MIN_BLOCK = 4  # screen pixels: the narrowest block a projected grid shows as a readable square
# The people's area at 1280x720 with the notes open, the smallest the workshop page gives the grid
# (measured in Chromium: 322x196 CSS pixels at 1,000 people, 322x172 at 5,000 where the legend
# wraps onto a third line). A grid whose posts would be narrower than MIN_BLOCK here is drawn
# one square per team instead.
REFERENCE_BOX = (320, 190)


def team_layout(n: int, team_size: int, aspect: float = 1.0) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Pixel x, y of each post's top-left corner, teams as small blocks in a grid about
    `aspect` times as wide as tall; and the image's width and height."""
    per_row = math.ceil(team_size / 2) if team_size <= 12 else math.ceil(math.sqrt(team_size))
    rows = math.ceil(team_size / per_row)
    pitch = CELL + GAP
    block_w, block_h = per_row * pitch + TEAM_GAP, rows * pitch + TEAM_GAP
    n_teams = max(1, math.ceil(n / team_size))
    teams_per_row = max(1, min(n_teams, round(math.sqrt(n_teams * aspect * block_h / block_w))))
    slot = np.arange(n)
    team, member = slot // team_size, slot % team_size
    x = (team % teams_per_row) * block_w + (member % per_row) * pitch + TEAM_GAP
    y = (team // teams_per_row) * block_h + (member // per_row) * pitch + TEAM_GAP
    width = teams_per_row * block_w + TEAM_GAP
    height = math.ceil(n_teams / teams_per_row) * block_h + TEAM_GAP
    return x, y, width, height


def draws_teams(
    n: int, team_size: int, aspect: float = 1.0, box: tuple[int, int] | None = REFERENCE_BOX
) -> bool:
    """Whether the grid is drawn one square per team: when a post's block, the grid fitted
    into `box` screen pixels, would be narrower than MIN_BLOCK (never without a box)."""
    if box is None:
        return False
    _, _, width, height = team_layout(n, team_size, aspect)
    return CELL * min(box[0] / width, box[1] / height) < MIN_BLOCK


def team_squares(
    states: np.ndarray, team_size: int, aspect: float = 1.0
) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    """Each team as one square of side ceil(sqrt(team_size)) pixels, one pixel apart, in a grid
    about `aspect` times as wide as tall; the square's pixels, row by row, are its members
    sorted by state, so it shows the team's mix as bands. Returns each team's top-left x, y,
    the side, and the image's width and height."""
    n = len(states)
    side = math.ceil(math.sqrt(team_size))
    pitch = side + 1
    n_teams = max(1, math.ceil(n / team_size))
    per_row = max(1, min(n_teams, round(math.sqrt(n_teams * aspect))))
    team = np.arange(n_teams)
    x, y = (team % per_row) * pitch + 1, (team // per_row) * pitch + 1
    return x, y, side, per_row * pitch + 1, math.ceil(n_teams / per_row) * pitch + 1


def _team_pixels(states: np.ndarray, team_size: int, aspect: float, marked: np.ndarray | None) -> np.ndarray:
    x, y, side, width, height = team_squares(states, team_size, aspect)
    pixels = np.full((height, width, 3), 255, dtype=np.uint8)
    n = len(states)
    team = np.arange(len(x))
    members = np.minimum(n - team * team_size, team_size)  # the last team may be short
    order = np.lexsort((states, np.arange(n) // team_size))  # by team, then by state
    k = np.arange(side * side)
    picked = order[team[:, None] * team_size + (k[None, :] * members[:, None]) // (side * side)]
    pixels[y[:, None] + k // side, x[:, None] + k % side] = _PALETTE[states[picked]]
    if marked is not None and len(marked):
        teams = np.asarray(marked) // team_size
        pixels[y[teams] + side // 2, x[teams] + side // 2] = 0
    return pixels


_PALETTE = np.array(
    [[int(STATE_COLOURS[s][k : k + 2], 16) for k in (1, 3, 5)] for s in STATES], dtype=np.uint8
)


def people_png(
    states: np.ndarray,
    team_size: int,
    aspect: float = 1.0,
    marked: np.ndarray | None = None,
    box: tuple[int, int] | None = REFERENCE_BOX,
) -> bytes:
    """Every post as a block of pixels, grouped by team, coloured by its holder's state;
    `marked` posts (a room's participants) with a black centre. Too many posts to read
    (`draws_teams`): one square per team, showing its mix, a marked team's centre black."""
    if draws_teams(len(states), team_size, aspect, box):
        pixels = _team_pixels(states, team_size, aspect, marked)
    else:
        x, y, width, height = team_layout(len(states), team_size, aspect)
        pixels = np.full((height, width, 3), 255, dtype=np.uint8)
        colours = _PALETTE[states]
        for dy in range(CELL):
            for dx in range(CELL):
                pixels[y + dy, x + dx] = colours
        if marked is not None and len(marked):
            pixels[y[marked] + CELL // 2, x[marked] + CELL // 2] = 0
    out = io.BytesIO()
    mpimage.imsave(out, pixels, format="png", pil_kwargs={"compress_level": 1})
    return out.getvalue()


def people_grid(
    states: np.ndarray,
    team_size: int,
    aspect: float = 1.0,
    marked: np.ndarray | None = None,
    box: tuple[int, int] | None = REFERENCE_BOX,
) -> str:
    """The grid as an <img> with its PNG inline (no request, nothing from a CDN); `data-drawn`
    says whether a block is a post or a team, `data-block` its side in the PNG's pixels."""
    data = base64.b64encode(people_png(states, team_size, aspect, marked, box)).decode()
    counts = np.bincount(states, minlength=len(STATES))
    described = ", ".join(f"{int(c)} {s}" for s, c in zip(STATES[::-1], counts[::-1], strict=True))
    teams = draws_teams(len(states), team_size, aspect, box)
    block = math.ceil(math.sqrt(team_size)) if teams else CELL
    return (
        f'<img class="goodhart-grid" data-posts="{len(states)}" '
        f'data-marked="{0 if marked is None else len(marked)}" '
        f'data-drawn="{"teams" if teams else "posts"}" data-block="{block}" '
        f'alt="employees by team: {escape(described)}" '
        f'src="data:image/png;base64,{data}">'
    )


def legend(counts: np.ndarray) -> str:
    """The grid's legend, with how many people are in each state now."""
    items = []
    for state, count in zip(STATES[::-1], counts[::-1], strict=True):
        items.append(
            f'<span class="goodhart-key" data-state="{escape(state)}" data-count="{int(count)}">'
            f'<span class="goodhart-swatch" style="background:{STATE_COLOURS[state]}"></span>'
            f"{escape(state)}&nbsp;<b>{int(count)}</b></span>"
        )
    return "".join(items)
