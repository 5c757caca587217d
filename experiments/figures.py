"""The five headline figures, one command each. Each writes a PNG and the CSV behind it.

    python experiments/figures.py goodhart_curve        # metric and durable value against pressure
    python experiments/figures.py regime_comparison     # value, cost, burnout, attrition by regime
    python experiments/figures.py phase_diagram         # pressure x integrity: theater and burnout
    python experiments/figures.py metric_validity       # does the score still measure contribution?
    python experiments/figures.py selection             # Goodhart by selection against adaptation
    python experiments/figures.py all --quick           # every figure at a reduced size, in seconds

Every figure is a sweep through `python -m sim sweep` (on all local cores) into
`--sweeps` (default `results/sweeps/NAME`), collected with `sim.studies.collect`; a sweep that ran
before is not run again. Bands and error bars are 95% confidence intervals of the mean
across seeds (Student's t). `docs/figures.md` explains how to read each one.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the repository's `sim`, when not installed

from sim.core.outputs import write_atomic, write_table  # noqa: E402
from sim.studies.collect import SweepTables, collect  # noqa: E402

# The seven regimes of the Goodhart curve: what the design brief lists (consumption both as a
# quota and as a leaderboard); the balanced scorecard appears in the regime comparison.
CURVE_REGIMES = (
    "adoption",
    "consumption",
    "token_leaderboard",
    "individual_outcome",
    "team_outcome",
    "decoupled_telemetry",
    "value_per_token",
)
ALL_REGIMES = ("baseline", *CURVE_REGIMES, "balanced_scorecard")
PRESSURES = tuple(round(p, 1) for p in np.linspace(0.1, 1.0, 10))
GAMEABLE = {"adoption", "consumption", "token_leaderboard", "individual_outcome"}


@dataclass(frozen=True)
class Size:
    """How big the figures' sweeps are: the full figures, or a quick look in seconds."""

    employees: int
    weeks: int
    seeds: int
    many_seeds: int  # for the figures that compare few conditions
    pressures: tuple[float, ...]
    integrity_a: tuple[float, ...]  # Beta(a, 2.5) of integrity: mean a / (a + 2.5)

    def org(self) -> list[str]:
        return [f"org.n_employees={self.employees}", f"org.weeks={self.weeks}"]


FULL = Size(500, 104, 3, 10, PRESSURES, (0.6, 1.2, 2.0, 3.2, 5.0, 8.0, 14.0))
QUICK = Size(60, 30, 2, 2, (0.2, 0.9), (1.0, 8.0))


def ci95(values: Sequence[float]) -> tuple[float, float, float, int]:
    """Mean and the 95% confidence interval of the mean across seeds; NaNs left out."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return np.nan, np.nan, np.nan, 0
    mean = float(x.mean())
    if n == 1:
        return mean, mean, mean, 1
    half = float(stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / np.sqrt(n))
    return mean, mean - half, mean + half, n


def summarise(frame: pd.DataFrame, by: list[str], measures: Sequence[str]) -> pd.DataFrame:
    """A long table of mean and 95% CI per group and measure: what every figure plots."""
    rows = []
    for keys, group in frame.groupby(by, sort=False):
        keys = keys if isinstance(keys, tuple) else (keys,)
        for measure in measures:
            mean, low, high, n = ci95(group[measure])
            rows.append(
                {
                    **dict(zip(by, keys, strict=True)),
                    "measure": measure,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "seeds": n,
                }
            )
    return pd.DataFrame(rows)


def run_sweep(folder: Path, args: Sequence[str], launcher: str = "cores") -> SweepTables:
    """Run (or finish) a sweep with `python -m sim sweep` and collect it."""
    command = [sys.executable, "-m", "sim.studies.sweep", "--multirun", *args]
    command += [f"hydra/launcher={launcher}", f"hydra.sweep.dir={folder}"]
    done = subprocess.run(command, cwd=folder.parent if folder.parent.exists() else None)
    if done.returncode != 0:
        raise SystemExit(f"error: the sweep in {folder} did not finish (exit {done.returncode})")
    return collect(folder)


def save(figure: plt.Figure, table: pd.DataFrame, out: Path, name: str) -> tuple[Path, Path]:
    """Write the PNG and the CSV behind it, each atomically."""
    png, csv = out / f"{name}.png", out / f"{name}.csv"
    write_table(table, csv)
    write_atomic(png, lambda tmp: figure.savefig(tmp, format="png", dpi=110, bbox_inches="tight"))
    plt.close(figure)
    return png, csv


def band(ax: plt.Axes, data: pd.DataFrame, x: str, label: str, **style) -> None:
    """A mean line with its 95% band."""
    data = data.sort_values(x)
    line = ax.plot(data[x], data["mean"], label=label, **style)[0]
    ax.fill_between(data[x], data["ci_low"], data["ci_high"], color=line.get_color(), alpha=0.18, lw=0)


def colours(names: Sequence[str]) -> dict[str, tuple]:
    cmap = plt.get_cmap("tab10")
    return {name: cmap(i % 10) for i, name in enumerate(names)}


# --- 1. The Goodhart curve ---------------------------------------------------------------


def goodhart_curve(size: Size, sweeps: Path, out: Path) -> tuple[Path, Path]:
    """Metric and durable value against pressure, one line per regime, the baseline as a band."""
    common = [*size.org(), f"replicates={size.seeds}"]
    grid = run_sweep(
        sweeps / "grid",
        [
            f"regime={','.join(CURVE_REGIMES)}",
            f"regime.pressure={','.join(map(str, size.pressures))}",
            *common,
        ],
    )
    base = run_sweep(sweeps / "baseline", ["regime=baseline", *common])
    measures = ["metric_index", "durable_value_per_head"]
    table = summarise(grid.runs, ["regime", "pressure"], measures)
    baseline = summarise(base.runs, ["regime"], ["durable_value_per_head"])
    table = pd.concat([table, baseline.assign(pressure=np.nan)], ignore_index=True)

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    palette = colours(CURVE_REGIMES)
    for regime in CURVE_REGIMES:
        rows = table[table["regime"] == regime]
        style = {
            "color": palette[regime],
            "lw": 2 if regime in GAMEABLE else 1.4,
            "ls": "-" if regime in GAMEABLE else "--",
            "marker": "o",
            "ms": 3,
        }
        band(left, rows[rows["measure"] == "metric_index"], "pressure", regime, **style)
        band(right, rows[rows["measure"] == "durable_value_per_head"], "pressure", regime, **style)
    ref = baseline.iloc[0]
    right.axhspan(ref["ci_low"], ref["ci_high"], color="grey", alpha=0.25, lw=0)
    right.axhline(ref["mean"], color="black", lw=1, ls=":", label="no metric (baseline)")
    left.set_yscale("log")
    left.set(
        xlabel="pressure (share of pay and job security riding on the score)",
        ylabel="metric at the end, x its level at the start",
        title="What the dashboard shows",
    )
    right.set(
        xlabel="pressure",
        ylabel="durable value per head a week (value units)",
        title="What is really happening",
    )
    right.legend(fontsize=8, loc="best")
    fig.suptitle(
        f"The Goodhart curve: {size.employees} employees, {size.weeks} weeks, "
        f"{size.seeds} seeds per point, 95% bands"
    )
    return save(fig, table, out, "goodhart_curve")


# --- 2. Regime comparison ------------------------------------------------------------------

COMPARISON = (
    ("durable_value_per_head", "durable value per head a week", 1.0),
    ("cost_per_durable_value", "cost per unit of durable value ($)", 1.0),
    ("burnout_share", "burned out (% of staff)", 100.0),
    ("attrition", "voluntary attrition (% a year)", 100.0),
    ("regretted_attrition", "regretted attrition (% a year)", 100.0),
)


def regime_comparison(size: Size, sweeps: Path, out: Path) -> tuple[Path, Path]:
    """Every preset at its default pressure beside the baseline, five outcomes."""
    tables = run_sweep(
        sweeps / "regimes", [f"regime={','.join(ALL_REGIMES)}", *size.org(), f"replicates={size.many_seeds}"]
    )
    table = summarise(tables.runs, ["regime"], [m for m, _, _ in COMPARISON])
    fig, axes = plt.subplots(1, len(COMPARISON), figsize=(17, 4.6), sharey=True)
    order = [r for r in ALL_REGIMES if r in set(table["regime"])]
    y = np.arange(len(order))
    for ax, (measure, title, scale) in zip(axes, COMPARISON, strict=True):
        rows = table[table["measure"] == measure].set_index("regime").loc[order]
        mean = rows["mean"] * scale
        err = np.vstack([mean - rows["ci_low"] * scale, rows["ci_high"] * scale - mean])
        tint = ["grey" if r == "baseline" else ("tab:red" if r in GAMEABLE else "tab:blue") for r in order]
        ax.barh(y, mean, xerr=err, color=tint, alpha=0.8, capsize=3)
        ax.axvline(mean.loc["baseline"], color="black", lw=1, ls=":")
        ax.set_title(title, fontsize=10)
    axes[0].set_yticks(y, order)
    axes[0].invert_yaxis()
    fig.suptitle(
        f"Regimes at their default pressure against no metric (grey): red = gameable metrics, "
        f"blue = outcome metrics; {size.many_seeds} seeds, 95% intervals"
    )
    return save(fig, table, out, "regime_comparison")


# --- 3. Phase diagrams ---------------------------------------------------------------------


def phase_diagram(size: Size, sweeps: Path, out: Path) -> tuple[Path, Path]:
    """Pressure x integrity under the token leaderboard, coloured by theater and by burnout."""
    tables = run_sweep(
        sweeps / "grid",
        [
            "regime=token_leaderboard",
            f"regime.pressure={','.join(map(str, size.pressures))}",
            f"workforce.integrity_a={','.join(map(str, size.integrity_a))}",
            *size.org(),
            f"replicates={size.seeds}",
        ],
    )
    runs = tables.runs
    runs = runs.assign(integrity_mean=runs["workforce_integrity_a"] / (runs["workforce_integrity_a"] + 2.5))
    table = summarise(runs, ["pressure", "integrity_mean"], ["theater_share", "burnout_share"])
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    for ax, measure, title, cmap in (
        (axes[0], "theater_share", "theater (% of hours)", "magma"),
        (axes[1], "burnout_share", "burned out (% of staff)", "viridis"),
    ):
        grid = table[table["measure"] == measure].pivot(
            index="integrity_mean", columns="pressure", values="mean"
        )
        image = ax.imshow(grid.values * 100, origin="lower", aspect="auto", cmap=cmap)
        ax.set_xticks(range(len(grid.columns)), [f"{p:g}" for p in grid.columns])
        ax.set_yticks(range(len(grid.index)), [f"{m:.2f}" for m in grid.index])
        ax.set(xlabel="pressure", ylabel="mean integrity of the workforce", title=title)
        fig.colorbar(image, ax=ax)
    fig.suptitle(
        f"Phase diagrams under a token leaderboard: {size.employees} employees, {size.weeks} weeks, "
        f"mean of {size.seeds} seeds per cell (95% intervals in the CSV)"
    )
    return save(fig, table, out, "phase_diagram")


# --- 4. Metric validity over time ------------------------------------------------------------


def metric_validity(size: Size, sweeps: Path, out: Path) -> tuple[Path, Path]:
    """The rank correlation of score and real contribution, week by week, per regime."""
    regimes = [r for r in ALL_REGIMES if r != "baseline"]
    tables = run_sweep(
        sweeps / "regimes", [f"regime={','.join(regimes)}", *size.org(), f"replicates={size.many_seeds}"]
    )
    weekly = tables.weekly.dropna(subset=["score_value_correlation"])
    table = summarise(weekly, ["regime", "week"], ["score_value_correlation"])
    fig, ax = plt.subplots(figsize=(10, 5))
    palette = colours(regimes)
    for regime in regimes:
        rows = table[table["regime"] == regime]
        band(
            ax,
            rows,
            "week",
            regime,
            color=palette[regime],
            lw=2 if regime in GAMEABLE else 1.4,
            ls="-" if regime in GAMEABLE else "--",
        )
    start = int(weekly.loc[weekly["policy_active"].astype(bool), "week"].min())
    ax.axvline(start, color="black", lw=1, ls=":")
    ax.axhline(0, color="grey", lw=0.8)
    ax.text(start + 0.5, ax.get_ylim()[1] * 0.95, "policy starts", fontsize=8, va="top")
    ax.set(
        xlabel="week",
        ylabel="rank correlation: score against durable contribution",
        title="Does the measure still measure? (solid: gameable metrics; dashed: outcome metrics)",
    )
    ax.legend(fontsize=8, ncol=2)
    return save(fig, table, out, "metric_validity")


# --- 5. Selection against adaptation ---------------------------------------------------------

CONDITIONS = {
    (False, 0.1): "selection only: no learning, bottom 10% let go each quarter",
    (True, 0.0): "adaptation only: learning, nobody let go",
    (True, 0.1): "both",
    (False, 0.0): "neither: habits fixed, nobody let go",
}


def selection(size: Size, sweeps: Path, out: Path) -> tuple[Path, Path]:
    """Gaming under a token leaderboard with learning off and forced ranking on, and the reverse."""
    tables = run_sweep(
        sweeps / "grid",
        [
            "regime=token_leaderboard",
            "behaviour.adaptation=true,false",
            "regime.forced_ranking=0.0,0.1",
            *size.org(),
            f"replicates={size.many_seeds}",
        ],
    )
    weekly = tables.weekly.assign(
        condition=[
            CONDITIONS[(bool(a), round(float(f), 2))]
            for a, f in zip(
                tables.weekly["behaviour_adaptation"], tables.weekly["regime_forced_ranking"], strict=True
            )
        ]
    )
    table = summarise(weekly, ["condition", "week"], ["share_theater", "gaming_share"])
    fig, axes = plt.subplots(1, 3, figsize=(18, 4.8))
    palette = colours(list(CONDITIONS.values()))
    selection_only, neither = CONDITIONS[(False, 0.1)], CONDITIONS[(False, 0.0)]
    for ax, measure, title, conditions in (
        (axes[0], "share_theater", "theater (share of all hours)", list(CONDITIONS.values())),
        (
            axes[1],
            "gaming_share",
            "people gaming (share of staff over 5% theater)",
            list(CONDITIONS.values()),
        ),
        (
            axes[2],
            "share_theater",
            "theater, habits fixed: selection alone (zoomed)",
            [selection_only, neither],
        ),
    ):
        for condition in conditions:
            rows = table[(table["condition"] == condition) & (table["measure"] == measure)]
            main = condition.startswith(("selection", "adaptation"))
            style = {"color": palette[condition], "lw": 2.2 if main else 1, "ls": "-" if main else ":"}
            band(ax, rows, "week", condition, **style)
        ax.set(xlabel="week", title=title)
    axes[0].legend(fontsize=8, loc="upper left")
    fig.suptitle(
        f"Goodhart by selection and by adaptation, token leaderboard: {size.many_seeds} seeds, 95% bands"
    )
    return save(fig, table, out, "selection")


FIGURES: dict[str, Callable[[Size, Path, Path], tuple[Path, Path]]] = {
    "goodhart_curve": goodhart_curve,
    "regime_comparison": regime_comparison,
    "phase_diagram": phase_diagram,
    "metric_validity": metric_validity,
    "selection": selection,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("figure", choices=[*FIGURES, "all"])
    parser.add_argument("--quick", action="store_true", help="a reduced size: small org, 2 seeds, few points")
    parser.add_argument("--out", type=Path, default=Path("results/figures"), help="where the PNG and CSV go")
    parser.add_argument("--sweeps", type=Path, default=Path("results/sweeps"), help="where the sweeps go")
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    names = list(FIGURES) if args.figure == "all" else [args.figure]
    for name in names:
        sweeps = (args.sweeps / (f"{name}-quick" if args.quick else name)).resolve()
        sweeps.mkdir(parents=True, exist_ok=True)
        png, csv = FIGURES[name](size, sweeps, args.out.resolve())
        print(f"{name}: {png} and {csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
