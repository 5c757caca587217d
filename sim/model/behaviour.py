"""How employees choose: bounded-rational search over their split of hours and their hours.

Each week everyone weighs one small change, either to their split of hours or to their
hours, and keeps it only if it raises their perceived utility:

    U = contribution + p * c * stakes * expected score + mastery - moral cost - effort - shortfall

with p the pressure riding on the metric and c their career concern. Contribution counts
for everyone, intrinsically and through their manager's informal judgement. Theater has no
value; it is chosen only where the metric rewards it more than it costs the person.
Nothing here branches on a regime: gaming comes from `Metric.expected_score`.
At reviews people copy part of the split of a better-rewarded teammate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import Config
from sim.model.metric import Metric
from sim.model.production import ACTIVITIES, THEATER, WEEK, Perception, WeekOfWork, work_week
from sim.model.signals import observe
from sim.model.workforce import Workforce


@dataclass
class Situation:
    """What an employee takes as given this week when weighing a change."""

    wf: Workforce
    cfg: Config
    metric: Metric
    pressure: float
    efficiency: np.ndarray
    sloppiness: np.ndarray
    team_help: np.ndarray
    teammates_value: np.ndarray  # mean weekly value of teammates: what help multiplies
    gaming_norm: np.ndarray  # share of teammates who do theater
    expected_volume: np.ndarray  # the manager's expectation, adjusted for ramp-up


def imagine(shares: np.ndarray, hours: np.ndarray, s: Situation) -> WeekOfWork:
    """The week a person expects from a split, seen through their own biases."""
    b = s.cfg.behaviour
    return work_week(
        shares,
        hours,
        skill=s.wf.skill,
        fluency=s.wf.fluency,
        token_need=s.wf.token_need,
        efficiency=s.efficiency,
        sloppiness=s.sloppiness,
        team_help=s.team_help,
        prod=s.cfg.production,
        seen=Perception(ai_optimism=b.ai_optimism, rework_awareness=b.rework_awareness),
    )


def help_value(help_hours: np.ndarray, s: Situation) -> np.ndarray:
    """Value that a person's quality hours add to their teammates' work."""
    return s.cfg.production.help_effect * help_hours / 10.0 * s.teammates_value


def utility(
    week: WeekOfWork,
    hours: np.ndarray,
    s: Situation,
    expected_score: np.ndarray | None,
) -> np.ndarray:
    b = s.cfg.behaviour
    wf = s.wf
    contribution = week.durable_value + help_value(week.help_given, s)
    evaluation = 0.0
    if expected_score is not None:
        evaluation = s.pressure * wf.career_concern * b.score_stakes * expected_score
    moral = b.moral_weight * wf.integrity * week.activity_hours[THEATER] / WEEK
    moral *= 1.0 - b.norm_strength * s.gaming_norm
    effort = b.effort_weight * (hours / WEEK) ** 2 * (1.0 + b.exhaustion_effort * wf.exhaustion)
    has_norm = s.expected_volume > 0
    shortfall = np.where(has_norm, 1.0 - week.volume / np.where(has_norm, s.expected_volume, 1.0), 0.0)
    return (
        contribution
        + evaluation
        + b.mastery_weight * week.fluency_gain
        - moral
        - effort
        - b.expectation_weight * np.maximum(shortfall, 0.0)
    )


def _scores(week: WeekOfWork, hours: np.ndarray, s: Situation) -> np.ndarray | None:
    if s.pressure <= 0 or not s.metric.measures:
        return None
    return observe(s.metric.names, week, hours, s.wf.employed, prod=s.cfg.production, salary=s.cfg.org.salary)


def adapt(s: Situation, rng: np.random.Generator) -> None:
    """One week of local search: each person tries one small change, either moving a little
    time from one activity to another or working a little more or less, and keeps it if it
    pays."""
    wf, b = s.wf, s.cfg.behaviour
    n, k = wf.n, len(ACTIVITIES)
    shares, hours = wf.shares, wf.hours

    now = imagine(shares, hours, s)
    signals_now = _scores(now, hours, s)
    field = s.metric.field(signals_now) if signals_now is not None else None

    def value_of(week: WeekOfWork, trial_hours: np.ndarray, signals: np.ndarray | None) -> np.ndarray:
        if signals is None:
            return utility(week, trial_hours, s, None)
        return utility(week, trial_hours, s, s.metric.expected_score(signals, signals_now, field))

    try_hours = rng.random(n) < b.hours_trial_share
    source = rng.integers(0, k, n)
    target = (source + rng.integers(1, k, n)) % k
    rows = np.arange(n)
    moved = np.where(try_hours, 0.0, np.abs(rng.normal(0.0, b.search_step, n)))
    moved = np.minimum(moved, shares[source, rows])
    trial_shares = shares.copy()
    trial_shares[source, rows] -= moved
    trial_shares[target, rows] += moved
    step = np.where(try_hours, rng.normal(0.0, b.search_hours_step, n), 0.0)
    trial_hours = np.clip(hours + step, b.min_hours, b.max_hours)

    trial = imagine(trial_shares, trial_hours, s)
    u_trial = value_of(trial, trial_hours, _scores(trial, trial_hours, s))
    better = wf.employed & (u_trial > value_of(now, hours, signals_now))
    shares[:, better] = trial_shares[:, better]
    hours[better] = trial_hours[better]


def imitate(wf: Workforce, imitation: float, rng: np.random.Generator) -> None:
    """At a review, each person looks at a random teammate and, if that teammate was
    better rewarded, moves part of the way toward their split of hours."""
    if imitation <= 0:
        return
    start = np.searchsorted(wf.team, wf.team)  # first slot of each slot's team
    size = wf.team_headcount_max[wf.team]
    offset = rng.integers(1, np.maximum(size, 2), wf.n)
    peer = start + (np.arange(wf.n) - start + offset) % np.maximum(size, 1)
    copies = wf.employed & wf.employed[peer] & (peer != np.arange(wf.n)) & (wf.reward[peer] > wf.reward)
    wf.shares[:, copies] += imitation * (wf.shares[:, peer[copies]] - wf.shares[:, copies])
