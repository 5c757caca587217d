"""A metric regime as data: a formula over observable signals, a level, a scoring rule.

The composite of a unit (a person, or a team) is
    sum_k weights_k * x_k / sum_k per_k * x_k      (the denominator is 1 without `per`)
where x_k is signal k, divided by the organisation's level when the policy starts, if the
regime normalises. Scores lie in [0, 1]:
- rank: the percentile of the composite among all units (a leaderboard);
- target: the share of the target reached (a quota);
- absolute: 0.5 at the organisation's level when the policy starts, 1 at twice it, 0 at nothing.
With `reset_each_review`, absolute scores re-anchor to the organisation's level at every
review and targets rise in proportion to it, as OKRs are set anew each quarter.
Nothing here knows a regime by name: presets differ only in their numbers.
"""

from __future__ import annotations

import numpy as np

from sim.core.config import RegimeConfig
from sim.model.signals import SIGNAL_NAMES, SIGNALS
from sim.model.workforce import Workforce

EPS = 1e-9


class Metric:
    """Scores people under one regime; also predicts the score of a change they consider."""

    def __init__(self, regime: RegimeConfig, workforce: Workforce):
        self.regime = regime
        self.measures = bool(regime.weights)
        self.names = [s for s in SIGNAL_NAMES if s in regime.weights or s in regime.per]
        self.weights = np.array([regime.weights.get(s, 0.0) for s in self.names])
        self.per = np.array([regime.per.get(s, 0.0) for s in self.names])
        self.has_per = bool(np.any(self.per != 0))
        self.team_level = regime.level == "team"
        self.mean_signal = np.array([SIGNALS[s].team == "mean" for s in self.names])
        self.wf = workforce
        self.scale = np.ones(len(self.names))
        self.reference = 1.0  # the anchor of absolute scores (and of targets, as a ratio)
        self.start_reference = 1.0  # the level when the policy started: the dashboard's 1x
        self.target = regime.target
        self.history = np.zeros((max(regime.window, 1), len(self.names), workforce.n))
        self.weeks_recorded = 0

    # -- the formula ---------------------------------------------------------------
    def units(self, person_signals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Signals of the measured units (people or teams) and which units exist."""
        if not self.team_level:
            return person_signals, self.wf.employed
        sums = np.stack([self.wf.team_sum(row) for row in person_signals])
        headcount = self.wf.team_headcount()
        sums[self.mean_signal] /= np.maximum(headcount, 1)
        return sums, headcount > 0

    def composite(self, unit_signals: np.ndarray) -> np.ndarray:
        x = unit_signals / self.scale[:, None]
        numerator = self.weights @ x
        if not self.has_per:
            return numerator
        return numerator / np.maximum(self.per @ x, EPS)

    def start(self, person_signals: np.ndarray) -> None:
        """Begin measuring: fill the window with the current signals and anchor to them."""
        self.history[:] = person_signals
        self.anchor(person_signals)

    def anchor(self, person_signals: np.ndarray | None = None) -> None:
        """Tie normalisation and absolute scores to the organisation's level when the policy
        starts (by default, its level over the current window)."""
        if person_signals is None:
            person_signals = self.history.mean(axis=0)
        signals, exists = self.units(person_signals)
        if self.regime.normalise:
            level = np.abs(signals[:, exists].mean(axis=1))
            self.scale = np.where(level > EPS, level, 1.0)
        self.reference = self.start_reference = float(self.composite(signals)[exists].mean())
        self.target = self.regime.target

    def reset(self) -> None:
        """Set this review's goals from the level of the last window: absolute scores are
        judged against it, and targets rise (or fall) with it."""
        signals, exists = self.units(self.history.mean(axis=0))
        level = float(self.composite(signals)[exists].mean()) if exists.any() else self.reference
        if abs(self.start_reference) > EPS:
            self.target = self.regime.target * level / self.start_reference
        self.reference = level

    # -- realised scores -----------------------------------------------------------
    def record(self, person_signals: np.ndarray) -> None:
        self.history[self.weeks_recorded % len(self.history)] = person_signals
        self.weeks_recorded += 1

    def composites(self) -> tuple[np.ndarray, np.ndarray]:
        """Each unit's composite over the window, and which units exist."""
        signals, exists = self.units(self.history.mean(axis=0))
        return self.composite(signals), exists

    def per_person(self, unit_values: np.ndarray) -> np.ndarray:
        """Unit values as seen by each person (their team's, at team level)."""
        return unit_values[self.wf.team] if self.team_level else unit_values

    def score(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Per person: their composite over the window (their team's, at team level) and
        their score, with attribution noise drawn from `rng`."""
        composite, exists = self.composites()
        noisy = composite
        if self.regime.noise > 0:
            noisy = composite + self.regime.noise * abs(self.reference) * rng.standard_normal(len(composite))
        if self.regime.scoring == "rank":
            scores = np.zeros(len(noisy))
            order = np.argsort(np.where(exists, noisy, np.inf), kind="stable")
            n = int(exists.sum())
            scores[order[:n]] = (np.arange(n) + 0.5) / max(n, 1)
        else:
            scores = self._level_score(noisy)
        return self.per_person(composite), self.per_person(scores)

    def _level_score(self, composite: np.ndarray) -> np.ndarray:
        if self.regime.scoring == "target":
            return np.clip(composite / max(self.target, EPS), 0.0, 1.0)
        ref = self.reference
        return np.clip(0.5 + 0.5 * (composite - ref) / max(abs(ref), EPS), 0.0, 1.0)

    def index(self, person_composite: np.ndarray) -> float:
        """The metric as a dashboard shows it: the organisation's mean relative to its start."""
        if self.team_level:
            exists = self.wf.team_headcount() > 0
            values = person_composite[np.searchsorted(self.wf.team, np.flatnonzero(exists))]
        else:
            values = person_composite[self.wf.employed]
        if abs(self.start_reference) < EPS or len(values) == 0:
            return float("nan")
        return float(values.mean() / self.start_reference)

    # -- what people expect ----------------------------------------------------------
    def expected_composite(self, trial: np.ndarray, current: np.ndarray) -> np.ndarray:
        """The composite of each person's unit if they worked like `trial` instead of
        `current`. At team level a person moves only their share of the team's signals:
        the incentive is diluted by team size."""
        if not self.team_level:
            return self.composite(trial)
        unit_signals, _ = self.units(current)
        delta = trial - current
        delta[self.mean_signal] /= np.maximum(self.wf.team_headcount()[self.wf.team], 1)
        return self.composite(unit_signals[:, self.wf.team] + delta)

    def field(self, others: np.ndarray) -> Leaderboard | None:
        """The leaderboard as people see it, against which they judge a change."""
        if self.regime.scoring != "rank":
            return None
        unit_signals, exists = self.units(others)
        return Leaderboard(self.composite(unit_signals)[exists])

    def expected_score(self, trial: np.ndarray, current: np.ndarray, field: Leaderboard | None) -> np.ndarray:
        """The score each person expects if they worked like `trial` every week.

        `current` is what they do now; `field` the leaderboard from `Metric.field`, against
        which rank scores are judged.
        """
        composite = self.expected_composite(trial, current)
        if self.regime.scoring != "rank":
            return self._level_score(composite)
        if field is None:
            return np.full(len(composite), 0.5)
        return field.percentile(composite)


class Leaderboard:
    """Percentile of any composite among the units' composites, as a lookup table.

    The empirical distribution is tabulated on a fine uniform grid of asinh(composite/scale),
    so a look-up is a few arithmetic operations per person instead of a binary search;
    between grid points percentiles are interpolated, so small changes move them smoothly.
    """

    BINS = 1 << 14

    def __init__(self, composites: np.ndarray):
        ranked = np.sort(composites)
        n = len(ranked)
        self.empty = n == 0
        if self.empty:
            return
        self.scale = max(abs(float(ranked[n // 2])), EPS)
        stretched = np.arcsinh(ranked / self.scale)
        self.low, high = float(stretched[0]), float(stretched[-1])
        self.width = max(high - self.low, EPS) / self.BINS
        edges = self.low + self.width * np.arange(self.BINS + 1)
        levels = (np.arange(n) + 0.5) / n
        self.table = np.interp(edges, stretched, levels)
        self.rise = self.table[1:] - self.table[:-1]  # across each cell

    def percentile(self, composite: np.ndarray) -> np.ndarray:
        if self.empty:
            return np.full(len(composite), 0.5)
        position = (np.arcsinh(composite / self.scale) - self.low) / self.width
        np.clip(position, 0.0, self.BINS - 1e-9, out=position)
        cell = position.astype(np.int64)
        position -= cell
        return self.table[cell] + position * self.rise[cell]
