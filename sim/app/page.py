"""The workshop page: Mesa's SolaraViz controller, preset scenarios, live levers, the
dashboard beside reality, and the people as a grid of teams.

Every browser tab renders its own `Page`, which makes its own `WorkshopModel` in
component state: two people exploring at once never share a model.
"""

from __future__ import annotations

import time
from html import escape

import numpy as np
import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import force_update, update_counter

from sim.app.charts import legend as grid_legend
from sim.app.charts import line_chart, people_grid
from sim.app.scenarios import NOTES, ordered
from sim.app.workshop import STATES, WorkshopModel, preset_labels, presets
from sim.model.signals import SIGNALS

DEFAULT_SETUP = {"preset": "token_leaderboard", "n_employees": 1000, "team_size": 8, "seed": 1}
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
STEP_OVERHEAD_MS = 30  # step + redraw at 1,000 people (experiments/app_benchmark.py)

CSS = """
.goodhart-panel { border-radius: 10px; padding: 10px 14px; }
.goodhart-panel h2 { font-size: 21px; white-space: nowrap; font-weight: 600; margin: 0 0 6px 0; }
.goodhart-dashboard { background: #eef5fb; border: 2px solid #0072b2; }
.goodhart-reality { background: #fdf1ef; border: 2px solid #c0392b; }
.goodhart-charts { display: grid; gap: 6px; }
.goodhart-charts > div { background: white; border-radius: 6px; padding: 2px 4px; }
.goodhart-week { font-size: 26px; font-weight: 700; }
.goodhart-notes p { font-size: 17px; margin: 4px 0; }
"""


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%" if abs(value) >= 0.1 else f"{100 * value:.1f}%"


def _index(value: float) -> str:
    return f"{value:.2f}x" if value < 10 else f"{value:.0f}x"


def _dollars(value: float) -> str:
    return f"${value / 1000:.0f}k" if value >= 10_000 else f"${value:,.0f}"


# (title, weekly column or function of the weekly table, format, floor)
DASHBOARD_CHARTS = [
    ("Metric (x its level at the start)", "metric_index", _index, None),
    ("Perceived productivity", "perceived_productivity_index", _index, None),
    ("AI adoption (regular users)", "adoption", _pct, 0.0),
]
REALITY_CHARTS = [
    ("Durable value per head", "durable_value_index", _index, None),
    ("Rework (share of volume)", "rework_rate", _pct, 0.0),
    ("Theater (share of hours)", "share_theater", _pct, 0.0),
    ("Burned out (share of staff)", "burnout_share", _pct, 0.0),
    ("Attrition (a year)", "attrition_annualised", _pct, 0.0),
    ("Token cost a head, a year", lambda t: t["token_cost_per_head"] * 52, _dollars, 0.0),
]


def _series(table, column) -> np.ndarray:
    if len(table) == 0:
        return np.empty(0)
    values = column(table) if callable(column) else table[column]
    return np.asarray(values, dtype=float)


class Pacer:
    """Keeps Run at the chosen weeks a second. Mesa's controller sleeps `play_interval` ms
    before each step, so the sleep must be the target period less what a step, its redraw
    and sending it to the browser took lately (measured between redraws, smoothed)."""

    def __init__(self) -> None:
        self.last: float | None = None
        self.work_ms = float(STEP_OVERHEAD_MS)

    def interval(self, slept_ms: float, weeks_per_second: float) -> int:
        now = time.perf_counter()
        target = 1000.0 / weeks_per_second
        if self.last is not None:
            work = (now - self.last) * 1000.0 - slept_ms
            if 0.0 <= work <= target + 500.0:  # not a pause, nor a lone Step after one
                self.work_ms += 0.3 * (work - self.work_ms)
        self.last = now
        return max(1, round(target - self.work_ms))


@solara.component
def Charts(model: WorkshopModel, charts: list, colour: str, tick: int) -> None:
    """One panel's charts: the live run and, faint, the same organisation under no metric."""
    weekly, baseline = model.weekly(), model.baseline()
    regime = model.config.regime
    start = regime.start_week if model.metric.measures else None
    with solara.Div(classes=["goodhart-charts"], style="grid-template-columns: 1fr;"):
        for title, column, fmt, floor in charts:
            svg = line_chart(
                title,
                _series(weekly, column),
                _series(baseline, column),
                weeks=model.config.org.weeks,
                start_week=start,
                fmt=fmt,
                colour=colour,
                floor=floor,
            )
            solara.HTML(tag="div", unsafe_innerHTML=svg)


@solara.component
def Panels(model: WorkshopModel, tick: int) -> None:
    """'What the dashboard shows' beside 'What is really happening'."""
    with solara.Row(style="gap: 14px; align-items: stretch; flex-wrap: nowrap;"):
        with solara.Div(classes=["goodhart-panel", "goodhart-dashboard"], style="flex: 1 1 0; min-width: 0;"):
            solara.HTML(tag="h2", unsafe_innerHTML="What the dashboard shows")
            Charts(model, DASHBOARD_CHARTS, DASHBOARD_COLOUR, tick)
        with solara.Div(classes=["goodhart-panel", "goodhart-reality"], style="flex: 2 1 0; min-width: 0;"):
            solara.HTML(tag="h2", unsafe_innerHTML="What is really happening")
            with solara.Columns([1, 1], gutters_dense=True):
                Charts(model, REALITY_CHARTS[:3], REALITY_COLOUR, tick)
                Charts(model, REALITY_CHARTS[3:], REALITY_COLOUR, tick)


@solara.component
def PeopleGrid(model: WorkshopModel, tick: int) -> None:
    """The employees as a grid of teams, coloured by state, with a legend."""
    states = model.person_states()
    counts = np.bincount(states, minlength=len(STATES))
    with solara.Card(style="margin-top: 12px;"):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<h2 style='font-size:22px;font-weight:600;margin:0 0 4px 0'>The people, "
            f"team by team ({model.config.org.n_employees:,} posts, teams of {model.config.org.team_size})"
            "</h2>",
        )
        solara.HTML(tag="div", unsafe_innerHTML=grid_legend(counts), style="margin-bottom: 6px;")
        solara.HTML(tag="div", unsafe_innerHTML=people_grid(states, model.config.org.team_size))


@solara.component
def ScenarioNotes(model: WorkshopModel) -> None:
    """The preset in plain language: a question for the room first, then what to notice
    and what to try, revealed when the facilitator chooses (predict, then play)."""
    revealed = solara.use_reactive(False)
    regime = model.preset_regime
    notes = NOTES.get(model.preset)
    with solara.Card(style="margin-bottom: 10px; padding-bottom: 2px;", classes=["goodhart-notes"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<h1 style='font-size:26px;margin:0'>{escape(regime.label)}</h1>"
            f"<p style='font-size:18px;color:#424242;margin:0'>{escape(regime.description)}</p>",
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
            color="primary",
            on_click=lambda: revealed.set(not revealed.value),
        )


@solara.component
def Levers(model: WorkshopModel, tick: int) -> None:
    """Levers that act on the running model from its next week."""
    regime = model.config.regime

    def act(change) -> None:
        change()
        force_update()

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
        max=model.config.org.weeks,
        step=1,
        on_value=lambda w: act(lambda: model.set_start_week(w)),
        thumb_label=True,
    )
    with solara.Details("Metric formula (weights)"):
        shown = list(dict.fromkeys([*regime.weights, *WEIGHT_SIGNALS]))
        for name in shown:
            if name not in SIGNALS:
                continue

            def set_weight(value: float, name: str = name) -> None:
                act(lambda: model.set_weights({**model.config.regime.weights, name: value}))

            solara.SliderFloat(
                WEIGHT_LABELS.get(name, name),
                value=float(regime.weights.get(name, 0.0)),
                min=-1.0,
                max=1.0,
                step=0.1,
                on_value=set_weight,
                thumb_label=True,
            )
        if regime.per:
            per = ", ".join(WEIGHT_LABELS.get(k, k) for k in regime.per)
            solara.Text(f"divided by: {per}")


@solara.component
def WeekCounter(model: WorkshopModel, tick: int) -> None:
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"Week {model.week} <span style='font-weight:400;font-size:18px'>of "
        f"{model.config.org.weeks}</span>",
        classes=["goodhart-week"],
        attributes={"data-week": str(model.week)},
    )


@solara.component
def WorkshopApp(model: solara.Reactive[WorkshopModel] | None = None) -> None:
    """The whole app for one browser tab. Pass `model` to drive it from a test."""
    first = solara.use_memo(lambda: WorkshopModel(**DEFAULT_SETUP) if model is None else None, [])
    own = solara.use_reactive(first)
    model = own if model is None else model
    current = model.value
    # The one subscriber to Mesa's update counter: a step redraws the page in one pass, and
    # `tick` tells the components below that their (same) model has moved on.
    tick = update_counter.value
    setup = solara.use_reactive(
        {
            "preset": current.preset,
            "n_employees": current.config.org.n_employees,
            "team_size": current.config.org.team_size,
            "seed": current.config.seed,
        }
    )
    speed = solara.use_reactive(10)  # weeks a second while running
    interval = solara.use_reactive(max(1, 1000 // 10 - STEP_OVERHEAD_MS))
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    pacer = solara.use_memo(Pacer, [])
    solara.use_effect(lambda: interval.set(pacer.interval(interval.value, speed.value)), [tick])
    labels = {name: preset_labels()[name] for name in ordered(presets())}

    def choose(label: str) -> None:
        name = next(n for n, text in labels.items() if text == label)
        setup.value = {**setup.value, "preset": name}
        model.value = WorkshopModel(**setup.value)  # a preset starts its scenario afresh
        force_update()

    def set_speed(weeks_per_second: int) -> None:
        speed.value = weeks_per_second
        interval.value = max(1, int(1000 / weeks_per_second) - STEP_OVERHEAD_MS)

    solara.Style(CSS)
    solara.Title("Goodhart's law at work")
    with solara.AppBar():
        solara.AppBarTitle("Goodhart's law at work: a live demonstration")

    with solara.Sidebar(), solara.Column(style="gap: 10px;"):
        with solara.Card("Scenario"):
            solara.Select(
                "Preset",
                values=list(labels.values()),
                value=labels.get(current.preset, current.preset),
                on_value=choose,
            )
        with solara.Card("Run"):
            WeekCounter(current, tick)
            ModelController(
                model,
                model_parameters=setup,
                play_interval=interval,
                render_interval=render_interval,
                use_threads=use_threads,
            )
            solara.SliderInt("Speed (weeks a second)", value=speed.value, min=1, max=20, on_value=set_speed)
        with solara.Card("Live levers (act from next week)"):
            Levers(current, tick)
        with solara.Card("Set-up (applied on Reset)"):

            def set_up(key: str):
                return lambda value: setup.set({**setup.value, key: int(value)})

            solara.SliderInt(
                f"Headcount: {setup.value['n_employees']:,}",
                value=setup.value["n_employees"],
                min=100,
                max=5000,
                step=100,
                on_value=set_up("n_employees"),
                thumb_label=True,
            )
            solara.SliderInt(
                f"Team size: {setup.value['team_size']}",
                value=setup.value["team_size"],
                min=2,
                max=20,
                on_value=set_up("team_size"),
                thumb_label=True,
            )
            solara.InputInt("Seed", value=setup.value["seed"], on_value=set_up("seed"))

    with solara.Column(style="padding: 8px 14px; gap: 0;"):
        ScenarioNotes(current).key(f"notes-{current.preset}-{id(current)}")
        Panels(current, tick)
        PeopleGrid(current, tick)


@solara.component
def Page() -> None:
    """Solara's entry point: one WorkshopApp (and one model) per browser tab."""
    WorkshopApp()
