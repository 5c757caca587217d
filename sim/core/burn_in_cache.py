"""The burn-in computed once: a burned-in organisation kept in memory and on disk.

Every run starts from an organisation that ran `org.burn_in_weeks` weeks with no metric. The
burn-in reads the organisation's parameters and the seed, never the regime (nobody is
scored during it), so runs that differ only in their policy or horizon start from the same
state: the main job's regimes, the report's scenarios, the validation's presets, a sweep's
points. The state is kept under a key that hashes what the burn-in reads (the config less the
regime and the horizon, the seed) and the model's code, so other model code never reads an
old entry. An entry is a NumPy `.npz` without pickles, with a checksum of its arrays: an
entry edited, truncated or unreadable is recomputed, never trusted. Entries are written to a
temporary file and renamed, so two processes filling one entry leave one whole entry.

`GOODHART_SIM_CACHE` sets the folder (default: the user's cache folder,
`~/.cache/goodhart-sim/burn-in`), or `off` to keep nothing on disk. The folder is kept under
`MAX_BYTES` by removing the entries used least recently.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import zipfile
from collections import OrderedDict
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

ENV = "GOODHART_SIM_CACHE"
MAX_BYTES = 2 * 1024**3
MEMORY_BYTES = 512 * 1024**2  # states kept in this process, the least recently used dropped first
# A state larger than this (an organisation of about 25,000 people or more) is kept on disk
# only: held in memory beside the running model, it would raise the run's peak memory.
MEMORY_ENTRY_BYTES = 32 * 1024**2
PRUNE_EVERY = 64  # saves between two looks at the folder's size (a study saves thousands)
META = "__meta__"
_memory: OrderedDict[str, dict[str, Any]] = OrderedDict()
_saves = 0


@functools.cache
def model_fingerprint() -> str:
    """A hash of the model's own code (the modules of `sim.model`): the same parameters give
    other results once a mechanism changes."""
    digest = hashlib.sha256()
    for module in sorted(resources.files("sim.model").iterdir(), key=lambda entry: entry.name):
        if module.name.endswith(".py"):
            digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()[:16]


def key(cfg: Any, seed: int, telemetry_at_start: bool) -> str:
    """What the burn-in reads: the config without the regime, the channels' knock-outs (they
    act from the policy's start week only), the horizon, the team's
    interdependence (it only bends scores) and what only the main job reads (seeds,
    replicates, comparisons, outputs); the seed; whether managers see
    telemetry in the steady week before it (a policy that starts at week 0 shows it)."""
    plain = asdict(cfg)
    for name in ("regime", "channels", "seed", "replicates", "compare", "output"):
        plain.pop(name, None)
    plain["org"].pop("weeks", None)
    plain["org"].pop("interdependence", None)  # read only by scores, and nobody is scored in it
    text = json.dumps(
        {"config": plain, "seed": int(seed), "telemetry_at_start": bool(telemetry_at_start)},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(f"{model_fingerprint()}\0{text}".encode()).hexdigest()[:32]


def folder() -> Path | None:
    """Where entries live, or None when the disk cache is off."""
    chosen = os.environ.get(ENV, "")
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "goodhart-sim" / "burn-in"


def known(entry: str) -> bool:
    """Whether a state may be kept under `entry` (in memory, or a file on disk: `load` checks it)."""
    if entry in _memory:
        return True
    where = folder()
    return where is not None and (where / f"{entry}.npz").is_file()


def load(entry: str) -> dict[str, Any] | None:
    """A state kept under `entry`, or None if there is none or it cannot be trusted."""
    if entry in _memory:
        _memory.move_to_end(entry)
        return _memory[entry]
    where = folder()
    if where is None:
        return None
    path = where / f"{entry}.npz"
    try:
        with np.load(path, allow_pickle=False) as stored:
            packed = {name: stored[name] for name in stored.files}
        meta = json.loads(str(packed.pop(META)))
        arrays = unpack(packed, meta["index"])
        if meta.get("checksum") != checksum(arrays) or meta.get("key") != entry:
            return None
        os.utime(path)  # used now: the last to be pruned
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError, json.JSONDecodeError):
        return None
    state = {"arrays": arrays, "meta": meta}
    _remember(entry, state)
    return state


def save(entry: str, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Keep a state under `entry`, in memory and, when the disk cache is on, atomically on disk.
    `arrays` may be views of a running model: what is kept in memory is copied."""
    meta = {**meta, "key": entry, "checksum": checksum(arrays)}
    _remember(entry, {"arrays": arrays, "meta": meta})
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=f".{entry}.", suffix=".npz")
        try:
            packed, index = pack(arrays)
            with os.fdopen(fd, "wb") as file:
                described = np.array(json.dumps({**meta, "index": index}))
                np.savez(file, **{**packed, META: described})  # type: ignore[arg-type]
            os.replace(tmp, where / f"{entry}.npz")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        global _saves
        if _saves % PRUNE_EVERY == 0:
            prune(where)
        _saves += 1
    except OSError:
        return  # a cache that cannot be written is only slower


def pack(arrays: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], list]:
    """The arrays as one flat array per dtype (a file member costs more than its bytes),
    and where each one lies in it."""
    by_dtype: dict[str, list[np.ndarray]] = {}
    index = []
    for name in sorted(arrays):
        value = np.asarray(arrays[name])
        parts = by_dtype.setdefault(value.dtype.str, [])
        member = f"part{list(by_dtype).index(value.dtype.str)}"
        index.append([name, member, sum(part.size for part in parts), list(value.shape)])
        parts.append(value.ravel())
    return {f"part{k}": np.concatenate(parts) for k, parts in enumerate(by_dtype.values())}, index


def unpack(packed: dict[str, np.ndarray], index: list) -> dict[str, np.ndarray]:
    arrays = {}
    for name, member, offset, shape in index:
        size = int(np.prod(shape, dtype=np.int64))
        flat = packed[member][offset : offset + size]
        if flat.size != size:
            raise ValueError(f"{name}: cut short")
        arrays[name] = flat.reshape(shape)
    return arrays


def checksum(arrays: dict[str, np.ndarray]) -> str:
    digest = hashlib.sha256()
    for name in sorted(arrays):
        value = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}\0{value.dtype.str}\0{value.shape}\0".encode())
        digest.update(value.tobytes())
    return digest.hexdigest()


def prune(where: Path, max_bytes: int = MAX_BYTES) -> None:
    """Remove the entries used least recently until the folder holds at most `max_bytes`."""
    entries = []
    for path in where.glob("*.npz"):
        try:
            entries.append((path.stat().st_mtime, path.stat().st_size, path))
        except OSError:
            continue
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size


def forget() -> None:
    """Drop the states kept in this process (the disk's stay)."""
    _memory.clear()


def _remember(entry: str, state: dict[str, Any]) -> None:
    if sum(a.nbytes for a in state["arrays"].values()) > MEMORY_ENTRY_BYTES:
        return
    state = {**state, "arrays": {name: np.array(a, copy=True) for name, a in state["arrays"].items()}}
    _memory[entry] = state
    _memory.move_to_end(entry)
    size = lambda kept: sum(a.nbytes for a in kept["arrays"].values())  # noqa: E731
    while len(_memory) > 1 and sum(size(kept) for kept in _memory.values()) > MEMORY_BYTES:
        _memory.popitem(last=False)
