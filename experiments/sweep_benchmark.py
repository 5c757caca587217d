"""How fast is a research sweep? Prints runs per minute beside the target.

    python experiments/sweep_benchmark.py             # the full Goodhart-curve grid
    python experiments/sweep_benchmark.py --quick     # a smoke run in seconds
    python experiments/sweep_benchmark.py --launcher basic   # one job after another, for contrast

The full grid is the one behind the Goodhart-curve figure: 7 regimes x 10 pressure levels x
3 seeds of a 500-employee organisation over 104 weeks, 210 runs in 70 Hydra jobs. It runs
from scratch (a new sweep folder, nothing cached) through the command a user types,
`python -m sim sweep --multirun ...`, so the time includes starting Python, Hydra, the
worker processes and writing every table. Target: at most 30 s on the 2-core development
machine. This prints figures and PASS/MISS words only: it never fails on time, and always
exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the repository's `sim`, when not installed

from figures import CURVE_REGIMES, PRESSURES  # noqa: E402

TARGET_SECONDS = 30.0


def grid(quick: bool) -> tuple[list[str], int, int]:
    """The sweep's overrides, its number of jobs and of runs."""
    regimes = CURVE_REGIMES[:2] if quick else CURVE_REGIMES
    pressures = PRESSURES[::5] if quick else PRESSURES
    seeds, employees, weeks = (2, 200, 52) if quick else (3, 500, 104)
    overrides = [
        f"regime={','.join(regimes)}",
        f"regime.pressure={','.join(map(str, pressures))}",
        f"replicates={seeds}",
        f"org.n_employees={employees}",
        f"org.weeks={weeks}",
    ]
    jobs = len(regimes) * len(pressures)
    return overrides, jobs, jobs * seeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small grid, for a smoke run")
    parser.add_argument("--launcher", default="cores", help="hydra/launcher: cores (default) or basic")
    args = parser.parse_args(argv)
    overrides, jobs, runs = grid(args.quick)
    with tempfile.TemporaryDirectory(prefix="sweep-benchmark-") as work:
        folder = Path(work, "sweep")
        command = [sys.executable, "-m", "sim.studies.sweep", "--multirun", *overrides]
        command += [f"hydra/launcher={args.launcher}", f"hydra.sweep.dir={folder}"]
        print("$ python -m sim sweep --multirun " + " ".join(command[4:]), flush=True)
        load_before = os.getloadavg()[0]
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=work, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
        if done.returncode != 0:
            print(done.stderr[-3000:])
            print(f"the sweep failed (exit {done.returncode}); no figure")
            return 0
        markers = [json.loads(p.read_text()) for p in folder.glob("*/done")]
        job_seconds = sum(m["seconds"] for m in markers)
    cores = os.cpu_count() or 1
    print(f"cores: {cores}, launcher: {args.launcher}, load average before: {load_before:.1f}")
    print(f"{runs} runs in {jobs} jobs, from scratch: {seconds:.1f} s wall")
    print(
        f"throughput: {runs / seconds * 60:.0f} runs per minute ({jobs / seconds * 60:.0f} jobs per minute)"
    )
    print(
        f"time inside the jobs: {job_seconds:.1f} s of work ({job_seconds / runs:.2f} s a run); "
        f"the rest is starting Python, Hydra and the workers"
    )
    print(
        f"CPU time of the sweep and its workers: {cpu:.1f} s, {cpu / cores:.1f} s per core "
        f"(what the wall time approaches when nothing else runs on the machine)"
    )
    if load_before > 0.5:
        print("note: other processes were running (load average above 0.5): the wall time is pessimistic")
    if not args.quick:
        verdict = "PASS" if seconds <= TARGET_SECONDS else "MISS"
        print(f"target: the full Goodhart-curve grid in at most {TARGET_SECONDS:.0f} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
