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
from dataclasses import fields
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from sim.model.production import WeekOfWork

if TYPE_CHECKING:
    from sim.model.organisation import Organisations

WEEK_ARRAYS = tuple(f.name for f in fields(WeekOfWork) if f.name not in ("gaming", "prod", "lost"))


def capture(model: Organisations) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    wf, week = model.workforce, model.last_week
    assert week is not None  # the burn-in ends with a week
    workforce = {name: value for name, value in vars(wf).items() if isinstance(value, np.ndarray)}
    arrays = {f"wf.{name}": value.copy() for name, value in workforce.items()}
    arrays["pipelines"] = model._pipelines.copy()
    cached = []
    for name in WEEK_ARRAYS:
        arrays[f"week.{name}"] = getattr(week, name).copy()
    for name, value in vars(week).items():  # cached properties already computed
        if name not in WEEK_ARRAYS and isinstance(value, np.ndarray):
            arrays[f"cached.{name}"] = value.copy()
            cached.append(name)
    for part in ("gaming", "lost"):
        for name, value in getattr(week, part).items():
            arrays[f"{part}.{name}"] = np.asarray(value).copy()
    meta = {
        "rng": model.runs.generators[0].bit_generator.state,
        "next_agent_id": _next_agent_id(model),
        "quits_recent": [int(q[0]) for q in model._quits_recent],
        "typical": float(model.judgement.typical_run[0]),
        "typical_tokens": float(model.judgement.typical_tokens_run[0]),
        "weeks_recorded": model.metric.weeks_recorded,
        "cached": cached,
        "gaming": list(week.gaming),
        "lost": list(week.lost),
    }
    return arrays, meta


def restore(model: Organisations, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> WeekOfWork:
    """Put a captured state into `model` (built but not yet founded); return last week."""
    wf = model.workforce
    for name, value in arrays.items():
        if name.startswith("wf."):
            setattr(wf, name[3:], np.array(value, copy=True))
    model._pipelines = np.array(arrays["pipelines"], copy=True)
    week = WeekOfWork(
        **{name: np.array(arrays[f"week.{name}"], copy=True) for name in WEEK_ARRAYS},
        gaming={name: np.array(arrays[f"gaming.{name}"], copy=True) for name in meta["gaming"]},
        prod=model.config.production,
        lost={name: np.array(arrays[f"lost.{name}"], copy=True) for name in meta["lost"]},
    )
    for name in meta["cached"]:
        vars(week)[name] = np.array(arrays[f"cached.{name}"], copy=True)
    model._quits_recent.extend(np.array([q], dtype=np.int64) for q in meta["quits_recent"])
    model.judgement.typical_run = np.array([meta["typical"]])
    model.judgement.typical_tokens_run = np.array([meta["typical_tokens"]])
    model.metric.weeks_recorded = meta["weeks_recorded"]
    model.runs.generators[0].bit_generator.state = meta["rng"]
    employed = np.flatnonzero(wf.employed)
    model._seat(employed, wf.person_id[employed])
    _set_next_agent_id(model, meta["next_agent_id"])
    return week


def _next_agent_id(model: Organisations) -> int:
    if not isinstance(model, mesa.Model):  # the engine alone numbers its people itself
        return int(model._next_id[0])
    if hasattr(model, "agent_id_counter"):  # Mesa 3.4 and later
        return int(model.agent_id_counter)
    counter = mesa.Agent._ids[model]  # Mesa 3.3: one itertools.count per model
    following = next(counter)
    mesa.Agent._ids[model] = itertools.count(following)
    return int(following)


def _set_next_agent_id(model: Organisations, following: int) -> None:
    if not isinstance(model, mesa.Model):
        model._next_id[0] = following
    elif hasattr(model, "agent_id_counter"):
        model.agent_id_counter = following
    else:
        mesa.Agent._ids[model] = itertools.count(following)
