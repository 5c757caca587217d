"""OrgModel is a mesa.Model like any other: stepped by hand, agents inspected."""

from __future__ import annotations

import platform

import mesa
import numpy as np
import pandas as pd
import pytest

from sim import Config, Employee, OrgModel, simulate
from sim.core.checks import ConfigError
from sim.core.run import resolve


def small_model(*overrides: str) -> OrgModel:
    return OrgModel(resolve(None, ["org.n_employees=60", "org.team_size=6", *overrides]), rng=3)


def test_employees_are_mesa_agents_viewing_their_row():
    model = small_model()
    assert isinstance(model, mesa.Model)
    employees = model.agents_by_type[Employee]
    # The burn-in before week 0 leaves a few posts vacant, as any organisation has.
    assert len(employees) == int(model.workforce.employed.sum()) >= 54
    person = next(iter(employees))
    assert person.exhaustion == pytest.approx(model.workforce.exhaustion[person.slot])
    person.exhaustion = 0.9  # a view: writing the agent writes the array
    assert model.workforce.exhaustion[person.slot] == 0.9
    assert sum(person.split.values()) == pytest.approx(1.0)
    assert person.team == person.slot // 6


def test_stepping_by_hand_counts_weeks_and_keeps_agents_in_step_with_posts():
    model = small_model("regime=token_leaderboard", "turnover.base_attrition=0.5")
    for _ in range(30):
        model.step()
    assert model.steps == 30
    employed = int(model.workforce.employed.sum())
    assert len(model.agents_by_type[Employee]) == employed
    assert {a.slot for a in model.agents_by_type[Employee]} == set(np.flatnonzero(model.workforce.employed))
    frame = model.weekly()
    assert len(frame) == 30 and frame["quits"].sum() > 0
    # People who left are no longer agents of the model, but stay in the employee table.
    records = pd.DataFrame(model.employee_records())
    at_start = model.datacollector.get_model_vars_dataframe()["headcount"].iloc[0]
    assert len(records) == at_start + frame["hires"].sum()
    assert (records["exit"] == "quit").sum() == frame["quits"].sum()


def test_simulate_returns_pandas_tables_and_accepts_a_config_or_overrides():
    result = simulate(
        Config(), ["org.n_employees=40", "org.weeks=8", "regime=adoption", "regime.start_week=4", "seed=4"]
    )
    assert isinstance(result.weekly, pd.DataFrame) and len(result.weekly) == 8
    assert isinstance(result.employees, pd.DataFrame) and len(result.employees) >= 40
    assert isinstance(result.summary, pd.Series) and result.summary["regime"] == "adoption"
    again = simulate(
        overrides=["org.n_employees=40", "org.weeks=8", "regime=adoption", "regime.start_week=4", "seed=4"]
    )
    pd.testing.assert_frame_equal(result.weekly, again.weekly, check_exact=True)


@pytest.mark.parametrize(
    "override, key",
    [
        ("regime=no_such_regime", "regime=no_such_regime"),
        ("org.n_employees=-5", "org.n_employees"),
        ("regime.pressure=1.5", "regime.pressure"),
        ("regime.weights.tokens=0", "regime.weights"),
        ("regime.level=department", "regime.level"),
        ("org.n_employees=many", "org.n_employees"),
    ],
)
def test_bad_input_raises_a_one_line_error_naming_the_key(override, key):
    overrides = ["regime=token_leaderboard", override] if not override.startswith("regime=") else [override]
    with pytest.raises(ConfigError) as error:
        simulate(overrides=overrides)
    message = str(error.value)
    assert key in message and "\n" not in message


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="malloc settings are glibc's"
)
def test_building_a_model_keeps_freed_memory_for_the_next_week():
    """A week frees arrays that the next week allocates again; on glibc the model tells malloc
    to keep them rather than hand them back and fault them in again."""
    from sim.model.memory import keep_freed_memory

    keep_freed_memory.cache_clear()
    OrgModel(Config(), n_employees=16, weeks=1, rng=0)
    assert keep_freed_memory.cache_info().currsize == 1
    assert keep_freed_memory() is True


def test_what_the_burn_in_delivers_becomes_known_after_the_durability_window(monkeypatch):
    """Durable value is known `durability_weeks` after it is delivered, across the start of the
    record as anywhere: week 0 shows what week -3 delivered, not the founders' steady week."""
    entered = []
    entering = OrgModel._entering

    def recording(self, week):
        rows = entering(self, week)
        entered.append(rows.copy())
        return rows

    monkeypatch.setattr(OrgModel, "_entering", recording)
    cfg = resolve(None, ["org.n_employees=40", "org.burn_in_weeks=6", "production.durability_weeks=3"])
    model = OrgModel(cfg, rng=1)
    assert len(entered) == 1 + 6  # the steady week that fills the window, then the burn-in
    for week in range(4):
        on = model.workforce.employed.copy()
        model.step()
        delivered = entered[1 + 6 + week - 3]  # the week `week - 3`
        assert model.week_stats["durable_value"] == pytest.approx(delivered[0][on].sum(), rel=1e-12)
