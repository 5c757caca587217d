"""The policy search: it runs, keeps to its ceilings, writes scenario files the report can
read, and gives the same result again from the same seed."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.scenarios import load_scenario
from sim.search import Ceilings, main, pareto_front, policy_from_params, run_search, write_results

SMALL = ["org.n_employees=150", "org.weeks=40"]
CEILINGS = Ceilings(burnout=0.05, attrition=0.12)


@pytest.fixture(scope="module")
def searched() -> pd.DataFrame:
    return run_search(trials=7, seeds=2, seed=11, ceilings=CEILINGS, base=SMALL)


def test_the_search_runs_every_trial(searched):
    assert list(searched["trial"]) == list(range(1, 8))
    assert searched["reference"].iloc[0] == "no metric"  # known designs are tried first
    assert (searched["value_per_million"] > 0).all()
    assert searched["burnout"].between(0, 1).all() and (searched["attrition"] >= 0).all()


def test_the_ceilings_hold(searched):
    within = (searched["burnout"] <= CEILINGS.burnout) & (searched["attrition"] <= CEILINGS.attrition)
    assert (searched["feasible"] == within).all()
    front = searched[searched["pareto"]]
    assert not front.empty and front["feasible"].all()
    for _, row in front.iterrows():  # nothing feasible beats a front policy on both counts
        feasible = searched[searched["feasible"]]
        better = (feasible["value_per_million"] >= row["value_per_million"]) & (
            feasible["burnout"] <= row["burnout"]
        )
        strictly = (feasible["value_per_million"] > row["value_per_million"]) | (
            feasible["burnout"] < row["burnout"]
        )
        assert not (better & strictly).any()


def test_an_infeasible_policy_never_makes_the_front():
    table = pd.DataFrame(
        {
            "value_per_million": [300.0, 250.0, 240.0, 260.0],
            "burnout": [0.30, 0.02, 0.01, 0.05],
            "feasible": [False, True, True, True],
        }
    )
    assert list(pareto_front(table)) == [False, True, True, True]
    table.loc[3, "burnout"] = 0.02  # now beaten by nothing, and beating the second
    assert list(pareto_front(table)) == [False, False, True, True]


def test_same_seed_same_search(searched):
    again = run_search(trials=7, seeds=2, seed=11, ceilings=CEILINGS, base=SMALL)
    columns = [c for c in searched.columns if c != "_policy"]
    pd.testing.assert_frame_equal(searched[columns], again[columns])
    assert list(searched["_policy"]) == list(again["_policy"])


def test_best_policies_become_scenario_files(searched, tmp_path):
    written = write_results(searched, tmp_path, CEILINGS, "python -m sim.search (test)", keep=2)
    names = {p.name for p in written}
    assert {"trials.csv", "pareto.png", "summary.md"} <= names
    files = sorted(tmp_path.glob("policy-*.yaml"))
    assert 1 <= len(files) <= 2
    best = searched[searched["pareto"]].sort_values("value_per_million", ascending=False)
    for path, (_, row) in zip(files, best.iterrows(), strict=False):
        scenario = load_scenario(path)
        cfg = scenario.config(SMALL)
        policy = row["_policy"]
        assert dict(cfg.regime.weights) == policy["weights"]
        assert cfg.regime.pressure == policy["pressure"]
        assert cfg.regime.forced_ranking == policy["forced_ranking"]
        assert f"trial {row['trial']}" in scenario.name
    summary = (tmp_path / "summary.md").read_text()
    assert "Pareto front" in summary and "python -m sim.report" in summary


def test_no_weights_means_no_metric():
    params = {"signal_1": "none", "weight_1": 1.0, "signal_2": "none", "weight_2": 0.5}
    params |= {"pressure": 0.9, "forced_ranking": 0.1}
    assert policy_from_params(params) == {"weights": {}, "per": {}, "pressure": 0.0, "forced_ranking": 0.0}


def test_a_signal_in_two_slots_adds_up_and_rework_counts_against():
    params = {"signal_1": "durable_value", "weight_1": 0.5, "signal_2": "durable_value", "weight_2": 0.25}
    params |= {"signal_3": "rework_rate", "weight_3": 0.75, "per": "tokens", "level": "team"}
    params |= {"scoring": "rank", "window": 13, "pressure": 0.4, "forced_ranking": 0.0}
    policy = policy_from_params(params)
    assert policy["weights"] == {"durable_value": 0.75, "rework_rate": -0.75}
    assert policy["per"] == {"token_cost": 1.0} and policy["level"] == "team"


@pytest.mark.parametrize(
    "args, named", [(["--max-burnout", "1.5"], "--max-burnout=1.5"), (["--trials", "0"], "--trials=0")]
)
def test_bad_arguments_are_one_line(args, named, tmp_path, capsys):
    assert main([*args, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and named in err[0]
    assert not (tmp_path / "out").exists()
