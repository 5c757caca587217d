"""Comparisons summarise a policy and its baseline over the same weeks: the baseline runs with
the policy's own start week, in the main job, the report and anything built on `baseline_config`."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sim.core.compare import baseline_config, regimes_to_run
from sim.core.run import resolve, run_model
from sim.core.scenarios import scenario_from_mapping
from sim.hr.report import run_study

ORG = ["org.n_employees=60", "org.weeks=40"]
NUMBERS = ["durable_value_per_head", "token_cost_per_head_year", "burnout_share", "hours_mean", "rework_rate"]


def test_the_baseline_keeps_the_policys_start_week():
    cfg = resolve(None, [*ORG, "regime=token_leaderboard", "regime.start_week=26"])
    base = baseline_config(cfg)
    assert base.regime.name == "baseline" and not base.regime.weights
    assert base.regime.start_week == 26 and base.org == cfg.org
    assert {r.start_week for r in regimes_to_run(replace(cfg, compare=["adoption"]))} == {26}


def test_a_scenario_equal_to_the_baseline_but_its_start_week_shows_no_difference():
    scenario = scenario_from_mapping({"regime": "baseline", "set": {"regime.start_week": 26}}, source="late")
    study = run_study([scenario], seeds=2, base=ORG)
    rows = study.summary.set_index(["row", "seed"])
    pd.testing.assert_frame_equal(
        rows.loc["s1", NUMBERS].astype(float), rows.loc["b1", NUMBERS].astype(float), check_exact=True
    )
    scenario_cells, baseline_cells = study.row("s1").cells, study.row("b1").cells
    assert {k: scenario_cells[k] for k in baseline_cells} == baseline_cells
    assert (scenario_cells["value_change"], scenario_cells["cost_change"]) == ("0%", "0%")
    assert scenario_cells["token_ratio"] == "1.0x"


def test_summarising_from_another_week_would_differ():
    """What the fix guards against: the same run summarised from week 13 and from week 26."""
    cfg = resolve(None, [*ORG, "regime=baseline", "regime.start_week=26"])
    late = run_model(cfg, seed=3).summary
    early = run_model(replace(cfg, regime=replace(cfg.regime, start_week=13)), seed=3).summary
    assert late["durable_value_per_head"] != early["durable_value_per_head"]
