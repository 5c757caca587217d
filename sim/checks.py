"""Checks on a config before anything runs: each failure is one line naming the key."""

from __future__ import annotations

from dataclasses import fields, is_dataclass

from sim.config import Config
from sim.model.production import WORK
from sim.model.signals import SIGNAL_NAMES


class ConfigError(ValueError):
    """A config value is not allowed; the message names the key and what is allowed."""


# Keys whose value is a share, and must lie in [0, 1].
SHARES = {
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
    "production.rework_craft",
    "production.rework_ai",
    "production.rework_reviewed",
    "production.acceptance_honest",
    "production.long_hours_yield",
    "wellbeing.healthy_ai_share",
    "wellbeing.burnout_productivity",
    "wellbeing.ratchet",
    "workforce.theater_habit",
    "workforce.non_adopter_share",
    "turnover.base_attrition",
    "trust.motivation_loss",
    "trust.monitoring_erosion",
    "trust.misalignment_erosion",
    "trust.rebuild",
}
# Fields of a gaming action that are shares; `help` may be negative, the rest not.
ACTION_SHARES = {"acceptance", "rework"}
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
}
CHOICES = {
    "regime.level": ("individual", "team"),
    "regime.scoring": ("rank", "target", "absolute"),
    "output.format": ("parquet", "csv"),
}


def _leaves(node: object, prefix: str = ""):
    for f in fields(node):
        value = getattr(node, f.name)
        key = f"{prefix}{f.name}"
        if is_dataclass(value):
            yield from _leaves(value, key + ".")
        else:
            yield key, value


def check(cfg: Config) -> None:
    """Raise ConfigError for the first value that is not allowed."""
    for key, value in _leaves(cfg):
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
            if f.name in ACTION_SHARES and not 0.0 <= value <= 1.0:
                raise ConfigError(f"gaming.{name}.{f.name}={value}: must be a share between 0 and 1")
            if isinstance(value, float) and f.name != "help" and value < 0:
                raise ConfigError(f"gaming.{name}.{f.name}={value}: must not be negative")
    if sum(split.values()) <= 0:
        raise ConfigError("workforce.initial_split: shares must add up to more than 0")
    if cfg.behaviour.min_hours > cfg.behaviour.max_hours:
        raise ConfigError("behaviour.min_hours: must not exceed behaviour.max_hours")
    if cfg.wellbeing.recovery_threshold > cfg.wellbeing.burnout_threshold:
        raise ConfigError("wellbeing.recovery_threshold: must not exceed wellbeing.burnout_threshold")
