"""Why the baseline's split of hours keeps moving into AI work (docs/model.md, Known limits).

    python experiments/split_drift.py                      # 2 seeds of 1,000, four years after the burn-in
    python experiments/split_drift.py --years 10 org.burn_in_weeks=0
    python experiments/split_drift.py behaviour.ai_effort_relief=0   # any override, as on the command line

With no metric, at the end of each year, everyone weighs the same trial change the search
makes: moving `--step` of their hours from unassisted (craft) work to AI-assisted work. For
each term of perceived utility (S7) it prints the mean change per unit of share moved, the
share of staff for whom the move pays, and the share for whom it pays although they expect
it to lower their own contribution. A move pays for reasons other than value when the
contribution term is negative and the total is positive: that is what keeps the split
moving after AI work has stopped adding value as people believe it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's `sim`

from sim.core.run import resolve  # noqa: E402
from sim.model import OrgModel  # noqa: E402
from sim.model.behaviour import contribution, imagine, utility_terms  # noqa: E402
from sim.model.production import AI, CRAFT  # noqa: E402


def weigh_move_into_ai(model: OrgModel, step: float) -> dict[str, float]:
    """Everyone's perceived gain, term by term, from moving `step` of their hours from craft
    to AI work this week, judged as the search judges it under no metric."""
    s = model._situation(0.0)  # what everyone takes as given this week
    wf = s.wf
    moved = np.minimum(step, wf.shares[CRAFT])
    trial_shares = wf.shares.copy()
    trial_shares[CRAFT] -= moved
    trial_shares[AI] += moved
    now, trial = imagine(wf.shares, wf.hours, s), imagine(trial_shares, wf.hours, s)
    field = s.judgement.field(wf)
    seen_now = s.judgement.visible(now, wf.hours)
    zero = np.zeros(wf.n)
    informal_now = s.judgement.expected(wf, field, zero, zero)
    informal_trial = s.judgement.expected(
        wf,
        field,
        contribution(trial, s) - contribution(now, s),
        s.judgement.visible(trial, wf.hours) - seen_now,
    )
    before = utility_terms(now, wf.hours, s, informal_now)
    after = utility_terms(trial, wf.hours, s, informal_trial)
    who = wf.employed & (moved > 0)
    gains = {name: (after[name] - before[name])[who] / moved[who] for name in before}
    total = sum(gains.values())
    row = {"share_ai": float(wf.shares[AI, wf.employed].mean())}
    row.update({name: float(gain.mean()) for name, gain in gains.items()})
    row["pays"] = float((total > 0).mean())
    row["pays_against_value"] = float(((total > 0) & (gains["contribution"] < 0)).mean())
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--step", type=float, default=0.05, help="share of hours moved in the trial")
    parser.add_argument("overrides", nargs="*", help="config overrides, key=value")
    args = parser.parse_args(argv)
    cfg = resolve(None, ["regime=baseline", f"org.n_employees={args.employees}", *args.overrides])
    rows = []
    for seed in range(args.seeds):
        model = OrgModel(cfg, weeks=52 * args.years, rng=seed)
        for year in range(args.years):
            for _ in range(52):
                model.step()
            rows.append((year, weigh_move_into_ai(model, args.step)))
    names = list(rows[0][1])
    print(
        f"a move of {args.step:.0%} of hours from craft to AI work, no metric, {args.seeds} seeds of "
        f"{args.employees}; utility terms per unit of share moved; {' '.join(args.overrides)}"
    )
    print("end of year | " + " | ".join(names))
    for year in range(args.years):
        mean = [np.mean([r[name] for y, r in rows if y == year]) for name in names]
        print(f"{year + 1:>11} | " + " | ".join(f"{v:+.3f}" for v in mean))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
