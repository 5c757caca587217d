"""Running the model from Python: `simulate` returns the tables of one run."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from sim.core.checks import ConfigError, check
from sim.core.config import Config
from sim.core.outputs import config_yaml, summarise, write_table, write_text
from sim.core.presets import GROUPS, as_config, load_config, load_regime
from sim.model import OrgModel


@dataclass
class RunResult:
    """The tables of one run, as in the data contract (docs/data-contract.md)."""

    weekly: pd.DataFrame  # one row per week
    employees: pd.DataFrame  # one row per person who ever worked there
    summary: pd.Series  # one row for the run
    config: Config

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


def run_model(cfg: Config, seed: int | None = None) -> RunResult:
    """Run one organisation for `org.weeks` weeks."""
    seed = cfg.seed if seed is None else seed
    model = OrgModel(cfg, rng=seed)
    for _ in range(cfg.org.weeks):
        model.step()
    weekly = model.weekly()
    employees = pd.DataFrame(model.employee_records())
    facts = {
        "start_week": cfg.regime.start_week,
        "departure_cost": model.departure_cost,
        "at_risk": model.at_risk,
        "quit_counts": model.quit_counts,
        "metric_alignment": model.alignment,
    }
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
