"""The robustness study (experiments/robustness.py): its parameter table and a tiny real run."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.core.config import CALIBRATED, Config
from sim.studies.robustness import SAMPLED_CALIBRATED, parse, shipped

EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"
pytest.importorskip("SALib", reason="SALib absent: pip install -e '.[research]'")


def study(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(EXPERIMENTS / "robustness.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def robustness():
    sys.path.insert(0, str(EXPERIMENTS))
    try:
        yield importlib.import_module("robustness")
    finally:
        sys.path.remove(str(EXPERIMENTS))


def test_every_range_is_reasoned_holds_its_default_and_leaves_calibration_alone(robustness):
    names = [name for name, *_ in robustness.PARAMETERS]
    calibrated = {f"{group}.{name}" for group, values in CALIBRATED.items() for name in values}
    assert len(names) >= 20 and len(set(names)) == len(names)
    assert calibrated & set(names) == set(SAMPLED_CALIBRATED)  # each sampled one says why
    assert all(len(why) > 40 for why in SAMPLED_CALIBRATED.values())
    for name, low, high, reason in robustness.PARAMETERS:
        assert low < high and len(reason) > 20, name
        assert low <= robustness.default_of(name) <= high, name


def test_values_are_set_on_a_copy_and_only_on_numeric_keys(robustness):
    import parameter_space

    cfg = Config()
    changed = parameter_space.with_values(cfg, {"gaming.agents_running.tokens": 12.5, "trust.rebuild": 0.01})
    assert changed.gaming["agents_running"].tokens == 12.5 and changed.trust.rebuild == 0.01
    assert cfg.gaming["agents_running"].tokens == 30.0 and cfg.trust.rebuild == 0.02
    with pytest.raises(TypeError, match="regime.level"):
        parameter_space.with_values(cfg, {"regime.level": 1.0})


def test_a_tiny_real_run_writes_the_claims_table_with_intervals_and_replots_from_its_csv(
    tmp_path, robustness
):
    out, doc, image = tmp_path / "out", tmp_path / "robustness.md", tmp_path / "robustness.png"
    shipped = tmp_path / "robustness.yaml"
    args = ["--out", str(out), "--doc", str(doc), "--image", str(image), "--summary", str(shipped)]
    done = study("--quick", "--parameters", "2", "--jobs", "1", *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    claims = pd.read_csv(out / "robustness_claims.csv")
    assert {"ordering", "token_cost", "team_cuts_gaming", "decoupled", "workload"} <= set(claims["claim"])
    assert ((claims["share"] >= 0) & (claims["share"] <= 1)).all()
    assert ((claims["ci_low"] <= claims["share"]) & (claims["share"] <= claims["ci_high"])).all()
    assert ((claims["ci_low"] >= 0) & (claims["ci_high"] <= 1) & (claims["ci_low"] < claims["ci_high"])).all()
    assert (claims["points"] == 2).all()  # N = 1: one A and one B row
    assert (claims["holds_in_90pct"] == (claims["ci_low"] >= 0.9)).all()
    # Each claim split by the sign of AI's own effect: a share, or nothing where no point has it
    for column in ("share_ai_helps", "share_ai_hurts"):
        assert (claims[column].isna() | claims[column].between(0, 1)).all()
    assert (claims["share_ai_helps"].notna() | claims["share_ai_hurts"].notna()).all()
    assert set(claims["verdict"]) <= {"yes", "no", "not established"}
    # What the simulator ships of the study: the same claims, shares and verdicts.
    summary = parse(shipped.read_text())
    assert [c.key for c in summary.claims] == list(claims["claim"])
    assert [c.share for c in summary.claims] == pytest.approx(list(claims["share"]), abs=1e-4)
    assert [c.verdict for c in summary.claims] == list(claims["verdict"])
    assert (summary.parameters, summary.base_points, summary.employees) == (2, 2, 40)

    runs = pd.read_csv(out / "robustness_runs.csv")
    scenarios = len(robustness.SCENARIOS)
    assert scenarios == 9  # the seven compared, and no metric and the outcome metric ungamed
    assert len(runs) == 4 * scenarios  # N x (k + 2) points, every scenario, one seed
    assert runs.groupby("point")["scenario"].nunique().eq(scenarios).all()
    assert runs.groupby("point")["behaviour.score_stakes"].nunique().eq(1).all()
    sobol = pd.read_csv(out / "robustness_sobol.csv")
    assert {"durable_value_gap", "theater_share", "burnout_share"} <= set(sobol["outcome"])
    assert set(sobol["parameter"]) == {"behaviour.score_stakes", "behaviour.moral_weight"}

    text = doc.read_text()
    assert "| claim | evaluated as | share of space where it holds | 95% CI | holds in >= 90%?" in text
    for claim in claims.itertuples():
        assert f"| {claim.text} |" in text
    assert "## When AI helps and when it hurts" in text
    assert "## Where an outcome metric is gamed into losing" in text
    assert "--quick --parameters 2" in text and "| `behaviour.moral_weight` | 0.8 | 0.2 | 1.6 |" in text
    assert image.read_bytes()[:4] == b"\x89PNG"

    doc.unlink()
    replot = study("--replot", *args, cwd=tmp_path)
    assert replot.returncode == 0, replot.stderr[-3000:]
    assert doc.read_text() == text
    pd.testing.assert_frame_equal(pd.read_csv(out / "robustness_claims.csv"), claims)


def test_the_shipped_study_is_of_todays_claims_and_parameters(robustness):
    """sim/studies/robustness.yaml, which the reports quote, comes from the study as it now stands: a
    claim added, dropped or renamed, or a parameter added, means the study must be rerun."""
    study = shipped()
    assert study is not None, "sim/studies/robustness.yaml is missing: run experiments/robustness.py"
    assert [c.key for c in study.claims] == [c.key for c in robustness.CLAIMS]
    assert [c.claim for c in study.claims] == [c.text for c in robustness.CLAIMS]
    assert study.parameters == len(robustness.PARAMETERS)
    for c in study.claims:
        assert 0 <= c.ci_low <= c.share <= c.ci_high <= 1, c.key
        assert c.verdict == ("yes" if c.ci_low >= 0.9 else "no" if c.ci_high < 0.9 else "not established")


def test_a_summary_with_an_unknown_verdict_is_refused():
    text = (
        "study: {date: d, parameters: 1, points: 3, base_points: 2, employees: 40, weeks: 20}\n"
        "claims: [{key: k, claim: c, test: t, share: 1.0, ci_low: 0.3, ci_high: 1.0, verdict: surely}]\n"
    )
    with pytest.raises(ValueError, match="verdict 'surely'; allowed: yes, no, not established"):
        parse(text)
