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
inform it). Not part of
the test suite: it takes minutes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository's `sim`, when not installed

from sim.core.run import simulate_batch  # noqa: E402
from sim.hr.fit import (  # noqa: E402
    UNINFORMED_SPREAD,
    distances,
    final_state,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--organisations", type=int, default=20)
    parser.add_argument("--points", type=int, default=1024)
    parser.add_argument("--accept", type=float, default=0.1)
    args = parser.parse_args()
    size = {"employees": 60, "weeks": 26, "burn_in_weeks": 26} if args.quick else {}
    organisations, points = (3, 64) if args.quick else (args.organisations, args.points)
    profile = profile_from_mapping({"team_size": 8})  # everything else open
    start = time.perf_counter()
    reference = prior_sample(profile, points, seed=2026, **size)
    truths = prior_sample(profile, organisations, seed=7, **size)
    runs = simulate_batch(
        reference.configs + truths.configs, reference.seeds + truths.seeds, final=final_state
    )
    figures = pd.DataFrame([simulated_statistics(r) for r in runs])
    table, true_figures = figures.iloc[:points].reset_index(drop=True), figures.iloc[points:]
    seconds = time.perf_counter() - start
    keep = max(1, round(args.accept * points))
    prior_sd = reference.values.std()
    covered, central, widths, ratios = [], [], [], []
    prior_width = reference.values.max() - reference.values.min()
    for k in range(organisations):
        observed = {name: float(true_figures.iloc[k][name]) for name in FIGURES}
        observed = {name: value for name, value in observed.items() if np.isfinite(value)}
        dist, _ = distances(table, observed)
        accepted = reference.values.iloc[np.argsort(dist, kind="stable")[:keep]]
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
    print(
        f"{organisations} organisations, {points} prior points, closest {keep} accepted; "
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


if __name__ == "__main__":
    main()
