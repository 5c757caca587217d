"""The verdict: did each policy beat measuring nothing on the criteria a CFO decides by?

A policy and its baseline run on the same seeds (the same people, the same luck), so each
seed gives a paired difference. A policy is better or worse on a figure only when the 95%
t interval of those paired differences leaves out zero; otherwise the difference is within
the run-to-run noise of the simulation and the verdict says "no different".

The decision rule (`RULE`): a policy beats measuring nothing only if its cost per unit of
durable value (salaries, tokens and the replacement of leavers) is clearly lower, and it is
not clearly worse on durable value per hour worked, burnout or top contributors leaving.
Durable value per person is shown as context and never decides: a policy can raise it by
making people work longer, which costs hours, health and leavers.

The verdict is written from the comparison table (`sim.hr.report.table_frame`), never by
hand, and quotes only numbers that are cells of that table.
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
NOT_ON_COST = "not on cost"  # better on a count, worse on none, but not cheaper per unit

RULE = (
    "A policy beats measuring nothing only if its cost per unit of durable value (salaries, tokens "
    "and replacing the people who leave) is lower, with the 95% interval of the run-by-run "
    "difference clear of zero, and it is not clearly worse on durable value per hour worked, on "
    "burnout or on top contributors leaving. Durable value per person is shown as context; it never "
    "decides, because a policy can raise it by making people work longer."
)


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
    """One figure the verdict weighs or shows, with the words for a rise and a fall."""

    column: str
    title: str  # as a column of the verdict table
    more: str  # what a rise is called
    less: str  # what a fall is called
    relative: bool  # quote the change in per cent (value, cost) or the two levels (people)
    unit: str = ""  # after a level, for the people counts

    @property
    def measure(self) -> Measure:
        return BY_COLUMN[self.column]


COST = Criterion(
    "cost_per_durable_value",
    "Cost per unit of durable value",
    "a higher cost per unit of durable value",
    "a lower cost per unit of durable value",
    True,
)
# What decides the verdict: cost per unit first, then the three it must not be clearly worse on.
CRITERIA: tuple[Criterion, ...] = (
    COST,
    Criterion(
        "durable_value_per_hour",
        "Durable value per hour worked",
        "more durable value per hour worked",
        "less durable value per hour worked",
        True,
    ),
    Criterion(
        "burnout_share", "Burnout", "more people burned out", "fewer people burned out", False, "of staff"
    ),
    Criterion(
        "regretted_attrition",
        "Top contributors leaving",
        "more top contributors leaving",
        "fewer top contributors leaving",
        False,
        "of staff a year",
    ),
)
# Shown beside the verdict, never deciding it.
CONTEXT: tuple[Criterion, ...] = (
    Criterion(
        "durable_value_per_head",
        "Durable value per person",
        "more durable value per person",
        "less durable value per person",
        True,
    ),
)


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
        """'more people burned out (4.1% of staff against 2.0%)', or for a relative criterion
        'a lower cost per unit of durable value (-8%: $3,312 against $3,600)'."""
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
        return f"{words} ({self.policy} {c.unit} against {self.baseline})"


def _number(text: str) -> float:
    try:
        return float(text.replace("$", "").replace(",", "").replace("%", ""))
    except ValueError:
        return float("nan")


@dataclass(frozen=True)
class PolicyVerdict:
    """One policy against measuring nothing: the deciding criteria, then the context."""

    row: str
    name: str
    start_week: int | None
    judgements: tuple[Judgement, ...]  # CRITERIA, in order
    context: tuple[Judgement, ...] = ()  # CONTEXT, in order

    def on(self, outcome: str) -> list[Judgement]:
        return [j for j in self.judgements if j.outcome == outcome]

    def of(self, column: str) -> Judgement:
        return next(j for j in (*self.judgements, *self.context) if j.criterion.column == column)

    @property
    def overall(self) -> str:
        """The rule: beats measuring nothing only if cheaper per unit and clearly worse on nothing."""
        outcomes = {j.outcome for j in self.judgements}
        if UNKNOWN in outcomes:
            return UNKNOWN
        if WORSE in outcomes:
            return TRADE_OFF if BETTER in outcomes else WORSE
        if self.of(COST.column).outcome == BETTER:
            return BETTER
        return NOT_ON_COST if BETTER in outcomes else SAME


ORDER = {BETTER: 0, NOT_ON_COST: 1, TRADE_OFF: 2, SAME: 3, WORSE: 4, UNKNOWN: 5}


def _judgements(row: pd.Series, base: pd.Series, criteria: Sequence[Criterion]) -> tuple[Judgement, ...]:
    found = []
    for c in criteria:
        mean, low, high = (float(row.get(f"{c.column}_diff{s}", np.nan)) for s in ("", "_low", "_high"))
        level, base_level = float(row.get(c.column, np.nan)), float(base.get(c.column, np.nan))
        ratio = level / base_level - 1 if base_level else np.nan
        found.append(
            Judgement(
                c,
                call(mean, low, high, c.measure.better),
                fmt(c.measure, level),
                fmt(c.measure, base_level),
                change(ratio),
            )  # fmt: skip
        )
    return tuple(found)


def judge(table: pd.DataFrame) -> list[PolicyVerdict]:
    """Every policy row of a comparison table against its baseline row, the best first
    (then the lowest cost per unit of durable value).

    The table needs, per criterion column `c`, its mean `c` and the paired difference from the
    baseline `c_diff`, `c_diff_low`, `c_diff_high`; other columns are ignored.
    """
    rows = table.set_index("row", drop=False)
    verdicts = []
    for _, row in rows[rows["compared_with"].fillna("") != ""].iterrows():
        base = rows.loc[row["compared_with"]]
        start = row.get("start_week")
        start = int(start) if start is not None and np.isfinite(float(start)) else None
        verdicts.append(
            PolicyVerdict(
                str(row["row"]),
                str(row["scenario"]),
                start,
                _judgements(row, base, CRITERIA),
                _judgements(row, base, CONTEXT),
            )  # fmt: skip
        )
    position = {v.row: i for i, v in enumerate(verdicts)}
    cost = {v.row: _number(v.of(COST.column).change.replace("+", "")) for v in verdicts}
    return sorted(
        verdicts,
        key=lambda v: (ORDER[v.overall], np.nan_to_num(cost[v.row], nan=np.inf), position[v.row]),
    )


def _join(parts: Sequence[str], word: str = "and") -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {word} " + parts[-1]


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
        others = [j.phrase for j in v.on(BETTER) if j.criterion is not COST]
        also = f"; also {_join(others)}" if others else ""
        lines.append(
            f"{v.name} beat measuring nothing: {v.of(COST.column).phrase}, and no clearly worse "
            f"durable value per hour, burnout or top contributors leaving{also}."
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
        if v.overall == NOT_ON_COST:
            lines.append(
                f"{v.name} was better on {_join([j.phrase for j in v.on(BETTER)])}, but not on cost per "
                f"unit of durable value ({v.of(COST.column).change}), so it did not beat measuring nothing."
            )
        elif v.overall == WORSE:
            worse = v.on(WORSE)
            lines.append(
                f"{v.name} was worse than measuring nothing: {_join([j.phrase for j in worse[:3]])}."
            )
        elif v.overall == SAME:
            lines.append(
                f"{v.name} made no clear difference: on cost per unit of durable value, value per hour "
                "and people alike, it was within the run-to-run noise of measuring nothing."
            )
    return lines
