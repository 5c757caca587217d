"""The batched engine: runs stepped together give the tables they give alone, bit for bit."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from sim.core.presets import preset_names
from sim.core.run import resolve, run_model, simulate_batch
from sim.core.scenarios import example_names, load_scenario
from sim.model import organisation
from sim.model.runs import Runs, merged, order_within, stable_argsort, structure

SHORT = ["org.weeks=30", "org.burn_in_weeks=20"]


def mixed_configs() -> tuple[list, list[int]]:
    """16 runs: four regimes (one with forced ranking, one crediting people with shared
    work), different headcounts, team sizes, seeds and numbers (gaming actions' effects
    among them), all in one batch; each
    regime meets four of the eight variants."""
    varied = [
        ["org.n_employees=200", "behaviour.judgement_noise=0.3", "behaviour.claims_visibility=0.5"],
        [
            "org.n_employees=160",
            "org.team_size=6",
            "production.ai_multiplier_expert=1.9",
            "gaming.agents_running.tokens=120",
        ],
        ["org.n_employees=240", "wellbeing.recovery=0.2", "org.salary=150000"],
        [
            "org.n_employees=200",
            "turnover.base_attrition=0.2",
            "org.vacancy_weeks=3",
            "org.interdependence=0.8",
        ],
        [
            "org.n_employees=120",
            "workforce.skill_sd=0.5",
            "behaviour.search_step=0.08",
            "production.ai_skill_levelling=0.2",
        ],
        [
            "org.n_employees=200",
            "behaviour.imitation=0.5",
            "workforce.non_adopter_share=0.3",
            "org.interdependence=0.3",
        ],
        [
            "org.n_employees=90",
            "workforce.theater_habit=0.01",
            "workforce.gaming_inclined_share=0.4",
            "gaming.claiming_credit.durable=1.6",
            "gaming.deferring_defects.hides_rework=2.5",
        ],
        ["org.n_employees=100", "org.ramp_weeks=8", "behaviour.judgement_noise=1.5", "trust.rebuild=0.05"],
    ]
    regimes = [
        ["regime=token_leaderboard"],
        ["regime=team_outcome"],
        ["regime=consumption", "regime.forced_ranking=0.1"],
        ["regime=individual_outcome"],
    ]
    configs, seeds = [], []
    for k in range(16):
        overrides = [*regimes[k % 4], *varied[(k + k // 4) % len(varied)], *SHORT]
        configs.append(resolve(None, overrides))
        seeds.append(1000 + 7 * k)
    return configs, seeds


def test_a_batch_of_sixteen_mixed_runs_equals_the_runs_alone(monkeypatch, tmp_path):
    monkeypatch.setenv("GOODHART_SIM_CACHE", str(tmp_path))  # alone runs may use the cache
    configs, seeds = mixed_configs()
    batched = simulate_batch(configs, seeds)
    assert len({structure(c) for c in configs}) == 1  # one batch of four regimes
    for cfg, seed, result in zip(configs, seeds, batched, strict=True):
        alone = run_model(cfg, seed=seed)
        pd.testing.assert_frame_equal(result.weekly, alone.weekly, check_exact=True)
        pd.testing.assert_frame_equal(result.employees, alone.employees, check_exact=True)
        pd.testing.assert_series_equal(result.summary, alone.summary, check_exact=True)


def test_a_batch_does_not_depend_on_its_companions():
    """The same run beside different companions, or in another place of the batch."""
    configs, seeds = mixed_configs()
    group = [k for k in range(16) if k % 4 == 0]
    first = simulate_batch([configs[k] for k in group], [seeds[k] for k in group])
    reordered = simulate_batch([configs[k] for k in reversed(group)], [seeds[k] for k in reversed(group)])
    for a, b in zip(first, reversed(reordered), strict=True):
        pd.testing.assert_frame_equal(a.weekly, b.weekly, check_exact=True)


def every_regime() -> tuple[list, list[int]]:
    """Every preset regime and every example scenario, each with its own seed, plus the same
    regimes starting earlier or later, under full pressure, with telemetry shown from the
    start, and one run sharing another's organisation and seed (so its burn-in is restored)."""
    small = ["org.n_employees=80", *SHORT]
    overrides = [[f"regime={name}"] for name in preset_names("regime")]
    overrides += [list(load_scenario(name).overrides) for name in example_names()]
    overrides += [
        ["regime=token_leaderboard", "regime.start_week=0"],
        ["regime=team_outcome", "regime.start_week=4", "regime.pressure=1.0"],
        ["regime=adoption", "regime.start_week=2", "regime.forced_ranking=0.1"],
        ["regime=value_per_token", "regime.telemetry_visible=false", "regime.window=2"],
    ]
    configs = [resolve(None, [*small, *o]) for o in overrides]
    seeds = [300 + 11 * k for k in range(len(configs))]
    configs.append(resolve(None, [*small, "regime=balanced_scorecard"]))
    seeds.append(seeds[0])  # the first regime's organisation and seed: its burn-in restored
    return configs, seeds


def test_a_batch_mixing_every_regime_equals_each_run_alone(monkeypatch, tmp_path):
    """Runs under different regimes (weights, level, scoring, window, pressure, start week,
    telemetry, forced ranking, goals reset) step together, each regime scoring its own runs;
    every run's tables equal the same run alone, column by column, to the bit."""
    monkeypatch.setenv("GOODHART_SIM_CACHE", str(tmp_path))
    configs, seeds = every_regime()
    assert len({structure(c) for c in configs}) == 1
    batches = []
    build = organisation.Organisations.__init__

    def counted(self, *args, **kwargs):
        build(self, *args, **kwargs)
        batches.append(len(self.regimes))

    monkeypatch.setattr(organisation.Organisations, "__init__", counted)
    batched = simulate_batch(configs, seeds)
    monkeypatch.setattr(organisation.Organisations, "__init__", build)
    # One batch computes every burn-in under all the regimes but one; then the run that
    # shares a burn-in restores it.
    assert batches == [len(configs) - 1, 1]
    started = {int(r.weekly["policy_active"].idxmax()) for r in batched if r.weekly["policy_active"].any()}
    assert len(started) >= 3  # policies start in different weeks within the batch
    for cfg, seed, result in zip(configs, seeds, batched, strict=True):
        alone = run_model(cfg, seed=seed)
        for table in ("weekly", "employees"):
            mine, theirs = getattr(result, table), getattr(alone, table)
            assert list(mine.columns) == list(theirs.columns)
            for column in theirs.columns:
                pd.testing.assert_series_equal(
                    mine[column], theirs[column], check_exact=True, obj=f"{cfg.regime.name} {table}.{column}"
                )
        pd.testing.assert_series_equal(result.summary, alone.summary, check_exact=True)


def test_runs_that_differ_in_structure_are_refused_in_one_batch():
    a = resolve(None, ["regime=token_leaderboard", *SHORT])
    b = resolve(None, ["regime=token_leaderboard", *SHORT, "org.burn_in_weeks=10"])
    with pytest.raises(ValueError, match="structure"):
        Runs([a, b], [np.random.default_rng(0), np.random.default_rng(1)])


def test_runs_with_other_gaming_actions_are_refused_in_one_batch():
    """What an hour of an action does may differ within a batch; which actions there are may not."""
    a = resolve(None, ["regime=token_leaderboard", *SHORT])
    b = resolve(None, ["regime=token_leaderboard", *SHORT, "gaming.agents_running.tokens=99"])
    fewer = copy.deepcopy(a)
    del fewer.gaming["claiming_credit"]
    assert structure(a) == structure(b) != structure(fewer)
    with pytest.raises(ValueError, match="structure"):
        Runs([a, fewer], [np.random.default_rng(0), np.random.default_rng(1)])


def test_merged_config_holds_a_number_per_slot_where_runs_differ():
    a = resolve(None, ["org.n_employees=100", "wellbeing.recovery=0.1", *SHORT])
    b = resolve(None, ["org.n_employees=50", "wellbeing.recovery=0.3", *SHORT])
    runs = Runs([a, b], [np.random.default_rng(0), np.random.default_rng(1)])
    cfg = merged(runs)
    assert cfg.wellbeing.recovery.tolist() == [0.1] * 100 + [0.3] * 50
    assert cfg.wellbeing.base_strain == a.wellbeing.base_strain  # shared: a number
    assert runs.team[99] < runs.team[100]  # teams never span runs


def test_seeds_must_match_configs():
    cfg = resolve(None, SHORT)
    with pytest.raises(ValueError, match="2 configs but 1 seeds"):
        simulate_batch([cfg, cfg], [1])


def test_runs_that_share_a_burn_in_restore_it_in_a_batch_to_the_same_bit(monkeypatch, tmp_path):
    """Three regimes of two organisations and seeds: each burn-in is computed once (by the
    first regime's batch) and restored for the others; a second call restores all of them."""
    monkeypatch.setenv("GOODHART_SIM_CACHE", str(tmp_path))
    orgs = [["org.n_employees=150", "wellbeing.recovery=0.2"], ["org.n_employees=180"]]
    configs, seeds = [], []
    for regime in ("baseline", "token_leaderboard", "decoupled_telemetry"):
        for k, org in enumerate(orgs):
            configs.append(resolve(None, [f"regime={regime}", *org, *SHORT]))
            seeds.append(40 + k)
    first = simulate_batch(configs, seeds)
    assert len(list(tmp_path.glob("*.npz"))) == 2  # one burn-in per organisation and seed
    again = simulate_batch(configs, seeds)
    monkeypatch.setenv("GOODHART_SIM_CACHE", "off")
    from sim.core import burn_in_cache

    burn_in_cache.forget()
    for cfg, seed, a, b in zip(configs, seeds, first, again, strict=True):
        computed = run_model(cfg, seed=seed)
        pd.testing.assert_frame_equal(a.weekly, computed.weekly, check_exact=True)
        pd.testing.assert_frame_equal(b.weekly, computed.weekly, check_exact=True)
        pd.testing.assert_frame_equal(b.employees, computed.employees, check_exact=True)


def test_runs_with_and_without_ai_tools_share_a_batch_and_equal_the_runs_alone():
    """The main job's baseline and its frame without AI tools burn in together: having the
    tools is a mask over the slots, not a structure the runs must share, and a regime's name
    and label are not part of it."""
    configs, seeds = [], []
    for k, regime in enumerate(["baseline", "token_leaderboard", "baseline", "token_leaderboard"]):
        overrides = [f"regime={regime}", "org.n_employees=90", *SHORT]
        if k >= 2:  # named apart, as the main job names its frame: a label the model never reads
            overrides += ["production.ai_available=false", "regime.name=no_ai", "regime.label=No AI tools"]
        configs.append(resolve(None, overrides))
        seeds.append(70 + k)
    assert structure(configs[0]) == structure(configs[2]) and structure(configs[1]) == structure(configs[3])
    batched = simulate_batch(configs, seeds)
    for cfg, seed, result in zip(configs, seeds, batched, strict=True):
        alone = run_model(cfg, seed=seed)
        pd.testing.assert_frame_equal(result.weekly, alone.weekly, check_exact=True)
        pd.testing.assert_frame_equal(result.employees, alone.employees, check_exact=True)
        pd.testing.assert_series_equal(result.summary, alone.summary, check_exact=True)
    without = batched[2].weekly
    assert (without["ai_active_days"] == 0).all() and (without["tokens"] == 0).all()  # no tools, no use


@pytest.mark.parametrize("size", [0, 1, 2, 3, 17, 5000])
def test_ranking_puts_ties_in_order_of_entry_as_numpys_stable_sort_does(size):
    """Ranks decide scores, impressions and forced ranking, so the fast sort must give NumPy's
    stable permutation exactly: ties (zeros and minus zeros, repeated values, NaNs) in order
    of entry."""
    rng = np.random.default_rng(size)
    cases = {
        "distinct": rng.random(size),
        "few values": np.round(rng.random(size) * 5) / 5,
        "signed zeros": np.where(rng.random(size) < 0.5, 0.0, -0.0) * (rng.random(size) < 0.7),
        "NaNs": np.where(rng.random(size) < 0.3, np.nan, rng.random(size)),
    }
    for name, values in cases.items():
        assert np.array_equal(stable_argsort(values), np.argsort(values, kind="stable")), name
        for run in (rng.integers(0, 3, size), np.full(size, 2)):  # entries of several runs, and of one
            assert np.array_equal(order_within(values, run), np.lexsort((values, run))), name
