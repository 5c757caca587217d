"""Trust in the organisation: a stock that monitoring erodes and time rebuilds.

Surveillance signals distrust and crowds out intrinsic motivation (Falk & Kosfeld 2006,
"the hidden costs of control"); being judged on what real work cannot move is felt as
unfair (procedural justice: Colquitt et al. 2001). Trust T in [0, 1] (1: as trusted as an
unmonitored workplace) moves each week as

    T += rebuild x (1 - T) - T x (monitoring_erosion x visible telemetry
                                  + misalignment_erosion x pressure x (1 - influence))

with `influence` the share of the score's gradient that lies along real work rather than
gaming (S6b), so a score that real work moves costs little trust and a score that only
gaming moves (tokens, prompts) costs much. Lower
trust weakens intrinsic motivation (S7) and raises the quit hazard (S11).
"""

from __future__ import annotations

import numpy as np

from sim.core.config import TrustConfig
from sim.model.workforce import Workforce


def update_trust(
    wf: Workforce, cfg: TrustConfig, *, monitored: bool | np.ndarray, pressure: float | np.ndarray
) -> None:
    """`monitored` and `pressure`: one regime's, or, with several in a batch, each slot's."""
    if np.ndim(monitored) == 0:
        erosion = np.zeros(wf.n) + (cfg.monitoring_erosion if monitored else 0.0)
    else:
        erosion = np.zeros(wf.n) + np.where(monitored, cfg.monitoring_erosion, 0.0)
    if np.any(np.asarray(pressure) > 0):  # where a slot's pressure is 0, this adds exactly 0
        misaligned = 1.0 - np.clip(np.nan_to_num(wf.influence, nan=1.0), 0.0, 1.0)
        erosion = erosion + cfg.misalignment_erosion * pressure * misaligned
    trust = wf.trust + cfg.rebuild * (1.0 - wf.trust) - erosion * wf.trust
    wf.trust = np.where(wf.employed, np.clip(trust, 0.0, 1.0), 1.0)


def intrinsic_motivation(wf: Workforce, cfg: TrustConfig) -> np.ndarray:
    """Weight of real contribution in a person's utility: 1 at full trust."""
    return 1.0 - cfg.motivation_loss * (1.0 - wf.trust)
