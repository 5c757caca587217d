"""Does the baseline hold still? Issue 29's three checks on eight years with no metric.

    python experiments/stationarity.py                          # 6 seeds of 500 over 8 years: about 10 s
    python experiments/stationarity.py channels.selection=false # any override, as on the command line
    python experiments/stationarity.py --quick                  # a smoke run

Every "no metric" comparison stands on a baseline; if it drifts, a regime's effect depends on
the horizon it is read at. Issue 29 asks, with no metric at the defaults over eight years:
durable value per head changes by less than 1% a year between years 2 and 8; the share of
hours in AI work moves less than 2 points between years 2 and 4; burnout stays within a point
between years 2 and 8. Each figure is a whole year's mean, each check on the mean across
seeds, with its 95% interval (Student's t across seeds) beside it. docs/model.md (Known
limits) says what moves the baseline and what each knock-out leaves.

Prints a table by year and the three checks; writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's `sim`

from sim.core.checks import ConfigError  # noqa: E402
from sim.core.run import replicate_seeds, resolve, simulate_batch  # noqa: E402
from sim.studies.validate import interval  # noqa: E402

COLUMNS = {
    "durable_value_per_head": "durable value a head",
    "share_ai": "AI share of hours",
    "share_quality": "quality share of hours",
    "burnout_share": "burned out",
    "expectation_index": "managers' expectations",
}
BARS = {"value": 0.01, "ai_share": 0.02, "burnout": 0.01}  # issue 29's


def by_year(weekly: list[pd.DataFrame], years: int) -> dict[str, np.ndarray]:
    """Per column, a (seeds, years) array of whole-year means."""
    return {
        column: np.array(
            [[w[column].iloc[52 * y : 52 * (y + 1)].mean() for y in range(years)] for w in weekly]
        )
        for column in COLUMNS
    }


def checks(years: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, float]]:
    """Each check's per-seed figure and the bar its mean must stay within."""
    value = years["durable_value_per_head"]
    per_year = (value[:, 7] / value[:, 1]) ** (1 / 6) - 1.0
    ai = years["share_ai"][:, 3] - years["share_ai"][:, 1]
    burnout = years["burnout_share"][:, 7] - years["burnout_share"][:, 1]
    return {
        "durable value a head, change a year, years 2 to 8": (per_year, BARS["value"]),
        "AI share of hours, year 4 - year 2": (ai, BARS["ai_share"]),
        "burned out, year 8 - year 2": (burnout, BARS["burnout"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--employees", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026, help="root seed: the validation report's seeds")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 seeds of 100")
    parser.add_argument("overrides", nargs="*", help="config overrides, key=value")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.employees = 2, 100
    years = 8
    try:
        cfg = resolve(
            None,
            [
                "regime=baseline",
                f"org.n_employees={args.employees}",
                f"org.weeks={52 * years}",
                *args.overrides,
            ],
        )
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    runs = simulate_batch([cfg] * args.seeds, replicate_seeds(args.seed, args.seeds))
    table = by_year([r.weekly for r in runs], years)
    print(
        f"no metric, {args.seeds} seeds of {args.employees} over {years} years; whole-year means across seeds"
    )
    print("| year | " + " | ".join(COLUMNS.values()) + " |")
    print("|---|" + "---|" * len(COLUMNS))
    for y in range(years):
        print(f"| {y + 1} | " + " | ".join(f"{table[c][:, y].mean():.3f}" for c in COLUMNS) + " |")
    print()
    held = 0
    for name, (figure, bar) in checks(table).items():
        mean, low, high = interval(figure)
        ok = abs(mean) < bar
        held += ok
        if name.startswith("durable"):
            text, limit = f"{mean:+.2%} [{low:+.2%}, {high:+.2%}]", f"{bar:.0%}"
        else:  # a difference of shares: percentage points
            text = f"{mean * 100:+.1f} points [{low * 100:+.1f}, {high * 100:+.1f}]"
            limit = f"{bar * 100:.0f} point" + ("" if bar == 0.01 else "s")
        print(f"{name}: {text}; within {limit}: {'yes' if ok else 'no'}")
    print(f"{held} of 3 checks hold")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
