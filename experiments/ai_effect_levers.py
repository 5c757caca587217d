"""What moves AI's own effect: the levers of docs/model.md ("AI's own effect"), one at a time.

    python experiments/ai_effect_levers.py          # 4 seeds of 500 over two years: about 3 minutes on a core
    python experiments/ai_effect_levers.py --quick  # a smoke run in seconds

AI's own effect is the same organisation with AI tools against without, no metric, paired by
seed (`sim.core.compare.ai_effect`): durable value per head and per 40 hours worked at one and
two years. Each row changes one assumption (or a named pair) in both runs of every pair, so
the table says which assumption carries the model's sign and how far each would move it.
Nothing here changes a default.

Prints a markdown table (per head, per 40 hours in brackets); writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's `sim`

from sim.core.checks import ConfigError  # noqa: E402
from sim.core.compare import ai_effect  # noqa: E402
from sim.core.run import replicate_seeds, resolve, simulate_batch  # noqa: E402

LEVERS: dict[str, tuple[str, ...]] = {
    "nothing (defaults)": (),
    "`production.review_need=0.25` (AI output asks 2.5x craft's review)": ("production.review_need=0.25",),
    "`production.review_need=0.1` (as craft)": ("production.review_need=0.1",),
    "`production.ai_multiplier_expert=3.5`": ("production.ai_multiplier_expert=3.5",),
    "`production.ai_task_hours=24`": ("production.ai_task_hours=24",),
    "`production.ai_setup_hours=0`": ("production.ai_setup_hours=0",),
    "`production.rework_ai=0.06` (as craft)": ("production.rework_ai=0.06",),
    "`production.ai_volume_inflation=1`": ("production.ai_volume_inflation=1",),
    "`behaviour.ai_optimism=0`": ("behaviour.ai_optimism=0",),
    "`behaviour.ai_effort_relief=0`": ("behaviour.ai_effort_relief=0",),
    "`behaviour.mastery_weight=0`": ("behaviour.mastery_weight=0",),
    "`behaviour.expectation_weight=0`": ("behaviour.expectation_weight=0",),
    "`review_need=0.1` and `ai_multiplier_expert=3.5`": (
        "production.review_need=0.1",
        "production.ai_multiplier_expert=3.5",
    ),
    "the same and `ai_task_hours=24`": (
        "production.review_need=0.1",
        "production.ai_multiplier_expert=3.5",
        "production.ai_task_hours=24",
    ),
}


Effect = dict[tuple[float, str], float]  # (years, measure): mean change with AI against without


def row(employees: int, weeks: int, seeds: list[int], levers: tuple[str, ...]) -> Effect:
    """AI's own effect under these overrides: {(years, measure): mean change}."""
    base = [f"org.n_employees={employees}", f"org.weeks={weeks}", "regime=baseline", *levers]
    with_ai = resolve(None, base)
    without = resolve(None, [*base, "production.ai_available=false"])
    runs = simulate_batch([with_ai] * len(seeds) + [without] * len(seeds), seeds + seeds)
    table = ai_effect([r.weekly for r in runs[: len(seeds)]], [r.weekly for r in runs[len(seeds) :]])
    return {(float(r.years), str(r.measure)): float(r.change) for r in table.itertuples()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--employees", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026, help="root seed: the validation report's seeds")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 seeds of 100")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.employees = 2, 100
    seeds = replicate_seeds(args.seed, args.seeds)
    print(
        f"AI's own effect, no metric, {args.seeds} seeds of {args.employees}, "
        "durable value per head (per 40 hours)"
    )
    print("| changed | year 1 | year 2 |\n|---|---|---|")
    for name, levers in LEVERS.items():
        try:
            effect = row(args.employees, 104, seeds, levers)
        except ConfigError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        cells = [
            f"{effect[(y, 'durable_value_per_head')]:+.1%} ({effect[(y, 'durable_value_per_40_hours')]:+.1%})"
            for y in (1.0, 2.0)
        ]
        print(f"| {name} | {' | '.join(cells)} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
