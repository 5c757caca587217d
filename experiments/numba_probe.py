"""Would Numba pay for the week's arithmetic? A measurement before adding a dependency (issue 28).

    pip install numba                              # not a dependency of the project
    python experiments/numba_probe.py              # 85,000 people: the week of work, NumPy against Numba
    python experiments/numba_probe.py --employees 10000

`sim.model.production.work_week`, a week of work turned into value, volume and rework, is
the model's largest piece of elementwise arithmetic: NumPy makes a full array for every step
of it. Here the same arithmetic (gaming totals included) runs as one Numba loop over people,
each person's numbers computed once, and both are timed on one organisation's real week
(85,000 people under the token leaderboard, after the burn-in). It prints each one's mean
time a call, the speed-up, and how many of the outputs differ from NumPy's in any bit: the
model promises the same tables bit for bit, so a kernel that rounds differently would change
every result. (The week of work is about a fifth of a run's time at 85,000 people, cProfile:
`experiments/benchmark.py --profile 85000`.)

Prints its figures; writes nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's `sim`

from sim.core.run import resolve, simulate_batch  # noqa: E402
from sim.model import behaviour, organisation  # noqa: E402
from sim.model import production as production_module  # noqa: E402
from sim.model.gaming import TOTALS  # noqa: E402
from sim.model.production import GAMING, WEEK, work_week  # noqa: E402

OUTPUTS = ("value", "durable_value", "volume", "rework_rate", "seen_durable", "fluency_gain")


def one_week(employees: int) -> tuple[tuple, dict]:
    """The arguments of a real call of `work_week`, from the middle of a run."""
    calls: list[tuple[tuple, dict]] = []
    real = production_module.work_week

    def keep(*args, **kwargs):
        if len(calls) < 400:
            calls.append((args, kwargs))
        return real(*args, **kwargs)

    behaviour.work_week = organisation.work_week = keep
    try:
        cfg = resolve(None, ["regime=token_leaderboard", f"org.n_employees={employees}", "org.weeks=40"])
        simulate_batch([cfg], [1])
    finally:
        behaviour.work_week = organisation.work_week = real
    return calls[-1]


def kernel():
    """The week's arithmetic as one loop over people (compiled on first use)."""
    import numba

    @numba.njit(cache=False, fastmath=False)
    def week(shares, hours, review, skill, fluency, token_need, efficiency, sloppiness, team_help, matrix, p):
        (
            long_start,
            long_yield,
            mult_novice,
            mult_expert,
            optimism,
            task_hours,
            setup,
            quality_value,
            inflation,
            review_need,
            review_need_craft,
            peer_share,
            rework_reviewed,
            awareness,
            rework_craft,
            rework_ai,
            late_cost,
            learning_rate,
            practice_rate,
            obsolescence,
        ) = p
        n = hours.shape[0]
        out = np.empty((6, n))
        totals = np.zeros(matrix.shape[0])
        for i in range(n):
            total = hours[i] + review[i]
            excess = max(total - long_start, 0.0)
            worked = total - excess * (1.0 - long_yield)
            scale = worked / max(total, 1e-9)
            craft_h = shares[0, i] * hours[i] * scale
            ai_h = shares[1, i] * hours[i] * scale
            quality_h = shares[2, i] * hours[i] * scale
            learning_h = shares[3, i] * hours[i] * scale
            totals[:] = 0.0
            for g in range(GAMING, shares.shape[0]):
                h = shares[g, i] * hours[i] * scale
                for t in range(matrix.shape[0]):
                    totals[t] += matrix[t, g - GAMING] * h
            work_hours = shares[0, i] * hours[i]  # summed row after row, as column_totals does
            for w in range(1, GAMING):
                work_hours += shares[w, i] * hours[i]
            per_hour = skill[i] * efficiency[i] * max(1.0 + team_help[i], 0.0) / WEEK
            multiplier = mult_novice + (mult_expert - mult_novice) * fluency[i]
            capacity = task_hours * token_need[i] * max(work_hours / WEEK, 1e-9)
            craft_value = per_hour * craft_h
            useful = max(ai_h - setup, 0.0)
            potential = per_hour * capacity * -np.expm1(-useful / capacity)
            ai_value = (multiplier + optimism) * potential
            value = craft_value + ai_value + per_hour * quality_value * quality_h
            ai_volume = per_hour * multiplier * useful * inflation
            padding = totals[5] / WEEK
            volume = craft_value + ai_volume + padding
            needs = review_need * ai_h + review_need_craft * craft_h
            coverage = min(quality_h / max(needs, 1e-9) + peer_share, 1.0)
            reviewed = 1.0 - (1.0 - rework_reviewed) * coverage
            slop = sloppiness[i] * awareness
            r_craft = min(rework_craft * reviewed * slop, 1.0)
            r_ai = min(rework_ai * reviewed * slop, 1.0)
            lost = r_craft * craft_value + r_ai * ai_value
            reworked = r_craft * craft_value + r_ai * ai_volume
            reworked_padding = min(totals[6] * slop / WEEK, padding)
            hidden = min(totals[12] * skill[i] / WEEK, lost)
            out[0, i] = value
            out[1, i] = value - lost - late_cost * hidden
            out[2, i] = volume
            out[3, i] = (reworked + reworked_padding) / max(volume, 1e-9)
            out[4, i] = value - lost + hidden + totals[8] / WEEK
            gain = (learning_rate * learning_h + practice_rate * ai_h) / 10.0
            out[5, i] = gain * (1.0 - fluency[i]) - obsolescence * fluency[i]
        return out

    return week


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=85_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    try:
        week = kernel()
    except ImportError:
        print("numba is not installed (it is not a dependency): pip install numba", file=sys.stderr)
        return 1
    a, k = one_week(args.employees)
    shares, hours = a
    prod, seen, repertoire = k["prod"], k["seen"], k["repertoire"]
    review = np.broadcast_to(k.get("review_demand", 0.0), np.shape(hours)).astype(float)
    parameters = (
        prod.long_hours_start,
        prod.long_hours_yield,
        prod.ai_multiplier_novice,
        prod.ai_multiplier_expert,
        seen.ai_optimism,
        prod.ai_task_hours,
        prod.ai_setup_hours,
        prod.quality_value,
        prod.ai_volume_inflation,
        prod.review_need,
        prod.review_need_craft,
        prod.peer_review_share,
        prod.rework_reviewed,
        seen.rework_awareness,
        prod.rework_craft,
        prod.rework_ai,
        prod.late_defect_cost,
        prod.learning_rate,
        prod.practice_rate,
        prod.fluency_obsolescence,
    )
    people = {name: np.ascontiguousarray(k[name], dtype=float) for name in ("skill", "fluency", "token_need")}
    people |= {name: np.ascontiguousarray(k[name], dtype=float) for name in ("efficiency", "sloppiness")}
    team_help = np.ascontiguousarray(np.broadcast_to(k["team_help"], np.shape(hours)), dtype=float)
    matrix = np.ascontiguousarray(repertoire.matrix, dtype=float)
    assert matrix.shape[0] == len(TOTALS)

    def fused():
        return week(
            np.ascontiguousarray(shares),
            np.ascontiguousarray(hours),
            review,
            people["skill"],
            people["fluency"],
            people["token_need"],
            people["efficiency"],
            people["sloppiness"],
            team_help,
            matrix,
            parameters,
        )

    fused()  # compile
    timings = {}
    for name, call in (("numpy", lambda: work_week(*a, **k)), ("numba", fused)):
        call()
        start = time.perf_counter()
        for _ in range(args.repeat):
            result = call()
        timings[name] = (time.perf_counter() - start) / args.repeat
        if name == "numpy":
            reference = np.array([getattr(result, output) for output in OUTPUTS])
        else:
            compiled = result
    differ = {output: int(np.count_nonzero(reference[j] != compiled[j])) for j, output in enumerate(OUTPUTS)}
    worst = float(np.max(np.abs(reference - compiled) / np.maximum(np.abs(reference), 1e-300)))
    print(f"work_week at {args.employees:,} people, mean of {args.repeat} calls each")
    print(f"  NumPy: {timings['numpy'] * 1000:.2f} ms a call")
    ratio = timings["numpy"] / timings["numba"]
    print(f"  Numba, one loop: {timings['numba'] * 1000:.2f} ms a call ({ratio:.1f}x NumPy's speed)")
    print(f"  outputs differing from NumPy's in any bit, of {len(hours):,} each: {differ}")
    print(f"  largest relative difference: {worst:.1e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
