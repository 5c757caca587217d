"""A week of work: how hours spent on each activity become value, volume, tokens and rework.

Everything here is a pure function of arrays over the whole workforce, so the same code
computes what really happens and what an employee expects when weighing a change
(`Perception` adds their optimism about AI and their blindness to their own rework).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """Per-person results of a week, each an array over workforce slots."""

    activity_hours: np.ndarray  # (slots, activities) hours really spent
    value: np.ndarray  # short-term value
    durable_value: np.ndarray  # value that will survive the durability window
    help_given: np.ndarray  # quality hours that raise teammates' productivity
    volume: np.ndarray
    rework_rate: np.ndarray
    tokens: np.ndarray  # million tokens
    prompts: np.ndarray
    acceptance_rate: np.ndarray
    ai_active_days: np.ndarray
    fluency_gain: np.ndarray


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
    activity_hours = shares * hours[:, None]
    productive = activity_hours * (worked / np.maximum(hours, 1e-9))[:, None]
    craft_h, ai_h, theater_h, quality_h = (productive[:, k] for k in (CRAFT, AI, THEATER, QUALITY))

    output_per_hour = skill * efficiency * (1.0 + team_help) / WEEK
    multiplier = ai_multiplier(fluency, prod)
    believed = multiplier + seen.ai_optimism  # shipped volume is visible; its worth is not
    ai_capacity = prod.ai_task_hours * token_need
    craft_value = output_per_hour * craft_h
    ai_value = output_per_hour * believed * ai_capacity * -np.expm1(-ai_h / ai_capacity)
    quality_value = output_per_hour * prod.quality_value * quality_h

    craft_volume = craft_value
    ai_volume = output_per_hour * multiplier * ai_h * prod.ai_volume_inflation
    theater_volume = prod.theater_volume * theater_h / WEEK
    volume = craft_volume + ai_volume + theater_volume

    needs_review = prod.review_need * (ai_h + theater_h) + 0.1 * craft_h
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

    any_ai = ai_h + theater_h
    honest_acceptance = np.minimum(prod.acceptance_honest * (0.5 + fluency), 1.0)
    acceptance = (honest_acceptance * ai_h + prod.acceptance_theater * theater_h) / np.maximum(any_ai, 1e-9)
    fluency_gain = (
        (prod.learning_rate * productive[:, LEARNING] + prod.practice_rate * ai_h) / 10.0 * (1.0 - fluency)
    )
    return WeekOfWork(
        activity_hours=activity_hours,
        value=value,
        durable_value=durable_value,
        help_given=quality_h,
        volume=volume,
        rework_rate=rework_rate,
        tokens=ai_h * prod.tokens_per_ai_hour * token_need + theater_h * prod.tokens_per_theater_hour,
        prompts=ai_h * prod.prompts_per_ai_hour + theater_h * prod.prompts_per_theater_hour,
        acceptance_rate=np.where(any_ai > 0, acceptance, 0.0),
        ai_active_days=5.0 * -np.expm1(-any_ai / prod.active_day_hours),
        fluency_gain=fluency_gain,
    )
