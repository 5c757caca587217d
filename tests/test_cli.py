"""The command line: the main job's outputs, and one-line errors that stop before writing."""

from __future__ import annotations

import pandas as pd
import pytest

from .conftest import run_cli


def test_the_main_job_prints_the_comparison_and_where_outputs_are(main_job):
    done, out = main_job
    assert done.returncode == 0, done.stderr
    for heading in ("durable value", "metric", "token spend", "theater", "burnout", "attrition", "regretted"):
        assert heading in done.stdout
    for label in ("No metric (baseline)", "Token quota", "Copilot adoption", "Individual output"):
        assert label in done.stdout
    assert str(out) in done.stdout


def test_the_main_job_writes_every_table_the_config_and_the_figure(main_job):
    _, out = main_job
    weekly = pd.read_parquet(out / "weekly.parquet")
    summary = pd.read_parquet(out / "summary.parquet")
    employees = pd.read_parquet(out / "employees.parquet")
    assert set(summary["regime"]) == {"baseline", "consumption", "adoption", "individual_outcome"}
    assert len(summary) == 4 * 2
    assert len(weekly) == 4 * 2 * 30
    assert employees.groupby(["regime", "seed"]).size().min() >= 120
    assert (out / "config.yaml").read_text().startswith("seed:")
    assert (out / "dashboard.png").read_bytes()[:4] == b"\x89PNG"
    assert not list(out.glob("*.part")) and not list(out.glob(".*.part"))


def test_hydra_overrides_select_the_regime_and_values(tmp_path):
    out = tmp_path / "run"
    done = run_cli(
        "regime=token_leaderboard",
        "regime.pressure=0.8",
        "org.n_employees=80",
        "org.weeks=20",
        "replicates=1",
        "compare=[]",
        "seed=7",
        "output.format=csv",
        "output.figure=false",
        f"hydra.run.dir={out}",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["regime"]) == ["baseline", "token_leaderboard"]
    assert summary.loc[1, "pressure"] == 0.8
    assert not (out / "dashboard.png").exists()


@pytest.mark.parametrize(
    "args, key",
    [
        (["regime=no_such_regime"], "regime=no_such_regime"),
        (["org.n_employees=-5"], "org.n_employees"),
        (["regime.pressure=1.5"], "regime.pressure"),
        (["regime=token_leaderboard", "regime.weights.tokens=0"], "regime.weights"),
        (["compare=[adoption,nothing_like_it]"], "nothing_like_it"),
        (["--config-dir", "/no/such/folder", "regime=custom"], "/no/such/folder"),
        (["org.no_such_parameter=3"], "org.no_such_parameter"),
        (["org.n_employees=many"], "org.n_employees"),
    ],
)
def test_bad_input_exits_non_zero_with_one_line_and_writes_nothing(tmp_path, args, key):
    done = run_cli(
        "org.weeks=5", "regime.start_week=2", "org.n_employees=20", "replicates=1", *args, cwd=tmp_path
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and key in lines[0] and lines[0].startswith("error:")
    assert not (tmp_path / "outputs").exists()
