"""Runs that end badly: killed writers, damaged results, corrupt job folders, a sweep stopped
with Ctrl-C or losing a worker. Whatever happens, what is on disk says what is complete."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from sim.core.compare import DONE as RUN_DONE
from sim.core.compare import main_job
from sim.core.outputs import write_table
from sim.core.run import resolve
from sim.studies.collect import collect, report
from sim.studies.sweep import DONE, FAILED, RUNNING, compose_jobs, run_job

TINY = ["org.n_employees=20", "org.weeks=6", "regime.start_week=2", "replicates=1"]


def test_the_main_job_writes_its_completion_marker_last(tmp_path):
    cfg = resolve(None, [*TINY, "compare=[]", "output.figure=false"])
    out = main_job(cfg, tmp_path)
    marker = json.loads((out / RUN_DONE).read_text())
    tables = ["weekly.parquet", "employees.parquet", "summary.parquet", "ai_effect.parquet"]
    assert marker["files"] == [*tables, "config.yaml"]
    assert marker["regimes"] == ["baseline", "consumption", "baseline_no_ai"] and marker["runs"] == 3
    newest = max(out.glob("*"), key=lambda p: p.stat().st_mtime_ns)
    assert newest.name == RUN_DONE


def test_stale_part_files_of_a_killed_writer_are_removed_on_the_next_write(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = [
        tmp_path / f".weekly.parquet.{dead.stdout.strip()}.abc123.part",
        tmp_path / ".weekly.parquet.x1.part",
    ]
    live = tmp_path / f".weekly.parquet.{os.getppid()}.def456.part"  # a writer still running
    other = tmp_path / ".summary.parquet.x2.part"  # another file's: left for its own next write
    for path in [*stale, live, other]:
        path.write_bytes(b"half a table")
    write_table(pd.DataFrame({"week": [1, 2]}), tmp_path / "weekly.parquet")
    assert not any(p.exists() for p in stale)
    assert live.exists() and other.exists()
    assert pd.read_parquet(tmp_path / "weekly.parquet")["week"].tolist() == [1, 2]


def test_a_job_whose_results_were_damaged_is_run_again(tmp_path):
    [config] = compose_jobs([TINY])
    assert run_job(config, tmp_path).status == "done"
    assert not (tmp_path / RUNNING).exists()
    assert run_job(config, tmp_path).status == "skipped"
    summary = tmp_path / "summary.parquet"
    summary.write_bytes(summary.read_bytes()[:100])  # truncated after the job finished
    assert run_job(config, tmp_path).status == "done"
    assert len(pd.read_parquet(summary)) == 1


def fake_sweep(folder: Path) -> None:
    """A sweep folder as Hydra leaves it: one good job, and one per corrupt Hydra file."""
    [config] = compose_jobs([TINY])
    for name in ("good", "bad_overrides", "bad_config"):
        job = folder / name
        (job / ".hydra").mkdir(parents=True)
        (job / ".hydra" / "overrides.yaml").write_text("- regime.pressure=0.5\n")
        run_job(config, job, overrides=["regime.pressure=0.5"])
    (folder / "bad_overrides" / ".hydra" / "overrides.yaml").write_text("- [unclosed\n")
    (folder / "bad_config" / ".hydra" / "config.yaml").write_bytes(b"\xff\xfe: [")


def test_collect_reports_corrupt_job_folders_and_goes_on(tmp_path):
    fake_sweep(tmp_path)
    (tmp_path / "multirun.yaml").write_text("hydra: [unclosed\n")
    tables = collect(tmp_path)
    status = tables.jobs.set_index("job")["status"]
    assert status.to_dict() == {"bad_config": "failed", "bad_overrides": "failed", "good": "done"}
    errors = tables.jobs.set_index("job")["error"]
    assert "overrides.yaml" in errors["bad_overrides"] and "config.yaml" in errors["bad_config"]
    assert len(tables.runs) == 1 and set(tables.runs["job"]) == {"good"}
    assert "multirun.yaml is corrupt" in report(tables)


# -- whole sweeps, in a process of their own ------------------------------------------------

SLOW = ["org.n_employees=300", "org.weeks=40", "replicates=2", "regime.pressure=0.1,0.5,0.9"]


def start_sweep(folder: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim.studies.sweep",
            *args,
            f"hydra.sweep.dir={folder}",
            "hydra.launcher.n_jobs=2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
        # As from a terminal: a suite started in the background (`make test &`) inherits
        # SIGINT ignored, and Python then never turns Ctrl-C into KeyboardInterrupt.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def first_running_job(folder: Path, timeout: float = 240) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        for marker in folder.glob(f"*/{RUNNING}"):
            try:
                return json.loads(marker.read_text()) | {"job": marker.parent}
            except ValueError:
                pass
        time.sleep(0.2)
    raise AssertionError("no job started")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] != "Z"  # a zombie is gone


def test_ctrl_c_stops_the_workers_and_prints_how_to_resume(tmp_path):
    folder = tmp_path / "sweep"
    sweep = start_sweep(folder, *SLOW)
    worker = first_running_job(folder)["pid"]
    os.killpg(sweep.pid, signal.SIGINT)
    _, err = sweep.communicate(timeout=120)
    assert sweep.returncode == 130, err
    assert "sweep interrupted after" in err and "Traceback" not in err
    assert f"to resume (finished jobs are skipped): python -m sim sweep {' '.join(SLOW)}" in err
    time.sleep(1)
    assert not alive(worker)


def test_a_dying_worker_costs_only_a_rerun_of_its_job_and_a_killed_sweep_leaves_no_worker(tmp_path):
    folder = tmp_path / "sweep"
    sweep = start_sweep(folder, *SLOW)
    victim = first_running_job(folder)
    os.kill(victim["pid"], signal.SIGKILL)  # as the out-of-memory killer would
    _, err = sweep.communicate(timeout=600)
    assert "a worker process died" in err and "Traceback" not in err
    assert sweep.returncode == 0, err
    assert len(list(folder.glob(f"*/{DONE}"))) == 3 and not list(folder.glob(f"*/{FAILED}"))
    # Killing the sweep process itself takes its workers down with it.
    again = start_sweep(tmp_path / "other", *SLOW)
    worker = first_running_job(tmp_path / "other")["pid"]
    again.kill()
    again.communicate(timeout=60)
    deadline = time.time() + 10
    while alive(worker) and time.time() < deadline:
        time.sleep(0.2)
    assert not alive(worker)
