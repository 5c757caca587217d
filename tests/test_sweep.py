"""Sweeps through the command line: a small grid, its tables, resuming, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.core.outputs import WEEKLY_COLUMNS
from sim.core.run import replicate_seeds, resolve, run_model
from sim.studies.sweep import DONE, config_hash, job_dir_name

SMALL = ["regime=token_leaderboard", "org.n_employees=60", "org.weeks=26", "replicates=2", "seed=5"]


def sweep_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python -m sim sweep ARGS`, as a user would type it."""
    return subprocess.run(
        [sys.executable, "-m", "sim.studies.sweep", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def collect_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.studies.collect", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """Two pressures x two seeds on all local cores, then collected: (sweep process, folder)."""
    work = tmp_path_factory.mktemp("sweep")
    folder = work / "sweep"
    done = sweep_cli("--multirun", *SMALL, "regime.pressure=0.2,0.8", f"hydra.sweep.dir={folder}", cwd=work)
    return done, folder


@pytest.fixture(scope="module")
def collected(small_sweep) -> tuple[subprocess.CompletedProcess, pd.DataFrame, pd.DataFrame]:
    _, folder = small_sweep
    done = collect_cli(str(folder), cwd=folder.parent)
    return done, pd.read_parquet(folder / "runs.parquet"), pd.read_parquet(folder / "weekly.parquet")


def test_a_sweep_runs_every_job_and_says_where_the_results_are(small_sweep):
    done, folder = small_sweep
    assert done.returncode == 0, done.stderr
    assert "2 jobs run, 0 skipped (done earlier), 0 failed" in done.stderr
    assert f"python -m sim collect {folder}" in done.stderr
    jobs = sorted(p.parent.name for p in folder.glob(f"*/{DONE}"))
    assert len(jobs) == 2 and all("regime.pressure=" in name for name in jobs)


def test_a_non_interactive_sweep_prints_progress_lines_and_no_bars(small_sweep):
    done, _ = small_sweep
    assert "sweep: 2/2 jobs finished" in done.stderr
    assert "run/s" not in done.stderr and "\r" not in done.stderr
    assert "Launching" not in done.stderr + done.stdout  # Hydra's list of jobs stays quiet


def test_collect_gives_one_row_per_run_with_parameters_and_summary(collected):
    done, runs, _ = collected
    assert done.returncode == 0, done.stderr
    assert "4 runs from 2 finished jobs of 2" in done.stdout
    assert len(runs) == 4
    for column in ("job", "config_hash", "regime_pressure", "replicates", "org_n_employees", "config_seed"):
        assert column in runs.columns
    for column in ("regime", "seed", "replicate", "durable_value_per_head", "theater_share", "burnout_share"):
        assert column in runs.columns
    assert sorted(runs["regime_pressure"]) == [0.2, 0.2, 0.8, 0.8]
    assert (runs["pressure"] == runs["regime_pressure"]).all()
    assert set(runs["regime"]) == {"token_leaderboard"}
    assert (runs["config_seed"] == 5).all() and (runs["org_n_employees"] == 60).all()
    seeds = replicate_seeds(5, 2)
    for _, group in runs.groupby("job"):
        assert list(group.sort_values("replicate")["seed"]) == seeds


def test_collected_values_are_the_runs_own(collected):
    """Same seed, same output: a row equals the run made directly from Python."""
    _, runs, weekly = collected
    row = runs[(runs["regime_pressure"] == 0.8) & (runs["replicate"] == 1)].iloc[0]
    cfg = resolve(None, [*SMALL, "regime.pressure=0.8"])
    direct = run_model(cfg, seed=int(row["seed"]))
    for column in ("durable_value_per_head", "theater_share", "burnout_share", "attrition", "metric_index"):
        assert row[column] == pytest.approx(direct.summary[column], rel=1e-12, nan_ok=True)
    series = weekly[(weekly["job"] == row["job"]) & (weekly["seed"] == row["seed"])].sort_values("week")
    assert list(series["share_theater"]) == pytest.approx(list(direct.weekly["share_theater"]))


def test_the_weekly_table_is_long_one_row_per_run_and_week(collected):
    _, _, weekly = collected
    assert len(weekly) == 4 * 26
    assert set(WEEKLY_COLUMNS) <= set(weekly.columns)
    assert weekly.groupby(["job", "seed"]).size().eq(26).all()
    assert weekly.groupby(["job", "seed"])["week"].apply(lambda w: sorted(w) == list(range(26))).all()


def test_a_second_run_of_a_finished_sweep_recomputes_nothing(small_sweep, collected):
    _, folder = small_sweep
    files = sorted(folder.glob("*/summary.parquet")) + sorted(folder.glob(f"*/{DONE}"))
    before = {f: (f.stat().st_mtime_ns, f.read_bytes()) for f in files}
    again = sweep_cli(
        "--multirun", *SMALL, "regime.pressure=0.2,0.8", f"hydra.sweep.dir={folder}", cwd=folder.parent
    )
    assert again.returncode == 0, again.stderr
    assert "0 jobs run, 2 skipped (done earlier), 0 failed" in again.stderr
    assert {f: (f.stat().st_mtime_ns, f.read_bytes()) for f in files} == before


def test_an_extended_sweep_runs_only_the_new_configurations(tmp_path):
    folder = tmp_path / "sweep"
    args = ["org.n_employees=30", "org.weeks=14", "replicates=1", f"hydra.sweep.dir={folder}"]
    first = sweep_cli("regime.pressure=0.3", *args, "hydra/launcher=basic", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    more = sweep_cli("regime.pressure=0.3,0.6", *args, "hydra/launcher=basic", cwd=tmp_path)
    assert more.returncode == 0, more.stderr
    assert "1 jobs run, 1 skipped (done earlier), 0 failed" in more.stderr


@pytest.mark.parametrize(
    "args, key",
    [
        (["regime.pressure=0.5,1.5"], "regime.pressure"),
        (["regime=consumption,no_such_regime"], "regime=no_such_regime"),
        (["org.no_such_parameter=1,2"], "org.no_such_parameter"),
        (["org.n_employees=many"], "org.n_employees"),
    ],
)
def test_bad_sweep_input_exits_non_zero_with_one_line_before_anything_runs(tmp_path, args, key):
    done = sweep_cli(
        "org.weeks=5",
        "regime.start_week=2",
        "org.n_employees=20",
        *args,
        f"hydra.sweep.dir={tmp_path}/s",
        cwd=tmp_path,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and key in lines[0] and lines[0].startswith("error:")
    assert not (tmp_path / "s").exists()


def test_the_config_hash_follows_the_results_not_the_outputs():
    cfg = resolve(None, ["regime=consumption"])
    same = resolve(None, ["regime=consumption", "output.format=csv", "output.figure=false"])
    other = resolve(None, ["regime=consumption", "regime.pressure=0.6"])
    more_seeds = resolve(None, ["regime=consumption", "replicates=4"])
    assert config_hash(cfg) == config_hash(same)
    assert len({config_hash(cfg), config_hash(other), config_hash(more_seeds)}) == 3


def test_long_job_names_are_shortened_and_stay_unique():
    long_a = ",".join(f"behaviour.parameter_{i}=0.{i}" for i in range(20))
    long_b = long_a.replace("0.19", "0.18")
    assert job_dir_name("regime.pressure=0.5,regime=consumption") == "regime.pressure=0.5,regime=consumption"
    assert len(job_dir_name(long_a)) <= 120 and job_dir_name(long_a) != job_dir_name(long_b)
    assert job_dir_name("") == "defaults" and "/" not in job_dir_name("output.dir=a/b")


def test_a_done_marker_names_the_config_and_seeds(small_sweep):
    _, folder = small_sweep
    marker = json.loads(next(folder.glob(f"*/{DONE}")).read_text())
    assert marker["seeds"] == replicate_seeds(5, 2) and marker["runs"] == 2
    assert len(marker["config_hash"]) == 16 and "regime=token_leaderboard" in marker["overrides"]


def test_a_job_skips_its_own_results_and_redoes_them_when_its_config_changed(tmp_path):
    """In-process: the same config is skipped; another config in the same folder is rerun."""
    from sim.studies.sweep import compose_jobs, run_job

    first, second = compose_jobs(
        [
            [
                "org.n_employees=20",
                "org.weeks=6",
                "regime.start_week=2",
                "replicates=1",
                "sweep.employees=true",
            ],
            [
                "org.n_employees=20",
                "org.weeks=6",
                "regime.start_week=2",
                "replicates=1",
                "regime.pressure=0.9",
            ],
        ]
    )
    assert run_job(first, tmp_path).status == "done"
    assert (tmp_path / "employees.parquet").exists()
    assert run_job(first, tmp_path).status == "skipped"
    again = run_job(second, tmp_path)
    assert again.status == "done" and again.config_hash != config_hash(first)
    assert not (tmp_path / "employees.parquet").exists()  # stale tables of the earlier config go
    assert pd.read_parquet(tmp_path / "summary.parquet")["pressure"].tolist() == [0.9]


def test_a_job_done_by_another_version_of_the_model_is_run_again(tmp_path, monkeypatch):
    """Results follow the model's code as well as its parameters: resuming a sweep after a
    mechanism changed must not mix the old model's runs with the new one's."""
    import sim.studies.sweep
    from sim.studies.sweep import compose_jobs, run_job

    (job,) = compose_jobs([["org.n_employees=20", "org.weeks=6", "regime.start_week=2", "replicates=1"]])
    assert run_job(job, tmp_path).status == "done"
    assert run_job(job, tmp_path).status == "skipped"
    monkeypatch.setattr(sim.studies.sweep, "model_fingerprint", lambda: "another model")
    assert run_job(job, tmp_path).status == "done"
