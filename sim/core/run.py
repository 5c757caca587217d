"""Running the model from Python: `simulate` returns the tables of one run."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from sim.core.checks import ConfigError, check
from sim.core.config import Config
from sim.core.outputs import config_yaml, summarise, write_table, write_text
from sim.core.presets import GROUPS, as_config, load_config, load_regime

if TYPE_CHECKING:
    from sim.model.organisation import Organisations

# What a caller reads from a batch's model when its horizon ends (`simulate_batch(final=...)`):
# the engine and the run's index in it, returning figures the tables do not carry.
FinalState = Callable[["Organisations", int], dict[str, float]]

# Runs stepped together at most: enough to pay a week's Python overhead once for many runs,
# few enough that a batch's arrays stay in the processor's cache (measured: experiments/benchmark.py).
BATCH_SLOTS = 16_384


@dataclass
class RunResult:
    """The tables of one run, as in the data contract (docs/data-contract.md)."""

    weekly: pd.DataFrame  # one row per week
    employees: pd.DataFrame  # one row per person who ever worked there
    summary: pd.Series  # one row for the run
    config: Config
    final: dict[str, float] = field(default_factory=dict)  # what `simulate_batch(final=...)` read

    def save(self, folder: str | Path, fmt: str = "parquet") -> list[Path]:
        folder = Path(folder)
        suffix = ".parquet" if fmt == "parquet" else ".csv"
        return [
            write_table(self.weekly, folder / f"weekly{suffix}", "weekly"),
            write_table(self.employees, folder / f"employees{suffix}", "employees"),
            write_table(self.summary.to_frame().T, folder / f"summary{suffix}", "summary"),
            write_text(config_yaml(self.config), folder / "config.yaml"),
        ]


def resolve(
    config: Config | DictConfig | dict | None = None,
    overrides: Sequence[str] = (),
    config_dirs: Iterable[str | Path] = (),
) -> Config:
    """A checked Config from a config and/or Hydra-style override strings.

    Without a config, the overrides are composed like the command line's
    (`["regime=consumption", "regime.pressure=0.8"]`). With one, `group=name` overrides
    load a preset and dotted ones set values.
    """
    if config is None:
        return as_config(load_config(overrides, config_dirs))
    node = OmegaConf.structured(as_config(config))
    for override in overrides:
        key, _, value = override.partition("=")
        if key in GROUPS:
            node[key] = load_regime(value, config_dirs)
        else:
            try:
                OmegaConf.update(node, key, OmegaConf.create({"v": value}).v if value else value, merge=True)
            except Exception as error:  # OmegaConf validation: report the key
                raise ConfigError(f"{key}={value}: {str(error).splitlines()[0]}") from None
    cfg = as_config(node)
    check(cfg)
    return cfg


def with_values(cfg: Config, values: Mapping[str, float]) -> Config:
    """A checked copy of `cfg` with dotted numeric keys set: far cheaper than composing again.

    The keys come from our own parameter tables; each must name an existing numeric value.
    """
    cfg = copy.deepcopy(cfg)
    for key, value in values.items():
        *path, leaf = key.split(".")
        node = cfg
        for part in path:
            node = node[part] if isinstance(node, dict) else getattr(node, part)
        old = node[leaf] if isinstance(node, dict) else getattr(node, leaf)
        if isinstance(old, bool) or not isinstance(old, (int, float)):
            raise TypeError(f"{key}: not a numeric parameter")
        new = type(old)(value)
        if isinstance(node, dict):
            node[leaf] = new
        else:
            setattr(node, leaf, new)
    check(cfg)
    return cfg


def run_model(cfg: Config, seed: int | None = None) -> RunResult:
    """Run one organisation for `org.weeks` weeks, as a Mesa model."""
    from sim.model import OrgModel  # Mesa, imported only by what runs a Mesa model

    seed = cfg.seed if seed is None else seed
    model = OrgModel(cfg, rng=seed)
    for _ in range(cfg.org.weeks):
        model.step()
    return _result(cfg, seed, model.weekly(), model.employee_records(), model.facts())


def simulate_batch(
    configs: Sequence[Config],
    seeds: Sequence[int] | None = None,
    *,
    batch_slots: int = BATCH_SLOTS,
    final: FinalState | None = None,
) -> list[RunResult]:
    """Run many organisations (parameter points and seeds) together; one result per config,
    in order, each the same tables as `run_model(config, seed)` gives alone, bit for bit.

    Runs that share their structure (`sim.model.runs.structure`: horizon, burn-in, gaming
    repertoire, ...), under whatever regimes, advance together in one vectorised model, at
    most `batch_slots` posts at a time, so each week's Python overhead is paid once for the
    batch. `seeds`
    default to each config's own seed. `final(engine, run)`, if given, reads what the tables
    do not carry from the model when the horizon ends (managers' impressions, last week's
    work); each run's figures land in its result's `final`."""
    from sim.core import burn_in_cache
    from sim.model.organisation import Organisations, burn_in_key
    from sim.model.runs import structure, unlabelled

    configs = list(configs)
    seeds = [c.seed for c in configs] if seeds is None else list(seeds)
    if len(seeds) != len(configs):
        raise ValueError(f"simulate_batch: {len(configs)} configs but {len(seeds)} seeds")
    # Runs whose burn-in is computed here go first, one run per burn-in; the runs that share
    # it (other regimes of the same organisation and seed) then start from the cache.
    first, later, planned = [], [], set()
    for k, cfg in enumerate(configs):
        telemetry = bool(cfg.regime.weights) and cfg.regime.start_week <= 0 and cfg.regime.telemetry_visible
        entry = burn_in_key(cfg, seeds[k], telemetry)
        if entry is not None and (entry in planned or burn_in_cache.known(entry)):
            later.append(k)
        else:
            first.append(k)
            if entry is not None:
                planned.add(entry)
    results: list[RunResult | None] = [None] * len(configs)
    for stage in (first, later):
        groups: dict[tuple, list[int]] = {}
        for k in stage:
            groups.setdefault(structure(configs[k]), []).append(k)
        for members in groups.values():
            # Runs under one regime next to each other (`sim.model.organisation.regime_parts`).
            regime_of = {k: repr(unlabelled(configs[k].regime)) for k in members}
            first_seen = {key: n for n, key in reversed(list(enumerate(regime_of.values())))}
            members = sorted(members, key=lambda k: first_seen[regime_of[k]])
            for batch in _batches(members, [configs[k].org.n_employees for k in members], batch_slots):
                cfgs = [configs[k] for k in batch]
                generators = [np.random.default_rng(seeds[k]) for k in batch]
                engine = Organisations(cfgs, generators, [seeds[k] for k in batch])
                weeks = [engine.week_columns]
                for week in range(cfgs[0].org.weeks):
                    engine._week(week)
                    weeks.append(engine.week_columns)
                columns = {name: np.stack([w[name] for w in weeks]) for name in engine.weekly_columns}
                for r, k in enumerate(batch):
                    weekly = _weekly_table({name: values[:, r] for name, values in columns.items()})
                    records = engine.employee_records(r)
                    result = _result(configs[k], seeds[k], weekly, records, engine.facts(r))
                    if final is not None:
                        result.final = final(engine, r)
                    results[k] = result
    return [r for r in results if r is not None]


def _batches(members: list[int], sizes: list[int], batch_slots: int) -> list[list[int]]:
    """Consecutive runs of a group, at most `batch_slots` posts a batch (at least one run)."""
    out: list[list[int]] = [[]]
    slots = 0
    for k, size in zip(members, sizes, strict=True):
        if out[-1] and slots + size > batch_slots:
            out.append([])
            slots = 0
        out[-1].append(k)
        slots += size
    return out


def _weekly_table(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The weeks as OrgModel's DataCollector tables them (its first row, the initial state,
    dropped as `OrgModel.weekly` drops it)."""
    table = pd.DataFrame(columns)
    return table.iloc[1:].reset_index(drop=True)


def _result(cfg: Config, seed: int, weekly: pd.DataFrame, records: dict, facts: dict) -> RunResult:
    employees = pd.DataFrame(records)
    facts = {"start_week": cfg.regime.start_week, **facts}
    summary = {
        "regime": cfg.regime.name,
        "label": cfg.regime.label,
        "pressure": cfg.regime.pressure,
        "seed": seed,
        "n_employees": cfg.org.n_employees,
        "weeks": cfg.org.weeks,
    }
    summary.update(summarise(weekly, employees, facts))
    return RunResult(weekly=weekly, employees=employees, summary=pd.Series(summary), config=cfg)


def simulate(
    config: Config | DictConfig | dict | None = None,
    overrides: Sequence[str] = (),
    *,
    config_dirs: Iterable[str | Path] = (),
) -> RunResult:
    """Run the model once and return its weekly, per-employee and summary tables.

    >>> result = simulate(overrides=["regime=consumption", "org.n_employees=200"])
    >>> result.summary["theater_share"]
    """
    cfg = resolve(config, overrides, config_dirs)
    return run_model(cfg)


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Independent seeds for replicate runs, derived from one seed with SeedSequence."""
    children = np.random.SeedSequence(seed).spawn(replicates)
    return [int(child.generate_state(1)[0]) for child in children]
