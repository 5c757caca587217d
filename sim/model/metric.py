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
A score reads the composite through attribution noise: the regime's own `noise` and, where
people are credited with shared work, an error that grows with `org.interdependence`.
Nothing here knows a regime by name: presets differ only in their numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.core.config import ProductionConfig, RegimeConfig
from sim.model.production import WeekOfWork
from sim.model.runs import Runs, order_within
from sim.model.signals import SIGNAL_NAMES, SIGNALS, attributes_shared_work, draws_attribution_noise, observe
from sim.model.workforce import Workforce

EPS = 1e-9


class Metric:
    """Scores people under one regime; also predicts the score of a change they consider.

    In a batch (`runs`) every organisation has its own level, anchor and target (one value
    per run) and its own leaderboard."""

    def __init__(self, regime: RegimeConfig, workforce: Workforce, runs: Runs):
        self.regime = regime
        self.measures = bool(regime.weights)
        self.names = [s for s in SIGNAL_NAMES if s in regime.weights or s in regime.per]
        self.weights = np.array([regime.weights.get(s, 0.0) for s in self.names])
        self.per = np.array([regime.per.get(s, 0.0) for s in self.names])
        self.has_per = bool(np.any(self.per != 0))
        self.team_level = regime.level == "team"
        self.mean_signal = np.array([SIGNALS[s].team == "mean" for s in self.names])
        self.wf = workforce
        self.runs = runs
        # Each unit's run: a person's, or a team's (teams are numbered run after run).
        self.unit_bounds = runs.team_bounds if self.team_level else runs.bounds
        self.of_unit = np.repeat(np.arange(runs.count), np.diff(self.unit_bounds))
        self.unit_slices = [
            slice(int(lo), int(hi))
            for lo, hi in zip(self.unit_bounds[:-1], self.unit_bounds[1:], strict=True)
        ]
        self.scale = np.ones((len(self.names), runs.count))
        self.reference = np.ones(runs.count)  # the anchor of absolute scores (and of targets, as a ratio)
        self.start_reference = np.ones(runs.count)  # the level when the policy started: the dashboard's 1x
        self.target = np.full(runs.count, float(regime.target))
        self.history = np.zeros((max(regime.window, 1), len(self.names), workforce.n))
        self.weeks_recorded = 0
        # Attribution noise: each run's interdependence, and whether any run's score carries
        # an error of crediting shared work (the draw itself is a switch runs share).
        self.interdependence = np.array([float(c.org.interdependence) for c in runs.configs])
        self.difficulty = np.array([SIGNALS[s].attribution for s in self.names])
        self.draws_noise = draws_attribution_noise(regime, float(self.interdependence.max()))
        self.shared_work = attributes_shared_work(regime) and bool(np.any(self.interdependence > 0))
        self.attribution = np.zeros(runs.count)  # each run's error at interdependence 1, x reference

    # -- the formula ---------------------------------------------------------------
    def units(self, person_signals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Signals of the measured units (people or teams) and which units exist."""
        if not self.team_level:
            return person_signals, self.wf.employed
        sums = np.stack([self.wf.team_sum(row) for row in person_signals])
        headcount = self.wf.team_headcount()
        sums[self.mean_signal] /= np.maximum(headcount, 1)
        return sums, headcount > 0

    def composite(self, unit_signals: np.ndarray, of_unit: np.ndarray | None = None) -> np.ndarray:
        """The formula over each unit's signals (`of_unit`: each column's run, by default the
        units' own; a person's expected composite at team level passes theirs)."""
        x = unit_signals / self.scale[:, self.of_unit if of_unit is None else of_unit]
        bounds = self.unit_bounds if of_unit is None else self.runs.bounds
        numerator = _product(self.weights, x, bounds)
        if not self.has_per:
            return numerator
        return numerator / np.maximum(_product(self.per, x, bounds), EPS)

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
            for r, part in enumerate(self.unit_slices):
                level = np.abs(signals[:, part][:, exists[part]].mean(axis=1))
                self.scale[:, r] = np.where(level > EPS, level, 1.0)
        composite = self.composite(signals)
        self.reference = np.array([float(composite[p][exists[p]].mean()) for p in self.unit_slices])
        self.start_reference = self.reference.copy()
        self.target = np.full(self.runs.count, float(self.regime.target))
        if self.shared_work:
            self.attribution = self._attribution(signals, exists)

    def _attribution(self, signals: np.ndarray, exists: np.ndarray) -> np.ndarray:
        """Each run's attribution error of the composite at interdependence 1, relative to its
        level: the signals' difficulties, each weighted by how far the composite moves in
        proportion to that signal at the organisation's level (d ln composite / d ln x_k),
        taken as independent errors (in quadrature)."""
        out = np.zeros(self.runs.count)
        for r, part in enumerate(self.unit_slices):
            on = exists[part]
            if not on.any():
                continue
            x = signals[:, part][:, on].mean(axis=1) / self.scale[:, r]
            numerator = float(self.weights @ x)
            share = self.weights * x / numerator if abs(numerator) > EPS else np.zeros(len(x))
            if self.has_per:
                denominator = float(self.per @ x)
                if abs(denominator) > EPS:
                    share = share - self.per * x / denominator
            out[r] = float(np.sqrt(np.sum((share * self.difficulty) ** 2)))
        return out

    def reset(self) -> None:
        """Set this review's goals from the level of the last window: absolute scores are
        judged against it, and targets rise (or fall) with it."""
        signals, exists = self.units(self.history.mean(axis=0))
        composite = self.composite(signals)
        for r, part in enumerate(self.unit_slices):
            on = exists[part]
            level = float(composite[part][on].mean()) if on.any() else float(self.reference[r])
            if abs(self.start_reference[r]) > EPS:
                self.target[r] = self.regime.target * level / self.start_reference[r]
            self.reference[r] = level

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

    def score(self) -> tuple[np.ndarray, np.ndarray]:
        """Per person: their composite over the window (their team's, at team level) and
        their score, with attribution noise drawn from each run's generator."""
        composite, exists = self.composites()
        noisy = composite
        if self.draws_noise:
            draws = self.runs.draw(lambda rng, r, k: rng.standard_normal(k), bounds=self.unit_bounds)
            if self.shared_work:
                sd = self.noise_sd()[self.of_unit]
                noisy = composite + sd * np.abs(self.reference)[self.of_unit] * draws
            else:
                noisy = composite + self.regime.noise * np.abs(self.reference)[self.of_unit] * draws
        if self.regime.scoring == "rank":
            scores = np.zeros(len(noisy))
            run = self.of_unit
            order = order_within(np.where(exists, noisy, np.inf), run)  # each run's, lowest first
            n = np.bincount(run, weights=exists, minlength=self.runs.count).astype(np.int64)
            place = np.arange(len(order)) - self.unit_bounds[run[order]]
            ranked = place < n[run[order]]
            scores[order[ranked]] = (place[ranked] + 0.5) / np.maximum(n, 1)[run[order]][ranked]
        else:
            scores = self._level_score(noisy)
        return self.per_person(composite), self.per_person(scores)

    def noise_sd(self) -> np.ndarray:
        """Each run's sd of attribution noise, relative to the reference: the regime's `noise`
        and the error of crediting shared work, independent, so in quadrature. A run whose
        interdependence is 0 keeps `noise` itself."""
        shared = self.interdependence * self.attribution
        noise = float(self.regime.noise)
        return np.where(shared > 0, np.sqrt(noise**2 + shared**2), noise)

    def _level_score(self, composite: np.ndarray, of_unit: np.ndarray | None = None) -> np.ndarray:
        """Scores against each run's target or anchor (`of_unit`: each entry's run)."""
        run = self.of_unit if of_unit is None else of_unit
        if self.regime.scoring == "target":
            return np.clip(composite / np.maximum(self.target, EPS)[run], 0.0, 1.0)
        ref = self.reference[run]
        return np.clip(0.5 + 0.5 * (composite - ref) / np.maximum(np.abs(ref), EPS), 0.0, 1.0)

    def index(self, person_composite: np.ndarray, run: int = 0) -> float:
        """The metric as a dashboard shows it: run `run`'s mean relative to its start."""
        part = self.runs.slices[run]
        if self.team_level:
            exists = self.wf.team_headcount()[self.unit_slices[run]] > 0
            first = self.wf.team_start[self.unit_slices[run]][exists]
            values = person_composite[first]
        else:
            values = person_composite[part][self.wf.employed[part]]
        start = float(self.start_reference[run])
        if abs(start) < EPS or len(values) == 0:
            return float("nan")
        return float(values.mean() / start)

    # -- what people expect ----------------------------------------------------------
    def expected_signals(
        self, week: WeekOfWork, hours: np.ndarray, employed: np.ndarray, prod: ProductionConfig, salary: Any
    ) -> np.ndarray:
        """The signals a person expects of a week; credit claimed from teammates counts only
        where people are measured one by one."""
        claims = not self.team_level
        return observe(self.names, week, hours, employed, prod=prod, salary=salary, claims=claims)

    def expected_composite(self, trial: np.ndarray, current: np.ndarray) -> np.ndarray:
        """The composite of each person's unit if they worked like `trial` instead of
        `current`. At team level a person moves only their share of the team's signals:
        the incentive is diluted by team size."""
        if not self.team_level:
            return self.composite(trial)
        unit_signals, _ = self.units(current)
        delta = trial - current
        delta[self.mean_signal] /= np.maximum(self.wf.team_headcount()[self.wf.team], 1)
        return self.composite(unit_signals[:, self.wf.team] + delta, self.runs.of_slot)

    def field(self, others: np.ndarray) -> Leaderboards | None:
        """The leaderboard as people see it, against which they judge a change."""
        if self.regime.scoring != "rank":
            return None
        unit_signals, exists = self.units(others)
        return Leaderboards(self.composite(unit_signals), exists, self.unit_bounds, self.runs.bounds)

    def expected_score(
        self, trial: np.ndarray, current: np.ndarray, field: Leaderboards | None
    ) -> np.ndarray:
        """The score each person expects if they worked like `trial` every week.

        `current` is what they do now; `field` the leaderboard from `Metric.field`, against
        which rank scores are judged.
        """
        composite = self.expected_composite(trial, current)
        if self.regime.scoring != "rank":
            return self._level_score(composite, self.runs.of_slot)
        if field is None:
            return np.full(len(composite), 0.5)
        return field.percentile(composite)


class Slots:
    """The slots `lo:hi` of a workforce (whole runs, so whole teams, `team_lo:team_hi`) as a
    workforce of their own: what a `Metric` reads of the people it scores."""

    def __init__(self, wf: Workforce, lo: int, hi: int, team_lo: int, team_hi: int):
        self.whole, self.lo, self.hi = wf, lo, hi
        self.n, self.n_teams = hi - lo, team_hi - team_lo
        self.team = wf.team[lo:hi] - team_lo
        self.team_start = wf.team_start[team_lo:team_hi] - lo

    @property
    def employed(self) -> np.ndarray:
        return self.whole.employed[self.lo : self.hi]

    def team_sum(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.team, weights=values * self.employed, minlength=self.n_teams)

    def team_headcount(self) -> np.ndarray:
        return np.bincount(self.team, weights=self.employed, minlength=self.n_teams)


class Metrics:
    """Several regimes in one batch: the runs under each regime lie next to each other
    (`parts`: the first and last-but-one run of each), and each regime's `Metric` scores its
    own runs' slots, as it would alone. Signals are observed once for the batch, under the
    union of the regimes' `names`; each regime reads its own rows. What people expect is
    put together slot by slot, so `adapt` reads it as it reads one regime's."""

    def __init__(self, runs: Runs, workforce: Workforce, parts: list[tuple[int, int]]):
        self.runs = runs
        self.n = workforce.n
        self.metrics: list[Metric] = []
        self.slots: list[slice] = []
        for a, b in parts:
            lo, hi = int(runs.bounds[a]), int(runs.bounds[b])
            view = Slots(workforce, lo, hi, int(runs.team_bounds[a]), int(runs.team_bounds[b]))
            sub = Runs(runs.configs[a:b], runs.generators[a:b])
            self.metrics.append(Metric(runs.configs[a].regime, view, sub))  # type: ignore[arg-type]
            self.slots.append(slice(lo, hi))
        self.names = [s for s in SIGNAL_NAMES if any(s in m.names for m in self.metrics)]
        self.rows = [np.array([self.names.index(s) for s in m.names], dtype=np.int64) for m in self.metrics]
        self.measures = any(m.measures for m in self.metrics)
        self.measured = np.repeat([m.measures for m in self.metrics], [m.wf.n for m in self.metrics])
        self.team_level = False  # read by nobody: each regime's own is `metrics[k].team_level`

    @property
    def weeks_recorded(self) -> int:
        return self.metrics[0].weeks_recorded

    @weeks_recorded.setter
    def weeks_recorded(self, weeks: int) -> None:
        for m in self.metrics:
            m.weeks_recorded = weeks

    def _part(self, k: int, signals: np.ndarray) -> np.ndarray:
        """Regime `k`'s rows of the batch's signals, at its slots."""
        return signals[self.rows[k], self.slots[k]]

    def record(self, person_signals: np.ndarray) -> None:
        for k, m in enumerate(self.metrics):
            m.record(self._part(k, person_signals))

    def start(self, person_signals: np.ndarray) -> None:
        for k, m in enumerate(self.metrics):
            m.start(self._part(k, person_signals))

    def expected_signals(
        self, week: WeekOfWork, hours: np.ndarray, employed: np.ndarray, prod: ProductionConfig, salary: Any
    ) -> np.ndarray:
        claimed = observe(self.names, week, hours, employed, prod=prod, salary=salary)
        if not any(m.team_level for m in self.metrics):
            return claimed
        unclaimed = observe(self.names, week, hours, employed, prod=prod, salary=salary, claims=False)
        for m, part in zip(self.metrics, self.slots, strict=True):
            if m.team_level:
                claimed[:, part] = unclaimed[:, part]
        return claimed

    def field(self, others: np.ndarray) -> list[Leaderboards | None]:
        return [m.field(self._part(k, others)) if m.measures else None for k, m in enumerate(self.metrics)]

    def expected_score(
        self, trial: np.ndarray, current: np.ndarray, field: list[Leaderboards | None]
    ) -> np.ndarray:
        """Each regime's expected scores at its slots (0.5 where nothing is measured, which
        `adapt` never adds)."""
        out = np.full(self.n, 0.5)
        for k, m in enumerate(self.metrics):
            if m.measures:
                out[self.slots[k]] = m.expected_score(self._part(k, trial), self._part(k, current), field[k])
        return out

    def expected_composite(self, trial: np.ndarray, current: np.ndarray) -> np.ndarray:
        out = np.zeros(self.n)
        for k, m in enumerate(self.metrics):
            out[self.slots[k]] = m.expected_composite(self._part(k, trial), self._part(k, current))
        return out


def _product(weights: np.ndarray, x: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """`weights @ x`, run by run (`bounds`), as each run alone computes it: BLAS may round a
    column differently by where it falls in the array."""
    if len(bounds) == 2:
        return weights @ x
    out = np.empty(x.shape[1])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        out[lo:hi] = weights @ x[:, lo:hi]
    return out


class Leaderboards:
    """Each run's `Leaderboard`, built and looked up for all runs at once.

    The entries of `values` that `exist` make the boards, run by run (`bounds`: where each
    run's entries start); look-ups are by slot (`slot_bounds`). A small board's look-up is
    `Leaderboard.percentile`'s arithmetic, with NumPy's `interp` (binary search, slope,
    `fp[j] + slope * (x - xp[j])`) done for every run in one pass, so each run gets the
    numbers it gets alone. A large board keeps its table, as alone.
    """

    def __init__(self, values: np.ndarray, exists: np.ndarray, bounds: np.ndarray, slot_bounds: np.ndarray):
        count = len(bounds) - 1
        self.single = Leaderboard(values[exists]) if count == 1 else None
        if self.single is not None:  # one run: the board itself
            return
        self.slot_of_run = np.repeat(np.arange(count), np.diff(slot_bounds))
        of_entry = np.repeat(np.arange(count), np.diff(bounds))
        idx = np.flatnonzero(exists)
        run = of_entry[idx]
        order = order_within(values[idx], run)
        ranked, run = values[idx][order], run[order]
        n = np.bincount(run, minlength=count)
        start = np.concatenate([[0], np.cumsum(n)])
        self.n, self.start = n, start
        has = n > 0
        middle = np.where(has, start[:-1] + n // 2, 0)
        scale = np.ones(count)
        if len(ranked):
            scale = np.where(has, np.maximum(np.abs(ranked[np.minimum(middle, len(ranked) - 1)]), EPS), 1.0)
        self.scale = scale
        stretched = np.arcsinh(ranked / scale[run])
        last = np.maximum(start[1:] - 1, 0)
        low = np.where(
            has, stretched[np.minimum(start[:-1], max(len(ranked) - 1, 0))] if len(ranked) else 0.0, 0.0
        )
        high = np.where(
            has, stretched[np.minimum(last, max(len(ranked) - 1, 0))] if len(ranked) else 0.0, 0.0
        )
        self.low = low
        self.width = np.maximum(high - low, EPS) / Leaderboard.BINS
        local = np.arange(len(ranked)) - start[run]
        self.levels = (local + 0.5) / n[run]
        self.stretched = stretched
        # Where each entry lies on its board's grid: the first grid point at or above it,
        # found exactly (the grid point's own arithmetic decides), numbered run after run.
        width, lo = self.width[run], low[run]
        first = np.ceil((stretched - lo) / width).astype(np.int64)
        for _ in range(2):
            first = np.where(lo + width * first < stretched, first + 1, first)
            first = np.where((first > 0) & (lo + width * (first - 1) >= stretched), first - 1, first)
        self.grid_key = first + run * (Leaderboard.BINS + 2)
        self.tables = {
            r: Leaderboard(ranked[start[r] : start[r + 1]])
            for r in range(count)
            if n[r] > Leaderboard.TABLED_FROM
        }

    def _at(self, on: dict[str, np.ndarray], cells: np.ndarray) -> np.ndarray:
        """`np.interp` of each run's grid points `cells` on its own board, for all at once;
        `on` holds each look-up's board figures (`_boards_of`), gathered once for both cells."""
        x = on["low"] + on["width"] * cells
        j = np.searchsorted(self.grid_key, cells + on["grid_offset"], side="right") - 1 - on["start"]
        below = on["start"] + np.clip(j, 0, on["inner"])
        above = np.minimum(below + 1, on["last"])
        xp, fp = self.stretched, self.levels
        x_below, f_below = xp[below], fp[below]
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = (fp[above] - f_below) / (xp[above] - x_below)
            value = slope * (x - x_below) + f_below
        value = np.where(x_below == x, f_below, value)
        value = np.where(j >= on["n"] - 1, on["top"], value)
        return np.where(j < 0, on["bottom"], value)

    def _boards_of(self, run: np.ndarray) -> dict[str, np.ndarray]:
        """Each look-up's board: its run's grid and entries, read once for both grid points."""
        start, n = self.start[run], self.n[run]
        last = start + n - 1
        return {
            "low": self.low[run],
            "width": self.width[run],
            "grid_offset": run * (Leaderboard.BINS + 2),  # where its run's keys start
            "start": start,
            "n": n,
            "inner": np.maximum(n - 2, 0),
            "last": last,
            "top": self.levels[last],
            "bottom": self.levels[start],
        }

    def percentile(self, composite: np.ndarray) -> np.ndarray:
        if self.single is not None:
            return self.single.percentile(composite)
        out = np.full(len(composite), 0.5)
        if not len(self.stretched):
            return out
        lazy = self.n[self.slot_of_run] > 0
        for r, board in self.tables.items():  # a large board: its own table, as alone
            mine = self.slot_of_run == r
            out[mine] = board.percentile(composite[mine])
            lazy &= ~mine
        slots = np.flatnonzero(lazy)
        run = self.slot_of_run[slots]
        on = self._boards_of(run)
        position = (np.arcsinh(composite[slots] / self.scale[run]) - on["low"]) / on["width"]
        np.clip(position, 0.0, Leaderboard.BINS - 1e-9, out=position)
        cell = position.astype(np.int64)
        position -= cell
        below = self._at(on, cell)
        out[slots] = below + position * (self._at(on, cell + 1) - below)
        return out


class Leaderboard:
    """Percentile of any composite among the units' composites, as a lookup table.

    The empirical distribution is tabulated on a fine uniform grid of asinh(composite/scale),
    so a look-up is a few arithmetic operations per person instead of a binary search;
    between grid points percentiles are interpolated, so small changes move them smoothly.
    A small leaderboard (at most `TABLED_FROM` units) computes only the grid points its
    look-ups fall between, which are the same numbers the table would hold.
    """

    BINS = 1 << 14
    TABLED_FROM = 4096  # units: below, two binary searches a look-up cost less than the table

    def __init__(self, composites: np.ndarray):
        ranked = np.sort(composites)
        n = len(ranked)
        self.empty = n == 0
        if self.empty:
            return
        self.scale = max(abs(float(ranked[n // 2])), EPS)
        self.stretched = np.arcsinh(ranked / self.scale)
        self.low, high = float(self.stretched[0]), float(self.stretched[-1])
        self.width = max(high - self.low, EPS) / self.BINS
        self.levels = (np.arange(n) + 0.5) / n
        self.table: np.ndarray | None = None
        if n > self.TABLED_FROM:
            self.table = self._at(np.arange(self.BINS + 1))
            self.rise = self.table[1:] - self.table[:-1]  # across each cell

    def _at(self, cells: np.ndarray) -> np.ndarray:
        """The table's entries at these grid points."""
        return np.interp(self.low + self.width * cells, self.stretched, self.levels)

    def percentile(self, composite: np.ndarray) -> np.ndarray:
        if self.empty:
            return np.full(len(composite), 0.5)
        position = (np.arcsinh(composite / self.scale) - self.low) / self.width
        np.clip(position, 0.0, self.BINS - 1e-9, out=position)
        cell = position.astype(np.int64)
        position -= cell
        if self.table is not None:
            return self.table[cell] + position * self.rise[cell]
        below = self._at(cell)
        return below + position * (self._at(cell + 1) - below)
