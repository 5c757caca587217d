"""Running the model over sampled parameter sets: shared by sensitivity.py and robustness.py.

A parameter set is a point in the space of assumed parameters; at each point the same
scenarios run on the same seeds (common random numbers), so that differences between points
and between scenarios are the parameters' and the scenarios', not the seeds'.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, parallel_config
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository's `sim`, when not installed

from sim.core.config import Config  # noqa: E402
from sim.core.run import RunResult, resolve, simulate_batch, with_values  # noqa: E402

Measure = Callable[[RunResult], dict[str, float]]


def problem(parameters: Sequence[tuple]) -> dict:
    """SALib's problem from rows that start (name, low, high, ...)."""
    return {
        "num_vars": len(parameters),
        "names": [row[0] for row in parameters],
        "bounds": [[row[1], row[2]] for row in parameters],
    }


@functools.lru_cache(maxsize=64)
def _composed(overrides: tuple[str, ...]) -> Config:
    """A scenario's config, composed once per worker process."""
    return resolve(None, list(overrides))


def _run_batch(
    base: tuple[str, ...],
    scenarios: Mapping[str, tuple[str, ...]],
    names: Sequence[str],
    batch: Sequence[tuple[int, np.ndarray]],
    seeds: Sequence[int],
    measure: Measure,
) -> list[dict]:
    keys, configs, run_seeds = [], [], []
    for point, sample in batch:
        values = dict(zip(names, sample.tolist(), strict=True))
        for scenario, overrides in scenarios.items():
            cfg = with_values(_composed((*base, *overrides)), values)
            for seed in seeds:
                keys.append({"point": point, "scenario": scenario, "seed": seed})
                configs.append(cfg)
                run_seeds.append(seed)
    results = simulate_batch(configs, run_seeds)  # the points' runs stepped together
    return [{**key, **measure(result)} for key, result in zip(keys, results, strict=True)]


def run_points(
    base: Sequence[str],
    scenarios: Mapping[str, Sequence[str]],
    names: Sequence[str],
    samples: np.ndarray,
    seeds: Sequence[int],
    measure: Measure,
    jobs: int,
    ray: bool = False,
    desc: str = "points",
) -> pd.DataFrame:
    """Every scenario at every sampled point on every seed: one row per run, in sample order.

    `ray=True` sends the batches to a Ray cluster (`ray.util.joblib`; RAY_ADDRESS or a local
    Ray) instead of local processes.
    """
    scenarios = {name: tuple(overrides) for name, overrides in scenarios.items()}
    points = list(enumerate(samples))
    # Batches of points big enough that their runs step together (simulate_batch), small
    # enough for steady progress and for every worker to have some.
    size = max(1, min(32, len(points) // max(1, jobs * 4)))
    batches = [points[i : i + size] for i in range(0, len(points), size)]
    task = delayed(_run_batch)
    context = contextlib.nullcontext()
    if ray:
        from ray.util.joblib import register_ray

        register_ray()
        context = parallel_config(backend="ray")
    rows: list[dict] = []
    with context, tqdm(total=len(points), desc=desc, unit="point", file=sys.stdout) as progress:
        returns = "list" if ray else "generator_unordered"  # Ray's backend returns lists only
        parallel = Parallel(n_jobs=-1 if ray else jobs, return_as=returns)
        for batch in parallel(
            task(tuple(base), scenarios, list(names), b, list(seeds), measure) for b in batches
        ):
            rows.extend(batch)
            progress.update(len({row["point"] for row in batch}))
    order = {name: i for i, name in enumerate(scenarios)}
    frame = pd.DataFrame(rows)
    frame["_order"] = frame["scenario"].map(order)
    return frame.sort_values(["point", "_order", "seed"]).drop(columns="_order").reset_index(drop=True)
