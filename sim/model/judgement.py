"""Managers' informal judgement: what they make of each person's contribution.

Managers cannot see real contribution. What they see each week is contribution misread by
a lasting halo of their own and by weekly noise, leaning on the hours they see people put
in and, where the regime shows it to them, on AI telemetry:

    seen = contribution + typical x (v_h x (hours / 40 - 1) + v_t x telemetry
                                      + noise x (halo + weekly draw) / sqrt 2)
    impression += (seen - impression) / contribution_memory

`typical` is the mean contribution when the organisation starts, so `judgement_noise` is
the sd of the misreading relative to a typical person (0: managers see contribution as it
is). The informal score is the percentile of the impression, stretched by
`informal_spread`. People know how they are judged: they weigh a change by how it would
move their manager's impression (`Judgement.expected`).
"""

from __future__ import annotations

import numpy as np

from sim.core.config import BehaviourConfig
from sim.model.metric import Leaderboard
from sim.model.production import WEEK, WeekOfWork
from sim.model.workforce import Workforce


def telemetry(week: WeekOfWork, typical_tokens: float) -> np.ndarray:
    """What an AI-usage dashboard tells a manager about a person, in [0, 1]: half their
    AI-active days, half their token use against the organisation's typical use."""
    tokens = week.tokens
    return 0.5 * week.ai_active_days / 5.0 + 0.5 * tokens / (tokens + max(typical_tokens, 1e-9))


class Judgement:
    """Informal judgement of the whole workforce, and what people expect of it."""

    def __init__(self, cfg: BehaviourConfig, typical: float = 1.0, typical_tokens: float = 1.0):
        self.cfg = cfg
        self.typical = max(typical, 1e-9)
        self.typical_tokens = typical_tokens
        self.telemetry_shown = False  # whether managers see AI telemetry this week (the regime's)

    def visible(self, week: WeekOfWork, hours: np.ndarray) -> np.ndarray:
        """The part of what a manager sees that is not contribution: hours, telemetry."""
        seen = self.cfg.hours_visibility * ((hours + week.review_given) / WEEK - 1.0)
        if self.telemetry_shown and self.cfg.telemetry_visibility:
            seen = seen + self.cfg.telemetry_visibility * telemetry(week, self.typical_tokens)
        return self.typical * seen

    def observe(
        self, wf: Workforce, contribution: np.ndarray, week: WeekOfWork, rng: np.random.Generator
    ) -> np.ndarray:
        """Update every manager's impression with this week; return informal scores in [0, 1]."""
        b = self.cfg
        seen = contribution + self.visible(week, wf.hours)
        if b.judgement_noise > 0:
            misreading = (wf.halo + rng.standard_normal(wf.n)) / np.sqrt(2.0)
            seen = seen + b.judgement_noise * self.typical * misreading
        wf.impression += (seen - wf.impression) / b.contribution_memory
        return 0.5 + b.informal_spread * (percentile(wf.impression, wf.employed) - 0.5)

    def field(self, wf: Workforce) -> Leaderboard:
        """Everyone's current impression, against which a person judges a change."""
        return Leaderboard(wf.impression[wf.employed])

    def expected(
        self,
        wf: Workforce,
        field: Leaderboard,
        contribution_change: np.ndarray,
        visible_change: np.ndarray,
    ) -> np.ndarray:
        """The informal score a person expects if a change of habits lasted: their
        impression moves by what the manager would see differently."""
        moved = wf.impression + contribution_change + visible_change
        return 0.5 + self.cfg.informal_spread * (field.percentile(moved) - 0.5)


def percentile(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Percentile rank among masked entries (0 elsewhere)."""
    out = np.zeros(len(values))
    idx = np.flatnonzero(mask)
    if len(idx):
        order = np.argsort(values[idx])
        out[idx[order]] = (np.arange(len(idx)) + 0.5) / len(idx)
    return out
