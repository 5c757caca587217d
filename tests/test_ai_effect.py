"""AI's own effect with no metric: the organisation with AI tools against the same one without,
seed by seed, at one, two and four years (sim.core.compare.ai_effect)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.core.compare import AI_BAND, ai_effect, ai_effect_lines, ai_figures, ai_horizons, without_ai
from sim.core.run import replicate_seeds, resolve, simulate_batch

SEEDS = replicate_seeds(11, 3)


@pytest.fixture(scope="module")
def pairs():
    """Three seeds of a small organisation over a year and a quarter, with AI tools and without."""
    cfg = resolve(None, ["regime=baseline", "org.n_employees=60", "org.weeks=66"])
    runs = simulate_batch([cfg] * 3 + [without_ai(cfg)] * 3, SEEDS * 2)
    return [r.weekly for r in runs[:3]], [r.weekly for r in runs[3:]]


def test_without_ai_tools_nobody_works_with_ai_or_spends_tokens(pairs):
    with_ai, without = pairs
    for weekly in without:
        assert (weekly["share_ai"] == 0).all() and (weekly["tokens"] == 0).all()
    assert all(weekly["share_ai"].mean() > 0.1 for weekly in with_ai)


def test_the_contrast_pairs_each_seed_with_its_own_run_without_ai(pairs):
    with_ai, without = pairs
    table = ai_effect(with_ai, without)
    assert list(table["horizon_weeks"]) == [52, 52]  # the one year a 66-week run reaches
    assert list(table["measure"]) == ["durable_value_per_head", "durable_value_per_40_hours"]
    for _, row in table.iterrows():
        a = np.array([ai_figures(w, 52)[row["measure"]] for w in with_ai])
        b = np.array([ai_figures(w, 52)[row["measure"]] for w in without])
        assert row["change"] == pytest.approx(np.mean(a / b - 1))  # the mean of each seed's own change
        assert row["with_ai"] == pytest.approx(a.mean()) and row["without_ai"] == pytest.approx(b.mean())
        assert row["change_low"] < row["change"] < row["change_high"] and row["seeds"] == 3
    # Paired another way round, the same runs give another contrast: the pairing is by seed.
    shuffled = ai_effect(with_ai, without[1:] + without[:1])
    assert not np.allclose(shuffled["change"], table["change"])


def test_per_40_hours_is_durable_value_over_the_hours_worked(pairs):
    weekly = pairs[0][0]
    quarter = weekly[(weekly["week"] >= 39) & (weekly["week"] < 52)]
    hours = (quarter["hours_mean"] * quarter["headcount"]).sum()
    figures = ai_figures(weekly, 52)
    assert figures["durable_value_per_40_hours"] == pytest.approx(40 * quarter["durable_value"].sum() / hours)
    assert figures["durable_value_per_head"] == pytest.approx(quarter["durable_value_per_head"].mean())


def test_horizons_are_one_two_and_four_years_as_far_as_the_run_goes():
    assert ai_horizons(208) == [52, 104, 208]
    assert ai_horizons(104) == [52, 104]
    assert ai_horizons(30) == [30]  # shorter than a year: the run's own last quarter


def test_one_seed_gives_no_interval_and_unpaired_runs_are_refused(pairs):
    with_ai, without = pairs
    single = ai_effect(with_ai[:1], without[:1])
    assert single["change_low"].isna().all() and single["change"].notna().all()
    with pytest.raises(ValueError, match="3 runs with AI against 2 without"):
        ai_effect(with_ai, without[:2])


def test_the_printed_lines_name_each_horizon_the_sources_and_their_band(pairs):
    table = ai_effect(*pairs)
    lines = ai_effect_lines(table)
    per_head = table.iloc[0]
    assert lines[0].startswith("at one year: durable value per head ")
    assert (
        f"{per_head['change']:+.1%} [{per_head['change_low']:+.1%}, {per_head['change_high']:+.1%}]"
        in lines[0]
    )
    assert "METR 2025" in lines[2] and "Cui et al. 2026" in lines[2] and "Brynjolfsson" in lines[2]
    inside = table["change"].between(*AI_BAND).all()
    assert ("holds the model's figures" in lines[3]) == inside


def test_the_validation_report_states_ai_own_effect_at_each_horizon():
    """The validation report's headlines at one, two and four years carry AI's own effect for no
    metric, and a paragraph quotes those figures beside the sources' band."""
    from sim.studies.validate import AI_OWN, Lab, horizons, report

    lab = Lab(40, 20, replicate_seeds(5, 2))
    rows = horizons(lab, 52)
    baseline = dict(rows)["baseline"]
    own = [f for f in baseline if AI_OWN in f.name]
    assert [f.name for f in own] == [
        f"year 1: {AI_OWN}, durable value per head",
        f"year 1: {AI_OWN}, durable value per 40 hours worked",
    ]
    with_ai = [r.weekly for r in lab.over(52).runs("regime=baseline")]
    without = [r.weekly for r in lab.over(52).runs("regime=baseline", "production.ai_available=false")]
    assert own[0].mean == pytest.approx(ai_effect(with_ai, without)["change"].iloc[0])
    text = report([], lab, rows, 52)
    paragraph = next(line for line in text.splitlines() if line.startswith("**What AI does with no metric"))
    assert (
        f"year 1: durable value per head {own[0].mean:+.1%} [{own[0].low:+.1%}, {own[0].high:+.1%}]"
        in paragraph
    )
    assert "METR 2025" in paragraph and "a band of -16% to +26%" in paragraph


def test_the_validation_report_names_the_horizons_outside_the_sources_band():
    from sim.studies.validate import Figure, _outside

    own = [
        Figure("year 1: AI's own effect, durable value per head", -0.11, -0.12, -0.10),
        Figure("year 4: AI's own effect, durable value per head", -0.161, -0.17, -0.15),
    ]
    assert _outside(own, -0.16, 0.26) == (
        "which holds the model's figures at year 1 but not at year 4, below its low end"
    )
    assert _outside(own[1:], -0.16, 0.26) == "which holds none of the model's figures, below its low end"
