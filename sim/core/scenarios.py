"""Scenario files: a policy an HR leader can write, share and rerun, in one small YAML file.

The same file works in the report (`python -m sim report my_policy.yaml`), the main job
(`python -m sim --scenario my_policy.yaml`) and the workshop app, so a scenario can be
passed around like a link. Four keys, all optional except a regime:

    name: "Token leaderboard at high pressure"     # what the report and app call it
    description: "Everyone ranked by tokens, with 80% of pay and promotion riding on it."
    regime: token_leaderboard                       # a preset, or a full regime mapping
    set: {regime.pressure: 0.8, regime.start_week: 26, org.n_employees: 1000}

A scenario compiles to Hydra override strings, so it is checked by exactly the rules of the
command line (`sim.core.checks`): a bad key or value is one line naming it and what is allowed.
A preset's name (`token_leaderboard`) is a scenario too, and so is an example installed with
the package (`example:token_usage_on_rubric`, from `sim/examples/`), so the README's commands
work for a pip user in any folder.

Scenario files travel, so they are untrusted: `set` may only name parameters of the model
(`org.*`, `workforce.*`, `production.*`, `behaviour.*`, `wellbeing.*`, `turnover.*`,
`regime.*`), never Hydra's settings, output locations, seeds or launchers; every value is
plain data of its parameter's type (no `${...}` interpolation); and a file is read within
bounds (`sim.core.untrusted`: at most 64 KB of UTF-8, no YAML anchors, aliases or tags, no key
given twice, a few levels deep).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from sim.core.checks import CHOICES, ConfigError
from sim.core.config import Config, RegimeConfig
from sim.core.presets import load_regime, preset_names
from sim.core.run import resolve
from sim.core.untrusted import (
    NAME,
    is_number,
    key_name,
    load_yaml,
    of_type,
    read_text,
    shown,
    top_level,
)

KEYS = ("name", "description", "regime", "set")
REGIME_FIELDS = tuple(f.name for f in fields(RegimeConfig))
# The sections of Config that describe the organisation and its policy: all a scenario may set.
MODEL_SECTIONS = ("org", "workforce", "production", "behaviour", "wellbeing", "turnover", "regime")
MAX_SCENARIO_BYTES = 64 * 1024
# Regime fields that are mappings: a new value replaces the preset's, it does not add to it.
_MAPPINGS = ("weights", "per")
EXAMPLE = "example:"  # prefix of the scenarios installed with the package


@dataclass(frozen=True)
class Scenario:
    """A named policy on a simulated organisation, as Hydra overrides of the default config."""

    name: str
    description: str
    overrides: tuple[str, ...]  # usable by sim.core.run.resolve(None, overrides)
    source: str  # the file it came from, or the preset's name
    text: str  # the scenario as YAML: the exact file, or its equivalent for a preset

    def config(self, base: Sequence[str] = (), config_dirs: Iterable[str | Path] = ()) -> Config:
        """The checked config: `base` overrides (say, the report's organisation size) first,
        then the scenario's own, so the scenario wins where both set a key."""
        return resolve(None, [*base, *self.overrides], config_dirs)


def load_scenario(source: str | Path, config_dirs: Iterable[str | Path] = ()) -> Scenario:
    """A scenario from a YAML file, an installed example (`example:NAME`) or a preset's name
    (`token_leaderboard`).

    Raises ConfigError with one line naming the file, the key at fault and what is allowed.
    """
    config_dirs = list(config_dirs)
    path: Path | Traversable = Path(source)
    if str(source).startswith(EXAMPLE):
        path = example_file(str(source))
    elif not path.is_file():
        presets = preset_names("regime", config_dirs)
        if str(source) in presets:
            return _preset_scenario(str(source), config_dirs)
        raise ConfigError(
            f"{shown(source)}: no such scenario file, and not a preset or an example; "
            f"presets: {', '.join(presets)}; examples: {', '.join(example_names())}"
        )
    where = shown(source if str(source).startswith(EXAMPLE) else path)
    text = read_scenario_text(path, where)
    data = load_yaml(text, where)
    return scenario_from_mapping(data, source=where, text=text, config_dirs=config_dirs)


def example_names() -> list[str]:
    """The example scenarios installed with the package, as `example:NAME`."""
    files = resources.files("sim.examples").iterdir()
    return sorted(EXAMPLE + f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def example_file(source: str) -> Traversable:
    """The packaged file of `example:NAME`; ConfigError naming the examples if there is none."""
    if source not in example_names():
        raise ConfigError(f"{source}: unknown example; allowed: {', '.join(example_names())}")
    return resources.files("sim.examples").joinpath(source.removeprefix(EXAMPLE) + ".yaml")


def read_scenario_text(path: Path | Traversable, where: str | None = None) -> str:
    """A scenario file's text, read within bounds: a size cap, and UTF-8 only."""
    return read_text(path, shown(path) if where is None else where, MAX_SCENARIO_BYTES)


def scenario_from_mapping(
    data: Any,
    source: str = "<scenario>",
    text: str | None = None,
    config_dirs: Iterable[str | Path] = (),
) -> Scenario:
    """A checked scenario from the mapping a scenario file holds (what the app builds in memory)."""
    config_dirs = list(config_dirs)
    data = top_level(data, source, KEYS, "scenario")
    if "regime" not in data:
        raise ConfigError(f"{source}: regime: missing; give a preset's name or a regime mapping")
    settings = data.get("set") or {}
    if not isinstance(settings, Mapping):
        raise ConfigError(
            f"{source}: set: must be a mapping of keys to values, e.g. {{regime.pressure: 0.8}}"
        )
    for key in settings:
        if key == "regime":
            raise ConfigError(f"{source}: set.regime: not allowed here; use the top-level regime key")
        _settable(key, settings[key], source)
    regime, settings = _regime(data["regime"], settings, source, config_dirs)
    name = data.get("name") or regime.get("label") or Path(source).stem
    description = data.get("description") or regime.get("description") or ""
    for key, value in (("name", name), ("description", description)):
        if not isinstance(value, str):
            raise ConfigError(f"{source}: {key}: must be text")
    overrides = ["regime=baseline"]
    overrides += [f"++regime.{k}={hydra_value(v)}" for k, v in regime.items() if k != "label"]
    overrides.append(f"regime.label={hydra_value(name)}")
    overrides += [
        f"{'++' if isinstance(v, Mapping) else ''}{k}={hydra_value(v)}" for k, v in settings.items()
    ]
    if text is None:
        text = scenario_yaml(name, description, data["regime"], dict(data.get("set") or {}))
    scenario = Scenario(name, description, tuple(overrides), source, text)
    try:
        scenario.config(config_dirs=config_dirs)
    except ConfigError as error:
        raise ConfigError(f"{source}: {_plain(str(error))}") from None
    return scenario


def _settable(key: Any, value: Any, source: str) -> None:
    """Refuse any `set` key that is not a parameter of the model, and any value that is not
    a plain number, switch or word (or, for a mapping parameter, a mapping of them)."""
    allowed = (
        f"a parameter of the model: {', '.join(s + '.*' for s in MODEL_SECTIONS)} "
        "(see `python -m sim --cfg job`)"
    )
    parts = str(key).split(".") if isinstance(key, str) else []
    name = key_name(key)
    if len(parts) < 2 or len(parts) > 3 or not all(NAME.fullmatch(p) for p in parts):
        raise ConfigError(f"{source}: set.{name}: not allowed; a scenario may only set {allowed}")
    if parts[0] not in MODEL_SECTIONS:
        raise ConfigError(f"{source}: set.{name}: not allowed; a scenario may only set {allowed}")
    section = getattr(Config(), parts[0])  # the section with its defaults
    known = {f.name: getattr(section, f.name) for f in fields(section)}
    if parts[1] not in known:
        raise ConfigError(
            f"{source}: set.{key}: unknown key; allowed: {parts[0]}.{', '.join(known)}"
            if parts[0] != "regime"
            else f"{source}: set.{key}: unknown key; allowed: regime.{', regime.'.join(REGIME_FIELDS)}"
        )
    mapping = isinstance(known[parts[1]], dict)
    if len(parts) == 3 and not mapping:
        raise ConfigError(f"{source}: set.{key}: unknown key; {parts[0]}.{parts[1]} has no parts")
    default = 0.0 if len(parts) == 3 else known[parts[1]]  # a part of a mapping is a number
    of_type(f"{source}: set.{key}", default, value, CHOICES.get(f"{parts[0]}.{parts[1]}", ()))


def _preset_scenario(preset: str, config_dirs: list) -> Scenario:
    regime = _regime_mapping(preset, config_dirs)
    text = f"# the preset {preset!r}, as a scenario file\n" + scenario_yaml(
        regime["label"], regime["description"], preset, {}
    )
    return scenario_from_mapping({"regime": preset}, source=preset, text=text, config_dirs=config_dirs)


def _regime(
    regime: Any, settings: Mapping, source: str, config_dirs: list
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The full regime (preset or mapping, with any `set: regime.*` applied) and the other settings."""
    if isinstance(regime, str):
        presets = preset_names("regime", config_dirs)
        if regime not in presets:
            raise ConfigError(
                f"{source}: regime={key_name(regime)}: unknown regime; allowed: {', '.join(presets)}"
            )
        try:
            full = _regime_mapping(regime, config_dirs)
        except ConfigError as error:
            raise ConfigError(f"{source}: {error}") from None
    elif isinstance(regime, Mapping):
        for key in regime:
            if key not in REGIME_FIELDS:
                raise ConfigError(
                    f"{source}: regime.{key_name(key)}: unknown key; allowed: {', '.join(REGIME_FIELDS)}"
                )
        blank = {"name": "custom", "label": Path(source).stem, "description": "", "weights": {}, "per": {}}
        full = {**_regime_mapping("baseline", config_dirs), **blank}
        full.update(regime)
    else:
        raise ConfigError(f"{source}: regime: must be a preset's name or a mapping of regime settings")
    rest = {}
    for key, value in settings.items():
        field = str(key).removeprefix("regime.")
        if str(key).startswith("regime.") and field in REGIME_FIELDS:
            full[field] = value
        elif str(key).startswith("regime.") and field.split(".")[0] in _MAPPINGS:
            mapping, signal = field.split(".", 1)
            full[mapping] = {**dict(full.get(mapping) or {}), signal: value}
        elif str(key).startswith("regime.") and "." not in field:
            raise ConfigError(
                f"{source}: set.{key}: unknown key; allowed: regime.{', regime.'.join(REGIME_FIELDS)}"
            )
        else:
            rest[str(key)] = value
    for field in _MAPPINGS:
        if not isinstance(full.get(field) or {}, Mapping):
            raise ConfigError(f"{source}: regime.{field}: must be a mapping of signal names to weights")
        full[field] = dict(full.get(field) or {})
        for signal, weight in full[field].items():
            if not (isinstance(signal, str) and NAME.fullmatch(signal)) or not is_number(weight):
                raise ConfigError(
                    f"{source}: regime.{field}.{key_name(signal)}: must be a signal's name and a number"
                )
    default = RegimeConfig()
    for field in REGIME_FIELDS:
        if field not in _MAPPINGS and field in full:
            of_type(
                f"{source}: regime.{field}",
                getattr(default, field),
                full[field],
                CHOICES.get(f"regime.{field}", ()),
            )
    return full, rest


def _regime_mapping(name: str, config_dirs: Iterable[str | Path]) -> dict[str, Any]:
    from omegaconf import OmegaConf

    mapping = OmegaConf.to_container(load_regime(name, config_dirs))
    assert isinstance(mapping, dict)  # a regime preset is a mapping
    return {str(key): value for key, value in mapping.items()}


def _plain(message: str) -> str:
    """Drop the Hydra spelling (`++`) from an error, so it names the key as the file does."""
    return message.removeprefix("++")


def hydra_value(value: Any) -> str:
    """A Python value in Hydra's override grammar, so that it reads back exactly."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{k}:{hydra_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(hydra_value(v) for v in value) + "]"
    text = str(value)
    # Hydra reads a backslash literally unless it comes before a quote, `${` or the end.
    text = re.sub(r"(\\+)(?='|\$\{|$)", lambda m: m.group(1) * 2, text)
    text = text.replace("'", "\\'").replace("${", "\\${")
    return f"'{text}'"


def scenario_yaml(name: str, description: str, regime: str | Mapping, settings: Mapping) -> str:
    """A scenario as the YAML a person would write (keys in the documented order)."""
    data: dict[str, Any] = {"name": name, "description": description, "regime": regime}
    if settings:
        data["set"] = dict(settings)
    return yaml.safe_dump(_plain_data(data), sort_keys=False, allow_unicode=True, width=100)


def _plain_data(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_data(v) for v in value]
    return value


def expand_scenario_args(argv: Sequence[str]) -> list[str]:
    """Command-line arguments with `--scenario FILE` (or `--scenario=FILE`) replaced by the
    scenario's overrides, for `python -m sim`; later arguments still override the scenario."""
    out: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--scenario" or arg.startswith("--scenario="):
            source = arg.partition("=")[2] if "=" in arg else next(args, "")
            if not source:
                raise ConfigError("--scenario: give a scenario file, example:NAME or a preset's name")
            out.extend(load_scenario(source).overrides)
        else:
            out.append(arg)
    return out
