"""The same sweep on a cluster by changing the launcher only: Ray, and submitit (SLURM's).

Both launchers come with the `cluster` extra (`pip install -e ".[cluster]"`); without it
these tests are skipped and say so.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.studies.collect import collect

from .test_sweep import sweep_cli

GRID = ["regime=consumption", "regime.pressure=0.3,0.7", "org.n_employees=40", "org.weeks=14", "replicates=2"]
NO_EXTRA = "needs the `cluster` extra: pip install -e '.[cluster]'"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_two_jobs_of_two_runs(folder: Path) -> pd.DataFrame:
    tables = collect(folder)
    assert list(tables.jobs["status"]) == ["done", "done"]
    assert sorted(tables.runs["regime_pressure"]) == [0.3, 0.3, 0.7, 0.7]
    assert len(tables.weekly) == 4 * 14
    return tables.runs


@pytest.fixture
def ray_head():
    """A Ray head of our own on 127.0.0.1, stopped with its whole process group afterwards."""
    pytest.importorskip("hydra_plugins.hydra_ray_launcher", reason=f"hydra-ray-launcher absent: {NO_EXTRA}")
    ray = shutil.which("ray", path=str(Path(sys.executable).parent)) or shutil.which("ray")
    if ray is None:
        pytest.skip(f"the `ray` command is absent: {NO_EXTRA}")
    port = free_port()
    # Ray replaces 127.0.0.1 with the machine's network address unless told that this is a
    # single-machine cluster; its socket paths must also stay short, hence a short temp dir.
    env = {
        **os.environ,
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
        "RAY_USAGE_STATS_ENABLED": "0",
        "RAY_DISABLE_DOCKER_CPU_WARNING": "1",
    }
    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")
    head = subprocess.Popen(
        [
            ray,
            "start",
            "--head",
            "--block",
            "--node-ip-address=127.0.0.1",
            f"--port={port}",
            "--num-cpus=2",
            "--include-dashboard=false",
            f"--temp-dir={temp}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    address = f"127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:  # wait until the head's port answers
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if head.poll() is not None:
                pytest.fail("the Ray head stopped at start")
            time.sleep(0.5)
    else:
        os.killpg(head.pid, signal.SIGKILL)
        pytest.fail("the Ray head did not answer within 90 s")
    yield address, env
    head.terminate()  # `ray start --block` stops the processes it started
    try:
        head.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(head.pid, signal.SIGKILL)
    shutil.rmtree(temp, ignore_errors=True)


def test_the_ray_launcher_runs_the_sweep_on_a_local_ray_head(ray_head, tmp_path):
    address, env = ray_head
    folder = tmp_path / "sweep"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.studies.sweep",
            "--multirun",
            *GRID,
            "hydra/launcher=ray_cluster",
            f"hydra.launcher.ray.init.address={address}",
            f"hydra.sweep.dir={folder}",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 jobs run, 0 skipped (done earlier), 0 failed" in done.stderr
    runs = check_two_jobs_of_two_runs(folder)
    # The same seeds give the same results as on local cores.
    local = tmp_path / "local"
    assert sweep_cli(*GRID, "hydra/launcher=basic", f"hydra.sweep.dir={local}", cwd=tmp_path).returncode == 0
    columns = ["regime_pressure", "seed", "durable_value_per_head", "theater_share", "burnout_share"]
    ordered = runs[columns].sort_values(["regime_pressure", "seed"]).reset_index(drop=True)
    expected = collect(local).runs[columns].sort_values(["regime_pressure", "seed"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(ordered, expected)


def test_the_submitit_local_executor_runs_the_sweep(tmp_path):
    pytest.importorskip(
        "hydra_plugins.hydra_submitit_launcher", reason=f"hydra-submitit-launcher absent: {NO_EXTRA}"
    )
    folder = tmp_path / "sweep"
    done = sweep_cli(
        "--multirun",
        *GRID,
        "hydra/launcher=submitit_local",
        "hydra.launcher.timeout_min=10",
        f"hydra.sweep.dir={folder}",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 jobs run, 0 skipped (done earlier), 0 failed" in done.stderr
    check_two_jobs_of_two_runs(folder)


def test_the_slurm_config_composes_with_the_sweep(tmp_path):
    """SLURM itself is not here: the config must compose and name the submitit launcher."""
    pytest.importorskip(
        "hydra_plugins.hydra_submitit_launcher", reason=f"hydra-submitit-launcher absent: {NO_EXTRA}"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.studies.sweep",
            "hydra/launcher=slurm",
            "hydra.launcher.partition=work",
            "--cfg",
            "hydra",
            "--package",
            "hydra.launcher",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "SlurmLauncher" in done.stdout and "partition: work" in done.stdout
    assert "timeout_min: 30" in done.stdout
