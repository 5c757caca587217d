"""Reading YAML that someone else wrote: a scenario file, a preset in a `--config-dir`.

Such files travel between people, so they are data and nothing more: read within bounds (a
size cap, UTF-8, a nesting cap), plain YAML only (no anchors, aliases or tags, no key given
twice), and no OmegaConf interpolation (`${...}` would read the environment or other keys
when the config is composed, or when a saved config is loaded again). Messages name the file
and the key at fault and never echo what the file holds beyond a key's name.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from sim.core.checks import ConfigError, shown

OUT = "write each value out"
MAX_DEPTH = 8  # a scenario or preset is at most a few levels deep
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # a signal, an activity, an action, a section
_KEY = re.compile(r"[A-Za-z0-9_./+~-]{1,64}")  # a name, a dotted key or a preset's path


def key_name(key: object) -> str:
    """A key as a message may name it: a plain name as it is, anything else described, so a
    message never echoes a file's content (a line of a symlinked secret parses as a key)."""
    if isinstance(key, str) and _KEY.fullmatch(key):
        return key
    return (
        f"<a key of {len(str(key))} characters>" if isinstance(key, str) else f"<a {type(key).__name__} key>"
    )


def read_text(path: Path | Traversable, where: str, max_bytes: int) -> str:
    """A file's text, read within bounds: at most `max_bytes`, and UTF-8 only."""
    try:
        with path.open("rb") as file:
            raw = file.read(max_bytes + 1)
    except OSError as error:
        raise ConfigError(
            f"{where}: cannot be read ({shown(error.strerror or type(error).__name__)})"
        ) from None
    if len(raw) > max_bytes:
        raise ConfigError(f"{where}: larger than {max_bytes // 1024} KB; it should be a few lines")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{where}: not UTF-8 text (byte {error.start}); save it as UTF-8 YAML") from None


class _NoDuplicates(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping (YAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable) and key in seen:
                line = key_node.start_mark.line + 1
                raise _Refused(f"line {line}: the key {key_name(key)} is given twice; give each key once")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _Refused(Exception):
    pass


def load_yaml(text: str, where: str) -> Any:
    """Plain data from YAML text: no anchors, aliases or tags, at most MAX_DEPTH levels deep,
    no key twice. Raises ConfigError naming the file and the line."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise _Refused(
                    f"line {line}: YAML anchors and aliases (& and *) are not allowed; write each value out"
                )
            if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) and _explicit_tag(event):
                raise _Refused(f"line {line}: YAML tags (!...) are not allowed; write plain values")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _Refused(f"line {line}: nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.load(text, Loader=_NoDuplicates)  # a SafeLoader
    except _Refused as refused:
        raise ConfigError(f"{where}: {refused}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"{where}: not valid YAML{at}") from None


def _explicit_tag(event: yaml.Event) -> bool:
    tag = getattr(event, "tag", None)
    if not tag:
        return False
    implicit = getattr(event, "implicit", True)
    return not (implicit is True or (isinstance(implicit, tuple) and any(implicit)))


def top_level(data: Any, where: str, allowed: Sequence[str], kind: str, word: str = "key") -> Mapping:
    """The top level of an untrusted file (a scenario, a profile): a mapping of `allowed`
    names only, with no interpolation anywhere; one line naming what is wrong otherwise."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: a {kind} is a mapping of {word}s; allowed: {', '.join(allowed)}")
    for key in data:
        if key not in allowed:
            raise ConfigError(f"{where}: {key_name(key)}: unknown {word}; allowed: {', '.join(allowed)}")
    no_interpolation(data, where)
    return data


def no_interpolation(data: Any, where: str, path: str = "") -> None:
    """Refuse `${...}` anywhere in a key or value: OmegaConf would resolve it."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            here = f"{path}.{key_name(key)}" if path else key_name(key)
            if isinstance(key, str) and "${" in key:
                raise ConfigError(
                    f"{where}: {here}: interpolations (${{...}}) are not allowed; write the value out"
                )
            no_interpolation(value, where, here)
    elif isinstance(data, (list, tuple)):
        for i, value in enumerate(data):
            no_interpolation(value, where, f"{path}[{i}]")
    elif isinstance(data, str) and "${" in data:
        raise ConfigError(f"{where}: {path or 'the file'}: interpolations (${{...}}) are not allowed; {OUT}")


def of_type(where: str, default: Any, value: Any, choices: Iterable[str] = ()) -> None:
    """A value of its parameter's type (given by the parameter's default): a mapping of names
    to numbers, a whole number, a number, true/false or text, and one of `choices` where
    given. The message names the key only, never the value."""
    choices = tuple(choices)
    if isinstance(default, dict):
        ok, kind = (
            isinstance(value, Mapping)
            and all(isinstance(k, str) and NAME.fullmatch(k) and is_number(v) for k, v in value.items()),
            "a mapping of names to numbers",
        )
    elif isinstance(default, bool):
        ok, kind = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        ok, kind = isinstance(value, int) and not isinstance(value, bool), "a whole number"
    elif isinstance(default, float):
        ok, kind = is_number(value), "a number"
    else:
        ok, kind = isinstance(value, str), "text"
    if not ok:
        raise ConfigError(f"{where}: must be {kind}")
    if choices and value not in choices:
        raise ConfigError(f"{where}: must be one of {', '.join(choices)}")


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
