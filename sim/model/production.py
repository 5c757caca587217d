"""A week of work: how hours spent on each activity become value, volume, tokens and rework.

Everything here is a pure function of arrays over the whole workforce, so the same code
computes what really happens and what an employee expects when weighing a change
(`Perception` adds their optimism about AI and their blindness to their own rework).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from sim.config import ProductionConfig

ACTIVITIES: tuple[str, ...] = ("craft", "ai", "theater", "quality", "learning")
CRAFT, AI, THEATER, QUALITY, LEARNING = range(len(ACTIVITIES))
WEEK = 40.0  # hours in a standard week: value units are per 40 honest craft hours


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

    The traces that only metrics read (tokens, prompts, acceptance, AI-active days) are
    computed on first use: most weighed changes never need them.
    """

    activity_hours: np.ndarray  # (activities, slots) hours really spent
    productive_hours: np.ndarray  # the same, discounted for long hours
    value: np.ndarray  # short-term value
    ai_potential: np.ndarray  # value of the AI hours per unit of AI multiplier
    durable_value: np.ndarray  # value that will survive the durability window
    help_given: np.ndarray  # quality hours that raise teammates' productivity
    volume: np.ndarray
    rework_rate: np.ndarray
    fluency_gain: np.ndarray
    fluency: np.ndarray
    token_need: np.ndarray
    prod: ProductionConfig

    @cached_property
    def tokens(self) -> np.ndarray:
        """Million tokens: honest AI use scaled by the role's need, plus theater."""
        p = self.prod
        ai_h, theater_h = self.productive_hours[AI], self.productive_hours[THEATER]
        return ai_h * (p.tokens_per_ai_hour * self.token_need) + theater_h * p.tokens_per_theater_hour

    @cached_property
    def prompts(self) -> np.ndarray:
        p = self.prod
        return (
            self.productive_hours[AI] * p.prompts_per_ai_hour
            + self.productive_hours[THEATER] * p.prompts_per_theater_hour
        )

    @cached_property
    def acceptance_rate(self) -> np.ndarray:
        """Share of suggestions accepted: fluent users accept more; theater accepts nearly all."""
        p = self.prod
        ai_h, theater_h = self.productive_hours[AI], self.productive_hours[THEATER]
        honest = np.minimum(p.acceptance_honest * (0.5 + self.fluency), 1.0)
        any_ai = ai_h + theater_h
        accepted = (honest * ai_h + p.acceptance_theater * theater_h) / np.maximum(any_ai, 1e-9)
        return np.where(any_ai > 0, accepted, 0.0)

    @cached_property
    def ai_active_days(self) -> np.ndarray:
        any_ai = self.productive_hours[AI] + self.productive_hours[THEATER]
        return 5.0 * -np.expm1(-any_ai / self.prod.active_day_hours)


def effective_hours(hours: np.ndarray, prod: ProductionConfig) -> np.ndarray:
    """Long hours yield less: past `long_hours_start` an hour counts for `long_hours_yield`."""
    excess = np.maximum(hours - prod.long_hours_start, 0.0)
    return hours - excess * (1.0 - prod.long_hours_yield)


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
    seen: Perception = REALITY,
) -> WeekOfWork:
    """Turn a split of hours into the week's results.

    `efficiency` carries ramp-up and burnout; `sloppiness` multiplies rework (burnout);
    `team_help` is the productivity gain from teammates' quality work.
    """
    worked = effective_hours(hours, prod)
    activity_hours = shares * hours
    productive = activity_hours * (worked / np.maximum(hours, 1e-9))
    craft_h, ai_h, theater_h, quality_h, learning_h = productive

    output_per_hour = skill * efficiency * (1.0 + team_help) / WEEK
    multiplier = ai_multiplier(fluency, prod)
    believed = multiplier + seen.ai_optimism  # shipped volume is visible; its worth is not
    ai_capacity = prod.ai_task_hours * token_need
    craft_value = output_per_hour * craft_h
    useful_ai_h = np.maximum(ai_h - prod.ai_setup_hours, 0.0)
    ai_potential = output_per_hour * ai_capacity * -np.expm1(-useful_ai_h / ai_capacity)
    ai_value = believed * ai_potential
    quality_value = output_per_hour * prod.quality_value * quality_h

    craft_volume = craft_value
    ai_volume = output_per_hour * multiplier * useful_ai_h * prod.ai_volume_inflation
    theater_volume = prod.theater_volume * theater_h / WEEK
    volume = craft_volume + ai_volume + theater_volume

    needs_review = prod.review_need * (ai_h + theater_h) + prod.review_need_craft * craft_h
    coverage = np.minimum(quality_h / np.maximum(needs_review, 1e-9), 1.0)
    reviewed = 1.0 - (1.0 - prod.rework_reviewed) * coverage
    slop = sloppiness * seen.rework_awareness
    rework_craft = np.minimum(prod.rework_craft * reviewed * slop, 1.0)
    rework_ai = np.minimum(prod.rework_ai * reviewed * slop, 1.0)
    rework_theater = np.minimum(prod.rework_theater * slop, 1.0)
    reworked = rework_craft * craft_volume + rework_ai * ai_volume + rework_theater * theater_volume
    rework_rate = reworked / np.maximum(volume, 1e-9)

    value = craft_value + ai_value + quality_value
    durable_value = craft_value * (1.0 - rework_craft) + ai_value * (1.0 - rework_ai) + quality_value

    fluency_gain = (prod.learning_rate * learning_h + prod.practice_rate * ai_h) / 10.0 * (1.0 - fluency)
    return WeekOfWork(
        activity_hours=activity_hours,
        productive_hours=productive,
        value=value,
        ai_potential=ai_potential,
        durable_value=durable_value,
        help_given=quality_h,
        volume=volume,
        rework_rate=rework_rate,
        fluency_gain=fluency_gain,
        fluency=fluency,
        token_need=token_need,
        prod=prod,
    )
