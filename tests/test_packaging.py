"""The presets and the sweep's Hydra plugins ship inside the package: a plain `pip install .` works
from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_a_plain_install_runs_the_main_job_and_a_sweep_from_outside_the_repository(tmp_path):
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    assert (target / "sim" / "configs" / "regime" / "consumption.yaml").exists()
    env = {**os.environ, "PYTHONPATH": str(target)}
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [sys.executable, "-c", "import sim; print(sim.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(target))
    run = subprocess.run(
        [sys.executable, "-m", "sim", "org.n_employees=40", "org.weeks=16", "replicates=1", "compare=[]"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Token quota" in run.stdout
    assert list(work.glob("outputs/*/*/summary.parquet"))
    assert (target / "hydra_plugins" / "goodhart_sim" / "__init__.py").exists()
    sweep = subprocess.run(
        [sys.executable, "-m", "sim", "sweep", "org.n_employees=20", "org.weeks=6", "regime.start_week=2"]
        + ["replicates=1", "regime.pressure=0.2,0.4", "hydra.sweep.dir=s"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert sweep.returncode == 0, sweep.stderr[-2000:]
    assert "2 jobs run" in sweep.stderr
    assert len(list(work.glob("s/*/done"))) == 2
