"""The model behind the workshop app: one organisation under a scenario, its baseline twin,
the levers a facilitator moves mid-run, and the snapshot the page draws from.

`WorkshopModel` is an `OrgModel` (a `mesa.Model` with Mesa's DataCollector) that carries,
for every chart, the same organisation from the same seed under no metric. The twin reads
the scenario's formula with no pressure on it, so the metric chart can show what the
dashboard would read if nobody chased it; it behaves exactly like the baseline.

The page runs in other threads than the one that steps the model, so it never reads the
model itself: at the end of each week (and after each lever) the model publishes an
immutable `Snapshot` under its lock, and the page draws that.
Nothing here branches on a preset's name: behaviour comes from the regime's numbers.
"""

from __future__ import annotations

import concurrent.futures
import copy
import dataclasses
import functools
import os
import threading
import time
from collections.abc import Callable
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.core.checks import ConfigError, check
from sim.core.config import Config, RegimeConfig
from sim.core.outputs import WEEKLY_COLUMNS
from sim.core.presets import CONFIG_MODULE, preset_names
from sim.core.run import resolve
from sim.core.scenarios import Scenario, load_scenario
from sim.model import OrgModel
from sim.model.metric import Metric
from sim.model.production import AI, GAMING
from sim.model.signals import SIGNALS, observe

_COMPOSE = threading.RLock()  # Hydra's compose API keeps global state: one session at a time

SCENARIOS_ENV = "GOODHART_SCENARIOS"  # scenario files (or example:NAME) the app offers, one a line
FLUENT = 0.5  # AI fluency from which a regular AI user counts as AI-fluent
REGULAR_AI_SHARE = 0.1  # share of hours on AI-assisted work that makes a regular AI user

# What each person is shown as on the grid, in order of precedence.
STATES = ("vacant", "burned out", "gaming", "AI-fluent", "working honestly")
COLUMNS = {name: k for k, name in enumerate(WEEKLY_COLUMNS)}


def scenario_files() -> list[str]:
    """Scenario files given to `python -m sim.app --scenario FILE`, passed on to the page."""
    return [path for path in os.environ.get(SCENARIOS_ENV, "").splitlines() if path]


def presets() -> list[str]:
    """Every scenario the app can offer: the packaged presets, then any scenario files."""
    return preset_names("regime") + scenario_files()


@functools.cache
def _preset_text(name: str) -> tuple[str, str]:
    """A packaged preset's label and description, read from its YAML file (no Hydra compose,
    so the page can list every preset at once on first load)."""
    data = yaml.safe_load(resources.files(CONFIG_MODULE).joinpath("regime", f"{name}.yaml").read_text())
    default = RegimeConfig()
    return str(data.get("label", default.label)), str(data.get("description", default.description))


_SCENARIOS: dict[str, Scenario] = {}
_CONFIGS: dict[str, Config] = {}


def _scenario(source: str) -> Scenario:
    with _COMPOSE:  # checked under the lock: a tab waiting for the warm-up uses its result
        if source not in _SCENARIOS:
            _SCENARIOS[source] = load_scenario(source)
        return _SCENARIOS[source]


def scenario_text(source: str) -> tuple[str, str]:
    """A scenario's own name and description: a preset's label, or what a file says."""
    if source in preset_names("regime"):
        return _preset_text(source)
    scenario = _scenario(source)
    return scenario.name, scenario.description


def preset_labels() -> dict[str, str]:
    """Each scenario's plain-language name, by preset name or file."""
    return {source: scenario_text(source)[0] for source in presets()}


def _scenario_config(source: str) -> Config:
    """The checked config of a scenario at its own settings, composed once per server."""
    with _COMPOSE:
        if source not in _CONFIGS:
            _CONFIGS[source] = resolve(None, list(_scenario(source).overrides))
        return _CONFIGS[source]


def forget_scenarios() -> None:
    """Drop what was read from scenario files (for tests that change them)."""
    with _COMPOSE:
        _SCENARIOS.clear()
        _CONFIGS.clear()


# The set-up a tab may ask for: the browser's sliders show these ranges, and the server
# refuses anything outside them (a page's messages are untrusted input).
SETUP_LIMITS: dict[str, tuple[int, int]] = {
    "n_employees": (100, 5000),
    "team_size": (2, 20),
    "seed": (0, 2**31 - 1),
}
SETUP_LABELS = {"n_employees": "headcount", "team_size": "team size", "seed": "seed"}
WEIGHT_LIMIT = 1.0  # a weight of the metric's formula, from the page, lies in [-1, 1]


def check_setup(preset: object, n_employees: object, team_size: object, seed: object) -> dict[str, Any]:
    """A page's set-up: a scenario the app offers and whole numbers within SETUP_LIMITS, or
    ConfigError naming the first that is not and what is allowed."""
    if not isinstance(preset, str) or preset not in presets():
        raise ConfigError(f"scenario={str(preset)[:60]!r}: not one the app offers")
    checked: dict[str, Any] = {"preset": preset}
    for key, value in (("n_employees", n_employees), ("team_size", team_size), ("seed", seed)):
        low, high = SETUP_LIMITS[key]
        whole = isinstance(value, int | np.integer) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not whole or not low <= int(value) <= high:  # type: ignore[call-overload]
            shown = repr(value)[:40]
            raise ConfigError(f"{SETUP_LABELS[key]}={shown}: must be a whole number from {low:,} to {high:,}")
        checked[key] = int(value)  # type: ignore[call-overload]
    return checked


def workshop_config(preset: str, n_employees: int, team_size: int, seed: int) -> Config:
    """The checked config of a scenario (a preset's name, or a scenario file as in the CLI
    and the report) on an organisation of this size: a fresh copy the model may change.
    What a page asks for passes `check_setup` first."""
    cfg = copy.deepcopy(_scenario_config(preset))
    cfg.org = dataclasses.replace(cfg.org, n_employees=int(n_employees), team_size=int(team_size))
    cfg.seed = int(seed)
    check(cfg)
    return cfg


# -- the baseline twin, computed once per organisation and formula ---------------------------
_BASELINES: dict[str, concurrent.futures.Future] = {}
_BASELINES_LOCK = threading.Lock()
_BASELINE_WORKER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="baseline")
_BASELINES_KEPT = 32


def _twin_config(cfg: Config) -> Config:
    """The same organisation with nothing riding on the metric and nothing shown to
    managers, from the policy's own start week: it runs as the baseline does."""
    regime = dataclasses.replace(
        cfg.regime,
        weights=dict(cfg.regime.weights),
        per=dict(cfg.regime.per),
        pressure=0.0,
        forced_ranking=0.0,
        telemetry_visible=False,
        noise=0.0,  # no noise drawn: the twin's random stream is the baseline's
    )
    org = dataclasses.replace(cfg.org, interdependence=0.0)  # nor an error of crediting shared work
    return dataclasses.replace(copy.deepcopy(cfg), regime=regime, org=org)


def _run_twin(cfg: Config) -> np.ndarray:
    twin = OrgModel(cfg, rng=cfg.seed)
    for _ in range(cfg.org.weeks):
        twin.step()
    table = twin.weekly()
    return table[list(WEEKLY_COLUMNS)].to_numpy(dtype=float)


def baseline_future(cfg: Config) -> concurrent.futures.Future:
    """The twin's weekly table (rows by week, columns as WEEKLY_COLUMNS), computed in the
    background once per organisation, seed and formula, however many tabs ask."""
    twin = _twin_config(cfg)
    key = repr(twin)
    with _BASELINES_LOCK:
        future = _BASELINES.get(key)
        if future is None:
            future = _BASELINE_WORKER.submit(_run_twin, twin)
            _BASELINES[key] = future
            while len(_BASELINES) > _BASELINES_KEPT:
                _BASELINES.pop(next(iter(_BASELINES)))
        return future


def warm_up(preset: str, n_employees: int, team_size: int, seed: int) -> None:
    """Compose the default scenario and start its baseline, so the first tab opens fast."""
    baseline_future(workshop_config(preset, n_employees, team_size, seed))
    for source in scenario_files():
        _scenario_config(source)


@dataclasses.dataclass(frozen=True, eq=False)
class Snapshot:
    """What the page draws: the model as it was at the end of a week, never changed after."""

    week: int
    weeks: int
    table: np.ndarray  # one row per week so far, columns as WEEKLY_COLUMNS
    baseline: np.ndarray | None  # the twin over the whole horizon, once computed
    states: np.ndarray  # each post's state, an index into STATES
    n_employees: int
    team_size: int
    seed: int
    preset: str
    name: str
    description: str
    regime: RegimeConfig  # a copy: the levers as they are now
    measures: bool
    events: tuple[tuple[int, str], ...]  # (week a lever change took effect, what changed)
    rebased: int | None = None  # the week from which the metric's index reads a formula set mid-run
    theater: tuple[
        tuple[str, float], ...
    ] = ()  # last week's hours on each gaming action, as shares, most first

    def column(self, name: str, baseline: bool = False) -> np.ndarray:
        source = self.baseline if baseline else self.table
        if source is None:
            return np.empty(0)
        return source[:, COLUMNS[name]]

    @property
    def running(self) -> bool:
        return self.week < self.weeks


class WorkshopModel(OrgModel):
    """An organisation under `preset`, stepped beside its no-metric twin.

    Set-up parameters (preset, headcount, team size, seed) take effect when a new model is
    made (Reset); the levers (`set_pressure`, `set_weights`, `set_forced_ranking`,
    `set_start_week`) act on the running model from its next week, and leave a marker.
    """

    def __init__(
        self,
        preset: str = "token_leaderboard",
        n_employees: int = 1000,
        team_size: int = 8,
        seed: int = 1,
        *,
        config: Config | None = None,
    ):
        cfg = config if config is not None else workshop_config(preset, n_employees, team_size, seed)
        super().__init__(cfg, rng=cfg.seed)
        self.preset = preset if config is None else cfg.regime.name
        self.name, self.description = (
            scenario_text(preset) if config is None else (cfg.regime.label, cfg.regime.description)
        )
        self.preset_regime = dataclasses.replace(cfg.regime, weights=dict(cfg.regime.weights))
        self.step_seconds = 0.0
        self.lock = threading.RLock()  # the runner steps in a thread; levers arrive from the browser's
        self._rows = np.full((cfg.org.weeks, len(WEEKLY_COLUMNS)), np.nan)
        self.events: list[tuple[int, str, str, str]] = []  # (week, lever, was, now)
        self._moved: dict[str, float] = {}  # when each lever last moved (clock seconds)
        self.clock = time.monotonic
        self.rebased: int | None = None
        self._baseline = baseline_future(cfg)
        self._baseline_shown: np.ndarray | None = None  # the last twin computed, until the next is
        self._on_baseline: list[Callable[[], None]] = []
        self.snapshot = self._snapshot()

    # -- the week ---------------------------------------------------------------------
    def step(self) -> None:
        started = time.perf_counter()
        with self.lock:
            super().step()
            if self.steps > len(self._rows):
                self._rows = np.vstack([self._rows, np.full_like(self._rows, np.nan)])
            stats = self.week_stats
            self._rows[self.steps - 1] = [float(stats[name]) for name in WEEKLY_COLUMNS]
            if self.steps >= self.config.org.weeks:
                self.running = False  # the scenario's horizon: Run stops, the charts are full
            self.snapshot = self._snapshot()
        self.step_seconds = time.perf_counter() - started

    @property
    def week(self) -> int:
        """Weeks simulated so far."""
        return self.steps

    def _snapshot(self) -> Snapshot:
        """Taken under the lock at the end of a week and after each lever."""
        if self._baseline.done() and not self._baseline.exception():
            self._baseline_shown = self._baseline.result()
        base = self._baseline_shown  # a formula changed: the previous twin until the new one is ready
        regime = self.config.regime
        return Snapshot(
            week=self.steps,
            weeks=self.config.org.weeks,
            table=self._rows[: self.steps].copy(),
            baseline=base,
            states=self.person_states(),
            n_employees=self.config.org.n_employees,
            team_size=self.config.org.team_size,
            seed=self.config.seed,
            preset=self.preset,
            name=self.name,
            description=self.description,
            regime=dataclasses.replace(regime, weights=dict(regime.weights), per=dict(regime.per)),
            measures=self.metric.measures,
            events=tuple((week, f"{lever} {was} → {now}") for week, lever, was, now in self.events),
            rebased=self.rebased,
            theater=self._theater(),
        )

    def _theater(self) -> tuple[tuple[str, float], ...]:
        """Last week's share of hours on each gaming action, by its plain-words label."""
        shares = [
            (self.repertoire.labels[name], float(self.week_stats.get(f"theater_{name}", 0.0)))
            for name in self.repertoire.names
        ]
        return tuple(sorted((item for item in shares if item[1] > 0), key=lambda item: -item[1]))

    def refresh(self) -> Snapshot:
        """A new snapshot of the model as it is (after a lever, or when the baseline arrives)."""
        with self.lock:
            self.snapshot = self._snapshot()
            return self.snapshot

    def when_baseline_ready(self, callback: Callable[[], None]) -> None:
        """Call `callback()` once the baseline twin has been computed (at once if it has),
        and again each time a new formula's twin has been."""
        self._on_baseline.append(callback)
        self._baseline.add_done_callback(_ignoring_future(callback))

    def weekly(self) -> pd.DataFrame:
        """The weekly table so far (Mesa's DataCollector, one row per week), read under the lock."""
        with self.lock:
            return super().weekly()

    def wait_for_baseline(self, timeout: float = 60.0) -> Snapshot:
        """A snapshot with the baseline twin in it (waiting for it at most `timeout` s)."""
        concurrent.futures.wait([self._baseline], timeout=timeout)
        return self.refresh()

    def baseline(self) -> pd.DataFrame:
        """The twin's weekly table over the whole horizon: the baseline line on every chart."""
        return pd.DataFrame(self._baseline.result(), columns=list(WEEKLY_COLUMNS))

    # -- live levers ------------------------------------------------------------------
    SETTLE_SECONDS = 1.5  # moves of one lever closer than this are one change (a drag, arrow keys)

    def _mark(self, lever: str, was: str, now: str) -> None:
        """Leave a marker at the week the change takes effect. Moves of a lever within a week,
        or in quick succession (a drag, a few arrow keys while it runs), are one settled
        change: one marker, at the week of the first, saying where the lever ended."""
        week, moment = self.steps, self.clock()
        last = self._moved.get(lever)
        self._moved[lever] = moment
        quick = last is not None and moment - last < self.SETTLE_SECONDS
        for k in range(len(self.events) - 1, -1, -1):
            at, name, first, _ = self.events[k]
            if name != lever:
                continue
            if at == week or quick:
                if first == now:
                    del self.events[k]
                else:
                    self.events[k] = (at, lever, first, now)
                return
            break
        if was != now:
            self.events.append((week, lever, was, now))

    def set_pressure(self, pressure: float) -> None:
        """How much of pay, promotion and security rides on the score, from next week."""
        with self.lock:
            regime = self.config.regime
            new = float(np.clip(pressure, 0.0, 1.0))
            self._mark("pressure", f"{regime.pressure:.2f}", f"{new:.2f}")
            regime.pressure = new
            self.snapshot = self._snapshot()

    def set_forced_ranking(self, share: float) -> None:
        """Share let go at each review by lowest score (0 switches forced ranking off)."""
        with self.lock:
            regime = self.config.regime
            new = float(np.clip(share, 0.0, 0.5))
            self._mark("forced ranking", _share(regime.forced_ranking), _share(new))
            regime.forced_ranking = new
            self.snapshot = self._snapshot()

    def set_start_week(self, week: int) -> None:
        """The week the policy starts. A week already past, for a policy not yet started,
        means: start next week (so the metric is anchored to the organisation as it is)."""
        with self.lock:
            regime = self.config.regime
            week = int(np.clip(int(week), 0, self.config.org.weeks))  # the slider's range
            started = self.metric.measures and self.steps > regime.start_week
            new = week if started or week > self.steps else self.steps
            self._mark("policy start", f"week {regime.start_week}", f"week {new}")
            regime.start_week = new
            self.snapshot = self._snapshot()

    def set_weights(self, weights: dict[str, float]) -> None:
        """A new metric formula from next week: same scoring rule, new weights.

        The metric is rebuilt over the current workforce, its window filled with this
        week's signals and anchored to the organisation as it is now (the dashboard's index
        restarts at 1). The baseline twin is recomputed in the background reading the new
        formula, so the metric chart's baseline stays comparable.
        """
        weights = checked_weights(weights)
        with self.lock:
            was = _formula(self.config.regime.weights)
            regime = dataclasses.replace(self.config.regime, weights=weights)
            self.config.regime = regime
            self.metric = self._metric_for(self, regime)
            self._mark("metric", was, _formula(weights))
            if self.metric.measures and self.steps > self.config.regime.start_week:
                self.rebased = self.steps  # anchored now: the index restarts at 1 from here
            self._baseline = baseline_future(self.config)
            for callback in self._on_baseline:  # the page redraws when the new twin is ready
                self._baseline.add_done_callback(_ignoring_future(callback))
            self.snapshot = self._snapshot()

    def set_regime(self, preset: str) -> None:
        """Another scenario's regime (its formula, scoring, pressure, telemetry) from next
        week, on the same company: the policy starts afresh then, anchored to the
        organisation as it is (a room's facilitator changes the rules between rounds)."""
        if preset not in presets():
            raise ConfigError(f"scenario={str(preset)[:60]!r}: not one the app offers")
        source = _scenario_config(preset).regime
        with self.lock:
            regime = dataclasses.replace(
                source, weights=dict(source.weights), per=dict(source.per), start_week=self.steps
            )
            if self.steps == 0:  # nothing run yet: the scenario's own start week
                regime.start_week = source.start_week
            was = self.name
            self.config.regime = regime
            self.metric = self._metric_for(self, regime)
            self.preset = preset
            self.name, self.description = scenario_text(preset)
            self.preset_regime = dataclasses.replace(regime, weights=dict(regime.weights))
            self._mark("scenario", was, self.name)
            self.rebased = self.steps if self.steps > 0 else None  # a new index from here
            self._baseline = baseline_future(self.config)
            for callback in self._on_baseline:
                self._baseline.add_done_callback(_ignoring_future(callback))
            self.snapshot = self._snapshot()

    @staticmethod
    def _metric_for(model: OrgModel, regime: RegimeConfig) -> Metric:
        metric = Metric(regime, model.workforce, model.runs)
        wf, cfg = model.workforce, model.config
        if model.last_week is None:
            raise ValueError("the model has not worked a week yet")  # OrgModel() works two
        signals = observe(
            metric.names,
            model.last_week,
            wf.hours * wf.employed,
            wf.employed,
            prod=cfg.production,
            salary=cfg.org.salary,
            lagged=None,
        )
        metric.start(signals)
        return metric

    # -- the people, for the grid -------------------------------------------------------
    def person_states(self) -> np.ndarray:
        """Each post's state as an index into STATES."""
        wf = self.workforce
        state = np.full(wf.n, STATES.index("working honestly"), dtype=np.int8)
        fluent = (wf.fluency >= FLUENT) & (wf.shares[AI] >= REGULAR_AI_SHARE)
        state[fluent] = STATES.index("AI-fluent")
        gaming = wf.shares[GAMING:].sum(axis=0)
        state[gaming > self.config.behaviour.gaming_threshold] = STATES.index("gaming")
        state[wf.burned_out] = STATES.index("burned out")
        state[~wf.employed] = STATES.index("vacant")
        return state


def _ignoring_future(callback: Callable[[], None]) -> Callable[[concurrent.futures.Future], None]:
    return lambda _: callback()


def checked_weights(weights: dict[str, float]) -> dict[str, float]:
    """A formula from the page: signals the metric can read, weights within the sliders'
    [-1, 1] (clamped), zeros dropped. ConfigError names a signal it cannot read."""
    checked = {}
    for name, weight in weights.items():
        if name not in SIGNALS:
            raise ConfigError(f"weight {str(name)[:40]!r}: not a signal the metric can read")
        value = float(weight)
        if not np.isfinite(value):
            raise ConfigError(f"weight {name}={value}: must be a number from -1 to 1")
        value = float(np.clip(value, -WEIGHT_LIMIT, WEIGHT_LIMIT))
        if value != 0:
            checked[name] = value
    return checked


def _share(value: float) -> str:
    return f"{100 * value:.0f}%" if value > 0 else "off"


def _formula(weights: dict[str, float]) -> str:
    return " + ".join(f"{w:g} {name.replace('_', ' ')}" for name, w in weights.items()) or "none"
