"""Collecting a sweep that went wrong: failed, interrupted and never-started jobs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim.studies.collect import collect
from sim.studies.sweep import DONE, FAILED

from .test_sweep import collect_cli, sweep_cli

# behaviour.min_hours=50 with behaviour.max_hours=40 is not allowed, and only that pair of
# values is: each value is fine on its own, so the sweep starts and that one job fails.
GRID = ["behaviour.min_hours=30,50", "behaviour.max_hours=60,40"]
SMALL = ["org.n_employees=30", "org.weeks=14", "replicates=2", "hydra/launcher=basic"]


@pytest.fixture(scope="module")
def broken_sweep(tmp_path_factory) -> tuple:
    """A 2 x 2 sweep with one failing job; then one job's results lost, one folder removed."""
    work = tmp_path_factory.mktemp("broken")
    folder = work / "sweep"
    done = sweep_cli(*GRID, *SMALL, f"hydra.sweep.dir={folder}", cwd=work)
    return done, folder


def job(folder: Path, min_hours: int, max_hours: int) -> Path:
    return folder / f"behaviour.max_hours={max_hours},behaviour.min_hours={min_hours},{','.join(SMALL[:3])}"


def test_a_failed_job_lets_the_others_finish_and_the_sweep_exits_1(broken_sweep):
    done, folder = broken_sweep
    assert done.returncode == 1
    assert "3 jobs run, 0 skipped (done earlier), 1 failed" in done.stderr
    assert "behaviour.min_hours=50.0: must be below behaviour.max_hours (40.0)" in done.stderr
    assert (job(folder, 50, 40) / FAILED).exists() and not (job(folder, 50, 40) / DONE).exists()
    assert len(list(folder.glob(f"*/{DONE}"))) == 3


def test_collect_keeps_the_other_rows_and_reports_the_failure(broken_sweep):
    _, folder = broken_sweep
    out = folder.parent / "tables"
    done = collect_cli(str(folder), "--out", str(out), cwd=folder.parent)
    assert done.returncode == 0, done.stderr
    assert "6 runs from 3 finished jobs of 4" in done.stdout
    assert "1 failed:" in done.stdout and "must be below behaviour.max_hours" in done.stdout
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 6
    pairs = set(zip(runs["behaviour_min_hours"], runs["behaviour_max_hours"], strict=True))
    assert pairs == {(30.0, 60.0), (30.0, 40.0), (50.0, 60.0)}
    jobs = pd.read_parquet(out / "jobs.parquet").set_index("job")
    assert jobs.loc[job(folder, 50, 40).name, "status"] == "failed"
    assert (jobs["status"] == "done").sum() == 3
    strict = collect_cli(str(folder), "--out", str(out), "--strict", cwd=folder.parent)
    assert strict.returncode == 1


def test_collect_reports_interrupted_and_never_started_jobs(broken_sweep, tmp_path):
    _, original = broken_sweep
    folder = tmp_path / "sweep"
    shutil.copytree(original, folder)
    (job(folder, 30, 40) / DONE).unlink()  # killed before it finished
    shutil.rmtree(job(folder, 50, 60))  # the sweep stopped before it started
    tables = collect(folder)
    status = tables.jobs.set_index("job")["status"]
    assert status[job(folder, 30, 60).name] == "done"
    assert status[job(folder, 30, 40).name] == "unfinished"
    assert status[job(folder, 50, 60).name] == "not started"
    assert status[job(folder, 50, 40).name] == "failed"
    assert len(tables.runs) == 2 and len(tables.weekly) == 2 * 14
    assert len(tables.problems()) == 3


def test_a_restarted_broken_sweep_runs_only_what_did_not_finish(broken_sweep, tmp_path):
    _, original = broken_sweep
    folder = tmp_path / "sweep"
    shutil.copytree(original, folder)
    (job(folder, 30, 40) / DONE).unlink()
    shutil.rmtree(job(folder, 50, 60))
    again = sweep_cli(*GRID, *SMALL, f"hydra.sweep.dir={folder}", cwd=tmp_path)
    assert again.returncode == 1  # the impossible pair fails again
    assert "2 jobs run, 1 skipped (done earlier), 1 failed" in again.stderr
    assert len(collect(folder).runs) == 6


def test_collect_of_a_folder_that_is_no_sweep_is_one_line_and_exit_2(tmp_path):
    done = collect_cli(str(tmp_path / "nothing"), cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "nothing" in lines[0]
    empty = collect_cli(str(tmp_path), cwd=tmp_path)
    assert empty.returncode == 2 and "not a sweep folder" in empty.stderr
