"""The workshop page: run controls in the top bar, "what the dashboard shows" beside "what
is really happening", the people as a grid of teams, and in the sidebar the scenario, the
live levers and the set-up.

Every browser tab renders its own `WorkshopApp`, with its own `WorkshopModel` and its own
`Runner` (the thread that steps the model at the chosen pace): two people exploring at
once never share a model. The page never reads the model while it steps: it draws the
`Snapshot` the model publishes under its lock at the end of each week.

The run controls are ours rather than Mesa's `ModelController`: Mesa 3.3's starts a new
stepping thread on every Run while the previous one may still be stepping, and redraws
from that thread while the model moves, which is what broke the page mid-run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import threading
import time
from collections.abc import Callable
from html import escape
from typing import Any, cast
from urllib.parse import parse_qs

import ipyvuetify as v
import numpy as np
import solara
import traitlets

from sim.app import assets
from sim.app.charts import REFERENCE_BOX, draws_teams, line_chart, people_grid
from sim.app.charts import legend as grid_legend
from sim.app.org_profile import PATH as PROFILE_PATH
from sim.app.org_profile import ProfileLink, ProfilePage
from sim.app.scenarios import NOTES, ordered
from sim.app.workshop import (
    SETUP_LIMITS,
    STATES,
    WEIGHT_LIMIT,
    Snapshot,
    WorkshopModel,
    check_setup,
    preset_labels,
    presets,
    warm_up,
)
from sim.core.checks import ConfigError
from sim.core.config import RegimeConfig
from sim.model.signals import SIGNALS

logger = logging.getLogger(__name__)
assets.ensure_under_solara_run()  # a bare `solara run sim.app.page` fetches missing front-end files

DEFAULT_SETUP: dict[str, Any] = {
    "preset": "token_leaderboard",
    "n_employees": 1000,
    "team_size": 8,
    "seed": 1,
}
SPEEDS = [1, 2, 5, 10, 20]  # weeks a second
DEFAULT_SPEED = 10
WEIGHT_SIGNALS = ("tokens", "ai_active_days", "volume", "value", "durable_value", "rework_rate")
WEIGHT_LABELS = {
    "tokens": "Tokens burned",
    "token_cost": "Token spend ($)",
    "token_cost_share": "Token spend as a share of salary",
    "ai_active_days": "AI-active days",
    "acceptance_rate": "Suggestion acceptance rate",
    "prompts": "Prompts sent",
    "volume": "Shipped volume",
    "value": "Value as first judged",
    "durable_value": "Durable value",
    "rework_rate": "Rework rate",
    "hours": "Hours logged",
    "salary_cost": "Salary cost",
}
DASHBOARD_COLOUR = "#0072b2"
REALITY_COLOUR = "#c0392b"
GRID_ASPECT = 1.15  # width over height of the people's area beside the panels

# Sizes in vw grow with the window, so 1920x1080 reads like 1280x720 on a bigger screen
# (1.5625vw is 20 px at 1280 wide); the charts' SVG scales the same way.
CSS = """
.goodhart-main { display: flex; flex-direction: column; gap: 6px; height: calc(100vh - 64px - 24px);
  min-height: 460px; }
.goodhart-bar { display: flex; align-items: center; gap: 8px; flex-wrap: nowrap; flex: 0 0 auto; }
.goodhart-bar .v-btn { font-size: max(15px, 1.17vw) !important; }
.goodhart-week { font-size: max(26px, 2.03vw); font-weight: 700; white-space: nowrap; margin: 0 12px 0 2px; }
.goodhart-week span { font-size: max(17px, 1.33vw); font-weight: 400; }
.goodhart-speed { font-size: max(16px, 1.25vw); margin-left: 14px; white-space: nowrap; }
.goodhart-notice { font-size: max(16px, 1.25vw); color: #b71c1c; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; min-width: 0; }
.goodhart-stage { flex: 1 1 0; min-height: 0; display: grid; gap: 10px;
  grid-template-columns: minmax(0, 1fr) minmax(0, 2fr) minmax(0, 1.12fr); }
.goodhart-panel { border-radius: 10px; padding: 6px 8px; display: flex; flex-direction: column;
  min-height: 0; min-width: 0; height: 100%; box-sizing: border-box; }
.goodhart-panel h2 { font-size: max(20px, 1.56vw); line-height: 1.2; font-weight: 600; margin: 0 0 4px 2px;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.goodhart-dashboard { background: #eef5fb; border: 2px solid #0072b2; }
.goodhart-reality { background: #fdf1ef; border: 2px solid #c0392b; }
.goodhart-charts { flex: 1 1 0; min-height: 0; display: grid; gap: 6px; grid-auto-rows: minmax(0, 1fr); }
.goodhart-cell { position: relative; min-height: 0; min-width: 0; background: white; border-radius: 6px; }
.goodhart-cell svg { position: absolute; inset: 2px; width: calc(100% - 4px); height: calc(100% - 4px); }
.goodhart-side { display: flex; flex-direction: column; min-height: 0; min-width: 0; height: 100%; gap: 6px; }
.goodhart-scenario { flex: 0 0 auto; }
.goodhart-scenario h1 { font-size: max(21px, 1.64vw); line-height: 1.2; margin: 0; font-weight: 700;
  overflow-wrap: anywhere; }
.goodhart-scenario p { font-size: max(15px, 1.17vw); line-height: 1.3; margin: 2px 0; color: #424242;
  overflow-wrap: anywhere; }
.goodhart-scenario .v-btn { font-size: max(13px, 1vw) !important; }
.goodhart-people-box { flex: 1 1 0; min-height: 0; display: flex; flex-direction: column; }
.goodhart-people { flex: 1 1 0; min-height: 0; display: flex; flex-direction: column; background: white;
  border: 1px solid #e0e0e0; border-radius: 8px; padding: 4px 6px; }
.goodhart-people h2 { font-size: max(18px, 1.4vw); line-height: 1.2; font-weight: 600; margin: 0; }
.goodhart-grid { flex: 1 1 0; min-height: 0; width: 100%; object-fit: contain; object-position: top;
  image-rendering: pixelated; }
.goodhart-key { display: inline-flex; align-items: center; margin-right: 12px; font-size: max(15px, 1.17vw);
  line-height: 1.35; }
.goodhart-swatch { width: 0.9em; height: 0.9em; border: 1px solid #9e9e9e; display: inline-block;
  margin-right: 5px; }
.goodhart-story { font-size: max(15px, 1.17vw); line-height: 1.25; min-width: 0; margin-left: 10px; }
.goodhart-narration { font-weight: 500; overflow: hidden; display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; }
.goodhart-changes { color: #6a3d9a; font-size: max(14px, 1.1vw); line-height: 1.3; overflow: hidden;
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; }
.goodhart-change { margin-right: 10px; }
.goodhart-change b { background: #6a3d9a; color: white; border-radius: 8px; padding: 0 5px; }
.goodhart-error { font-size: 16px; color: #b71c1c; padding: 6px; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.v-navigation-drawer .v-select__selection, .v-list-item__title { white-space: normal !important;
  overflow-wrap: anywhere; }
"""


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%" if abs(value) >= 0.1 else f"{100 * value:.1f}%"


def _index(value: float) -> str:
    return f"{value:.2f}x" if value < 10 else f"{value:.0f}x"


def _dollars(value: float) -> str:
    return f"${value / 1000:.0f}k" if value >= 10_000 else f"${value:,.0f}"


def one_line(error: BaseException) -> str:
    """An error as one plain line, for the page."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


# -- what each chart draws, from a snapshot: a function of (snapshot, baseline?) --------------
Series = Callable[[Snapshot, bool], np.ndarray]


def column(name: str, scale: float = 1.0) -> Series:
    return lambda snap, base: snap.column(name, base) * scale


def per_head(name: str) -> Series:
    return lambda snap, base: snap.column(name, base) / np.maximum(snap.column("headcount", base), 1.0)


# What the metric counts, a head, as its dashboard would show it (signals with a weekly column).
COUNTED: dict[str, tuple[str, Series]] = {
    "tokens": ("Tokens a head", per_head("tokens")),
    "token_cost": ("Token spend a head", column("token_cost_per_head")),
    "token_cost_share": ("Token spend a head", column("token_cost_per_head")),
    "ai_active_days": ("AI-active days", column("ai_active_days")),
    "acceptance_rate": ("Suggestions accepted", column("acceptance_rate")),
    "volume": ("Shipped volume a head", per_head("volume")),
    "value": ("Value a head, as judged", per_head("value")),
    "durable_value": ("Durable value a head", column("durable_value_per_head")),
    "rework_rate": ("Rework rate", column("rework_rate")),
    "hours": ("Hours logged", column("hours_mean")),
}


def counted(snap: Snapshot) -> tuple[str, Series]:
    """The signal the metric weighs most, as an index of its level in week 1."""
    weights = {k: w for k, w in snap.regime.weights.items() if w > 0 and k in COUNTED}
    name = max(weights, key=lambda k: weights[k]) if weights else "ai_active_days"
    title, series = COUNTED[name]

    def indexed(s: Snapshot, base: bool) -> np.ndarray:
        values = series(s, base)
        reference = series(s, True) if s.baseline is not None else series(s, False)
        first = reference[0] if len(reference) and abs(reference[0]) > 1e-12 else np.nan
        return values / first

    return f"{title} (x start)", indexed


def metric_chart(snap: Snapshot) -> tuple[str, Series]:
    """The metric as an index: x its level when the policy started, or, after its formula
    changed mid-run, x its level the week before the new formula (the dashboard's index
    restarts at 1 then: drawn from that week on, the baseline indexed the same way, it reads
    as a new index rather than a fall from 11x to 1x)."""
    rebased = snap.rebased
    if rebased is None:
        return "The metric (x start)", column("metric_index")

    def series(s: Snapshot, base: bool) -> np.ndarray:
        values = s.column("metric_index", base)
        if base and len(values) >= rebased:
            reference = values[rebased - 1]
            values = values / reference if abs(reference) > 1e-12 else np.full_like(values, np.nan)
        return values

    return f"The metric (x week {rebased - 1})", series


# (title, series, format, floor, text when there is nothing to draw, first week drawn)
def dashboard_charts(snap: Snapshot) -> list[tuple[str, Series, Callable, float | None, str, int]]:
    title, series = counted(snap)
    metric_title, metric = metric_chart(snap)
    return [
        (metric_title, metric, _index, None, "" if snap.measures else "no metric", snap.rebased or 0),
        (title, series, _index, None, "", 0),
        ("Regular AI users", column("adoption"), _pct, 0.0, "", 0),
    ]


REALITY_CHARTS = [
    ("Durable value a head", column("durable_value_index"), _index, None, "", 0),
    ("Theater: share of hours", column("share_theater"), _pct, 0.0, "", 0),
    ("Rework: share of volume", column("rework_rate"), _pct, 0.0, "", 0),
    ("Burned out: share of staff", column("burnout_share"), _pct, 0.0, "", 0),
    ("Attrition, a year", column("attrition_annualised"), _pct, 0.0, "", 0),
    ("Token $ a head, a year", column("token_cost_per_head", 52.0), _dollars, 0.0, "", 0),
]
# One line under each panel's title, so nobody has to ask what the words mean.
DASHBOARD_NOTE = "x start: times its level in the first week (the metric: when the policy started)"
REALITY_NOTE = (
    "Theater: hours whose only effect is to move the metric; durable value: work not redone within 4 weeks"
)


def guarded(build: Callable[[], str], what: str) -> str:
    """The HTML `build` makes, or one plain line saying what could not be drawn and why."""
    try:
        return build()
    except Exception as error:  # one panel failing must not take the page down
        logger.exception("could not draw %s", what)
        return f'<div class="goodhart-error">Could not draw {escape(what)}: {escape(one_line(error))}</div>'


def chart_html(snap: Snapshot, spec, colour: str) -> str:
    title, series, fmt, floor, empty, from_week = spec

    def build() -> str:
        start = snap.regime.start_week if snap.measures else None
        return line_chart(
            title,
            series(snap, False),
            series(snap, True) if snap.baseline is not None else [],
            weeks=snap.weeks,
            start_week=start,
            fmt=fmt,
            colour=colour,
            floor=floor,
            events=snap.events,
            empty=empty,
            from_week=from_week,
        )

    return f'<div class="goodhart-cell">{guarded(build, title)}</div>'


def panel_html(snap: Snapshot, title: str, charts: list, colour: str, columns: int, note: str = "") -> str:
    cells = "".join(chart_html(snap, spec, colour) for spec in charts)
    return (
        f'<h2 title="{escape(note)}">{escape(title)}</h2>'
        f'<div class="goodhart-charts" style="grid-template-columns: repeat({columns}, minmax(0, 1fr))">'
        f"{cells}</div>"
    )


def _at(values: np.ndarray, week: int) -> float:
    return float(values[week]) if 0 <= week < len(values) else float("nan")


def narration(snap: Snapshot) -> str:
    """What the metric and reality are doing in this run, in plain words, from this week's
    numbers against the same company under no metric. Reads numbers only, never a preset's name."""
    week, last = snap.week, snap.week - 1
    if week == 0:
        return (
            f"Week 0 of {snap.weeks}: press ▶. Grey line: the same company with no metric; "
            "x start: times the level at the start; theater: hours that only move the metric."
        )
    theater = _at(snap.column("share_theater"), last)
    what = f", mostly {snap.theater[0][0].lower()}" if snap.theater and theater >= 0.01 else ""
    burned, burned_base = (
        _at(snap.column("burnout_share"), last),
        _at(snap.column("burnout_share", True), last),
    )
    value, value_base = (
        _at(snap.column("durable_value_index"), last),
        _at(snap.column("durable_value_index", True), last),
    )
    reality = f"{_pct(theater)} of hours are theater (they only move the metric){what}"
    reality += f"; {_pct(burned)} are burned out"
    if np.isfinite(burned_base):
        reality += f" (no metric: {_pct(burned_base)})"
    if np.isfinite(value_base) and value_base > 0:
        gap = value / value_base - 1.0
        reality += (
            f"; durable value a head is {_pct(abs(gap))} {'below' if gap < 0 else 'above'} "
            "the no-metric company"
            if abs(gap) >= 0.01
            else "; durable value a head is what it would be with no metric"
        )
    start = snap.regime.start_week
    if not snap.measures:
        return f"Week {week}: nobody is measured. {reality[0].upper()}{reality[1:]}."
    if week <= start:
        return (
            f"Week {week}: normal life; the policy starts in week {start}. {reality[0].upper()}{reality[1:]}."
        )
    title, metric = metric_chart(snap)
    reading = _at(metric(snap, False), last)
    base = _at(metric(snap, True), last) if snap.baseline is not None else float("nan")
    since = "its start" if snap.rebased is None else f"week {snap.rebased - 1}, when its formula changed"
    told = f"The metric reads {_index(reading)} its level at {since}"
    if np.isfinite(base):
        told += f" (no metric chased: {_index(base)})"
    parted = (
        np.isfinite(base) and reading > 1.2 * base and np.isfinite(value_base) and value < 0.97 * value_base
    )
    ending = " The dashboard and reality have parted." if parted else ""
    return f"Week {week}: {told}. {reality[0].upper()}{reality[1:]}.{ending}"


def changes_html(snap: Snapshot) -> str:
    """What each numbered marker on the charts changed (the latest few, if there are many)."""
    if not snap.events:
        return ""
    items = [
        f'<span class="goodhart-change"><b>{k}</b> week {week}: {escape(what)}</span>'
        for k, (week, what) in enumerate(snap.events, start=1)
    ]
    shown = items[-4:]
    more = f"{len(items) - len(shown)} earlier, " if len(items) > len(shown) else ""
    return f"Lever changes ({more}numbered as on the charts): " + " ".join(shown)


def story_html(snap: Snapshot) -> str:
    return f'<div class="goodhart-narration">{escape(narration(snap))}</div>'


def people_html(snap: Snapshot, marked: np.ndarray | None = None, aspect: float = GRID_ASPECT) -> str:
    """The grid of posts by team, with its legend; `marked` posts (a room's participants)
    drawn with a black dot. The workshop's grid is drawn one square per team where a post
    would be too small to read with the notes open at 1280x720 (charts.draws_teams); a room's
    grid keeps a block per post, so each participant's dot shows."""
    counts = np.bincount(snap.states, minlength=len(STATES))
    extra = " &nbsp;<b>●</b> a participant" if marked is not None and len(marked) else ""
    box = REFERENCE_BOX if marked is None else None
    squares = ", a square a team" if draws_teams(snap.n_employees, snap.team_size, aspect, box) else ""
    return (
        f"<h2>The people, team by team ({snap.n_employees:,} posts, teams of {snap.team_size}{squares})</h2>"
        f"<div>{grid_legend(counts)}{extra}</div>"
        f"{people_grid(snap.states, snap.team_size, aspect, marked, box)}"
    )


# -- stepping in the background --------------------------------------------------------------
class Runner:
    """Steps one tab's model in a thread of its own at the chosen weeks a second.

    One thread per tab, started on the first Run and kept: Pause and Run only flip
    `playing`, so two threads never step one model. A week is stepped, its snapshot is
    published (which redraws the page), and only then is the next week due: the page
    never falls behind the model, and a slow redraw slows the run rather than piling up
    weeks. Weeks fall due on a steady beat at the chosen speed: one slow week is made up by
    the next, a long stall is not (no burst of weeks), and the beat restarts on every Run,
    so after a pause the run goes on at the chosen speed.
    """

    def __init__(
        self,
        publish: Callable[[Snapshot], None],
        on_state: Callable[[bool, str | None], None],
        wait_until_seen: Callable[[], None] = lambda: None,
    ):
        self._publish_to_page = publish
        self._on_state = on_state
        self._wait_until_seen = wait_until_seen
        self._cond = threading.Condition(threading.RLock())  # held briefly: clicks never wait long
        self._publishing = threading.RLock()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.model: WorkshopModel | None = None
        self.generation = 0
        self.playing = False
        self.speed = float(DEFAULT_SPEED)
        self.error: str | None = None
        try:
            from solara.server import kernel_context

            self._context = (
                kernel_context.get_current_context()
                if kernel_context.has_current_context()
                else contextlib.nullcontext()
            )
        except ImportError:  # pragma: no cover - solara without its server
            self._context = contextlib.nullcontext()
        if hasattr(self._context, "on_close"):
            self._context.on_close(self.close)

    # -- what the page calls ---------------------------------------------------------------
    def attach(self, model: WorkshopModel) -> None:
        """Show and step `model` from now on (a Reset or a new preset); stops any run."""
        with self._publishing:  # a week of the old model being drawn finishes first
            with self._cond:
                self.generation += 1
                self.model = model
                self.playing = False
                self.error = None
                generation = self.generation
                self._cond.notify_all()
            self._publish(generation, lambda: model.snapshot)
        self._state()
        model.when_baseline_ready(lambda: self._refresh(generation))

    def play(self) -> None:
        with self._cond:
            if self.model is None or not self.model.running or self._closed:
                return
            self.playing = True
            self.error = None
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="workshop-run", daemon=True)
                self._thread.start()
            self._cond.notify_all()
        self._state()

    def pause(self) -> None:
        with self._cond:
            self.playing = False
            self._cond.notify_all()
        self._state()

    def set_speed(self, weeks_per_second: float) -> None:
        with self._cond:
            self.speed = float(max(weeks_per_second, 0.1))
            self._cond.notify_all()

    def step_once(self) -> None:
        """One week, when paused (the Step button)."""
        with self._cond:
            model, generation = self.model, self.generation
            if self.playing or model is None or not model.running:
                return
        self._advance(model, generation)

    def changed(self) -> None:
        """A lever moved: show its new value and marker at once, running or not."""
        with self._cond:
            model, generation = self.model, self.generation
        if model is not None:
            self._publish(generation, model.refresh)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self.playing = False
            self._cond.notify_all()

    # -- the thread ------------------------------------------------------------------------
    def _run(self) -> None:
        due: float | None = None
        while True:
            with self._cond:
                while not self.playing and not self._closed:
                    due = None
                    self._cond.wait()
                if self._closed:
                    return
                now = time.perf_counter()
                if due is not None and due > now:
                    self._cond.wait(due - now)  # woken early by Pause, a speed change or Reset
                    continue
                model, generation, period = self.model, self.generation, 1.0 / self.speed
                assert model is not None  # play() starts only with a model; attach() never removes it
            self._wait_until_seen()  # the room sees every week: the page never lags the model
            with self._cond:
                if not self.playing or generation != self.generation:
                    continue  # paused or reset while the browser was drawing
            started = time.perf_counter()
            self._advance(model, generation)
            # On a steady beat, so a slow week is made up by the next ones; but never more
            # than one week behind the beat, so a long stall brings no burst of weeks.
            due = started + period if due is None else max(due + period, time.perf_counter() - period)

    def _advance(self, model: WorkshopModel, generation: int) -> None:
        try:
            model.step()
        except Exception as error:
            logger.exception("the model failed to step")
            with self._cond:
                if generation == self.generation:
                    self.playing = False
                    self.error = f"The run stopped at week {model.week}: {one_line(error)}"
            self._state()
            return
        stopped = False
        with self._cond:
            if generation == self.generation and not model.running and self.playing:
                self.playing = False
                stopped = True
        self._publish(generation, lambda: model.snapshot)
        if stopped:
            self._state()

    def _refresh(self, generation: int) -> None:
        with self._cond:
            model = self.model if generation == self.generation else None
        if model is not None:
            self._publish(generation, model.refresh)

    def _publish(self, generation: int, take: Callable[[], Snapshot]) -> None:
        """Hand the model's latest snapshot to the page, unless a Reset has replaced the
        model since. Taken under the publishing lock, so the page never goes back a week."""
        with self._publishing:
            with self._cond:
                if generation != self.generation or self._closed:
                    return
            snapshot = take()
            with self._context:
                self._publish_to_page(snapshot)

    def _state(self) -> None:
        with self._context:
            self._on_state(self.playing, self.error)


# -- components ------------------------------------------------------------------------------
class WeekCounter(v.VuetifyTemplate):
    """The week counter. Once the browser has drawn a week it sends the week back
    (`seen`), so the runner can wait for the room to see a week before stepping the next."""

    template = traitlets.Unicode(
        """<template>
  <div class="goodhart-week" :data-week="week" :data-weeks="weeks">
    Week {{ week }} <span>of {{ weeks }}</span>
  </div>
</template>
<script>
module.exports = {
  mounted() { this.seen = this.week; },
  watch: { week(value) { this.$nextTick(() => { this.seen = value; }); } },
};
</script>"""
    ).tag(sync=True)
    week = traitlets.Int(0).tag(sync=True)
    weeks = traitlets.Int(0).tag(sync=True)
    seen = traitlets.Int(-1).tag(sync=True)  # -1 until a browser has drawn one: headless, no waiting


class Screen:
    """The parts of one tab that change every week, as widgets updated in place.

    A new week sets four widgets' HTML (week counter, two panels, the people) and nothing
    else: no component is re-rendered, so a week costs the same however much else is on
    the page. Only the snapshot is read, never the model.
    """

    def __init__(self, snap: Snapshot, people: Callable[[Snapshot], str] | None = None):
        self._people = people  # None: the workshop's grid
        self.week = WeekCounter()
        self._seen = threading.Condition()
        self.week.observe(self._on_seen, "seen")
        self.dashboard = solara.widgets.HTML(
            tag="div", attributes={"class": "goodhart-panel goodhart-dashboard"}
        )
        self.reality = solara.widgets.HTML(tag="div", attributes={"class": "goodhart-panel goodhart-reality"})
        self.people = solara.widgets.HTML(tag="div", attributes={"class": "goodhart-people"})
        self.story = solara.widgets.HTML(tag="div", attributes={"class": "goodhart-story"})
        self.changes = solara.widgets.HTML(tag="div", attributes={"class": "goodhart-changes"})
        self.shown: Snapshot | None = None
        self.show(snap)

    def show(self, snap: Snapshot) -> None:
        self.week.attributes = {
            "class": "goodhart-week",
            "data-week": str(snap.week),
            "data-weeks": str(snap.weeks),
        }
        self.week.unsafe_innerHTML = f"Week {snap.week} <span>of {snap.weeks}</span>"
        # before the charts, so that a lever badge never shows ahead of its line in the list
        self.changes.unsafe_innerHTML = guarded(lambda: changes_html(snap), "the lever changes")
        self.dashboard.unsafe_innerHTML = guarded(
            lambda: panel_html(
                snap, "What the dashboard shows", dashboard_charts(snap), DASHBOARD_COLOUR, 1, DASHBOARD_NOTE
            ),
            "the dashboard",
        )
        self.reality.unsafe_innerHTML = guarded(
            lambda: panel_html(
                snap, "What is really happening", REALITY_CHARTS, REALITY_COLOUR, 2, REALITY_NOTE
            ),
            "what is really happening",
        )
        self.people.unsafe_innerHTML = guarded(lambda: (self._people or people_html)(snap), "the people")
        self.story.unsafe_innerHTML = guarded(lambda: story_html(snap), "the story so far")
        with self.week.hold_sync():  # last, so that its echo means the browser has all of this week
            self.week.weeks = snap.weeks
            self.week.week = snap.week
        self.shown = snap

    def _on_seen(self, change) -> None:
        with self._seen:
            self._seen.notify_all()

    def wait_until_seen(self, timeout: float = 1.0) -> None:
        """Wait (at most `timeout` s) until the browser has drawn the week last shown."""
        deadline = time.perf_counter() + timeout
        with self._seen:
            while 0 <= self.week.seen < self.week.week:
                left = deadline - time.perf_counter()
                if left <= 0:
                    return
                self._seen.wait(left)


@solara.component
def ScenarioNotes(scenario: solara.Reactive[tuple[str, str, str]]) -> None:
    """The scenario in its own words, then a question for the room, and what to notice and
    what to try, revealed when the facilitator chooses (predict, then play)."""
    preset, name, description = scenario.value
    revealed = solara.use_reactive(False)
    notes = NOTES.get(preset)
    with solara.Div(classes=["goodhart-scenario"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<h1 class='goodhart-name'>{escape(name)}</h1>"
            f"<p class='goodhart-description'>{escape(description)}</p>",
        )
        if notes is None:
            return
        solara.HTML(tag="p", unsafe_innerHTML=f"<b>Ask the room first:</b> {escape(notes.ask_first)}")
        if revealed.value:
            solara.HTML(tag="p", unsafe_innerHTML=f"<b>What to notice:</b> {escape(notes.notice)}")
            solara.HTML(tag="p", unsafe_innerHTML=f"<b>What to try:</b> {escape(notes.try_this)}")
        solara.Button(
            "Hide the notes" if revealed.value else "Reveal what to notice",
            text=True,
            small=True,
            color="primary",
            on_click=lambda: revealed.set(not revealed.value),
        )


@solara.component
def Levers(model: WorkshopModel, levers: solara.Reactive[tuple], act: Callable) -> None:
    """Levers that act on the running model from its next week. `levers` changes only when
    a lever does, so they are not redrawn every week."""
    regime, weeks = levers.value
    solara.Text(f"Pressure: share of pay and career riding on the score: {regime.pressure:.2f}")
    solara.SliderFloat(
        "Pressure",
        value=regime.pressure,
        min=0.0,
        max=1.0,
        step=0.05,
        on_value=lambda v: act(lambda: model.set_pressure(v)),
        thumb_label=True,
    )
    solara.Switch(
        label=f"Forced ranking: let the bottom {_pct(max(regime.forced_ranking, 0.1))} go each quarter",
        value=regime.forced_ranking > 0,
        on_value=lambda on: act(lambda: model.set_forced_ranking(0.1 if on else 0.0)),
    )
    solara.Text(f"The policy starts in week {regime.start_week}")
    solara.SliderInt(
        "Start week",
        value=regime.start_week,
        min=0,
        max=weeks,
        step=1,
        on_value=lambda w: act(lambda: model.set_start_week(w)),
        thumb_label=True,
    )
    with solara.Details("Metric formula (weights)"):
        # A fixed order (the preset's own signals, then the usual ones): a weight set to 0
        # leaves the formula but not the list, so the slider under a drag never moves.
        order = [*model.preset_regime.weights, *WEIGHT_SIGNALS]
        for name in dict.fromkeys(order):
            if name not in SIGNALS:
                continue

            def set_weight(value: float, name: str = name) -> None:
                act(lambda: model.set_weights({**levers.value[0].weights, name: value}))

            weight = float(regime.weights.get(name, 0.0))
            with solara.Row(classes=["goodhart-weight"], style="align-items: center; gap: 6px").key(name):
                solara.SliderFloat(
                    WEIGHT_LABELS.get(name, name),
                    value=weight,
                    min=-WEIGHT_LIMIT,
                    max=WEIGHT_LIMIT,
                    step=0.1,
                    on_value=set_weight,
                    thumb_label=True,
                )
                solara.Text(f"{weight:+.1f}" if weight else "0", classes=["goodhart-weight-value"])
        if regime.per:
            per = ", ".join(WEIGHT_LABELS.get(k, k) for k in regime.per)
            solara.Text(f"divided by: {per}")


@solara.component
def Notice(notice: solara.Reactive[str | None]) -> None:
    """One plain line when something went wrong; the rest of the page keeps working."""
    if notice.value:
        solara.HTML(tag="div", unsafe_innerHTML=escape(notice.value), classes=["goodhart-notice"])


@solara.component
def RunButtons(
    running: solara.Reactive[bool], playing: solara.Reactive[bool], runner: Runner, act: Callable
) -> None:
    with solara.Div(classes=["goodhart-bar"]):
        if playing.value:
            solara.Button("❚❚", color="primary", on_click=lambda: act(runner.pause, False))
        else:
            solara.Button(
                "▶", color="primary", on_click=lambda: act(runner.play, False), disabled=not running.value
            )
        solara.Button(
            "Step",
            color="primary",
            outlined=True,
            on_click=lambda: act(runner.step_once, False),
            disabled=playing.value or not running.value,
        )


@dataclasses.dataclass(frozen=True)
class PageState:
    """What a tab's components read, each redrawn only when its own value changes."""

    levers: solara.Reactive[tuple[RegimeConfig, int]]
    scenario: solara.Reactive[tuple[str, str, str]]
    running: solara.Reactive[bool]
    playing: solara.Reactive[bool]
    notice: solara.Reactive[str | None]


@solara.component
def WorkshopApp(model: solara.Reactive[WorkshopModel] | None = None) -> None:
    """The whole app for one browser tab. Pass `model` to drive it from a test."""
    first = solara.use_memo(lambda: WorkshopModel(**DEFAULT_SETUP) if model is None else None, [])
    own = solara.use_reactive(first)
    # Without a `model` argument, `first` is the tab's own model, so `own` always holds one.
    model = cast("solara.Reactive[WorkshopModel]", own) if model is None else model
    current = model.value
    screen = solara.use_memo(lambda: Screen(current.snapshot), [])
    # Plain reactive variables (not bound to this component's arguments): a change redraws
    # only the components that read them, and they change only when a lever, the scenario
    # or the run's state does, never merely because a week went by.
    state = solara.use_memo(
        lambda: PageState(
            levers=solara.reactive((current.snapshot.regime, current.snapshot.weeks)),
            scenario=solara.reactive((current.preset, current.name, current.description)),
            running=solara.reactive(True),
            playing=solara.reactive(False),
            notice=solara.Reactive[str | None](None),  # one plain line when something went wrong
        ),
        [],
    )
    levers, scenario, running, playing, notice = (
        state.levers,
        state.scenario,
        state.running,
        state.playing,
        state.notice,
    )
    speed = solara.use_reactive(DEFAULT_SPEED)
    setup: solara.Reactive[dict[str, Any]] = solara.use_reactive(
        {
            "preset": current.preset,
            "n_employees": current.config.org.n_employees,
            "team_size": current.config.org.team_size,
            "seed": current.config.seed,
        }
    )

    def on_state(is_playing: bool, error: str | None) -> None:
        playing.set(is_playing)
        if error:
            notice.set(error)

    def publish(snap: Snapshot) -> None:
        screen.show(snap)
        levers.set((snap.regime, snap.weeks))  # equal values redraw nothing
        scenario.set((snap.preset, snap.name, snap.description))
        running.set(snap.running)

    runner = solara.use_memo(lambda: Runner(publish, on_state, screen.wait_until_seen), [])
    if runner.model is not current:
        runner.attach(current)
    solara.use_effect(lambda: runner.close, [])

    def act(change: Callable[[], None], lever: bool = True) -> None:
        """Run a click's action; a failure is one line in the top bar, never a traceback."""
        notice.set(None)
        try:
            change()
        except ConfigError as error:  # input refused: the line says why, no traceback to log
            notice.set(one_line(error))
        except Exception as error:
            logger.exception("an action failed")
            notice.set(one_line(error))
        if lever:
            runner.changed()

    def new_model(**settings) -> None:
        checked = check_setup(**settings)  # what the browser sent is untrusted: the sliders' limits
        runner.pause()
        fresh = WorkshopModel(**checked)
        model.value = fresh
        runner.attach(fresh)

    labels = {name: preset_labels()[name] for name in ordered(presets())}

    def choose(label: str) -> None:
        name = next((n for n, text in labels.items() if text == label), None)
        if name is None:  # not one of the list's: a message the page did not send
            notice.set(f"scenario {str(label)[:60]!r}: not one the app offers")
            return
        setup.value = {**setup.value, "preset": name}
        act(lambda: new_model(**setup.value), False)  # a preset starts its scenario afresh

    def set_speed(value: int) -> None:
        speed.set(value)
        runner.set_speed(value)

    solara.Style(CSS)
    solara.Title("Goodhart's law at work")
    with solara.Sidebar(), solara.Column(style="gap: 10px;"):
        with solara.Card("Scenario"):
            solara.Select(
                "Preset",
                values=list(labels.values()),
                value=labels.get(current.preset, current.preset),
                on_value=choose,
            )
        with solara.Card("Live levers (act from next week)"):
            Levers(current, levers, act)
        with solara.Card("Set-up (applied on Reset)"):

            def set_up(key: str):
                def store(value: Any) -> None:
                    """Kept as sent: Reset checks it against the limits and says what is allowed."""
                    try:
                        setup.set({**setup.value, key: int(value)})
                    except (TypeError, ValueError, OverflowError):
                        notice.set(f"{key}={str(value)[:40]!r}: must be a whole number")

                return store

            with solara.Div(classes=["goodhart-headcount"]):
                solara.SliderInt(
                    f"Headcount: {setup.value['n_employees']:,}",
                    value=setup.value["n_employees"],
                    min=SETUP_LIMITS["n_employees"][0],
                    max=SETUP_LIMITS["n_employees"][1],
                    step=100,
                    on_value=set_up("n_employees"),
                    thumb_label=True,
                )
            solara.SliderInt(
                f"Team size: {setup.value['team_size']}",
                value=setup.value["team_size"],
                min=SETUP_LIMITS["team_size"][0],
                max=SETUP_LIMITS["team_size"][1],
                on_value=set_up("team_size"),
                thumb_label=True,
            )
            solara.InputInt("Seed", value=setup.value["seed"], on_value=set_up("seed"))
        ProfileLink()  # the way to the profile form, below the workshop's own controls

    with solara.Div(classes=["goodhart-main"]):
        with solara.Div(classes=["goodhart-bar"]):
            solara.Div(children=[screen.week])
            solara.Button(
                "Reset", color="primary", on_click=lambda: act(lambda: new_model(**setup.value), False)
            )
            RunButtons(running, playing, runner, act)
            solara.Text("Weeks a second:", classes=["goodhart-speed"])
            solara.ToggleButtonsSingle(
                value=speed.value, values=SPEEDS, on_value=set_speed, dense=True, classes=["goodhart-speeds"]
            )
            solara.Div(children=[screen.story], style="flex: 1 1 0; min-width: 0")
            Notice(notice)
        with solara.Div(classes=["goodhart-stage"]):
            solara.Div(children=[screen.dashboard], style="min-height: 0; min-width: 0")
            solara.Div(children=[screen.reality], style="min-height: 0; min-width: 0")
            with solara.Div(classes=["goodhart-side"]):
                ScenarioNotes(scenario).key(f"notes-{scenario.value[0]}")
                solara.Div(children=[screen.people], classes=["goodhart-people-box"])
                solara.Div(children=[screen.changes], style="flex: 0 0 auto; min-width: 0")


class UrlQuery(v.VuetifyTemplate):
    """The page's query string (`?join=CODE`, `?key=KEY`), sent once by the browser."""

    template = traitlets.Unicode(
        """<template><span class="goodhart-query" style="display:none"></span></template>
<script>
module.exports = { mounted() { this.query = window.location.search || '?'; } };
</script>"""
    ).tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)


@solara.component
def Page() -> None:
    """Solara's entry point: one WorkshopApp (and one model) per browser tab; with --room,
    the projector for the facilitator's key and a participant's page for everyone else."""
    from sim.app import room as rooms

    if rooms.room_settings() is None:
        WorkshopApp()
    else:
        RoomPage()


@solara.component
def RoomPage() -> None:
    """With --room: the projector for the facilitator's key, a participant's page otherwise."""
    from sim.app import room as rooms

    query = solara.use_reactive("")
    reader = solara.use_memo(lambda: UrlQuery(), [])
    solara.use_effect(lambda: reader.observe(lambda change: query.set(change["new"]), "query"), [])
    solara.Div(children=[reader])
    if not query.value:
        solara.Text("Loading…")
        return
    params = parse_qs(query.value.lstrip("?"))
    room = rooms.server_room()
    assert room is not None
    settings = rooms.room_settings()
    if rooms.is_facilitator(params.get("key", [""])[0]):
        from sim.app.projector import ProjectorApp

        ProjectorApp(room, settings[2] if settings else "", rooms.server_runner())
    else:
        from sim.app.phone import PhonePage

        PhonePage(room, params.get("join", [""])[0][:32])


@solara.component
def Layout(children: list | None = None) -> None:
    """Solara's app layout without its route tabs, which would push the workshop down."""
    solara.AppLayout(children=children or [], navigation=False)


# The workshop at /, an organisation's profile form at /profile (sim/app/org_profile.py).
routes = [
    solara.Route(path="/", component=Page, label="Workshop", layout=Layout),
    solara.Route(path=PROFILE_PATH.strip("/"), component=ProfilePage, label="Your organisation's profile"),
]


# Compose the default scenario and start its baseline as soon as the server loads the page,
# so the first tab does not wait for them (with --room, make the room's company too).
if os.environ.get("GOODHART_ROOM_CODE"):
    from sim.app.room import server_room

    threading.Thread(target=server_room, name="room-warm-up", daemon=True).start()
threading.Thread(target=warm_up, kwargs=DEFAULT_SETUP, name="workshop-warm-up", daemon=True).start()
