"""What drives theater, burnout, attrition and durable value? Global sensitivity analysis.

    python experiments/sensitivity.py                 # Morris screening, 12 parameters, 10 trajectories
    python experiments/sensitivity.py --quick         # a smoke run in seconds
    python experiments/sensitivity.py --method sobol --samples 64   # Sobol indices (many more runs)

Every parameter below varies over its range at once (SALib samples the space), under one
regime (the token leaderboard by default). All runs share one seed (common random numbers),
so that an elementary effect is the parameter's and not the seed's. Writes:

    sensitivity.csv       the ranked table: per outcome and parameter, the index and its rank
    sensitivity.png       the plot: what drives each outcome, largest effect on top
    sensitivity_runs.csv  every sampled parameter set and its outcomes

Morris: mu_star is the mean absolute elementary effect (in the outcome's units per full
range of the parameter), sigma its spread (interactions and non-linearity). Sobol: ST is the
share of the outcome's variance the parameter explains with its interactions.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the repository's `sim`, when not installed

import parameter_space  # noqa: E402

from sim.core.cli import require_extra  # noqa: E402
from sim.core.outputs import write_atomic, write_table  # noqa: E402

# (parameter, low, high): ranges a reader could defend; defaults in sim/core/config.py lie inside.
PARAMETERS = (
    ("regime.pressure", 0.1, 1.0),
    ("behaviour.moral_weight", 0.2, 1.6),
    ("behaviour.norm_strength", 0.0, 1.0),
    ("behaviour.score_stakes", 0.5, 4.0),
    ("behaviour.effort_weight", 0.3, 1.2),
    ("behaviour.imitation", 0.0, 0.6),
    ("wellbeing.overwork_strain", 0.1, 0.7),
    ("wellbeing.anxiety_strain", 0.0, 0.15),
    ("wellbeing.recovery", 0.03, 0.12),
    ("turnover.burnout_quit_multiplier", 1.5, 3.5),
    ("production.rework_ai", 0.2, 0.6),
    ("workforce.integrity_a", 1.0, 8.0),
)
OUTCOMES = (
    ("theater_share", "theater (share of hours)"),
    ("burnout_share", "burnout (share of staff)"),
    ("attrition", "voluntary attrition (a year)"),
    ("durable_value_per_head", "durable value per head a week"),
)


def problem() -> dict:
    return parameter_space.problem(PARAMETERS)


def outcomes_of(result) -> dict[str, float]:
    return {key: float(result.summary[key]) for key, _ in OUTCOMES}


def evaluate(base_overrides: list[str], samples: np.ndarray, seed: int, jobs: int) -> pd.DataFrame:
    """Every sample's outcomes, on all cores."""
    names = problem()["names"]
    runs = parameter_space.run_points(base_overrides, {"": ()}, names, samples, [seed], outcomes_of, jobs)
    return runs[[key for key, _ in OUTCOMES]].reset_index(drop=True)


def analyse(method: str, samples: np.ndarray, outcomes: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The ranked table: one row per outcome and parameter."""
    from SALib.analyze import morris, sobol

    rows = []
    for outcome, _ in OUTCOMES:
        y = outcomes[outcome].to_numpy()
        if method == "morris":
            result = morris.analyze(problem(), samples, y, seed=seed)
            index = np.asarray(result["mu_star"])
            extra = {"mu_star_conf": result["mu_star_conf"], "sigma": result["sigma"]}
        else:
            result = sobol.analyze(problem(), y, seed=seed + 1)  # SALib ignores seed 0
            index = np.asarray(result["ST"])
            extra = {"ST_conf": result["ST_conf"], "S1": result["S1"]}
        order = np.argsort(-index)
        ranks = np.empty(len(index), dtype=int)
        ranks[order] = np.arange(1, len(index) + 1)
        top = index.max() if index.max() > 0 else 1.0
        for i, (name, _, _) in enumerate(PARAMETERS):
            row = {"outcome": outcome, "parameter": name, "rank": int(ranks[i])}
            row["mu_star" if method == "morris" else "ST"] = float(index[i])
            row.update({k: float(np.asarray(v)[i]) for k, v in extra.items()})
            row["relative"] = float(index[i] / top)
            rows.append(row)
    return pd.DataFrame(rows).sort_values(["outcome", "rank"]).reset_index(drop=True)


def plot(table: pd.DataFrame, method: str, title: str) -> plt.Figure:
    fig, axes = plt.subplots(1, len(OUTCOMES), figsize=(17, 5), sharex=True)
    index, conf = ("mu_star", "mu_star_conf") if method == "morris" else ("ST", "ST_conf")
    for ax, (outcome, label) in zip(axes, OUTCOMES, strict=True):
        rows = table[table["outcome"] == outcome].sort_values("rank", ascending=False)
        top = max(rows[index].max(), 1e-12)
        ax.barh(rows["parameter"], rows[index] / top, xerr=rows[conf] / top, color="tab:purple", alpha=0.8)
        ax.set_title(label, fontsize=10)
        ax.tick_params(axis="y", labelsize=8)
        ax.set_xlim(0, None)
    axes[0].set_xlabel(f"{index} relative to the largest (95% interval)")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=("morris", "sobol"), default="morris")
    parser.add_argument("--trajectories", type=int, default=10, help="Morris trajectories (runs: r x (k+1))")
    parser.add_argument("--samples", type=int, default=64, help="Sobol base samples (runs: N x (2k+2))")
    parser.add_argument("--regime", default="token_leaderboard")
    parser.add_argument("--employees", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 trajectories, a small org")
    parser.add_argument("--out", type=Path, default=Path("results/figures"))
    args = parser.parse_args(argv)
    require_extra("research", "experiments/sensitivity.py")  # SALib samples and analyses
    if args.quick:
        args.trajectories, args.samples, args.employees, args.weeks = 2, 8, 60, 30
    for name in ("trajectories", "samples", "employees", "weeks", "jobs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")

    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if args.method == "morris":
        samples = morris_sample.sample(problem(), args.trajectories, num_levels=4, seed=args.seed)
    else:
        samples = sobol_sample.sample(problem(), args.samples, seed=args.seed)
    base = [f"regime={args.regime}", f"org.n_employees={args.employees}", f"org.weeks={args.weeks}"]
    print(
        f"{args.method}: {len(PARAMETERS)} parameters, {len(samples)} runs of {args.employees} people "
        f"x {args.weeks} weeks under {args.regime}, on {args.jobs} workers",
        flush=True,
    )
    start = time.perf_counter()
    outcomes = evaluate(base, samples, args.seed, args.jobs)
    print(f"ran in {time.perf_counter() - start:.1f} s", flush=True)

    table = analyse(args.method, samples, outcomes, args.seed)
    runs = pd.concat([pd.DataFrame(samples, columns=problem()["names"]), outcomes], axis=1)
    out = args.out.resolve()
    write_table(table, out / "sensitivity.csv")
    write_table(runs, out / "sensitivity_runs.csv")
    title = (
        f"What drives the outcomes under a {args.regime.replace('_', ' ')}: {args.method.title()} over "
        f"{len(PARAMETERS)} parameters, {len(samples)} runs of {args.employees} people x {args.weeks} weeks"
    )
    figure = plot(table, args.method, title)
    write_atomic(out / "sensitivity.png", lambda tmp: figure.savefig(tmp, format="png", dpi=100))
    index = "mu_star" if args.method == "morris" else "ST"
    for outcome, label in OUTCOMES:
        top = table[table["outcome"] == outcome].head(3)
        print(f"{label}: " + ", ".join(f"{r.parameter} ({getattr(r, index):.3g})" for r in top.itertuples()))
    print(f"written: {out / 'sensitivity.csv'}, {out / 'sensitivity.png'}, {out / 'sensitivity_runs.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
