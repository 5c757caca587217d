"""Search for the metric design that holds up: Optuna over signal weights and policy levers.

    python -m sim search --trials 40 --seeds 3 --out search/ --max-burnout 0.15 --max-attrition 0.15

Each trial is a policy: up to three of the observable signals (`sim.model.signals`) with their
weights (few enough for a person to explain the metric), an optional cost denominator, the
level (individual or team), the scoring rule, the window, the pressure and forced ranking.
It runs on the same simulated organisation and seeds as every other
trial and is judged on two things at once, durable value per $1M of cost (salaries, tokens
and replacement; higher is better) and burnout (lower is better), with ceilings on burnout
and attrition as constraints. The trials run one after another with a seeded sampler, so the
same seed gives the same policies. The Pareto front (no policy there is beaten on both) is
written as scenario files, ready for `python -m sim report`.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.core.cli import missing_extra  # noqa: E402

try:
    import optuna
except ModuleNotFoundError as error:  # a core install: say which extra brings it
    if __name__ == "__main__":
        print(f"error: {missing_extra('search', 'python -m sim search')}", file=sys.stderr)
        raise SystemExit(2) from None
    raise ModuleNotFoundError(missing_extra("search", "sim.studies.search"), name=error.name) from error

from sim.core import checks  # noqa: E402
from sim.core.checks import ConfigError  # noqa: E402
from sim.core.outputs import write_atomic, write_table, write_text  # noqa: E402
from sim.core.run import replicate_seeds, simulate_batch  # noqa: E402
from sim.core.scenarios import scenario_from_mapping, scenario_yaml  # noqa: E402
from sim.model.signals import SIGNAL_NAMES  # noqa: E402
from sim.studies.search_report import (  # noqa: E402
    Check,
    check_search,
    evaluate_presets,
    figure_png,
    fresh_seeds,
    front_figure,
    summary_html,
    verdict,
)

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


# Below this share of pay, promotion and security riding on the score (and with nobody let go
# by it), a metric changes nothing anyone does: such a trial is "no metric" under another name.
MIN_PRESSURE = 0.05


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
    nothing_rides = float(params.get("pressure", 0.0)) < MIN_PRESSURE and not params.get("forced_ranking")
    if not weights or nothing_rides:  # no signal, or nothing riding on the score: no metric
        return dict(NO_METRIC)
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


NO_METRIC: dict[str, Any] = {"weights": {}, "per": {}, "pressure": 0.0, "forced_ranking": 0.0}


def is_no_metric(policy: dict[str, Any]) -> bool:
    return not policy["weights"]


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
    from sim.hr.report import PLAIN_SIGNALS

    if not policy["weights"]:
        return "No metric: people are judged informally on what they contribute."
    terms = [f"{PLAIN_SIGNALS[s]} (weight {w:g})" for s, w in policy["weights"].items()]
    scored = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]
    per = f", per dollar of {' and '.join(PLAIN_SIGNALS[s] for s in policy['per'])}" if policy["per"] else ""
    how = "ranked against each other" if policy["scoring"] == "rank" else "judged against where they started"
    stakes = (
        f"{policy['pressure']:.0%} of pay, promotion and security rides on it"
        if policy["pressure"] >= MIN_PRESSURE
        else "no pay or promotion rides on it"
    )
    fired = (
        f"; the lowest {policy['forced_ranking']:.0%} let go at each review"
        if policy["forced_ranking"]
        else "; no forced ranking"
    )
    return (
        f"People are scored on {scored}{per}, measured per "
        f"{'team' if policy['level'] == 'team' else 'person'} over "
        f"{policy['window']} weeks and {how}; {stakes}{fired}."
    )


class Outcome(TypedDict):
    """A policy's mean outcomes over seeds, and its two objectives seed by seed."""

    value_per_million: float
    value_per_million_se: float
    cost_per_durable_value: float
    burnout: float
    attrition: float
    regretted_share: float
    token_spend: float
    theater: float
    durable_value_per_head: float
    value_per_million_runs: list[float]
    burnout_runs: list[float]


def evaluate(policy: dict[str, Any] | str, base: Sequence[str], seeds: Sequence[int]) -> Outcome:
    """Mean outcomes of a policy (a regime mapping or a preset's name) over the seeds, and the
    runs' own values of the two objectives, seed by seed, for paired comparisons."""
    cfg = scenario_from_mapping({"name": "trial", "regime": policy}, source="search").config(base)
    rows = pd.DataFrame([result.summary for result in simulate_batch([cfg] * len(seeds), list(seeds))])
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
        "value_per_million_runs": [float(x) for x in per_million],
        "burnout_runs": [float(x) for x in rows["burnout_share"].astype(float)],
    }


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
    # The sampler reads the ceilings from each trial's constraints (Trial.set_constraint).
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(10, max(trials // 3, 1)))
    study = optuna.create_study(directions=["maximize", "minimize"], sampler=sampler)
    for params in list(REFERENCES.values())[: max(trials - 1, 1)]:
        study.enqueue_trial(params)

    def objective(trial: optuna.Trial) -> tuple[float, float]:
        policy = policy_from_params(suggest(trial))
        outcome = evaluate(policy, base, seed_list)
        for key, value in outcome.items():
            trial.set_user_attr(key, value)
        trial.set_user_attr("policy", policy)
        trial.set_constraint("burnout", outcome["burnout"] - ceilings.burnout)
        trial.set_constraint("attrition", outcome["attrition"] - ceilings.attrition)
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
                "no_metric": is_no_metric(a["policy"]),
                "policy": describe(a["policy"]),
                **{f"param_{k}": v for k, v in t.params.items()},
                "_policy": a["policy"],
                "_value_runs": a["value_per_million_runs"],
                "_burnout_runs": a["burnout_runs"],
            }
        )
    table = pd.DataFrame(records)
    table["pareto"] = pareto_front(table)
    return table


def pareto_front(table: pd.DataFrame) -> np.ndarray:
    """Feasible policies that no other feasible policy beats on both value per cost and burnout.
    A trial that is no metric under another name is no policy: it is never on the front."""
    value = table["value_per_million"].to_numpy()
    burnout = table["burnout"].to_numpy()
    feasible = table["feasible"].to_numpy(dtype=bool)
    if "no_metric" in table:
        feasible = feasible & ~table["no_metric"].to_numpy(dtype=bool)
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


def check_results(
    table: pd.DataFrame,
    seeds: int,
    seed: int,
    ceilings: Ceilings,
    base: Sequence[str] = (),
    keep: int = 5,
    presets: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Check:
    """The presets on the search's seeds, then the best policies, no metric and the best preset
    on fresh seeds: whether anything the search found beats measuring nothing beyond the noise."""
    search_seeds, confirm_seeds = fresh_seeds(seed, seeds)
    within = lambda o: o["burnout"] <= ceilings.burnout and o["attrition"] <= ceilings.attrition  # noqa: E731
    preset_table = evaluate_presets(evaluate, base, search_seeds, within, presets, progress)
    return check_search(
        best_policies(table, keep),
        preset_table,
        evaluate,
        base,
        confirm_seeds,
        search_seeds,
        NO_METRIC,
        progress,
    )


def scenario_text(name: str, description: str, policy: dict[str, Any], measures: str) -> str:
    """A scenario file for a searched policy, opening with what it measures in plain words."""
    head = "\n".join(f"# {line}" for line in textwrap.wrap(f"What it measures: {measures}", 96))
    return head + "\n" + scenario_yaml(name, description, policy, {})


def write_results(
    table: pd.DataFrame,
    out: str | Path,
    ceilings: Ceilings,
    command: str,
    keep: int = 3,
    check: Check | None = None,
) -> list[Path]:
    """The trials, each best policy as a scenario file, the chart and the summary page."""
    out = Path(out)
    hidden = [c for c in table.columns if c.startswith("_")]
    written = [write_table(table.drop(columns=hidden), out / "trials.csv")]
    best = best_policies(table, keep)
    files = []
    for rank, (_, row) in enumerate(best.iterrows(), start=1):
        policy = {"name": f"searched_{rank}", **row["_policy"]}
        name = f"Searched policy {rank} (trial {row['trial']})"
        description = (
            f"{row['policy']} Found by `{command}`: {row['value_per_million']:.1f} durable value "
            f"per $1M of cost, {row['burnout']:.1%} burned out, {row['attrition']:.1%} attrition a year."
        )
        path = write_text(
            scenario_text(name, description, policy, row["policy"]), out / f"policy-{rank}.yaml"
        )
        scenario_from_mapping(
            {"name": name, "description": description, "regime": policy}, source=str(path)
        )  # a file we write must load back
        files.append(path)
    written += files
    names = {int(r["trial"]): f"policy-{k}" for k, (_, r) in enumerate(best.iterrows(), start=1)}
    presets = check.presets if check is not None else pd.DataFrame()
    png = figure_png(front_figure(table, presets, ceilings, names))
    written.append(out / "pareto.png")
    write_atomic(out / "pareto.png", lambda tmp: tmp.write_bytes(png))
    from sim.hr.report import made_at, simulator_version

    made = f"Made {made_at():%d %B %Y, %H:%M} UTC by the simulator, version {simulator_version()},"
    page = summary_html(table, best, [p.name for p in files], check, ceilings, command, png, made)
    written.append(write_text(page, out / "summary.html"))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = checks.Parser(
        prog="python -m sim search",
        description="Search metric designs and policy levers for durable value per cost within ceilings.",
    )
    parser.add_argument("--trials", type=int, default=40, help="policies to try, one after another")
    parser.add_argument(
        "--seeds", type=int, default=3, help="runs per policy, each with other people and luck"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the sampler and of the runs")
    parser.add_argument(
        "--max-burnout",
        type=float,
        default=0.15,
        help="ceiling on the share burned out (no metric: about 0.12)",
    )
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
        f"python -m sim search --trials {args.trials} --seeds {args.seeds} --seed {args.seed} "
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
    check = check_results(table, args.seeds, args.seed, ceilings, base, args.keep, progress=say)
    written = write_results(table, args.out, ceilings, command, args.keep, check)
    print("\n".join(verdict(check)))
    print("Written: " + ", ".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
