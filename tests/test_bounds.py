"""Every number a user can set has an upper bound, and the model stays finite at it.

A bound that lets a run overflow (a spread of 1e308, a log-hazard of a million) is a bound
too loose: each parameter is run at its bound on a small organisation under a gameable
metric with forced ranking, and every number it writes must be finite, or empty where the
data contract says a column can be (a ratio with nobody to divide by).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import fields

import numpy as np
import pytest
from omegaconf import OmegaConf

from sim.core.checks import MAX_NUMBER, SHARES, UPPER, ConfigError, _leaves, check
from sim.core.config import Config, GamingAction
from sim.core.presets import as_config
from sim.core.run import resolve, run_model

SMALL = [
    "regime=token_leaderboard",
    "org.n_employees=24",
    "org.burn_in_weeks=6",
    "org.weeks=30",
    "regime.start_week=3",
    "regime.forced_ranking=0.1",
]
# Bounds of size and time, not of magnitude: held by what a machine can hold, not run here.
SIZES = {
    "seed",
    "replicates",
    "org.n_employees",
    "org.team_size",
    "org.weeks",
    "org.burn_in_weeks",
    "org.review_period",
    "regime.start_week",
    "regime.window",
    "production.durability_weeks",
    "behaviour.contribution_memory",
}
# Keys bounded by another key: run at the bound of the pair.
PAIRED = {
    "wellbeing.recovery_threshold": {
        "wellbeing.burnout_threshold": 100.0,
        "wellbeing.recovery_threshold": 99.0,
    },
    "wellbeing.burnout_threshold": {"wellbeing.burnout_threshold": 100.0},
    "behaviour.min_hours": {"behaviour.max_hours": 168.0, "behaviour.min_hours": 167.0},
}
# Columns the data contract allows to be empty (docs/data-contract.md).
MAY_BE_EMPTY = {
    "quit_rate_burned_out",
    "quit_rate_not_burned_out",
    "burnout_quit_ratio",
    "metric_index",
    "score_value_correlation",
    "metric_alignment",
}


def _magnitudes() -> list[str]:
    return [
        key
        for key, value in _leaves(Config())
        if isinstance(value, (int, float)) and not isinstance(value, bool)
        if key not in SHARES and key not in SIZES
    ]


def _at(settings: dict) -> Config:
    node = OmegaConf.structured(resolve(None, SMALL))
    for key, value in settings.items():
        OmegaConf.update(node, key, value, merge=True)
    cfg = as_config(node)
    check(cfg)
    return cfg


def _assert_finite(cfg: Config, what: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # overflow, 0/0, the mean of nothing
        result = run_model(cfg)
    for name, value in result.summary.items():
        if isinstance(value, (float, np.floating)) and not (name in MAY_BE_EMPTY and math.isnan(value)):
            assert math.isfinite(value), f"{what}: summary {name} = {value}"
    weekly = result.weekly.drop(columns=[c for c in MAY_BE_EMPTY if c in result.weekly])
    numbers = weekly.select_dtypes("number").to_numpy(float)
    finite = np.isfinite(numbers).all(axis=0)
    bad = [c for c, ok in zip(weekly.select_dtypes("number"), finite, strict=True) if not ok]
    assert not bad, f"{what}: weekly columns not finite: {bad}"


@pytest.mark.parametrize("key", _magnitudes())
def test_every_parameter_at_its_upper_bound_keeps_every_number_finite(key: str) -> None:
    default = dict(_leaves(Config()))[key]
    bound = UPPER.get(key, MAX_NUMBER)
    settings = PAIRED.get(key, {key: int(bound) if isinstance(default, int) else float(bound)})
    _assert_finite(_at(settings), f"{key} at {bound:,}")


def test_weights_and_gaming_actions_at_their_bounds_keep_every_number_finite() -> None:
    settings: dict = {"regime.weights": {"tokens": MAX_NUMBER, "durable_value": -MAX_NUMBER}}
    for f in fields(GamingAction):
        if f.type in ("float", float) and f.name not in ("acceptance", "rework"):
            settings[f"gaming.agents_running.{f.name}"] = float(MAX_NUMBER)
    _assert_finite(_at(settings), "weights and actions")


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("workforce.fluency_a", 0.0, "workforce.fluency_a=0.0: must be positive"),
        ("org.ramp_weeks", 300, "org.ramp_weeks=300: must be at most 260"),
        ("behaviour.judgement_noise", 1e308, "behaviour.judgement_noise=1e+308: must be at most 1,000,000"),
        ("org.salary", 1e308, "org.salary=1e+308: must be at most 10,000,000"),
        (
            "regime.weights",
            {"tokens": 1e308},
            "regime.weights.tokens=1e+308: must be at most 1,000,000 in size",
        ),
        ("gaming.agents_running.tokens", 1e9, "gaming.agents_running.tokens=1000000000.0: must be at most"),
    ],
)
def test_a_value_past_its_bound_is_one_line_naming_the_key(key: str, value: object, says: str) -> None:
    with pytest.raises(ConfigError, match="^" + says.replace("+", r"\+").replace(".", r"\.")):
        _at({key: value})


def test_a_hire_whose_only_habit_is_ai_but_who_never_adopts_works_by_hand() -> None:
    """An initial split all on AI meets non-adopters: their own habits are empty, not 0/0."""
    split = {"workforce.initial_split": {"craft": 0, "ai": 1, "quality": 0, "learning": 0}}
    habits = {
        "workforce.habit_noise": 0.0,
        "workforce.non_adopter_share": 0.5,
        "workforce.gaming_inclined_share": 0.0,
    }
    _assert_finite(_at({**split, **habits}), "AI only")
