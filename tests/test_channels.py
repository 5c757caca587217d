"""The channels of Goodhart's law (`Config.channels`, docs/model.md "Channels of Goodhart's
law"): each knock-out removes the mechanism it names and nothing before the policy's start
week, runs with different knock-outs batch together, and the channel study's parts sum to
its total (experiments/channels.py)."""

from __future__ import annotations

import copy
import importlib.util
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.core import burn_in_cache
from sim.core.config import ChannelsConfig, Config
from sim.core.run import resolve, run_model, simulate_batch
from sim.model import OrgModel
from sim.model.behaviour import adapt, imitate, renounce_gaming
from sim.model.production import GAMING
from sim.model.runs import column_totals

SMALL = ["org.n_employees=120", "org.weeks=40", "org.burn_in_weeks=20", "regime.start_week=8"]
ALL_OFF = ChannelsConfig(honest_overuse=False, gaming_actions=False, selection=False, expectations=False)


def _spec():
    path = Path(__file__).resolve().parents[1] / "experiments" / "channels.py"
    spec = importlib.util.spec_from_file_location("channels_study", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


study = _spec()


def off(*names: str) -> ChannelsConfig:
    return replace(ChannelsConfig(), **dict.fromkeys(names, False))


def config(regime: str, channels: ChannelsConfig | None = None, extra: tuple[str, ...] = ()) -> Config:
    cfg = resolve(None, [f"regime={regime}", *SMALL, *extra])
    return cfg if channels is None else replace(cfg, channels=channels)


def model_at_start(regime: str, channels: ChannelsConfig | None = None, seed: int = 3) -> OrgModel:
    """A model stepped to the policy's start week (its next step is the first under the policy)."""
    cfg = config(regime, channels)
    model = OrgModel(cfg, rng=seed)
    for _ in range(cfg.regime.start_week):
        model.step()
    return model


def test_every_channel_is_on_by_default():
    assert Config().channels == ChannelsConfig(True, True, True, True)
    assert study.CHANNELS == ("honest_overuse", "gaming_actions", "selection", "expectations")


def test_knock_outs_change_nothing_before_the_start_week_nor_the_burn_in():
    cfg = config("token_leaderboard")
    on, knocked = run_model(cfg, seed=5), run_model(replace(cfg, channels=ALL_OFF), seed=5)
    start = cfg.regime.start_week
    pd.testing.assert_frame_equal(on.weekly.iloc[:start], knocked.weekly.iloc[:start], check_exact=True)
    assert not on.weekly.iloc[start:].equals(knocked.weekly.iloc[start:])
    # The burn-in does not read them, so every subset of knock-outs shares one burn-in.
    assert burn_in_cache.key(cfg, 5, False) == burn_in_cache.key(replace(cfg, channels=ALL_OFF), 5, False)


def test_honest_over_use_off_changes_nothing_without_a_metric():
    cfg = config("baseline")
    plain, knocked = run_model(cfg, seed=6), run_model(replace(cfg, channels=off("honest_overuse")), seed=6)
    pd.testing.assert_frame_equal(plain.weekly, knocked.weekly, check_exact=True)
    pd.testing.assert_frame_equal(plain.employees, knocked.employees, check_exact=True)


def test_gaming_off_leaves_no_hour_of_gaming_under_a_gamed_regime():
    cfg = config("token_leaderboard", extra=("regime.pressure=0.8",))
    gamed = run_model(cfg, seed=7).weekly
    knocked = run_model(replace(cfg, channels=off("gaming_actions")), seed=7).weekly
    start = cfg.regime.start_week
    assert gamed["share_theater"].iloc[start:].mean() > 0.02  # a regime that is gamed
    assert (knocked["share_theater"].iloc[start:] == 0.0).all()
    assert (knocked["gaming_share"].iloc[start:] == 0.0).all()
    assert knocked["share_theater"].iloc[start - 1] > 0.0  # habits of gaming before it


def test_renouncing_gaming_keeps_the_honest_split_in_proportion():
    model = model_at_start("token_leaderboard")
    wf = model.workforce
    wf.shares[:, 0] = 0.0
    wf.shares[:4, 0] = [0.3, 0.2, 0.1, 0.0]
    wf.shares[GAMING, 0] = 0.4
    wf.shares[:, 1] = 0.0
    wf.shares[GAMING + 1, 1] = 1.0  # someone who only games works by hand instead
    untouched = wf.shares[:, 2:].copy()
    mask = np.zeros(wf.n, dtype=bool)
    mask[:2] = True
    renounce_gaming(wf, mask)
    np.testing.assert_allclose(wf.shares[:4, 0], [0.5, 1 / 3, 1 / 6, 0.0])
    assert wf.shares[0, 1] == 1.0 and column_totals(wf.shares[1:, 1]) == 0.0
    assert (wf.shares[GAMING:, :2] == 0.0).all()
    np.testing.assert_array_equal(wf.shares[:, 2:], untouched)


def _adapt_from(model: OrgModel, situation, shares: np.ndarray, hours: np.ndarray, state) -> np.ndarray:
    """The split and hours after one week of search from the same habits and the same draws."""
    wf = model.workforce
    wf.shares[:], wf.hours[:] = shares, hours
    model.runs.generators[0].bit_generator.state = copy.deepcopy(state)
    adapt(situation, model.runs)
    return np.vstack([wf.shares, wf.hours])


def test_honest_over_use_off_weighs_honest_changes_as_with_no_metric():
    """With gaming out of the way, every change is honest: with honest over-use knocked out,
    people choose exactly as they would with nothing measured and no telemetry shown."""
    model = model_at_start("token_leaderboard")
    wf, cfg = model.workforce, model.config
    renounce_gaming(wf, True)
    shares, hours = wf.shares.copy(), wf.hours.copy()
    state = copy.deepcopy(model.runs.generators[0].bit_generator.state)
    knocked = {name: False for name in study.CHANNELS} | {"honest_overuse": True, "gaming_actions": True}
    model.judgement.telemetry_shown = True
    unmetered = _adapt_from(model, model._situation(cfg.regime.pressure, knocked), shares, hours, state)
    metered = _adapt_from(
        model,
        model._situation(cfg.regime.pressure, knocked | {"honest_overuse": False}),
        shares,
        hours,
        state,
    )
    model.judgement.telemetry_shown = False
    nothing_measured = _adapt_from(model, model._situation(0.0, knocked), shares, hours, state)
    np.testing.assert_array_equal(unmetered, nothing_measured)
    assert not np.array_equal(metered, nothing_measured)  # the metric does move honest choices


def test_expectations_off_holds_each_persons_expectation_where_it_stood():
    def expectations_of_stayers(channels: ChannelsConfig) -> tuple[np.ndarray, np.ndarray]:
        model = model_at_start("individual_outcome", channels)
        wf = model.workforce
        ids, before = wf.person_id.copy(), wf.expectation.copy()
        for _ in range(30):  # two reviews
            model.step()
        stayed = wf.employed & (wf.person_id == ids)
        return before[stayed], wf.expectation[stayed]

    before, after = expectations_of_stayers(off("expectations"))
    np.testing.assert_array_equal(before, after)
    before, after = expectations_of_stayers(ChannelsConfig())
    assert np.mean(before != after) > 0.9  # on, the ratchet moves nearly everyone's


def test_selection_off_stops_imitation_but_keeps_its_draws():
    model = model_at_start("token_leaderboard")
    wf, runs = model.workforce, model.runs
    wf.reward[:] = np.linspace(0.0, 1.0, wf.n)  # someone better rewarded in every team
    shares = wf.shares.copy()
    state = copy.deepcopy(runs.generators[0].bit_generator.state)
    imitate(wf, 0.3, runs, knocked_out=np.ones(wf.n, dtype=bool))
    np.testing.assert_array_equal(wf.shares, shares)
    after_knocked = runs.generators[0].bit_generator.state
    runs.generators[0].bit_generator.state = state
    imitate(wf, 0.3, runs)
    assert not np.array_equal(wf.shares, shares)
    assert runs.generators[0].bit_generator.state == after_knocked  # the same draws either way


def test_selection_off_lets_hires_keep_their_own_habits():
    """A hire's split with selection knocked out is the split they would bring with no
    onboarding conformity at all: nothing copied from the best-rewarded teammate."""

    def hire_split(conformity: float, own_habits: bool) -> np.ndarray:
        model = model_at_start("token_leaderboard")
        wf = model.workforce
        behaviour = replace(model.config.behaviour, onboarding_conformity=conformity)
        cfg = replace(model.config, behaviour=behaviour)
        slots = np.array([0, 9, 17])
        wf.vacate(slots, refill_week=0)
        model.runs.generators[0].bit_generator.state = copy.deepcopy(STATE)
        wf.hire(slots, np.array([-1, -2, -3]), 0, cfg, model.runs, own_habits=own_habits)
        return wf.shares[:, slots].copy()

    STATE = copy.deepcopy(np.random.default_rng(11).bit_generator.state)
    own = hire_split(0.6, own_habits=True)
    np.testing.assert_array_equal(own, hire_split(0.0, own_habits=False))
    assert not np.array_equal(own, hire_split(0.6, own_habits=False))


def test_runs_with_different_knock_outs_batched_together_equal_the_runs_alone(monkeypatch, tmp_path):
    monkeypatch.setenv("GOODHART_SIM_CACHE", str(tmp_path))
    cfg = config("token_leaderboard")
    variants = [ChannelsConfig(), off("honest_overuse"), off("gaming_actions", "selection"), ALL_OFF]
    configs = [replace(cfg, channels=c) for c in variants]
    seeds = [21, 21, 22, 23]
    for batched, c, seed in zip(simulate_batch(configs, seeds), configs, seeds, strict=True):
        alone = run_model(c, seed=seed)
        pd.testing.assert_frame_equal(batched.weekly, alone.weekly, check_exact=True)
        pd.testing.assert_frame_equal(batched.employees, alone.employees, check_exact=True)


# -- the study's decomposition ----------------------------------------------------------


def _game(worth) -> dict[frozenset[str], np.ndarray]:
    return {on: np.atleast_1d(np.asarray(worth(on), dtype=float)) for on in study.subsets()}


def test_shapley_gives_each_channel_its_own_effect_in_an_additive_game():
    own = {"honest_overuse": 1.0, "gaming_actions": -4.0, "selection": 0.5, "expectations": -0.25}
    parts = study.decompose(_game(lambda on: 2.0 + sum(own[c] for c in on)))
    for channel, effect in own.items():
        assert parts[channel][0] == pytest.approx(effect)
        assert parts[f"{channel}_one_at_a_time"][0] == pytest.approx(effect)
    assert parts["rest"][0] == 2.0 and parts["interaction_one_at_a_time"][0] == pytest.approx(0.0)


def test_shapley_shares_an_interaction_evenly_between_the_channels_in_it():
    both = {"gaming_actions", "selection"}  # selection matters only where people game
    parts = study.decompose(_game(lambda on: 3.0 if both <= on else 0.0))
    assert parts["gaming_actions"][0] == pytest.approx(1.5) and parts["selection"][0] == pytest.approx(1.5)
    assert parts["honest_overuse"][0] == 0.0 and parts["expectations"][0] == 0.0
    assert parts["interaction_one_at_a_time"][0] == pytest.approx(-3.0)  # one at a time counts it twice


def test_the_channel_table_sums_to_the_total_for_each_regime():
    regimes = ["token_leaderboard", "team_outcome"]
    runs = study.run(regimes, 48, 20, [1, 2], ["org.burn_in_weeks=10", "org.team_size=6"])
    assert len(runs) == 3 * 16 * 2 and set(runs["channels_off"]) == {study.name(on) for on in study.subsets()}
    parts = study.table(runs)
    assert list(parts["regime"]) == regimes
    summed = parts[list(study.PARTS)].sum(axis=1)
    np.testing.assert_allclose(summed, parts["total"], rtol=0, atol=1e-9)
    # Each seed's parts sum to its total too, so the interval of the total is the parts' own.
    assert (parts["total_low"] <= parts["total"]).all() and (parts["total"] <= parts["total_high"]).all()
    text = study.render(parts, "python experiments/channels.py", 48, 20, 2)
    assert all(f"| {regime} |" in text for regime in regimes)
    assert "| regime | total | honest over-use | gaming | selection | expectations |" in text


def test_the_study_writes_its_table_figure_and_runs(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["--quick", "--regimes", "token_leaderboard", "--out", str(out), "org.burn_in_weeks=10"]
    assert study.main(args) == 0
    assert (out / "channels.png").read_bytes()[:4] == b"\x89PNG"
    parts = pd.read_csv(out / "channels.csv")
    assert list(parts["regime"]) == ["token_leaderboard"] and (parts["seeds"] == 2).all()
    assert len(pd.read_csv(out / "channels_runs.csv")) == 2 * 16 * 2
    assert "| token_leaderboard |" in (out / "channels.md").read_text()
    assert "| token_leaderboard |" in capsys.readouterr().out


def test_the_study_refuses_a_bad_override_before_writing_anything(tmp_path, capsys):
    out = tmp_path / "out"
    assert study.main(["--quick", "--out", str(out), "org.n_employees=many"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: org.n_employees") and len(error.strip().splitlines()) == 1
    assert not out.exists()


def test_a_new_validation_report_keeps_the_channel_split_and_other_studies():
    """docs/validation.md's channel table is written by experiments/channels.py; rerunning
    `python -m sim validate` must keep it, and the shipped report carries the marker."""
    from pathlib import Path

    from sim.studies.validate import OTHER_STUDIES, keep_other_studies

    old = f"# Validation\n\nold targets\n\n{OTHER_STUDIES}\n\n## Goodhart's law by channel\n\n| a | b |\n"
    new = keep_other_studies("# Validation\n\nnew targets\n", old)
    assert new.startswith("# Validation\n\nnew targets\n") and "old targets" not in new
    assert new.endswith(f"{OTHER_STUDIES}\n\n## Goodhart's law by channel\n\n| a | b |\n")
    assert keep_other_studies("fresh\n", None) == "fresh\n"
    assert keep_other_studies("fresh\n", "no marker here") == "fresh\n"
    shipped = (Path(__file__).resolve().parents[1] / "docs" / "validation.md").read_text(encoding="utf-8")
    assert shipped.index(OTHER_STUDIES) < shipped.index("## Goodhart's law by channel")
