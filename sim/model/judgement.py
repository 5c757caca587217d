"""Managers' informal judgement: what they make of each person's contribution.

Managers cannot see real contribution. What they see each week is contribution misread by
a lasting halo of their own and by weekly noise, leaning on the hours they see people put
in and, where the regime shows it to them, on AI telemetry:

    seen = contribution + typical x (v_h x (hours / 40 - 1) + v_t x telemetry
                                      + noise x (halo + weekly draw) / sqrt 2)
                        + v_c x (recorded durable value - real durable value)
    impression += (seen - impression) / contribution_memory

`typical` is the mean contribution when the organisation starts, so `judgement_noise` is
the sd of the misreading relative to a typical person (0: managers see contribution as it
is). `v_c` (`claims_visibility`) is the share of what a person's records overstate (credit
claimed from teammates, less credit lost to them, and deferred defects counted as delivered)
that reaches the manager; it is already in value units, so `typical` does not scale it.
The informal score is the percentile of the impression, stretched by
`informal_spread`. People know how they are judged: they weigh a change by how it would
move their manager's impression (`Judgement.expected`).
"""

from __future__ import annotations

import numpy as np

from sim.core.config import BehaviourConfig
from sim.model.metric import Leaderboards
from sim.model.production import WEEK, WeekOfWork
from sim.model.runs import Runs, order_within, stable_argsort
from sim.model.workforce import Workforce


def telemetry(week: WeekOfWork, typical_tokens: float | np.ndarray) -> np.ndarray:
    """What an AI-usage dashboard tells a manager about a person, in [0, 1]: half their
    AI-active days, half their token use against the organisation's typical use."""
    tokens = week.tokens
    return 0.5 * week.ai_active_days / 5.0 + 0.5 * tokens / (tokens + np.maximum(typical_tokens, 1e-9))


def overstated(week: WeekOfWork) -> np.ndarray:
    """Durable value a person's records credit them with beyond what they really delivered,
    in value units: credit claimed from teammates, less credit teammates took from them, and
    deferred defects counted as delivered (their rework and the dearer late fix unseen)."""
    return week.recorded("durable_value") - week.durable_value


class Judgement:
    """Informal judgement of the whole workforce, and what people expect of it.

    `typical` and `typical_tokens` are each organisation's, one value per run of the batch
    (`runs`), read by each slot through `runs.of_slot`."""

    def __init__(
        self,
        cfg: BehaviourConfig,
        runs: Runs,
        typical: float | np.ndarray = 1.0,
        typical_tokens: float | np.ndarray = 1.0,
    ):
        self.cfg = cfg
        self.runs = runs
        self.typical_run = np.maximum(np.broadcast_to(np.asarray(typical, dtype=float), (runs.count,)), 1e-9)
        self.typical_tokens_run = np.broadcast_to(
            np.asarray(typical_tokens, dtype=float), (runs.count,)
        ).copy()
        # Whether managers see AI telemetry this week (the regime's): a switch, or a mask over
        # slots in a batch of several regimes.
        self.telemetry_shown: bool | np.ndarray = False

    @property
    def typical_run(self) -> np.ndarray:
        return self._typical_run

    @typical_run.setter
    def typical_run(self, values: np.ndarray) -> None:
        self._typical_run = np.asarray(values, dtype=float)
        self.typical = self._typical_run[self.runs.of_slot]

    @property
    def typical_tokens_run(self) -> np.ndarray:
        return self._typical_tokens_run

    @typical_tokens_run.setter
    def typical_tokens_run(self, values: np.ndarray) -> None:
        self._typical_tokens_run = np.asarray(values, dtype=float)
        self.typical_tokens = self._typical_tokens_run[self.runs.of_slot]

    def visible(self, week: WeekOfWork, hours: np.ndarray, *, with_telemetry: bool = True) -> np.ndarray:
        """The part of what a manager sees that is not contribution, in value units: hours and
        telemetry, which are unitless and so scaled by a typical person's contribution, and
        `claims_visibility` of what the records overstate (`overstated`), which is value
        already and is added unscaled. Both the real week (`observe`) and the weeks people
        imagine (`sim.model.behaviour.adapt`) pass through here; `with_telemetry=False` is
        what a manager would see with no regime showing telemetry."""
        b = self.cfg
        seen = b.hours_visibility * ((hours + week.review_given) / WEEK - 1.0)
        shown = self.telemetry_shown  # a switch, or a mask over slots with several regimes
        if with_telemetry and np.any(shown) and np.any(b.telemetry_visibility):
            with_it = seen + b.telemetry_visibility * telemetry(week, self.typical_tokens)
            seen = with_it if np.ndim(shown) == 0 else np.where(shown, with_it, seen)
        seen = self.typical * seen
        if np.any(b.claims_visibility):  # at 0 in every run of the batch, today's model exactly
            seen = seen + b.claims_visibility * overstated(week)
        return seen

    def observe(self, wf: Workforce, contribution: np.ndarray, week: WeekOfWork) -> np.ndarray:
        """Update every manager's impression with this week; return informal scores in [0, 1]."""
        b = self.cfg
        seen = contribution + self.visible(week, wf.hours)
        if np.any(b.judgement_noise > 0):  # in every run or none (runs.structure)
            weekly = self.runs.draw(lambda rng, r, k: rng.standard_normal(k))
            misreading = (wf.halo + weekly) / np.sqrt(2.0)
            seen = seen + b.judgement_noise * self.typical * misreading
        wf.impression += (seen - wf.impression) / b.contribution_memory
        return 0.5 + b.informal_spread * (percentile(wf.impression, wf.employed, self.runs) - 0.5)

    def field(self, wf: Workforce) -> Leaderboards:
        """Everyone's current impression, against which a person judges a change."""
        return Leaderboards(wf.impression, wf.employed, self.runs.bounds, self.runs.bounds)

    def expected(
        self,
        wf: Workforce,
        field: Leaderboards,
        contribution_change: np.ndarray,
        visible_change: np.ndarray,
    ) -> np.ndarray:
        """The informal score a person expects if a change of habits lasted: their
        impression moves by what the manager would see differently."""
        moved = wf.impression + contribution_change + visible_change
        return 0.5 + self.cfg.informal_spread * (field.percentile(moved) - 0.5)


def percentile(values: np.ndarray, mask: np.ndarray, runs: Runs | None = None) -> np.ndarray:
    """Percentile rank among masked entries (0 elsewhere), within each run of `runs`; ties
    in order of slot."""
    out = np.zeros(len(values))
    idx = np.flatnonzero(mask)
    if not len(idx):
        return out
    if runs is None or runs.count == 1:
        order = stable_argsort(values[idx])
        out[idx[order]] = (np.arange(len(idx)) + 0.5) / len(idx)
        return out
    run = runs.of_slot[idx]
    order = order_within(values[idx], run)
    n = np.bincount(run, minlength=runs.count)
    start = np.concatenate([[0], np.cumsum(n)])
    ranked = run[order]
    out[idx[order]] = (np.arange(len(idx)) - start[ranked] + 0.5) / n[ranked]
    return out
