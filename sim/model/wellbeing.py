"""Exhaustion as a stock (Homer 1985; job demands-resources), burnout, effort-reward
imbalance (Siegrist) and the ratchet of expectations.

Each week exhaustion X gains the strain of the week and loses a share of itself:
    X += strain - recovery * resilience * (1 + rest + support) * X
Strain comes from ordinary demands and life, hours over the sustainable level, evaluation
anxiety (career concern x the gap to a top standing, in whatever decides one's career:
managers' judgement, the metric's score, or the mix the pressure sets), the dissonance of gaming for
people of integrity, falling short of expectations, and
effort-reward imbalance. Above a threshold a person is burned out until X falls back
below a lower one.
"""

from __future__ import annotations

import numpy as np

from sim.core.config import WellbeingConfig
from sim.model.production import WeekOfWork
from sim.model.runs import Runs
from sim.model.workforce import Workforce


def effort_reward_ratio(wf: Workforce, sustainable_hours: float | np.ndarray) -> np.ndarray:
    """Effort (hours against the sustainable level) over reward (1 at a median evaluation,
    0.5 at the bottom, 1.5 at the top): above 1, people give more than they get."""
    return (wf.worked_hours / sustainable_hours) / (0.5 + wf.reward)


def shortfall(week: WeekOfWork, expected_volume: np.ndarray) -> np.ndarray:
    """How far the kept volume of a week falls short of what the manager expects (0 if met,
    or if nothing is expected yet)."""
    has_norm = expected_volume > 0
    short = np.where(has_norm, 1.0 - week.kept_volume / np.where(has_norm, expected_volume, 1.0), 0.0)
    return np.maximum(short, 0.0)


def strain_and_recover(
    wf: Workforce,
    week: WeekOfWork,
    *,
    pressure: float,
    informal: np.ndarray,
    team_help: np.ndarray,
    expected_volume: np.ndarray,
    cfg: WellbeingConfig,
    runs: Runs,
) -> None:
    worked = wf.worked_hours
    hours = np.maximum(worked, 1e-9)
    over = np.maximum(worked - cfg.sustainable_hours, 0.0) / cfg.sustainable_hours
    under = np.maximum(cfg.sustainable_hours - worked, 0.0) / cfg.sustainable_hours
    gaming_share = week.gaming["moral_cost"] / hours  # gaming hours, weighted by how wrong they feel
    imbalance = np.maximum(effort_reward_ratio(wf, cfg.sustainable_hours) - 1.0, 0.0)
    standing_gap = (1.0 - pressure) * cfg.informal_anxiety * (1.0 - informal) + pressure * (1.0 - wf.score)
    strain = (
        cfg.base_strain
        + cfg.life_shock_sd * runs.draw(lambda rng, r, k: rng.standard_normal(k))
        + cfg.overwork_strain * over
        + cfg.anxiety_strain * wf.career_concern * standing_gap
        + cfg.dissonance_strain * wf.integrity * gaming_share
        + cfg.expectation_strain * shortfall(week, expected_volume)
        + cfg.imbalance_strain * imbalance
    )
    recovery = cfg.recovery * wf.resilience * (1.0 + cfg.rest_recovery * under + cfg.support * team_help)
    x = wf.exhaustion
    wf.exhaustion = np.where(wf.employed, np.maximum(x + strain - np.minimum(recovery, 1.0) * x, 0.0), 0.0)
    wf.burned_out = wf.employed & np.where(
        wf.burned_out, wf.exhaustion > cfg.recovery_threshold, wf.exhaustion > cfg.burnout_threshold
    )


def ratchet_expectations(
    wf: Workforce, weeks: int, cfg: WellbeingConfig, frozen: bool | np.ndarray = False
) -> None:
    """At a review, expectations move toward what was delivered, counted as the manager counts
    it (kept volume: shipped and not reworked within the window; Homer 1985): part of any
    excess becomes the new norm, and those who met it are stretched further; part of a
    shortfall is forgiven, and more for someone burned out. Where `frozen` (the expectations
    channel knocked out) they stay as they stand."""
    delivered = wf.delivered_this_review / max(weeks, 1)
    gap = delivered - wf.expectation
    met = gap >= 0
    moved = np.where(met, cfg.ratchet * gap + cfg.ratchet_stretch * wf.expectation, cfg.relief * gap)
    expectation = wf.expectation + moved
    expectation = np.where(wf.burned_out, (1.0 - cfg.burnout_relief) * expectation, expectation)
    wf.expectation = np.where(frozen, wf.expectation, expectation) if np.any(frozen) else expectation
    wf.delivered_this_review[:] = 0.0
