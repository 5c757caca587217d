"""Who leaves: a weekly quit hazard, and forced ranking at reviews.

The weekly hazard of a person is
    h = h0 * exp(b_o * (outside option - (0.5 + reward)) + b_t * (1 - trust))
           * (1 + b_i * max(ERI - 1, 0)) * (m_b if burned out)
with h0 the weekly hazard of the base annual attrition and reward in [0, 1] (0.5 + reward is
1 at a median evaluation, like the outside option of a median person). Better people have
better outside options, so they leave first when what they are given falls short of what
they could get elsewhere: when a metric rewards others for what they will not do.
"""

from __future__ import annotations

import numpy as np

from sim.core.config import TurnoverConfig
from sim.model.runs import Runs
from sim.model.wellbeing import effort_reward_ratio
from sim.model.workforce import Workforce

# A log-hazard past this makes quitting certain within the week (exp(30) times any weekly base
# rate), so it is cut there rather than overflowing at extreme traits and parameters.
MAX_LOG_HAZARD = 30.0


def weekly_hazard(annual_rate: float | np.ndarray) -> float | np.ndarray:
    return -np.log1p(-annual_rate) / 52.0


def quit_probability(
    wf: Workforce,
    cfg: TurnoverConfig,
    sustainable_hours: float | np.ndarray,
    trust_effect: float | np.ndarray = 0.0,
) -> np.ndarray:
    imbalance = np.maximum(effort_reward_ratio(wf, sustainable_hours) - 1.0, 0.0)
    hazard = (
        weekly_hazard(cfg.base_attrition)
        * np.exp(
            np.minimum(
                cfg.outside_option_quit * (wf.outside_option - (0.5 + wf.reward))
                + trust_effect * (1.0 - wf.trust),
                MAX_LOG_HAZARD,
            )
        )
        * (1.0 + cfg.imbalance_quit * imbalance)
        * np.where(wf.burned_out, cfg.burnout_quit_multiplier, 1.0)
    )
    return np.where(wf.employed, -np.expm1(-hazard), 0.0)


def quits(
    wf: Workforce,
    cfg: TurnoverConfig,
    sustainable_hours: float | np.ndarray,
    runs: Runs,
    trust_effect: float | np.ndarray = 0.0,
) -> np.ndarray:
    """Slots whose occupant quits this week."""
    p = quit_probability(wf, cfg, sustainable_hours, trust_effect)
    return np.flatnonzero(runs.draw(lambda rng, r, k: rng.random(k)) < p)


def forced_ranking(wf: Workforce, share: float | np.ndarray, runs: Runs) -> np.ndarray:
    """Slots of the lowest-scored `share` of each organisation's employees (one share, or
    one per run), ties broken at random: lowest first, run after run."""
    fired = []
    shares = np.broadcast_to(np.asarray(share, dtype=float), (runs.count,))
    for rng, part, cut in zip(runs.generators, runs.slices, shares, strict=True):
        employed = np.flatnonzero(wf.employed[part]) + part.start
        n_fired = int(np.floor(cut * len(employed)))
        if n_fired:
            order = np.lexsort((rng.random(len(employed)), wf.score[employed]))
            fired.append(employed[order[:n_fired]])
    return np.concatenate(fired) if fired else np.empty(0, dtype=np.int64)
