"""How well managers' impressions track contribution, for each `behaviour.judgement_noise`.

    python experiments/rating_accuracy.py            # 8 noises x 4 seeds of 300 people, a year
    python experiments/rating_accuracy.py --quick    # a smoke run

An organisation profile may give the correlation r between managers' ratings and measured
results (`manager_rating_accuracy`); `sim/hr/profile.py` turns it into a judgement noise with

    r(noise) = r0 / sqrt(1 + (noise / s)^2)

which is the judgement formula's own shape (`sim/model/judgement.py`): the impression is
contribution (bent by the hours managers see, hence r0 < 1 at noise 0) plus noise x typical x
(halo + smoothed weekly draws) / sqrt 2, and independent noise added to a signal lowers its
correlation that way. This script measures the Spearman correlation of impression and
contribution among the employed after a year of the baseline (the burn-in first, as every
run), fits r0 and s by least squares, and prints both with the table; docs/profile.md keeps
the numbers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import curve_fit
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's `sim`

from sim.core.run import resolve  # noqa: E402
from sim.model import OrgModel  # noqa: E402

NOISES = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
FITTED = 2.0  # the shape is fitted up to this noise; past it the halo partly fulfils itself


def run(noise: float, seed: int, employees: int, weeks: int) -> tuple[float, float]:
    """Spearman r of impression and contribution among the employed, and the spread of
    contribution (sd over mean) that the noise is measured against."""
    cfg = resolve(
        None, ["regime=baseline", f"org.n_employees={employees}", f"behaviour.judgement_noise={noise}"]
    )
    model = OrgModel(cfg, rng=seed)
    for _ in range(weeks):
        model.step()
    wf = model.workforce
    contribution = wf.contribution[wf.employed]
    r = float(spearmanr(wf.impression[wf.employed], contribution)[0])
    return r, float(contribution.std() / contribution.mean())


def shape(noise: np.ndarray, r0: float, s: float) -> np.ndarray:
    return r0 / np.sqrt(1.0 + (noise / s) ** 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    employees, weeks, seeds = (60, 8, 1) if args.quick else (300, 52, 6)
    runs = {n: [run(n, seed, employees, weeks) for seed in range(seeds)] for n in NOISES}
    rows = [(n, [r for r, _ in runs[n]]) for n in NOISES]
    print(
        f"Spearman r of impression and contribution, {employees} people after {weeks} weeks, "
        f"seeds 0-{seeds - 1}"
    )
    print("| judgement_noise | mean r | seeds |")
    print("|---|---|---|")
    for noise, rs in rows:
        print(f"| {noise:g} | {np.mean(rs):.3f} | {', '.join(f'{r:.2f}' for r in rs)} |")
    kept = [(n, rs) for n, rs in rows if n <= FITTED]
    x = np.repeat([n for n, _ in kept], seeds)
    y = np.concatenate([rs for _, rs in kept])
    (r0, s), _ = curve_fit(shape, x, y, p0=(0.95, 0.5), bounds=([0.0, 1e-3], [1.0, 10.0]))
    means = np.array([np.mean(rs) for _, rs in kept])
    gap = np.abs(shape(np.array([n for n, _ in kept]), r0, s) - means).max()
    print(f"fit up to noise {FITTED:g}: r0 = {r0:.3f}, s = {s:.3f}; largest gap to a mean r {gap:.3f}")
    # From the formula: the misreading's variance in the impression is noise^2 x typical^2 x
    # (1/2 halo + 1/2 x weekly draws smoothed over m weeks: (1/m) / (2 - 1/m)) = 8/15 at m = 8,
    # so s should be the spread of contribution (sd / mean, at noise 0) over sqrt(8/15).
    spread = np.mean([cv for _, cv in runs[0.0]])
    print(
        f"spread of contribution at noise 0: {spread:.3f} (sd over mean); "
        f"so s by the formula = {spread / np.sqrt(8 / 15):.3f}"
    )


if __name__ == "__main__":
    main()
