"""The organisation: employees under a metric regime, one step per week, for one run or a batch.

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
The dynamics run over whole arrays (`Workforce`); `sim.model.model.OrgModel` makes one run a
Mesa model, whose `Employee` agents each view their row.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from typing import Any

import numpy as np

from sim.core import burn_in_cache
from sim.core.config import ChannelsConfig, Config, ProductionConfig, RegimeConfig
from sim.core.outputs import WEEKLY_COLUMNS
from sim.model import snapshot
from sim.model.behaviour import Situation, adapt, contribution, imitate, metric_alignment, renounce_gaming
from sim.model.gaming import Repertoire
from sim.model.judgement import Judgement, percentile
from sim.model.memory import keep_freed_memory
from sim.model.metric import EPS, Metric, Metrics
from sim.model.production import (
    AI,
    GAMING,
    LEARNING,
    QUALITY,
    REALITY,
    WORK,
    WeekOfWork,
    activities,
    ai_capacity,
    learning,
    needs_ai_tools,
    suited_ai_hours,
    work_week,
)
from sim.model.runs import Runs, at, column_totals, merged, unlabelled
from sim.model.signals import observe
from sim.model.trust import intrinsic_motivation, update_trust
from sim.model.turnover import forced_ranking, quits
from sim.model.wellbeing import ratchet_expectations, strain_and_recover
from sim.model.workforce import TRAITS, Workforce

CHANNELS = tuple(f.name for f in dataclasses.fields(ChannelsConfig))  # what `Config.channels` can knock out
REGULAR_AI_DAYS = 3.0  # AI-active days a week that count as adoption
LONG_WEEK = 45.0  # hours a week above which a week counts as long
CORRELATION_SAMPLE = 10_000  # people over whom the score-value correlation is estimated


class Organisations:
    """The engine: one or more organisations (a batch of runs, `sim.model.runs`) stepped
    week by week over whole arrays. `OrgModel` is one organisation as a Mesa model;
    `sim.core.run.simulate_batch` steps many at once. Both run this code, so a run in a batch
    gives the tables it gives alone, bit for bit."""

    def __init__(self, configs: list[Config], generators: list[np.random.Generator], seeds: list[Any]):
        keep_freed_memory()
        self.runs = Runs(configs, generators)
        cfg = merged(self.runs)
        self.config = cfg
        self.repertoire = Repertoire([c.gaming for c in configs], self.runs.bounds)
        self.activities = activities(self.repertoire)
        self.weekly_columns = WEEKLY_COLUMNS + tuple(f"theater_{name}" for name in self.repertoire.names)
        runs = self.runs
        self.workforce = Workforce(
            runs.n,
            configs[0].org.team_size,
            len(self.activities),
            needs_ai_tools(self.repertoire),
            team=runs.team,
        )
        # The regimes of the batch, each over its runs' slots (`Regime`): one Metric, or one
        # for each regime (`Metrics`), the runs of each lying next to each other.
        parts = regime_parts(runs)
        self.metric: Metric | Metrics
        self._several: list[Regime] | None = None
        if len(parts) == 1:
            self.metric = Metric(cfg.regime, self.workforce, runs)
        else:
            self.metric = Metrics(runs, self.workforce, parts)
            self._several = [
                Regime(configs[a].regime, m, part, a, b)
                for (a, b), m, part in zip(parts, self.metric.metrics, self.metric.slots, strict=True)
            ]
        self._sizes = [int(runs.bounds[b] - runs.bounds[a]) for a, b in parts]
        self._counts = [b - a for a, b in parts]
        self._next_id = np.ones(runs.count, dtype=np.int64)  # Mesa numbers agents from 1
        self._departed: list[list[dict[str, np.ndarray]]] = [[] for _ in range(runs.count)]
        lag = cfg.production.durability_weeks
        # Durable value, what the records will credit, the rework they will show and the real
        # rework, each known only when the durability window has passed.
        self._pipelines = np.zeros((4, max(lag, 1), runs.n))
        self._quits_recent: deque[np.ndarray] = deque(maxlen=13)
        self._at_risk = {"burned_out": np.zeros(runs.count), "other": np.zeros(runs.count)}
        self._quit_counts = {
            "burned_out": np.zeros(runs.count, dtype=np.int64),
            "other": np.zeros(runs.count, dtype=np.int64),
        }
        self._departure_cost = np.zeros(runs.count)

        self.burn_in_weeks = cfg.org.burn_in_weeks
        self.last_week: WeekOfWork | None = None
        self.judgement = Judgement(cfg.behaviour, runs)
        steady = self._burned_in(seeds)
        self.metric.start(self._observe(steady, steady=True))
        self.references = [self._org_levels(steady, part) for part in runs.slices]
        self._alignment = np.full(
            runs.count, np.nan
        )  # Baker's alignment of the score, set when the policy starts
        starting = [k for k, p in enumerate(self.regimes) if p.metric.measures and p.regime.start_week <= 0]
        if starting:
            self._align(self._situation(self._each([p.regime.pressure for p in self.regimes])), starting)
        self.week_columns: dict[str, np.ndarray] = {}  # the weekly table's last row, one value per run
        self._record_initial_state(steady)

    @property
    def regimes(self) -> list[Regime]:
        """The batch's regimes; with one, the config's and the metric as they stand (the
        workshop app changes both as the model runs)."""
        if self._several is not None:
            return self._several
        return [Regime(self.config.regime, self.metric, slice(0, self.runs.n), 0, self.runs.count)]  # type: ignore[arg-type]

    # -- each run's facts -------------------------------------------------------------
    def facts(self, run: int = 0) -> dict[str, Any]:
        """What a run's summary needs beyond its tables: departure cost, quits by burnout."""
        return {
            "departure_cost": float(self._departure_cost[run]),
            "at_risk": {k: float(v[run]) for k, v in self._at_risk.items()},
            "quit_counts": {k: int(v[run]) for k, v in self._quit_counts.items()},
            "metric_alignment": float(self._alignment[run]),
        }

    def _burned_in(self, seeds: list[Any]) -> WeekOfWork:
        """The organisations as the burn-in leaves them: founded and run with no metric for
        `org.burn_in_weeks`, or, where every run's seed had its burn-in computed before (in
        this process or on disk, `sim.core.burn_in_cache`), those states restored, to the
        same bit."""
        cfg, runs = self.config, self.runs
        shown = [
            bool(p.metric.measures and p.regime.start_week <= 0 and p.regime.telemetry_visible)
            for p in self.regimes
        ]
        telemetry_at_start = self._each(shown)
        of_run = np.repeat(np.arange(len(shown)), self._counts)  # each run's regime
        entries = [
            burn_in_key(c, seed, shown[k]) for c, seed, k in zip(runs.configs, seeds, of_run, strict=True)
        ]
        if all(entries):
            kept = [burn_in_cache.load(entry) for entry in entries]  # type: ignore[arg-type]
            if all(kept):
                states = [(k["arrays"], k["meta"]) for k in kept]  # type: ignore[index]
                self.last_week = snapshot.restore(self, states)
                return self.last_week
        steady = self._found(telemetry_at_start)
        steady = self._burn_in(cfg.org.burn_in_weeks, steady)
        for r, entry in enumerate(entries):
            if entry is not None:
                burn_in_cache.save(entry, *snapshot.capture(self, r))
        return steady

    def _found(self, telemetry_at_start: bool | np.ndarray) -> WeekOfWork:
        """The founding staff of an established organisation, in a steady week."""
        cfg, runs = self.config, self.runs
        self._hire(np.arange(runs.n), week=-cfg.org.burn_in_weeks)
        wf = self.workforce
        wf.tenure[:] = runs.draw(lambda rng, r, k: rng.uniform(runs.configs[r].org.ramp_weeks, 5 * 52, k))
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
            runs,
            typical=np.array([float(wf.contribution[part].mean()) for part in runs.slices]),
            typical_tokens=np.array([float(steady.tokens[part].mean()) for part in runs.slices]),
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
        active = [p.metric.measures and p.regime.start_week <= -1 for p in self.regimes]
        situation = self._situation(
            self._each([p.regime.pressure if on else 0.0 for p, on in zip(self.regimes, active, strict=True)])
        )
        composite = self._composite([False] * len(self.regimes))
        durable, rework = steady.durable_value * self.workforce.employed, steady.rework_rate
        started_fresh = not self._quits_recent  # no burn-in: no weeks, so no quits, behind it
        if started_fresh:
            self._quits_recent.append(np.zeros(self.runs.count, dtype=np.int64))
        self._record_stats(-1, situation, steady, durable, rework, composite, active)
        if started_fresh:
            self._quits_recent.clear()
        for name in ("quits", "fired", "hires"):
            self.week_columns[name] = np.zeros(self.runs.count, dtype=np.int64)

    # -- the week -------------------------------------------------------------------
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
        for departed in self._departed:
            departed.clear()
        for counts in (self._at_risk, self._quit_counts):
            for values in counts.values():
                values[:] = 0
        self._departure_cost[:] = 0.0
        assert self.last_week is not None
        return self.last_week

    def _week(self, week: int, *, burn_in: bool = False) -> None:
        cfg, wf, runs = self.config, self.workforce, self.runs
        regimes = self.regimes
        # Per regime: is its policy in force; the batch reads its pressure and whether
        # managers see telemetry as one value, or one per slot (`_each`).
        active = [p.metric.measures and week >= p.regime.start_week and not burn_in for p in regimes]
        policy = list(zip(regimes, active, strict=True))
        pressure = self._each([p.regime.pressure if on else 0.0 for p, on in policy])
        shown = self._each([on and p.regime.telemetry_visible for p, on in policy])
        self.judgement.telemetry_shown = shown
        knocked = self._knocked_out(week, burn_in=burn_in)
        situation = self._situation(pressure, knocked)
        starting = [k for k, (p, on) in enumerate(policy) if on and week == p.regime.start_week]
        if starting and week > 0:
            for k in starting:
                regimes[k].metric.anchor()
            self._align(situation, starting)

        renounce_gaming(wf, knocked["gaming_actions"])
        if cfg.behaviour.adaptation:
            adapt(situation, runs)
        outcome = self._work(situation)
        wf.worked_hours = (wf.hours + outcome.review_given) * wf.employed
        self._share_credit(outcome)
        durable, seen_durable, seen_rework, rework = self._advance_pipelines(week, outcome)

        signals = self._observe(outcome, steady=False, durable=seen_durable, rework=seen_rework)
        self.metric.record(signals)
        if not burn_in:  # scored where the policy is active; elsewhere measured for the record
            composite = self._composite(active)

        self._update_contribution(durable, outcome, situation, recorded=not burn_in)
        informal = self.judgement.observe(wf, wf.contribution, outcome)
        wf.reward = (1.0 - pressure) * informal + pressure * wf.score
        update_trust(wf, cfg.trust, monitored=shown, pressure=pressure)
        strain_and_recover(
            wf,
            outcome,
            pressure=pressure,
            informal=informal,
            team_help=situation.team_help,
            expected_volume=situation.expected_volume,
            cfg=cfg.wellbeing,
            runs=runs,
        )
        wf.fluency = np.clip(wf.fluency + outcome.fluency_gain, 0.0, 1.0)
        self._accumulate(outcome, durable, recorded=not burn_in)

        fired = np.empty(0, dtype=np.int64)
        if (week + 1) % cfg.org.review_period == 0:
            wf.rewards_total += wf.reward * wf.employed
            if cfg.behaviour.adaptation:
                imitate(wf, cfg.behaviour.imitation, runs, knocked["selection"])
            ratchet_expectations(wf, cfg.org.review_period, cfg.wellbeing, frozen=knocked["expectations"])
            for p, on in policy:
                if on and p.regime.reset_each_review:
                    p.metric.reset()
            shares = [p.regime.forced_ranking if on else 0.0 for p, on in policy]
            if any(share > 0 for share in shares):  # each run's share, 0 where none: no draw
                each = shares[0] if len(shares) == 1 else np.repeat(shares, self._counts)
                fired = forced_ranking(wf, each, runs)

        quitting = quits(wf, cfg.turnover, cfg.wellbeing.sustainable_hours, runs, cfg.trust.quit_effect)
        leaving = np.setdiff1d(quitting, fired) if len(fired) else quitting
        self._quits_recent.append(np.bincount(runs.of_slot[leaving], minlength=runs.count))
        if not burn_in:
            self._count_quits(leaving)
            self._record_stats(week, situation, outcome, durable, rework, composite, active)
        self._depart(leaving, week, "quit", recorded=not burn_in)
        self._depart(fired, week, "fired", recorded=not burn_in)
        refill = np.flatnonzero(~wf.employed & (wf.refill_week <= week + 1))
        hires_own_habits = self._knocked_out(week + 1, burn_in=burn_in)["selection"]
        self._hire(refill, week=week + 1, own_habits=hires_own_habits)
        if not burn_in:
            for name, slots in (("quits", leaving), ("fired", fired), ("hires", refill)):
                self.week_columns[name] = np.bincount(runs.of_slot[slots], minlength=runs.count)
        self.last_week = outcome

    # -- parts of the week ----------------------------------------------------------
    def _ramp(self) -> np.ndarray:
        org = self.config.org
        if np.all(np.asarray(org.ramp_weeks) <= 0):  # the same in every run (runs.structure)
            return np.ones(self.workforce.n)
        progress = np.minimum(self.workforce.tenure / org.ramp_weeks, 1.0)
        return org.ramp_start + (1.0 - org.ramp_start) * progress

    def _knocked_out(self, week: int, *, burn_in: bool = False) -> dict[str, bool | np.ndarray]:
        """The channels knocked out in `week` (`Config.channels`), each False or a mask over
        slots: none in the burn-in or before the regime's start week, so a knock-out changes
        nothing before the policy would start, the baseline's included."""
        started = False if burn_in else self._each([week >= p.regime.start_week for p in self.regimes])
        if not np.any(started):
            return dict.fromkeys(CHANNELS, False)
        channels = self.config.channels
        knocked = {name: np.logical_not(getattr(channels, name)) for name in CHANNELS}
        if np.ndim(started) == 0:
            return knocked
        return {name: values & started for name, values in knocked.items()}

    def _situation(
        self, pressure: float | np.ndarray, knocked: dict[str, bool | np.ndarray] | None = None
    ) -> Situation:
        """What everyone takes as given this week, from last week's organisation, and which
        channels are `knocked` out."""
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
            unmetered_honesty=knocked["honest_overuse"] if knocked else False,
            no_gaming=knocked["gaming_actions"] if knocked else False,
        )

    def _gaming(self, week: WeekOfWork) -> np.ndarray:
        """Who games visibly enough for teammates to notice."""
        gaming_hours = column_totals(week.activity_hours[GAMING:])
        return gaming_hours > self.config.behaviour.gaming_threshold * np.maximum(self.workforce.hours, 1e-9)

    def _align(self, situation: Situation, starting: list[int]) -> None:
        """Baker's alignment of the score with real contribution, at the policy start of the
        regimes `starting` (indices into `regimes`), for their slots and runs."""
        wf, runs = self.workforce, self.runs
        alignment, influence = metric_alignment(situation)
        for k in starting:
            p = self.regimes[k]
            if len(self.regimes) == 1:
                wf.alignment[:], wf.influence[:] = alignment, influence
            else:
                wf.alignment[p.slots], wf.influence[p.slots] = alignment[p.slots], influence[p.slots]
            on = wf.employed & np.isfinite(wf.alignment)
            for r in range(p.first, p.last):
                part = runs.slices[r]
                self._alignment[r] = (
                    float(wf.alignment[part][on[part]].mean()) if on[part].any() else float("nan")
                )

    def _each(self, values: list) -> Any:
        """One value per regime as the batch reads it: the value itself where every regime's
        is the same (always, with one regime), else each slot's."""
        if all(v == values[0] for v in values[1:]):
            return values[0]
        return np.repeat(np.array(values), self._sizes)

    def _composite(self, active: list[bool]) -> np.ndarray:
        """Each person's composite over the window (their team's, at team level), and, in the
        regimes whose policy is `active`, their scores (`wf.score`), noise drawn from each
        run's generator as alone."""
        wf = self.workforce
        if len(self.regimes) == 1:
            metric = self.regimes[0].metric
            if active[0]:
                composite, wf.score = metric.score()
                return composite
            return metric.per_person(metric.composites()[0])  # nobody scored: no noise drawn
        composite = np.empty(wf.n)
        for p, on in zip(self.regimes, active, strict=True):
            if on:
                composite[p.slots], wf.score[p.slots] = p.metric.score()
            else:
                composite[p.slots] = p.metric.per_person(p.metric.composites()[0])
        return composite

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
        for r, (part, gone) in enumerate(zip(self.runs.slices, self.runs.split(leaving), strict=True)):
            self._at_risk["burned_out"][r] += burned[part].sum()
            self._at_risk["other"][r] += (wf.employed[part] & ~burned[part]).sum()
            self._quit_counts["burned_out"][r] += int(burned[gone].sum())
            self._quit_counts["other"][r] += int((~burned[gone]).sum())

    # -- people coming and going --------------------------------------------------
    def _hire(self, slots: np.ndarray, week: int, own_habits: bool | np.ndarray = False) -> None:
        if len(slots) == 0:
            return
        self.workforce.hire(slots, self._seat(slots), week, self.config, self.runs, own_habits)

    def _seat(self, slots: np.ndarray, ids: np.ndarray | None = None) -> np.ndarray:
        """The ids of the people who take these posts (grouped run after run): each run
        numbers its people from 1 in order of hire, as Mesa numbers its agents, or, for a
        restored burn-in, `ids`."""
        if ids is not None:
            return ids
        out = np.empty(len(slots), dtype=np.int64)
        start = 0
        for r, part in enumerate(self.runs.split(slots)):
            out[start : start + len(part)] = self._next_id[r] + np.arange(len(part))
            self._next_id[r] += len(part)
            start += len(part)
        return out

    def _leave(self, slots: np.ndarray) -> None:
        """People leave their posts (OrgModel removes their agents)."""

    def _depart(self, slots: np.ndarray, week: int, reason: str, *, recorded: bool) -> None:
        if len(slots) == 0:
            return
        wf, runs, org = self.workforce, self.runs, self.config.org
        lifetime = wf.lifetime_contribution() if recorded else None
        rank = np.zeros(wf.n)
        leaving = runs.split(slots)
        for r, (part, gone) in enumerate(zip(runs.slices, leaving, strict=True)):
            if len(gone) == 0:
                continue
            if lifetime is not None:
                rank[gone] = _percentile_among(lifetime[part], gone - part.start, wf.employed[part])
            cost = runs.configs[r].org
            self._departure_cost[r] += len(gone) * cost.replacement_cost * cost.salary
        if lifetime is not None:  # everyone's record at once, then each run's part of it
            record = self._records(slots, left_week=week, reason=reason, rank=rank)
            cuts = np.cumsum([0] + [len(gone) for gone in leaving])
            for run, (lo, hi) in enumerate(zip(cuts[:-1], cuts[1:], strict=True)):
                if hi > lo:
                    self._departed[run].append({key: values[lo:hi] for key, values in record.items()})
        self._leave(slots)
        wf.vacate(slots, refill_week=week + 1 + at(org.vacancy_weeks, slots))

    def _records(
        self, slots: np.ndarray, *, left_week: int, reason: str, rank: np.ndarray
    ) -> dict[str, np.ndarray]:
        wf, runs = self.workforce, self.runs
        worked = np.maximum(wf.weeks_worked[slots], 1.0)
        hours_total = np.maximum(column_totals(wf.activity_hours_total[:, slots]), 1e-9)
        record = {
            "employee_id": wf.person_id[slots],
            "team": wf.team[slots] - runs.team_bounds[runs.of_slot[slots]],  # the run's own numbering
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
            column_totals(wf.activity_hours_total[:, slots]) + wf.review_total[slots]
        ) / worked
        for k, activity in enumerate(WORK):
            record[f"share_{activity}"] = wf.activity_hours_total[k, slots] / hours_total
        record["share_theater"] = column_totals(wf.activity_hours_total[GAMING:, slots]) / hours_total
        record["exhaustion"] = wf.exhaustion[slots]
        record["burned_out"] = wf.burned_out[slots]
        record["weeks_burned_out"] = wf.weeks_burned_out[slots]
        record["value_per_week"] = wf.value_total[slots] / worked
        record["durable_value_per_week"] = wf.durable_total[slots] / worked
        record["volume_per_week"] = wf.volume_total[slots] / worked
        record["token_cost_per_week"] = wf.token_cost_total[slots] / worked
        record["score_mean"] = wf.score_total[slots] / worked
        record["rewards_total"] = wf.rewards_total[slots]
        record["contribution_per_week"] = wf.contribution_total[slots] / worked
        record["contribution_percentile"] = rank[slots]
        record["top_contributor"] = rank[slots] >= 0.75
        return record

    def employee_records(self, run: int = 0) -> dict[str, np.ndarray]:
        """Everyone who ever worked in run `run`'s organisation: those who left, then those
        still employed."""
        wf, part = self.workforce, self.runs.slices[run]
        rank = np.zeros(wf.n)
        rank[part] = percentile(wf.lifetime_contribution()[part], wf.employed[part])
        employed = np.flatnonzero(wf.employed[part]) + part.start
        current = self._records(employed, left_week=-1, reason="employed", rank=rank)
        parts = [*self._departed[run], current]
        return {key: np.concatenate([p[key] for p in parts]) for key in current}

    # -- what the organisation looks like this week ---------------------------------
    def _org_levels(self, week: WeekOfWork, part: slice) -> dict[str, float]:
        """Per-head durable value, volume, kept volume and believed value of one run: what
        the indices divide by."""
        on = self.workforce.employed[part]
        heads = max(int(on.sum()), 1)
        optimism = self.runs.configs[self.runs.slices.index(part)].behaviour.ai_optimism
        perceived = week.value[part] + optimism * week.ai_potential[part]
        return {
            "durable": float((week.durable_value[part] * on).sum() / heads),
            "volume": float((week.volume[part] * on).sum() / heads),
            "kept": float((week.kept_volume[part] * on).sum() / heads),
            "perceived": float((perceived * on).sum() / heads),
        }

    def _record_stats(
        self,
        week: int,
        situation: Situation,
        outcome: WeekOfWork,
        durable: np.ndarray,
        rework: np.ndarray,
        composite: np.ndarray,
        active: list[bool],
    ) -> None:
        """The week's row of the weekly table, for every run at once: `week_columns` holds
        one value per run under each column's name. Every figure is a sum over a run's own
        slots, taken slot after slot (`_Totals`), so a run gets the same row alone."""
        wf, runs, count = self.workforce, self.runs, self.runs.count
        on = wf.employed
        total = _Totals(runs.bounds)
        heads = total(on.astype(np.int64))
        per_head = np.maximum(heads, 1)
        has = heads > 0

        def mean(values: np.ndarray, empty: float = 0.0) -> np.ndarray:
            return np.where(has, total(np.where(on, values, 0.0)) / per_head, empty)

        hours = outcome.activity_hours * on
        by_activity = total(hours, axis=1)  # (activities, runs)
        total_hours = np.maximum(column_totals(by_activity), 1e-9)
        token_price, salary = (
            runs.per_run(self.config.production.token_price),
            runs.per_run(self.config.org.salary),
        )
        token_cost = total(outcome.tokens * on) * token_price
        durable_total = total(np.where(on, durable, 0.0))
        volume_total = total(np.where(on, outcome.volume, 0.0))
        salary_cost = heads * salary / 52.0
        reworked = total(np.where(on, rework * outcome.volume, 0.0))
        optimism = self.config.behaviour.ai_optimism
        perceived = total((outcome.value + optimism * outcome.ai_potential) * on) / per_head
        reference = {key: np.array([levels[key] for levels in self.references]) for key in self.references[0]}
        tool_hours = outcome.tool_hours * on
        accepted = total(outcome.acceptance_rate * tool_hours)
        tool_total = total(tool_hours)
        quits_recent = column_totals(np.array(self._quits_recent)) if self._quits_recent else np.zeros(count)
        cols: dict[str, np.ndarray] = {
            "week": np.full(count, week, dtype=np.int64),
            "policy_active": np.repeat(np.array(active, dtype=bool), self._counts),
            "pressure": runs.per_run(situation.pressure).astype(float),
            "headcount": heads,
            "vacancies": runs.sizes - heads,
            "hours_mean": mean(wf.worked_hours),
        }
        for k, activity in enumerate(WORK):
            cols[f"share_{activity}"] = by_activity[k] / total_hours
        cols["share_theater"] = column_totals(by_activity[GAMING:]) / total_hours
        for k, action in enumerate(self.repertoire.names):
            cols[f"theater_{action}"] = by_activity[GAMING + k] / total_hours
        cols.update(
            gaming_share=mean(self._gaming(outcome).astype(float)),
            value=total(np.where(on, outcome.value, 0.0)),
            durable_value=durable_total,
            durable_value_per_head=durable_total / per_head,
            volume=volume_total,
            rework_rate=reworked / np.maximum(volume_total, 1e-9),
            tokens=total(np.where(on, outcome.tokens, 0.0)),
            token_cost=token_cost,
            token_cost_per_head=token_cost / per_head,
            ai_active_days=mean(outcome.ai_active_days),
            adoption=mean((outcome.ai_active_days >= REGULAR_AI_DAYS).astype(float)),
            acceptance_rate=np.where(
                tool_total > 0, accepted / np.where(tool_total > 0, tool_total, 1.0), 0.0
            ),
            fluency=mean(wf.fluency),
            exhaustion=mean(wf.exhaustion),
            burnout_share=mean(wf.burned_out.astype(float)),
            trust=mean(wf.trust, empty=1.0),
            quality_hours=by_activity[QUALITY] / per_head,
            review_hours=total(np.where(on, outcome.review_given, 0.0)) / per_head,
            long_hours_share=mean((wf.worked_hours > LONG_WEEK).astype(float)),
            metric_index=self._metric_indices(composite, active),
            score_mean=mean(wf.score),
            score_value_correlation=_rank_correlation(composite, wf.contribution, on, runs)
            if self.metric.measures
            else np.full(count, np.nan),
            # (with several regimes, NaN in the runs of those that measure nothing: below)
            durable_value_index=(durable_total / per_head) / reference["durable"],
            volume_index=(volume_total / per_head) / reference["volume"],
            perceived_productivity_index=perceived / reference["perceived"],
            expectation_index=np.where(has, mean(wf.expectation) / reference["kept"], 0.0),
            salary_cost=salary_cost,
            departure_cost=self._departure_cost.copy(),
            attrition_annualised=quits_recent / per_head * 52.0 / max(len(self._quits_recent), 1),
        )
        if len(self.regimes) > 1:
            measures = np.repeat([p.metric.measures for p in self.regimes], self._counts)
            cols["score_value_correlation"] = np.where(measures, cols["score_value_correlation"], np.nan)
        cols["cost"] = salary_cost + token_cost
        with np.errstate(divide="ignore", invalid="ignore"):
            cols["cost_per_durable_value"] = np.where(durable_total > 0, cols["cost"] / durable_total, np.nan)
        self.week_columns = cols

    def _metric_indices(self, composite: np.ndarray, active: list[bool]) -> np.ndarray:
        """Each run's metric index where its regime's policy is `active`, else NaN."""
        if len(self.regimes) == 1:
            metric = self.regimes[0].metric
            return _metric_index(metric, composite) if active[0] else np.full(self.runs.count, np.nan)
        out = np.full(self.runs.count, np.nan)
        for p, on in zip(self.regimes, active, strict=True):
            if on:
                out[p.first : p.last] = _metric_index(p.metric, composite[p.slots])
        return out

    def run_row(self, run: int = 0) -> dict[str, Any]:
        """Run `run`'s row of the week just recorded, as Python numbers."""
        return {name: values[run].item() for name, values in self.week_columns.items()}


def _metric_index(metric: Metric, composite: np.ndarray) -> np.ndarray:
    """The metric as a dashboard shows it: each run's mean over its units relative to
    the level when its policy started (`composite`: at the metric's slots)."""
    wf = metric.wf
    if metric.team_level:
        exists = wf.team_headcount() > 0
        values = np.where(exists, composite[wf.team_start], 0.0)
        units = _Totals(metric.unit_bounds)(exists.astype(np.int64))
        level = _Totals(metric.unit_bounds)(values) / np.maximum(units, 1)
    else:
        units = _Totals(metric.runs.bounds)(wf.employed.astype(np.int64))
        level = _Totals(metric.runs.bounds)(np.where(wf.employed, composite, 0.0)) / np.maximum(units, 1)
    start = metric.start_reference
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((np.abs(start) < EPS) | (units == 0), np.nan, level / start)


@dataclasses.dataclass
class Regime:
    """One regime of a batch: its runs (`first:last`), their slots and its `Metric`."""

    regime: RegimeConfig
    metric: Metric
    slots: slice
    first: int
    last: int


def regime_parts(runs: Runs) -> list[tuple[int, int]]:
    """The runs of a batch under each regime, as (first, last-but-one) runs next to each other
    (`simulate_batch` puts them so); a regime's name and label do not count."""
    keys = [repr(unlabelled(c.regime)) for c in runs.configs]
    parts, start = [], 0
    for r in range(1, runs.count + 1):
        if r == runs.count or keys[r] != keys[start]:
            parts.append((start, r))
            start = r
    return parts


class _Totals:
    """Sums over each run's slots (or teams), slot after slot: the same for a run alone or
    beside others, whatever its place in the arrays."""

    def __init__(self, bounds: np.ndarray):
        self.starts = bounds[:-1]

    def __call__(self, values: np.ndarray, axis: int = 0) -> np.ndarray:
        return np.add.reduceat(values, self.starts, axis=axis)


def burn_in_key(cfg: Config, seed: Any, telemetry_at_start: bool) -> str | None:
    """The burn-in cache's key of a run seeded with an integer, if it has a burn-in."""
    seeded = isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)
    if not seeded or cfg.org.burn_in_weeks <= 0:
        return None
    return burn_in_cache.key(cfg, int(seed), telemetry_at_start)


def settled_fluency(wf: Workforce, prod: ProductionConfig) -> np.ndarray:
    """AI fluency of an established team: each person's fluency at hire carried forward over
    their tenure, learning at the pace of their split and losing what tools make obsolete."""
    work_hours = column_totals(wf.shares[:GAMING]) * wf.hours
    suited = suited_ai_hours(wf.shares[AI] * wf.hours, ai_capacity(wf.token_need, work_hours, prod), prod)
    gain = learning(wf.shares[LEARNING] * wf.hours, suited, prod)
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


def _rank_correlation(a: np.ndarray, b: np.ndarray, mask: np.ndarray, runs: Runs) -> np.ndarray:
    """Each run's Spearman correlation over masked entries; over an even sample of at most
    CORRELATION_SAMPLE of them in very large organisations."""
    idx = np.flatnonzero(mask)
    run = runs.of_slot[idx]
    heads = np.bincount(run, minlength=runs.count)
    start = np.concatenate([[0], np.cumsum(heads)])
    step = np.maximum(-(-heads // CORRELATION_SAMPLE), 1)
    keep = (np.arange(len(idx)) - start[run]) % step[run] == 0
    idx, run = idx[keep], run[keep]
    sample = np.zeros(len(a), dtype=bool)
    sample[idx] = True
    ra = percentile(a, sample, runs)[idx]
    rb = percentile(b, sample, runs)[idx]
    total = _Totals(np.concatenate([[0], np.cumsum(np.bincount(run, minlength=runs.count))]))
    n = np.maximum(np.bincount(run, minlength=runs.count), 1)
    da = ra - (total(ra) / n)[run] if len(idx) else ra
    db = rb - (total(rb) / n)[run] if len(idx) else rb
    if not len(idx):
        return np.full(runs.count, np.nan)
    spread = total(da * da) * total(db * db)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = total(da * db) / np.sqrt(spread)
    return np.where((np.bincount(run, minlength=runs.count) >= 3) & (spread > 0), r, np.nan)


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    total = weights.sum()
    return float((values * weights).sum() / total) if total > 0 else 0.0
