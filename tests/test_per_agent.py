"""The per-agent formulation behind the speed comparison must keep running, and keep telling
the same story as the vectorised model (it is only a benchmark, so only roughly)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))

from per_agent_model import PerAgentOrgModel  # noqa: E402

from sim.core.run import resolve  # noqa: E402
from sim.model import OrgModel  # noqa: E402


def test_the_per_agent_formulation_runs_the_same_week():
    cfg = resolve(
        None,
        # The per-agent formulation starts from the steady week, as the model does without a burn-in.
        [
            "regime=token_leaderboard",
            "regime.pressure=0.8",
            "regime.start_week=2",
            "org.n_employees=120",
            "org.burn_in_weeks=0",
        ],
    )
    vectorised, per_agent = OrgModel(cfg, rng=5), PerAgentOrgModel(cfg, rng=5)
    for _ in range(30):
        vectorised.step()
        per_agent.step()
    weekly = [vectorised.weekly(), per_agent.datacollector.get_model_vars_dataframe()]
    # The same table: the data contract's columns, one per gaming action of the config.
    assert list(weekly[1].columns) == list(vectorised.weekly_columns)
    assert {"trust", "theater_agents_running", "theater_claiming_credit"} <= set(weekly[1].columns)
    assert len(weekly[1]) == 30 and not weekly[1].drop(columns=["metric_index"]).isna().any().any()
    late = [w.tail(5).mean() for w in weekly]
    theater = [w["share_theater"] for w in late]
    assert all(t > 0.01 for t in theater)  # both game under a high-pressure token leaderboard
    assert np.isclose(theater[0], theater[1], rtol=0.5)
    # Visible telemetry and a score that real work barely moves erode trust in both.
    trust = [w["trust"] for w in late]
    assert all(t < 0.9 for t in trust)
    assert np.isclose(trust[0], trust[1], atol=0.05)
    assert np.isclose(late[0]["durable_value_index"], late[1]["durable_value_index"], rtol=0.15)


def test_the_benchmark_times_a_reference_commit_side_by_side():
    repository = Path(__file__).resolve().parents[1]
    reference = "dbc4b80"
    known = subprocess.run(
        ["git", "-C", str(repository), "cat-file", "-e", f"{reference}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if known.returncode != 0:
        pytest.skip(f"commit {reference} is not in this clone's history")
    done = subprocess.run(
        [sys.executable, str(repository / "experiments" / "benchmark.py"), "--quick", "--weeks", "3"]
        + ["--sizes", "200", "--agent-sizes", "40", "--agent-weeks", "1", "--reference-sizes", "200"]
        + ["--cache-sizes", "200"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"New model against the reference {reference}" in done.stdout
    row = next(line for line in done.stdout.splitlines() if line.startswith("200 ") and "x" in line)
    reference_rate, new_rate = (float(x.replace(",", "")) for x in row.split()[2:4])
    assert reference_rate > 0 and new_rate > 0
    assert "the reference's time per agent-week at 200" in done.stdout
    assert "restored from the cache" in done.stdout  # the burn-in cache's timing, printed
