"""Managers who can be fooled: claimed credit and deferred defects bend their impressions by
`behaviour.claims_visibility` (docs/model.md S8)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim.model.judgement as judgement
from sim.core.checks import ConfigError
from sim.core.config import BehaviourConfig, ProductionConfig
from sim.core.run import resolve, run_model
from sim.model.judgement import Judgement, overstated
from sim.model.production import WEEK
from sim.model.runs import Runs

from .conftest import SEEDS
from .test_mechanisms import _one_person_week  # one person's week of a given split


def _judgement(claims_visibility: float, typical: float = 2.0) -> Judgement:
    cfg = BehaviourConfig(claims_visibility=claims_visibility)
    return Judgement(cfg, Runs.one(np.random.default_rng(0), n=1), typical=typical)


def test_managers_see_claims_visibility_times_what_the_records_overstate():
    # A quarter of 40 hours claiming teammates' credit: the records credit 10 h x 0.8 / 40 =
    # 0.2 units of durable value that the person did not deliver; teammates' claims take 0.05.
    week = _one_person_week({"craft": 0.5, "quality": 0.25, "claiming_credit": 0.25})
    week.lost["durable_value"] = np.array([0.05])
    hours = np.array([40.0])
    assert overstated(week)[0] == pytest.approx(10 * 0.8 / WEEK - 0.05)
    blind = _judgement(0.0).visible(week, hours)
    for share in (0.3, 1.0):
        bent = _judgement(share).visible(week, hours)
        # Value units already: not scaled by `typical` (2 here), unlike hours and telemetry.
        assert bent[0] - blind[0] == pytest.approx(share * 0.15, rel=1e-12)
    # An honest week's records overstate nothing: the manager sees no more than before.
    honest = _one_person_week({"craft": 0.75, "quality": 0.25})
    assert overstated(honest)[0] == 0.0
    assert _judgement(1.0).visible(honest, hours)[0] == blind[0]


def test_a_deferred_defect_counts_as_delivered_to_the_manager():
    # Unreviewed AI work leaves rework to hide; 2 hours deferring defects push 2 / 40 units of
    # it past the window. The records count it as delivered, while the real durable value
    # also pays the dearer late fix: the manager is overstated (1 + late_defect_cost) x 0.05.
    prod = ProductionConfig()
    plain = _one_person_week({"craft": 0.2, "ai": 0.8})
    deferring = _one_person_week({"craft": 0.15, "ai": 0.8, "deferring_defects": 0.05})
    assert plain.value[0] - plain.durable_value[0] > 0.05  # enough rework to hide the whole 0.05
    assert overstated(plain)[0] == 0.0
    assert overstated(deferring)[0] == pytest.approx((1.0 + prod.late_defect_cost) * 2 / WEEK)
    hours = np.array([40.0])
    manager = _judgement(0.5)
    gain = manager.visible(deferring, hours) - _judgement(0.0).visible(deferring, hours)
    assert gain[0] == pytest.approx(0.5 * 1.5 * 2 / WEEK)


def _short(*overrides: str):
    return resolve(
        None, ["regime=baseline", "org.n_employees=100", "org.weeks=8", "org.burn_in_weeks=8", *overrides]
    )


def test_at_zero_the_term_is_never_computed(monkeypatch, tmp_path):
    """The default leaves today's model as it was: the code path that reads the records is
    not taken at all (a run with it made to fail still runs, to the same table)."""
    monkeypatch.setenv("GOODHART_SIM_CACHE", str(tmp_path))
    before = run_model(_short(), seed=5).weekly

    def fails(week):
        raise AssertionError("the overstated credit was computed")

    monkeypatch.setattr(judgement, "overstated", fails)
    monkeypatch.setenv("GOODHART_SIM_CACHE", str(tmp_path / "other"))  # no burn-in restored
    pd.testing.assert_frame_equal(run_model(_short(), seed=5).weekly, before, check_exact=True)
    with pytest.raises(AssertionError, match="overstated credit"):
        run_model(_short("behaviour.claims_visibility=0.5"), seed=5)


def test_claims_visibility_must_be_a_share():
    with pytest.raises(
        ConfigError, match=r"behaviour.claims_visibility=1.5: must be a share between 0 and 1"
    ):
        resolve(None, ["behaviour.claims_visibility=1.5"])


def test_with_no_metric_credit_claiming_rises_with_what_managers_see_of_it():
    """Under no metric, claiming teammates' credit pays only through the manager. At 0 it
    stays at the few hires' habits (today's level); as more of the claims reach the manager,
    more hours go to it. Small at the defaults: a claimed hour credits 0.8 of a craft hour,
    so even claims seen in full show less than the honest work they displace (S8)."""

    def claiming(share: float) -> float:
        cfg = resolve(
            None,
            [
                "regime=baseline",
                "org.n_employees=200",
                "org.weeks=26",
                "org.burn_in_weeks=26",
                f"behaviour.claims_visibility={share}",
            ],
        )
        return float(np.mean([run_model(cfg, seed=s).summary["theater_claiming_credit"] for s in SEEDS]))

    none, half, full = claiming(0.0), claiming(0.5), claiming(1.0)
    # Measured (2.1, 2.5, 3.0) x 1e-4 of hours over these four seeds: each step up by at least
    # 5%, and claims seen in full by at least a quarter (measured 41%).
    assert none < 1e-3  # nobody claims credit beyond hires' habits when no one sees it
    assert half > 1.05 * none and full > 1.05 * half
    assert full > 1.25 * none
