"""The model behind the workshop app: one organisation under a preset, its baseline twin,
and the levers a facilitator moves mid-run.

`WorkshopModel` is an `OrgModel` (so Mesa's SolaraViz controller can reset and step it)
that carries, for every chart, the same organisation from the same seed under no metric.
The twin reads the preset's formula with no pressure on it, so the metric chart can show
what the dashboard would read if nobody chased it; it behaves exactly like the baseline.
Nothing here branches on a preset's name: behaviour comes from the regime's numbers.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import threading
import time

import numpy as np
import pandas as pd

from sim.config import Config, RegimeConfig
from sim.model import OrgModel
from sim.model.metric import Metric
from sim.model.production import AI, GAMING
from sim.model.signals import observe
from sim.presets import preset_names
from sim.run import resolve
from sim.scenarios import load_scenario

_COMPOSE = threading.Lock()  # Hydra's compose API keeps global state: one session at a time

SCENARIOS_ENV = "GOODHART_SCENARIOS"  # scenario files the app offers beside the presets
FLUENT = 0.5  # AI fluency from which a regular AI user counts as AI-fluent
REGULAR_AI_SHARE = 0.1  # share of hours on AI-assisted work that makes a regular AI user

# What each person is shown as on the grid, in order of precedence.
STATES = ("vacant", "burned out", "gaming", "AI-fluent", "working honestly")


def workshop_config(preset: str, n_employees: int, team_size: int, seed: int) -> Config:
    """The checked config of a scenario (a preset's name, or a scenario file as in the CLI
    and the report) on an organisation of this size."""
    with _COMPOSE:  # reading a preset composes with Hydra too
        overrides = [
            *load_scenario(preset).overrides,
            f"org.n_employees={n_employees}",
            f"org.team_size={team_size}",
            f"seed={seed}",
        ]
        return resolve(None, overrides)


def scenario_files() -> list[str]:
    """Scenario files given to `python -m sim.app --scenario FILE`, passed on to the page."""
    return [path for path in os.environ.get(SCENARIOS_ENV, "").split(os.pathsep) if path]


def presets() -> list[str]:
    """Every scenario the app can offer: the packaged presets, then any scenario files."""
    return preset_names("regime") + scenario_files()


@functools.cache
def preset_labels() -> dict[str, str]:
    """Each scenario's plain-language label, by name or file (read once per server)."""
    labels = {name: workshop_config(name, 100, 8, 0).regime.label for name in preset_names("regime")}
    with _COMPOSE:
        labels.update({path: load_scenario(path).name for path in scenario_files()})
    return labels


class WorkshopModel(OrgModel):
    """An organisation under `preset`, stepped beside its no-metric twin.

    Set-up parameters (preset, headcount, team size, seed) take effect when a new model is
    made (Reset); the levers (`set_pressure`, `set_weights`, `set_forced_ranking`,
    `set_start_week`) act on the running model from its next week.
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
        self.preset_regime = dataclasses.replace(cfg.regime, weights=dict(cfg.regime.weights))
        self.step_seconds = 0.0
        self._weekly: tuple[int, pd.DataFrame] | None = None
        self.lock = threading.RLock()  # Run steps in a thread; levers arrive from the browser's
        self._twin_config = cfg
        self._start_twin()

    # -- the week ---------------------------------------------------------------------
    def step(self) -> None:
        started = time.perf_counter()
        with self.lock:
            super().step()
            while self.twin.steps < self.steps:  # lockstep, also past the precomputed horizon
                self.twin.step()
        if self.steps >= self.config.org.weeks:
            self.running = False  # the scenario's horizon: Run stops, the charts are full
        self.step_seconds = time.perf_counter() - started

    @property
    def week(self) -> int:
        """Weeks simulated so far."""
        return self.steps

    def weekly(self) -> pd.DataFrame:
        """The weekly table so far (the DataCollector's model variables, one row per week),
        built once a week however many charts read it."""
        if self._weekly is None or self._weekly[0] != self.steps:
            self._weekly = (self.steps, self.datacollector.get_model_vars_dataframe())
        return self._weekly[1]

    def baseline(self) -> pd.DataFrame:
        """The twin's weekly table over the whole horizon: the faint line on every chart."""
        if self._baseline is None or len(self._baseline) < self.twin.steps:
            self._baseline = self.twin.datacollector.get_model_vars_dataframe()
        return self._baseline

    # -- live levers ------------------------------------------------------------------
    def set_pressure(self, pressure: float) -> None:
        """How much of pay, promotion and security rides on the score, from next week."""
        with self.lock:
            self.config.regime.pressure = float(np.clip(pressure, 0.0, 1.0))

    def set_forced_ranking(self, share: float) -> None:
        """Share let go at each review by lowest score (0 switches forced ranking off)."""
        with self.lock:
            self.config.regime.forced_ranking = float(np.clip(share, 0.0, 0.5))

    def set_start_week(self, week: int) -> None:
        """The week the policy starts. A week already past, for a policy not yet started,
        means: start next week (so the metric is anchored to the organisation as it is)."""
        with self.lock:
            regime = self.config.regime
            started = self.metric.measures and self.steps > regime.start_week
            regime.start_week = int(week) if started or week > self.steps else self.steps

    def set_weights(self, weights: dict[str, float]) -> None:
        """A new metric formula from next week: same scoring rule, new weights.

        The metric is rebuilt over the current workforce, its window filled with this
        week's signals and anchored to the organisation as it is now (the dashboard's index
        restarts at 1). The baseline twin is rerun reading the new formula (about 0.2 s
        at 1,000 people), so the metric chart's faint line stays comparable.
        """
        weights = {name: float(w) for name, w in weights.items() if w != 0}
        with self.lock:
            regime = dataclasses.replace(self.config.regime, weights=weights)
            self.config.regime = regime
            self.metric = self._metric_for(self, regime)
            self._twin_config = dataclasses.replace(self._twin_config, regime=regime)
            self._start_twin()  # the baseline reads the new formula too, from week 0

    @staticmethod
    def _metric_for(model: OrgModel, regime: RegimeConfig) -> Metric:
        metric = Metric(regime, model.workforce)
        wf, cfg = model.workforce, model.config
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

    # -- the baseline twin --------------------------------------------------------------
    def _start_twin(self) -> None:
        """The same organisation and seed with nothing riding on the metric, run over the
        horizon now so the baseline lines are drawn in full from week 0."""
        regime = dataclasses.replace(
            self._twin_config.regime,
            weights=dict(self._twin_config.regime.weights),
            pressure=0.0,
            forced_ranking=0.0,
            noise=0.0,  # no noise drawn: the twin's random stream is the baseline's
        )
        twin_config = dataclasses.replace(self._twin_config, regime=regime)
        self.twin = OrgModel(twin_config, rng=self.config.seed)
        for _ in range(self.config.org.weeks):
            self.twin.step()
        while self.twin.steps < self.steps:
            self.twin.step()
        self._baseline = None

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
