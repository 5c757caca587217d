"""Search for the metric design that holds up: Optuna over signal weights and policy levers.

    python -m sim search --trials 40 --seeds 3 --out search/ --max-burnout 0.15 --max-attrition 0.15
    python -m sim search --org my_org.yaml --versions 8 --out search/   # your organisation

Each trial is a policy: up to three of the observable signals (`sim.model.signals`) with their
weights (few enough for a person to explain the metric), an optional cost denominator, the
level (individual or team), the scoring rule, the window, the pressure and forced ranking.
It runs on the same simulated organisation and seeds as every other
trial (with `--org PROFILE`, on the same plausible versions of the profiled organisation, see
`Versions`) and is judged on two things at once, durable value per $1M of cost (salaries, tokens
and replacement; higher is better) and burnout (lower is better), with ceilings on burnout
and attrition as constraints. The trials run one after another with a seeded sampler, so the
same seed gives the same policies. The Pareto front (no policy there is beaten on both) is
written as scenario files, ready for `python -m sim report` (with `--org`, for the profiled organisation).
"""

from __future__ import annotations

import shlex
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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
from sim.core.config import Config  # noqa: E402
from sim.core.outputs import write_atomic, write_table, write_text  # noqa: E402
from sim.core.run import RunResult, replicate_seeds, resolve, simulate_batch  # noqa: E402
from sim.core.scenarios import scenario_from_mapping, scenario_yaml  # noqa: E402
from sim.hr.fit import SCALED_EMPLOYEES, compared, fit, in_versions, organisation_overrides  # noqa: E402
from sim.hr.profile import OrgProfile, load_profile  # noqa: E402
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


def policy_config(policy: dict[str, Any] | str, base: Sequence[str]) -> Config:
    """A policy (a regime mapping or a preset's name) on the organisation `base` describes."""
    return scenario_from_mapping({"name": "trial", "regime": policy}, source="search").config(base)


def evaluate(policy: dict[str, Any] | str, base: Sequence[str], seeds: Sequence[int]) -> Outcome:
    """Mean outcomes of a policy (a regime mapping or a preset's name) over the seeds, and the
    runs' own values of the two objectives, seed by seed, for paired comparisons."""
    cfg = policy_config(policy, base)
    return outcome(simulate_batch([cfg] * len(seeds), list(seeds)))


def outcome(results: Sequence[RunResult]) -> Outcome:
    """Mean outcomes over runs, and each run's value of the two objectives, in run order."""
    rows = pd.DataFrame([result.summary for result in results])
    value, cost = rows["durable_value_total"].astype(float), rows["cost_total"].astype(float)
    per_million = value / cost * 1e6
    n = len(results)
    return {
        "value_per_million": float(per_million.mean()),
        # standard error across runs: differences smaller than about twice this are noise
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


# -- plausible versions of a profiled organisation (--org) ----------------------------------------

VERSIONS = 8  # plausible versions every policy runs in, by default
FIT_POINTS = 256  # prior points the fit simulates, by default (26 accepted)
MAX_FIT_POINTS = 4096
FIT_ACCEPT = 0.1  # the share of the fit's points accepted (sim.hr.fit.fit's default)


@dataclass(frozen=True)
class Versions:
    """Plausible versions of a profiled organisation, each policy of a search run in all of them.

    The versions are `count` of the fit's accepted points, evenly spaced through them from the
    closest (every accepted point is as plausible as another under rejection ABC, so the closest
    few alone would be a narrower set than the fit found). Run k of a policy is version
    k mod count with its own seed, the same versions and seeds for every policy (common random
    numbers), so two policies are compared version by version."""

    source: str  # --org as given: a file or an example's name
    profile: OrgProfile
    overrides: list[str]  # the scaled organisation every version starts from (organisation_overrides)
    points: pd.DataFrame  # one row per version: the fitted parameters' values
    distances: list[float]  # each version's distance to the profile's figures (sim.hr.fit)
    uninformed: list[str]  # parameters the profile could not inform: they stayed at their prior range
    prior: dict[str, tuple[float, float]] = field(default_factory=dict)  # every fitted parameter's range
    weeks: int = 104  # the horizon of every run
    fit_points: int = FIT_POINTS
    fit_seed: int = 0
    accepted: int = 0  # plausible versions the fit found

    @property
    def name(self) -> str:
        return self.profile.name or self.source

    def configs(self, policy: dict[str, Any] | str) -> list[Config]:
        """The policy in each version: the version's parameters, the policy's whole regime."""
        return in_versions(policy_config(policy, self.overrides), self.points)

    def evaluate(self, policy: dict[str, Any] | str, base: Sequence[str], seeds: Sequence[int]) -> Outcome:
        """As `evaluate`, run k in version k mod count, every run of the policy in one batch.
        `base` is ignored: the versions carry their organisation (`overrides`)."""
        configs = self.configs(policy)
        runs = [configs[k % len(configs)] for k in range(len(seeds))]
        return outcome(simulate_batch(runs, list(seeds)))


def fit_seed(seed: int) -> int:
    """The fit's seed: a stream of the search's seed apart from its runs' (`replicate_seeds`),
    so no version is run again on the luck that made it look plausible."""
    return int(np.random.SeedSequence([seed, 1]).generate_state(1)[0])


def accepted_count(profile: OrgProfile, fit_points: int) -> int:
    """How many plausible versions a fit of `fit_points` points accepts (known before fitting):
    the closest tenth, at least one, or every point when the profile gives no figures."""
    return max(1, round(FIT_ACCEPT * fit_points)) if compared(profile) else fit_points


def plausible_versions(
    profile: OrgProfile,
    source: str,
    count: int = VERSIONS,
    fit_points: int = FIT_POINTS,
    seed: int = 0,
    weeks: int | None = None,
) -> Versions:
    """Fit the profile once (`sim.hr.fit.fit`) and keep `count` of its plausible versions, each
    an organisation of SCALED_EMPLOYEES people over `weeks` weeks (the default horizon if None)."""
    result = fit(profile, n=fit_points, accept=FIT_ACCEPT, seed=fit_seed(seed))
    accepted = len(result.accepted)
    if not 1 <= count <= accepted:
        raise ConfigError(
            f"--versions={count}: must be a whole number from 1 to {accepted}, the versions the fit accepted"
        )
    chosen = np.linspace(0, accepted - 1, count).round().astype(int)
    weeks = resolve(None, []).org.weeks if weeks is None else weeks  # the default horizon
    return Versions(
        source=source,
        profile=profile,
        overrides=organisation_overrides(profile, employees=SCALED_EMPLOYEES, weeks=weeks),
        points=result.accepted.iloc[chosen].reset_index(drop=True),
        distances=[float(d) for d in result.distances[chosen]],
        uninformed=result.uninformed(),
        prior={k: (float(r["prior_low"]), float(r["prior_high"])) for k, r in result.ranges.iterrows()},
        weeks=weeks,
        fit_points=fit_points,
        fit_seed=fit_seed(seed),
        accepted=accepted,
    )


def run_search(
    trials: int = 40,
    seeds: int = 3,
    seed: int = 0,
    ceilings: Ceilings = Ceilings(0.10, 0.15),
    base: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
    versions: Versions | None = None,
) -> pd.DataFrame:
    """Run the search; one row per trial, with its policy, outcomes and whether it is on the front.

    With `versions`, each trial runs `seeds` times in each plausible version of the profiled
    organisation (`base` is then theirs) and its outcomes are averaged over all those runs."""
    if trials < 1 or seeds < 1:
        raise ConfigError(f"--trials={trials}, --seeds={seeds}: each must be a whole number of at least 1")
    for name, value in (("--max-burnout", ceilings.burnout), ("--max-attrition", ceilings.attrition)):
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"{name}={value}: must be a share between 0 and 1")
    if versions is not None:
        base = versions.overrides
    seed_list = replicate_seeds(seed, seeds * (len(versions.points) if versions is not None else 1))
    scenario_from_mapping({"regime": "baseline", "set": {}}, source="search").config(base)  # check base early
    run = versions.evaluate if versions is not None else evaluate
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # The sampler reads the ceilings from each trial's constraints (Trial.set_constraint).
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(10, max(trials // 3, 1)))
    study = optuna.create_study(directions=["maximize", "minimize"], sampler=sampler)
    for params in list(REFERENCES.values())[: max(trials - 1, 1)]:
        study.enqueue_trial(params)

    def objective(trial: optuna.Trial) -> tuple[float, float]:
        policy = policy_from_params(suggest(trial))
        outcome = run(policy, base, seed_list)
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
    versions: Versions | None = None,
) -> Check:
    """The presets on the search's seeds, then the best policies, no metric and the best preset
    on fresh seeds: whether anything the search found beats measuring nothing beyond the noise.
    With `versions`, the fresh runs are of the same plausible versions, each on fresh seeds."""
    count = len(versions.points) if versions is not None else 1
    search_seeds, confirm_seeds = version_seeds(seed, seeds * count, count)
    within = lambda o: o["burnout"] <= ceilings.burnout and o["attrition"] <= ceilings.attrition  # noqa: E731
    run = versions.evaluate if versions is not None else evaluate
    base = versions.overrides if versions is not None else base
    preset_table = evaluate_presets(run, base, search_seeds, within, presets, progress)
    return check_search(
        best_policies(table, keep),
        preset_table,
        run,
        base,
        confirm_seeds,
        search_seeds,
        NO_METRIC,
        progress,
    )


def version_seeds(seed: int, runs: int, count: int = 1) -> tuple[list[int], list[int]]:
    """The search's seeds and fresh ones (`fresh_seeds`), as many fresh as needed to run each
    of `count` versions equally often."""
    search, fresh = fresh_seeds(seed, runs)
    if len(fresh) % count:
        fresh = replicate_seeds(seed, runs + -(-len(fresh) // count) * count)[runs:]
    return search, fresh


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
    versions: Versions | None = None,
) -> list[Path]:
    """The trials, each best policy as a scenario file, the chart and the summary page; with
    `versions`, which organisation and which versions of it the policies ran in."""
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
    where, said = "a simulated organisation", list[str]()
    if versions is not None:
        written += write_versions(versions, out, check)
        where, said = versions_said(versions, table)
    names = {int(r["trial"]): f"policy-{k}" for k, (_, r) in enumerate(best.iterrows(), start=1)}
    presets = check.presets if check is not None else pd.DataFrame()
    png = figure_png(front_figure(table, presets, ceilings, names))
    written.append(out / "pareto.png")
    write_atomic(out / "pareto.png", lambda tmp: tmp.write_bytes(png))
    from sim.hr.report import made_at, simulator_version

    made = f"Made {made_at():%d %B %Y, %H:%M} UTC by the simulator, version {simulator_version()},"
    page = summary_html(
        table,
        best,
        [p.name for p in files],
        check,
        ceilings,
        command,
        png,
        made,
        where,
        said,
        org=versions.source if versions is not None else None,
    )
    written.append(write_text(page, out / "summary.html"))
    return written


def write_versions(versions: Versions, out: Path, check: Check | None) -> list[Path]:
    """versions.csv (each version's fitted values, distance and seeds) and organisation.yaml
    (the profile, the fit and the organisation's overrides): enough to rebuild every run."""
    import yaml

    count = len(versions.points)
    columns: dict[str, Any] = {"version": range(1, count + 1), "distance": versions.distances}
    if check is not None:  # run k is version k mod count: each version's seeds, in run order
        columns["search_seeds"] = [" ".join(map(str, check.search_seeds[k::count])) for k in range(count)]
        columns["check_seeds"] = [" ".join(map(str, check.fresh_seeds[k::count])) for k in range(count)]
    frame = pd.concat([pd.DataFrame(columns), versions.points], axis=1)
    record = {
        "profile": versions.source,
        "name": versions.name,
        "versions": count,
        "fit": {
            "points": versions.fit_points,
            "accept": FIT_ACCEPT,
            "seed": versions.fit_seed,
            "accepted": versions.accepted,
        },
        "overrides": list(versions.overrides),
        "uninformed": {k: list(versions.prior[k]) for k in versions.uninformed},
    }
    head = (
        "# The organisation a search ran its policies in (python -m sim search --org). Run k of a\n"
        "# policy is version k mod versions (versions.csv) with the k-th seed in the order given\n"
        "# there: the policy's scenario config on `overrides`, then the version's values\n"
        "# (sim.hr.fit.in_versions). `uninformed`: parameters the profile could not inform, kept\n"
        "# at their prior range [low, high].\n"
    )
    text = head + yaml.safe_dump(record, sort_keys=False, allow_unicode=True)
    return [write_table(frame, out / "versions.csv"), write_text(text, out / "organisation.yaml")]


def versions_said(versions: Versions, table: pd.DataFrame) -> tuple[str, list[str]]:
    """Where the policies ran, and what that means, in plain sentences for the summary page."""
    count, weeks = len(versions.points), versions.weeks
    runs = len(table["_value_runs"].iloc[0]) if len(table) else count
    where = f"{count} plausible version{'s' if count > 1 else ''} of {versions.name}"
    said = [
        f"The search was over plausible versions of {versions.name} (profile {versions.source}): every "
        f"policy ran in the same {count} of the {versions.accepted} parameter points (of "
        f"{versions.fit_points} drawn) whose simulated figures came closest to the profile's, each an "
        f"organisation of {SCALED_EMPLOYEES} people in the profile's teams over {weeks} weeks, "
        f"{runs} runs in all per policy, and its outcomes are averaged over them. versions.csv "
        "holds each version's values and seeds; organisation.yaml how they were made."
    ]
    if versions.uninformed:
        kept = ", ".join(
            f"{k} ({versions.prior[k][0]:g} to {versions.prior[k][1]:g})" for k in versions.uninformed
        )
        said.append(f"What the profile could not inform stayed at its prior range: {kept}.")
    else:
        said.append("The profile narrowed every parameter fitted.")
    return where, said


def main(argv: Sequence[str] | None = None) -> int:
    parser = checks.Parser(
        prog="python -m sim search",
        description="Search metric designs and policy levers for durable value per cost within ceilings.",
    )
    parser.add_argument("--trials", type=int, default=40, help="policies to try, one after another")
    parser.add_argument(
        "--seeds",
        type=int,
        help="runs per policy, each with other people and luck (default 3); with --org, per version "
        "(default 1)",
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
    parser.add_argument(
        "--org",
        metavar="PROFILE",
        help="search over plausible versions of this organisation: a profile file or example:startup, "
        "example:big_tech, example:bank_it (docs/profile.md)",
    )
    parser.add_argument(
        "--versions",
        type=int,
        help=f"with --org: plausible versions each policy runs in (default {VERSIONS})",
    )
    parser.add_argument(
        "--fit-points",
        type=int,
        help=f"with --org: parameter points the fit simulates; a tenth are plausible (default {FIT_POINTS})",
    )
    args = parser.parse_args(argv)
    org = args.org is not None
    seeds = args.seeds if args.seeds is not None else (1 if org else 3)
    count = args.versions if args.versions is not None else VERSIONS
    fit_points = args.fit_points if args.fit_points is not None else FIT_POINTS
    ceilings = Ceilings(args.max_burnout, args.max_attrition)
    base = [f"org.n_employees={args.employees}"] if args.employees is not None else []
    base += [f"org.weeks={args.weeks}"] if args.weeks is not None else []
    command = (
        f"python -m sim search --trials {args.trials} --seeds {seeds} --seed {args.seed} "
        f"--max-burnout {args.max_burnout:g} --max-attrition {args.max_attrition:g}"
        + (f" --employees {args.employees}" if args.employees is not None else "")
        + (f" --weeks {args.weeks}" if args.weeks is not None else "")
        + (f" --org {shlex.quote(args.org)} --versions {count} --fit-points {fit_points}" if org else "")
    )
    say = lambda text: print(text, file=sys.stderr)  # noqa: E731
    versions = None
    try:
        checks.whole_number("--trials", args.trials, 1)
        checks.whole_number("--seeds", seeds, 1, checks.MAX_REPLICATES)
        checks.whole_number("--seed", args.seed, 0)
        checks.share("--max-burnout", args.max_burnout)
        checks.share("--max-attrition", args.max_attrition)
        checks.organisation(args.employees, args.weeks)
        checks.after_start(args.weeks)
        checks.whole_number("--keep", args.keep, 1)
        checks.output_folder("--out", args.out)
        if not org:
            for flag, value in (("--versions", args.versions), ("--fit-points", args.fit_points)):
                if value is not None:
                    raise ConfigError(f"{flag}={value}: only with --org PROFILE")
        else:
            if args.employees is not None:
                raise ConfigError(
                    f"--employees={args.employees}: not with --org; a profiled organisation is simulated "
                    f"at {SCALED_EMPLOYEES} people in its own teams"
                )
            checks.whole_number("--fit-points", fit_points, 1, MAX_FIT_POINTS)
            try:
                profile = load_profile(args.org)
            except ConfigError as error:
                raise ConfigError(f"--org: {error}") from None
            plausible = accepted_count(profile, fit_points)
            if not 1 <= count <= plausible:
                raise ConfigError(
                    f"--versions={count}: must be a whole number from 1 to {plausible}, the plausible "
                    f"versions a fit of {fit_points} points keeps; raise --fit-points for more"
                )
            name = checks.shown(profile.name or args.org)  # a profile's text is untrusted: no escapes
            say(f"fitting {name}: {fit_points} runs, to find its plausible versions")
            versions = plausible_versions(profile, args.org, count, fit_points, args.seed, args.weeks)
        table = run_search(args.trials, seeds, args.seed, ceilings, base, say, versions)
    except ConfigError as error:
        say(f"error: {error}")
        return 2
    check = check_results(table, seeds, args.seed, ceilings, base, args.keep, progress=say, versions=versions)
    written = write_results(table, args.out, ceilings, command, args.keep, check, versions)
    print("\n".join(verdict(check, ceilings)))
    print("Written: " + ", ".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
