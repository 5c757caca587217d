"""The same week as `sim.model.OrgModel`, written as a conventional per-agent Mesa model.

This exists only for `experiments/benchmark.py`. DESIGN says the weekly dynamics run as
vectorised NumPy over the whole workforce because per-agent Python loops are orders of
magnitude slower; the benchmark measures that claim against this module. It starts from
the steady week, as `OrgModel` does with `org.burn_in_weeks=0` (the benchmark counts the
burn-in's weeks as agent-weeks of the vectorised model). Here every
employee is a `mesa.Agent` holding its own scalar state, and the model steps them one by
one in stages. Everyone first takes stock of last week's organisation (the review
teammates' output now asks of them, done on top of their own hours, included) and of the
week they now expect. Then (`shuffle_do("step")`) each weighs one trial change of their split of
hours, over real work and every gaming action of `Config.gaming`, or of their hours,
against the leaderboard and their manager's impressions as they stood at the start of the
week, and works. The organisation hands claimed credit back to whom it was taken from;
each person feeds the metric's window and their contribution; the organisation scores;
each manager updates a noisy impression (halo, weekly noise, the hours and, under a
telemetry regime, the AI usage they see); rewards mix it with the score. Then
(`do("settle")`) trust, exhaustion, fluency, running totals and the quit draw follow.
Reviews (imitation, ratchet, goal resets, forced ranking), departures and refills come
last. Baker's alignment of the score is computed per person once, when the policy starts.

The equations are those of `sim/model/` at individual level in scalar form, every parameter
read from the config, with every draw from the model's `random`. Rank scores a person
expects are read from the sorted list of everyone's current composites (or impressions) by
binary search, interpolating linearly between neighbours (`sim.model.metric` tabulates the
same empirical distribution on a grid). Results are statistically alike, not bit for bit
the same: draws come in another order and from another generator, and a trial draws only
the numbers it uses. Nothing in the simulator imports this module.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import deque
from typing import NamedTuple

import mesa

from sim.core.config import Config, ProductionConfig, RegimeConfig
from sim.core.outputs import WEEKLY_COLUMNS
from sim.core.presets import as_config
from sim.model.gaming import TOTALS, Repertoire
from sim.model.organisation import CORRELATION_SAMPLE, LONG_WEEK, REGULAR_AI_DAYS
from sim.model.production import AI, GAMING, LEARNING, QUALITY, WEEK, WORK, activities, needs_ai_tools
from sim.model.signals import SIGNAL_NAMES

EPS = 1e-9
# Rows of a week's gaming totals (`sim.model.gaming.TOTALS`).
MORAL, TOKENS, PROMPTS, TOOL_HOURS, ACCEPTED, VOLUME, REWORKED, VALUE, DURABLE = (
    TOTALS.index(name)
    for name in (
        "moral_cost",
        "tokens",
        "prompts",
        "tool_hours",
        "accepted",
        "volume",
        "reworked",
        "value",
        "durable",
    )
)
TAKEN_VOLUME, TAKEN_VALUE, TAKEN_DURABLE, HIDES_REWORK, HELP = (
    TOTALS.index(name) for name in ("taken_volume", "taken_value", "taken_durable", "hides_rework", "help")
)
NO_LOSS = (0.0, 0.0, 0.0)  # volume, value and durable value taken by teammates


# -- a week of work, for one person ----------------------------------------------------
class Week(NamedTuple):
    """`sim.model.production.WeekOfWork` for one person. As there, the traces that only metrics
    read (tokens, prompts, acceptance, AI-active days) are computed when read."""

    activity_hours: list[float]  # hours really spent, by activity
    productive: list[float]  # the same, discounted for long hours
    value: float
    ai_potential: float  # value of the AI hours per unit of AI multiplier
    suited_ai_hours: float  # AI hours on tasks suited to AI (saturating)
    durable_value: float
    help_given: float
    review_need: float  # hours of review one's output needs, teammates' share included
    review_given: float  # hours spent reviewing teammates' output, as they asked
    volume: float
    rework_rate: float
    seen_value: float
    seen_durable: float
    seen_rework_rate: float
    claimed: tuple[float, float, float]  # volume, value, durable value taken from teammates
    gaming: list[float]  # the repertoire's totals, in the order of TOTALS
    fluency_gain: float
    fluency: float
    token_need: float
    prod: ProductionConfig

    def recorded(self, name: str, lost: tuple[float, float, float] = NO_LOSS) -> float:
        """Volume, value or durable value as one's records show them: own, claimed, lost."""
        if name == "volume":
            return self.volume + self.claimed[0] - lost[0]
        if name == "value":
            return self.seen_value + self.claimed[1] - lost[1]
        return self.seen_durable + self.claimed[2] - lost[2]

    @property
    def kept_volume(self) -> float:
        """Shipped volume less the rework seen within the window: what a manager counts."""
        return self.volume * (1.0 - self.seen_rework_rate)

    @property
    def tool_hours(self) -> float:
        return self.productive[AI] + self.gaming[TOOL_HOURS]

    @property
    def tokens(self) -> float:
        return self.productive[AI] * (self.prod.tokens_per_ai_hour * self.token_need) + self.gaming[TOKENS]

    @property
    def prompts(self) -> float:
        return self.productive[AI] * self.prod.prompts_per_ai_hour + self.gaming[PROMPTS]

    @property
    def accepted(self) -> float:
        """Suggestions accepted: acceptance rate x tool hours."""
        honest = min(self.prod.acceptance_honest * (0.5 + self.fluency), 1.0)
        return honest * self.productive[AI] + self.gaming[ACCEPTED]

    @property
    def acceptance_rate(self) -> float:
        tool = self.tool_hours
        return self.accepted / max(tool, EPS) if tool > 0 else 0.0

    @property
    def ai_active_days(self) -> float:
        return 5.0 * -math.expm1(-self.tool_hours / self.prod.active_day_hours)


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
    actions: list[list[tuple[int, float]]],
    review_demand: float = 0.0,
    ai_optimism: float = 0.0,
    rework_awareness: float = 1.0,
) -> Week:
    """`sim.model.production.work_week` for one person; `actions` holds each gaming action's
    effects per hour, as (row of TOTALS, effect). Optimism about AI raises the value people
    believe their AI hours have, not the volume they ship. `hours` are shared out by the
    split; the review teammates ask for (`review_demand`) comes on top, and long hours
    discount both."""
    total = hours + review_demand
    excess = max(total - prod.long_hours_start, 0.0)
    worked = total - excess * (1.0 - prod.long_hours_yield)
    activity_hours = [share * hours for share in shares]
    factor = worked / max(total, EPS)
    productive = [h * factor for h in activity_hours]
    craft_h, ai_h, quality_h, learning_h = productive[:GAMING]
    gaming = [0.0] * len(TOTALS)
    for h, effects in zip(productive[GAMING:], actions, strict=True):
        if h:
            for t, effect in effects:
                gaming[t] += h * effect

    output_per_hour = skill * efficiency * max(1.0 + team_help, 0.0) / WEEK
    ai_output_per_hour = output_per_hour * (
        math.exp(-prod.ai_skill_levelling * math.log(skill)) if prod.ai_skill_levelling else 1.0
    )
    multiplier = prod.ai_multiplier_novice + (prod.ai_multiplier_expert - prod.ai_multiplier_novice) * fluency
    believed = multiplier + ai_optimism
    work_hours = sum(activity_hours[:GAMING])  # more real work, more tasks; gaming takes none on
    ai_capacity = prod.ai_task_hours * token_need * max(work_hours / WEEK, 1e-9)
    craft_value = output_per_hour * craft_h
    useful_ai_h = max(ai_h - prod.ai_setup_hours, 0.0)  # setting up and switching yields nothing
    suited_ai_h = ai_capacity * -math.expm1(-useful_ai_h / ai_capacity)  # the AI-suited tasks saturate
    ai_potential = ai_output_per_hour * suited_ai_h
    ai_value = believed * ai_potential
    quality_value = output_per_hour * prod.quality_value * quality_h

    ai_volume = ai_output_per_hour * multiplier * suited_ai_h * prod.ai_volume_inflation
    padding = gaming[VOLUME] / WEEK
    volume = craft_value + ai_volume + padding

    needs_review = prod.review_need * ai_h + prod.review_need_craft * craft_h
    # Teammates review their share of one's output; one's own quality hours cover the rest.
    coverage = min(quality_h / max(needs_review, EPS) + prod.peer_review_share, 1.0)
    reviewed = 1.0 - (1.0 - prod.rework_reviewed) * coverage
    slop = sloppiness * rework_awareness
    rework_craft = min(prod.rework_craft * reviewed * slop, 1.0)
    rework_ai = min(prod.rework_ai * reviewed * slop, 1.0)
    lost_to_rework = rework_craft * craft_value + rework_ai * ai_value
    reworked = rework_craft * craft_value + rework_ai * ai_volume
    reworked_padding = min(gaming[REWORKED] * slop / WEEK, padding)
    # Deferred defects hide rework from the window; fixed later, they cost more.
    hidden = min(gaming[HIDES_REWORK] * skill / WEEK, lost_to_rework)
    hidden_share = hidden / max(lost_to_rework, 1e-12)

    value = craft_value + ai_value + quality_value
    safe_volume = max(volume, EPS)
    return Week(
        activity_hours=activity_hours,
        productive=productive,
        value=value,
        ai_potential=ai_potential,
        suited_ai_hours=suited_ai_h,
        durable_value=value - lost_to_rework - prod.late_defect_cost * hidden,
        help_given=quality_h + gaming[HELP],
        review_need=needs_review,
        review_given=review_demand,
        volume=volume,
        rework_rate=(reworked + reworked_padding) / safe_volume,
        seen_value=value + gaming[VALUE] / WEEK,
        seen_durable=value - lost_to_rework + hidden + gaming[DURABLE] / WEEK,
        seen_rework_rate=(reworked * (1.0 - hidden_share) + reworked_padding) / safe_volume,
        claimed=(gaming[TAKEN_VOLUME] / WEEK, gaming[TAKEN_VALUE] / WEEK, gaming[TAKEN_DURABLE] / WEEK),
        gaming=gaming,
        fluency_gain=(prod.learning_rate * learning_h + prod.practice_rate * suited_ai_h)
        / 10.0
        * (1.0 - fluency)
        - prod.fluency_obsolescence * fluency,
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
    lost: tuple[float, float, float] = NO_LOSS,
) -> list[float]:
    """`sim.model.signals.observe` for one person: lagged durable value and rework when given,
    credit lost to teammates when known."""
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
        elif name in ("volume", "value", "durable_value"):
            out.append(week.recorded(name, lost))
        elif name == "rework_rate":
            out.append(week.seen_rework_rate)
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
        self.reference = self.start_reference = 1.0
        self.target = regime.target

    def composite(self, signals: list[float]) -> float:
        numerator = denominator = 0.0
        for x, scale, weight, per in zip(signals, self.scale, self.weights, self.per, strict=True):
            x /= scale
            numerator += weight * x
            denominator += per * x
        return numerator / max(denominator, EPS) if self.has_per else numerator

    def anchor(self, person_signals: list[list[float]]) -> None:
        """`Metric.anchor`: normalise to the organisation's level and take its composite as
        the reference of absolute scores, of targets and of the metric index."""
        if not person_signals:
            return
        n = len(person_signals)
        if self.regime.normalise and self.names:
            levels = [abs(sum(column) / n) for column in zip(*person_signals, strict=True)]
            self.scale = [level if level > EPS else 1.0 for level in levels]
        self.reference = self.start_reference = sum(self.composite(s) for s in person_signals) / n
        self.target = self.regime.target

    def reset(self, person_signals: list[list[float]]) -> None:
        """`Metric.reset`: this review's goals from the level of the last window."""
        if person_signals:
            level = sum(self.composite(s) for s in person_signals) / len(person_signals)
        else:
            level = self.reference
        if abs(self.start_reference) > EPS:
            self.target = self.regime.target * level / self.start_reference
        self.reference = level

    def level_score(self, composite: float) -> float:
        if self.regime.scoring == "target":
            return min(max(composite / max(self.target, EPS), 0.0), 1.0)
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
        k = len(model.activities)
        self.slot = slot
        self.team = slot // cfg.org.team_size
        self.skill = r.lognormvariate(0.0, w.skill_sd)
        self.integrity = r.betavariate(w.integrity_a, w.integrity_b)
        self.career_concern = r.betavariate(w.career_concern_a, w.career_concern_b)
        self.resilience = r.lognormvariate(0.0, w.resilience_sd)
        need = r.lognormvariate(0.0, w.token_need_sd)
        self.token_need = model.role_need.setdefault(slot, need)  # a replacement takes the post as it was
        self.outside_option = self.skill * r.lognormvariate(0.0, w.outside_option_sd)
        self.fluency = r.betavariate(w.fluency_a, w.fluency_b)
        self.halo = r.gauss(0.0, 1.0)  # the manager's lasting misreading of this person

        own = [max(w.initial_split.get(a, 0.0) + r.gauss(0.0, w.habit_noise), 0.0) for a in WORK]
        for _ in range(GAMING, k):  # a little of each gaming action, out of habit
            own.append(r.expovariate(1.0 / w.theater_habit) if w.theater_habit > 0 else 0.0)
        if r.random() < w.non_adopter_share:  # their own habits include no AI at all
            own[AI] = 0.0
        if not cfg.production.ai_available:  # no AI tools: nothing that needs them
            own = [0.0 if needs else s for s, needs in zip(own, model.needs_ai, strict=True)]
        total = sum(own)
        own = [s / total for s in own]
        mates = model.teammates(self) if join_team else []
        if mates:  # onboarding: the best-rewarded teammate's habits, the team's hours, norms and standing
            n = len(mates)
            mentor = max(reversed(mates), key=lambda m: m.reward)  # ties: the last slot
            c = cfg.behaviour.onboarding_conformity
            self.shares = [c * t + (1.0 - c) * o for t, o in zip(mentor.shares, own, strict=True)]
            self.hours = sum(m.hours for m in mates) / n
            self.expectation = sum(m.expectation for m in mates) / n
            self.contribution = sum(m.contribution for m in mates) / n
            self.impression = sum(m.impression for m in mates) / n
            self.alignment = sum(0.0 if math.isnan(m.alignment) else m.alignment for m in mates) / n
            self.influence = sum(0.0 if math.isnan(m.influence) else m.influence for m in mates) / n
        else:
            self.shares = own
            self.hours = cfg.wellbeing.sustainable_hours - 2.0
            self.expectation = 0.0
            self.contribution = 0.0
            self.impression = 0.0
            self.alignment = math.nan
            self.influence = math.nan
        self.worked_hours = self.hours  # no review asked of them yet
        self.trust = 1.0
        self.exhaustion = 0.0
        self.burned_out = False
        self.tenure = 0.0
        self.score = 0.5
        self.informal = 0.5
        self.reward = 0.5
        self.quitting = False
        # Last week as teammates see it: the post was vacant.
        self.last_help = self.last_value = self.last_need = 0.0
        self.last_gaming = False
        self.lost = NO_LOSS
        lag = max(cfg.production.durability_weeks, 1)
        # Durable value, what the records will credit, and the rework they will show.
        self.pipeline = deque([(0.0, 0.0, 0.0)] * lag)
        window = max(cfg.regime.window, 1)
        self.history = deque([[0.0] * len(model.formula.names)] * window, maxlen=window)
        self.activity_hours_total = [0.0] * k
        self.rewards_total = self.weeks_worked = self.weeks_burned_out = 0.0
        self.value_total = self.durable_total = self.volume_total = self.delivered_this_review = 0.0
        self.token_cost_total = self.score_total = self.contribution_total = 0.0
        self.hired_week = model.steps

    def settled_fluency(self) -> float:
        """`sim.model.organisation.settled_fluency` for one founder: fluency at hire carried
        forward over their tenure, learning at the pace of their split and losing what tools
        make obsolete."""
        prod = self.model.config.production
        learning_h, ai_h = self.shares[LEARNING] * self.hours, self.shares[AI] * self.hours
        work_hours = sum(self.shares[:GAMING]) * self.hours
        capacity = prod.ai_task_hours * self.token_need * max(work_hours / WEEK, 1e-9)
        suited = capacity * -math.expm1(-max(ai_h - prod.ai_setup_hours, 0.0) / capacity)
        gain = (prod.learning_rate * learning_h + prod.practice_rate * suited) / 10.0
        rate = gain + prod.fluency_obsolescence
        settled = gain / max(rate, 1e-12) if rate > 0 else self.fluency
        return settled + (self.fluency - settled) * math.exp(-rate * self.tenure)

    # -- taking stock ---------------------------------------------------------------
    def take_stock(self) -> None:
        """`OrgModel._situation` for one person: ramp-up, burnout, trust, teammates' help,
        value, gaming and the review their output needed last week, and the volume now expected."""
        m = self.model
        cfg = m.config
        org, wb = cfg.org, cfg.wellbeing
        mates = m.teammates(self)
        n = len(mates)
        help_mean = sum(a.last_help for a in mates) / n if n else 0.0
        self.teammates_value = sum(a.last_value for a in mates) / n if n else 0.0
        self.gaming_norm = sum(a.last_gaming for a in mates) / n if n else 0.0
        need = sum(a.last_need for a in mates) / n if n else 0.0
        self.review_demand = cfg.production.peer_review_share * need
        self.team_help = cfg.production.help_effect * help_mean / 10.0
        ramp = 1.0
        if org.ramp_weeks > 0:
            ramp = org.ramp_start + (1.0 - org.ramp_start) * min(self.tenure / org.ramp_weeks, 1.0)
        self.efficiency = ramp * (1.0 - wb.burnout_productivity if self.burned_out else 1.0)
        self.sloppiness = 1.0 + wb.burnout_sloppiness if self.burned_out else 1.0
        self.expected_volume = self.expectation * ramp
        self.motivation = 1.0 - cfg.trust.motivation_loss * (1.0 - self.trust)

    def consider(self) -> None:
        """The week now expected, seen through one's own biases: the start of the search."""
        m = self.model
        b = m.config.behaviour
        self.now = self.work(self.shares, self.hours, b.ai_optimism, b.rework_awareness)
        self.contribution_now = self.contribution_of(self.now)
        self.visible_now = self.visible(self.now, self.hours)
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
            actions=self.model.actions,
            review_demand=self.review_demand,
            ai_optimism=ai_optimism,
            rework_awareness=rework_awareness,
        )

    def signals(self, week: Week, hours: float, durable=None, rework=None, lost=NO_LOSS) -> list[float]:
        cfg = self.model.config
        return observe(
            self.model.formula.names,
            week,
            hours,
            prod=cfg.production,
            salary=cfg.org.salary,
            durable=durable,
            rework=rework,
            lost=lost,
        )

    def window_mean(self) -> list[float]:
        """The person's signals averaged over the metric's window."""
        window = len(self.history)
        return [sum(column) / window for column in zip(*self.history, strict=True)]

    def contribution_of(self, week: Week) -> float:
        """`sim.model.behaviour.contribution`: lasting value plus what help adds to teammates'."""
        help_value = self.model.config.production.help_effect * week.help_given / 10.0 * self.teammates_value
        return week.durable_value + help_value

    def visible(self, week: Week, hours: float) -> float:
        """`Judgement.visible`: what the manager sees besides contribution (hours, telemetry)."""
        m = self.model
        b = m.config.behaviour
        seen = b.hours_visibility * ((hours + week.review_given) / WEEK - 1.0)
        if m.telemetry_shown and b.telemetry_visibility:
            tokens = week.tokens
            telemetry = 0.5 * week.ai_active_days / 5.0 + 0.5 * tokens / (tokens + max(m.typical_tokens, EPS))
            seen += b.telemetry_visibility * telemetry
        return m.typical * seen

    # -- choosing ---------------------------------------------------------------------
    def evaluation(self, week: Week, hours: float, composite: float | None) -> float:
        """The evaluation a person expects if the week lasted: the informal judgement their
        impression would earn, and the metric's score."""
        m = self.model
        p = m.pressure
        total = 0.0
        if p < 1:
            moved = (
                self.impression
                + (self.contribution_of(week) - self.contribution_now)
                + (self.visible(week, hours) - self.visible_now)
            )
            informal = 0.5 + m.config.behaviour.informal_spread * (percentile(m.impressions, moved) - 0.5)
            total = (1.0 - p) * informal
        if m.scored:
            if composite is None:
                composite = m.formula.composite(self.signals(week, hours))
            total += p * m.expected_score(composite)
        return total

    def utility(self, week: Week, hours: float, composite: float | None = None) -> float:
        """`sim.model.behaviour.utility` for one person (`composite`: the week's, if known)."""
        b = self.model.config.behaviour
        moral = b.moral_weight * self.integrity * week.gaming[MORAL] / WEEK
        moral *= 1.0 - b.norm_strength * self.gaming_norm
        felt = hours + week.review_given - b.ai_effort_relief * week.suited_ai_hours
        effort = b.effort_weight * (felt / WEEK) ** 2 * (1.0 + b.exhaustion_effort * self.exhaustion)
        shortfall = 1.0 - week.kept_volume / self.expected_volume if self.expected_volume > 0 else 0.0
        return (
            self.motivation * (1.0 - self.career_concern) * self.contribution_of(week)
            + self.career_concern * b.score_stakes * self.evaluation(week, hours, composite)
            + b.mastery_weight * week.fluency_gain
            - moral
            - effort
            - b.expectation_weight * max(shortfall, 0.0)
        )

    def adapt(self) -> None:
        """`sim.model.behaviour.adapt` for one person: one trial a week, a change of hours (with
        probability `hours_trial_share`) or a transfer of a share of hours from one activity to
        another, any gaming action included; kept if it looks better than the current week."""
        b, r = self.model.config.behaviour, self.random
        k = len(self.shares)
        if r.random() < b.hours_trial_share:
            trial_shares = self.shares
            step = r.gauss(0.0, b.search_hours_step)
            trial_hours = min(max(self.hours + step, b.min_hours), b.max_hours)
        else:
            source = r.randrange(k)
            target = (source + r.randrange(1, k)) % k
            moved = min(abs(r.gauss(0.0, b.search_step)), self.shares[source])
            if not self.model.config.production.ai_available and self.model.needs_ai[target]:
                moved = 0.0
            trial_shares = list(self.shares)
            trial_shares[source] -= moved
            trial_shares[target] += moved
            trial_hours = self.hours
        trial = self.work(trial_shares, trial_hours, b.ai_optimism, b.rework_awareness)
        u_now = self.utility(self.now, self.hours, self.composite_now if self.model.scored else None)
        if self.utility(trial, trial_hours) > u_now:
            self.shares, self.hours = trial_shares, trial_hours

    def align(self, hour: float = 1.0) -> None:
        """`sim.model.behaviour.metric_alignment` for one person, at the policy start: the
        signed squared cosine between the gradients of their composite and of their real
        contribution over an hour more of each activity, and the share of the score's
        squared gradient that lies along real work."""
        f = self.model.formula
        base = self.work(self.shares, self.hours)
        composite_now = f.composite(self.signals(base, self.hours))
        value_now = self.contribution_of(base)
        trial_hours = self.hours + hour
        g_s, g_v = [], []
        for k in range(len(self.shares)):
            more = [s * self.hours for s in self.shares]
            more[k] += hour
            week = self.work([h / max(trial_hours, EPS) for h in more], trial_hours)
            g_s.append(f.composite(self.signals(week, trial_hours)) - composite_now)
            g_v.append(self.contribution_of(week) - value_now)
        score_norm = sum(g * g for g in g_s)
        norms = math.sqrt(score_norm * sum(g * g for g in g_v))
        cosine = sum(a * b for a, b in zip(g_s, g_v, strict=True)) / norms if norms > 0 else math.nan
        self.alignment = cosine * abs(cosine)
        self.influence = sum(g * g for g in g_s[:GAMING]) / score_norm if score_norm > 0 else math.nan

    # -- the week -----------------------------------------------------------------------
    def step(self) -> None:
        """Choose and work."""
        if self.model.config.behaviour.adaptation:
            self.adapt()
        self.week = self.work(self.shares, self.hours)
        self.worked_hours = self.hours + self.week.review_given
        self.lost = NO_LOSS

    def record(self) -> None:
        """Feed the metric's window and the smoothed contribution, once credit has moved."""
        cfg = self.model.config
        week = self.week
        self.durable, seen_durable, self.rework = self.pipeline.popleft()
        self.pipeline.append(
            (week.durable_value, week.recorded("durable_value", self.lost), week.seen_rework_rate)
        )
        self.history.append(self.signals(week, self.hours, seen_durable, self.rework, self.lost))
        real = self.durable + self.contribution_of(week) - week.durable_value
        self.contribution += (real - self.contribution) / cfg.behaviour.contribution_memory
        self.contribution_total += real

    def judge(self) -> None:
        """`Judgement.observe` for one manager: contribution misread by a halo and weekly noise,
        leaning on the hours (and telemetry) they see."""
        m = self.model
        b = m.config.behaviour
        seen = self.contribution + self.visible(self.week, self.hours)
        if b.judgement_noise > 0:
            misreading = (self.halo + self.random.gauss(0.0, 1.0)) / math.sqrt(2.0)
            seen += b.judgement_noise * m.typical * misreading
        self.impression += (seen - self.impression) / b.contribution_memory

    def settle(self) -> None:
        """After scoring and rewards: trust, exhaustion, fluency, running totals and the quit draw."""
        week = self.week
        self.update_trust()
        self.strain_and_recover(week)
        self.fluency = min(max(self.fluency + week.fluency_gain, 0.0), 1.0)
        self.last_help, self.last_value, self.last_need = week.help_given, week.value, week.review_need
        self.last_gaming = self.model.games(week, self.hours)
        self.accumulate(week, self.durable, self.rework)
        self.quitting = self.random.random() < self.quit_probability()

    def update_trust(self) -> None:
        """`sim.model.trust.update_trust` for one person."""
        m = self.model
        cfg = m.config.trust
        erosion = cfg.monitoring_erosion if m.telemetry_shown else 0.0
        if m.pressure > 0:
            influence = 1.0 if math.isnan(self.influence) else min(max(self.influence, 0.0), 1.0)
            erosion += cfg.misalignment_erosion * m.pressure * (1.0 - influence)
        trust = self.trust + cfg.rebuild * (1.0 - self.trust) - erosion * self.trust
        self.trust = min(max(trust, 0.0), 1.0)

    def effort_reward_ratio(self) -> float:
        return (self.worked_hours / self.model.config.wellbeing.sustainable_hours) / (0.5 + self.reward)

    def standing_gap(self) -> float:
        """Gap to a top evaluation, in whatever decides one's career."""
        p, cfg = self.model.pressure, self.model.config.wellbeing
        return (1.0 - p) * cfg.informal_anxiety * (1.0 - self.informal) + p * (1.0 - self.score)

    def strain_and_recover(self, week: Week) -> None:
        """`sim.model.wellbeing.strain_and_recover` for one person."""
        cfg = self.model.config.wellbeing
        worked = self.worked_hours
        hours = max(worked, EPS)
        over = max(worked - cfg.sustainable_hours, 0.0) / cfg.sustainable_hours
        under = max(cfg.sustainable_hours - worked, 0.0) / cfg.sustainable_hours
        gaming_share = week.gaming[MORAL] / hours  # gaming hours, weighted by how wrong they feel
        shortfall = 1.0 - week.kept_volume / self.expected_volume if self.expected_volume > 0 else 0.0
        imbalance = max(self.effort_reward_ratio() - 1.0, 0.0)
        strain = (
            cfg.base_strain
            + cfg.life_shock_sd * self.random.gauss(0.0, 1.0)
            + cfg.overwork_strain * over
            + cfg.anxiety_strain * self.career_concern * self.standing_gap()
            + cfg.dissonance_strain * self.integrity * gaming_share
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
        cfg = self.model.config
        t = cfg.turnover
        hazard = (
            -math.log1p(-t.base_attrition)
            / 52.0
            * math.exp(
                t.outside_option_quit * (self.outside_option - (0.5 + self.reward))
                + cfg.trust.quit_effect * (1.0 - self.trust)
            )
            * (1.0 + t.imbalance_quit * max(self.effort_reward_ratio() - 1.0, 0.0))
            * (t.burnout_quit_multiplier if self.burned_out else 1.0)
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
        hours_tally = m.hours_tally
        for k, h in enumerate(week.activity_hours):
            self.activity_hours_total[k] += h
            hours_tally[k] += h
        self.value_total += week.value
        self.durable_total += durable
        self.volume_total += week.volume
        self.delivered_this_review += week.kept_volume
        self.token_cost_total += tokens * prod.token_price
        self.score_total += self.score

        t = m.tally
        t["gaming"] += self.last_gaming
        t["value"] += week.value
        t["durable"] += durable
        t["volume"] += week.volume
        t["reworked"] += rework * week.volume
        t["tokens"] += tokens
        ai_days = week.ai_active_days
        t["ai_days"] += ai_days
        t["adopters"] += ai_days >= REGULAR_AI_DAYS
        if week.tool_hours > 0:
            t["accepted"] += week.accepted
            t["tool_hours"] += week.tool_hours
        t["fluency"] += self.fluency
        t["exhaustion"] += self.exhaustion
        t["burned_out"] += self.burned_out
        t["trust"] += self.trust
        t["perceived"] += week.value + m.config.behaviour.ai_optimism * week.ai_potential
        t["review"] += week.review_given
        t["worked"] += self.worked_hours
        t["long_weeks"] += self.worked_hours > LONG_WEEK


TALLIES = (
    "gaming",
    "value",
    "durable",
    "volume",
    "reworked",
    "tokens",
    "ai_days",
    "adopters",
    "accepted",
    "tool_hours",
    "fluency",
    "exhaustion",
    "burned_out",
    "trust",
    "perceived",
    "review",
    "worked",
    "long_weeks",
)


# -- the organisation --------------------------------------------------------------------
class PerAgentOrgModel(mesa.Model):
    """`org.n_employees` posts in teams under one regime, stepped agent by agent."""

    def __init__(self, config: Config | None = None, *, rng: int | None = None):
        cfg = as_config(config)
        super().__init__(rng=cfg.seed if rng is None else rng)
        self.config = cfg
        repertoire = Repertoire(cfg.gaming)
        self.activities = activities(repertoire)
        self.action_names = repertoire.names
        # Each action's effects per hour: (row of TOTALS, effect) where the effect is not nil.
        self.actions = [[(t, e) for t, e in enumerate(row) if e] for row in repertoire.matrix.T.tolist()]
        self.needs_ai = needs_ai_tools(repertoire).tolist()  # activities closed where there are no AI tools
        self.weekly_columns = WEEKLY_COLUMNS + tuple(f"theater_{name}" for name in repertoire.names)
        self.formula = Formula(cfg.regime)
        n, org, wb, b = cfg.org.n_employees, cfg.org, cfg.wellbeing, cfg.behaviour
        self.active, self.pressure, self.scored, self.telemetry_shown = False, 0.0, False, False
        self.typical, self.typical_tokens = 1.0, 1.0  # `Judgement` before the organisation is known
        self.field: list[float] = []
        self.impressions: list[float] = []
        self.alignment = math.nan
        self.slots: list[AgentEmployee | None] = [None] * n
        self.vacancies: dict[int, int] = {}  # slot -> week its replacement starts
        self.role_need: dict[int, float] = {}  # slot -> token need of the post's role, kept across hires
        self.departed: list[dict] = []
        self.departure_cost = 0.0
        self.quits_recent: deque[int] = deque(maxlen=13)
        self.tally = dict.fromkeys(TALLIES, 0.0)
        self.hours_tally = [0.0] * len(self.activities)

        for slot in range(n):  # an established organisation, hired all at once
            self.slots[slot] = AgentEmployee(self, slot, join_team=False)
        people = list(self.agents)
        for a in people:
            a.tenure = self.random.uniform(org.ramp_weeks, 5 * 52)
            a.fluency = a.settled_fluency()
            ordinary = wb.base_strain + wb.anxiety_strain * wb.informal_anxiety * a.career_concern * 0.5
            a.exhaustion = ordinary / (wb.recovery * a.resilience)
        for _ in range(2):  # a week without teammates' help, then one with it
            self.agents.do("take_stock")
            weeks = [a.work(a.shares, a.hours) for a in people]
            for a, week in zip(people, weeks, strict=True):
                a.last_help, a.last_value, a.last_need = week.help_given, week.value, week.review_need
                a.last_gaming = self.games(week, a.hours)
        self.agents.do("take_stock")  # teammates as they were in that steady week
        steady = []
        for a, week in zip(people, weeks, strict=True):
            entering = (week.durable_value, week.recorded("durable_value"), week.seen_rework_rate)
            a.pipeline = deque([entering] * max(cfg.production.durability_weeks, 1))
            a.expectation = week.kept_volume
            a.contribution = a.contribution_of(week)
            steady.append(a.signals(week, a.hours))
        self.typical = max(sum(a.contribution for a in people) / n, EPS)
        self.typical_tokens = sum(w.tokens for w in weeks) / n
        for a, week, s in zip(people, weeks, steady, strict=True):
            misreading = b.judgement_noise * self.typical * a.halo / math.sqrt(2.0)
            a.impression = a.contribution + a.visible(week, a.hours) + misreading
            a.history = deque([s] * a.history.maxlen, maxlen=a.history.maxlen)
        self.formula.anchor(steady)
        self.reference = {
            "durable": sum(w.durable_value for w in weeks) / n,
            "volume": sum(w.volume for w in weeks) / n,
            "kept": sum(w.kept_volume for w in weeks) / n,
            "perceived": sum(w.value + b.ai_optimism * w.ai_potential for w in weeks) / n,
        }
        if self.formula.measures and cfg.regime.start_week <= 0:
            self.align(people)
        self.week_stats: dict[str, float] = {}
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda m, name=name: m.week_stats[name]) for name in self.weekly_columns}
        )

    def teammates(self, agent: AgentEmployee) -> list[AgentEmployee]:
        size = self.config.org.team_size
        team = self.slots[agent.team * size : (agent.team + 1) * size]
        return [a for a in team if a is not None and a is not agent]

    def games(self, week: Week, hours: float) -> bool:
        """Whether someone games visibly enough for teammates to notice."""
        gaming_hours = sum(week.activity_hours[GAMING:])
        return gaming_hours > self.config.behaviour.gaming_threshold * max(hours, EPS)

    def expected_score(self, composite: float) -> float:
        """The score a person expects for a week with this composite, against the
        leaderboard as it stood at the start of the week."""
        if self.config.regime.scoring != "rank":
            return self.formula.level_score(composite)
        return percentile(self.field, composite)

    def align(self, people: list[AgentEmployee]) -> None:
        """Baker's alignment of the score with real contribution, at the policy start."""
        for a in people:
            a.align()
        aligned = [a.alignment for a in people if not math.isnan(a.alignment)]
        self.alignment = sum(aligned) / len(aligned) if aligned else math.nan

    # -- the week -----------------------------------------------------------------------
    def step(self) -> None:
        week = self.steps - 1  # Mesa counts the step under way
        cfg, f = self.config, self.formula
        self.active = f.measures and week >= cfg.regime.start_week
        self.pressure = cfg.regime.pressure if self.active else 0.0
        self.scored = self.pressure > 0 and f.measures
        self.telemetry_shown = self.active and cfg.regime.telemetry_visible
        self.tally = dict.fromkeys(TALLIES, 0.0)
        self.hours_tally = [0.0] * len(self.activities)

        self.agents.do("take_stock")  # everyone sees last week's organisation
        if self.active and week == cfg.regime.start_week and week > 0:
            f.anchor([a.window_mean() for a in self.agents])
            self.align(list(self.agents))
        if cfg.behaviour.adaptation:
            self.agents.do("consider")
            if self.scored and cfg.regime.scoring == "rank":
                self.field = sorted(a.composite_now for a in self.agents)
            if self.pressure < 1:
                self.impressions = sorted(a.impression for a in self.agents)
        self.agents.shuffle_do("step")
        self.share_credit()
        self.agents.do("record")

        people = list(self.agents)
        composites = self.score(people)
        self.agents.do("judge")
        self.reward(people)
        self.agents.do("settle")
        fired: list[AgentEmployee] = []
        if (week + 1) % cfg.org.review_period == 0:
            fired = self.review(people)
        fired_ids = {a.unique_id for a in fired}
        leaving = [a for a in people if a.quitting and a.unique_id not in fired_ids]
        self.quits_recent.append(len(leaving))
        self.record_stats(week, people, composites)
        self.depart(leaving, week, "quit")
        self.depart(fired, week, "fired")
        due = [slot for slot, start in self.vacancies.items() if start <= week + 1]
        hires = [AgentEmployee(self, slot) for slot in due]  # each sees only the staff already there
        for a in hires:
            del self.vacancies[a.slot]
            self.slots[a.slot] = a
        self.week_stats.update(quits=len(leaving), fired=len(fired), hires=len(hires))
        self.datacollector.collect(self)

    def share_credit(self) -> None:
        """`OrgModel._share_credit`: what someone claims from teammates' records, each of the
        teammates loses, evenly."""
        size = self.config.org.team_size
        for start in range(0, len(self.slots), size):
            team = [a for a in self.slots[start : start + size] if a is not None]
            claims = [a.week.claimed for a in team]
            if not any(any(c) for c in claims):
                continue
            totals = [sum(c[i] for c in claims) for i in range(3)]
            others = max(len(team) - 1, 1)
            for a, own in zip(team, claims, strict=True):
                a.lost = tuple((total - mine) / others for total, mine in zip(totals, own, strict=True))

    def score(self, people: list[AgentEmployee]) -> list[float]:
        """Everyone's composite over the window; once the policy is active, their score
        from it with attribution noise."""
        f, regime = self.formula, self.config.regime
        composites = [f.composite(a.window_mean()) for a in people]
        if not self.active:
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
        """Expected evaluation: the rank of the manager's impression, and the score."""
        spread, p = self.config.behaviour.informal_spread, self.pressure
        n = len(people)
        for rank, a in enumerate(sorted(people, key=lambda a: a.impression)):
            a.informal = 0.5 + spread * ((rank + 0.5) / n - 0.5)
            a.reward = (1.0 - p) * a.informal + p * a.score

    def review(self, people: list[AgentEmployee]) -> list[AgentEmployee]:
        """Rewards paid, imitation of a better-rewarded teammate, expectations move toward what
        was delivered, goals reset, forced ranking. Returns those let go."""
        cfg = self.config
        b, wb, org, regime = cfg.behaviour, cfg.wellbeing, cfg.org, cfg.regime
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
            gap = a.delivered_this_review / max(org.review_period, 1) - a.expectation
            if gap >= 0:  # met: part of the excess becomes the norm, and a stretch on top
                a.expectation += wb.ratchet * gap + wb.ratchet_stretch * a.expectation
            else:  # missed: part of the shortfall is forgiven
                a.expectation += wb.relief * gap
            if a.burned_out:
                a.expectation *= 1.0 - wb.burnout_relief
            a.delivered_this_review = 0.0
        if self.active and regime.reset_each_review:
            self.formula.reset([a.window_mean() for a in people])
        share = regime.forced_ranking
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
                    "trust": a.trust,
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

    def record_stats(self, week: int, people: list[AgentEmployee], composites: list[float]) -> None:
        cfg, t, ref, f = self.config, self.tally, self.reference, self.formula
        hours = self.hours_tally
        heads = len(people)
        per_head = max(heads, 1)
        total_hours = max(sum(hours), EPS)
        token_cost = t["tokens"] * cfg.production.token_price
        salary_cost = heads * cfg.org.salary / 52.0
        cost = salary_cost + token_cost
        stats = {
            "week": week,
            "policy_active": self.active,
            "pressure": self.pressure,
            "headcount": heads,
            "vacancies": cfg.org.n_employees - heads,
            "hours_mean": t["worked"] / per_head,
            **{f"share_{a}": hours[k] / total_hours for k, a in enumerate(WORK)},
            "share_theater": sum(hours[GAMING:]) / total_hours,
            **{f"theater_{a}": hours[GAMING + k] / total_hours for k, a in enumerate(self.action_names)},
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
            "acceptance_rate": t["accepted"] / t["tool_hours"] if t["tool_hours"] > 0 else 0.0,
            "fluency": t["fluency"] / per_head,
            "exhaustion": t["exhaustion"] / per_head,
            "burnout_share": t["burned_out"] / per_head,
            "trust": t["trust"] / heads if heads else 1.0,
            "quality_hours": hours[QUALITY] / per_head,
            "review_hours": t["review"] / per_head,
            "long_hours_share": t["long_weeks"] / per_head,
            "metric_index": sum(composites) / heads / f.start_reference
            if self.active and heads and abs(f.start_reference) >= EPS
            else float("nan"),
            "score_mean": sum(a.score for a in people) / per_head,
            "score_value_correlation": _rank_correlation(people, composites) if f.measures else float("nan"),
            "durable_value_index": t["durable"] / per_head / ref["durable"],
            "volume_index": t["volume"] / per_head / ref["volume"],
            "perceived_productivity_index": t["perceived"] / per_head / ref["perceived"],
            "expectation_index": sum(a.expectation for a in people) / per_head / ref["kept"],
            "salary_cost": salary_cost,
            "departure_cost": self.departure_cost,
            "cost": cost,
            "cost_per_durable_value": cost / t["durable"] if t["durable"] > 0 else float("nan"),
            "attrition_annualised": sum(self.quits_recent) / per_head * 52.0 / len(self.quits_recent),
        }
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
