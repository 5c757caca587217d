"""Search for the metric design that holds up: Optuna over signal weights and policy levers.

    python -m sim.search --trials 40 --seeds 3 --out search/ --max-burnout 0.10 --max-attrition 0.15

Each trial is a policy: up to three of the observable signals (`sim.model.signals`) with their
weights (few enough for a person to explain the metric), an optional cost denominator, the
level (individual or team), the scoring rule, the window, the pressure and forced ranking.
It runs on the same simulated organisation and seeds as every other
trial and is judged on two things at once, durable value per $1M of cost (salaries, tokens
and replacement; higher is better) and burnout (lower is better), with ceilings on burnout
and attrition as constraints. The trials run one after another with a seeded sampler, so the
same seed gives the same policies. The Pareto front (no policy there is beaten on both) is
written as scenario files, ready for `python -m sim.report`.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import io  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import optuna  # noqa: E402
import pandas as pd  # noqa: E402

from sim import checks  # noqa: E402
from sim.checks import ConfigError  # noqa: E402
from sim.model.signals import SIGNAL_NAMES  # noqa: E402
from sim.outputs import write_atomic, write_table, write_text  # noqa: E402
from sim.run import replicate_seeds, run_model  # noqa: E402
from sim.scenarios import scenario_from_mapping, scenario_yaml  # noqa: E402

# A metric reads up to SLOTS signals, each with a weight: sparse designs a person can explain.
# Rework counts against; every other signal counts for.
SLOTS = 3
SLOT_CHOICES = ("none", *SIGNAL_NAMES)
WEIGHT_STEP = 0.25
DENOMINATORS = {
    "none": {},
    "salaries and tokens": {"salary_cost": 1.0, "token_cost": 1.0},
    "tokens": {"token_cost": 1.0},
}
WINDOWS = (4, 8, 13, 26)
FORCED_RANKING = (0.0, 0.05, 0.1)
# Known designs tried first, so the search starts from what we already know.
_NONE = {f"signal_{k}": "none" for k in range(1, SLOTS + 1)} | {
    f"weight_{k}": 1.0 for k in range(1, SLOTS + 1)
}
REFERENCES = {
    "no metric": _NONE
    | {"per": "none", "level": "individual", "scoring": "rank", "window": 4}
    | {"pressure": 0.0, "forced_ranking": 0.0},
    "durable value, judged on outcomes": _NONE
    | {"signal_1": "durable_value", "per": "none", "level": "individual", "scoring": "absolute"}
    | {"window": 13, "pressure": 0.5, "forced_ranking": 0.0},
}


@dataclass(frozen=True)
class Ceilings:
    burnout: float  # highest acceptable mean share of staff burned out
    attrition: float  # highest acceptable voluntary attrition, a year


def policy_from_params(params: dict[str, Any]) -> dict[str, Any]:
    """A regime mapping (as in a scenario file) from a trial's parameters."""
    weights: dict[str, float] = {}
    for k in range(1, SLOTS + 1):
        signal = params.get(f"signal_{k}", "none")
        if signal != "none":
            sign = -1.0 if signal == "rework_rate" else 1.0
            weights[signal] = weights.get(signal, 0.0) + sign * float(params[f"weight_{k}"])
    if not weights:  # no metric at all: nothing can ride on it
        return {"weights": {}, "per": {}, "pressure": 0.0, "forced_ranking": 0.0}
    return {
        "weights": weights,
        "per": dict(DENOMINATORS[params["per"]]),
        "normalise": True,
        "level": params["level"],
        "scoring": params["scoring"],
        "window": int(params["window"]),
        "pressure": float(params["pressure"]),
        "forced_ranking": float(params["forced_ranking"]),
    }


def suggest(trial: optuna.Trial) -> dict[str, Any]:
    """The search space: metric design and policy levers."""
    params: dict[str, Any] = {}
    for k in range(1, SLOTS + 1):
        params[f"signal_{k}"] = trial.suggest_categorical(f"signal_{k}", list(SLOT_CHOICES))
        params[f"weight_{k}"] = trial.suggest_float(f"weight_{k}", WEIGHT_STEP, 1.0, step=WEIGHT_STEP)
    params["per"] = trial.suggest_categorical("per", list(DENOMINATORS))
    params["level"] = trial.suggest_categorical("level", ["individual", "team"])
    params["scoring"] = trial.suggest_categorical("scoring", ["rank", "absolute"])
    params["window"] = trial.suggest_categorical("window", list(WINDOWS))
    params["pressure"] = trial.suggest_float("pressure", 0.0, 1.0, step=0.05)
    params["forced_ranking"] = trial.suggest_categorical("forced_ranking", list(FORCED_RANKING))
    return params


def describe(policy: dict[str, Any]) -> str:
    """A policy in one plain sentence."""
    from sim.report import PLAIN_SIGNALS

    if not policy["weights"]:
        return "No metric: people are judged informally on what they contribute."
    scored = " + ".join(f"{PLAIN_SIGNALS[s]} ({w:g})" for s, w in policy["weights"].items())
    per = f", per dollar of {' and '.join(PLAIN_SIGNALS[s] for s in policy['per'])}" if policy["per"] else ""
    how = "ranked against each other" if policy["scoring"] == "rank" else "judged against where they started"
    stakes = (
        f"{policy['pressure']:.0%} of pay, promotion and security rides on it"
        if policy["pressure"] > 0
        else "nothing rides on it (the score is seen, not used)"
    )
    fired = (
        f"; the lowest {policy['forced_ranking']:.0%} let go at each review"
        if policy["forced_ranking"]
        else "; no forced ranking"
    )
    return (
        f"Scores {scored}{per}, measured per {'team' if policy['level'] == 'team' else 'person'} over "
        f"{policy['window']} weeks and {how}; {stakes}{fired}."
    )


def evaluate(policy: dict[str, Any], base: Sequence[str], seeds: Sequence[int]) -> dict[str, float]:
    """Mean outcomes of a policy over the seeds."""
    cfg = scenario_from_mapping({"name": "trial", "regime": policy}, source="search").config(base)
    rows = pd.DataFrame([run_model(cfg, seed=s).summary for s in seeds])
    value, cost = rows["durable_value_total"].astype(float), rows["cost_total"].astype(float)
    per_million = value / cost * 1e6
    n = len(seeds)
    return {
        "value_per_million": float(per_million.mean()),
        # standard error across seeds: differences smaller than about twice this are noise
        "value_per_million_se": float(per_million.std(ddof=1) / np.sqrt(n)) if n > 1 else 0.0,
        "cost_per_durable_value": float((cost / value).mean()),
        "burnout": float(rows["burnout_share"].astype(float).mean()),
        "attrition": float(rows["attrition"].astype(float).mean()),
        "regretted_share": float(rows["regretted_share"].astype(float).mean()),
        "token_spend": float(rows["token_cost_per_head_year"].astype(float).mean()),
        "theater": float(rows["theater_share"].astype(float).mean()),
        "durable_value_per_head": float(rows["durable_value_per_head"].astype(float).mean()),
    }


def _constraints(trial: optuna.trial.FrozenTrial) -> list[float]:
    return trial.user_attrs["constraints"]


def run_search(
    trials: int = 40,
    seeds: int = 3,
    seed: int = 0,
    ceilings: Ceilings = Ceilings(0.10, 0.15),
    base: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Run the search; one row per trial, with its policy, outcomes and whether it is on the front."""
    if trials < 1 or seeds < 1:
        raise ConfigError(f"--trials={trials}, --seeds={seeds}: each must be a whole number of at least 1")
    for name, value in (("--max-burnout", ceilings.burnout), ("--max-attrition", ceilings.attrition)):
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"{name}={value}: must be a share between 0 and 1")
    seed_list = replicate_seeds(seed, seeds)
    scenario_from_mapping({"regime": "baseline", "set": {}}, source="search").config(base)  # check base early
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with warnings.catch_warnings():  # constraints_func is marked experimental; its use here is plain
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        sampler = optuna.samplers.TPESampler(
            seed=seed, constraints_func=_constraints, n_startup_trials=min(10, max(trials // 3, 1))
        )
    study = optuna.create_study(directions=["maximize", "minimize"], sampler=sampler)
    for params in list(REFERENCES.values())[: max(trials - 1, 1)]:
        study.enqueue_trial(params)

    def objective(trial: optuna.Trial) -> tuple[float, float]:
        policy = policy_from_params(suggest(trial))
        outcome = evaluate(policy, base, seed_list)
        for key, value in outcome.items():
            trial.set_user_attr(key, value)
        trial.set_user_attr("policy", policy)
        trial.set_user_attr(
            "constraints", [outcome["burnout"] - ceilings.burnout, outcome["attrition"] - ceilings.attrition]
        )
        if progress:
            progress(
                f"trial {trial.number + 1}/{trials}: "
                f"{outcome['value_per_million']:.1f} durable value per $1M, "
                f"burnout {outcome['burnout']:.1%}, attrition {outcome['attrition']:.1%}"
            )
        return outcome["value_per_million"], outcome["burnout"]

    study.optimize(objective, n_trials=trials, n_jobs=1)
    return trial_table(study, ceilings)


def trial_table(study: optuna.Study, ceilings: Ceilings) -> pd.DataFrame:
    """Every trial: its policy, outcomes, feasibility and Pareto membership."""
    references = {tuple(sorted(p.items())): name for name, p in REFERENCES.items()}
    records = []
    for t in study.trials:
        if t.state != optuna.trial.TrialState.COMPLETE:
            continue
        a = t.user_attrs
        records.append(
            {
                "trial": t.number + 1,  # counted from 1, as the progress lines say
                "reference": references.get(tuple(sorted(t.params.items())), ""),
                **{k: a[k] for k in ("value_per_million", "value_per_million_se", "cost_per_durable_value")},
                **{k: a[k] for k in ("burnout", "attrition")},
                **{k: a[k] for k in ("regretted_share", "token_spend", "theater", "durable_value_per_head")},
                "feasible": a["burnout"] <= ceilings.burnout and a["attrition"] <= ceilings.attrition,
                "policy": describe(a["policy"]),
                **{f"param_{k}": v for k, v in t.params.items()},
                "_policy": a["policy"],
            }
        )
    table = pd.DataFrame(records)
    table["pareto"] = pareto_front(table)
    return table


def pareto_front(table: pd.DataFrame) -> np.ndarray:
    """Feasible trials that no other feasible trial beats on both value per cost and burnout."""
    value = table["value_per_million"].to_numpy()
    burnout = table["burnout"].to_numpy()
    feasible = table["feasible"].to_numpy(dtype=bool)
    front = np.zeros(len(table), dtype=bool)
    for i in np.flatnonzero(feasible):
        others = feasible & (value >= value[i]) & (burnout <= burnout[i])
        others &= (value > value[i]) | (burnout < burnout[i])
        front[i] = not others.any()
    return front


def best_policies(table: pd.DataFrame, keep: int) -> pd.DataFrame:
    """The Pareto front, best value per cost first, at most `keep` of them."""
    front = table[table["pareto"]].sort_values(["value_per_million", "burnout"], ascending=[False, True])
    return front.head(keep)


def front_png(table: pd.DataFrame, ceilings: Ceilings) -> bytes:
    """Durable value per $1M against burnout, every trial, the Pareto front joined up."""
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=130)
    feasible = table[table["feasible"]]
    other = table[~table["feasible"]]
    ax.scatter(other["burnout"] * 100, other["value_per_million"], facecolors="none", edgecolors="#bbbbbb",
               label="over a ceiling")  # fmt: skip
    ax.scatter(
        feasible["burnout"] * 100, feasible["value_per_million"], color="#56B4E9", label="within the ceilings"
    )
    front = table[table["pareto"]].sort_values("burnout")
    ax.plot(front["burnout"] * 100, front["value_per_million"], "-o", color="#D55E00", label="Pareto front")
    for _, row in table[table["reference"] != ""].iterrows():
        ax.annotate(row["reference"], (row["burnout"] * 100, row["value_per_million"]), xytext=(5, -10),
                    textcoords="offset points", fontsize=7.5, color="#444444")  # fmt: skip
    ax.axvline(ceilings.burnout * 100, color="#999999", ls=":", lw=0.8)
    ax.annotate("burnout ceiling", (ceilings.burnout * 100, 0), xycoords=("data", "axes fraction"),
                xytext=(3, 4), textcoords="offset points", fontsize=7.5, color="#777777")  # fmt: skip
    ax.set_xlabel("burned out, % of staff on average")
    ax.set_ylabel("durable value per $1M of cost")
    ax.set_title("Policies tried: value for money against burnout", loc="left", fontsize=10.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def write_results(
    table: pd.DataFrame, out: str | Path, ceilings: Ceilings, command: str, keep: int = 3
) -> list[Path]:
    """The trials, the front, a chart, a summary and each best policy as a scenario file."""
    out = Path(out)
    written = [write_table(table.drop(columns=["_policy"]), out / "trials.csv")]
    best = best_policies(table, keep)
    files = []
    for rank, (_, row) in enumerate(best.iterrows(), start=1):
        policy = row["_policy"]
        name = f"Searched policy {rank} (trial {row['trial']})"
        description = (
            f"{row['policy']} Found by `{command}`: {row['value_per_million']:.1f} durable value "
            f"per $1M of cost, {row['burnout']:.1%} burned out, {row['attrition']:.1%} attrition a year."
        )
        text = scenario_yaml(name, description, {"name": f"searched_{rank}", **policy}, {})
        path = write_text(text, out / f"policy-{rank}.yaml")
        scenario_from_mapping(
            {"name": name, "description": description, "regime": {"name": f"searched_{rank}", **policy}},
            source=str(path),
        )  # a file we write must load back
        files.append(path)
    written += files
    png = front_png(table, ceilings)
    written.append(out / "pareto.png")
    write_atomic(out / "pareto.png", lambda tmp: tmp.write_bytes(png))
    written.append(write_text(summary_text(table, best, files, ceilings, command), out / "summary.md"))
    return written


def summary_text(
    table: pd.DataFrame, best: pd.DataFrame, files: list[Path], ceilings: Ceilings, command: str
) -> str:
    feasible = int(table["feasible"].sum())
    lines = [
        "# Policy search",
        "",
        f"`{command}`",
        "",
        f"{len(table)} policies tried; {feasible} stayed within the ceilings (burnout at most "
        f"{ceilings.burnout:.0%} of staff, attrition at most {ceilings.attrition:.0%} a year).",
        "Value for money is durable value per $1M of salaries, tokens and replacement costs.",
        "",
    ]
    refs = table[table["reference"] != ""]
    for _, r in refs.iterrows():
        lines.append(
            f"- Reference, {r['reference']} (trial {r['trial']}): {r['value_per_million']:.1f} per $1M, "
            f"burnout {r['burnout']:.1%}, attrition {r['attrition']:.1%}."
        )
    front = best_policies(table, len(table))
    lines += [
        "",
        "## The best policies",
        "",
        "The Pareto front: no policy tried beats one of these on both value for money and burnout;",
        "choosing among them is a judgement about how much burnout a gain is worth. Value per $1M is",
        "shown with its standard error across seeds: differences smaller than about twice that are noise.",
        "",
    ]
    if front.empty:
        lines.append("No policy stayed within the ceilings: raise them, or run more trials.")
    lines.append(
        "| file | trial | value per $1M | burnout | attrition | top contributors among leavers | policy |"
    )
    lines.append("|---|---|---|---|---|---|---|")
    file_of = {int(r["trial"]): path.name for path, (_, r) in zip(files, best.iterrows(), strict=True)}
    for _, r in front.iterrows():
        lines.append(
            f"| {file_of.get(int(r['trial']), '')} | {r['trial']} | {r['value_per_million']:.1f} "
            f"± {r['value_per_million_se']:.1f} | {r['burnout']:.1%} | {r['attrition']:.1%} | "
            f"{r['regretted_share']:.0%} | {r['policy']} |"
        )
    if files:
        lines += ["", "Compare them against the baseline in a report:", ""]
        lines.append("    python -m sim.report " + " ".join(str(p) for p in files) + " --seeds 5")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = checks.Parser(
        prog="python -m sim.search",
        description="Search metric designs and policy levers for durable value per cost within ceilings.",
    )
    parser.add_argument("--trials", type=int, default=40, help="policies to try, one after another")
    parser.add_argument(
        "--seeds", type=int, default=3, help="runs per policy, each with other people and luck"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the sampler and of the runs")
    parser.add_argument("--max-burnout", type=float, default=0.10, help="ceiling on the share burned out")
    parser.add_argument("--max-attrition", type=float, default=0.15, help="ceiling on attrition a year")
    parser.add_argument("--employees", type=int, help="people in the organisation (default 500)")
    parser.add_argument("--weeks", type=int, help="weeks to simulate (default 104)")
    parser.add_argument("--keep", type=int, default=5, help="best policies written as scenario files")
    parser.add_argument("--out", default="search", help="folder for the results")
    args = parser.parse_args(argv)
    ceilings = Ceilings(args.max_burnout, args.max_attrition)
    base = [f"org.n_employees={args.employees}"] if args.employees is not None else []
    base += [f"org.weeks={args.weeks}"] if args.weeks is not None else []
    command = (
        f"python -m sim.search --trials {args.trials} --seeds {args.seeds} --seed {args.seed} "
        f"--max-burnout {args.max_burnout:g} --max-attrition {args.max_attrition:g}"
        + (f" --employees {args.employees}" if args.employees is not None else "")
        + (f" --weeks {args.weeks}" if args.weeks is not None else "")
    )
    say = lambda text: print(text, file=sys.stderr)  # noqa: E731
    try:
        checks.whole_number("--trials", args.trials, 1)
        checks.whole_number("--seeds", args.seeds, 1, checks.MAX_REPLICATES)
        checks.whole_number("--seed", args.seed, 0)
        checks.share("--max-burnout", args.max_burnout)
        checks.share("--max-attrition", args.max_attrition)
        checks.organisation(args.employees, args.weeks)
        checks.after_start(args.weeks)
        checks.whole_number("--keep", args.keep, 1)
        checks.output_folder("--out", args.out)
        table = run_search(args.trials, args.seeds, args.seed, ceilings, base, say)
    except ConfigError as error:
        say(f"error: {error}")
        return 2
    written = write_results(table, args.out, ceilings, command, args.keep)
    print(Path(args.out, "summary.md").read_text())
    print("Written: " + ", ".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
