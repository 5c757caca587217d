"""The verdict: was each policy better, worse or no different from measuring nothing?

A policy and its baseline run on the same seeds (the same people, the same luck), so each
seed gives a paired difference. A policy is better or worse on a figure only when the 95%
t interval of those paired differences leaves out zero; otherwise the difference is within
the run-to-run noise of the simulation and the verdict says "no different". The verdict is
written from the comparison table (`sim.hr.report.table_frame`), never by hand, and quotes only
numbers that are cells of that table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sim.core.measures import BY_COLUMN, Measure, change, fmt

CONFIDENCE = 0.95

BETTER, WORSE, SAME, UNKNOWN = "better", "worse", "no different", "too few runs"
TRADE_OFF = "trade-off"


def mean_interval(values: Sequence[float] | np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t interval across seeds; the interval is NaN with fewer than two runs."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    if len(x) < 2:
        return mean, float("nan"), float("nan")
    sem = float(stats.sem(x))
    if sem == 0:
        return mean, mean, mean
    low, high = stats.t.interval(CONFIDENCE, len(x) - 1, loc=mean, scale=sem)
    return mean, float(low), float(high)


def paired_difference(
    policy: Sequence[float] | np.ndarray, baseline: Sequence[float] | np.ndarray
) -> tuple[float, float, float]:
    """Mean and 95% t interval of policy minus baseline, run by run (the runs share seeds)."""
    a, b = np.asarray(policy, dtype=float), np.asarray(baseline, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired runs differ in number: {a.shape} and {b.shape}")
    return mean_interval(a - b)


def call(mean: float, low: float, high: float, better: int) -> str:
    """Better, worse or no different, from a difference's interval and which way is better."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return UNKNOWN
    if low <= 0 <= high:
        return SAME
    return BETTER if mean * better > 0 else WORSE


@dataclass(frozen=True)
class Criterion:
    """One thing the verdict weighs, with the words for a policy doing better or worse on it."""

    column: str
    aspect: str  # value | cost | people
    more: str  # what a rise is called
    less: str  # what a fall is called
    relative: bool  # quote the change in per cent (value, cost) or the two levels (people)

    @property
    def measure(self) -> Measure:
        return BY_COLUMN[self.column]


CRITERIA: tuple[Criterion, ...] = (
    Criterion("durable_value_per_head", "value", "more durable value", "less durable value", True),
    Criterion(
        "cost_per_durable_value",
        "cost",
        "a higher cost per unit of durable value",
        "a lower cost per unit of durable value",
        True,
    ),
    Criterion("burnout_share", "people", "more people burned out", "fewer people burned out", False),
    Criterion("attrition", "people", "more people leaving", "fewer people leaving", False),
    Criterion(
        "regretted_attrition",
        "people",
        "more top contributors leaving",
        "fewer top contributors leaving",
        False,
    ),
)
ASPECTS = {"value": "Durable value", "cost": "Cost per unit of durable value", "people": "People"}
PEOPLE_UNITS = {"burnout_share": "of staff", "attrition": "a year", "regretted_attrition": "of staff a year"}


@dataclass(frozen=True)
class Judgement:
    """A policy on one criterion: the call and the table's numbers behind it."""

    criterion: Criterion
    outcome: str
    policy: str  # the policy's cell
    baseline: str  # the baseline's cell
    change: str  # the relative change, as in the table

    @property
    def phrase(self) -> str:
        """'more people burned out (4.1% of staff against 2.0%)', 'less durable value (-12%)'."""
        c = self.criterion
        if self.outcome in (BETTER, WORSE):
            rise = (self.outcome == BETTER) == (c.measure.better > 0)
        else:
            rise = _number(self.policy) > _number(self.baseline)
        words = c.more if rise else c.less
        if c.relative and self.change == "0%":
            words = "slightly " + words.removeprefix("a ")
        if c.relative:
            return f"{words} ({self.change}: {self.policy} against {self.baseline})"
        return f"{words} ({self.policy} {PEOPLE_UNITS[c.column]} against {self.baseline})"


def _number(text: str) -> float:
    try:
        return float(text.replace("$", "").replace(",", "").replace("%", ""))
    except ValueError:
        return float("nan")


@dataclass(frozen=True)
class PolicyVerdict:
    """One policy against measuring nothing, criterion by criterion."""

    row: str
    name: str
    start_week: int | None
    judgements: tuple[Judgement, ...]

    def on(self, outcome: str) -> list[Judgement]:
        return [j for j in self.judgements if j.outcome == outcome]

    def aspect(self, aspect: str) -> str:
        """Better, worse, no different or 'mixed' (people better on one count, worse on another)."""
        outcomes = {j.outcome for j in self.judgements if j.criterion.aspect == aspect}
        if UNKNOWN in outcomes:
            return UNKNOWN
        if BETTER in outcomes and WORSE in outcomes:
            return "mixed"
        return BETTER if BETTER in outcomes else WORSE if WORSE in outcomes else SAME

    @property
    def overall(self) -> str:
        outcomes = {j.outcome for j in self.judgements}
        if UNKNOWN in outcomes:
            return UNKNOWN
        if BETTER in outcomes and WORSE in outcomes:
            return TRADE_OFF
        return BETTER if BETTER in outcomes else WORSE if WORSE in outcomes else SAME


ORDER = {BETTER: 0, TRADE_OFF: 1, SAME: 2, WORSE: 3, UNKNOWN: 4}


def judge(table: pd.DataFrame) -> list[PolicyVerdict]:
    """Every policy row of a comparison table against its baseline row, the best first.

    The table needs, per criterion column `c`, its mean `c` and the paired difference from the
    baseline `c_diff`, `c_diff_low`, `c_diff_high`; other columns are ignored.
    """
    rows = table.set_index("row", drop=False)
    verdicts = []
    for _, row in rows[rows["compared_with"].fillna("") != ""].iterrows():
        base = rows.loc[row["compared_with"]]
        judgements = []
        for c in CRITERIA:
            mean, low, high = (float(row[f"{c.column}_diff{s}"]) for s in ("", "_low", "_high"))
            ratio = float(row[c.column]) / float(base[c.column]) - 1 if float(base[c.column]) else np.nan
            judgements.append(
                Judgement(
                    c,
                    call(mean, low, high, c.measure.better),
                    fmt(c.measure, float(row[c.column])),
                    fmt(c.measure, float(base[c.column])),
                    change(ratio),
                )
            )
        start = row.get("start_week")
        start = int(start) if start is not None and np.isfinite(float(start)) else None
        verdicts.append(PolicyVerdict(str(row["row"]), str(row["scenario"]), start, tuple(judgements)))
    position = {v.row: i for i, v in enumerate(verdicts)}
    value = {v.row: _number(v.judgements[0].change.replace("+", "")) for v in verdicts}
    return sorted(
        verdicts,
        key=lambda v: (ORDER[v.overall], -np.nan_to_num(value[v.row], nan=-np.inf), position[v.row]),
    )


def _join(parts: Sequence[str]) -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def headline(verdicts: Sequence[PolicyVerdict]) -> list[str]:
    """The verdict in plain sentences: winners first, then the trade-offs, then the rest."""
    if not verdicts:
        return []
    if any(v.overall == UNKNOWN for v in verdicts):
        return [
            "With one run per policy, a difference cannot be told from the run-to-run noise of the "
            "simulation, so there is no verdict: build the report with --seeds 3 or more."
        ]
    lines = []
    winners = [v for v in verdicts if v.overall == BETTER]
    for v in winners:
        same = [ASPECTS[a].lower() for a in ASPECTS if v.aspect(a) == SAME]
        tail = f"; no different on {_join(same)}" if same else ""
        lines.append(
            f"{v.name} beat measuring nothing: {_join([j.phrase for j in v.on(BETTER)])}, "
            f"and nothing clearly worse{tail}."
        )
    if not winners:
        lines.append("No policy beat measuring nothing.")
    trade_offs = [v for v in verdicts if v.overall == TRADE_OFF]
    for v in trade_offs[:2]:
        lines.append(
            f"The trade-off under {v.name}: {_join([j.phrase for j in v.on(BETTER)])}, "
            f"but {_join([j.phrase for j in v.on(WORSE)])}."
        )
    if len(trade_offs) > 2:
        lines.append(f"{_join([v.name for v in trade_offs[2:]])} also traded one thing for another (below).")
    for v in verdicts:
        if v.overall == WORSE:
            worse = v.on(WORSE)
            lines.append(
                f"{v.name} was worse than measuring nothing: {_join([j.phrase for j in worse[:3]])}."
            )
        elif v.overall == SAME:
            lines.append(
                f"{v.name} made no clear difference: on durable value, cost and people alike, it was "
                "within the run-to-run noise of measuring nothing."
            )
    return lines
