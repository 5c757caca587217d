"""Model 2.0: managers' judgement, telemetry, trust, gaming as data, alignment and OKR resets.

Each test isolates one mechanism or checks an emergent result across seeds, with the
tolerance stated beside it.
"""

from __future__ import annotations

import textwrap
from types import SimpleNamespace

import numpy as np
import pytest
from scipy.stats import spearmanr

from sim.core.config import Config, GamingAction
from sim.core.presets import load_config
from sim.core.run import resolve
from sim.model import OrgModel
from sim.model.runs import Runs
from sim.model.trust import intrinsic_motivation
from sim.model.turnover import quit_probability
from sim.model.wellbeing import strain_and_recover

from .conftest import SEEDS, summaries
from .test_mechanisms import REPERTOIRE, _one_person_week


def _judgement_correlation(noise: float, seed: int) -> float:
    cfg = resolve(None, ["regime=baseline", "org.n_employees=300", f"behaviour.judgement_noise={noise}"])
    model = OrgModel(cfg, rng=seed)
    for _ in range(40):
        model.step()
    wf = model.workforce
    return float(spearmanr(wf.impression[wf.employed], wf.contribution[wf.employed])[0])


def test_managers_see_contribution_through_noise():
    # judgement_noise=0: managers' impression ranks people as their contribution does (only
    # the hours they see bend it). The default, 1.0, is set so that impressions correlate with
    # contribution about as ratings do with objective results (0.39, Bommer et al. 1995).
    assert np.mean([_judgement_correlation(0.0, s) for s in SEEDS[:2]]) > 0.9
    assert 0.25 < np.mean([_judgement_correlation(1.0, s) for s in SEEDS[:2]]) < 0.55


def test_trust_erodes_under_monitoring_and_costs_motivation_and_people():
    base = summaries(["regime=baseline"], SEEDS[:2])
    tokens = summaries(["regime=token_leaderboard"], SEEDS[:2])
    hidden = summaries(["regime=decoupled_telemetry"], SEEDS[:2])
    shown = summaries(["regime=decoupled_telemetry", "regime.telemetry_visible=true"], SEEDS[:2])
    assert (base["trust"] == 1.0).all()  # nobody monitored: trust stays whole
    # A score real work hardly moves costs more trust than one it does; showing telemetry costs more.
    assert tokens["trust"].mean() < hidden["trust"].mean() - 0.1
    assert shown["trust"].mean() < hidden["trust"].mean() - 0.05
    cfg = Config()
    model = OrgModel(cfg, rng=1)
    wf = model.workforce
    before_quit = quit_probability(wf, cfg.turnover, 42.0, cfg.trust.quit_effect)
    before_motivation = intrinsic_motivation(wf, cfg.trust)
    wf.trust[:] = 0.5
    on = wf.employed  # the burn-in leaves a few posts vacant
    assert np.all(quit_probability(wf, cfg.turnover, 42.0, cfg.trust.quit_effect)[on] > before_quit[on])
    assert np.all(intrinsic_motivation(wf, cfg.trust)[on] < before_motivation[on])


def test_gaming_moves_the_records_never_real_value():
    honest = _one_person_week({"craft": 0.6, "ai": 0.2, "quality": 0.2})
    for action in REPERTOIRE.names:
        gamed = _one_person_week({"craft": 0.5, "ai": 0.2, "quality": 0.2, action: 0.1})
        less = _one_person_week(
            {"craft": 0.5, "ai": 0.2, "quality": 0.2}
        )  # the same week without those hours
        assert gamed.durable_value[0] <= less.durable_value[0] + 1e-12, action
        assert gamed.durable_value[0] < honest.durable_value[0], action
    # Deferring defects: the window credits more than lasts, and what lasts is less.
    deferred = _one_person_week({"craft": 0.5, "ai": 0.3, "deferring_defects": 0.1, "learning": 0.1})
    plain = _one_person_week({"craft": 0.5, "ai": 0.3, "learning": 0.2})
    assert deferred.seen_durable[0] > deferred.durable_value[0]
    assert deferred.seen_rework_rate[0] < plain.seen_rework_rate[0]
    assert deferred.durable_value[0] < plain.durable_value[0]
    # Claiming credit: one's own records rise by what teammates' records lose.
    claimed = _one_person_week({"craft": 0.8, "claiming_credit": 0.2})
    assert claimed.claimed_durable[0] > 0 and claimed.claimed_value[0] > 0


def test_credit_claimed_is_taken_from_teammates_so_team_totals_stand():
    cfg = resolve(None, ["regime=baseline", "org.n_employees=40"])
    model = OrgModel(cfg, rng=3)
    wf = model.workforce
    claiming = model.activities.index("claiming_credit")
    wf.shares[:, ::4] *= 0.7
    wf.shares[claiming, ::4] += 0.3
    week = model._work(model._situation(0.0))
    model._share_credit(week)
    recorded = week.recorded("durable_value")
    real_records = week.seen_durable
    assert np.allclose(wf.team_sum(recorded), wf.team_sum(real_records))
    assert (recorded[::4] > real_records[::4]).all()


def test_a_new_gaming_action_is_yaml_and_is_chosen_only_where_a_metric_rewards_it(tmp_path):
    (tmp_path / "regime").mkdir()
    (tmp_path / "regime" / "prompt_count.yaml").write_text(
        textwrap.dedent(
            """
            label: "Prompt leaderboard"
            weights: {prompts: 1.0}
            scoring: rank
            pressure: 0.7
            telemetry_visible: false
            """
        )
    )
    (tmp_path / "gaming").mkdir()
    (tmp_path / "gaming" / "macros.yaml").write_text(
        'macro_prompts: {label: "A macro that sends prompts", prompts: 200.0, moral_cost: 0.5}\n'
    )
    counted = summaries(["regime=prompt_count", "+gaming=macros"], SEEDS[:2], config_dirs=[tmp_path])
    durable = summaries(["regime=decoupled_telemetry", "+gaming=macros"], SEEDS[:2], config_dirs=[tmp_path])
    assert (counted["regime"] == "prompt_count").all()  # named after its file
    assert counted["theater_macro_prompts"].mean() > 0.02
    assert durable["theater_macro_prompts"].max() < 0.002


def _ranked_on(signal: str, folder) -> list:
    """A regime ranking everyone on one signal at pressure 0.8, written as a user would."""
    (folder / "regime").mkdir(exist_ok=True)
    (folder / "regime" / f"{signal}_rank.yaml").write_text(
        f"weights: {{{signal}: 1.0}}\nscoring: rank\nwindow: 13\npressure: 0.8\ntelemetry_visible: true\n"
    )
    return summaries([f"regime={signal}_rank"], SEEDS[:3], config_dirs=[folder])


def test_volume_padding_emerges_under_an_output_rank_and_costs_durable_value(baseline, tmp_path):
    volume = _ranked_on("volume", tmp_path)
    assert volume["theater_volume_padding"].mean() > 0.03  # over 3% of all hours
    assert volume["durable_value_per_head"].mean() < 0.95 * baseline["durable_value_per_head"].mean()


def test_a_durable_value_rank_has_gaming_of_its_own_smaller_than_token_metrics(baseline, tmp_path):
    durable = _ranked_on("durable_value", tmp_path)
    tokens = _ranked_on("tokens", tmp_path)
    own = ["theater_cherry_picking", "theater_claiming_credit", "theater_deferring_defects"]
    assert durable[own].sum(axis=1).mean() > 2 * baseline[own].sum(axis=1).mean()
    assert durable["theater_share"].mean() < tokens["theater_share"].mean() / 3


def test_token_metrics_are_the_least_aligned_durable_and_team_metrics_the_most():
    alignment = {
        name: summaries([f"regime={name}"], SEEDS[:1])["metric_alignment"].iloc[0]
        for name in ("token_leaderboard", "consumption", "adoption", "decoupled_telemetry", "team_outcome")
    }
    assert np.isnan(summaries(["regime=baseline"], SEEDS[:1])["metric_alignment"].iloc[0])
    others = {
        name: summaries([f"regime={name}"], SEEDS[:1])["metric_alignment"].iloc[0]
        for name in ("individual_outcome", "balanced_scorecard", "value_per_token")
    }
    usage = max(alignment["token_leaderboard"], alignment["consumption"], alignment["adoption"])
    outcome = min(alignment["decoupled_telemetry"], alignment["team_outcome"])
    assert usage < 0.1 < outcome and usage < min(others.values()) and max(others.values()) < outcome


def _share_at_cap(*overrides: str) -> float:
    cfg = resolve(None, ["regime=individual_outcome", "org.n_employees=300", *overrides])
    model = OrgModel(cfg, rng=SEEDS[0])
    at_cap = []
    for week in range(cfg.org.weeks):
        model.step()
        if week >= cfg.org.weeks - 13:
            wf = model.workforce
            at_cap.append(float((wf.score[wf.employed] >= 1.0).mean()))
    return float(np.mean(at_cap))


def test_okr_scores_do_not_saturate():
    # Issue 11: with a baseline whose volume grew 168% in two years, absolute scores anchored
    # once put 45% of staff at the cap. Targets reset each review, and a baseline that settles
    # (issue 12), keep scores spread out, with resets or without.
    assert _share_at_cap() < 0.10
    assert _share_at_cap("regime.reset_each_review=false") < 0.10


def test_a_regime_file_without_a_name_is_named_after_the_file(tmp_path):
    (tmp_path / "regime").mkdir()
    (tmp_path / "regime" / "prompt_count.yaml").write_text("weights: {prompts: 1.0}\npressure: 0.5\n")
    cfg = load_config(["regime=prompt_count"], [tmp_path])
    assert cfg.regime.name == "prompt_count"
    assert cfg.regime.label != "No metric (baseline)"
    assert load_config(["regime=baseline"]).regime.name == "baseline"


def test_gaming_actions_are_checked_like_any_other_parameter():
    with pytest.raises(ValueError, match="gaming.agents_running.acceptance"):
        resolve(None, ["gaming.agents_running.acceptance=1.5"])
    with pytest.raises(ValueError, match="gaming.volume_padding.tokens"):
        resolve(None, ["gaming.volume_padding.tokens=-1"])
    assert isinstance(Config().gaming["cherry_picking"], GamingAction)


def _strain_by_standing(pressure: float, informal_anxiety: float) -> tuple[float, float]:
    """A week's strain for two halves of a workforce alike in all but their standing: the
    first half low in managers' judgement and high on the score, the second the reverse."""
    overrides = ["org.n_employees=16", "org.burn_in_weeks=0", "wellbeing.life_shock_sd=0"]
    cfg = resolve(None, [*overrides, f"wellbeing.informal_anxiety={informal_anxiety}"])
    wf = OrgModel(cfg, rng=1).workforce
    n = wf.n
    low = np.arange(n) < n // 2
    wf.employed[:] = True
    wf.exhaustion[:] = 0.0
    wf.career_concern[:] = 0.5
    wf.worked_hours[:] = 40.0
    wf.reward[:] = 0.5
    wf.score[:] = np.where(low, 0.9, 0.1)
    informal = np.where(low, 0.1, 0.9)
    week = SimpleNamespace(gaming={"moral_cost": np.zeros(n)}, kept_volume=np.ones(n))
    strain_and_recover(
        wf,
        week,  # type: ignore[arg-type]
        pressure=pressure,
        informal=informal,
        team_help=np.zeros(n),
        expected_volume=np.zeros(n),
        cfg=cfg.wellbeing,
        runs=Runs.one(np.random.default_rng(0), cfg, n),
    )
    return float(wf.exhaustion[low].mean()), float(wf.exhaustion[~low].mean())


def test_evaluation_anxiety_comes_from_whatever_decides_careers():
    # With no metric, standing low in managers' judgement strains as a low score would under
    # a metric: anxiety_strain (0.06) x career concern (0.5) x the gap in standing (0.8).
    anxiety = Config().wellbeing.anxiety_strain * 0.5 * 0.8
    low_judged, high_judged = _strain_by_standing(pressure=0.0, informal_anxiety=1.0)
    assert low_judged - high_judged == pytest.approx(anxiety)
    # Under full pressure only the score counts: the half scored low is the strained one.
    low_judged, high_judged = _strain_by_standing(pressure=1.0, informal_anxiety=1.0)
    assert high_judged - low_judged == pytest.approx(anxiety)
    # informal_anxiety=0 is the former model: managers' judgement frightens nobody.
    low_judged, high_judged = _strain_by_standing(pressure=0.0, informal_anxiety=0.0)
    assert low_judged == pytest.approx(high_judged)


class _GainsLab:
    """A stand-in for the validation's Lab: durable value per head of each seed, set by hand."""

    def __init__(self, noisy_gain: np.ndarray):
        self.noisy_gain = noisy_gain
        self.none = 0.01 * np.linspace(-1.0, 1.0, len(noisy_gain))  # no gain, but seed noise

    def summary(self, regime: str, judgement: str, *more: str):
        import pandas as pd

        from sim.studies.validate import NOISY

        base = np.full(len(self.noisy_gain), 100.0)
        if regime == "regime=baseline":
            return pd.DataFrame({"durable_value_per_head": base})
        gain = self.noisy_gain if judgement == NOISY and regime == "regime=decoupled_telemetry" else self.none
        return pd.DataFrame({"durable_value_per_head": base * (1.0 + gain)})


@pytest.mark.parametrize(("in_sds", "beats"), [(0.5, False), (0.85, False), (1.0, True), (2.5, True)])
def test_measurement_has_a_purpose_asks_the_paired_99_interval_above_zero(in_sds, beats):
    """Target 11 as issue 29 restates it: the 99% interval (Bonferroni over the five outcome
    presets) of the gain paired by seed lies above zero. On 12 seeds that is a mean gain above
    t(0.995, 11) / sqrt(12) = 0.90 standard deviations of itself; the former bar of two
    standard deviations, which grew as the organisation shrank, is gone."""
    from sim.studies.validate import measurement_has_a_purpose

    spread = np.linspace(-1.0, 1.0, 12)
    gain = 0.01 * (in_sds + spread / spread.std(ddof=1))
    outcome = measurement_has_a_purpose(_GainsLab(gain))
    assert bool(outcome.checks["a well-aligned metric beats noisy judgement"]) is beats
    assert "by more than two sds across seeds" not in outcome.checks
    assert outcome.checks["nothing beats clear judgement"]
    assert bool(outcome.passed) is beats
