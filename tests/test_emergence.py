"""Emergent results across seeds: nothing here is scripted, each follows from choices."""

from __future__ import annotations

import textwrap

from .conftest import SEEDS, summaries


def test_the_measure_stops_measuring_under_a_token_metric_but_not_a_durable_one():
    # A leaderboard rather than a quota: quota scores saturate once the target is met.
    token = summaries(["regime=token_leaderboard", "regime.pressure=0.7"], SEEDS[:3])
    durable = summaries(["regime=decoupled_telemetry", "regime.pressure=0.7"], SEEDS[:3])
    token_drop = (token["score_value_correlation_start"] - token["score_value_correlation_end"]).mean()
    durable_drop = (durable["score_value_correlation_start"] - durable["score_value_correlation_end"]).mean()
    # Under the token metric the rank correlation of score and durable contribution falls
    # by at least 0.3; under durable value it stays high and falls by under 0.1.
    assert token_drop > 0.3
    assert durable["score_value_correlation_end"].min() > 0.8
    assert durable_drop < 0.1
    assert token["score_value_correlation_end"].mean() < durable["score_value_correlation_end"].mean() - 0.5


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
    assert aligned["theater_share"].max() < 0.005
    assert gameable["durable_value_per_head"].mean() < aligned["durable_value_per_head"].mean()


def test_gameable_metrics_cost_durable_value_and_wellbeing(baseline):
    leaderboard = summaries(["regime=token_leaderboard", "regime.pressure=0.7"], SEEDS[:3])
    assert leaderboard["token_cost_per_head_year"].mean() > 5 * baseline["token_cost_per_head_year"].mean()
    assert leaderboard["durable_value_per_head"].mean() < 0.95 * baseline["durable_value_per_head"].mean()
    assert leaderboard["burnout_share"].mean() > 2 * baseline["burnout_share"].mean()
    assert leaderboard["rework_rate"].mean() > 1.3 * baseline["rework_rate"].mean()
