"""A burned-in organisation as plain arrays, and back.

After the burn-in, everything a run goes on from is: the workforce's arrays, the durability
pipelines, last week's work (what next week's situation reads), the quits of the last
quarter, managers' typical contribution and token use, where the random generator stands,
and the next Mesa agent id. `capture` turns that into named arrays and a JSON-able mapping
(`sim.core.burn_in_cache` keeps them); `restore` puts them back into a model whose founding
and burn-in it replaces, so the run goes on exactly as if it had computed them
(`tests/test_burn_in_cache.py` compares the tables, bit for bit).
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import fields
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model.production import WeekOfWork

if TYPE_CHECKING:
    from sim.model.organisation import Organisations

WEEK_ARRAYS = tuple(f.name for f in fields(WeekOfWork) if f.name not in ("gaming", "prod", "lost"))


# The workforce's layout, which its constructor rebuilds (and numbers across a batch).
LAYOUT = ("team", "team_headcount_max", "team_start", "needs_ai")


def capture(model: Organisations, run: int = 0) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Run `run`'s state after the burn-in: its slots of every array (views of the model's,
    to be written or copied before the model moves on), its generator."""
    wf, week, part = model.workforce, model.last_week, model.runs.slices[run]
    assert week is not None  # the burn-in ends with a week
    arrays = {
        f"wf.{name}": value[..., part]
        for name, value in vars(wf).items()
        if isinstance(value, np.ndarray) and name not in LAYOUT
    }
    arrays["pipelines"] = model._pipelines[..., part]
    cached = []
    for name in WEEK_ARRAYS:
        arrays[f"week.{name}"] = getattr(week, name)[..., part]
    for name, value in vars(week).items():  # cached properties already computed
        if name not in WEEK_ARRAYS and isinstance(value, np.ndarray):
            arrays[f"cached.{name}"] = value[..., part]
            cached.append(name)
    for group in ("gaming", "lost"):
        for name, value in getattr(week, group).items():
            arrays[f"{group}.{name}"] = np.asarray(value)[..., part]
    meta = {
        "rng": model.runs.generators[run].bit_generator.state,
        "next_agent_id": _next_agent_id(model, run),
        "quits_recent": [int(q[run]) for q in model._quits_recent],
        "typical": float(model.judgement.typical_run[run]),
        "typical_tokens": float(model.judgement.typical_tokens_run[run]),
        "weeks_recorded": model.metric.weeks_recorded,
        "cached": cached,
        "gaming": list(week.gaming),
        "lost": list(week.lost),
    }
    return arrays, meta


def restore(model: Organisations, states: list[tuple[dict[str, np.ndarray], dict[str, Any]]]) -> WeekOfWork:
    """Put each run's captured state (`states`, run by run) into `model` (built but not yet
    founded); return last week."""
    wf, runs = model.workforce, model.runs
    for (arrays, _), part in zip(states, runs.slices, strict=True):
        for name, value in arrays.items():
            if name.startswith("wf."):
                getattr(wf, name[3:])[..., part] = value
        model._pipelines[..., part] = arrays["pipelines"]

    def joined(name: str) -> np.ndarray:
        return np.concatenate([arrays[name] for arrays, _ in states], axis=-1)

    first = states[0][1]
    lost = sorted({name for _, meta in states for name in meta["lost"]})
    zeros = np.zeros(runs.n)
    week = WeekOfWork(
        **{name: joined(f"week.{name}") for name in WEEK_ARRAYS},
        gaming={name: joined(f"gaming.{name}") for name in first["gaming"]},
        prod=model.config.production,
        lost={  # a run that claimed nothing lost nothing
            name: np.concatenate(
                [
                    arrays.get(f"lost.{name}", zeros[part])
                    for (arrays, _), part in zip(states, runs.slices, strict=True)
                ]
            )
            for name in lost
        },
    )
    for name in set.intersection(*(set(meta["cached"]) for _, meta in states)):
        vars(week)[name] = joined(f"cached.{name}")
    model._quits_recent.extend(
        np.array([meta["quits_recent"][k] for _, meta in states], dtype=np.int64)
        for k in range(len(first["quits_recent"]))
    )
    model.judgement.typical_run = np.array([meta["typical"] for _, meta in states])
    model.judgement.typical_tokens_run = np.array([meta["typical_tokens"] for _, meta in states])
    model.metric.weeks_recorded = first["weeks_recorded"]
    for r, (_, meta) in enumerate(states):
        runs.generators[r].bit_generator.state = meta["rng"]
    employed = np.flatnonzero(wf.employed)
    model._seat(employed, wf.person_id[employed])
    for r, (_, meta) in enumerate(states):
        _set_next_agent_id(model, meta["next_agent_id"], r)
    return week


def _mesa(model: Organisations) -> Any:
    """Mesa, if `model` is a Mesa model (`OrgModel`); None for the engine alone, which runs
    without importing Mesa."""
    mesa = sys.modules.get("mesa")
    return mesa if mesa is not None and isinstance(model, mesa.Model) else None


def _next_agent_id(model: Organisations, run: int = 0) -> int:
    mesa = _mesa(model)
    if mesa is None:  # the engine alone numbers its people itself
        return int(model._next_id[run])
    if hasattr(model, "agent_id_counter"):  # Mesa 3.4 and later
        return int(model.agent_id_counter)
    counter = mesa.Agent._ids[model]  # Mesa 3.3: one itertools.count per model
    following = next(counter)
    mesa.Agent._ids[model] = itertools.count(following)
    return int(following)


def _set_next_agent_id(model: Organisations, following: int, run: int = 0) -> None:
    mesa = _mesa(model)
    if mesa is None:
        model._next_id[run] = following
    elif hasattr(model, "agent_id_counter"):
        model.agent_id_counter = following
    else:
        mesa.Agent._ids[model] = itertools.count(following)
