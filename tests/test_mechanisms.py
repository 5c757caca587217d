"""Each test isolates one mechanism of DESIGN.md and checks its direction and size."""

from __future__ import annotations

import numpy as np
import pytest

from sim.core.config import Config, ProductionConfig
from sim.core.run import resolve, run_model
from sim.model.behaviour import felt_hours
from sim.model.gaming import Repertoire
from sim.model.production import activities, work_week
from sim.studies import calibrate
from sim.studies.validate import consistent

from .conftest import SEEDS, summaries


def test_no_pressure_means_no_more_theater_than_without_a_metric(baseline):
    # A gameable token metric, but nothing rides on it and no manager sees it: nobody has a
    # reason to perform for it.
    runs = summaries(["regime=token_leaderboard", "regime.pressure=0", "regime.telemetry_visible=false"])
    assert runs["theater_share"].mean() < baseline["theater_share"].mean() + 0.002
    assert runs["theater_agents_running"].max() < 0.002


def test_telemetry_shown_to_managers_is_gamed_even_with_nothing_riding_on_the_score(baseline):
    # People believe their manager's impression leans on AI telemetry, so they feed it.
    shown = summaries(["regime=token_leaderboard", "regime.pressure=0", "regime.telemetry_visible=true"])
    usage = ["theater_agents_running", "theater_prompt_padding", "theater_accept_clicking"]
    assert shown[usage].sum(axis=1).mean() > 2 * baseline[usage].sum(axis=1).mean()
    # Token spend rises with it, seed by seed (the same seeds: the same people and roles). By
    # about a tenth (1.087x measured): the baseline already puts more than a third of its hours
    # into AI work, so the padding is a smaller share of its spend.
    spend, base_spend = shown["token_cost_per_head_year"], baseline["token_cost_per_head_year"]
    assert (spend > base_spend).all() and spend.mean() > 1.05 * base_spend.mean()


def test_theater_rises_with_pressure_under_a_token_metric():
    theater = [
        summaries(["regime=token_leaderboard", f"regime.pressure={p}"], SEEDS[:3])["theater_share"].mean()
        for p in (0.1, 0.4, 0.8)
    ]
    assert theater[0] < theater[1] < theater[2]
    assert theater[2] > 3 * theater[0] and theater[2] > 0.05


REPERTOIRE = Repertoire(Config().gaming)


def _one_person_week(
    split: dict[str, float],
    hours: float = 40.0,
    review_demand: float = 0.0,
    prod: ProductionConfig | None = None,
):
    shares = np.array([[split.get(a, 0.0)] for a in activities(REPERTOIRE)])
    ones = np.ones(1)
    return work_week(
        shares,
        np.array([hours]),
        skill=ones,
        fluency=np.array([0.5]),
        token_need=ones,
        efficiency=ones,
        sloppiness=ones,
        team_help=np.zeros(1),
        prod=prod or ProductionConfig(),
        repertoire=REPERTOIRE,
        review_demand=np.array([review_demand]),
    )


def test_rework_rises_with_unreviewed_ai_use():
    craft = _one_person_week({"craft": 0.75, "quality": 0.25})
    reviewed_ai = _one_person_week({"craft": 0.25, "ai": 0.5, "quality": 0.25})
    unreviewed_ai = _one_person_week({"craft": 0.25, "ai": 0.75})
    honest = _one_person_week({"craft": 0.5, "ai": 0.25, "quality": 0.25})
    theater = _one_person_week({"craft": 0.25, "ai": 0.25, "volume_padding": 0.25, "quality": 0.25})
    # Heavy AI use with no review: several-fold the rework of reviewed craft (GitClear, Faros).
    assert unreviewed_ai.rework_rate[0] > 3 * craft.rework_rate[0]
    assert unreviewed_ai.rework_rate[0] > 2 * reviewed_ai.rework_rate[0]
    # Padding ships junk: a quarter of the week padding volume more than doubles rework.
    assert theater.rework_rate[0] > 2 * honest.rework_rate[0]
    # Rework eats value: durable value is below first-judged value, more so without review.
    lost = lambda w: 1 - w.durable_value[0] / w.value[0]  # noqa: E731
    assert lost(unreviewed_ai) > 2 * lost(reviewed_ai)


def test_the_ratchet_of_expectations_raises_hours():
    def last_quarter(*ratchet: str) -> tuple[float, float]:
        # Isolate hours: people keep their split and adjust only how long they work.
        cfg = resolve(
            None, ["regime=baseline", "org.n_employees=300", "behaviour.hours_trial_share=1", *ratchet]
        )
        weeks = [run_model(cfg, seed=s).weekly.tail(13) for s in SEEDS[:3]]
        return np.mean([w["hours_mean"].mean() for w in weeks]), np.mean(
            [w["exhaustion"].mean() for w in weeks]
        )

    hours_on, exhaustion_on = last_quarter()  # the defaults: the norm follows what was delivered
    hours_off, exhaustion_off = last_quarter("wellbeing.ratchet=0", "wellbeing.ratchet_stretch=0")
    assert hours_on > hours_off + 0.4  # at least 0.4 h a week more after two years
    assert exhaustion_on > exhaustion_off


def test_burnout_raises_the_quit_rate_two_to_three_fold():
    # Pool person-weeks over seeds in a stressed organisation, where burnout is common enough.
    runs = summaries(["regime=token_leaderboard", "regime.pressure=0.8", "org.n_employees=1000"], SEEDS)
    ratios = runs["quit_rate_burned_out"] / runs["quit_rate_not_burned_out"]
    # Gallup: 2.6x as likely to look for a job; Hamidi et al.: odds ratio 2.68. Quits among the
    # burned out are few, so: the 95% interval across seeds overlaps 2-2.7, the mean is 1.7-3.
    assert consistent(ratios, 2.0, 2.7)
    assert 1.7 <= ratios.mean() <= 3.0


def test_baseline_voluntary_attrition_is_that_of_a_normal_tech_firm(baseline):
    # Mercer 8.2% (US tech, 2023) to LinkedIn 13.2% (software): the target is the range.
    assert 0.08 <= baseline["attrition"].mean() <= 0.13
    assert baseline["fired_rate"].max() == 0


@pytest.mark.parametrize("share", [0.1])
def test_forced_ranking_lets_the_lowest_scores_go_at_reviews(share):
    cfg = resolve(None, ["regime=token_leaderboard", "org.n_employees=200", f"regime.forced_ranking={share}"])
    result = run_model(cfg, seed=SEEDS[0])
    reviews = [
        w for w in range(cfg.org.weeks) if (w + 1) % cfg.org.review_period == 0 and w >= cfg.regime.start_week
    ]
    fired = result.weekly.set_index("week")["fired"]
    assert (fired.loc[reviews] > 0).all()
    assert fired.drop(index=reviews).sum() == 0
    gone = result.employees[result.employees["exit"] == "fired"]
    assert (
        gone["score_mean"].mean()
        < result.employees[result.employees["exit"] == "employed"]["score_mean"].mean()
    )


def test_vacancies_are_refilled_after_the_delay_and_hires_ramp_up():
    cfg = resolve(None, ["regime=baseline", "org.n_employees=400", "org.vacancy_weeks=6"])
    result = run_model(cfg, seed=SEEDS[0])
    people = result.employees
    quitters = people[people["exit"] == "quit"]
    hires = people[people["hired_week"] > 0]
    assert len(hires) > 0 and len(quitters) > 0
    # Every post vacated before the last weeks has been refilled exactly once, 7 weeks later.
    assert result.weekly["vacancies"].max() < 0.1 * cfg.org.n_employees
    early_exits = quitters[quitters["left_week"] < cfg.org.weeks - 8]
    assert len(hires) >= len(early_exits)
    # Hires up to week 7 fill posts left during the burn-in, which the record does not hold.
    refills = set(hires.loc[hires["hired_week"] >= 7, "hired_week"])
    assert refills <= {w + 1 + 6 for w in people["left_week"] if w >= 0}


def test_a_policy_start_week_leaves_the_first_weeks_as_the_baseline():
    overrides = ["org.n_employees=200", "org.weeks=40", "regime.start_week=20"]
    gamed = run_model(resolve(None, ["regime=token_leaderboard", *overrides]), seed=SEEDS[0]).weekly
    base = run_model(resolve(None, ["regime=baseline", *overrides]), seed=SEEDS[0]).weekly
    cols = ["share_theater", "hours_mean", "durable_value", "quits"]
    before = gamed["week"] < 20
    assert gamed.loc[before, cols].equals(base.loc[before, cols])
    assert not gamed.loc[~before, cols].equals(base.loc[~before, cols])
    assert gamed.loc[before, "metric_index"].isna().all()
    assert gamed.loc[~before, "metric_index"].notna().all()


def _gains_with_ai(skill: np.ndarray, prod: ProductionConfig) -> np.ndarray:
    """Each person's value in a week of AI-suited work against the same week by hand."""
    n = len(skill)

    def week(split: dict[str, float]) -> np.ndarray:
        shares = np.array([np.full(n, split.get(a, 0.0)) for a in activities(REPERTOIRE)])
        ones = np.ones(n)
        return work_week(
            shares,
            np.full(n, 40.0),
            skill=skill,
            fluency=np.full(n, 0.5),
            token_need=ones,
            efficiency=ones,
            sloppiness=ones,
            team_help=np.zeros(n),
            prod=prod,
            repertoire=REPERTOIRE,
        ).value

    return week({"craft": 0.9, "ai": 0.1}) / week({"craft": 1.0})


def test_ai_helps_the_less_skilled_more_by_as_much_as_dell_acqua_found():
    # S3: with AI a person's output follows skill ** (1 - ai_skill_levelling), read from
    # Dell'Acqua et al. (43% below the average, 17% above). Through the model's own week, the
    # halves of the model's spread of skill gain in that ratio (within 1%), and with no
    # levelling every skill gains alike.
    sd = Config().workforce.skill_sd
    skill = np.exp(np.random.default_rng(0).normal(0.0, sd, 200_000))
    below = skill < skill.mean()
    gains = _gains_with_ai(skill, ProductionConfig())
    ai_part = gains - 0.9  # the AI hours' share of the week, against the craft it replaced
    ratio = ai_part[below].mean() / ai_part[~below].mean()
    assert ratio == pytest.approx(
        (1 + calibrate.DELL_ACQUA_BELOW) / (1 + calibrate.DELL_ACQUA_ABOVE), rel=0.01
    )
    assert (
        ProductionConfig().ai_skill_levelling == calibrate.FIXED_FROM_SOURCES["production.ai_skill_levelling"]
    )
    flat = _gains_with_ai(skill, ProductionConfig(ai_skill_levelling=0.0))
    assert np.ptp(flat) < 1e-12
    # Craft alone owes everything to skill, as before.
    craft_only = _gains_with_ai(skill, ProductionConfig(ai_setup_hours=40.0))
    assert np.ptp(craft_only) < 1e-12


def test_ai_hours_past_the_suited_tasks_ship_little_more_volume_feel_no_lighter_and_teach_little():
    # The AI-suited tasks saturate (S3): past them, an AI hour finds ever less to do, for the
    # value it adds and equally for the volume it ships, the effort it spares and the practice
    # it gives. Without this the share of hours in AI work drifted for ever (Known limits).
    weeks = {h: _one_person_week({"craft": 1 - h / 40, "ai": h / 40}) for h in (4, 8, 32, 36)}
    volume = {h: w.volume[0] for h, w in weeks.items()}
    suited = {h: w.suited_ai_hours[0] for h, w in weeks.items()}
    learning = {h: w.fluency_gain[0] for h, w in weeks.items()}
    for h, w in weeks.items():
        assert 0 < suited[h] < h - 1.0 + 1e-9  # the setting-up hour and the unsuited tasks give nothing
        capacity = ProductionConfig().ai_task_hours * w.activity_hours[:4].sum() / 40
        assert suited[h] < capacity  # at most the AI-suited tasks of the week
    early, late = suited[8] - suited[4], suited[36] - suited[32]
    assert late < 0.1 * early  # four more AI hours when most are spent: a tenth of the suited work
    # Volume: four AI hours in place of craft ship more early on, less than the craft they
    # replace once the suited tasks are spent.
    assert volume[8] > volume[4] and volume[36] < volume[32]
    assert learning[36] - learning[32] < 0.1 * (learning[8] - learning[4])
    felt = {h: felt_hours(w, np.array([40.0]), 0.5)[0] for h, w in weeks.items()}
    assert felt[32] - felt[36] < 0.1 * (felt[4] - felt[8])  # the same hours, felt as lighter ever less
