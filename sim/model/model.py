"""OrgModel: one organisation as a Mesa model, stepped week by week.

The week itself is the engine's (`sim.model.organisation.Organisations`, which batches of runs
share); this adds what Mesa's tools drive: keyword parameters, `running`, the DataCollector,
an `Employee` agent viewing each post's row, and the posts as a grid for SolaraViz. Apart from
the engine so that runs made without Mesa (`sim.core.run.simulate_batch`) do not import it.
"""

from __future__ import annotations

import inspect
from typing import Any

import mesa
import numpy as np
import pandas as pd
from mesa.discrete_space import OrthogonalMooreGrid
from mesa.model import RNGLike, SeedLike
from omegaconf import DictConfig

from sim.core.checks import ConfigError
from sim.core.config import Config, RegimeConfig
from sim.core.presets import LEVERS, config_keys, with_levers
from sim.model.agents import AGENT_REPORTERS, Employee
from sim.model.organisation import Organisations


class OrgModel(Organisations, mesa.Model):
    """An organisation of `org.n_employees` posts in teams, under `regime`.

    Every Config parameter is a keyword, so `mesa.batch_run` and SolaraViz's `model_params`
    set any of them as they set a Mesa example's: a section's key by its own name
    (`org.n_employees` as `n_employees`, `org.burn_in_weeks` as `burn_in_weeks`,
    `behaviour.judgement_noise` as `judgement_noise`), a top-level key as it is (`seed`,
    `gaming`), and `section__key` for a name two sections share (none today); the full list is
    `sim.core.presets.LEVERS`, and `help(OrgModel)` shows them. They are set on top of `config`
    (defaults when None), `regime` (a preset's name or a RegimeConfig) first. None leaves a
    key as it is.

    `rng=None` is fresh entropy, as in Mesa: pass `rng=config.seed` (or any seed) for a
    reproducible run; `seed=` sets `config.seed` and seeds the model with it, as the command
    line does (Mesa 3.5's `batch_run(..., rng=[...])` passes its seeds this way). Giving both
    is refused. `running` turns False at the horizon (`org.weeks`). The DataCollector holds the
    initial state (the steady week before the run, `week` -1) and then one row per step: row k
    is Mesa's step k and week k - 1. `weekly()` gives the weeks alone, as the data contract's
    weekly table. With `collect_agents=True` it also records each employee's state
    (AGENT_REPORTERS) every step. `grid` places each post in a Mesa grid, one column per team.
    The dynamics are `Organisations`' (the batched engine) with one run.
    """

    def __init__(
        self,
        config: Config | DictConfig | dict | None = None,
        *,
        regime: str | RegimeConfig | None = None,
        rng: RNGLike | SeedLike | None = None,
        collect_agents: bool = False,
        **parameters: Any,
    ):
        if "seed" in parameters and rng is not None:
            raise ConfigError(
                "rng and seed: give the seed once; with mesa.batch_run pass the seeds as "
                "batch_run(OrgModel, parameters, rng=[...]), not inside parameters"
            )
        cfg = with_levers(config, regime, **parameters)
        if parameters.get("seed") is not None:
            rng = cfg.seed  # as the command line seeds it
        mesa.Model.__init__(self, rng=rng)  # the seed also keys the burn-in's cache
        self._grid: OrthogonalMooreGrid | None = None  # built when first asked for (`grid`)
        self.employees: list[Employee | None] = [None] * cfg.org.n_employees
        self._week_stats: dict[str, Any] = {}
        self._week_stats_of: dict[str, np.ndarray] | None = None
        Organisations.__init__(self, [cfg], [self.rng], [rng])
        self.datacollector = _DataCollector(
            model_reporters={name: (lambda m, name=name: m.week_stats[name]) for name in self.weekly_columns},
            agent_reporters=dict(AGENT_REPORTERS) if collect_agents else None,
        )
        self.datacollector.collect(self)

    @property
    def week_stats(self) -> dict[str, Any]:
        """The figures of the week just run (the weekly table's row)."""
        if self._week_stats_of is not self.week_columns:
            self._week_stats, self._week_stats_of = self.run_row(0), self.week_columns
        return self._week_stats

    @property
    def reference(self) -> dict[str, float]:
        return self.references[0]

    @property
    def alignment(self) -> float:
        """Baker's alignment of the score with real contribution, set when the policy starts."""
        return float(self._alignment[0])

    @property
    def at_risk(self) -> dict[str, float]:
        return self.facts()["at_risk"]

    @property
    def quit_counts(self) -> dict[str, int]:
        return self.facts()["quit_counts"]

    @property
    def departure_cost(self) -> float:
        return float(self._departure_cost[0])

    @property
    def grid(self) -> OrthogonalMooreGrid:
        """The posts as a Mesa grid, for SolaraViz's space components: the cell (team, place
        in the team) holds the person in that post, so each column is a team and a hire takes
        the cell of the person they replace. It shows who works with whom; the dynamics read
        teams from the workforce, not the grid's neighbours. Built on first use, so runs that
        never draw it do not pay for it."""
        if self._grid is None:
            wf = self.workforce
            self._grid = OrthogonalMooreGrid((wf.n_teams, wf.team_size), capacity=1, random=self.random)
            for agent in self.employees:
                if agent is not None:
                    agent.cell = self._grid[self._post(agent.slot)]
        return self._grid

    def _post(self, slot: int) -> tuple[int, int]:
        return divmod(slot, self.workforce.team_size)

    def weekly(self) -> pd.DataFrame:
        """The weeks run so far, one row each (the DataCollector's rows after the initial state)."""
        return self.datacollector.get_model_vars_dataframe().iloc[1:].reset_index(drop=True)

    def step(self) -> None:
        self._week(self.steps - 1)  # Mesa counts the step under way
        self.datacollector.collect(self)
        if self.steps >= self.config.org.weeks:
            self.running = False  # the horizon: Mesa's runners and SolaraViz stop here

    def _seat(self, slots: np.ndarray, ids: np.ndarray | None = None) -> np.ndarray:
        """Mesa agents for these posts, with new ids or, for a restored burn-in, the ids of the
        people who hold them; returns their ids."""
        agents = [Employee(self, int(slot)) for slot in slots]
        for k, agent in enumerate(agents):
            if ids is not None:
                agent.unique_id = int(ids[k])
            self.employees[agent.slot] = agent
            if self._grid is not None:
                agent.cell = self._grid[self._post(agent.slot)]
        return np.array([a.unique_id for a in agents], dtype=np.int64)

    def _leave(self, slots: np.ndarray) -> None:
        for slot in slots:
            self.employees[slot].remove()
            self.employees[slot] = None


class _DataCollector(mesa.DataCollector):
    """Mesa's DataCollector, saying how to get the employees' records when they were not kept."""

    def get_agent_vars_dataframe(self) -> pd.DataFrame:
        if not self.agent_reporters:
            raise UserWarning(  # the type Mesa raises here
                "no employee records: make the model with OrgModel(..., collect_agents=True) "
                "to record each employee's state every step"
            )
        return super().get_agent_vars_dataframe()


def _signature() -> inspect.Signature:
    """OrgModel's keywords as `inspect.signature` (help, IDEs, batch_run and SolaraViz read it):
    the fixed ones, then every Config parameter by its keyword, typed, default None."""
    fixed = inspect.signature(OrgModel.__init__).parameters
    types = config_keys()
    levers = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=types[key] | None)
        for name, key in LEVERS.items()
    ]
    return inspect.Signature([*(p for p in fixed.values() if p.kind != p.VAR_KEYWORD), *levers])


OrgModel.__init__.__signature__ = _signature()  # type: ignore[attr-defined]
