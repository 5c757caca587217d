"""The verdict at the top of the report, checked on constructed studies (no simulation):
each policy's runs are the baseline's, seed by seed, times a factor, plus a little noise.

The rule: a policy beats measuring nothing only if it is clearly cheaper per unit of durable
value and clearly worse on none of durable value per hour, burnout and top contributors
leaving; durable value per person is context and never decides."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.hr.report import BASELINE_LABEL, Row, Study, analyse, table_frame
from sim.hr.verdict import (
    BETTER,
    NOT_ON_COST,
    SAME,
    TRADE_OFF,
    UNKNOWN,
    WORSE,
    judge,
    mean_interval,
    paired_difference,
)

BASE = {
    "durable_value_per_head": 0.80,
    "durable_value_per_hour": 0.76,
    "cost_per_durable_value": 3600.0,
    "token_cost_per_head_year": 2800.0,
    "theater_share": 0.01,
    "burnout_share": 0.03,
    "attrition": 0.10,
    "regretted_attrition": 0.02,
    "regretted_share": 0.20,
    "fired_rate": 0.0,
}


def constructed(policies: dict[str, dict[str, float]], seeds: int = 6, noise: float = 0.005) -> Study:
    """A study whose policies move the baseline's figures by the given factors. The baseline
    varies a lot from seed to seed (people and luck); the pairing takes that out. Figures a
    policy does not move are the baseline's, run by run."""
    rng = np.random.default_rng(7)
    seed_list = list(range(100, 100 + seeds))
    luck = rng.normal(0, 0.08, size=seeds)  # shared by a policy and its baseline, seed by seed
    luck -= luck.mean()
    rows = [Row("b1", BASELINE_LABEL, "Nothing is measured.", None, None)]
    rows += [Row(f"s{i}", name, "", None, "b1") for i, name in enumerate(policies, start=1)]
    records = []
    for row, factors in zip(rows, [{}, *policies.values()], strict=True):
        wobble = {c: rng.normal(0, noise, seeds) if c in factors else np.zeros(seeds) for c in BASE}
        for k, seed in enumerate(seed_list):
            record = {"row": row.key, "scenario": row.name, "seed": seed}
            for column, level in BASE.items():
                own = wobble[column][k] - wobble[column].mean()  # the policy's own noise, mean zero
                record[column] = level * factors.get(column, 1.0) * (1 + luck[k] + own)
            records.append(record)
    study = Study(rows, seed_list, 0, [], pd.DataFrame(records), pd.DataFrame())
    return analyse(study)


def outcomes(study: Study) -> dict[str, str]:
    return {v.name: v.overall for v in study.verdicts}


def test_the_paired_interval_is_scipys():
    rng = np.random.default_rng(3)
    a, b = rng.normal(1, 0.2, 8), rng.normal(1, 0.2, 8)
    mean, low, high = paired_difference(a, b)
    ci = stats.ttest_rel(a, b).confidence_interval(0.95)
    assert mean == pytest.approx(np.mean(a - b))
    assert (low, high) == pytest.approx((ci.low, ci.high))
    assert np.isnan(mean_interval([1.0])[1])  # one run: no interval, so no call
    with pytest.raises(ValueError):
        paired_difference([1.0, 2.0], [1.0])


def test_all_worse():
    study = constructed(
        {
            "Token leaderboard": {"durable_value_per_hour": 0.85, "cost_per_durable_value": 1.2},
            "Adoption quota": {"burnout_share": 2.0, "regretted_attrition": 1.4},
        }
    )
    assert set(outcomes(study).values()) == {WORSE}
    assert study.overall[0] == "No policy beat measuring nothing."
    text = " ".join(study.overall)
    assert (
        "Token leaderboard was worse than measuring nothing: a higher cost per unit of durable value "
        "(+20%: $4,320 against $3,600) and less durable value per hour worked (-15%: 0.646 against 0.760)."
    ) in text
    assert "Adoption quota was worse than measuring nothing: more people burned out (6.0% of staff" in text
    assert "trade-off" not in text


def test_only_a_lower_cost_per_unit_beats_measuring_nothing():
    study = constructed(
        {
            "Longer hours": {"durable_value_per_head": 1.1},
            "Team cost-to-serve": {"durable_value_per_head": 1.1, "cost_per_durable_value": 0.92},
            "Focus time": {"durable_value_per_hour": 1.1},
        }
    )
    assert outcomes(study) == {"Longer hours": SAME, "Team cost-to-serve": BETTER, "Focus time": NOT_ON_COST}
    assert [v.name for v in study.verdicts] == ["Team cost-to-serve", "Focus time", "Longer hours"]
    assert study.overall[0] == (
        "Team cost-to-serve beat measuring nothing: a lower cost per unit of durable value (-8%: $3,312 "
        "against $3,600), and no clearly worse durable value per hour, burnout or top contributors leaving."
    )
    assert not any("No policy beat" in line for line in study.overall)
    assert (
        "Focus time was better on more durable value per hour worked (+10%: 0.836 against 0.760), but not "
        "on cost per unit of durable value (0%), so it did not beat measuring nothing."
    ) in study.overall
    assert any(line.startswith("Longer hours made no clear difference") for line in study.overall)
    longer = next(v for v in study.verdicts if v.name == "Longer hours")
    assert longer.of("durable_value_per_head").outcome == BETTER  # shown as context, never deciding


def test_more_value_per_head_bought_with_burnout_is_worse():
    """The headline issue 29 names: more value per person, from longer hours, with more burnout."""
    study = constructed({"Outcome metric": {"durable_value_per_head": 1.05, "burnout_share": 2.0}})
    assert outcomes(study) == {"Outcome metric": WORSE}
    assert study.overall == [
        "No policy beat measuring nothing.",
        "Outcome metric was worse than measuring nothing: more people burned out "
        "(6.0% of staff against 3.0%).",
    ]


def test_cheaper_but_worse_for_people_names_the_trade_off():
    study = constructed(
        {
            "Team cost-to-serve": {"cost_per_durable_value": 0.9, "burnout_share": 2.0},
            "Balanced scorecard": {"cost_per_durable_value": 0.9, "regretted_attrition": 1.5},
            "Token leaderboard": {"durable_value_per_hour": 0.8},
        }
    )
    assert outcomes(study) == {
        "Team cost-to-serve": TRADE_OFF,
        "Balanced scorecard": TRADE_OFF,
        "Token leaderboard": WORSE,
    }
    assert study.overall[0] == "No policy beat measuring nothing."
    trade = [line for line in study.overall if line.startswith("The trade-off")]
    assert trade == [
        "The trade-off under Team cost-to-serve: a lower cost per unit of durable value (-10%: $3,240 "
        "against $3,600), but more people burned out (6.0% of staff against 3.0%).",
        "The trade-off under Balanced scorecard: a lower cost per unit of durable value (-10%: $3,240 "
        "against $3,600), but more top contributors leaving (3.0% of staff a year against 2.0%).",
    ]
    assert study.overall[-1].startswith("Token leaderboard was worse than measuring nothing: less durable")
    verdict = next(v for v in study.verdicts if v.name == "Team cost-to-serve")
    assert [j.outcome for j in verdict.judgements] == [BETTER, SAME, WORSE, SAME]


def test_a_difference_within_the_noise_is_no_difference():
    """A 3% gain that the seeds' own noise (10%, not shared by the baseline) could make."""
    study = constructed({"Scorecard": {"cost_per_durable_value": 0.97}}, seeds=4, noise=0.10)
    assert outcomes(study) == {"Scorecard": SAME}
    assert study.overall[0] == "No policy beat measuring nothing."


def test_one_run_gives_no_verdict():
    study = constructed({"Scorecard": {"cost_per_durable_value": 0.5}}, seeds=1)
    assert outcomes(study) == {"Scorecard": UNKNOWN}
    assert len(study.overall) == 1 and "--seeds 3 or more" in study.overall[0]


def test_the_verdict_quotes_only_cells_of_the_table():
    study = constructed(
        {
            "Team cost-to-serve": {"cost_per_durable_value": 0.95, "burnout_share": 2.0},
            "Token leaderboard": {"durable_value_per_hour": 0.8, "regretted_attrition": 1.5},
        }
    )
    cells = {
        n.lstrip("+-") for r in study.rows for c in r.cells.values() for n in re.findall(r"[\d$,.%+-]+", c)
    }
    quoted = re.findall(r"[+-]?\$?\d[\d,]*(?:\.\d+)?%?", " ".join(study.overall))
    assert quoted and all(q.lstrip("+-") in cells for q in quoted), (quoted, cells)


def test_the_verdict_reads_columns_by_name_and_ignores_new_ones():
    study = constructed({"Team cost-to-serve": {"cost_per_durable_value": 0.9}})
    table = table_frame(study)
    wider = table.assign(metric_alignment=0.4, gaming_agents_left_running=0.1)
    wider = wider[list(reversed(wider.columns))]
    assert [(v.name, v.overall) for v in judge(wider)] == [(v.name, v.overall) for v in study.verdicts]
