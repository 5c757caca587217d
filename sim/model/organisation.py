"""OrgModel: an organisation of employees under a metric regime, one step per week.

A week:
1. everyone takes stock of their situation (ramp-up, burnout, teammates' help and habits);
2. each weighs one small change, of their split of hours or of their hours, and keeps it
   if it pays;
3. they work: value, volume, tokens and rework follow from the split, and gaming moves
   what the records show;
4. the metric reads the observable signals and scores people (once the policy has started);
5. managers form their impression of each person; rewards mix it with the score;
6. trust and exhaustion move, fluency grows;
7. at a review, rewards are paid, people imitate better-rewarded teammates, expectations
   ratchet, goals may be reset and, under forced ranking, the lowest scores are let go;
8. some people quit; vacancies are refilled after a delay.
The dynamics run over whole arrays (`Workforce`); each `Employee` agent views its row.
"""

from __future__ import annotations

import inspect
from collections import deque
from typing import Any

import mesa
import numpy as np
import pandas as pd
from mesa.discrete_space import OrthogonalMooreGrid
from mesa.model import RNGLike, SeedLike
from omegaconf import DictConfig

from sim.core import burn_in_cache
from sim.core.checks import ConfigError
from sim.core.config import Config, ProductionConfig, RegimeConfig
from sim.core.outputs import WEEKLY_COLUMNS
from sim.core.presets import LEVERS, config_keys, with_levers
from sim.model import snapshot
from sim.model.agents import AGENT_REPORTERS, Employee
from sim.model.behaviour import Situation, adapt, contribution, imitate, metric_alignment
from sim.model.gaming import Repertoire
from sim.model.judgement import Judgement, percentile
from sim.model.memory import keep_freed_memory
from sim.model.metric import Metric
from sim.model.production import (
    AI,
    GAMING,
    LEARNING,
    QUALITY,
    REALITY,
    WORK,
    WeekOfWork,
    activities,
    learning,
    needs_ai_tools,
    work_week,
)
from sim.model.signals import observe
from sim.model.trust import intrinsic_motivation, update_trust
from sim.model.turnover import forced_ranking, quits
from sim.model.wellbeing import ratchet_expectations, strain_and_recover
from sim.model.workforce import TRAITS, Workforce

REGULAR_AI_DAYS = 3.0  # AI-active days a week that count as adoption
LONG_WEEK = 45.0  # hours a week above which a week counts as long
CORRELATION_SAMPLE = 10_000  # people over whom the score-value correlation is estimated


class OrgModel(mesa.Model):
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
        super().__init__(rng=rng)  # the seed also keys the burn-in's cache
        keep_freed_memory()
        self.config = cfg
        self._grid: OrthogonalMooreGrid | None = None  # built when first asked for (`grid`)
        self.repertoire = Repertoire(cfg.gaming)
        self.activities = activities(self.repertoire)
        self.weekly_columns = WEEKLY_COLUMNS + tuple(f"theater_{name}" for name in self.repertoire.names)
        self.workforce = Workforce(
            cfg.org.n_employees, cfg.org.team_size, len(self.activities), needs_ai_tools(self.repertoire)
        )
        self.metric = Metric(cfg.regime, self.workforce)
        self.employees: list[Employee | None] = [None] * cfg.org.n_employees
        self._departed: list[dict[str, np.ndarray]] = []
        n, lag = cfg.org.n_employees, cfg.production.durability_weeks
        # Durable value, what the records will credit, the rework they will show and the real
        # rework, each known only when the durability window has passed.
        self._pipelines = np.zeros((4, max(lag, 1), n))
        self._quits_recent: deque[int] = deque(maxlen=13)
        self.at_risk = {"burned_out": 0.0, "other": 0.0}
        self.quit_counts = {"burned_out": 0, "other": 0}
        self.departure_cost = 0.0

        self.burn_in_weeks = cfg.org.burn_in_weeks
        self.last_week: WeekOfWork | None = None
        self.judgement = Judgement(cfg.behaviour)
        steady = self._burned_in(rng)
        self.metric.start(self._observe(steady, steady=True))
        self.reference = self._org_levels(steady)
        self.alignment = float("nan")  # Baker's alignment of the score, set when the policy starts
        if self.metric.measures and cfg.regime.start_week <= 0:
            self._align(self._situation(cfg.regime.pressure))

        self.datacollector = _DataCollector(
            model_reporters={name: (lambda m, name=name: m.week_stats[name]) for name in self.weekly_columns},
            agent_reporters=dict(AGENT_REPORTERS) if collect_agents else None,
        )
        self.week_stats: dict[str, float] = {}
        self._record_initial_state(steady)
        self.datacollector.collect(self)

    def _burned_in(self, seed: RNGLike | SeedLike | None) -> WeekOfWork:
        """The organisation as the burn-in leaves it: founded and run with no metric for
        `org.burn_in_weeks`, or, for a seed whose burn-in was computed before (in this process
        or on disk, `sim.core.burn_in_cache`), that state restored, to the same bit."""
        cfg = self.config
        telemetry_at_start = (
            self.metric.measures and cfg.regime.start_week <= 0 and cfg.regime.telemetry_visible
        )
        seeded = isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)
        entry = None
        if seeded and cfg.org.burn_in_weeks > 0:
            entry = burn_in_cache.key(cfg, int(seed), telemetry_at_start)  # type: ignore[arg-type]
            kept = burn_in_cache.load(entry)
            if kept is not None:
                self.last_week = snapshot.restore(self, kept["arrays"], kept["meta"])
                return self.last_week
        steady = self._found(telemetry_at_start)
        steady = self._burn_in(cfg.org.burn_in_weeks, steady)
        if entry is not None:
            burn_in_cache.save(entry, *snapshot.capture(self))
        return steady

    def _found(self, telemetry_at_start: bool) -> WeekOfWork:
        """The founding staff of an established organisation, in a steady week."""
        cfg, n = self.config, self.config.org.n_employees
        self._hire(np.arange(n), week=-cfg.org.burn_in_weeks)
        wf = self.workforce
        wf.tenure[:] = self.rng.uniform(cfg.org.ramp_weeks, 5 * 52, n)  # an established team
        wf.fluency[:] = settled_fluency(wf, cfg.production)
        wb = cfg.wellbeing  # exhaustion of ordinary demands and a median standing, held for long
        ordinary = wb.base_strain + wb.anxiety_strain * wb.informal_anxiety * wf.career_concern * 0.5
        wf.exhaustion[:] = ordinary / (wb.recovery * wf.resilience)
        for _ in range(2):  # a week without teammates' help, then one with it
            steady = self._work(self._situation(0.0))
            self._share_credit(steady)
            self.last_week = steady
        self._start_pipelines(steady)
        wf.expectation = steady.kept_volume.copy()
        wf.contribution[:] = contribution(steady, self._situation(0.0))
        self.judgement = Judgement(
            cfg.behaviour,
            typical=float(wf.contribution.mean()),
            typical_tokens=float(steady.tokens.mean()),
        )
        self.judgement.telemetry_shown = telemetry_at_start
        misreading = cfg.behaviour.judgement_noise * self.judgement.typical * wf.halo / np.sqrt(2.0)
        wf.impression[:] = wf.contribution + self.judgement.visible(steady, wf.hours) + misreading
        self.metric.start(self._observe(steady, steady=True))  # the burn-in records into it
        return steady

    def _record_initial_state(self, steady: WeekOfWork) -> None:
        """The week the run starts from, as week -1 (the last of the burn-in, or the steady
        week without one): its quits, firings and hires are not counted; the policy is in
        force only if it starts before week 0. Reads, draws nothing."""
        cfg = self.config
        active = self.metric.measures and cfg.regime.start_week <= -1
        situation = self._situation(cfg.regime.pressure if active else 0.0)
        composite = self.metric.per_person(self.metric.composites()[0])
        durable, rework = steady.durable_value * self.workforce.employed, steady.rework_rate
        started_fresh = not self._quits_recent  # no burn-in: no weeks, so no quits, behind it
        if started_fresh:
            self._quits_recent.append(0)
        self._record_stats(-1, situation, steady, durable, rework, composite, active)
        if started_fresh:
            self._quits_recent.clear()
        self.week_stats.update(quits=0, fired=0, hires=0)

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

    # -- the week -------------------------------------------------------------------
    def step(self) -> None:
        self._week(self.steps - 1)  # Mesa counts the step under way
        self.datacollector.collect(self)
        if self.steps >= self.config.org.weeks:
            self.running = False  # the horizon: Mesa's runners and SolaraViz stop here

    def _burn_in(self, weeks: int, steady: WeekOfWork) -> WeekOfWork:
        """Run the organisation with no metric for `weeks` weeks before week 0, so the run
        starts from the state it settles into (burnout, hours, who has left) and not from the
        cohort of founders who all started fresh. Nothing of it is recorded: the record of
        people and departures starts at week 0, as a new policy would find the organisation."""
        if weeks <= 0:
            return steady
        for week in range(-weeks, 0):
            self._week(week, burn_in=True)
        self.workforce.clear_totals()
        self._departed.clear()
        self.at_risk = {"burned_out": 0.0, "other": 0.0}
        self.quit_counts = {"burned_out": 0, "other": 0}
        self.departure_cost = 0.0
        assert self.last_week is not None
        return self.last_week

    def _week(self, week: int, *, burn_in: bool = False) -> None:
        cfg, wf = self.config, self.workforce
        active = self.metric.measures and week >= cfg.regime.start_week and not burn_in
        pressure = cfg.regime.pressure if active else 0.0
        self.judgement.telemetry_shown = active and cfg.regime.telemetry_visible
        situation = self._situation(pressure)
        if active and week == cfg.regime.start_week and week > 0:
            self.metric.anchor()
            self._align(situation)

        if cfg.behaviour.adaptation:
            adapt(situation, self.rng)
        outcome = self._work(situation)
        wf.worked_hours = (wf.hours + outcome.review_given) * wf.employed
        self._share_credit(outcome)
        durable, seen_durable, seen_rework, rework = self._advance_pipelines(week, outcome)

        signals = self._observe(outcome, steady=False, durable=seen_durable, rework=seen_rework)
        self.metric.record(signals)
        if active:
            composite, wf.score = self.metric.score(self.rng)
        elif not burn_in:  # measured for the record, but nobody is scored yet: no noise drawn
            composite = self.metric.per_person(self.metric.composites()[0])

        self._update_contribution(durable, outcome, situation, recorded=not burn_in)
        informal = self.judgement.observe(wf, wf.contribution, outcome, self.rng)
        wf.reward = (1.0 - pressure) * informal + pressure * wf.score
        update_trust(wf, cfg.trust, monitored=active and cfg.regime.telemetry_visible, pressure=pressure)
        strain_and_recover(
            wf,
            outcome,
            pressure=pressure,
            informal=informal,
            team_help=situation.team_help,
            expected_volume=situation.expected_volume,
            cfg=cfg.wellbeing,
            rng=self.rng,
        )
        wf.fluency = np.clip(wf.fluency + outcome.fluency_gain, 0.0, 1.0)
        self._accumulate(outcome, durable, recorded=not burn_in)

        fired = np.empty(0, dtype=np.int64)
        if (week + 1) % cfg.org.review_period == 0:
            wf.rewards_total += wf.reward * wf.employed
            if cfg.behaviour.adaptation:
                imitate(wf, cfg.behaviour.imitation, self.rng)
            ratchet_expectations(wf, cfg.org.review_period, cfg.wellbeing)
            if active and cfg.regime.reset_each_review:
                self.metric.reset()
            if active and cfg.regime.forced_ranking > 0:
                fired = forced_ranking(wf, cfg.regime.forced_ranking, self.rng)

        quitting = quits(wf, cfg.turnover, cfg.wellbeing.sustainable_hours, self.rng, cfg.trust.quit_effect)
        leaving = np.setdiff1d(quitting, fired) if len(fired) else quitting
        self._quits_recent.append(len(leaving))
        if not burn_in:
            self._count_quits(leaving)
            self._record_stats(week, situation, outcome, durable, rework, composite, active)
        self._depart(leaving, week, "quit", recorded=not burn_in)
        self._depart(fired, week, "fired", recorded=not burn_in)
        refill = np.flatnonzero(~wf.employed & (wf.refill_week <= week + 1))
        self._hire(refill, week=week + 1)
        if not burn_in:
            self.week_stats.update(quits=len(leaving), fired=len(fired), hires=len(refill))
        self.last_week = outcome

    # -- parts of the week ----------------------------------------------------------
    def _ramp(self) -> np.ndarray:
        org = self.config.org
        if org.ramp_weeks <= 0:
            return np.ones(self.workforce.n)
        progress = np.minimum(self.workforce.tenure / org.ramp_weeks, 1.0)
        return org.ramp_start + (1.0 - org.ramp_start) * progress

    def _situation(self, pressure: float) -> Situation:
        """What everyone takes as given this week, from last week's organisation."""
        cfg, wf = self.config, self.workforce
        last = self.last_week
        if last is None:  # before the first week: nobody has helped, gamed or asked for review
            help_given = value = gaming = review_need = np.zeros(wf.n)
        else:
            help_given, value, review_need = last.help_given, last.value, last.review_need
            gaming = self._gaming(last) * 1.0
        ramp = self._ramp()
        teammates_help, teammates_value, teammates_gaming, teammates_review = wf.teammates_mean(
            help_given, value, gaming, review_need
        )
        return Situation(
            wf=wf,
            cfg=cfg,
            metric=self.metric,
            judgement=self.judgement,
            repertoire=self.repertoire,
            pressure=pressure,
            efficiency=ramp * np.where(wf.burned_out, 1.0 - cfg.wellbeing.burnout_productivity, 1.0),
            sloppiness=np.where(wf.burned_out, 1.0 + cfg.wellbeing.burnout_sloppiness, 1.0),
            team_help=cfg.production.help_effect * teammates_help / 10.0,
            teammates_value=teammates_value,
            gaming_norm=teammates_gaming,
            expected_volume=wf.expectation * ramp,
            motivation=intrinsic_motivation(wf, cfg.trust),
            review_demand=cfg.production.peer_review_share * teammates_review,
        )

    def _gaming(self, week: WeekOfWork) -> np.ndarray:
        """Who games visibly enough for teammates to notice."""
        gaming_hours = week.activity_hours[GAMING:].sum(axis=0)
        return gaming_hours > self.config.behaviour.gaming_threshold * np.maximum(self.workforce.hours, 1e-9)

    def _align(self, situation: Situation) -> None:
        """Baker's alignment of the score with real contribution, at the policy start."""
        wf = self.workforce
        wf.alignment[:], wf.influence[:] = metric_alignment(situation)
        on = wf.employed & np.isfinite(wf.alignment)
        self.alignment = float(wf.alignment[on].mean()) if on.any() else float("nan")

    def _share_credit(self, week: WeekOfWork) -> None:
        """What someone claims from teammates' records, the teammates lose, evenly."""
        wf = self.workforce
        claims = {
            "volume": week.claimed_volume,
            "value": week.claimed_value,
            "durable_value": week.claimed_durable,
        }
        if not any(c.any() for c in claims.values()):
            return
        others = np.maximum(wf.team_headcount()[wf.team] - wf.employed, 1.0)
        for name, claimed in claims.items():
            week.lost[name] = (wf.team_sum(claimed)[wf.team] - claimed * wf.employed) / others * wf.employed

    def _work(self, s: Situation) -> WeekOfWork:
        wf = self.workforce
        return work_week(
            wf.shares,
            wf.hours * wf.employed,
            skill=wf.skill,
            fluency=wf.fluency,
            token_need=wf.token_need,
            efficiency=s.efficiency,
            sloppiness=s.sloppiness,
            team_help=s.team_help,
            prod=self.config.production,
            repertoire=self.repertoire,
            review_demand=s.review_demand,
            seen=REALITY,
        )

    def _entering(self, week: WeekOfWork) -> np.ndarray:
        rows = (week.durable_value, week.recorded("durable_value"), week.seen_rework_rate, week.rework_rate)
        return np.array(rows) * self.workforce.employed

    def _start_pipelines(self, week: WeekOfWork) -> None:
        self._pipelines[:] = self._entering(week)[:, None, :]

    def _advance_pipelines(
        self, number: int, week: WeekOfWork
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Durable value, what the records credit and the rework they show become known only
        after the durability window. The slot follows the week's `number`, burn-in weeks
        included, so what the burn-in's last weeks delivered becomes known in weeks 0, 1, ..."""
        slot = number % self._pipelines.shape[1]
        durable, seen_durable, seen_rework, rework = self._pipelines[:, slot].copy()
        self._pipelines[:, slot] = self._entering(week)
        return durable, seen_durable, seen_rework, rework

    def _observe(
        self,
        week: WeekOfWork,
        *,
        steady: bool,
        durable: np.ndarray | None = None,
        rework: np.ndarray | None = None,
    ) -> np.ndarray:
        lagged = None
        if not steady and durable is not None and rework is not None:
            lagged = {"durable_value": durable, "rework_rate": rework}
        wf = self.workforce
        return observe(
            self.metric.names,
            week,
            wf.hours * wf.employed,
            wf.employed,
            prod=self.config.production,
            salary=self.config.org.salary,
            lagged=lagged,
        )

    def _update_contribution(
        self, durable: np.ndarray, week: WeekOfWork, s: Situation, *, recorded: bool
    ) -> None:
        """Smooth each person's real contribution: lasting value plus help to teammates."""
        wf = self.workforce
        real = durable + (contribution(week, s) - week.durable_value)
        wf.contribution += (real - wf.contribution) / self.config.behaviour.contribution_memory
        if recorded:
            wf.contribution_total += real * wf.employed

    def _accumulate(self, week: WeekOfWork, durable: np.ndarray, *, recorded: bool) -> None:
        """Tenure and the volume of the review under way, and, in weeks that are `recorded`
        (not the burn-in, whose totals are cleared), the per-person record's totals."""
        wf = self.workforce
        on = wf.employed
        wf.tenure += on
        wf.delivered_this_review += week.kept_volume * on
        if not recorded:
            return
        wf.weeks_worked += on
        wf.weeks_burned_out += wf.burned_out
        wf.activity_hours_total += week.activity_hours * on
        wf.review_total += week.review_given * on
        wf.value_total += week.value * on
        wf.durable_total += durable * on
        wf.volume_total += week.volume * on
        wf.token_cost_total += week.tokens * self.config.production.token_price * on
        wf.score_total += wf.score * on

    def _count_quits(self, leaving: np.ndarray) -> None:
        wf = self.workforce
        burned = wf.burned_out & wf.employed
        self.at_risk["burned_out"] += burned.sum()
        self.at_risk["other"] += (wf.employed & ~burned).sum()
        self.quit_counts["burned_out"] += int(burned[leaving].sum())
        self.quit_counts["other"] += int((~burned[leaving]).sum())

    # -- people coming and going --------------------------------------------------
    def _hire(self, slots: np.ndarray, week: int) -> None:
        if len(slots) == 0:
            return
        self.workforce.hire(slots, self._seat(slots), week, self.config, self.rng)

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

    def _depart(self, slots: np.ndarray, week: int, reason: str, *, recorded: bool) -> None:
        if len(slots) == 0:
            return
        wf = self.workforce
        if recorded:
            rank = np.zeros(wf.n)
            rank[slots] = _percentile_among(wf.lifetime_contribution(), slots, wf.employed)
            self._departed.append(self._records(slots, left_week=week, reason=reason, rank=rank))
        for slot in slots:
            self.employees[slot].remove()
            self.employees[slot] = None
        self.departure_cost += len(slots) * self.config.org.replacement_cost * self.config.org.salary
        wf.vacate(slots, refill_week=week + 1 + self.config.org.vacancy_weeks)

    def _records(
        self, slots: np.ndarray, *, left_week: int, reason: str, rank: np.ndarray
    ) -> dict[str, np.ndarray]:
        wf = self.workforce
        worked = np.maximum(wf.weeks_worked[slots], 1.0)
        hours_total = np.maximum(wf.activity_hours_total[:, slots].sum(axis=0), 1e-9)
        record = {
            "employee_id": wf.person_id[slots],
            "team": wf.team[slots],
            "hired_week": wf.hired_week[slots],
            "left_week": np.full(len(slots), left_week, dtype=np.int64),
            "exit": np.full(len(slots), reason, dtype=object),
            "tenure_weeks": wf.weeks_worked[slots],
        }
        for trait in TRAITS:
            record[trait] = getattr(wf, trait)[slots]
        record["fluency_at_hire"] = wf.fluency_at_hire[slots]
        record["fluency"] = wf.fluency[slots]
        record["hours_mean"] = (
            wf.activity_hours_total[:, slots].sum(axis=0) + wf.review_total[slots]
        ) / worked
        for k, activity in enumerate(WORK):
            record[f"share_{activity}"] = wf.activity_hours_total[k, slots] / hours_total
        record["share_theater"] = wf.activity_hours_total[GAMING:, slots].sum(axis=0) / hours_total
        record["exhaustion"] = wf.exhaustion[slots]
        record["burned_out"] = wf.burned_out[slots]
        record["weeks_burned_out"] = wf.weeks_burned_out[slots]
        record["value_per_week"] = wf.value_total[slots] / worked
        record["durable_value_per_week"] = wf.durable_total[slots] / worked
        record["volume_per_week"] = wf.volume_total[slots] / worked
        record["token_cost_per_week"] = wf.token_cost_total[slots] / worked
        record["score_mean"] = wf.score_total[slots] / worked
        record["rewards_total"] = wf.rewards_total[slots]
        record["contribution_per_week"] = wf.lifetime_contribution()[slots]
        record["contribution_percentile"] = rank[slots]
        record["top_contributor"] = rank[slots] >= 0.75
        return record

    def employee_records(self) -> dict[str, np.ndarray]:
        """Everyone who ever worked here: those who left, then those still employed."""
        wf = self.workforce
        rank = percentile(wf.lifetime_contribution(), wf.employed)
        current = self._records(np.flatnonzero(wf.employed), left_week=-1, reason="employed", rank=rank)
        parts = [*self._departed, current]
        return {key: np.concatenate([p[key] for p in parts]) for key in current}

    # -- what the organisation looks like this week ---------------------------------
    def _org_levels(self, week: WeekOfWork) -> dict[str, float]:
        """Per-head durable value, volume, kept volume and believed value: what the indices divide by."""
        wf = self.workforce
        heads = max(int(wf.employed.sum()), 1)
        perceived = week.value + self.config.behaviour.ai_optimism * week.ai_potential
        return {
            "durable": float((week.durable_value * wf.employed).sum() / heads),
            "volume": float((week.volume * wf.employed).sum() / heads),
            "kept": float((week.kept_volume * wf.employed).sum() / heads),
            "perceived": float((perceived * wf.employed).sum() / heads),
        }

    def _record_stats(
        self,
        week: int,
        situation: Situation,
        outcome: WeekOfWork,
        durable: np.ndarray,
        rework: np.ndarray,
        composite: np.ndarray,
        active: bool,
    ) -> None:
        cfg, wf = self.config, self.workforce
        on = wf.employed
        heads = int(on.sum())
        per_head = max(heads, 1)
        hours = outcome.activity_hours * on
        total_hours = max(float(hours.sum()), 1e-9)
        token_cost = float((outcome.tokens * on).sum() * cfg.production.token_price)
        durable_total = float(durable[on].sum())
        volume_total = float(outcome.volume[on].sum())
        salary_cost = heads * cfg.org.salary / 52.0
        reworked = float((rework * outcome.volume)[on].sum())
        levels = self._org_levels(outcome)
        stats = {
            "week": week,
            "policy_active": bool(active),
            "pressure": situation.pressure,
            "headcount": heads,
            "vacancies": wf.n - heads,
            "hours_mean": float(wf.worked_hours[on].mean()) if heads else 0.0,
        }
        for k, activity in enumerate(WORK):
            stats[f"share_{activity}"] = float(hours[k].sum() / total_hours)
        stats["share_theater"] = float(hours[GAMING:].sum() / total_hours)
        for k, action in enumerate(self.repertoire.names):
            stats[f"theater_{action}"] = float(hours[GAMING + k].sum() / total_hours)
        stats.update(
            gaming_share=float(self._gaming(outcome)[on].mean()) if heads else 0.0,
            value=float(outcome.value[on].sum()),
            durable_value=durable_total,
            durable_value_per_head=durable_total / per_head,
            volume=volume_total,
            rework_rate=reworked / max(volume_total, 1e-9),
            tokens=float(outcome.tokens[on].sum()),
            token_cost=token_cost,
            token_cost_per_head=token_cost / per_head,
            ai_active_days=float(outcome.ai_active_days[on].mean()) if heads else 0.0,
            adoption=float((outcome.ai_active_days[on] >= REGULAR_AI_DAYS).mean()) if heads else 0.0,
            acceptance_rate=_weighted_mean(outcome.acceptance_rate, outcome.tool_hours * on),
            fluency=float(wf.fluency[on].mean()) if heads else 0.0,
            exhaustion=float(wf.exhaustion[on].mean()) if heads else 0.0,
            burnout_share=float(wf.burned_out[on].mean()) if heads else 0.0,
            trust=float(wf.trust[on].mean()) if heads else 1.0,
            quality_hours=float(hours[QUALITY].sum() / per_head),
            review_hours=float(outcome.review_given[on].sum() / per_head),
            long_hours_share=float((wf.worked_hours[on] > LONG_WEEK).mean()) if heads else 0.0,
            metric_index=self.metric.index(composite) if active else float("nan"),
            score_mean=float(wf.score[on].mean()) if heads else 0.0,
            score_value_correlation=_rank_correlation(composite, wf.contribution, on)
            if self.metric.measures
            else float("nan"),
            durable_value_index=(durable_total / per_head) / self.reference["durable"],
            volume_index=(volume_total / per_head) / self.reference["volume"],
            perceived_productivity_index=levels["perceived"] / self.reference["perceived"],
            expectation_index=float(wf.expectation[on].mean()) / self.reference["kept"] if heads else 0.0,
            salary_cost=salary_cost,
            departure_cost=self.departure_cost,
            attrition_annualised=sum(self._quits_recent) / per_head * 52.0 / len(self._quits_recent),
        )
        stats["cost"] = salary_cost + token_cost
        stats["cost_per_durable_value"] = stats["cost"] / durable_total if durable_total > 0 else float("nan")
        self.week_stats = stats


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


def settled_fluency(wf: Workforce, prod: ProductionConfig) -> np.ndarray:
    """AI fluency of an established team: each person's fluency at hire carried forward over
    their tenure, learning at the pace of their split and losing what tools make obsolete."""
    gain = learning(wf.shares[LEARNING] * wf.hours, wf.shares[AI] * wf.hours, prod)
    rate = gain + prod.fluency_obsolescence
    settled = np.where(rate > 0, gain / np.maximum(rate, 1e-12), wf.fluency)
    return settled + (wf.fluency - settled) * np.exp(-rate * wf.tenure)


def _percentile_among(values: np.ndarray, slots: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Percentile rank of `values[slots]` among the masked entries (mid-rank for ties)."""
    field = values[mask]
    if len(slots) <= 16:  # a few leavers: counting beats sorting
        ours = values[slots][:, None]
        return ((field < ours).sum(axis=1) + 0.5 * (field == ours).sum(axis=1)) / max(len(field), 1)
    field = np.sort(field)
    below = np.searchsorted(field, values[slots], side="left")
    at_or_below = np.searchsorted(field, values[slots], side="right")
    return (below + at_or_below) / (2.0 * max(len(field), 1))


def _rank_correlation(a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> float:
    """Spearman correlation over masked entries; over an even sample of at most
    CORRELATION_SAMPLE of them in very large organisations."""
    idx = np.flatnonzero(mask)
    if len(idx) < 3:
        return float("nan")
    idx = idx[:: -(-len(idx) // CORRELATION_SAMPLE)]
    sample = np.zeros(len(a), dtype=bool)
    sample[idx] = True
    ra = percentile(a, sample)[idx]
    rb = percentile(b, sample)[idx]
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    total = weights.sum()
    return float((values * weights).sum() / total) if total > 0 else 0.0
