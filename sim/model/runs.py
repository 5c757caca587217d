"""Several organisations advanced together: each run's posts laid end to end.

A batch of runs is one workforce whose slots are the runs' slots one after another, so a
week's arrays are computed once for the whole batch and Python's overhead is paid once a
week, not once a run. Teams never span runs, so what teams do together is unchanged. What
belongs to one run stays its own: every random draw comes from the run's own generator, in
the order the run alone would make it, and whatever ranks or averages over an organisation
(percentiles, leaderboards, anchors, the weekly figures) is taken over the run's slots
only. A run in a batch therefore gives the same tables as the same run alone, bit for bit
(`tests/test_batch.py`).

Runs in one batch share their structure (`structure`): the horizon, the burn-in, the
review period, the durability window and the gaming repertoire, and the switches that
decide whether a draw is made at all. Their numbers may differ: a parameter that differs
between runs becomes an array over the slots (`merged`), which the mechanisms' elementwise
arithmetic reads as it reads a number. Their regimes may differ too: the runs under each
regime lie next to each other and that regime's own `Metric` scores them
(`sim.model.metric.Metrics`); what the batch reads of a regime (pressure, whether managers
see telemetry, whether the policy is in force) is one value per slot.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import fields, is_dataclass, replace
from typing import Any

import numpy as np

from sim.core.config import Config, RegimeConfig
from sim.model.gaming import shape as gaming_shape
from sim.model.signals import draws_attribution_noise

# Keys that must be the same in every run of a batch: they shape the arrays or the calendar.
# The regime is not one: each regime of a batch scores its own runs.
SHARED_KEYS = (
    "org.weeks",
    "org.burn_in_weeks",
    "org.review_period",
    "production.durability_weeks",
    "workforce.initial_split",
    "behaviour.adaptation",
)
NOT_MODEL = ("seed", "replicates", "compare", "output")  # how a run is launched and saved
# What names a run for its reader, which the model never reads: runs under regimes that differ
# only in these (the main job's baseline and its frame without AI tools) share a batch.
LABELS = ("name", "label", "description")


def structure(cfg: Config) -> tuple:
    """What runs batched together must share: `SHARED_KEYS`, which gaming actions there are
    (`sim.model.gaming.shape`; what an hour of each does may differ), and every switch that decides
    whether a run draws from its generator at all (a draw skipped in one run and made in
    another would need two different weeks)."""
    w, b = cfg.workforce, cfg.behaviour
    shared = (*(repr(_get(cfg, key)) for key in SHARED_KEYS), gaming_shape(cfg.gaming))
    switches = (
        b.judgement_noise > 0,
        b.imitation > 0,
        w.theater_habit > 0 and w.gaming_inclined_share > 0,
        cfg.org.ramp_weeks > 0,
        draws_attribution_noise(cfg.regime, cfg.org.interdependence),
    )
    return shared + switches


def unlabelled(value: Any) -> Any:
    """A regime without its name, label and description (`LABELS`)."""
    if isinstance(value, RegimeConfig):
        return replace(value, name="", label="", description="")
    return value


def _get(cfg: Any, key: str) -> Any:
    for part in key.split("."):
        cfg = getattr(cfg, part)
    return cfg


class Runs:
    """The runs of a batch: their configs, generators and slots (`bounds[r]:bounds[r+1]`)."""

    def __init__(self, configs: Sequence[Config], generators: Sequence[np.random.Generator]):
        if len(configs) != len(generators) or not configs:
            raise ValueError("a batch needs one generator per config, and at least one run")
        shapes = {structure(c) for c in configs}
        if len(shapes) > 1:
            raise ValueError("runs batched together must share their structure (sim.model.runs.structure)")
        self.configs = list(configs)
        self.generators = list(generators)
        self.count = len(configs)
        self.sizes = np.array([c.org.n_employees for c in configs], dtype=np.int64)
        self.bounds = np.concatenate([[0], np.cumsum(self.sizes)])
        self.n = int(self.bounds[-1])
        self.of_slot = np.repeat(np.arange(self.count), self.sizes)
        self.slices = [
            slice(int(lo), int(hi)) for lo, hi in zip(self.bounds[:-1], self.bounds[1:], strict=True)
        ]
        team_sizes = np.array([c.org.team_size for c in configs], dtype=np.int64)
        teams = -(-self.sizes // team_sizes)
        self.team_bounds = np.concatenate([[0], np.cumsum(teams)])
        # Each slot's team, numbered across the batch: run r's teams follow run r-1's.
        local = np.arange(self.n) - self.bounds[self.of_slot]
        self.team = self.team_bounds[self.of_slot] + local // team_sizes[self.of_slot]
        self.team_size = team_sizes[self.of_slot]

    @classmethod
    def one(cls, rng: np.random.Generator, cfg: Config | None = None, n: int | None = None) -> Runs:
        """A single run of `n` slots (by default `cfg`'s headcount) drawing from `rng`: what a
        mechanism needs outside a model (tests, experiments)."""
        cfg = cfg if cfg is not None else Config()
        if n is not None and n != cfg.org.n_employees:
            cfg = replace(cfg, org=replace(cfg.org, n_employees=n))
        return cls([cfg], [rng])

    def draw(
        self,
        make: Callable[[np.random.Generator, int, int], np.ndarray],
        among: np.ndarray | None = None,
        bounds: np.ndarray | None = None,
    ) -> np.ndarray:
        """Each run's draws from its own generator, laid end to end along the last axis.

        `make(generator, run, k)` draws run `run`'s `k` values: one per slot, or one per slot
        of `among` (grouped run after run) in that run, or one per unit of another layout given by its
        `bounds` (teams: `team_bounds`)."""
        if bounds is None:
            bounds = self.bounds
        counts = np.diff(bounds) if among is None else np.array([len(part) for part in self.split(among)])
        if self.count == 1:
            return make(self.generators[0], 0, int(counts[0]))
        # A run with nothing to draw is skipped: a draw of no values leaves a generator as it
        # was, and most runs of a batch hire nobody in a given week.
        drawing = np.flatnonzero(counts)
        if not len(drawing):
            return make(self.generators[0], 0, 0)
        parts = [make(self.generators[r], int(r), int(counts[r])) for r in drawing]
        return np.concatenate(parts, axis=-1) if len(parts) > 1 else parts[0]

    def split(self, slots: np.ndarray) -> list[np.ndarray]:
        """`slots` (grouped run after run, as `np.flatnonzero` gives them) run by run."""
        if self.count == 1:
            return [slots]
        cuts = np.searchsorted(self.of_slot[slots], np.arange(self.count + 1))
        return [slots[lo:hi] for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)]

    def per_run(self, value: Any) -> np.ndarray:
        """A parameter of `merged` (a number, or an array over slots) as one value per run."""
        if isinstance(value, np.ndarray):
            return value[self.bounds[:-1]]
        return np.full(self.count, value)


def merged(runs: Runs) -> Config:
    """One config for the batch: a key the runs share keeps its value; a number or a switch
    that differs between runs becomes an array over the slots, each slot holding its run's
    (a switch that decides whether a draw is made must be shared: `structure`). Where the
    regimes differ (beyond their names), the batch's regime is None: each is read from its
    own runs' configs (`Organisations.regimes`)."""
    if runs.count == 1:
        return runs.configs[0]
    first = runs.configs[0]
    out = copy.copy(first)
    for section in fields(Config):
        if section.name in NOT_MODEL:
            continue
        values = [getattr(c, section.name) for c in runs.configs]
        if not is_dataclass(values[0]):
            continue  # the gaming repertoire: each run's own (sim.model.gaming.Repertoire)
        if section.name == "regime":
            if any(repr(unlabelled(v)) != repr(unlabelled(values[0])) for v in values[1:]):
                # Several regimes: each is read from its own runs' configs (Organisations.regimes).
                setattr(out, section.name, None)
            continue
        part = copy.copy(values[0])
        for f in fields(part):
            each = [getattr(v, f.name) for v in values]
            if all(e == each[0] for e in each[1:]):
                continue
            if all(isinstance(e, bool) for e in each):  # a switch read slot by slot (the channels')
                setattr(part, f.name, np.array(each, dtype=bool)[runs.of_slot])
                continue
            if not all(isinstance(e, (int, float)) and not isinstance(e, bool) for e in each):
                raise ValueError(f"{section.name}.{f.name} differs between runs of one batch")
            setattr(part, f.name, np.array(each, dtype=float)[runs.of_slot])
        setattr(out, section.name, part)
    return out


def at(value: Any, slots: np.ndarray) -> Any:
    """A parameter of `merged` at some slots: the number itself, or the slots' values."""
    return value[slots] if isinstance(value, np.ndarray) else value


def column_totals(values: np.ndarray) -> np.ndarray:
    """`values.sum(axis=0)`, row after row, however many columns: NumPy sums the rows of a
    single column pairwise but of several columns one after another, which rounds
    differently, so a person would get a different total alone than beside others."""
    if len(values) == 0:
        return np.zeros(values.shape[1:])
    total = values[0].copy()
    for row in values[1:]:
        total += row
    return total


def stable_argsort(values: np.ndarray) -> np.ndarray:
    """`np.argsort(values, kind="stable")`, the same permutation in about 60% of its time on
    a large organisation: NumPy's unstable sort (vectorised), then only the entries whose
    values tie (NaNs tie with NaNs, as in NumPy's order) put back in order of entry."""
    order = np.argsort(values)
    if len(order) < 2:
        return order
    ranked = values[order]
    same = ranked[1:] == ranked[:-1]
    nan = np.isnan(ranked)
    same |= nan[1:] & nan[:-1]
    if not same.any():
        return order
    tied = np.zeros(len(order), dtype=bool)
    tied[:-1] = same
    tied[1:] |= same
    at = np.flatnonzero(tied)
    starts = np.ones(len(order), dtype=np.int64)
    starts[1:] = ~same
    group = np.cumsum(starts)[at]  # the tie each entry belongs to, in sorted order
    key = group * len(order) + order[at]  # by tie, then by entry
    key.sort()
    order[at] = key % len(order)
    return order


def order_within(values: np.ndarray, run: np.ndarray) -> np.ndarray:
    """The permutation that sorts entries by run, then by value, ties in order of entry:
    `np.lexsort((values, run))`, in a fraction of its time (a stable sort of the values, then
    a radix sort of their runs)."""
    by_value = stable_argsort(values)
    if not len(run) or run[0] == run[-1] and (run == run[0]).all():  # one run: sorted already
        return by_value
    small = run.astype(np.int16) if run.max() < 1 << 15 else run
    return by_value[np.argsort(small[by_value], kind="stable")]
