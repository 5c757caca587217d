"""Exhaustion as a stock (Homer 1985; job demands-resources), burnout, effort-reward
imbalance (Siegrist) and the ratchet of expectations.

Each week exhaustion X gains the strain of the week and loses a share of itself:
    X += strain - recovery * resilience * (1 + rest + support) * X
Strain comes from ordinary demands and life, hours over the sustainable level, evaluation
anxiety (pressure x career concern x gap to a full score), the dissonance of gaming for
people of integrity, the oversight of much AI work, falling short of expectations, and
effort-reward imbalance. Above a threshold a person is burned out until X falls back
below a lower one.
"""

from __future__ import annotations

import numpy as np

from sim.config import WellbeingConfig
from sim.model.production import WeekOfWork
from sim.model.workforce import Workforce


def effort_reward_ratio(wf: Workforce, sustainable_hours: float) -> np.ndarray:
    """Effort (hours against the sustainable level) over reward (1 at a median evaluation,
    0.5 at the bottom, 1.5 at the top): above 1, people give more than they get."""
    return (wf.hours / sustainable_hours) / (0.5 + wf.reward)


def strain_and_recover(
    wf: Workforce,
    week: WeekOfWork,
    *,
    pressure: float,
    team_help: np.ndarray,
    expected_volume: np.ndarray,
    cfg: WellbeingConfig,
    rng: np.random.Generator,
) -> None:
    hours = np.maximum(wf.hours, 1e-9)
    over = np.maximum(wf.hours - cfg.sustainable_hours, 0.0) / cfg.sustainable_hours
    under = np.maximum(cfg.sustainable_hours - wf.hours, 0.0) / cfg.sustainable_hours
    gaming_share = week.gaming["moral_cost"] / hours  # gaming hours, weighted by how wrong they feel
    ai_share = week.tool_hours / hours
    has_norm = expected_volume > 0
    shortfall = np.where(has_norm, 1.0 - week.volume / np.where(has_norm, expected_volume, 1.0), 0.0)
    imbalance = np.maximum(effort_reward_ratio(wf, cfg.sustainable_hours) - 1.0, 0.0)
    strain = (
        cfg.base_strain
        + cfg.life_shock_sd * rng.standard_normal(wf.n)
        + cfg.overwork_strain * over
        + cfg.anxiety_strain * pressure * wf.career_concern * (1.0 - wf.score)
        + cfg.dissonance_strain * wf.integrity * gaming_share
        + cfg.oversight_strain * np.maximum(ai_share - cfg.healthy_ai_share, 0.0)
        + cfg.expectation_strain * np.maximum(shortfall, 0.0)
        + cfg.imbalance_strain * imbalance
    )
    recovery = cfg.recovery * wf.resilience * (1.0 + cfg.rest_recovery * under + cfg.support * team_help)
    x = wf.exhaustion
    wf.exhaustion = np.where(wf.employed, np.maximum(x + strain - np.minimum(recovery, 1.0) * x, 0.0), 0.0)
    wf.burned_out = wf.employed & np.where(
        wf.burned_out, wf.exhaustion > cfg.recovery_threshold, wf.exhaustion > cfg.burnout_threshold
    )


def ratchet_expectations(wf: Workforce, weeks: int, cfg: WellbeingConfig) -> None:
    """At a review, part of what was delivered above the norm becomes the new norm."""
    delivered = wf.volume_this_review / max(weeks, 1)
    above = np.maximum(delivered - wf.expectation, 0.0)
    wf.expectation = wf.expectation + cfg.ratchet * above + cfg.ratchet_stretch * wf.expectation
    wf.volume_this_review[:] = 0.0
