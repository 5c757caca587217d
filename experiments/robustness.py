"""Do the headline claims survive the parameter space? Sobol analysis over the assumed parameters.

    python experiments/robustness.py              # the full study (see docs/robustness.md for its time)
    python experiments/robustness.py --quick      # a smoke run in under a minute
    python experiments/robustness.py --replot     # redraw the table, plots and doc from the stored runs
    python experiments/robustness.py --ray        # the same on a Ray cluster (RAY_ADDRESS, or a local Ray)

Every assumed parameter in PARAMETERS varies over its plausible range at once: SALib's
Saltelli sampling (first-order and total Sobol indices, no second order). At every sampled
point the scenarios in SCENARIOS run on the same seeds (common random numbers), and each
claim in CLAIMS is evaluated there. The share of the space where a claim holds is estimated
on the 2N independent base points of the design (Saltelli's A and B matrices: a scrambled
Sobol sequence, uniform over the box) with a Wilson 95% interval; the Sobol indices, which
say what drives each outcome and each claim's failures, use every point. Writes:

    OUT/robustness_runs.csv     every run: point, scenario, seed, parameters, outcomes
    OUT/robustness_claims.csv   per claim: share where it holds, 95% interval, points, and the
                                share among points where AI helps (no metric) and where it hurts
    OUT/robustness_sobol.csv    per outcome and parameter: S1, ST and their 95% intervals
    DOC (docs/robustness.md) and IMAGE (docs/images/robustness.png)

The calibrated parameters (sim/configs/calibrated.yaml) stay at their fitted values: they are
fitted to facts, not assumed; SAMPLED_CALIBRATED names the exception and why. Organisations
are small (200 people by default) to keep the cost practical; claims are about directions and
ratios, which organisation size barely moves.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from scipy import stats  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # the repository's `sim`, when not installed

import parameter_space  # noqa: E402

from sim.core.cli import require_extra  # noqa: E402
from sim.core.config import CALIBRATED, Config  # noqa: E402
from sim.core.outputs import write_atomic, write_table, write_text  # noqa: E402
from sim.core.run import replicate_seeds  # noqa: E402
from sim.studies.robustness import PARAMETERS, SAMPLED_CALIBRATED, verdict_of  # noqa: E402

SIZE = {"employees": 200, "weeks": 104, "samples": 32}  # the full study
QUICK = {"employees": 40, "weeks": 20, "samples": 1}


def without_ai() -> tuple[str, ...]:
    """The counterfactual organisation without AI tools, for the workload paradox."""
    return ("regime=baseline", "production.ai_available=false")


SCENARIOS: dict[str, tuple[str, ...]] = {
    "baseline": ("regime=baseline",),
    "no_ai": without_ai(),
    "token_leaderboard": ("regime=token_leaderboard",),
    "token_leaderboard_team": ("regime=token_leaderboard", "regime.level=team"),
    "consumption": ("regime=consumption",),
    "decoupled_telemetry": ("regime=decoupled_telemetry", "regime.telemetry_visible=false"),
    "decoupled_telemetry_shown": ("regime=decoupled_telemetry", "regime.telemetry_visible=true"),
    # The gaming channel knocked out (docs/model.md, "Channels of Goodhart's law"): does an
    # outcome metric that loses to measuring nothing lose through its gaming?
    "baseline_no_gaming": ("regime=baseline", "channels.gaming_actions=false"),
    "decoupled_telemetry_no_gaming": (
        "regime=decoupled_telemetry",
        "regime.telemetry_visible=false",
        "channels.gaming_actions=false",
    ),
}
# AI's own effect on output in the sources (docs/model.md, "AI's own effect"): METR's -16% an
# hour to Cui et al.'s +26% completed tasks a week.
AI_BAND = (-0.16, 0.26)
# Gaming actions that move what an outcome metric reads (durable value on one's record).
OUTCOME_GAMING = tuple(name for name, a in Config().gaming.items() if a.durable > 0 or a.hides_rework > 0)

LONG_WEEK = 45.0  # hours a week


def measure(result) -> dict[str, float]:
    """What the claims read from one run."""
    summary, weekly, people = result.summary, result.weekly, result.employees
    weeks = people["tenure_weeks"].clip(lower=0)
    long_week = float((weeks * (people["hours_mean"] > LONG_WEEK)).sum() / max(weeks.sum(), 1))
    return {
        "durable_value_per_head": float(summary["durable_value_per_head"]),
        "theater_share": float(summary["theater_share"]),
        "burnout_share": float(summary["burnout_share"]),
        "hours_mean": float(summary["hours_mean"]),
        "long_week_share": long_week,
        "attrition": float(summary["attrition"]),
        "trust": float(summary["trust"]),
        "outcome_gaming_share": float(sum(summary[f"theater_{name}"] for name in OUTCOME_GAMING)),
        # durable value per $1,000 of tokens, as the validation report's target 7
        "value_per_token_dollar": float(
            weekly["durable_value"].sum() / max(weekly["token_cost"].sum(), 1e-9) * 1000.0
        ),
    }


@dataclass(frozen=True)
class Claim:
    key: str
    text: str
    test: str  # how it is evaluated, for the doc
    margin: Callable[[pd.DataFrame], pd.Series]  # positive (or zero, if not strict) where it holds
    strict: bool = True


def _of(wide: pd.DataFrame, scenario: str, column: str) -> pd.Series:
    return wide[(column, scenario)]


CLAIMS = (
    Claim(
        "ordering",
        "A durable-outcome metric keeps more durable value than token metrics",
        "durable value per head: decoupled telemetry >= both the token leaderboard and the token quota",
        lambda w: (
            _of(w, "decoupled_telemetry", "durable_value_per_head")
            / np.maximum(
                _of(w, "token_leaderboard", "durable_value_per_head"),
                _of(w, "consumption", "durable_value_per_head"),
            )
            - 1.0
        ),
        strict=False,
    ),
    Claim(
        "token_cost",
        "Token metrics cost durable value",
        "durable value per head: token leaderboard < no metric",
        lambda w: (
            1.0
            - _of(w, "token_leaderboard", "durable_value_per_head")
            / _of(w, "baseline", "durable_value_per_head")
        ),
    ),
    Claim(
        "team_cuts_gaming",
        "Team measurement cuts gaming",
        "theater share of hours: team-level token leaderboard <= half the individual one",
        lambda w: (
            0.5 * _of(w, "token_leaderboard", "theater_share")
            - _of(w, "token_leaderboard_team", "theater_share")
        ),
        strict=False,
    ),
    Claim(
        "team_cuts_gaming_at_all",
        "Team measurement cuts gaming at all (weaker)",
        "theater share of hours: team-level token leaderboard < the individual one",
        lambda w: (
            _of(w, "token_leaderboard", "theater_share") - _of(w, "token_leaderboard_team", "theater_share")
        ),
    ),
    Claim(
        "decoupled",
        "Decoupled beats coupled telemetry",
        "durable value per token dollar: decoupled telemetry hidden from managers > shown",
        lambda w: (
            _of(w, "decoupled_telemetry", "value_per_token_dollar")
            / _of(w, "decoupled_telemetry_shown", "value_per_token_dollar")
            - 1.0
        ),
    ),
    Claim(
        "decoupled_by_a_fifth",
        "Decoupled beats coupled telemetry by a fifth (stronger: validation target 7)",
        "durable value per token dollar: shown <= 0.8 x hidden",
        lambda w: (
            0.8
            - _of(w, "decoupled_telemetry_shown", "value_per_token_dollar")
            / _of(w, "decoupled_telemetry", "value_per_token_dollar")
        ),
        strict=False,
    ),
    Claim(
        "outcome_beats_nothing",
        "An outcome metric beats measuring nothing (validation target 11)",
        "durable value per head: decoupled telemetry hidden from managers > no metric",
        lambda w: (
            _of(w, "decoupled_telemetry", "durable_value_per_head")
            / _of(w, "baseline", "durable_value_per_head")
            - 1.0
        ),
    ),
    Claim(
        "workload",
        "The workload paradox: AI raises hours",
        f"no metric: mean hours a week with AI > without AI ({', '.join(without_ai()[1:])})",
        lambda w: _of(w, "baseline", "hours_mean") - _of(w, "no_ai", "hours_mean"),
    ),
    Claim(
        "workload_long_weeks",
        "The workload paradox: AI makes more weeks long (validation target 13)",
        f"no metric: share of person-weeks of people averaging over {LONG_WEEK:g} hours, with AI > without",
        lambda w: _of(w, "baseline", "long_week_share") - _of(w, "no_ai", "long_week_share"),
    ),
)

# Continuous outcomes whose Sobol indices the doc reports, beside each claim's margin.
OUTCOMES = {
    "durable_value_gap": "durable value, token leaderboard vs no metric (ratio - 1)",
    "theater_share": "theater share of hours, token leaderboard",
    "burnout_share": "burnout share of staff, token leaderboard",
    "baseline_burnout": "burnout share of staff, no metric (does the baseline drift?)",
    "ai_effect": "AI's own effect with no metric: durable value per head with AI vs without (ratio - 1)",
}


def wide_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per point: every measure of every scenario, averaged over seeds."""
    measures = [
        c for c in runs.columns if c not in {"point", "scenario", "seed", *(p[0] for p in PARAMETERS)}
    ]
    return runs.pivot_table(index="point", columns="scenario", values=measures, aggfunc="mean").sort_index()


def outcomes(wide: pd.DataFrame) -> pd.DataFrame:
    """Per point: the continuous outcomes, each claim's margin and whether it holds."""
    frame = pd.DataFrame(index=wide.index)
    frame["durable_value_gap"] = (
        _of(wide, "token_leaderboard", "durable_value_per_head")
        / _of(wide, "baseline", "durable_value_per_head")
        - 1.0
    )
    frame["theater_share"] = _of(wide, "token_leaderboard", "theater_share")
    frame["burnout_share"] = _of(wide, "token_leaderboard", "burnout_share")
    frame["baseline_burnout"] = _of(wide, "baseline", "burnout_share")
    frame["ai_effect"] = (
        _of(wide, "baseline", "durable_value_per_head") / _of(wide, "no_ai", "durable_value_per_head") - 1.0
    )
    frame["outcome_gaming"] = _of(wide, "decoupled_telemetry", "outcome_gaming_share")
    # What the gaming channel costs the outcome metric against no metric: its gap to no metric
    # with gaming knocked out in both, less its gap as it is (each on the same seeds).
    frame["gaming_cost"] = (
        _of(wide, "decoupled_telemetry_no_gaming", "durable_value_per_head")
        / _of(wide, "baseline_no_gaming", "durable_value_per_head")
        - 1.0
    ) - (
        _of(wide, "decoupled_telemetry", "durable_value_per_head")
        / _of(wide, "baseline", "durable_value_per_head")
        - 1.0
    )
    for claim in CLAIMS:
        margin = claim.margin(wide)
        frame[f"margin_{claim.key}"] = margin
        frame[f"holds_{claim.key}"] = (margin > 0 if claim.strict else margin >= 0).astype(float)
    frame["gamed_into_losing"] = gamed_into_losing(frame).astype(float)
    return frame


NO_OUTCOME_GAMING = 0.0005  # share of hours: below it the gaming channel has almost nothing to act on


def seed_noise(frame: pd.DataFrame) -> float:
    """The spread of the gaming channel's measured cost where there is next to no outcome
    gaming: what one seed's luck alone makes of it."""
    quiet = frame["gaming_cost"][frame["outcome_gaming"] < NO_OUTCOME_GAMING]
    return float(quiet.std()) if len(quiet) > 2 else float("nan")


def gamed_into_losing(frame: pd.DataFrame) -> pd.Series:
    """Points where the outcome metric loses to measuring nothing, would not lose with gaming
    knocked out, and its gaming costs more than twice what seed noise makes of that cost."""
    ungamed = frame["gaming_cost"] + frame["margin_outcome_beats_nothing"]
    return (
        (frame["margin_outcome_beats_nothing"] < 0)
        & (ungamed >= 0)
        & (frame["gaming_cost"] > 2 * seed_noise(frame))
    )


def active(names) -> tuple[tuple, ...]:
    """The rows of PARAMETERS that vary in a run (all of them, unless `--parameters` cut the list)."""
    return tuple(row for row in PARAMETERS if row[0] in set(names))


def base_rows(n_points: int, k: int) -> np.ndarray:
    """Positions of Saltelli's A and B rows (no second order: blocks of A, AB_1..AB_k, B)."""
    starts = np.arange(0, n_points, k + 2)
    return np.sort(np.concatenate([starts, starts + k + 1]))


def claim_table(per_point: pd.DataFrame, k: int) -> pd.DataFrame:
    """Per claim: the share of the space where it holds, with a Wilson 95% interval."""
    base = per_point.iloc[base_rows(len(per_point), k)]
    rows = []
    for claim in CLAIMS:
        holds = base[f"holds_{claim.key}"].to_numpy()
        n, successes = len(holds), int(holds.sum())
        ci = stats.binomtest(successes, n).proportion_ci(0.95, method="wilson")
        rows.append(
            {
                "claim": claim.key,
                "text": claim.text,
                "test": claim.test,
                "share": successes / n,
                "ci_low": float(ci.low),
                "ci_high": float(ci.high),
                "points": n,
                "holds_in_90pct": bool(ci.low >= 0.9),
                "verdict": verdict_of(ci.low, ci.high),
                "share_all_points": float(per_point[f"holds_{claim.key}"].mean()),
                "share_ai_helps": _mean_or_nan(holds[base["ai_effect"].to_numpy() > 0]),
                "share_ai_hurts": _mean_or_nan(holds[base["ai_effect"].to_numpy() <= 0]),
                "median_margin": float(base[f"margin_{claim.key}"].median()),
            }
        )
    return pd.DataFrame(rows)


def _mean_or_nan(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else float("nan")


def sobol_table(per_point: pd.DataFrame, params: tuple, seed: int) -> pd.DataFrame:
    """S1 and ST of every continuous outcome, claim margin and claim indicator, per parameter."""
    from SALib.analyze import sobol

    rows = []
    for column in per_point.columns:
        y = per_point[column].to_numpy(dtype=float)
        constant = not np.isfinite(y).all() or np.ptp(y) == 0
        if constant:
            result = {key: np.full(len(params), np.nan) for key in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            space = parameter_space.problem(params)
            # SALib leaves its bootstrap unseeded for seed 0: shift it, so intervals repeat
            result = sobol.analyze(space, y, calc_second_order=False, seed=seed + 1)
        for i, (name, *_) in enumerate(params):
            rows.append({"outcome": column, "parameter": name, **{k: float(result[k][i]) for k in result}})
    table = pd.DataFrame(rows)
    return table[["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]]


def drivers(sobol: pd.DataFrame, runs_points: pd.DataFrame, per_point: pd.DataFrame, claim: Claim) -> str:
    """What moves a claim from holding to failing: the indicator's largest total indices, and
    the share holding in the lowest and highest third of each of those parameters' ranges."""
    holds = per_point[f"holds_{claim.key}"]
    if holds.min() == holds.max():
        return "holds at every sampled point" if holds.iloc[0] else "fails at every sampled point"
    rows = sobol[sobol["outcome"] == f"holds_{claim.key}"].sort_values("ST", ascending=False).head(3)
    parts = []
    for row in rows.itertuples():
        low, high = next((lo, hi) for name, lo, hi, _ in PARAMETERS if name == row.parameter)
        x = runs_points[row.parameter]
        bottom = _share(holds[x <= low + (high - low) / 3])
        top = _share(holds[x >= high - (high - low) / 3])
        parts.append(
            f"`{row.parameter}` (ST {row.ST:.2f}; holds {bottom} in its low third, {top} in its high)"
        )
    return "; ".join(parts)


def _share(holds: pd.Series) -> str:
    return f"{holds.mean():.0%}" if len(holds) else "n/a (no point)"


def plot(claims: pd.DataFrame, sobol: pd.DataFrame, title: str) -> plt.Figure:
    fig = plt.figure(figsize=(18, 10))
    grid = fig.add_gridspec(2, 3)
    ax = fig.add_subplot(grid[0, 0])
    y = np.arange(len(claims))[::-1]
    ax.barh(
        y, claims["share"], color=np.where(claims["holds_in_90pct"], "tab:green", "tab:orange"), alpha=0.8
    )
    ax.errorbar(
        claims["share"],
        y,
        xerr=[claims["share"] - claims["ci_low"], claims["ci_high"] - claims["share"]],
        fmt="none",
        ecolor="black",
        capsize=3,
    )
    ax.axvline(0.9, color="grey", linestyle="--", linewidth=1)
    ax.set_yticks(y, [text.replace(": ", ":\n") for text in claims["text"]], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the parameter space where it holds (95% interval); dashed: 90%")
    ax.set_title("Claims", fontsize=10)
    cells = (grid[0, 1], grid[0, 2], grid[1, 0])
    for (outcome, label), cell in zip(list(OUTCOMES.items())[: len(cells)], cells, strict=True):
        ax = fig.add_subplot(cell)
        rows = sobol[sobol["outcome"] == outcome].sort_values("ST").tail(10)
        pos = np.arange(len(rows))
        ax.barh(
            pos + 0.2, rows["ST"], height=0.4, xerr=rows["ST_conf"], color="tab:purple", label="total (ST)"
        )
        ax.barh(
            pos - 0.2,
            rows["S1"],
            height=0.4,
            xerr=rows["S1_conf"],
            color="tab:cyan",
            label="first order (S1)",
        )
        ax.set_yticks(pos, rows["parameter"], fontsize=8)
        ax.set_title(label, fontsize=10)
        ax.legend(fontsize=7, loc="lower right")
    ax = fig.add_subplot(grid[1, 1:])
    indicators = sobol[sobol["outcome"].str.startswith("holds_")]
    matrix = indicators.pivot(index="outcome", columns="parameter", values="ST").reindex(
        [f"holds_{c.key}" for c in CLAIMS]
    )
    top = matrix.max(axis=0).sort_values(ascending=False).dropna().head(12).index
    matrix = matrix.reindex(columns=top).fillna(0.0).clip(lower=0.0)
    image = ax.imshow(
        matrix.to_numpy(), aspect="auto", cmap="Purples", vmin=0, vmax=max(1e-9, matrix.to_numpy().max())
    )
    ax.set_yticks(range(len(CLAIMS)), [c.key for c in CLAIMS], fontsize=8)
    ax.set_xticks(range(len(top)), top, rotation=30, ha="right", fontsize=7)
    ax.set_title("What decides whether each claim holds: total Sobol index of the indicator", fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.03)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def document(claims: pd.DataFrame, sobol: pd.DataFrame, runs: pd.DataFrame, per_point, meta: dict) -> str:
    params = active(runs.columns)
    points = runs.drop_duplicates("point").set_index("point")[[p[0] for p in params]]
    k = len(params)
    lines = [
        "# Claims that survive the parameter space",
        "",
        "Which headline claims of the model hold across the plausible range of its assumed",
        "parameters, and which hinge on a corner of it? Written by `experiments/robustness.py`;",
        "this page, its figure and its tables came from",
        "",
        "```",
        f"{meta['command']}",
        "```",
        "",
        "and `.venv/bin/python experiments/robustness.py` runs the full study (its cost: below); "
        "`--replot` redraws all of it from the stored runs.",
        "",
        f"**This run**: {meta['employees']} people x {meta['weeks']} weeks per run, Sobol base sample N = "
        f"{meta['samples']} over {k} parameters: {meta['points']} parameter points (N x (k + 2), Saltelli "
        f"without second order), {len(SCENARIOS)} scenarios each on {len(meta['seeds'])} seed(s) "
        f"({meta['runs']} runs), on {meta['jobs']} worker(s) on {meta['date']}: "
        f"**{meta['seconds'] / 60:.1f} minutes** of wall time on this 2-core machine (what else ran "
        "beside it: below).",
        "",
    ]
    if meta.get("note"):
        lines += [meta["note"], ""]
    lines += [
        "## The claims",
        "",
        f"The share is over the 2N = {int(claims['points'].iloc[0])} independent base points "
        "(Saltelli's A and B rows, a scrambled Sobol sequence); "
        "the interval is Wilson's 95% (`scipy.stats.binomtest`). "
        "A claim holds in at least 90% of the space (`yes`) when the interval's lower end is 0.9 or "
        "more, and not (`no`) when its upper end is below 0.9; otherwise this run cannot tell. "
        "`all points` is the share over every point of the design (the AB rows too: more points, "
        "but correlated within a block).",
        "",
        "| claim | evaluated as | share of space where it holds | 95% CI | holds in >= 90%? "
        "| where AI helps | where AI hurts | all points | median margin |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in claims.itertuples():
        lines.append(
            f"| {row.text} | {row.test} | {row.share:.0%} | {row.ci_low:.0%}-{row.ci_high:.0%} | "
            f"{row.verdict} | {_pct(row.share_ai_helps)} | {_pct(row.share_ai_hurts)} | "
            f"{row.share_all_points:.0%} | {row.median_margin:+.3g} |"
        )
    lines += [
        "",
        "The margin is how far the claim clears its bar (a ratio - 1, a share of hours or hours a "
        "week, as the test reads): positive where it holds (or zero, for the two `>=` claims). "
        "All scenarios at a point run on the same seeds (common random numbers). Scenarios use the "
        "presets' pressure (0.5). Where neither token leaderboard games at all, `team_cuts_gaming` "
        "holds trivially (0 <= 0). *Where AI helps* and *where AI hurts* split the base points by "
        "the sign of AI's own effect there (next section).",
        "",
    ]
    lines += ai_section(per_point, sobol, k)
    lines += gamed_section(per_point, points, k)
    lines += [
        "## What drives each failure",
        "",
        "From the total Sobol index (ST) of the claim's 0/1 indicator: the share of the variance of "
        '"holds" that the parameter explains, interactions included; beside it, the share of points '
        "where the claim holds in the parameter's lowest and highest third. Where a claim fails at "
        "few points its indicator's indices are poorly estimated (they can exceed 1, which no index "
        "can truly do): read the thirds' shares beside them.",
        "",
    ]
    for claim in CLAIMS:
        lines.append(f"- **{claim.text}**: {drivers(sobol, points, per_point, claim)}.")
        if sobol.loc[sobol["outcome"] == f"margin_{claim.key}", "ST"].notna().any():
            lines.append(f"  Its margin is moved most by {_top(sobol, f'margin_{claim.key}')}.")
    burnout = per_point["baseline_burnout"]
    lines += [
        "",
        "## Does the baseline hold still?",
        "",
        "With no metric, burnout over the policy period is above 10% of staff at "
        f"{(burnout > 0.1).mean():.0%} of all points (median {burnout.median():.1%}, "
        f"largest {burnout.max():.0%}); what moves it most: {_top(sobol, 'baseline_burnout')}"
        + ". Claims compare regimes with this baseline on the same seeds, so a drifting baseline "
        "moves every comparison.",
    ]
    lines += ["", "## What drives the main outcomes", ""]
    lines += [
        "| outcome | largest total indices (ST, 95% half-width) | largest first-order (S1) |",
        "|---|---|---|",
    ]
    for outcome, label in OUTCOMES.items():
        rows = sobol[sobol["outcome"] == outcome]
        top_t = rows.sort_values("ST", ascending=False).head(4)
        top_1 = rows.sort_values("S1", ascending=False).head(3)
        lines.append(
            f"| {label} | "
            + ", ".join(f"`{r.parameter}` {r.ST:.2f} (±{r.ST_conf:.2f})" for r in top_t.itertuples())
            + " | "
            + ", ".join(f"`{r.parameter}` {r.S1:.2f}" for r in top_1.itertuples())
            + " |"
        )
    lines += [
        "",
        "![robustness](images/robustness.png)",
        "",
        "## The parameter ranges",
        "",
        "Each assumed parameter varies uniformly over its range; the defaults of `sim/core/config.py` lie "
        "inside every range. The calibrated parameters (`sim/configs/calibrated.yaml`: "
        + ", ".join(
            f"`{group}.{name}`"
            for group, values in CALIBRATED.items()
            for name in values
            if f"{group}.{name}" not in SAMPLED_CALIBRATED
        )
        + ") stay at their fitted values; "
        + "; ".join(f"`{name}` is sampled: {why}" for name, why in SAMPLED_CALIBRATED.items())
        + ".",
        "",
        "| parameter | default | low | high | why this range |",
        "|---|---|---|---|---|",
    ]
    for name, low, high, reason in params:
        lines.append(f"| `{name}` | {default_of(name):g} | {low:g} | {high:g} | {reason} |")
    per_run = meta["seconds"] * meta["jobs"] / max(meta["runs"], 1)
    full_runs = SIZE["samples"] * (k + 2) * len(SCENARIOS)
    full_hours = full_runs * per_run * SIZE["weeks"] / meta["weeks"] / 3600 / 2
    lines += [
        "",
        "## Cost, and running it on a cluster",
        "",
        f"A run took about {per_run:.2f} s of a worker at {meta['employees']} people x "
        f"{meta['weeks']} weeks (wall time x workers / runs, in this run, compositions included; "
        "other work on the machine slows it). The default study "
        f"(`--samples {SIZE['samples']}`, {SIZE['employees']} people x {SIZE['weeks']} weeks) is "
        f"{SIZE['samples']} x {k + 2} points x {len(SCENARIOS)} scenarios = {full_runs} runs; a run's "
        "time grows about linearly with the weeks and slowly with headcount, so expect roughly "
        f"{full_hours * 60:.0f} minutes on 2 such cores. Sobol intervals shrink as 1/sqrt(N): "
        f"`--samples {4 * SIZE['samples']}` halves them and takes four times as long.",
        "",
        "On a Ray cluster the same command sends its batches to Ray through joblib's Ray backend "
        "(`ray.util.joblib`), using every core the cluster has:",
        "",
        "```",
        "ray start --head                      # or: export RAY_ADDRESS=ray://head:10001",
        ".venv/bin/python experiments/robustness.py --ray --samples 128",
        "```",
        "",
        "Without a cluster, `--ray` starts a local Ray instance: tested so here, its runs are identical "
        "to the local ones, bit for bit. On Ray the progress bar moves only when every batch is back "
        "(joblib's Ray backend returns lists); Ray's dashboard shows the tasks meanwhile. "
        "The workers need the project installed as on this machine (`pip install -e '.[cluster,research]'`, "
        "the repository at the same path). Runs are independent, so with C cores the time is about the "
        f"2-core time above x 2 / C: about {full_hours * 2 * 3600 / 128:.0f} seconds for the default study "
        f"on 128 cores, {full_hours * 4 * 2 * 3600 / 128:.0f} seconds with "
        f"`--samples {4 * SIZE['samples']}`. "
        "Every run is stored in `robustness_runs.csv`, so `--replot` redraws the table, "
        "the figure and this page without running anything.",
        "",
    ]
    return "\n".join(lines)


def _pct(value: float) -> str:
    return "n/a" if not np.isfinite(value) else f"{value:.0%}"


def _top(sobol: pd.DataFrame, outcome: str, n: int = 3) -> str:
    rows = sobol[sobol["outcome"] == outcome].sort_values("ST", ascending=False).head(n)
    return ", ".join(f"`{r.parameter}` (ST {r.ST:.2f})" for r in rows.itertuples())


def ai_section(per_point: pd.DataFrame, sobol: pd.DataFrame, k: int) -> list[str]:
    """AI's own effect with no metric across the space: every comparison with measuring
    nothing is made in an organisation where AI does this."""
    effect = per_point["ai_effect"].iloc[base_rows(len(per_point), k)]
    low, high = AI_BAND
    q = effect.quantile([0.05, 0.25, 0.5, 0.75, 0.95])
    inside = ((effect >= low) & (effect <= high)).mean()
    return [
        "## When AI helps and when it hurts",
        "",
        "AI's own effect at each point: durable value per head over the policy period under no "
        "metric with AI tools against the same organisation without them (`production.ai_available="
        "false`), on the same seeds. The sources put AI's effect on output between "
        f"{low:+.0%} an hour (METR 2025) and {high:+.0%} completed tasks a week (Cui et al. 2026; "
        'docs/model.md, "AI\'s own effect"). Across the base points it has median '
        f"{q[0.5]:+.1%} (middle half {q[0.25]:+.1%} to {q[0.75]:+.1%}; 90% of points between "
        f"{q[0.05]:+.1%} and {q[0.95]:+.1%}); AI helps at {(effect > 0).mean():.0%} of them "
        f"({int((effect > 0).sum())} points) and lies inside the sources' band at {inside:.0%}. "
        f"What moves it most: {_top(sobol, 'ai_effect')}. The claims table gives each claim's share "
        "where AI helps and where it hurts.",
        "",
    ]


GAMING_BINS = (0.0, NO_OUTCOME_GAMING, 0.002, 0.005, 0.01, 0.02, 1.0)  # outcome gaming, share of hours


def gamed_section(per_point: pd.DataFrame, points: pd.DataFrame, k: int) -> list[str]:
    """Where an outcome metric is gamed into losing to measuring nothing (issue 29): what the
    gaming channel costs it, by how many hours go to the gaming it invites, and where the
    parameters stand at the points where that cost turns a win into a loss."""
    noise = seed_noise(per_point)
    base = per_point.iloc[base_rows(len(per_point), k)]
    hits, n = int(base["gamed_into_losing"].sum()), len(base)
    ci = stats.binomtest(hits, n).proportion_ci(0.95, method="wilson")
    gamed = per_point["gamed_into_losing"] > 0
    lines = [
        "## Where an outcome metric is gamed into losing",
        "",
        "Decoupled telemetry (people judged on the durable value on their record, telemetry hidden) is "
        "*gamed into losing* at a point when it keeps less durable value per head than measuring nothing, "
        "would keep at least as much with the gaming channel knocked out in both (`channels.gaming_actions="
        "false`, same seeds), and the gaming channel's cost there (its gap to no metric without gaming, "
        "less its gap with it) exceeds twice what seed noise makes of that cost: the sd of the cost where "
        f"outcome gaming takes under {NO_OUTCOME_GAMING:.2%} of hours, {noise:.2%} of durable value in "
        "this run. The gaming that moves what it reads: "
        + ", ".join(f"`{name}`" for name in OUTCOME_GAMING)
        + ". What it earns (`gaming.claiming_credit.durable`, `gaming.cherry_picking.durable`, "
        "`gaming.deferring_defects.hides_rework`) and how far managers see claims "
        "(`behaviour.claims_visibility`) are sampled.",
        "",
        f"It loses to measuring nothing at {1 - base['holds_outcome_beats_nothing'].mean():.0%} of the base "
        f"points and is gamed into losing at {hits / n:.1%} [{ci.low:.1%}, {ci.high:.1%}] ({hits} of {n}; "
        f"{int(gamed.sum())} of all {len(per_point)} points). The channel's cost grows with the hours the "
        "gaming takes (all points):",
        "",
        "| outcome gaming, share of hours | points | gaming channel's cost, mean (sd) | loses to no metric "
        "| gamed into losing |",
        "|---|---|---|---|---|",
    ]
    hours = per_point["outcome_gaming"]
    for lo, hi in zip(GAMING_BINS[:-1], GAMING_BINS[1:], strict=True):
        inside = (hours >= lo) & (hours < hi)
        if not inside.any():
            continue
        part = per_point[inside]
        label = f"{lo:.2%} to {hi:.2%}" if hi < 1 else f"{lo:.2%} and more"
        lines.append(
            f"| {label} | {int(inside.sum())} | {part['gaming_cost'].mean():+.2%} "
            f"({part['gaming_cost'].std():.2%}) | {1 - part['holds_outcome_beats_nothing'].mean():.0%} "
            f"| {part['gamed_into_losing'].mean():.0%} |"
        )
    lines.append("")
    if gamed.sum() >= 5:
        shifts = []
        for name, lo, hi, _ in active(points.columns):
            x = points[name].loc[per_point.index]
            shifts.append(((x[gamed].mean() - x.mean()) / (hi - lo), name, x[gamed].mean(), x.mean()))
        shifts.sort(key=lambda row: -abs(row[0]))
        lines.append(
            "Where it happens (all points; a Sobol index of so rare an event says little): the parameters "
            "whose mean there stands furthest from their mean over the space, in shares of their range: "
            + "; ".join(
                f"`{name}` {there:.3g} against {overall:.3g} ({shift:+.0%})"
                for shift, name, there, overall in shifts[:5]
            )
            + "."
        )
        lines.append("")
    return lines


def _median_pct(values: pd.Series) -> str:
    return f"{values.median():.2%}" if len(values) else "n/a"


def default_of(name: str) -> float:
    node = Config()
    for part in name.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return float(node)


def summary(claims: pd.DataFrame, meta: dict, k: int) -> str:
    """What the simulator ships of this study (sim/studies/robustness.yaml): which claims hold, read
    by the validation report and the HR report."""
    study = {
        "date": meta["date"],
        "command": meta["command"],
        "parameters": k,
        "points": meta["points"],
        "base_points": int(claims["points"].iloc[0]),
        "employees": meta["employees"],
        "weeks": meta["weeks"],
        "seeds": len(meta["seeds"]),
    }
    rows = [
        {
            "key": row.claim,
            "claim": row.text,
            "test": row.test,
            "share": round(float(row.share), 4),
            "ci_low": round(float(row.ci_low), 4),
            "ci_high": round(float(row.ci_high), 4),
            "verdict": row.verdict,
            "share_ai_helps": _rounded(row.share_ai_helps),
            "share_ai_hurts": _rounded(row.share_ai_hurts),
        }
        for row in claims.itertuples()
    ]
    head = (
        "# Written by experiments/robustness.py: in what share of the assumed parameters' space each\n"
        "# headline claim holds (Wilson 95% interval over Saltelli's base points). docs/robustness.md\n"
        "# has the study; the validation report and the HR report quote this file.\n"
    )
    return head + yaml.safe_dump({"study": study, "claims": rows}, sort_keys=False, width=110)


def _rounded(value: float) -> float | None:
    return round(float(value), 4) if np.isfinite(value) else None


def analyse_and_write(
    runs: pd.DataFrame, meta: dict, out: Path, doc: Path, image: Path, shipped: Path | None = None
) -> pd.DataFrame:
    params = active(runs.columns)
    per_point = outcomes(wide_table(runs))
    claims = claim_table(per_point, len(params))
    sobol = sobol_table(per_point, params, meta["seed"])
    write_table(claims, out / "robustness_claims.csv")
    write_table(sobol, out / "robustness_sobol.csv")
    if shipped is not None:
        write_text(summary(claims, meta, len(params)), shipped)
    title = (
        f"Claims across the parameter space: Sobol over {len(params)} parameters, "
        f"{meta['points']} points, "
        f"{meta['employees']} people x {meta['weeks']} weeks"
    )
    figure = plot(claims, sobol, title)
    write_atomic(image, lambda tmp: figure.savefig(tmp, format="png", dpi=90))
    write_text(document(claims, sobol, runs, per_point, meta), doc)
    return claims


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--samples", type=int, default=SIZE["samples"], help="Sobol base sample N (points: N x (k+2))"
    )
    parser.add_argument("--employees", type=int, default=SIZE["employees"])
    parser.add_argument("--weeks", type=int, default=SIZE["weeks"])
    parser.add_argument("--seeds", type=int, default=1, help="seeds per point, shared by every point")
    parser.add_argument("--seed", type=int, default=0, help="seeds the sample and the runs")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--quick", action="store_true", help="a smoke run: N = 1, 40 people x 20 weeks")
    parser.add_argument("--ray", action="store_true", help="run on Ray (RAY_ADDRESS, or a local Ray)")
    parser.add_argument("--replot", action="store_true", help="redraw from OUT/robustness_runs.csv")
    parser.add_argument(
        "--parameters", type=int, default=len(PARAMETERS), help="vary only the first N (a smoke test)"
    )
    parser.add_argument("--note", default="", help="a sentence for the doc about this run")
    parser.add_argument("--out", type=Path, default=Path("results/robustness"))
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "robustness.md")
    parser.add_argument("--image", type=Path, default=ROOT / "docs" / "images" / "robustness.png")
    parser.add_argument(
        "--summary",
        type=Path,
        default=ROOT / "sim" / "studies" / "robustness.yaml",
        help="which claims hold, as the simulator ships it (for the validation and HR reports)",
    )
    args = parser.parse_args(argv)
    require_extra("research", "experiments/robustness.py")  # SALib samples and analyses
    if args.quick:
        args.samples, args.employees, args.weeks = QUICK["samples"], QUICK["employees"], QUICK["weeks"]
    for name in ("samples", "employees", "weeks", "seeds", "jobs", "parameters"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.weeks <= 14:
        parser.error("--weeks must be above 14: policies start at week 13")
    out = args.out.resolve()
    runs_csv, meta_json = out / "robustness_runs.csv", out / "robustness_meta.json"
    if args.replot:
        if not runs_csv.exists() or not meta_json.exists():
            parser.error(f"--replot needs {runs_csv} and {meta_json} from an earlier run")
        runs, meta = pd.read_csv(runs_csv), json.loads(meta_json.read_text())
        if args.note:
            meta["note"] = args.note
    else:
        from SALib.sample import sobol as sobol_sample

        params = PARAMETERS[: args.parameters]
        space = parameter_space.problem(params)
        samples = sobol_sample.sample(space, args.samples, calc_second_order=False, seed=args.seed)
        seeds = replicate_seeds(args.seed, args.seeds)
        base = [f"org.n_employees={args.employees}", f"org.weeks={args.weeks}"]
        n_runs = len(samples) * len(SCENARIOS) * len(seeds)
        print(
            f"robustness: {len(params)} parameters, {len(samples)} points x {len(SCENARIOS)} scenarios x "
            f"{len(seeds)} seed(s) = {n_runs} runs of {args.employees} people x {args.weeks} weeks"
            + (" on Ray" if args.ray else f" on {args.jobs} workers"),
            flush=True,
        )
        start = time.perf_counter()
        runs = parameter_space.run_points(
            base, SCENARIOS, space["names"], samples, seeds, measure, args.jobs, ray=args.ray
        )
        seconds = time.perf_counter() - start
        print(f"ran {n_runs} runs in {seconds / 60:.1f} minutes", flush=True)
        points = pd.DataFrame(samples, columns=space["names"]).rename_axis("point").reset_index()
        runs = runs.merge(points, on="point", how="left")
        words = sys.argv[1:] if argv is None else argv
        meta = {
            "command": shlex.join([".venv/bin/python", "experiments/robustness.py", *words]),
            "employees": args.employees,
            "weeks": args.weeks,
            "samples": args.samples,
            "points": len(samples),
            "runs": n_runs,
            "seeds": seeds,
            "seed": args.seed,
            "jobs": args.jobs,
            "seconds": seconds,
            "date": datetime.now(UTC).strftime("%Y-%m-%d"),
            "note": args.note,
        }
        write_table(runs, runs_csv)
        write_text(json.dumps(meta, indent=2), meta_json)
    claims = analyse_and_write(
        runs, meta, out, args.doc.resolve(), args.image.resolve(), args.summary.resolve()
    )
    for row in claims.itertuples():
        print(
            f"{row.text}: holds in {row.share:.0%} of the space (95% CI {row.ci_low:.0%}-{row.ci_high:.0%})"
        )
    print(
        f"written: {out / 'robustness_claims.csv'}, {out / 'robustness_sobol.csv'}, {args.doc}, {args.image}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
