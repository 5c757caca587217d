"""OrgModel with Mesa's own tools, as Mesa's examples are used: every Config parameter a
keyword, `rng` and `seed`, `running`, the DataCollector's initial state and agent records,
`batch_run`, the posts' grid and a plain SolaraViz with Mesa's own components."""

from __future__ import annotations

import dataclasses
import functools
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
import solara.widgets
from mesa.visualization import SolaraViz, SpaceRenderer, make_plot_component, make_space_component
from mesa.visualization.components import AgentPortrayalStyle

from sim.core.checks import CHOICES, ConfigError
from sim.core.config import Config, RegimeConfig
from sim.core.outputs import WEEKLY_COLUMNS
from sim.core.presets import LEVERS, keyword_names, preset_names, with_levers
from sim.core.run import resolve
from sim.model import OrgModel
from sim.model.agents import AGENT_REPORTERS

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # Solara's hook checks on Mesa's code

# Mesa 3.4 and later take the seeds as `batch_run(..., rng=[...])`; Mesa 3.3 as a parameter.
BATCH_RUN_TAKES_RNG = "rng" in inspect.signature(mesa.batch_run).parameters


def batch_run(parameters: dict, rng: list) -> pd.DataFrame:
    """`mesa.batch_run` without `max_steps`, one process, seeded as the README says for the
    Mesa installed: `rng=[...]` on Mesa 3.4+, a `seed` parameter on Mesa 3.3."""
    if BATCH_RUN_TAKES_RNG:
        rows = mesa.batch_run(OrgModel, parameters=parameters, rng=rng, display_progress=False)
    else:
        rows = mesa.batch_run(OrgModel, parameters={**parameters, "seed": rng}, display_progress=False)
    return pd.DataFrame(rows)


def render(page):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Solara's hook checks on Mesa's own code
        return solara.render(solara.AppLayout(children=[page]), handle_error=False)[1]


def run(model: OrgModel) -> OrgModel:
    while model.running:
        model.step()
    return model


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
    assert {"RunId", "Step", "seed", "n_employees", "regime", *WEEKLY_COLUMNS} <= set(rows.columns)
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
    same = rows[(rows["n_employees"] == 40) & (rows["seed"] == 1)]
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
        "burn_in_weeks": 4,  # any Config parameter, as a fixed model_param
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
    assert model.value.burn_in_weeks == 4
    drawn = [c.value for c in rc.find(ipywidgets.Image).widgets]
    rc.find(v.Btn, children=["Step"]).widget.click()
    deadline = time.monotonic() + 60
    while model.value.steps < 1:
        assert time.monotonic() < deadline, "the Step button did not step the model"
        time.sleep(0.05)
    assert model.value.weekly()["week"].tolist() == [0]
    assert all(a != c.value for a, c in zip(drawn, rc.find(ipywidgets.Image).widgets, strict=True))


def test_batch_run_seeds_bit_for_bit_and_refuses_a_seed_it_would_drop():
    """Mesa 3.5's batch_run overwrites an `rng` given among the parameters with its own
    (None: unseeded); OrgModel's `seed` keyword makes it pass its seeds as `seed`, so a seed
    in the parameters shows up beside it and is refused in one line."""
    parameters = {"n_employees": 30, "weeks": 3, "burn_in_weeks": 4, "regime": "consumption", "start_week": 1}
    columns = list(WEEKLY_COLUMNS)
    first, again = batch_run(parameters, rng=[5, 6]), batch_run(parameters, rng=[5, 6])
    np.testing.assert_array_equal(first[columns], again[columns])  # same seeds, same bits
    assert first["seed"].tolist() == [5, 6]
    assert first.loc[0, "durable_value"] != first.loc[1, "durable_value"]
    collected = run(OrgModel(**parameters, rng=6)).datacollector.get_model_vars_dataframe()
    by_hand = collected.iloc[
        int(first.loc[1, "Step"])
    ]  # the step batch_run reports (3.3: the one before last)
    np.testing.assert_array_equal(first.loc[1, columns].to_numpy(), by_hand[columns].to_numpy())
    if BATCH_RUN_TAKES_RNG:
        assert "seed" in inspect.signature(OrgModel).parameters  # so batch_run passes `seed=`
        with pytest.raises(ConfigError, match=r"rng=\[\.\.\.\]\), not inside parameters") as caught:
            mesa.batch_run(OrgModel, {**parameters, "rng": [5]}, display_progress=False)
        assert "\n" not in str(caught.value)
    else:  # Mesa 3.3: the seeds are parameters, as `rng` or as `seed`
        rows = pd.DataFrame(mesa.batch_run(OrgModel, {**parameters, "rng": [5, 6]}, display_progress=False))
        np.testing.assert_array_equal(rows[columns], first[columns])


def test_seed_seeds_the_model_as_the_command_line_does():
    keyword = OrgModel(n_employees=30, weeks=2, seed=4)
    assert keyword.config.seed == 4
    np.testing.assert_array_equal(keyword.workforce.skill, OrgModel(n_employees=30, rng=4).workforce.skill)
    with pytest.raises(ConfigError, match="rng and seed: give the seed once"):
        OrgModel(n_employees=30, seed=4, rng=4)


def config_leaves() -> dict[str, object]:
    """Every parameter of Config by its dotted key and default, read off the dataclasses."""
    leaves: dict[str, object] = {}
    for section in dataclasses.fields(Config):
        value = getattr(Config(), section.name)
        if dataclasses.is_dataclass(value):
            leaves.update(
                {f"{section.name}.{f.name}": getattr(value, f.name) for f in dataclasses.fields(value)}
            )
        else:
            leaves[section.name] = value
    return leaves


def another_value(key: str, default: object) -> object:
    """A valid value of `key` other than its default."""
    if key in CHOICES:
        return next(c for c in CHOICES[key] if c != default)
    if key == "gaming":
        return dict(list(default.items())[:1])  # a repertoire of one action
    if isinstance(default, bool):
        return not default
    if isinstance(default, int):
        return default + 1
    if isinstance(default, float):
        return default / 2 if default > 0 else 0.01
    if isinstance(default, str):
        return "mine"
    if isinstance(default, list):
        return ["adoption"]
    assert isinstance(default, dict), key
    return {k: v / 2 for k, v in default.items()} if default else {"tokens": 1.0}


def test_every_config_parameter_is_a_keyword():
    """The rule: a section's key by its last part, a top-level key as it is (no two sections
    share a name today, so no `section__key` is needed). Each is set, at once, to a value
    other than its default, and lands on its key."""
    leaves = config_leaves()
    keywords = {key.rpartition(".")[2]: key for key in leaves}
    assert len(keywords) == len(leaves) and keywords == LEVERS
    signature = inspect.signature(OrgModel).parameters
    assert all(signature[keyword].default is None for keyword in keywords)
    values = {keyword: another_value(key, leaves[key]) for keyword, key in keywords.items()}
    cfg = with_levers(None, **values)
    for keyword, key in keywords.items():
        assert functools.reduce(getattr, key.split("."), cfg) == values[keyword], key


def test_the_keywords_cover_the_config_and_a_shared_name_is_qualified():
    assert sorted(LEVERS.values()) == sorted(config_leaves())
    assert keyword_names(["org.size", "team.size", "org.weeks", "top", "org.rng"]) == {
        "org__size": "org.size",
        "team__size": "team.size",
        "weeks": "org.weeks",
        "top": "top",
        "org__rng": "org.rng",
    }


def test_burn_in_and_any_other_key_as_mesa_tools_set_them():
    model = run(OrgModel(n_employees=40, weeks=3, burn_in_weeks=0, salary=100_000.0, quit_effect=0.5, rng=2))
    assert (model.burn_in_weeks, model.config.org.salary, model.config.trust.quit_effect) == (0, 1e5, 0.5)
    assert model.weekly()["salary_cost"].iloc[0] == pytest.approx(
        model.weekly()["headcount"].iloc[0] * 1e5 / 52
    )
    with pytest.raises(ConfigError, match="^burn_in_weeks=2.5: must be a whole number") as caught:
        OrgModel(burn_in_weeks=2.5)
    with pytest.raises(
        ConfigError, match="^n_employes: not a parameter of the model .did you mean n_employees"
    ):
        OrgModel(n_employes=30)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("regime, forced", [("token_leaderboard", 0.1), ("baseline", 0.0)])
def test_each_employee_sits_in_their_post_and_a_hire_takes_the_leavers_cell(regime, forced):
    levers = {"n_employees": 50, "team_size": 6, "weeks": 30, "burn_in_weeks": 8, "start_week": 0}
    plain = run(OrgModel(regime=regime, forced_ranking=forced, rng=3, **levers))
    drawn = OrgModel(regime=regime, forced_ranking=forced, rng=3, **levers)
    grid = drawn.grid  # built before the run, then kept as people come and go
    started = {cell.coordinate: cell.agents[0].unique_id for cell in grid.all_cells if cell.agents}
    run(drawn)
    assert (grid.width, grid.height) == (9, 6)  # a column per team (the last of 2 posts)
    wf = drawn.workforce
    for agent in drawn.agents:
        assert agent.cell.coordinate == (agent.team, agent.slot % 6)
        assert agent.cell.agents == [agent]
    assert sum(len(cell.agents) for cell in grid.all_cells) == wf.employed.sum() == len(drawn.agents)
    now = {cell.coordinate: cell.agents[0].unique_id for cell in grid.all_cells if cell.agents}
    assert any(started.get(post) != person for post, person in now.items())  # people were replaced
    assert drawn.employee_records()["exit"].tolist().count("employed") == len(drawn.agents)
    # The grid draws nothing and changes nothing: the same weeks, bit for bit.
    pd.testing.assert_frame_equal(plain.weekly(), drawn.weekly(), check_exact=True)
    late = OrgModel(n_employees=50, team_size=6, weeks=5, burn_in_weeks=0, rng=3)
    run(late)  # built after the run: everyone still employed is placed
    assert sorted(a.unique_id for a in late.grid.agents) == sorted(a.unique_id for a in late.agents)


def test_employee_records_on_request_match_the_workforce():
    model = run(
        OrgModel(
            n_employees=60,
            weeks=6,
            burn_in_weeks=4,
            regime="consumption",
            start_week=0,
            collect_agents=True,
            rng=1,
        )
    )
    records = model.datacollector.get_agent_vars_dataframe()
    assert list(records.columns) == list(AGENT_REPORTERS)
    steps = records.index.get_level_values(0)
    # One row per person employed at the end of each step: the week's headcount (who worked it)
    # less its leavers, plus the hires who join at its end.
    weekly = model.datacollector.get_model_vars_dataframe()
    at_end = weekly["headcount"] - weekly["quits"] - weekly["fired"] + weekly["hires"]
    assert records.groupby(level=0).size().tolist() == at_end.tolist()
    assert (weekly["quits"] > 0).any()  # the identity is tested with someone leaving
    assert sorted(set(steps)) == list(range(7))  # the initial state and six weeks
    last = records[steps == steps.max()]
    wf = model.workforce
    on = np.flatnonzero(wf.employed)
    by_id = last.droplevel(0).loc[wf.person_id[on]]
    np.testing.assert_array_equal(by_id["exhaustion"], wf.exhaustion[on])
    np.testing.assert_array_equal(by_id["hours"], wf.worked_hours[on])
    np.testing.assert_array_equal(
        by_id["share_theater"], wf.shares[-len(model.repertoire.names) :, on].sum(axis=0)
    )
    np.testing.assert_array_equal(by_id["team"], wf.team[on])
    # Recording reads and draws nothing: the same weeks as without it.
    without = run(
        OrgModel(n_employees=60, weeks=6, burn_in_weeks=4, regime="consumption", start_week=0, rng=1)
    )
    pd.testing.assert_frame_equal(model.weekly(), without.weekly(), check_exact=True)
    with pytest.raises(UserWarning, match=r"OrgModel\(\.\.\., collect_agents=True\)"):
        without.datacollector.get_agent_vars_dataframe()


@pytest.mark.parametrize("components", ["default", "space", "altair space", "renderer"])
def test_solaraviz_draws_the_organisation_with_mesas_own_components(components):
    """The issue's check, SolaraViz(OrgModel(n_employees=60, burn_in_weeks=0, weeks=20)), with
    Mesa's default components, its space components (Matplotlib, Altair) and a SpaceRenderer
    colouring people by exhaustion."""
    model = OrgModel(n_employees=60, burn_in_weeks=0, weeks=20)
    if components == "renderer":
        renderer = SpaceRenderer(model, backend="matplotlib").render(
            agent_portrayal=lambda a: AgentPortrayalStyle(color="tab:red" if a.burned_out else "tab:blue")
        )
        page = SolaraViz(model, renderer=renderer)
    else:
        chosen = {
            "default": "default",
            "space": [make_space_component()],
            "altair space": [make_space_component(backend="altair")],
        }[components]
        page = SolaraViz(model, components=chosen)
    rc = render(page)
    if components in ("space", "renderer"):
        images = rc.find(ipywidgets.Image).widgets
        assert len(images) == 1 and len(images[0].value) > 1000  # the grid of posts, drawn
    else:
        (chart,) = rc.find(solara.widgets.VegaLite).widgets
        drawn = {(p["x"], p["y"]): p["id"] for p in chart.spec["data"]["values"]}
        assert drawn == {(a.team, a.slot % 8): a.unique_id for a in model.agents}  # a column per team
    assert len(model.grid.agents) == len(model.agents) == 60
