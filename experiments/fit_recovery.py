"""Does the profile fit recover known organisations? A recovery study (issue 30).

    python experiments/fit_recovery.py                  # 20 organisations, 1,024 prior points, 200 people
    python experiments/fit_recovery.py --quick          # a smoke run: 3 organisations, 64 points, 60 people

Twenty synthetic organisations are drawn from the prior (their own seed), each simulated once
under no metric; each one's figures (weekly active share, token deciles, voluntary attrition,
regretted share, rating accuracy r) play a profile's. One reference table (the prior sample
of `sim.hr.fit.prior_sample`, simulated once) serves every organisation: rejection ABC keeps
the closest tenth of it by `sim.hr.fit.distances`. Unlike `fit`, nothing is fixed from the
figures here (a profile's voluntary attrition sets the base attrition outright and its r
narrows the judgement noise before the fit): the study asks what the simulated figures alone
can tell, so the base attrition is compared, not set.

Prints, per parameter: how often the true value lies inside the accepted range (lowest to
highest accepted value) and inside the central 90% of the accepted values, that interval's
width over the prior's, and the accepted spread over the prior's (below 0.8: the figures
inform it).

`--known KEY ...` asks what the verdict needs: those parameters are treated as facts the
profile gave exactly (each accepted version is the closest in them first, then in the
figures), so the agreement it reaches says how much knowing them would be worth.

Then the verdict (`sim.hr.across`): per organisation and policy, the verdict on the fitted set
(the policy beats measuring nothing in at least half of the closest VERSIONS accepted
versions, VERSION_SEEDS runs each, or `--version-seeds`) against the verdict on the true
organisation (its outcome from TRUTH_SEEDS runs on common seeds, or `--truth-seeds`); prints
how often they agree. Not part of the test
suite: it takes minutes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository's `sim`, when not installed

from sim.core.run import replicate_seeds, simulate_batch  # noqa: E402
from sim.core.scenarios import load_scenario  # noqa: E402
from sim.hr.across import BEATS, VERSION_SEEDS, in_each_version  # noqa: E402
from sim.hr.fit import (  # noqa: E402
    UNINFORMED_SPREAD,
    distances,
    final_state,
    organisation_overrides,
    prior_sample,
    simulated_statistics,
)
from sim.hr.profile import profile_from_mapping  # noqa: E402

FIGURES = (
    "weekly_active_share",
    *(f"token_decile_{i}" for i in range(1, 10)),
    "voluntary_attrition",
    "regretted_share",
    "rating_accuracy_r",
)
POLICIES = ("token_leaderboard", "decoupled_telemetry", "team_outcome")
VERSIONS = 32  # the closest accepted versions the fitted verdict runs in
TRUTH_SEEDS = 8  # runs of the true organisation per regime: its outcome with less luck
KNOWN_WEIGHT = 100.0  # a known parameter's gap, in prior sds squared, outweighs every figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--organisations", type=int, default=20)
    parser.add_argument("--points", type=int, default=1024)
    parser.add_argument("--accept", type=float, default=0.1)
    parser.add_argument("--no-verdict", action="store_true", help="the coverage table only")
    parser.add_argument(
        "--known",
        nargs="+",
        default=[],
        metavar="KEY",
        help="parameters treated as known exactly (e.g. behaviour.score_stakes): what the verdict needs",
    )
    parser.add_argument(
        "--version-seeds",
        type=int,
        default=VERSION_SEEDS,
        help=f"runs per accepted version and regime (default {VERSION_SEEDS}, as the report)",
    )
    parser.add_argument(
        "--truth-seeds",
        type=int,
        default=TRUTH_SEEDS,
        help=f"runs of each true organisation per regime (default {TRUTH_SEEDS}): its outcome with less luck",
    )
    args = parser.parse_args()
    for name in ("version_seeds", "truth_seeds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')}: a whole number of runs, at least 1")
    size = {"employees": 60, "weeks": 26, "burn_in_weeks": 26} if args.quick else {}
    organisations, points = (3, 64) if args.quick else (args.organisations, args.points)
    profile = profile_from_mapping({"team_size": 8})  # everything else open
    start = time.perf_counter()
    reference = prior_sample(profile, points, seed=2026, **size)
    unknown = sorted(set(args.known) - set(reference.values.columns))
    if unknown:
        parser.error(f"--known: {unknown[0]} is not a fitted parameter")
    truths = prior_sample(profile, organisations, seed=7, **size)
    runs = simulate_batch(
        reference.configs + truths.configs, reference.seeds + truths.seeds, final=final_state
    )
    figures = pd.DataFrame([simulated_statistics(r) for r in runs])
    table, true_figures = figures.iloc[:points].reset_index(drop=True), figures.iloc[points:]
    seconds = time.perf_counter() - start
    keep = max(1, round(args.accept * points))
    prior_sd = reference.values.std()
    covered, central, widths, ratios, chosen = [], [], [], [], []
    prior_width = reference.values.max() - reference.values.min()
    for k in range(organisations):
        observed = {name: float(true_figures.iloc[k][name]) for name in FIGURES}
        observed = {name: value for name, value in observed.items() if np.isfinite(value)}
        dist, _ = distances(table, observed)
        for key in args.known:  # known: nearest in it first, whatever the figures say
            gap = (reference.values[key] - truths.values.iloc[k][key]) / reference.values[key].std()
            dist = dist + KNOWN_WEIGHT * gap.to_numpy() ** 2
        order = np.argsort(dist, kind="stable")[:keep]
        accepted = reference.values.iloc[order]
        chosen.append(order[: min(VERSIONS, keep)])
        truth = truths.values.iloc[k]
        covered.append((accepted.min() <= truth) & (truth <= accepted.max()))
        low, high = accepted.quantile(0.05), accepted.quantile(0.95)
        central.append((low <= truth) & (truth <= high))
        widths.append((high - low) / prior_width)
        ratios.append(accepted.std() / prior_sd)
    coverage = pd.DataFrame(covered).mean()
    spread = pd.DataFrame(ratios).mean()
    out = pd.DataFrame(
        {
            "coverage": coverage,
            "central": pd.DataFrame(central).mean(),
            "width": pd.DataFrame(widths).mean(),
            "spread_ratio": spread,
        }
    )
    out["informed"] = out["spread_ratio"] < UNINFORMED_SPREAD
    out = out.sort_values("spread_ratio")
    known = f"; known exactly: {', '.join(args.known)}" if args.known else ""
    print(
        f"{organisations} organisations, {points} prior points, closest {keep} accepted{known}; "
        f"{points + organisations} runs simulated in {seconds:.0f} s"
    )
    print(
        "| parameter | true value inside accepted range | inside its central 90% | central 90% width / "
        "prior's | accepted spread / prior's | informed |"
    )
    print("|---|---|---|---|---|---|")
    for name, row in out.iterrows():
        informed = "yes" if row["informed"] else "no"
        print(
            f"| `{name}` | {row['coverage']:.0%} | {row['central']:.0%} | {row['width']:.2f} "
            f"| {row['spread_ratio']:.2f} | {informed} |"
        )
    if not args.no_verdict:
        verdict_agreement(
            profile, reference, truths, chosen, size, args.quick, args.version_seeds, args.truth_seeds
        )


def verdict_agreement(
    profile, reference, truths, chosen, size: dict, quick: bool, version_seeds: int, truth_seeds: int
) -> None:
    """Per policy: how often the verdict on the fitted set is the true organisation's."""
    start = time.perf_counter()
    weeks = 26 if quick else 104
    employees = size.get("employees", 200)
    base = organisation_overrides(profile, employees, weeks, size.get("burn_in_weeks"))
    scenarios = [load_scenario(name) for name in POLICIES]
    versions = pd.concat([reference.values.iloc[rows] for rows in chosen], ignore_index=True)
    seeds = [
        replicate_seeds(reference.seeds[i], version_seeds) for rows in chosen for i in rows
    ]  # as across()
    fitted = in_each_version(base, scenarios, versions, seeds, employees)
    seeds_of_truth = [[s, *replicate_seeds(s, truth_seeds - 1)] for s in truths.seeds]
    true = in_each_version(base, scenarios, truths.values.reset_index(drop=True), seeds_of_truth, employees)
    bounds = np.cumsum([0, *(len(rows) for rows in chosen)])
    print(
        f"\nVerdicts: {len(chosen)} organisations x {len(POLICIES)} policies; fitted set: the closest "
        f"{len(chosen[0])} accepted versions x {version_seeds} runs; truth: {truth_seeds} runs; "
        f"{time.perf_counter() - start:.0f} s"
    )
    print(
        "| policy | verdicts that agree | saying 'does not beat' every time would agree "
        "| true organisations where it beats | mean share of versions where it beats "
        "| Brier score: the share as the chance it beats "
        "| the same, every organisation given the pooled share "
        "| the share where it beats (each) / where it does not "
        "| AUC: a true winner's share above a true loser's |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for policy_fitted, policy_true in zip(fitted, true, strict=True):
        wins = (policy_fitted.outcomes == BEATS).to_numpy()
        shares = np.array([wins[a:b].mean() for a, b in zip(bounds[:-1], bounds[1:], strict=True)])
        truth = (policy_true.outcomes == BEATS).to_numpy()
        agree = float(((shares >= 0.5) == truth).mean())
        brier = float(np.mean((shares - truth) ** 2))
        prior = float(np.mean((wins.mean() - truth) ** 2))  # every organisation given the pooled share
        # Does the share rank the organisations where it beats above the others? (Mann-Whitney.)
        winners, losers = shares[truth], shares[~truth]
        if len(winners) and len(losers):
            u = mannwhitneyu(winners, losers).statistic
            auc = f"{u / (len(winners) * len(losers)):.2f}"
        else:
            auc = "n/a (one kind only)"
        listed = ", ".join(f"{x:.0%}" for x in sorted(winners)) or "none"
        rest = f"median {np.median(losers):.0%}, up to {losers.max():.0%}" if len(losers) else "none"
        each = f"{listed} / {rest}"
        print(
            f"| {policy_fitted.name} | {agree:.0%} | {1 - truth.mean():.0%} | {truth.sum()} of {truth.size} "
            f"| {shares.mean():.0%} | {brier:.3f} | {prior:.3f} | {each} | {auc} |"
        )


if __name__ == "__main__":
    main()
