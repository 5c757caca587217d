"""Shared helpers: small organisations, several seeds, summaries as a DataFrame."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from sim.core.burn_in_cache import ENV as CACHE_ENV
from sim.core.run import replicate_seeds, resolve, run_model

# Burned-in states go to a folder of this test session (shared by its workers and the
# commands they start), never into the user's cache; the process that made it removes it.
if CACHE_ENV not in os.environ:
    os.environ[CACHE_ENV] = tempfile.mkdtemp(prefix="goodhart-sim-test-cache-")
    atexit.register(shutil.rmtree, os.environ[CACHE_ENV], ignore_errors=True)

SEEDS = replicate_seeds(2026, 4)

# Debian's Chromium, started as this machine allows (no sandbox as root, no background
# networking: only loopback is reachable); Playwright cannot download browsers here.
CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).exists()), None)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SMALL = ["org.n_employees=300", "org.weeks=104"]


def summaries(overrides: list[str], seeds: list[int] = SEEDS, config_dirs=()) -> pd.DataFrame:
    """Summary rows of one configuration over several seeds."""
    cfg = resolve(None, [*SMALL, *overrides], config_dirs)
    return pd.DataFrame([run_model(cfg, seed=seed).summary for seed in seeds])


@pytest.fixture(scope="session")
def baseline() -> pd.DataFrame:
    return summaries(["regime=baseline"])


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python -m sim ARGS` in `cwd`, as a user would type it."""
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="session")
def main_job(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """The main job at a small size, run once for the whole session: (process, run folder)."""
    work = tmp_path_factory.mktemp("main_job")
    out = work / "run"
    done = run_cli("org.n_employees=120", "org.weeks=30", "replicates=2", f"hydra.run.dir={out}", cwd=work)
    return done, out
