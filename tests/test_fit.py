"""Fitting an organisation profile (sim/hr/fit.py): the prior sample, the simulated figures in
the profile's units, and recovery of a known organisation. Small: 60 people, 26 weeks after a
26-week burn-in, 32-64 points."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.core.run import simulate_batch, with_values
from sim.hr.fit import (
    FIT_WEEKS,
    SCALED_EMPLOYEES,
    base_config,
    final_state,
    fit,
    prior_sample,
    simulated_statistics,
)
from sim.hr.profile import BASE_PER_VOLUNTARY, WEEKS_PER_MONTH, profile_from_mapping

SMALL = {"employees": 60, "weeks": 26, "burn_in_weeks": 26}
BASE = {"headcount": 60, "team_size": 6}


def test_the_prior_sample_fixes_what_the_profile_sets_scales_headcount_and_keeps_batches_few():
    profile = profile_from_mapping(
        {"headcount": 5000, "team_size": 7, "review_cadence": "half-yearly", "voluntary_attrition": 0.1}
    )
    sample = prior_sample(profile, 32, seed=4)
    assert len(sample.configs) == 32 and len(set(sample.seeds)) == 32
    for cfg in sample.configs:
        assert cfg.org.n_employees == SCALED_EMPLOYEES  # not the profile's 5,000
        assert cfg.org.weeks == FIT_WEEKS
        assert cfg.org.team_size == 7 and cfg.org.review_period == 26
        assert cfg.turnover.base_attrition == pytest.approx(0.1 * BASE_PER_VOLUNTARY, abs=1e-5)  # 5 places
        assert cfg.regime.name == "baseline"
    assert "org.team_size" not in sample.values and "org.n_employees" not in sample.values
    for key, r in sample.ranges.items():
        assert sample.values[key].between(r.low, r.high).all(), key
    # what shapes a batch comes in a few levels, so the points step together in few batches
    assert sample.values["gaming.agents_running.tokens"].nunique() <= 3
    assert sample.values["regime.forced_ranking"].nunique() <= 3
    # the same seed, the same sample
    again = prior_sample(profile, 32, seed=4)
    assert again.values.equals(sample.values) and again.seeds == sample.seeds


def test_review_cadence_left_open_is_drawn_at_the_usual_cadences_as_whole_weeks():
    sample = prior_sample(profile_from_mapping(BASE), 16, seed=1, **SMALL)
    assert set(sample.values["org.review_period"]) <= {13, 26, 52}
    assert all(isinstance(c.org.review_period, int) and c.org.team_size == 6 for c in sample.configs)


def test_a_profile_with_no_figures_keeps_the_prior_unchanged_and_runs_nothing(monkeypatch):
    import sim.hr.fit as module

    def refuse(*args, **kwargs):
        raise AssertionError("nothing to compare: nothing should be simulated")

    monkeypatch.setattr(module, "simulate_batch", refuse)
    profile = profile_from_mapping({**BASE, "salary": 150000, "forced_ranking": 0.05})
    result = fit(profile, n=32, seed=7, **SMALL)
    assert result.observed == {}
    assert result.accepted.equals(result.sample.values)
    assert result.ranges["spread_ratio"].eq(1.0).all()
    assert set(result.uninformed()) == set(result.sample.ranges)
    assert (result.ranges["accepted_low"] == result.sample.values.min()).all()


def test_simulated_figures_are_in_the_profiles_units_and_ranges():
    sample = prior_sample(profile_from_mapping(BASE), 4, seed=3, **SMALL)
    results = simulate_batch(sample.configs, sample.seeds, final=final_state)
    full = profile_from_mapping(
        {
            **BASE,
            "ai_seats": 60,
            "weekly_active_users": 40,
            "token_deciles": [float(i) * 1e6 for i in range(1, 11)],
            "voluntary_attrition": 0.1,
            "regretted_share": 0.4,
            "manager_rating_accuracy": 0.5,
        }
    )
    names = {s.name for s in full.observed_statistics()}
    for result in results:
        figures = simulated_statistics(result)
        assert names <= set(figures)
        assert 0 <= figures["weekly_active_share"] <= 1
        assert -1 <= figures["rating_accuracy_r"] <= 1
        assert 0 <= figures["voluntary_attrition"] < 1
        assert math.isnan(figures["regretted_share"]) or 0 <= figures["regretted_share"] <= 1
        deciles = [figures[f"token_decile_{i}"] for i in range(1, 10)]
        assert deciles == sorted(deciles) and deciles[0] >= 0 and figures["token_top"] >= deciles[-1]
        # million tokens per person per month: the weekly table's total tokens (million a week,
        # all staff) per head, x 52/12, is the mean person's
        weekly = result.weekly
        per_head = (weekly["tokens"] / weekly["headcount"]).mean() * WEEKS_PER_MONTH
        employees = result.employees
        counted = employees[employees["tenure_weeks"] >= 4]
        mean = (
            counted["token_cost_per_week"] / result.config.production.token_price
        ).mean() * WEEKS_PER_MONTH
        assert mean == pytest.approx(per_head, rel=0.25)
    # without the model's final state, the two figures it holds are not made up
    bare = simulated_statistics(simulate_batch(sample.configs[:1], sample.seeds[:1])[0])
    assert math.isnan(bare["weekly_active_share"]) and math.isnan(bare["rating_accuracy_r"])


def test_reading_the_final_state_leaves_the_runs_tables_unchanged():
    sample = prior_sample(profile_from_mapping(BASE), 2, seed=9, **SMALL)
    read = simulate_batch(sample.configs, sample.seeds, final=final_state)
    plain = simulate_batch(sample.configs, sample.seeds)
    for a, b in zip(read, plain, strict=True):
        assert a.weekly.equals(b.weekly) and a.employees.equals(b.employees) and a.summary.equals(b.summary)
        assert set(a.final) == {"weekly_active_share", "rating_accuracy_r"} and b.final == {}


def test_a_known_organisation_is_recovered_from_its_token_deciles():
    """Simulate a known point (the model's defaults, with 0.75 million tokens per AI hour
    instead of 0.5), give its token deciles as a profile, fit: the level of token use per AI
    hour is narrowed around its true value; a parameter tokens say nothing about (how fast
    exhaustion recovers) keeps nearly its prior range."""
    start = profile_from_mapping(BASE)
    true_level = 0.75
    known = with_values(base_config(start, **SMALL), {"production.tokens_per_ai_hour": true_level})
    [result] = simulate_batch([known], [5], final=final_state)
    figures = simulated_statistics(result)
    deciles = [figures[f"token_decile_{i}"] * 1e6 for i in range(1, 10)]
    fitted = fit(profile_from_mapping({**BASE, "token_deciles": deciles}), n=64, accept=0.25, seed=2, **SMALL)
    assert set(fitted.observed) == {f"token_decile_{i}" for i in range(1, 10)}
    assert len(fitted.accepted) == 16 and np.all(np.diff(fitted.distances) >= 0)
    level = fitted.ranges.loc["production.tokens_per_ai_hour"]
    assert level["accepted_low"] <= true_level <= level["accepted_high"]
    assert level["informed"] and level["accepted_low"] > 0.2 + 0.2 * (1.0 - 0.2)  # the low fifth ruled out
    recovery = fitted.ranges.loc["wellbeing.recovery"]
    assert not recovery["informed"] and "wellbeing.recovery" in fitted.uninformed()
    assert recovery["accepted_high"] - recovery["accepted_low"] > 0.8 * (0.12 - 0.03)


def test_accept_and_n_outside_their_ranges_are_refused():
    profile = profile_from_mapping(BASE)
    with pytest.raises(ValueError, match="accept must be a share above 0 and at most 1"):
        fit(profile, n=8, accept=0, **SMALL)
    with pytest.raises(ValueError, match="n must be at least 1"):
        prior_sample(profile, 0, seed=1)


@pytest.mark.slow  # a study: `make validate` runs it
def test_the_recovery_study_at_a_reduced_size_prints_its_coverage_table(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve().parents[1] / "experiments" / "fit_recovery.py"),
            "--quick",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| `")]
    assert any("`production.tokens_per_ai_hour`" in row for row in rows) and len(rows) >= 30


def test_a_figure_the_model_barely_varies_does_not_decide_the_fit_alone():
    """The weekly active share is about 0.99 in every simulated point; a profile's 0.85 is far
    from all of them alike, so it must not outweigh a figure that tells points apart."""
    from sim.hr.fit import FIGURE_PRECISION, distances

    rng = np.random.default_rng(1)
    simulated = pd.DataFrame(
        {
            "weekly_active_share": 0.99 + rng.normal(0, 0.002, 200),
            "voluntary_attrition": rng.uniform(0.04, 0.16, 200),
        }
    )
    observed = {"weekly_active_share": 0.85, "voluntary_attrition": 0.10}
    total, scales = distances(simulated, observed)
    assert scales["weekly_active_share"] == FIGURE_PRECISION * 0.85
    share_part = ((simulated["weekly_active_share"] - 0.85) / scales["weekly_active_share"]) ** 2
    assert share_part.max() < 4  # at most a few squared spreads, not hundreds
    closest = simulated.iloc[np.argsort(total)[:20]]
    assert (closest["voluntary_attrition"] - 0.10).abs().max() < 0.02  # attrition still decides


def _recovery(tmp_path, *args: str) -> subprocess.CompletedProcess:
    script = Path(__file__).resolve().parents[1] / "experiments" / "fit_recovery.py"
    return subprocess.run(
        [sys.executable, str(script), "--quick", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_recovery_refuses_a_known_parameter_it_does_not_fit(tmp_path):
    done = _recovery(tmp_path, "--known", "behaviour.no_such_thing")
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .endswith("--known: behaviour.no_such_thing is not a fitted parameter")
    )


@pytest.mark.parametrize("flag", ["--version-seeds", "--truth-seeds"])
def test_the_recovery_refuses_no_runs_before_it_simulates(tmp_path, flag):
    done = _recovery(tmp_path, flag, "0")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].endswith(f"{flag}: a whole number of runs, at least 1")
    assert not done.stdout  # nothing simulated, nothing printed


@pytest.mark.slow  # a study: `make validate` runs it
def test_a_parameter_given_as_known_is_pinned_in_every_fitted_set(tmp_path):
    """What the verdict needs: a parameter the profile would give exactly is narrowed to its
    true value in every organisation, whatever the figures say."""
    done = _recovery(tmp_path, "--known", "behaviour.score_stakes", "--no-verdict")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "known exactly: behaviour.score_stakes" in done.stdout
    row = next(line for line in done.stdout.splitlines() if line.startswith("| `behaviour.score_stakes`"))
    cells = [c.strip() for c in row.split("|")[1:-1]]
    # With 64 prior points the nearest six still straddle or flank the truth, so the spread is
    # what tells: a tenth of the prior's at most a third (0.14 here), against about 1 unknown.
    assert float(cells[4]) < 0.3 and cells[5] == "yes"
    other = next(line for line in done.stdout.splitlines() if line.startswith("| `behaviour.moral_weight`"))
    assert float(other.split("|")[5]) > 0.6  # not given: left about as wide as its prior
