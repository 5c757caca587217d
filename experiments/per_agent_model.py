"""The same week as `sim.model.OrgModel`, written as a conventional per-agent Mesa model.

This exists only for `experiments/benchmark.py`. DESIGN says the weekly dynamics run as
vectorised NumPy over the whole workforce because per-agent Python loops are orders of
magnitude slower; the benchmark measures that claim against this module. Here every
employee is a `mesa.Agent` holding its own scalar state, and the model steps them one by
one in two stages. First (`shuffle_do("step")`) each weighs one trial change of their
split or of their hours against the leaderboard as it stood at the start of the week,
works, and feeds their metric window and contribution. The organisation then scores and
rewards everyone. Then (`do("settle")`) each person's exhaustion, fluency, running totals
and quit draw follow, with this week's score and reward as in `sim/`. Reviews, departures
and refills come last.

The equations are those of `sim/` (production, behaviour, wellbeing, turnover and the
metric at individual level) in scalar form, with every draw from the model's `random`.
Rank scores a person expects are read from the sorted list of everyone's current
composites by binary search, interpolating linearly between neighbours (`sim.model.metric`
tabulates the same empirical distribution on a grid). Results are statistically alike,
not bit for bit the same: draws come in another order and from another generator, and a
trial draws only the numbers it uses. Nothing in the simulator imports this module.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import deque
from typing import NamedTuple

import mesa

from sim.config import Config, ProductionConfig, RegimeConfig
from sim.model.organisation import CORRELATION_SAMPLE, REGULAR_AI_DAYS
from sim.model.production import ACTIVITIES, AI, CRAFT, LEARNING, QUALITY, THEATER, WEEK
from sim.model.signals import SIGNAL_NAMES
from sim.outputs import WEEKLY_COLUMNS
from sim.presets import as_config

EPS = 1e-9
K = len(ACTIVITIES)
STATS = WEEKLY_COLUMNS  # the same weekly table as the vectorised model
TALLIES = (
    *ACTIVITIES,
    "gaming",
    "value",
    "durable",
    "volume",
    "reworked",
    "tokens",
    "ai_days",
    "adopters",
    "accepted",
    "fluency",
    "exhaustion",
    "burned_out",
    "perceived",
)


# -- a week of work, for one person ----------------------------------------------------
class Week(NamedTuple):
    """`sim.model.production.WeekOfWork` for one person. As there, the traces that only metrics
    read (tokens, prompts, acceptance, AI-active days) are computed when read."""

    activity_hours: list[float]  # hours really spent, by activity
    ai_hours: float  # productive AI hours (discounted for long hours)
    theater_hours: float  # productive theater hours
    value: float
    ai_potential: float  # value of the AI hours per unit of AI multiplier
    durable_value: float
    help_given: float
    volume: float
    rework_rate: float
    fluency_gain: float
    fluency: float
    token_need: float
    prod: ProductionConfig

    @property
    def tokens(self) -> float:
        p = self.prod
        return (
            self.ai_hours * (p.tokens_per_ai_hour * self.token_need)
            + self.theater_hours * p.tokens_per_theater_hour
        )

    @property
    def prompts(self) -> float:
        p = self.prod
        return self.ai_hours * p.prompts_per_ai_hour + self.theater_hours * p.prompts_per_theater_hour

    @property
    def acceptance_rate(self) -> float:
        p = self.prod
        any_ai = self.ai_hours + self.theater_hours
        if any_ai <= 0:
            return 0.0
        honest = min(p.acceptance_honest * (0.5 + self.fluency), 1.0)
        return (honest * self.ai_hours + p.acceptance_theater * self.theater_hours) / max(any_ai, EPS)

    @property
    def ai_active_days(self) -> float:
        return 5.0 * -math.expm1(-(self.ai_hours + self.theater_hours) / self.prod.active_day_hours)


def work_week(
    shares: list[float],
    hours: float,
    *,
    skill: float,
    fluency: float,
    token_need: float,
    efficiency: float,
    sloppiness: float,
    team_help: float,
    prod: ProductionConfig,
    ai_optimism: float = 0.0,
    rework_awareness: float = 1.0,
) -> Week:
    """`sim.model.production.work_week` for one person. Optimism about AI raises the value people
    believe their AI hours have, not the volume they ship."""
    excess = max(hours - prod.long_hours_start, 0.0)
    worked = hours - excess * (1.0 - prod.long_hours_yield)
    activity_hours = [share * hours for share in shares]
    factor = worked / max(hours, EPS)
    craft_h = activity_hours[CRAFT] * factor
    ai_h = activity_hours[AI] * factor
    theater_h = activity_hours[THEATER] * factor
    quality_h = activity_hours[QUALITY] * factor
    learning_h = activity_hours[LEARNING] * factor

    output_per_hour = skill * efficiency * (1.0 + team_help) / WEEK
    multiplier = prod.ai_multiplier_novice + (prod.ai_multiplier_expert - prod.ai_multiplier_novice) * fluency
    believed = multiplier + ai_optimism
    ai_capacity = prod.ai_task_hours * token_need
    craft_value = output_per_hour * craft_h
    useful_ai_h = max(ai_h - prod.ai_setup_hours, 0.0)  # setting up and switching yields nothing
    ai_potential = output_per_hour * ai_capacity * -math.expm1(-useful_ai_h / ai_capacity)
    ai_value = believed * ai_potential
    quality_value = output_per_hour * prod.quality_value * quality_h

    ai_volume = output_per_hour * multiplier * useful_ai_h * prod.ai_volume_inflation
    theater_volume = prod.theater_volume * theater_h / WEEK
    volume = craft_value + ai_volume + theater_volume

    needs_review = prod.review_need * (ai_h + theater_h) + prod.review_need_craft * craft_h
    coverage = min(quality_h / max(needs_review, EPS), 1.0)
    reviewed = 1.0 - (1.0 - prod.rework_reviewed) * coverage
    slop = sloppiness * rework_awareness
    rework_craft = min(prod.rework_craft * reviewed * slop, 1.0)
    rework_ai = min(prod.rework_ai * reviewed * slop, 1.0)
    rework_theater = min(prod.rework_theater * slop, 1.0)
    reworked = rework_craft * craft_value + rework_ai * ai_volume + rework_theater * theater_volume

    return Week(
        activity_hours=activity_hours,
        ai_hours=ai_h,
        theater_hours=theater_h,
        value=craft_value + ai_value + quality_value,
        ai_potential=ai_potential,
        durable_value=craft_value * (1.0 - rework_craft) + ai_value * (1.0 - rework_ai) + quality_value,
        help_given=quality_h,
        volume=volume,
        rework_rate=reworked / max(volume, EPS),
        fluency_gain=(prod.learning_rate * learning_h + prod.practice_rate * ai_h) / 10.0 * (1.0 - fluency),
        fluency=fluency,
        token_need=token_need,
        prod=prod,
    )


def observe(
    names: list[str],
    week: Week,
    hours: float,
    *,
    prod: ProductionConfig,
    salary: float,
    durable: float | None = None,
    rework: float | None = None,
) -> list[float]:
    """`sim.model.signals.observe` for one person; lagged durable value and rework when given."""
    out = []
    for name in names:
        if name == "durable_value" and durable is not None:
            out.append(durable)
        elif name == "rework_rate" and rework is not None:
            out.append(rework)
        elif name == "token_cost":
            out.append(week.tokens * prod.token_price)
        elif name == "token_cost_share":
            out.append(week.tokens * prod.token_price * 52.0 / salary)
        elif name == "hours":
            out.append(hours)
        elif name == "salary_cost":
            out.append(salary / 52.0)
        else:
            out.append(getattr(week, name))
    return out


def percentile(field: list[float], composite: float) -> float:
    """`sim.model.metric.Leaderboard.percentile` by binary search: the level of a composite in
    the sorted `field`, where the i-th of n sits at (i + 0.5) / n, interpolated linearly
    between neighbours; 0 below the lowest and 1 above the highest. A composite found in
    the field takes the mid-rank of its ties."""
    n = len(field)
    if n == 0:
        return 0.5
    lo = bisect_left(field, composite)
    if lo == n:
        return 1.0
    if field[lo] == composite:
        return (lo + bisect_right(field, composite, lo)) / (2.0 * n)
    if lo == 0:
        return 0.0
    below, above = field[lo - 1], field[lo]
    return (lo - 0.5 + (composite - below) / (above - below)) / n


class Formula:
    """The composite and level scores of `sim.model.metric.Metric`, at individual level."""

    def __init__(self, regime: RegimeConfig):
        if regime.level != "individual":
            raise NotImplementedError("the per-agent formulation scores individuals only")
        self.regime = regime
        self.measures = bool(regime.weights)
        self.names = [s for s in SIGNAL_NAMES if s in regime.weights or s in regime.per]
        self.weights = [regime.weights.get(s, 0.0) for s in self.names]
        self.per = [regime.per.get(s, 0.0) for s in self.names]
        self.has_per = any(p != 0 for p in self.per)
        self.scale = [1.0] * len(self.names)
        self.reference = 1.0

    def composite(self, signals: list[float]) -> float:
        numerator = denominator = 0.0
        for x, scale, weight, per in zip(signals, self.scale, self.weights, self.per, strict=True):
            x /= scale
            numerator += weight * x
            denominator += per * x
        return numerator / max(denominator, EPS) if self.has_per else numerator

    def anchor(self, person_signals: list[list[float]]) -> None:
        """`Metric.anchor`: normalise to the organisation's level and take its composite as
        the reference of absolute scores and of the metric index."""
        if not person_signals:
            return
        n = len(person_signals)
        if self.regime.normalise and self.names:
            levels = [abs(sum(column) / n) for column in zip(*person_signals, strict=True)]
            self.scale = [level if level > EPS else 1.0 for level in levels]
        self.reference = sum(self.composite(s) for s in person_signals) / n

    def level_score(self, composite: float) -> float:
        if self.regime.scoring == "target":
            return min(max(composite / self.regime.target, 0.0), 1.0)
        ref = self.reference
        return min(max(0.5 + 0.5 * (composite - ref) / max(abs(ref), EPS), 0.0), 1.0)


# -- the employee ------------------------------------------------------------------------
class AgentEmployee(mesa.Agent):
    """A person in a post, with their own traits and state as Python scalars."""

    model: PerAgentOrgModel

    def __init__(self, model: PerAgentOrgModel, slot: int, *, join_team: bool = True):
        super().__init__(model)
        cfg = model.config
        w, r = cfg.workforce, self.random
        self.slot = slot
        self.team = slot // cfg.org.team_size
        self.skill = r.lognormvariate(0.0, w.skill_sd)
        self.integrity = r.betavariate(w.integrity_a, w.integrity_b)
        self.career_concern = r.betavariate(w.career_concern_a, w.career_concern_b)
        self.resilience = r.lognormvariate(0.0, w.resilience_sd)
        self.token_need = r.lognormvariate(0.0, w.token_need_sd)
        self.outside_option = self.skill * r.lognormvariate(0.0, w.outside_option_sd)
        self.fluency = r.betavariate(w.fluency_a, w.fluency_b)

        own = [max(w.initial_split.get(a, 0.0) + r.gauss(0.0, w.habit_noise), 0.0) for a in ACTIVITIES]
        own[THEATER] = r.expovariate(1.0 / w.theater_habit) if w.theater_habit > 0 else 0.0
        if r.random() < w.non_adopter_share:  # their own habits include no AI at all
            own[AI] = 0.0
        total = sum(own)
        own = [s / total for s in own]
        mates = model.teammates(self) if join_team else []
        if mates:  # onboarding: the team's habits, hours, norms and standing
            n = len(mates)
            team_split = [sum(m.shares[k] for m in mates) / n for k in range(K)]
            total = max(sum(team_split), 1e-12)
            c = cfg.behaviour.onboarding_conformity
            self.shares = [c * t / total + (1.0 - c) * o for t, o in zip(team_split, own, strict=True)]
            self.hours = sum(m.hours for m in mates) / n
            self.expectation = sum(m.expectation for m in mates) / n
            self.contribution = sum(m.contribution for m in mates) / n
        else:
            self.shares = own
            self.hours = cfg.wellbeing.sustainable_hours - 2.0
            self.expectation = 0.0
            self.contribution = 0.0
        self.exhaustion = 0.0
        self.burned_out = False
        self.tenure = 0.0
        self.score = 0.5
        self.reward = 0.5
        self.quitting = False
        # Last week as teammates see it: the post was vacant.
        self.last_help = self.last_value = 0.0
        self.last_gaming = False
        lag = max(cfg.production.durability_weeks, 1)
        self.durable_pipeline = deque([0.0] * lag)
        self.rework_pipeline = deque([0.0] * lag)
        window = max(cfg.regime.window, 1)
        self.history = deque([[0.0] * len(model.formula.names)] * window, maxlen=window)
        self.activity_hours_total = [0.0] * K
        self.rewards_total = self.weeks_worked = self.weeks_burned_out = 0.0
        self.value_total = self.durable_total = self.volume_total = self.volume_this_review = 0.0
        self.token_cost_total = self.score_total = self.contribution_total = 0.0
        self.hired_week = model.steps

    # -- taking stock ---------------------------------------------------------------
    def take_stock(self) -> None:
        """Ramp-up, burnout, teammates' help and habits, and the week now expected."""
        m = self.model
        cfg = m.config
        org, wb, b = cfg.org, cfg.wellbeing, cfg.behaviour
        mates = m.teammates(self)
        n = len(mates)
        help_mean = sum(a.last_help for a in mates) / n if n else 0.0
        self.teammates_value = sum(a.last_value for a in mates) / n if n else 0.0
        self.gaming_norm = sum(a.last_gaming for a in mates) / n if n else 0.0
        self.team_help = cfg.production.help_effect * help_mean / 10.0
        ramp = 1.0
        if org.ramp_weeks > 0:
            ramp = org.ramp_start + (1.0 - org.ramp_start) * min(self.tenure / org.ramp_weeks, 1.0)
        self.efficiency = ramp * (1.0 - wb.burnout_productivity if self.burned_out else 1.0)
        self.sloppiness = 1.0 + wb.burnout_sloppiness if self.burned_out else 1.0
        self.expected_volume = self.expectation * ramp
        if b.adaptation:
            self.now = self.work(self.shares, self.hours, b.ai_optimism, b.rework_awareness)
            if m.scored:
                self.composite_now = m.formula.composite(self.signals(self.now, self.hours))

    def work(self, shares: list[float], hours: float, ai_optimism=0.0, rework_awareness=1.0) -> Week:
        return work_week(
            shares,
            hours,
            skill=self.skill,
            fluency=self.fluency,
            token_need=self.token_need,
            efficiency=self.efficiency,
            sloppiness=self.sloppiness,
            team_help=self.team_help,
            prod=self.model.config.production,
            ai_optimism=ai_optimism,
            rework_awareness=rework_awareness,
        )

    def signals(self, week: Week, hours: float, durable=None, rework=None) -> list[float]:
        cfg = self.model.config
        names = self.model.formula.names
        return observe(
            names, week, hours, prod=cfg.production, salary=cfg.org.salary, durable=durable, rework=rework
        )

    def window_mean(self) -> list[float]:
        """The person's signals averaged over the metric's window."""
        window = len(self.history)
        return [sum(column) / window for column in zip(*self.history, strict=True)]

    # -- choosing ---------------------------------------------------------------------
    def utility(self, week: Week, hours: float, composite: float | None = None) -> float:
        """`sim.model.behaviour.utility` for one person (`composite`: the week's, if known)."""
        m = self.model
        b, prod = m.config.behaviour, m.config.production
        contribution = week.durable_value + prod.help_effect * week.help_given / 10.0 * self.teammates_value
        evaluation = 0.0
        if m.scored:
            if composite is None:
                composite = m.formula.composite(self.signals(week, hours))
            evaluation = m.pressure * self.career_concern * b.score_stakes * m.expected_score(composite)
        moral = b.moral_weight * self.integrity * week.activity_hours[THEATER] / WEEK
        moral *= 1.0 - b.norm_strength * self.gaming_norm
        effort = b.effort_weight * (hours / WEEK) ** 2 * (1.0 + b.exhaustion_effort * self.exhaustion)
        shortfall = 1.0 - week.volume / self.expected_volume if self.expected_volume > 0 else 0.0
        return (
            contribution
            + evaluation
            + b.mastery_weight * week.fluency_gain
            - moral
            - effort
            - b.expectation_weight * max(shortfall, 0.0)
        )

    def adapt(self) -> None:
        """`sim.model.behaviour.adapt` for one person: one trial a week, a change of hours (with
        probability `hours_trial_share`) or a transfer of a share of hours from one activity to
        another; kept if it looks better than the current week."""
        b, r = self.model.config.behaviour, self.random
        if r.random() < b.hours_trial_share:
            trial_shares = self.shares
            step = r.gauss(0.0, b.search_hours_step)
            trial_hours = min(max(self.hours + step, b.min_hours), b.max_hours)
        else:
            source = r.randrange(K)
            target = (source + r.randrange(1, K)) % K
            moved = min(abs(r.gauss(0.0, b.search_step)), self.shares[source])
            trial_shares = list(self.shares)
            trial_shares[source] -= moved
            trial_shares[target] += moved
            trial_hours = self.hours
        trial = self.work(trial_shares, trial_hours, b.ai_optimism, b.rework_awareness)
        u_now = self.utility(self.now, self.hours, self.composite_now if self.model.scored else None)
        if self.utility(trial, trial_hours) > u_now:
            self.shares, self.hours = trial_shares, trial_hours

    # -- the week -----------------------------------------------------------------------
    def step(self) -> None:
        """Choose, work, and feed the metric's window and the smoothed contribution."""
        cfg = self.model.config
        if cfg.behaviour.adaptation:
            self.adapt()
        week = self.week = self.work(self.shares, self.hours)

        self.durable = durable = self.durable_pipeline.popleft()
        self.rework = rework = self.rework_pipeline.popleft()
        self.durable_pipeline.append(week.durable_value)
        self.rework_pipeline.append(week.rework_rate)
        self.history.append(self.signals(week, self.hours, durable, rework))

        help_value = cfg.production.help_effect * week.help_given / 10.0 * self.teammates_value
        self.contribution += (durable + help_value - self.contribution) / cfg.behaviour.contribution_memory
        self.contribution_total += durable + help_value

    def settle(self) -> None:
        """After scoring: exhaustion, fluency, running totals and the quit draw."""
        week = self.week
        self.strain_and_recover(week)
        self.fluency = min(self.fluency + week.fluency_gain, 1.0)
        self.last_help, self.last_value = week.help_given, week.value
        self.last_gaming = week.activity_hours[THEATER] > self.model.config.behaviour.gaming_threshold * max(
            self.hours, EPS
        )
        self.accumulate(week, self.durable, self.rework)
        self.quitting = self.random.random() < self.quit_probability()

    def effort_reward_ratio(self) -> float:
        return (self.hours / self.model.config.wellbeing.sustainable_hours) / (0.5 + self.reward)

    def strain_and_recover(self, week: Week) -> None:
        """`sim.model.wellbeing.strain_and_recover` for one person."""
        cfg = self.model.config.wellbeing
        hours = max(self.hours, EPS)
        over = max(self.hours - cfg.sustainable_hours, 0.0) / cfg.sustainable_hours
        under = max(cfg.sustainable_hours - self.hours, 0.0) / cfg.sustainable_hours
        theater_share = week.activity_hours[THEATER] / hours
        ai_share = (week.activity_hours[AI] + week.activity_hours[THEATER]) / hours
        shortfall = 1.0 - week.volume / self.expected_volume if self.expected_volume > 0 else 0.0
        imbalance = max(self.effort_reward_ratio() - 1.0, 0.0)
        strain = (
            cfg.base_strain
            + cfg.life_shock_sd * self.random.gauss(0.0, 1.0)
            + cfg.overwork_strain * over
            + cfg.anxiety_strain * self.model.pressure * self.career_concern * (1.0 - self.score)
            + cfg.dissonance_strain * self.integrity * theater_share
            + cfg.oversight_strain * max(ai_share - cfg.healthy_ai_share, 0.0)
            + cfg.expectation_strain * max(shortfall, 0.0)
            + cfg.imbalance_strain * imbalance
        )
        recovery = (
            cfg.recovery * self.resilience * (1.0 + cfg.rest_recovery * under + cfg.support * self.team_help)
        )
        x = self.exhaustion
        self.exhaustion = max(x + strain - min(recovery, 1.0) * x, 0.0)
        threshold = cfg.recovery_threshold if self.burned_out else cfg.burnout_threshold
        self.burned_out = self.exhaustion > threshold

    def quit_probability(self) -> float:
        """`sim.model.turnover.quit_probability` for one person."""
        cfg = self.model.config.turnover
        hazard = (
            -math.log1p(-cfg.base_attrition)
            / 52.0
            * math.exp(cfg.outside_option_quit * (self.outside_option - (0.5 + self.reward)))
            * (1.0 + cfg.imbalance_quit * max(self.effort_reward_ratio() - 1.0, 0.0))
            * (cfg.burnout_quit_multiplier if self.burned_out else 1.0)
        )
        return -math.expm1(-hazard)

    def accumulate(self, week: Week, durable: float, rework: float) -> None:
        """Running totals for the person's record, and their part of the week's figures."""
        m = self.model
        prod = m.config.production
        tokens = week.tokens
        self.tenure += 1.0
        self.weeks_worked += 1.0
        self.weeks_burned_out += self.burned_out
        for k in range(K):
            self.activity_hours_total[k] += week.activity_hours[k]
        self.value_total += week.value
        self.durable_total += durable
        self.volume_total += week.volume
        self.volume_this_review += week.volume
        self.token_cost_total += tokens * prod.token_price
        self.score_total += self.score

        t = m.tally
        for activity, h in zip(ACTIVITIES, week.activity_hours, strict=True):
            t[activity] += h
        t["gaming"] += self.last_gaming
        t["value"] += week.value
        t["durable"] += durable
        t["volume"] += week.volume
        t["reworked"] += rework * week.volume
        t["tokens"] += tokens
        ai_days = week.ai_active_days
        t["ai_days"] += ai_days
        t["adopters"] += ai_days >= REGULAR_AI_DAYS
        t["accepted"] += week.acceptance_rate * (week.activity_hours[AI] + week.activity_hours[THEATER])
        t["fluency"] += self.fluency
        t["exhaustion"] += self.exhaustion
        t["burned_out"] += self.burned_out
        t["perceived"] += week.value + m.config.behaviour.ai_optimism * week.ai_potential


# -- the organisation --------------------------------------------------------------------
class PerAgentOrgModel(mesa.Model):
    """`org.n_employees` posts in teams under one regime, stepped agent by agent."""

    def __init__(self, config: Config | None = None, *, rng: int | None = None):
        cfg = as_config(config)
        super().__init__(rng=cfg.seed if rng is None else rng)
        self.config = cfg
        self.formula = Formula(cfg.regime)
        n, org, wb = cfg.org.n_employees, cfg.org, cfg.wellbeing
        self.active, self.pressure, self.scored = False, 0.0, False
        self.field: list[float] = []
        self.slots: list[AgentEmployee | None] = [None] * n
        self.vacancies: dict[int, int] = {}  # slot -> week its replacement starts
        self.departed: list[dict] = []
        self.departure_cost = 0.0
        self.quits_recent: list[int] = []
        self.tally = dict.fromkeys(TALLIES, 0.0)

        for slot in range(n):  # an established organisation, hired all at once
            self.slots[slot] = AgentEmployee(self, slot, join_team=False)
        people = list(self.agents)
        for a in people:
            a.tenure = self.random.uniform(org.ramp_weeks, 5 * 52)
            a.exhaustion = wb.base_strain / (wb.recovery * a.resilience)
            a.efficiency, a.sloppiness, a.team_help = 1.0, 1.0, 0.0
        for a in people:  # a week without teammates' help, so that their help is known
            guess = a.work(a.shares, a.hours)
            a.last_help, a.last_value = guess.help_given, guess.value
            a.last_gaming = guess.activity_hours[THEATER] > cfg.behaviour.gaming_threshold * max(a.hours, EPS)
        self.agents.do("take_stock")
        weeks = [a.work(a.shares, a.hours) for a in people]
        steady = []
        for a, week in zip(people, weeks, strict=True):
            a.last_help, a.last_value = week.help_given, week.value
            a.last_gaming = week.activity_hours[THEATER] > cfg.behaviour.gaming_threshold * max(a.hours, EPS)
            a.durable_pipeline = deque([week.durable_value] * len(a.durable_pipeline))
            a.rework_pipeline = deque([week.rework_rate] * len(a.rework_pipeline))
            a.expectation = week.volume
            steady.append(a.signals(week, a.hours))
        for a, s in zip(people, steady, strict=True):
            a.history = deque([s] * a.history.maxlen, maxlen=a.history.maxlen)
        self.formula.anchor(steady)
        optimism = cfg.behaviour.ai_optimism
        self.reference = {
            "durable": sum(w.durable_value for w in weeks) / n,
            "volume": sum(w.volume for w in weeks) / n,
            "perceived": sum(w.value + optimism * w.ai_potential for w in weeks) / n,
        }
        self.week_stats: dict[str, float] = {}
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda m, name=name: m.week_stats[name]) for name in STATS}
        )

    def teammates(self, agent: AgentEmployee) -> list[AgentEmployee]:
        size = self.config.org.team_size
        team = self.slots[agent.team * size : (agent.team + 1) * size]
        return [a for a in team if a is not None and a is not agent]

    def expected_score(self, composite: float) -> float:
        """The score a person expects for a week with this composite, against the
        leaderboard as it stood at the start of the week."""
        if self.config.regime.scoring != "rank":
            return self.formula.level_score(composite)
        return percentile(self.field, composite)

    # -- the week -----------------------------------------------------------------------
    def step(self) -> None:
        week = self.steps - 1  # Mesa counts the step under way
        cfg, f = self.config, self.formula
        self.active = f.measures and week >= cfg.regime.start_week
        self.pressure = cfg.regime.pressure if self.active else 0.0
        self.scored = self.pressure > 0 and f.measures
        self.tally = dict.fromkeys(TALLIES, 0.0)
        if self.active and week == cfg.regime.start_week and week > 0:
            f.anchor([a.window_mean() for a in self.agents])

        self.agents.do("take_stock")  # everyone sees last week's organisation
        if self.scored and cfg.behaviour.adaptation and cfg.regime.scoring == "rank":
            self.field = sorted(a.composite_now for a in self.agents)
        self.agents.shuffle_do("step")

        people = list(self.agents)
        composites = self.score(people)
        self.reward(people)
        self.agents.do("settle")
        fired: list[AgentEmployee] = []
        if (week + 1) % cfg.org.review_period == 0:
            fired = self.review(people)
        fired_ids = {a.unique_id for a in fired}
        leaving = [a for a in people if a.quitting and a.unique_id not in fired_ids]
        self.record_stats(week, people, composites, leaving, fired)
        self.depart(leaving, week, "quit")
        self.depart(fired, week, "fired")
        due = [slot for slot, start in self.vacancies.items() if start <= week + 1]
        hires = [AgentEmployee(self, slot) for slot in due]  # each sees only the staff already there
        for a in hires:
            del self.vacancies[a.slot]
            self.slots[a.slot] = a
        self.week_stats["hires"] = len(hires)
        self.datacollector.collect(self)

    def score(self, people: list[AgentEmployee]) -> list[float]:
        """Everyone's composite over the window; once the policy is active, their score
        from it with attribution noise."""
        f, regime = self.formula, self.config.regime
        composites = [f.composite(a.window_mean()) for a in people]
        if not self.active:
            for a in people:
                a.score = 0.5
            return composites
        noisy = composites
        if regime.noise > 0:
            sd = regime.noise * abs(f.reference)
            noisy = [c + sd * self.random.gauss(0.0, 1.0) for c in composites]
        n = len(people)
        if regime.scoring == "rank":
            for rank, i in enumerate(sorted(range(n), key=noisy.__getitem__)):
                people[i].score = (rank + 0.5) / n
        else:
            for a, x in zip(people, noisy, strict=True):
                a.score = f.level_score(x)
        return composites

    def reward(self, people: list[AgentEmployee]) -> None:
        """Expected evaluation: informal judgement of contribution, and the score."""
        spread, p = self.config.behaviour.informal_spread, self.pressure
        n = len(people)
        for rank, a in enumerate(sorted(people, key=lambda a: a.contribution)):
            informal = 0.5 + spread * ((rank + 0.5) / n - 0.5)
            a.reward = (1.0 - p) * informal + p * a.score

    def review(self, people: list[AgentEmployee]) -> list[AgentEmployee]:
        """Rewards paid, imitation of a better-rewarded teammate, expectations ratchet,
        forced ranking. Returns those let go."""
        cfg = self.config
        b, wb, org = cfg.behaviour, cfg.wellbeing, cfg.org
        for a in people:
            a.rewards_total += a.reward
        if b.adaptation and b.imitation > 0:
            copies = []
            for a in people:
                start = a.team * org.team_size
                size = min(org.team_size, org.n_employees - start)
                offset = self.random.randrange(1, max(size, 2))
                peer = self.slots[start + (a.slot - start + offset) % max(size, 1)]
                if peer is not None and peer is not a and peer.reward > a.reward:
                    copies.append(
                        (a, [s + b.imitation * (t - s) for s, t in zip(a.shares, peer.shares, strict=True)])
                    )
            for a, shares in copies:  # everyone copies what the others did before the review
                a.shares = shares
        for a in people:
            delivered = a.volume_this_review / max(org.review_period, 1)
            above = max(delivered - a.expectation, 0.0)
            a.expectation += wb.ratchet * above + wb.ratchet_stretch * a.expectation
            a.volume_this_review = 0.0
        share = cfg.regime.forced_ranking
        if not (self.active and share > 0):
            return []
        n_fired = math.floor(share * len(people))
        ranked = sorted(people, key=lambda a: (a.score, self.random.random()))
        return ranked[:n_fired]

    def depart(self, leavers: list[AgentEmployee], week: int, reason: str) -> None:
        """Record the leavers, with the percentile of their lifetime contribution among
        everyone employed (mid-rank for ties), and open their posts."""
        if not leavers:
            return
        org = self.config.org
        field = sorted(a.contribution_total / max(a.weeks_worked, 1.0) for a in self.agents)
        n = max(len(field), 1)
        for a in leavers:
            worked = max(a.weeks_worked, 1.0)
            lifetime = a.contribution_total / worked
            rank = (bisect_left(field, lifetime) + bisect_right(field, lifetime)) / (2.0 * n)
            self.departed.append(
                {
                    "employee_id": a.unique_id,
                    "team": a.team,
                    "hired_week": a.hired_week,
                    "left_week": week,
                    "exit": reason,
                    "tenure_weeks": a.weeks_worked,
                    "fluency": a.fluency,
                    "exhaustion": a.exhaustion,
                    "value_per_week": a.value_total / worked,
                    "durable_value_per_week": a.durable_total / worked,
                    "token_cost_per_week": a.token_cost_total / worked,
                    "score_mean": a.score_total / worked,
                    "contribution_per_week": lifetime,
                    "contribution_percentile": rank,
                    "top_contributor": rank >= 0.75,
                }
            )
        for a in leavers:
            self.slots[a.slot] = None
            self.vacancies[a.slot] = week + 1 + org.vacancy_weeks
            a.remove()
        self.departure_cost += len(leavers) * org.replacement_cost * org.salary

    def record_stats(self, week, people, composites, leaving, fired) -> None:
        cfg, t, ref, f = self.config, self.tally, self.reference, self.formula
        heads = len(people)
        per_head = max(heads, 1)
        total_hours = max(sum(t[a] for a in ACTIVITIES), EPS)
        token_cost = t["tokens"] * cfg.production.token_price
        salary_cost = heads * cfg.org.salary / 52.0
        cost = salary_cost + token_cost
        stats = {
            "week": week,
            "policy_active": self.active,
            "pressure": self.pressure,
            "headcount": heads,
            "vacancies": cfg.org.n_employees - heads,
            "hours_mean": sum(a.hours for a in people) / per_head,
            **{f"share_{a}": t[a] / total_hours for a in ACTIVITIES},
            "gaming_share": t["gaming"] / per_head,
            "value": t["value"],
            "durable_value": t["durable"],
            "durable_value_per_head": t["durable"] / per_head,
            "volume": t["volume"],
            "rework_rate": t["reworked"] / max(t["volume"], EPS),
            "tokens": t["tokens"],
            "token_cost": token_cost,
            "token_cost_per_head": token_cost / per_head,
            "ai_active_days": t["ai_days"] / per_head,
            "adoption": t["adopters"] / per_head,
            "acceptance_rate": t["accepted"] / (t["ai"] + t["theater"])
            if t["ai"] + t["theater"] > 0
            else 0.0,
            "fluency": t["fluency"] / per_head,
            "exhaustion": t["exhaustion"] / per_head,
            "burnout_share": t["burned_out"] / per_head,
            "quality_hours": t["quality"] / per_head,
            "metric_index": sum(composites) / heads / f.reference
            if self.active and heads and abs(f.reference) >= EPS
            else float("nan"),
            "score_mean": sum(a.score for a in people) / per_head,
            "score_value_correlation": _rank_correlation(people, composites) if f.measures else float("nan"),
            "durable_value_index": t["durable"] / per_head / ref["durable"],
            "volume_index": t["volume"] / per_head / ref["volume"],
            "perceived_productivity_index": t["perceived"] / per_head / ref["perceived"],
            "expectation_index": sum(a.expectation for a in people) / per_head / ref["volume"],
            "salary_cost": salary_cost,
            "departure_cost": self.departure_cost,
            "cost": cost,
            "cost_per_durable_value": cost / t["durable"] if t["durable"] > 0 else float("nan"),
            "quits": len(leaving),
            "fired": len(fired),
        }
        self.quits_recent.append(len(leaving))
        recent = self.quits_recent[-13:]
        stats["attrition_annualised"] = sum(recent) / per_head * 52.0 / len(recent)
        self.week_stats = stats


def _rank_correlation(people: list[AgentEmployee], composites: list[float]) -> float:
    """Spearman correlation of composite and smoothed contribution (ties broken by
    position); as in `sim.model`, over an even sample of at most CORRELATION_SAMPLE
    people in post order in very large organisations."""
    n = len(people)
    if n < 3:
        return float("nan")
    if (every := -(-n // CORRELATION_SAMPLE)) > 1:
        sample = sorted(range(n), key=lambda i: people[i].slot)[::every]
        a = [composites[i] for i in sample]
        b = [people[i].contribution for i in sample]
    else:
        a, b = composites, [p.contribution for p in people]
    n = len(a)
    ra, rb = [0.0] * n, [0.0] * n
    for rank, i in enumerate(sorted(range(n), key=a.__getitem__)):
        ra[i] = rank
    for rank, i in enumerate(sorted(range(n), key=b.__getitem__)):
        rb[i] = rank
    mean = (n - 1) / 2.0
    cov = sum((x - mean) * (y - mean) for x, y in zip(ra, rb, strict=True))
    var = sum((x - mean) ** 2 for x in ra)
    return cov / var if var > 0 else float("nan")
