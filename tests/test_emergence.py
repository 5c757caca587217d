"""Emergent results across seeds: nothing here is scripted, each follows from choices."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from .conftest import SEEDS, summaries


def _correlations(regime: str) -> pd.DataFrame:
    return summaries([f"regime={regime}", "regime.pressure=0.7"], SEEDS[:3])


def _drop(runs: pd.DataFrame) -> float:
    return float((runs["score_value_correlation_start"] - runs["score_value_correlation_end"]).mean())


def test_a_durable_metric_keeps_measuring_and_token_use_never_measured():
    output, durable = _correlations("individual_outcome"), _correlations("decoupled_telemetry")
    tokens = _correlations("token_leaderboard")
    assert output["score_value_correlation_start"].min() > 0.6  # shipped volume starts fair
    assert abs(_drop(durable)) < 0.02 and durable["score_value_correlation_end"].min() > 0.8
    # Token use never measured contribution (the need for tokens varies ten-fold between roles),
    # and under the leaderboard it carries no information at all.
    assert abs(tokens["score_value_correlation_end"].mean()) < 0.15


@pytest.mark.xfail(
    strict=True,
    reason="Model 3.0: AI volume saturates with the AI-suited tasks, so chasing shipped volume "
    "reorders few people; output OKRs' correlation falls 0.010 here (0.022 [0.012, 0.033] at the "
    "validation report's size), short of the 0.05 this test asked (validation target 2)",
)
def test_the_measure_stops_measuring_under_an_output_metric():
    # Shipped volume starts as a fair measure of contribution; padding it makes it a worse one.
    output, durable = _correlations("individual_outcome"), _correlations("decoupled_telemetry")
    assert _drop(output) > 0.05
    assert _drop(durable) < _drop(output) / 3


def test_a_regime_written_only_as_yaml_produces_gaming_when_gameable(tmp_path, baseline):
    regime_dir = tmp_path / "regime"
    regime_dir.mkdir()
    (regime_dir / "prompt_count.yaml").write_text(
        textwrap.dedent(
            """
            # Ranked on prompts sent: a count that theater inflates.
            name: prompt_count
            label: "Prompt leaderboard"
            weights: {prompts: 1.0}
            scoring: rank
            pressure: 0.6
            """
        )
    )
    (regime_dir / "lasting_work.yaml").write_text(
        textwrap.dedent(
            """
            name: lasting_work
            weights: {durable_value: 1.0}
            scoring: rank
            pressure: 0.6
            """
        )
    )
    gameable = summaries(["regime=prompt_count"], SEEDS[:3], config_dirs=[tmp_path])
    aligned = summaries(["regime=lasting_work"], SEEDS[:3], config_dirs=[tmp_path])
    assert (gameable["regime"] == "prompt_count").all()
    assert gameable["theater_share"].mean() > 0.03
    assert gameable["theater_share"].min() > 5 * baseline["theater_share"].max()
    # A durable metric invites only the gaming that moves durable value, far less of it.
    assert aligned["theater_share"].mean() < gameable["theater_share"].mean() / 4
    assert aligned["theater_prompt_padding"].max() < 0.003
    assert gameable["durable_value_per_head"].mean() < aligned["durable_value_per_head"].mean()


def test_gameable_metrics_cost_durable_value_and_wellbeing(baseline):
    leaderboard = summaries(["regime=token_leaderboard", "regime.pressure=0.7"], SEEDS[:3])
    assert leaderboard["token_cost_per_head_year"].mean() > 5 * baseline["token_cost_per_head_year"].mean()
    assert leaderboard["durable_value_per_head"].mean() < 0.95 * baseline["durable_value_per_head"].mean()
    # 1.7x on these seeds (validation target 5: 1.8x, where it asks 2x and fails). It was 2.6x
    # while evaluation anxiety came from a formal score only and the unmeasured baseline had none.
    assert leaderboard["burnout_share"].mean() > 1.4 * baseline["burnout_share"].mean()
    assert leaderboard["rework_rate"].mean() > 1.3 * baseline["rework_rate"].mean()
