"""Shared helpers: small organisations, several seeds, summaries as a DataFrame."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.run import replicate_seeds, resolve, run_model

SEEDS = replicate_seeds(2026, 4)
SMALL = ["org.n_employees=300", "org.weeks=104"]


def summaries(overrides: list[str], seeds: list[int] = SEEDS, config_dirs=()) -> pd.DataFrame:
    """Summary rows of one configuration over several seeds."""
    cfg = resolve(None, [*SMALL, *overrides], config_dirs)
    return pd.DataFrame([run_model(cfg, seed=seed).summary for seed in seeds])


@pytest.fixture(scope="session")
def baseline() -> pd.DataFrame:
    return summaries(["regime=baseline"])
