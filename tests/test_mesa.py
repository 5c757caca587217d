"""OrgModel with Mesa's own tools, as Mesa's examples are used: keyword levers, `rng`,
`running`, the DataCollector's initial state, `batch_run` and a plain SolaraViz."""

from __future__ import annotations

import inspect
import time
import warnings

import ipyvuetify as v
import ipywidgets
import mesa
import numpy as np
import pandas as pd
import pytest
import solara
from mesa.visualization import SolaraViz, make_plot_component

from sim.core.checks import ConfigError
from sim.core.config import RegimeConfig
from sim.core.outputs import WEEKLY_COLUMNS
from sim.core.presets import preset_names
from sim.core.run import resolve
from sim.model import OrgModel

# Mesa 3.4 and later take the seeds as `batch_run(..., rng=[...])`; Mesa 3.3 as a parameter.
BATCH_RUN_TAKES_RNG = "rng" in inspect.signature(mesa.batch_run).parameters


def batch_run(parameters: dict, rng: list) -> pd.DataFrame:
    """`mesa.batch_run` without `max_steps`, one process, on whichever Mesa is installed."""
    if BATCH_RUN_TAKES_RNG:
        rows = mesa.batch_run(OrgModel, parameters=parameters, rng=rng, display_progress=False)
    else:
        rows = mesa.batch_run(OrgModel, parameters={**parameters, "rng": rng}, display_progress=False)
    return pd.DataFrame(rows)


def test_batch_run_drives_the_levers_and_stops_at_the_horizon():
    weeks = 8
    parameters = {
        "n_employees": [40, 80],
        "weeks": weeks,
        "regime": "token_leaderboard",
        "pressure": 0.8,
        "start_week": 2,
    }
    rows = batch_run(parameters, rng=[1, 2])
    assert len(rows) == 4  # one row per run: 2 headcounts x 2 seeds, at the end of the run
    assert {"RunId", "Step", "rng", "n_employees", "regime", *WEEKLY_COLUMNS} <= set(rows.columns)
    # `running` turned False at the horizon, so batch_run's default of 1,000 steps never ran.
    # Mesa 3.4+ reports the last step collected; Mesa 3.3 the one before it.
    last_step = weeks if BATCH_RUN_TAKES_RNG else weeks - 1
    assert (rows["Step"] == last_step).all()
    assert (rows["week"] == rows["Step"] - 1).all()  # row k of the DataCollector is week k - 1
    assert sorted(rows["headcount"] + rows["vacancies"]) == [40, 40, 80, 80]
    assert rows["policy_active"].all()
    for _, runs in rows.groupby("n_employees"):
        assert runs["durable_value"].nunique() == 2  # another seed, another organisation
    again = batch_run({**parameters, "n_employees": 40}, rng=[1])
    same = rows[(rows["n_employees"] == 40) & (rows["rng"] == 1)]
    np.testing.assert_array_equal(again[list(WEEKLY_COLUMNS)], same[list(WEEKLY_COLUMNS)])


def test_levers_are_the_same_as_the_config_keys():
    levers = OrgModel(
        n_employees=60,
        team_size=6,
        weeks=10,
        regime="consumption",
        pressure=0.7,
        forced_ranking=0.05,
        start_week=3,
        judgement_noise=0.5,
        rng=4,
    )
    overrides = [
        "org.n_employees=60",
        "org.team_size=6",
        "org.weeks=10",
        "regime=consumption",
        "regime.pressure=0.7",
        "regime.forced_ranking=0.05",
        "regime.start_week=3",
        "behaviour.judgement_noise=0.5",
    ]
    keys = OrgModel(resolve(None, overrides), rng=4)
    assert levers.config == keys.config
    for model in (levers, keys):
        while model.running:
            model.step()
    pd.testing.assert_frame_equal(levers.weekly(), keys.weekly(), check_exact=True)
    # Levers apply on top of a full config, after its regime; a RegimeConfig is a regime too.
    base = resolve(None, ["org.n_employees=30", "regime=adoption"])
    model = OrgModel(base, regime=RegimeConfig(name="mine", weights={"tokens": 1.0}), pressure=0.3, rng=1)
    assert (model.config.regime.name, model.config.regime.pressure) == ("mine", 0.3)
    assert model.config.org.n_employees == 30 and base.regime.name == "adoption"


@pytest.mark.parametrize(
    "levers, message",
    [
        ({"pressure": 1.5}, "regime.pressure"),
        ({"n_employees": 0}, "org.n_employees"),
        ({"weeks": 2.5}, r"weeks=2.5: must be a whole number \(sets org.weeks\)"),
        ({"pressure": "high"}, "pressure='high': must be a number"),
        ({"regime": "nope"}, "regime=nope: unknown regime; allowed: "),
    ],
)
def test_bad_levers_name_the_key(levers, message):
    with pytest.raises(ConfigError, match=message) as caught:
        OrgModel(**levers, rng=1)
    assert "\n" not in str(caught.value)


def test_rng_none_is_fresh_entropy_and_a_seed_repeats():
    fresh = [OrgModel(n_employees=30, rng=None).workforce.skill for _ in range(2)]
    assert not np.array_equal(*fresh)
    seeded = [OrgModel(n_employees=30, rng=9).workforce.skill for _ in range(2)]
    np.testing.assert_array_equal(*seeded)


def test_the_initial_state_is_collected_and_the_run_stops_at_the_horizon():
    model = OrgModel(n_employees=40, weeks=5, regime="token_leaderboard", start_week=0, rng=2)
    initial = model.datacollector.get_model_vars_dataframe()
    assert len(initial) == 1
    row = initial.iloc[0]
    assert row["week"] == -1 and not row["policy_active"]
    assert (row["quits"], row["fired"], row["hires"]) == (0, 0, 0)
    assert 0.0 <= row["attrition_annualised"] < 1.0  # the last quarter of the burn-in
    assert row["durable_value_index"] == pytest.approx(1.0) and row["volume_index"] == pytest.approx(1.0)
    steps = 0
    while model.running:
        model.step()
        steps += 1
    assert steps == 5
    collected = model.datacollector.get_model_vars_dataframe()
    assert collected["week"].tolist() == [-1, 0, 1, 2, 3, 4]
    assert model.weekly()["week"].tolist() == [0, 1, 2, 3, 4]  # the data contract's weekly table


def test_agents_cannot_be_stepped_one_by_one():
    """Employees view their rows of the vectorised workforce: stepping them alone would do
    nothing, so it says what to do instead."""
    model = OrgModel(n_employees=20, rng=1)
    with pytest.raises(NotImplementedError, match=r"model\.step\(\)"):
        model.agents.shuffle_do("step")


def test_a_plain_solaraviz_drives_the_model_with_sliders():
    params = {
        "n_employees": {
            "type": "SliderInt",
            "value": 60,
            "label": "Headcount",
            "min": 20,
            "max": 400,
            "step": 20,
        },
        "pressure": {
            "type": "SliderFloat",
            "value": 0.5,
            "label": "Pressure",
            "min": 0.0,
            "max": 1.0,
            "step": 0.1,
        },
        "regime": {
            "type": "Select",
            "value": "token_leaderboard",
            "values": preset_names(),
            "label": "Regime",
        },
        "weeks": 6,
        "start_week": 1,
        "rng": 3,
    }
    model = solara.reactive(
        OrgModel(n_employees=60, pressure=0.5, regime="token_leaderboard", weeks=6, start_week=1, rng=3)
    )
    page = SolaraViz(
        model,
        components=[
            make_plot_component("durable_value_index"),
            make_plot_component({"share_theater": "tab:red"}),
        ],
        model_params=params,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Solara's hook checks on Mesa's own code
        _, rc = solara.render(solara.AppLayout(children=[page]), handle_error=False)
    sliders = {w.label: w.v_model for w in rc.find(v.Slider).widgets}
    assert sliders["Headcount"] == 60 and sliders["Pressure"] == 0.5
    charts = rc.find(ipywidgets.Image).widgets
    assert len(charts) == 2 and all(len(c.value) > 1000 for c in charts)  # drawn from the initial state

    rc.find(v.Slider, label="Headcount").widget.v_model = 100
    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert model.value.config.org.n_employees == 100 and model.value.steps == 0
    drawn = [c.value for c in rc.find(ipywidgets.Image).widgets]
    rc.find(v.Btn, children=["Step"]).widget.click()
    deadline = time.monotonic() + 60
    while model.value.steps < 1:
        assert time.monotonic() < deadline, "the Step button did not step the model"
        time.sleep(0.05)
    assert model.value.weekly()["week"].tolist() == [0]
    assert all(a != c.value for a, c in zip(drawn, rc.find(ipywidgets.Image).widgets, strict=True))
