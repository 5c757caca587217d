"""Presets from a user's `--config-dir` are data, checked before Hydra composes them.

A folder of presets travels like a scenario file (a colleague's regime, a gaming action), but
Hydra reads its YAML as config: a `# @package _global_` line, a `defaults` list or a `hydra`
key would let a preset install callbacks (code), move the run's folder or its outputs. So
every YAML file under a config dir is read as untrusted data (`sim.core.untrusted`) and must be a
preset of one of the model's groups, holding only that group's parameters, with values of
their types and no interpolation:

    regime/NAME.yaml     fields of a regime (RegimeConfig), as the packaged presets
    gaming/NAME.yaml     actions: NAME: {label: ..., tokens: ..., moral_cost: ...} (GamingAction)
    org/, workforce/, production/, behaviour/, trust/, wellbeing/, turnover/ NAME.yaml
                         fields of that section, selected with `+org=NAME` and the like

Anything else (a file at the top, `hydra/`, `output/`) is refused with one line naming the
file and the key, before anything runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from sim.core.checks import CHOICES, ConfigError, shown
from sim.core.config import Config, GamingAction, RegimeConfig
from sim.core.untrusted import NAME, key_name, load_yaml, no_interpolation, of_type, read_text

SECTIONS = ("org", "workforce", "production", "behaviour", "trust", "wellbeing", "turnover")
GROUPS = ("regime", "gaming", *SECTIONS)
MAX_PRESET_BYTES = 64 * 1024
MAX_FILES = 1_000
MAX_FOLDERS = 1_000  # a link to / must not walk the whole disk
_FEW = "a config dir holds a few presets"
_PACKAGE = re.compile(r"^\s*#\s*@package\b", re.MULTILINE)


def check_config_dirs(folders: Iterable[str | Path]) -> list[str]:
    """Every preset in these folders, checked; the folders as absolute paths for Hydra.

    Raises ConfigError with one line naming the file and the key at fault.
    """
    checked = []
    for folder in folders:
        root = Path(folder).resolve()
        if not root.is_dir():
            raise ConfigError(f"--config-dir={shown(folder)}: no such folder")
        for path in _yaml_files(root):
            check_preset(path, root)
        checked.append(str(root))
    return checked


def searchpath_folders(hydra_overrides: Iterable[str]) -> list[str]:
    """The folders a `hydra.searchpath=[file://...]` override adds: presets like a config dir's."""
    folders = []
    for override in hydra_overrides:
        key, _, value = override.lstrip("+~").partition("=")
        if key == "hydra.searchpath":
            folders += [p.strip(" '\"")[7:] for p in value.strip("[]").split(",") if "file://" in p]
    return folders


def _yaml_files(root: Path) -> list[Path]:
    """Every YAML file Hydra could read under `root`, following links as Hydra does, once each."""
    found, seen, stack = [], set(), [root]
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        if real in seen:
            continue
        seen.add(real)
        if len(seen) > MAX_FOLDERS:
            raise ConfigError(f"--config-dir={shown(root)}: more than {MAX_FOLDERS:,} folders; {_FEW}")
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            raise ConfigError(f"{shown(folder)}: cannot be read ({shown(error.strerror)})") from None
        for entry in entries:
            if entry.is_dir():
                stack.append(Path(entry.path))
            elif entry.name.endswith((".yaml", ".yml")):
                found.append(Path(entry.path))
                if len(found) > MAX_FILES:
                    raise ConfigError(
                        f"--config-dir={shown(root)}: more than {MAX_FILES:,} YAML files; {_FEW}"
                    )
    return found


def check_preset(path: Path, root: Path) -> None:
    """One preset file: in a group of the model, holding only that group's parameters."""
    relative = path.relative_to(root)
    where = shown(path)
    group = relative.parts[0] if len(relative.parts) > 1 else ""
    if group not in GROUPS:
        raise ConfigError(
            f"{where}: not a preset of the model; a --config-dir holds presets in "
            f"{', '.join(g + '/' for g in GROUPS)} only"
        )
    text = read_text(path, where, MAX_PRESET_BYTES)
    if _PACKAGE.search(text):
        raise ConfigError(
            f"{where}: a '# @package' line is not allowed; a preset stays in its group ({group})"
        )
    data = load_yaml(text, where)
    if data is None:
        return
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: a preset is a mapping of {group}'s parameters")
    no_interpolation(data, where)
    if group == "gaming":
        for name, action in data.items():
            if not (isinstance(name, str) and NAME.fullmatch(name)):
                raise ConfigError(f"{where}: {key_name(name)}: an action's name is letters, digits and _")
            if not isinstance(action, Mapping):
                raise ConfigError(f"{where}: {name}: an action is a mapping of its fields")
            _fields(action, GamingAction(), where, "", f"{name}.")
    elif group == "regime":
        _fields(data, RegimeConfig(), where, "regime.")
    else:
        _fields(data, getattr(Config(), group), where, f"{group}.")


def _fields(data: Mapping, schema: Any, where: str, section: str, parent: str = "") -> None:
    """Only the schema's fields, each of its type (`sim.core.untrusted.of_type`); `section` is the
    config's (`regime.`) for the allowed words, `parent` the key the fields sit under."""
    known = {f.name: getattr(schema, f.name) for f in fields(schema)}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(
                f"{where}: {parent}{key_name(key)}: unknown key; allowed: {', '.join(known)} "
                "(no Hydra keys, defaults lists or other sections)"
            )
        of_type(f"{where}: {parent}{key}", known[key], value, CHOICES.get(section + key, ()))
