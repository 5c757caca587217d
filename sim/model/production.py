"""A week of work: how hours spent on each activity become value, volume, tokens and rework.

The activities are the four kinds of real work (`WORK`) followed by the gaming actions of
the repertoire (`sim.model.gaming`), which produce no value and move only what the records
show. Everything here is a pure function of arrays over the whole workforce, so the same
code computes what really happens and what an employee expects when weighing a change
(`Perception` adds their optimism about AI and their blindness to their own rework).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from sim.core.config import ProductionConfig
from sim.model.gaming import Repertoire
from sim.model.runs import column_totals

WORK: tuple[str, ...] = ("craft", "ai", "quality", "learning")
CRAFT, AI, QUALITY, LEARNING = range(len(WORK))
GAMING = len(WORK)  # rows from here on are the repertoire's actions
WEEK = 40.0  # hours in a standard week: value units are per 40 honest craft hours


def activities(repertoire: Repertoire) -> tuple[str, ...]:
    """Every activity an hour can go to: real work, then each gaming action."""
    return WORK + repertoire.names


def needs_ai_tools(repertoire: Repertoire) -> np.ndarray:
    """Which activities (rows of a split) take AI tools: AI work and some gaming actions."""
    return np.r_[np.arange(len(WORK)) == AI, repertoire.uses_ai]


@dataclass(frozen=True)
class Perception:
    """How an employee sees their own work: AI-assisted work looks worth more than it is,
    and their own rework looks smaller. What they ship, they see as it is."""

    ai_optimism: float = 0.0
    rework_awareness: float = 1.0


REALITY = Perception()


@dataclass
class WeekOfWork:
    """Per-person results of a week, each an array over workforce slots.

    Real quantities (value, durable value, volume, rework) sit beside what the records show
    (`seen_*`, `claimed_*`): gaming moves the second, never the first. The traces that only
    metrics read (tokens, prompts, acceptance, AI-active days) are computed on first use.
    """

    activity_hours: np.ndarray  # (activities, slots) hours really spent
    productive_hours: np.ndarray  # the same, discounted for long hours
    value: np.ndarray  # real short-term value
    ai_potential: np.ndarray  # value of the AI hours per unit of AI multiplier
    suited_ai_hours: np.ndarray  # AI hours spent on tasks suited to AI (saturating)
    durable_value: np.ndarray  # real value that lasts: after all rework, late fixes included
    help_given: np.ndarray  # quality hours that raise teammates' productivity (gaming can lower it)
    review_need: np.ndarray  # hours of review one's output needs, teammates' share included
    review_given: np.ndarray  # hours spent reviewing teammates' output, as they asked
    volume: np.ndarray  # shipped volume, padding included
    rework_rate: np.ndarray  # share of shipped volume reworked, sooner or later
    seen_value: np.ndarray  # first-judged value of one's own records: real plus apparent
    seen_durable: np.ndarray  # value the durability window will credit to one's own work
    seen_rework_rate: np.ndarray  # rework that shows within the window
    claimed_volume: np.ndarray  # volume, value and durable value taken from teammates' records
    claimed_value: np.ndarray
    claimed_durable: np.ndarray
    gaming: dict[str, np.ndarray]  # the repertoire's totals (`sim.model.gaming.TOTALS`)
    fluency_gain: np.ndarray
    fluency: np.ndarray
    token_need: np.ndarray
    prod: ProductionConfig
    lost: dict[str, np.ndarray] = field(default_factory=dict)  # taken from one by teammates

    def recorded(self, name: str, claims: bool = True) -> np.ndarray:
        """Volume, value or durable value as one's records show them: own, claimed, lost
        (never below zero). Without `claims`, only one's own work as recorded."""
        own = {"volume": self.volume, "value": self.seen_value, "durable_value": self.seen_durable}[name]
        if not claims:
            return own
        claimed = {"volume": self.claimed_volume, "value": self.claimed_value}.get(name, self.claimed_durable)
        lost = self.lost.get(name)
        return own + claimed if lost is None else np.maximum(own + claimed - lost, 0.0)

    @cached_property
    def kept_volume(self) -> np.ndarray:
        """Shipped volume less the rework that shows within the durability window: what a
        manager counts as delivered, and so what their expectation is about (S10)."""
        return self.volume * (1.0 - self.seen_rework_rate)

    @cached_property
    def tool_hours(self) -> np.ndarray:
        """Hours of AI-tool activity the telemetry records: honest use and gaming."""
        return self.productive_hours[AI] + self.gaming["tool_hours"]

    @cached_property
    def tokens(self) -> np.ndarray:
        """Million tokens: honest AI use scaled by the role's need, plus gaming."""
        return (
            self.productive_hours[AI] * (self.prod.tokens_per_ai_hour * self.token_need)
            + self.gaming["tokens"]
        )

    @cached_property
    def prompts(self) -> np.ndarray:
        return self.productive_hours[AI] * self.prod.prompts_per_ai_hour + self.gaming["prompts"]

    @cached_property
    def acceptance_rate(self) -> np.ndarray:
        """Share of suggestions accepted: fluent users accept more; some gaming accepts nearly all."""
        p = self.prod
        ai_h = self.productive_hours[AI]
        honest = np.minimum(p.acceptance_honest * (0.5 + self.fluency), 1.0)
        tool = self.tool_hours
        accepted = (honest * ai_h + self.gaming["accepted"]) / np.maximum(tool, 1e-9)
        return np.where(tool > 0, accepted, 0.0)

    @cached_property
    def ai_active_days(self) -> np.ndarray:
        return 5.0 * -np.expm1(-self.tool_hours / self.prod.active_day_hours)


def effective_hours(hours: np.ndarray, prod: ProductionConfig) -> np.ndarray:
    """Long hours yield less: past `long_hours_start` an hour counts for `long_hours_yield`."""
    excess = np.maximum(hours - prod.long_hours_start, 0.0)
    return hours - excess * (1.0 - prod.long_hours_yield)


def learning(learning_hours: np.ndarray, ai_hours: np.ndarray, prod: ProductionConfig) -> np.ndarray:
    """Weekly fluency gain at fluency 0: from deliberate learning and from practice."""
    return (prod.learning_rate * learning_hours + prod.practice_rate * ai_hours) / 10.0


def suited_ai_hours(ai_hours: np.ndarray, ai_capacity: np.ndarray, prod: ProductionConfig) -> np.ndarray:
    """AI hours that land on tasks suited to AI: setting up and switching yields nothing, and
    past the suited tasks (`ai_capacity` hours a week) more AI hours find ever less to do. Value,
    volume, the lightness of an AI hour and practice all saturate with them (S3)."""
    useful = np.maximum(ai_hours - prod.ai_setup_hours, 0.0)
    return ai_capacity * -np.expm1(-useful / ai_capacity)


def ai_capacity(token_need: np.ndarray, work_hours: np.ndarray, prod: ProductionConfig) -> np.ndarray:
    """Weekly hours of tasks suited to AI: more for people whose tasks need more tokens, and
    more the more real work they do."""
    return prod.ai_task_hours * token_need * np.maximum(work_hours / WEEK, 1e-9)


def ai_levelling(skill: np.ndarray, prod: ProductionConfig) -> np.ndarray | float:
    """What an AI-assisted hour's output owes to skill, relative to a craft hour's: the
    assistant carries what the best already know to everyone, so with AI a person's output
    follows skill ** (1 - ai_skill_levelling) (Dell'Acqua et al. 2026; S3)."""
    if not np.any(prod.ai_skill_levelling):
        return 1.0
    return np.exp(-prod.ai_skill_levelling * np.log(skill))  # elementwise alike, alone or batched


def ai_multiplier(fluency: np.ndarray, prod: ProductionConfig) -> np.ndarray:
    """Value of an AI-assisted hour relative to a craft hour: below 1 for novices."""
    return prod.ai_multiplier_novice + (prod.ai_multiplier_expert - prod.ai_multiplier_novice) * fluency


def work_week(
    shares: np.ndarray,
    hours: np.ndarray,
    *,
    skill: np.ndarray,
    fluency: np.ndarray,
    token_need: np.ndarray,
    efficiency: np.ndarray,
    sloppiness: np.ndarray,
    team_help: np.ndarray,
    prod: ProductionConfig,
    repertoire: Repertoire,
    review_demand: np.ndarray | float = 0.0,
    seen: Perception = REALITY,
) -> WeekOfWork:
    """Turn a split of hours into the week's results.

    `efficiency` carries ramp-up and burnout; `sloppiness` multiplies rework (burnout);
    `team_help` is the productivity gain from teammates' quality work. `hours` are the
    hours a person plans for their own work, shared out by their split; `review_demand` is
    the review that teammates' output asks of them, done on top (work that spills over).
    """
    if isinstance(review_demand, np.ndarray):
        review = review_demand
    else:
        review = np.broadcast_to(review_demand, np.shape(hours))
    total = hours + review
    worked = effective_hours(total, prod)
    activity_hours = shares * hours
    productive = activity_hours * (worked / np.maximum(total, 1e-9))
    craft_h, ai_h, quality_h, learning_h = productive[:GAMING]
    gaming = repertoire.totals(productive[GAMING:])

    output_per_hour = skill * efficiency * np.maximum(1.0 + team_help, 0.0) / WEEK
    ai_output_per_hour = output_per_hour * ai_levelling(skill, prod)
    multiplier = ai_multiplier(fluency, prod)
    believed = multiplier + seen.ai_optimism  # shipped volume is visible; its worth is not
    work_hours = column_totals(activity_hours[:GAMING])  # more real work, more tasks; gaming takes none on
    suited_ai_h = suited_ai_hours(ai_h, ai_capacity(token_need, work_hours, prod), prod)
    craft_value = output_per_hour * craft_h
    ai_potential = ai_output_per_hour * suited_ai_h
    ai_value = believed * ai_potential
    quality_value = output_per_hour * prod.quality_value * quality_h

    craft_volume = craft_value
    ai_volume = ai_output_per_hour * multiplier * suited_ai_h * prod.ai_volume_inflation
    padding = gaming["volume"] / WEEK
    volume = craft_volume + ai_volume + padding

    # Teammates review their share of one's output (it is asked of them); one's own quality
    # hours cover the rest.
    needs_review = prod.review_need * ai_h + prod.review_need_craft * craft_h
    own_review = quality_h / np.maximum(needs_review, 1e-9)
    coverage = np.minimum(own_review + prod.peer_review_share, 1.0)
    reviewed = 1.0 - (1.0 - prod.rework_reviewed) * coverage
    slop = sloppiness * seen.rework_awareness
    rework_craft = np.minimum(prod.rework_craft * reviewed * slop, 1.0)
    rework_ai = np.minimum(prod.rework_ai * reviewed * slop, 1.0)
    lost_to_rework = rework_craft * craft_value + rework_ai * ai_value
    reworked = rework_craft * craft_volume + rework_ai * ai_volume
    reworked_padding = np.minimum(gaming["reworked"] * slop / WEEK, padding)

    # Deferring defects hides part of one's rework from the window; fixed later, it costs more.
    hidden = np.minimum(gaming["hides_rework"] * skill / WEEK, lost_to_rework)
    hidden_share = hidden / np.maximum(lost_to_rework, 1e-12)

    value = craft_value + ai_value + quality_value
    durable_value = value - lost_to_rework - prod.late_defect_cost * hidden
    apparent = gaming["value"] / WEEK
    seen_durable = value - lost_to_rework + hidden + gaming["durable"] / WEEK
    safe_volume = np.maximum(volume, 1e-9)

    gain = learning(learning_h, suited_ai_h, prod)  # at fluency 0: from learning and practice
    fluency_gain = gain * (1.0 - fluency) - prod.fluency_obsolescence * fluency
    return WeekOfWork(
        activity_hours=activity_hours,
        productive_hours=productive,
        value=value,
        ai_potential=ai_potential,
        suited_ai_hours=suited_ai_h,
        durable_value=durable_value,
        help_given=quality_h + gaming["help"],
        review_need=needs_review,
        review_given=review,
        volume=volume,
        rework_rate=(reworked + reworked_padding) / safe_volume,
        seen_value=value + apparent,
        seen_durable=seen_durable,
        seen_rework_rate=(reworked * (1.0 - hidden_share) + reworked_padding) / safe_volume,
        claimed_volume=gaming["taken_volume"] / WEEK,
        claimed_value=gaming["taken_value"] / WEEK,
        claimed_durable=gaming["taken_durable"] / WEEK,
        gaming=gaming,
        fluency_gain=fluency_gain,
        fluency=fluency,
        token_need=token_need,
        prod=prod,
    )
