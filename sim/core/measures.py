"""The headline figures of a policy report: which summary column, how to say it, which way is better.

Shared by the report's table, its verdict and the policy search, so a number is written the
same way wherever it appears.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Measure:
    """A headline figure: a summary column, how to say it and which way is better."""

    column: str
    title: str
    unit: str
    fmt: Callable[[float], str]
    better: int  # +1 higher is better, -1 lower is better (costs: more is worse), 0 neither


def _pct(digits: int) -> Callable[[float], str]:
    return lambda x: f"{x * 100:.{digits}f}%"


def _dollars(x: float) -> str:
    return f"${x:,.0f}"


MEASURES: tuple[Measure, ...] = (
    Measure("durable_value_per_head", "Durable value", "units per person a week", "{:.3f}".format, +1),
    Measure(
        "cost_per_durable_value",
        "Cost per unit of durable value",
        "$ of salaries, tokens and replacement",
        _dollars,
        -1,
    ),
    Measure("token_cost_per_head_year", "Token spend", "$ per person a year", _dollars, -1),
    Measure("theater_share", "Performative work", "share of all hours", _pct(1), -1),
    Measure("burnout_share", "Burned out", "share of staff, on average", _pct(1), -1),
    Measure("attrition", "Left of their own accord", "share of staff a year", _pct(1), -1),
    Measure("regretted_attrition", "Top contributors who left", "share of staff a year", _pct(1), -1),
)
REGRETTED_SHARE = Measure(
    "regretted_share", "Top contributors among leavers", "share of leavers", _pct(0), -1
)
# Durable value per hour worked, scaled to a 40-hour week so 1.000 is a typical person's honest
# craft week: a policy that raises value per person only by longer hours does not raise this.
DURABLE_VALUE_PER_HOUR = Measure(
    "durable_value_per_hour",
    "Durable value per hour worked",
    "units per 40 hours worked",
    "{:.3f}".format,
    +1,
)


def value_per_40_hours(value_per_head, hours_mean):
    """Durable value per head over mean weekly hours, per 40 hours (NaN where nobody worked):
    a run's summary figures in, the DURABLE_VALUE_PER_HOUR measure out (numbers or Series)."""
    hours = np.where(np.asarray(hours_mean, dtype=float) > 0, hours_mean, np.nan)
    return value_per_head / hours * 40.0


FIRED = Measure("fired_rate", "Let go by forced ranking", "share of staff a year", _pct(1), -1)
BY_COLUMN = {m.column: m for m in (*MEASURES, REGRETTED_SHARE, DURABLE_VALUE_PER_HOUR, FIRED)}


def fmt(measure: Measure, value: float | None) -> str:
    return "n/a" if value is None or not np.isfinite(value) else measure.fmt(value)


def change(x: float) -> str:
    """A relative change as a whole percentage with its sign; '0%' when it rounds to nothing."""
    if not np.isfinite(x):
        return "n/a"
    text = f"{x * 100:+.0f}%"
    return "0%" if text in ("+0%", "-0%") else text


def times(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.1f}x"
