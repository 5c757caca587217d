"""How employees choose: bounded-rational search over their split of hours and their hours.

Each week everyone weighs one small change, either to their split of hours or to their
hours, and keeps it only if it raises their perceived utility:

    U = m x contribution + c x stakes x ((1 - p) x informal + p x score)
        + mastery - moral cost - effort - shortfall

with m their intrinsic motivation (lower when trust is low), c their career concern, p the
pressure riding on the metric, `informal` the judgement they expect from their manager
(who sees contribution only dimly, and hours and perhaps telemetry clearly) and `score`
the metric's score they expect. Gaming actions produce no value; one is chosen only where
what it moves is rewarded more than it costs the person. Nothing here branches on a regime
or an action: gaming comes from `Metric.expected_score` and `Judgement.expected`.
At reviews people copy part of the split of a better-rewarded teammate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core.config import Config
from sim.model.gaming import Repertoire
from sim.model.judgement import Judgement
from sim.model.metric import Metric, Metrics
from sim.model.production import CRAFT, GAMING, REALITY, WEEK, Perception, WeekOfWork, work_week
from sim.model.runs import Runs, at, column_totals
from sim.model.wellbeing import shortfall
from sim.model.workforce import Workforce


@dataclass
class Situation:
    """What an employee takes as given this week when weighing a change."""

    wf: Workforce
    cfg: Config
    metric: Metric | Metrics
    judgement: Judgement
    repertoire: Repertoire
    pressure: float | np.ndarray  # a number, or one per slot in a batch of several regimes
    efficiency: np.ndarray
    sloppiness: np.ndarray
    team_help: np.ndarray
    teammates_value: np.ndarray  # mean weekly value of teammates: what help multiplies
    gaming_norm: np.ndarray  # share of teammates who game
    expected_volume: np.ndarray  # the manager's expectation, adjusted for ramp-up
    motivation: np.ndarray  # weight of real contribution in utility (trust)
    review_demand: np.ndarray  # hours of review teammates' output asks of each person
    # Channels knocked out this week (`Config.channels`), each False or a mask over slots.
    unmetered_honesty: bool | np.ndarray = False  # honest changes weighed as with no metric
    no_gaming: bool | np.ndarray = False  # changes into the gaming repertoire refused


def imagine(
    shares: np.ndarray, hours: np.ndarray, s: Situation, seen: Perception | None = None
) -> WeekOfWork:
    """The week a person expects from a split, seen through their own biases."""
    b = s.cfg.behaviour
    if seen is None:
        seen = Perception(ai_optimism=b.ai_optimism, rework_awareness=b.rework_awareness)
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
        repertoire=s.repertoire,
        review_demand=s.review_demand,
        seen=seen,
    )


def help_value(help_hours: np.ndarray, s: Situation) -> np.ndarray:
    """Value that a person's quality hours add to (or gaming takes from) their teammates' work."""
    return s.cfg.production.help_effect * help_hours / 10.0 * s.teammates_value


def contribution(week: WeekOfWork, s: Situation) -> np.ndarray:
    return week.durable_value + help_value(week.help_given, s)


def felt_hours(week: WeekOfWork, hours: np.ndarray, ai_effort_relief: float) -> np.ndarray:
    """Hours as they weigh when planning a week: review asked of one counts in full, but part
    of each AI-assisted hour is not felt, since starting a task with AI feels easy and it
    fills breaks and evenings (Ranganathan & Ye 2026). Exhaustion counts every hour."""
    return hours + week.review_given - ai_effort_relief * week.suited_ai_hours


def utility_terms(
    week: WeekOfWork,
    hours: np.ndarray,
    s: Situation,
    evaluation: np.ndarray,
) -> dict[str, np.ndarray]:
    """Each term of perceived utility with its sign, in the order they are summed."""
    b = s.cfg.behaviour
    wf = s.wf
    moral = b.moral_weight * wf.integrity * week.gaming["moral_cost"] / WEEK
    moral *= 1.0 - b.norm_strength * s.gaming_norm
    effort = b.effort_weight * (felt_hours(week, hours, b.ai_effort_relief) / WEEK) ** 2
    effort *= 1.0 + b.exhaustion_effort * wf.exhaustion
    return {
        "contribution": s.motivation * (1.0 - wf.career_concern) * contribution(week, s),
        "evaluation": wf.career_concern * b.score_stakes * evaluation,
        "mastery": b.mastery_weight * week.fluency_gain,
        "moral": -moral,
        "effort": -effort,
        "shortfall": -(b.expectation_weight * shortfall(week, s.expected_volume)),
    }


def utility(
    week: WeekOfWork,
    hours: np.ndarray,
    s: Situation,
    evaluation: np.ndarray,
) -> np.ndarray:
    terms = iter(utility_terms(week, hours, s, evaluation).values())
    total = next(terms)
    for term in terms:
        total = total + term
    return total


def _signals(week: WeekOfWork, hours: np.ndarray, s: Situation) -> np.ndarray | None:
    if np.all(np.asarray(s.pressure) <= 0) or not s.metric.measures:
        return None
    return _observe(week, hours, s)


def _observe(week: WeekOfWork, hours: np.ndarray, s: Situation) -> np.ndarray:
    """The signals a person expects of a week (`Metric.expected_signals`)."""
    return s.metric.expected_signals(week, hours, s.wf.employed, s.cfg.production, s.cfg.org.salary)


def adapt(s: Situation, runs: Runs) -> None:
    """One week of local search: each person tries one small change, either moving a little
    time from one activity to another or working a little more or less, and keeps it if it
    pays."""
    wf, b = s.wf, s.cfg.behaviour
    n, k = wf.n, len(wf.shares)
    shares, hours = wf.shares, wf.hours

    now = imagine(shares, hours, s)
    signals_now = _signals(now, hours, s)
    field = s.metric.field(signals_now) if signals_now is not None else None
    unmetered = bool(np.any(s.unmetered_honesty))
    informal_field = s.judgement.field(wf) if np.any(np.asarray(s.pressure) < 1) or unmetered else None
    # Where the score counts: everywhere `signals` are read, with one regime; with several,
    # the slots of the regimes that measure, under pressure.
    scored = None
    if isinstance(s.metric, Metrics):
        scored = s.metric.measured & (np.asarray(s.pressure) > 0)
    contribution_now = contribution(now, s)
    visible_now = s.judgement.visible(now, hours)

    def evaluation(week: WeekOfWork, trial_hours: np.ndarray, signals: np.ndarray | None) -> np.ndarray:
        total = np.zeros(n)
        if informal_field is not None:
            informal = s.judgement.expected(
                wf,
                informal_field,
                contribution(week, s) - contribution_now,
                s.judgement.visible(week, trial_hours) - visible_now,
            )
            total = (1.0 - s.pressure) * informal
        if signals is not None and signals_now is not None:
            judged = total + s.pressure * s.metric.expected_score(signals, signals_now, field)  # type: ignore[arg-type,operator]
            total = judged if scored is None else np.where(scored, judged, total)
        return total

    def as_unmeasured(week: WeekOfWork, trial_hours: np.ndarray) -> np.ndarray:
        """The evaluation a change would earn with no metric: the manager's impression alone,
        without the telemetry the regime shows (the honest over-use channel knocked out)."""
        assert informal_field is not None
        return s.judgement.expected(
            wf,
            informal_field,
            contribution(week, s) - contribution_now,
            s.judgement.visible(week, trial_hours, with_telemetry=False)
            - s.judgement.visible(now, hours, with_telemetry=False),
        )

    steps = [c.behaviour for c in runs.configs]

    def changes(rng: np.random.Generator, r: int, m: int) -> np.ndarray:
        """A run's draws for its people's trial changes, in the order its generator makes them
        (one call a run: a batch pays Python's cost per run once a week, not five times)."""
        return np.stack(
            [
                rng.random(m),  # a change of hours, or of the split
                rng.integers(0, k, m),  # the activity time moves from
                rng.integers(1, k, m),  # how far along the others it moves to
                rng.normal(0.0, steps[r].search_step, m),  # how much of the split moves
                rng.normal(0.0, steps[r].search_hours_step, m),  # how many hours
            ]
        )

    chance, source_drawn, offset, split_step, hours_step = runs.draw(changes)
    try_hours = chance < b.hours_trial_share
    source = source_drawn.astype(np.int64)
    target = (source + offset.astype(np.int64)) % k
    rows = np.arange(n)
    moved = np.where(try_hours, 0.0, np.abs(split_step))
    ai_available = s.cfg.production.ai_available  # a switch, or a mask over slots in a batch
    if not np.all(ai_available):  # no change into an activity that needs the tools nobody has
        moved = np.where(~np.asarray(ai_available) & wf.needs_ai[target], 0.0, moved)
    if np.any(s.no_gaming):
        moved = np.where(s.no_gaming & (target >= GAMING), 0.0, moved)
    moved = np.minimum(moved, shares[source, rows])
    trial_shares = shares.copy()
    trial_shares[source, rows] -= moved
    trial_shares[target, rows] += moved
    step = np.where(try_hours, hours_step, 0.0)
    trial_hours = np.clip(hours + step, b.min_hours, b.max_hours)

    trial = imagine(trial_shares, trial_hours, s)
    judged_trial = evaluation(trial, trial_hours, _signals(trial, trial_hours, s))
    judged_now = evaluation(now, hours, signals_now)
    if unmetered:
        # A change that moves no hour into or out of gaming (a change of hours, or of the
        # honest split) is weighed as it would be with no metric.
        honest = try_hours | ((source < GAMING) & (target < GAMING))
        plain = s.unmetered_honesty & honest
        judged_trial = np.where(plain, as_unmeasured(trial, trial_hours), judged_trial)
        judged_now = np.where(plain, as_unmeasured(now, hours), judged_now)
    u_trial = utility(trial, trial_hours, s, judged_trial)
    u_now = utility(now, hours, s, judged_now)
    better = wf.employed & (u_trial > u_now)
    shares[:, better] = trial_shares[:, better]
    hours[better] = trial_hours[better]


def imitate(
    wf: Workforce, imitation: float | np.ndarray, runs: Runs, knocked_out: bool | np.ndarray = False
) -> None:
    """At a review, each person looks at a random teammate and, if that teammate was
    better rewarded, moves part of the way toward their split of hours; nobody where the
    selection channel is `knocked_out` (the teammate is still drawn, so the draws stay)."""
    if np.all(np.asarray(imitation) <= 0):  # the same in every run (runs.structure)
        return
    start = wf.team_start[wf.team]  # first slot of each slot's team
    size = wf.team_headcount_max[wf.team]
    high = np.maximum(size, 2)
    offset = runs.draw(lambda rng, r, m: rng.integers(1, high[runs.slices[r]], m))
    peer = start + (np.arange(wf.n) - start + offset) % np.maximum(size, 1)
    copies = wf.employed & wf.employed[peer] & (peer != np.arange(wf.n)) & (wf.reward[peer] > wf.reward)
    if np.any(knocked_out):
        copies &= ~knocked_out
    wf.shares[:, copies] += at(imitation, copies) * (wf.shares[:, peer[copies]] - wf.shares[:, copies])


def renounce_gaming(wf: Workforce, knocked_out: bool | np.ndarray) -> None:
    """Where the gaming channel is `knocked_out`, the hours of the gaming repertoire go back
    to honest work in proportion to the honest split (all to craft for someone with none),
    so nobody games: hires' habits, imitation and habits at the policy's start included."""
    if not np.any(knocked_out):
        return
    shares = wf.shares
    games = knocked_out & (column_totals(shares[GAMING:]) > 0)
    if not games.any():
        return
    work = shares[:GAMING, games]
    work[CRAFT, column_totals(work) <= 0] = 1.0
    shares[:GAMING, games] = work / column_totals(work)
    shares[GAMING:, games] = 0.0


def metric_alignment(s: Situation, hour: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Baker's alignment of the regime's score with real contribution, and how far real
    work can move the score, per person.

    The gradients of the unit's composite and of the person's real contribution over their
    hours in each activity (one more `hour` of it) are compared by their cosine: alignment
    is the squared cosine with its sign (negative where the score rewards what destroys
    value). Influence is the share of the score's squared gradient that lies along real
    work rather than gaming. Both are NaN where the score's gradient is zero (the baseline).
    """
    wf = s.wf
    if not s.metric.measures:
        return np.full(wf.n, np.nan), np.full(wf.n, np.nan)
    base = imagine(wf.shares, wf.hours, s, seen=REALITY)
    signals_now = _observe(base, wf.hours, s)
    composite_now = s.metric.expected_composite(signals_now, signals_now)
    value_now = contribution(base, s)
    activity_hours = wf.shares * wf.hours
    score_gradient, value_gradient = [], []
    for k in range(len(wf.shares)):
        trial_hours = wf.hours + hour
        more = activity_hours.copy()
        more[k] += hour
        week = imagine(more / np.maximum(trial_hours, 1e-9), trial_hours, s, seen=REALITY)
        signals = _observe(week, trial_hours, s)
        score_gradient.append(s.metric.expected_composite(signals, signals_now) - composite_now)
        value_gradient.append(contribution(week, s) - value_now)
    g_s, g_v = np.array(score_gradient), np.array(value_gradient)
    score_norm = column_totals(g_s**2)
    norms = np.sqrt(score_norm * column_totals(g_v**2))
    cosine = np.where(norms > 0, column_totals(g_s * g_v) / np.maximum(norms, 1e-300), np.nan)
    real_work = column_totals(g_s[:GAMING] ** 2)
    influence = np.where(score_norm > 0, real_work / np.maximum(score_norm, 1e-300), np.nan)
    off = ~wf.employed
    return np.where(off, np.nan, cosine * np.abs(cosine)), np.where(off, np.nan, influence)
