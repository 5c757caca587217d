"""Composing configs from the presets under `sim/configs/`, with Hydra's compose API.

The presets ship inside the package (as `sim.configs`), so they are found after a plain
`pip install .` from any directory. Users add their own YAML files through extra config
directories (`--config-dir` on the command line, `config_dirs=` from Python).
"""

from __future__ import annotations

import argparse
import importlib
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from difflib import get_close_matches
from importlib import resources
from pathlib import Path
from typing import Any, get_type_hints

import numpy as np
from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException, MissingConfigException
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from sim.core.checks import ConfigError, check
from sim.core.cli import register_help
from sim.core.config import Config, RegimeConfig, register_configs
from sim.core.config_dirs import check_config_dirs, searchpath_folders

CONFIG_MODULE = "sim.configs"
GROUPS = ("regime",)

register_configs()
register_help()


# Hydra's state is global to the process: the app composes configs in background threads
# (the baseline twin) while the page or a caller composes others, and two threads that both
# find it uninitialised would both initialise it (GlobalHydra refuses the second).
HYDRA_LOCK = threading.RLock()


def preset_names(group: str = "regime", config_dirs: Iterable[str | Path] = ()) -> list[str]:
    """Presets of a config group: the packaged ones and any in extra config directories."""
    names = {
        p.name[:-5]
        for p in resources.files(CONFIG_MODULE).joinpath(group).iterdir()
        if p.name.endswith(".yaml")
    }
    for folder in config_dirs:
        names |= {p.stem for p in Path(folder, group).glob("*.yaml")}
    return sorted(names)


@dataclass
class CommandLine:
    """A command line as Hydra reads it: its config overrides, its Hydra settings, its mode."""

    overrides: list[str]  # the config's own overrides (key=value, +key=value, group=option)
    hydra_overrides: list[str]  # Hydra's settings: hydra.* and hydra/...
    config_dirs: list[str]  # --config-dir
    runs: bool  # Hydra will run jobs (not --help, --cfg, --info, --shell-completion)
    multirun: bool  # --multirun / -m


def read_command_line(argv: Sequence[str]) -> CommandLine:
    """Read a command line with the parser `hydra.main` uses, so that every flag Hydra knows,
    today's and tomorrow's, is read as Hydra will read it (`-sc query=bash` included).

    Raises ConfigError with one line for a flag Hydra does not know or a flag without its value,
    and for a preset in a `--config-dir` (or a `hydra.searchpath` folder) that is not plain data
    of the model's (`sim.core.config_dirs`), whatever the mode, before Hydra reads it.
    """
    parser = _hydra_args_parser()
    parser.exit_on_error = False
    try:
        args, unknown = parser.parse_known_args(list(argv))
    except argparse.ArgumentError as error:
        raise ConfigError(f"{error.argument_name or 'arguments'}: {error.message}") from None
    if unknown and unknown[0].startswith("-"):
        raise ConfigError(f"{unknown[0]}: unknown flag; see --help for the flags allowed")
    if unknown:  # argparse reads one run of positional arguments
        raise ConfigError(f"{unknown[0]}: put every key=value together, before or after the flags")
    overrides = [a for a in args.overrides if not a.lstrip("+~").startswith(("hydra.", "hydra/"))]
    other_modes = args.help or args.hydra_help or args.cfg or args.info or args.shell_completion
    hydra_overrides = [a for a in args.overrides if a not in overrides]
    config_dirs = [args.config_dir] if args.config_dir else []
    check_config_dirs([*config_dirs, *searchpath_folders(hydra_overrides)])
    return CommandLine(
        overrides=overrides,
        hydra_overrides=hydra_overrides,
        config_dirs=config_dirs,
        runs=not (other_modes or args.experimental_rerun),
        multirun=bool(args.multirun),
    )


def _hydra_args_parser() -> argparse.ArgumentParser:
    # The one private Hydra import: Hydra 1.3 has no public way to read its command line, and
    # this is the very parser `hydra.main` reads sys.argv with. A test guards its fields.
    from hydra._internal.utils import get_args_parser

    return get_args_parser()


CLUSTER_EXTRA = 'pip install "goodhart-sim[cluster]"'


def check_launcher(hydra_overrides: Sequence[str], config_dirs: Iterable[str | Path] = ()) -> None:
    """A `hydra/launcher=NAME` whose plugin is not installed (Ray and SLURM come with the
    `cluster` extra): ConfigError with the `pip install` to run, before Hydra says
    "Could not load"."""
    chosen = [a.split("=", 1)[1] for a in hydra_overrides if a.lstrip("+").startswith("hydra/launcher=")]
    if not chosen:
        return
    name = chosen[-1]
    dirs = check_config_dirs(config_dirs)
    extra = ["hydra.searchpath=[" + ",".join(f"file://{d}" for d in dirs) + "]"] if dirs else []

    def installed() -> tuple[bool, list[str]]:
        options = sorted(GlobalHydra.instance().config_loader().get_group_options("hydra/launcher"))
        try:
            overrides = [f"hydra/launcher={name}", *extra]
            cfg = compose(config_name="config", overrides=overrides, return_hydra_config=True)
            importlib.import_module(str(cfg.hydra.launcher._target_).rpartition(".")[0])  # and its needs
            return True, options
        except (HydraException, OmegaConfBaseException, ImportError):
            return False, options

    with HYDRA_LOCK:
        if GlobalHydra.instance().is_initialized():
            found, options = installed()
        else:
            with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
                found, options = installed()
    if not found:
        raise ConfigError(
            f"hydra/launcher={name}: this launcher is not installed here (options: {', '.join(options)}); "
            f"Ray and SLURM launchers need {CLUSTER_EXTRA}"
        )


def load_config(overrides: Sequence[str] = (), config_dirs: Iterable[str | Path] = ()) -> DictConfig:
    """Compose the config as the command line would, and check it.

    Raises ConfigError with a one-line message naming the key at fault.
    """
    folders = check_config_dirs(config_dirs)
    overrides = list(overrides)
    if folders:
        overrides.append("hydra.searchpath=[" + ",".join(f"file://{d}" for d in folders) + "]")
    with HYDRA_LOCK:
        if GlobalHydra.instance().is_initialized():
            cfg = _compose(overrides, folders)
        else:
            with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
                cfg = _compose(overrides, folders)
    checked = as_config(cfg)
    check(checked)
    known = preset_names("regime", folders)
    for name in checked.compare:
        if name not in known:
            raise ConfigError(f"compare: unknown regime {name!r}; allowed: {', '.join(known)}")
    return cfg


def _compose(overrides: list[str], config_dirs: list[str]) -> DictConfig:
    try:
        cfg = compose(config_name="config", overrides=overrides, return_hydra_config=True)
    except MissingConfigException as error:
        raise ConfigError(missing_message(error, config_dirs)) from None
    except (HydraException, OmegaConfBaseException) as error:
        raise ConfigError(one_line(error)) from None
    chosen = cfg.hydra.runtime.choices.get("regime")
    with open_dict(cfg):
        del cfg["hydra"]
    name_after_file(cfg.regime, chosen)
    return cfg


def name_after_file(regime: DictConfig, chosen: str | None) -> None:
    """A regime file that does not say its name is named after the file (`chosen`, the
    option Hydra composed), never after the baseline whose defaults it starts from. Every
    path that composes a regime calls it: `load_config`, and the main job's and the sweep's
    Hydra apps with `HydraConfig.get().runtime.choices`."""
    default = RegimeConfig()
    if not chosen or chosen == default.name or regime.name != default.name:
        return
    regime.name = chosen
    if regime.label == default.label:
        regime.label = chosen.replace("_", " ").capitalize()
    if regime.description == default.description:
        regime.description = ""


def missing_message(error: MissingConfigException, config_dirs: Iterable[str] = ()) -> str:
    text = str(error)
    for group in GROUPS:
        if f"'{group}/" in text:
            name = text.split(f"'{group}/", 1)[1].split("'", 1)[0]
            allowed = ", ".join(preset_names(group, config_dirs))
            extra = f"or a YAML file in {group}/ of a --config-dir"
            return f"{group}={name}: unknown {group}; allowed: {allowed} ({extra})"
    return one_line(error)


def one_line(error: Exception) -> str:
    """A Hydra or OmegaConf error as one line that starts with the key at fault."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    cause = error.__cause__ if isinstance(error.__cause__, OmegaConfBaseException) else error
    key = getattr(cause, "full_key", None)
    reason = str(cause).strip().splitlines()[0] if str(cause).strip() else type(error).__name__
    if key and key not in reason:
        reason = f"{key}: {reason}"
    hint = next((line for line in lines if line.startswith("To append")), "")
    if hint and getattr(cause, "object_type", None) is dict:  # weights and the like take new keys
        return f"{reason} ({hint[0].lower()}{hint[1:]})"
    return f"{reason}; see `python -m sim --cfg job` for every parameter" if hint else reason


def load_regime(name: str, config_dirs: Iterable[str | Path] = ()) -> DictConfig:
    """A regime preset by name, as a config node. A preset of the package is its file merged
    onto the regime's schema, as composing the whole config would give it (a test compares
    the two for every preset) in a thirtieth of the time; where config directories are given,
    which may hold a preset of that name, the config is composed."""
    folders = list(config_dirs)
    if not folders and name in preset_names("regime"):
        text = resources.files(CONFIG_MODULE).joinpath("regime", f"{name}.yaml").read_text(encoding="utf-8")
        regime = OmegaConf.merge(OmegaConf.structured(RegimeConfig), OmegaConf.create(text))
        assert isinstance(regime, DictConfig)
        name_after_file(regime, name)
        return regime
    return load_config([f"regime={name}"], folders).regime


# Every Config parameter is a keyword of the model (`OrgModel(n_employees=..., burn_in_weeks=...)`),
# so Mesa's batch_run and SolaraViz's model_params set any of them. The rule: a section's key by
# its own name (`org.n_employees` -> `n_employees`), a top-level key as it is (`seed`, `gaming`),
# and `section__key` for a name that two sections share or that the model keeps for itself.
MODEL_KEYWORDS = ("config", "regime", "rng", "collect_agents")


def config_keys() -> dict[str, Any]:
    """Every parameter of Config, by its dotted key, with its type: each section's leaves
    (`org.n_employees`) and the top-level keys (`seed`, `compare`, the `gaming` repertoire)."""
    keys: dict[str, Any] = {}
    for section in fields(Config):
        kind = get_type_hints(Config)[section.name]
        if is_dataclass(kind):
            hints = get_type_hints(kind)
            keys.update({f"{section.name}.{leaf.name}": hints[leaf.name] for leaf in fields(kind)})
        else:
            keys[section.name] = kind
    return keys


def keyword_names(keys: Iterable[str]) -> dict[str, str]:
    """The keyword of each dotted key, by the rule above."""
    keys = list(keys)
    last = Counter(key.rpartition(".")[2] for key in keys)

    def keyword(key: str) -> str:
        name = key.rpartition(".")[2]
        shared = last[name] > 1 or (name in MODEL_KEYWORDS and "." in key)
        return key.replace(".", "__") if shared else name

    return {keyword(key): key for key in keys}


# The model's keywords and the keys they set, generated from the Config dataclasses.
LEVERS = keyword_names(config_keys())


def with_levers(
    config: Config | DictConfig | dict | None,
    regime: str | RegimeConfig | None = None,
    **levers: Any,
) -> Config:
    """A checked copy of `config` with a regime (preset name or RegimeConfig) and the levers
    (any keyword of LEVERS) that are not None set on it; `config` itself when none is given.

    The regime comes first, so `pressure`, `forced_ranking`, `start_week` and the regime's
    other keys apply to it. Raises ConfigError naming the lever and what is allowed.
    """
    cfg = as_config(config)
    given = {name: value for name, value in levers.items() if value is not None}
    if regime is None and not given:
        return cfg
    unknown = sorted(set(given) - set(LEVERS))
    if unknown:
        raise ConfigError(unknown_lever(unknown[0]))
    node = OmegaConf.structured(cfg)
    if isinstance(regime, str):
        node.regime = load_regime(regime)
    elif isinstance(regime, RegimeConfig):
        node.regime = OmegaConf.structured(regime)
    elif regime is not None:
        raise ConfigError(f"regime={_shown(regime)}: allowed: a preset name or a RegimeConfig")
    for name, value in given.items():
        key = LEVERS[name]
        if isinstance(value, np.generic):  # from NumPy ranges (batch_run parameters)
            value = value.item()
        section, _, leaf = key.rpartition(".")
        parent = node[section] if section else node
        try:
            parent[leaf] = value
        except OmegaConfBaseException as error:
            raise ConfigError(_lever_message(name, value, key, parent[leaf], error)) from None
    # The node is already typed: no merge with the defaults, which would bring back the
    # entries of a mapping (gaming, weights, initial_split) that a keyword left out.
    try:
        checked = OmegaConf.to_object(node)
    except OmegaConfBaseException as error:
        raise ConfigError(one_line(error)) from None
    assert isinstance(checked, Config)  # a structured Config gives a Config
    check(checked)
    return checked


def unknown_lever(name: str) -> str:
    close = get_close_matches(name, list(LEVERS) + list(MODEL_KEYWORDS), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    shown = name if name.isidentifier() else _shown(name)
    return (
        f"{shown}: not a parameter of the model{hint}; allowed: config, regime, rng, collect_agents "
        "and every Config key by its last part (org.n_employees as n_employees), "
        "listed in sim.core.presets.LEVERS"
    )


def _lever_message(name: str, value: Any, key: str, current: Any, error: Exception) -> str:
    kinds = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}
    if type(current) in kinds:
        return f"{name}={_shown(value)}: must be {kinds[type(current)]} (sets {key})"
    reason = one_line(error)
    return reason if reason.startswith(key) else f"{name}: {reason} (sets {key})"


def _shown(value: Any) -> str:
    """A value in a one-line message: its repr (control characters escaped), cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_config(config: Config | DictConfig | dict | None) -> Config:
    """Any config form (dataclass, DictConfig, dict, None for defaults) as a checked-type Config."""
    if isinstance(config, Config):
        return config
    schema = OmegaConf.structured(Config)
    try:
        typed = OmegaConf.to_object(schema if config is None else OmegaConf.merge(schema, config))
    except OmegaConfBaseException as error:
        raise ConfigError(one_line(error)) from None
    if not isinstance(typed, Config):  # a structured Config schema gives a Config
        raise ConfigError(f"config: a mapping of the model's sections, not {type(config).__name__}")
    return typed
