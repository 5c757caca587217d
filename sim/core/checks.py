"""Checks on a config and on command-line arguments before anything runs: each failure is
one line naming the key (or flag), the value and what is allowed."""

from __future__ import annotations

import argparse
import math
import os
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sim.core.config import Config, RegimeConfig
from sim.model.production import WORK
from sim.model.signals import SIGNAL_NAMES

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class ConfigError(ValueError):
    """A config value is not allowed; the message names the key and what is allowed."""


# Keys whose value is a share, and must lie in [0, 1].
SHARES = {
    "org.interdependence",
    "org.ramp_start",
    "org.replacement_cost",
    "regime.pressure",
    "regime.forced_ranking",
    "behaviour.imitation",
    "behaviour.informal_spread",
    "behaviour.hours_trial_share",
    "behaviour.gaming_threshold",
    "behaviour.onboarding_conformity",
    "behaviour.norm_strength",
    "behaviour.rework_awareness",
    "behaviour.ai_effort_relief",
    "behaviour.claims_visibility",
    "production.ai_skill_levelling",
    "production.rework_craft",
    "production.rework_ai",
    "production.rework_reviewed",
    "production.acceptance_honest",
    "production.long_hours_yield",
    "production.peer_review_share",
    "production.fluency_obsolescence",
    "wellbeing.relief",
    "wellbeing.recovery",
    "wellbeing.burnout_relief",
    "wellbeing.burnout_productivity",
    "wellbeing.ratchet",
    "workforce.theater_habit",
    "workforce.gaming_inclined_share",
    "workforce.non_adopter_share",
    "turnover.base_attrition",
    "trust.motivation_loss",
    "trust.monitoring_erosion",
    "trust.misalignment_erosion",
    "trust.rebuild",
}
# Fields of a gaming action that are shares; `help` may be negative, the rest not.
ACTION_SHARES = {"acceptance", "rework"}
# Upper bounds that a 24 GB machine holds: a run keeps a few hundred numbers per post (its
# metric window of signals, its durability pipelines, its Mesa agent), so 100,000 posts take
# about 1 GB and 2,600 weeks (50 years) only add weekly rows; the window and the durability
# lag multiply the per-post arrays, so they are capped at a year.
MAX_EMPLOYEES = 100_000
MAX_WEEKS = 2_600
MAX_REPLICATES = 1_000
# Every other number is at most a million (a weight, a multiplier, tokens an hour): far past
# anything plausible, and far from where float arithmetic overflows. The bounds below are
# tighter where the model exponentiates a value or a value counts hours, weeks or dollars;
# `tests/test_bounds.py` runs every parameter at its bound and finds every number finite.
MAX_NUMBER = 1_000_000
HOURS_IN_A_WEEK = 168
UPPER = {
    "seed": 2**63 - 1,  # stored as a 64-bit integer
    "org.n_employees": MAX_EMPLOYEES,
    "org.weeks": MAX_WEEKS,
    "org.burn_in_weeks": MAX_WEEKS,
    "org.team_size": MAX_EMPLOYEES,
    "org.review_period": MAX_WEEKS,
    "org.vacancy_weeks": 260,
    "org.ramp_weeks": 260,  # the founding staff's tenure is drawn from ramp_weeks to five years
    "org.salary": 10_000_000,  # $ a year
    "replicates": MAX_REPLICATES,
    "regime.window": 52,
    "production.durability_weeks": 52,
    "behaviour.contribution_memory": MAX_WEEKS,
    "behaviour.max_hours": HOURS_IN_A_WEEK,
    "behaviour.min_hours": HOURS_IN_A_WEEK,
    "behaviour.search_hours_step": HOURS_IN_A_WEEK,
    "wellbeing.sustainable_hours": HOURS_IN_A_WEEK,
    "production.long_hours_start": HOURS_IN_A_WEEK,
    "production.ai_task_hours": HOURS_IN_A_WEEK,
    "production.ai_setup_hours": HOURS_IN_A_WEEK,
    "production.active_day_hours": HOURS_IN_A_WEEK,
    # Past these, nobody stays long enough for a metric to start (everyone quits in weeks) or
    # late defects cost more than all the value made, and the run has nothing left to measure.
    "production.review_need": 10,
    "production.review_need_craft": 10,
    "production.late_defect_cost": 10,
    "turnover.imbalance_quit": 10,
    # Log-normal spreads: exp(3 sd) is already a factor of 8,000 between people.
    "workforce.skill_sd": 3,
    "workforce.resilience_sd": 3,
    "workforce.token_need_sd": 3,
    "workforce.outside_option_sd": 3,
    "workforce.habit_noise": 1,
    "behaviour.search_step": 1,
    # Beta distributions' shapes.
    "workforce.fluency_a": 1_000,
    "workforce.fluency_b": 1_000,
    "workforce.integrity_a": 1_000,
    "workforce.integrity_b": 1_000,
    "workforce.career_concern_a": 1_000,
    "workforce.career_concern_b": 1_000,
    # Log-hazards of quitting: exp(20) multiplies a weekly hazard past certainty already.
    "trust.quit_effect": 20,
    "turnover.outside_option_quit": 20,
    "turnover.burnout_quit_multiplier": 1_000,
    # Weekly flows of exhaustion, per unit of what drives them: 100 burns anyone out in a week.
    "wellbeing.base_strain": 100,
    "wellbeing.life_shock_sd": 100,
    "wellbeing.overwork_strain": 100,
    "wellbeing.anxiety_strain": 100,
    "wellbeing.informal_anxiety": 100,
    "wellbeing.dissonance_strain": 100,
    "wellbeing.expectation_strain": 100,
    "wellbeing.imbalance_strain": 100,
    "wellbeing.rest_recovery": 100,
    "wellbeing.support": 100,
    "wellbeing.burnout_threshold": 100,
    "wellbeing.recovery_threshold": 100,
}
# Keys that must be at least 1.
AT_LEAST_ONE = {
    "behaviour.contribution_memory",
    "org.n_employees",
    "org.team_size",
    "org.weeks",
    "org.review_period",
    "regime.window",
    "replicates",
}
# Keys that must be strictly positive.
POSITIVE = {
    "org.salary",
    "regime.target",
    "production.ai_task_hours",
    "production.active_day_hours",
    "wellbeing.sustainable_hours",
    "wellbeing.burnout_threshold",
    "behaviour.max_hours",
    "workforce.fluency_a",
    "workforce.fluency_b",
    "workforce.integrity_a",
    "workforce.integrity_b",
    "workforce.career_concern_a",
    "workforce.career_concern_b",
}
CHOICES = {
    "regime.level": ("individual", "team"),
    "regime.scoring": ("rank", "target", "absolute"),
    "output.format": ("parquet", "csv"),
}


def _leaves(node: DataclassInstance, prefix: str = ""):
    for f in fields(node):
        value = getattr(node, f.name)
        key = f"{prefix}{f.name}"
        if is_dataclass(value) and not isinstance(value, type):
            yield from _leaves(value, key + ".")
        else:
            yield key, value


def check(cfg: Config) -> None:
    """Raise ConfigError for the first value that is not allowed."""
    for key, value in _leaves(cfg):
        if key == "gaming":
            continue  # actions are checked field by field below
        if isinstance(value, Mapping):
            for name, item in value.items():
                if not isinstance(item, (int, float)) or isinstance(item, bool) or not math.isfinite(item):
                    raise ConfigError(f"{key}.{name}={item}: must be a finite number")
                if abs(item) > MAX_NUMBER:
                    raise ConfigError(f"{key}.{name}={item}: must be at most {MAX_NUMBER:,} in size")
            continue
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{key}={value}: must be a finite number")
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if number and value > UPPER.get(key, MAX_NUMBER):
            raise ConfigError(f"{key}={value}: must be at most {UPPER.get(key, MAX_NUMBER):,}")
        if key in SHARES and not 0.0 <= value <= 1.0:
            raise ConfigError(f"{key}={value}: must be a share between 0 and 1")
        if key in AT_LEAST_ONE and value < 1:
            raise ConfigError(f"{key}={value}: must be a whole number of at least 1")
        if key in POSITIVE and value <= 0:
            raise ConfigError(f"{key}={value}: must be positive")
        if key in CHOICES and value not in CHOICES[key]:
            raise ConfigError(f"{key}={value}: must be one of {', '.join(CHOICES[key])}")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise ConfigError(f"{key}={value}: must not be negative")
    regime = cfg.regime
    for part in ("weights", "per"):
        for signal in getattr(regime, part):
            if signal not in SIGNAL_NAMES:
                raise ConfigError(
                    f"regime.{part}.{signal}: unknown signal; allowed: {', '.join(SIGNAL_NAMES)}"
                )
    if regime.weights and not any(regime.weights.values()):
        raise ConfigError(
            "regime.weights: all weights are zero; give one non-zero weight, or none for no metric"
        )
    if regime.per and not regime.weights:
        raise ConfigError("regime.per: a denominator needs regime.weights for the numerator")
    if regime.forced_ranking >= 1.0:
        raise ConfigError(f"regime.forced_ranking={regime.forced_ranking}: must be below 1")
    split = cfg.workforce.initial_split
    for activity in split:
        if activity not in WORK:
            raise ConfigError(
                f"workforce.initial_split.{activity}: unknown activity; allowed: {', '.join(WORK)}"
            )
    for name, action in cfg.gaming.items():
        if name in WORK or not name.isidentifier():
            raise ConfigError(f"gaming.{name}: an action needs a name of letters, digits and _, not {WORK}")
        for f in fields(action):
            value = getattr(action, f.name)
            if isinstance(value, float) and not math.isfinite(value):
                raise ConfigError(f"gaming.{name}.{f.name}={value}: must be a finite number")
            if isinstance(value, float) and abs(value) > MAX_NUMBER:
                raise ConfigError(f"gaming.{name}.{f.name}={value}: must be at most {MAX_NUMBER:,} in size")
            if f.name in ACTION_SHARES and not 0.0 <= value <= 1.0:
                raise ConfigError(f"gaming.{name}.{f.name}={value}: must be a share between 0 and 1")
            if isinstance(value, float) and f.name != "help" and value < 0:
                raise ConfigError(f"gaming.{name}.{f.name}={value}: must not be negative")
    for activity, share in split.items():
        if not 0.0 <= share <= 1.0:
            raise ConfigError(f"workforce.initial_split.{activity}={share}: must be a share between 0 and 1")
    if sum(split.values()) <= 0:
        raise ConfigError("workforce.initial_split: shares must add up to more than 0")
    for signal, weight in regime.per.items():
        if weight < 0:
            raise ConfigError(f"regime.per.{signal}={weight}: must not be negative (it divides the score)")
    _check_against_each_other(cfg)


def _check_against_each_other(cfg: Config) -> None:
    """Keys that are only wrong together: each message names both keys and both values."""
    org, regime, behaviour, wellbeing = cfg.org, cfg.regime, cfg.behaviour, cfg.wellbeing
    pairs = (
        ("org.team_size", org.team_size, "org.n_employees", org.n_employees, "at most"),
        ("regime.start_week", regime.start_week, "org.weeks", org.weeks, "below"),
        ("behaviour.min_hours", behaviour.min_hours, "behaviour.max_hours", behaviour.max_hours, "below"),
        (
            "wellbeing.recovery_threshold",
            wellbeing.recovery_threshold,
            "wellbeing.burnout_threshold",
            wellbeing.burnout_threshold,
            "below",
        ),
    )
    for key, value, other, limit, relation in pairs:
        if key == "regime.start_week" and not regime.weights:
            continue  # no metric: nothing starts, and the baseline runs whatever the horizon
        if (value > limit) if relation == "at most" else (value >= limit):
            raise ConfigError(f"{key}={value}: must be {relation} {other} ({limit})")


# -- command-line arguments ---------------------------------------------------------------


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (`error: ...`) and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        fail(message.replace("argument ", "", 1))


def shown(text: object) -> str:
    """Text safe to print in a one-line message: control characters (a terminal's escape
    codes, line breaks) as escapes."""
    return "".join(
        ch if not unicodedata.category(ch).startswith("C") else ch.encode("unicode_escape").decode("ascii")
        for ch in str(text)
    )


def fail(message: str) -> None:
    """Print one line on stderr and exit with status 2 (bad input)."""
    print(f"error: {shown(' '.join(str(message).split()))}", file=sys.stderr)
    sys.exit(2)


def whole_number(flag: str, value: int | None, low: int = 1, high: int | None = None) -> None:
    """A count given on the command line: `--employees 0` is an error, never the default."""
    if value is None:
        return
    if value < low or (high is not None and value > high):
        allowed = f"from {low:,} to {high:,}" if high is not None else f"at least {low:,}"
        raise ConfigError(f"{flag}={value}: must be a whole number {allowed}")


def share(flag: str, value: float) -> None:
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise ConfigError(f"{flag}={value}: must be a share between 0 and 1")


def organisation(employees: int | None, weeks: int | None, size_flag: str = "--employees") -> None:
    """Headcount and horizon flags within the bounds of `org.n_employees` and `org.weeks`."""
    whole_number(size_flag, employees, 1, MAX_EMPLOYEES)
    whole_number("--weeks", weeks, 1, MAX_WEEKS)


def _first_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _writable_folder(flag: str, folder: Path, create: bool) -> None:
    existing = _first_existing(folder)
    if not existing.is_dir():
        raise ConfigError(f"{flag}={folder}: {existing} is a file, not a folder")
    if existing != folder and not create:
        raise ConfigError(f"{flag}: the folder {folder} does not exist; create it first")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"{flag}={folder}: {existing} is not writable")


def output_file(flag: str, path: str | Path) -> Path:
    """A file we are about to write: its folder exists and is writable, and it is not a folder."""
    path = Path(path)
    if str(path) in ("", ".") or path.is_dir():
        raise ConfigError(f"{flag}={path}: is a folder; give a file name")
    _writable_folder(flag, path.absolute().parent, create=False)
    if path.exists() and not os.access(path, os.W_OK):
        raise ConfigError(f"{flag}={path}: the file is not writable")
    return path


def output_folder(flag: str, path: str | Path) -> Path:
    """A folder we are about to write into (made if missing): never a file, nor under one."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{flag}={path}: is a file; give a folder")
    _writable_folder(flag, path.absolute(), create=True)
    return path


def after_start(weeks: int | None, start_week: int | None = None, flag: str = "--weeks") -> None:
    """A horizon long enough for the policies to start (they start in week 13 by default)."""
    start = RegimeConfig().start_week if start_week is None else start_week
    if weeks is not None and weeks <= start:
        raise ConfigError(f"{flag}={weeks}: must be more than {start}, the week the policies start")
