"""The policy search: it runs, keeps to its ceilings, writes scenario files the report can
read, and gives the same result again from the same seed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.core.run import simulate_batch, with_values
from sim.core.scenarios import load_scenario
from sim.hr.fit import SCALED_EMPLOYEES
from sim.hr.profile import load_profile
from sim.studies import search
from sim.studies.search import (
    NO_METRIC,
    Ceilings,
    Versions,
    check_results,
    main,
    outcome,
    pareto_front,
    plausible_versions,
    policy_config,
    policy_from_params,
    run_search,
    write_results,
)
from sim.studies.search_report import Check, compare, fresh_seeds, front_figure, verdict

SMALL = ["org.n_employees=150", "org.weeks=40"]
CEILINGS = Ceilings(burnout=0.15, attrition=0.15)


@pytest.fixture(scope="module")
def searched() -> pd.DataFrame:
    return run_search(trials=7, seeds=2, seed=11, ceilings=CEILINGS, base=SMALL)


@pytest.fixture(scope="module")
def checked(searched) -> Check:
    return check_results(
        searched, 2, 11, CEILINGS, SMALL, keep=2, presets=("team_outcome", "token_leaderboard")
    )


def test_the_search_runs_every_trial(searched):
    assert list(searched["trial"]) == list(range(1, 8))
    assert searched["reference"].iloc[0] == "no metric"  # known designs are tried first
    assert (searched["value_per_million"] > 0).all()
    assert searched["burnout"].between(0, 1).all() and (searched["attrition"] >= 0).all()


def test_the_ceilings_hold(searched):
    within = (searched["burnout"] <= CEILINGS.burnout) & (searched["attrition"] <= CEILINGS.attrition)
    assert (searched["feasible"] == within).all()
    front = searched[searched["pareto"]]
    assert not front.empty and front["feasible"].all()
    for _, row in front.iterrows():  # nothing feasible beats a front policy on both counts
        feasible = searched[searched["feasible"] & ~searched["no_metric"]]  # the policies within the ceilings
        better = (feasible["value_per_million"] >= row["value_per_million"]) & (
            feasible["burnout"] <= row["burnout"]
        )
        strictly = (feasible["value_per_million"] > row["value_per_million"]) | (
            feasible["burnout"] < row["burnout"]
        )
        assert not (better & strictly).any()


def test_an_infeasible_policy_never_makes_the_front():
    table = pd.DataFrame(
        {
            "value_per_million": [300.0, 250.0, 240.0, 260.0],
            "burnout": [0.30, 0.02, 0.01, 0.05],
            "feasible": [False, True, True, True],
        }
    )
    assert list(pareto_front(table)) == [False, True, True, True]
    table.loc[3, "burnout"] = 0.02  # now beaten by nothing, and beating the second
    assert list(pareto_front(table)) == [False, False, True, True]


def test_same_seed_same_search(searched):
    again = run_search(trials=7, seeds=2, seed=11, ceilings=CEILINGS, base=SMALL)
    columns = [c for c in searched.columns if c != "_policy"]
    pd.testing.assert_frame_equal(searched[columns], again[columns])
    assert list(searched["_policy"]) == list(again["_policy"])


def test_best_policies_become_scenario_files(searched, checked, tmp_path):
    written = write_results(
        searched, tmp_path, CEILINGS, "python -m sim search (test)", keep=2, check=checked
    )
    names = {p.name for p in written}
    assert {"trials.csv", "pareto.png", "summary.html"} <= names and "summary.md" not in names
    files = sorted(tmp_path.glob("policy-*.yaml"))
    assert 1 <= len(files) <= 2
    best = searched[searched["pareto"]].sort_values("value_per_million", ascending=False)
    for path, (_, row) in zip(files, best.iterrows(), strict=False):
        scenario = load_scenario(path)
        cfg = scenario.config(SMALL)
        policy = row["_policy"]
        assert dict(cfg.regime.weights) == policy["weights"]
        assert cfg.regime.pressure == policy["pressure"]
        assert cfg.regime.forced_ranking == policy["forced_ranking"]
        assert f"trial {row['trial']}" in scenario.name
        head = path.read_text().splitlines()[0]
        assert head.startswith("# What it measures: People are scored on ")  # plain words first
        assert not row["no_metric"]
    summary = (tmp_path / "summary.html").read_text()
    assert summary.lstrip().startswith("<!DOCTYPE html>") and "https:" not in summary
    assert summary.index('id="verdict-box"') < summary.index('id="front"')
    assert "Pareto front" in summary and "python -m sim report policy-1.yaml" in summary
    assert "data:image/png;base64," in summary
    for line in verdict(checked):
        assert line.replace("'", "&#x27;") in summary


def test_no_weights_means_no_metric():
    params = {"signal_1": "none", "weight_1": 1.0, "signal_2": "none", "weight_2": 0.5}
    params |= {"pressure": 0.9, "forced_ranking": 0.1}
    assert policy_from_params(params) == {"weights": {}, "per": {}, "pressure": 0.0, "forced_ranking": 0.0}


def test_nothing_riding_on_the_score_means_no_metric():
    """A metric that moves no pay, promotion or job is measuring nothing under another name."""
    params = {"signal_1": "tokens", "weight_1": 1.0, "per": "none", "level": "individual"}
    params |= {"scoring": "rank", "window": 4, "pressure": 0.0, "forced_ranking": 0.0}
    assert policy_from_params(params) == NO_METRIC
    assert policy_from_params(params | {"pressure": 0.04}) == NO_METRIC
    assert policy_from_params(params | {"pressure": 0.05})["weights"] == {"tokens": 1.0}
    assert policy_from_params(params | {"forced_ranking": 0.05})["weights"] == {"tokens": 1.0}  # people go


def test_no_metric_trials_are_never_offered(searched):
    nothing = searched["_policy"].map(lambda p: not p["weights"])
    assert (searched["no_metric"] == nothing).all() and searched["no_metric"].iloc[0]
    assert not searched.loc[searched["no_metric"], "pareto"].any()
    table = pd.DataFrame(
        {"value_per_million": [300.0, 250.0], "burnout": [0.01, 0.02], "feasible": [True, True]}
    ).assign(no_metric=[True, False])
    assert list(pareto_front(table)) == [False, True]  # a better "no metric" does not hide a policy


def test_the_check_uses_fresh_seeds(checked):
    search, fresh = fresh_seeds(11, 2)
    assert len(fresh) == 3 and not set(search) & set(fresh)
    assert checked.search_seeds == search and checked.fresh_seeds == fresh
    kinds = list(checked.confirmation["kind"])
    # No metric, the best preset that kept to the ceilings (if one did), then the searched policies.
    preset = int(checked.best_preset is not None)
    assert kinds[0] == "reference" and kinds.count("preset") == preset
    assert kinds.count("searched") == len(best := checked.confirmation) - 1 - preset >= 1
    assert all(len(runs) == 3 for runs in best["value_per_million_runs"])
    assert set(checked.presets["preset"]) == {"team_outcome", "token_leaderboard"}


def _contenders(**searched: tuple[float, float]) -> Check:
    """No metric, a preset and searched policies whose runs are no metric's, seed by seed, times
    a factor on value per $1M and on burnout, plus their own noise (constructed, no simulation)."""
    rng = np.random.default_rng(5)
    luck = rng.normal(0, 20, 5)
    value, burnout = 250 + luck, 0.04 + luck / 2000

    def row(name, kind, v, b, noise):
        own = rng.normal(0, noise, 5)
        runs = list(value * v + own - own.mean())
        burn = list(burnout * b)
        return {"name": name, "kind": kind, "value_per_million": np.mean(runs), "burnout": np.mean(burn),
                "attrition": 0.1, "value_per_million_runs": runs, "burnout_runs": burn}  # fmt: skip

    records = [row("no metric", "reference", 1.0, 1.0, 0), row("Team outcome", "preset", 1.02, 1.0, 1.0)]
    records += [row(name, "searched", v, b, 8.0 if v == 1.01 else 1.0) for name, (v, b) in searched.items()]
    frame = compare(pd.DataFrame(records))
    return Check(pd.DataFrame(), frame, "Team outcome", list(range(5)), [])


def test_a_searched_policy_that_beats_no_metric_is_named():
    check = _contenders(**{"Searched policy 1": (1.10, 1.0), "Searched policy 2": (1.01, 1.0)})
    calls = dict(zip(check.confirmation["name"], check.confirmation["vs_none"], strict=True))
    assert calls["Searched policy 1"] == "better" and calls["Searched policy 2"] == "no different"
    lines = verdict(check)
    assert lines[0].startswith("Searched policy 1 beat measuring nothing on 5 fresh runs")
    assert not any("No searched policy beat" in line for line in lines)
    assert "The best preset within the ceilings was Team outcome" in lines[-1]
    assert "Searched policy 1 beat it" in lines[-1]


def test_no_searched_policy_beating_no_metric_is_said():
    check = _contenders(**{"Searched policy 1": (1.01, 1.0), "Searched policy 2": (1.08, 1.5)})
    calls = dict(zip(check.confirmation["name"], check.confirmation["vs_none"], strict=True))
    assert calls == {"no metric": "no different", "Team outcome": "better",
                     "Searched policy 1": "no different", "Searched policy 2": "trade-off"}  # fmt: skip
    lines = verdict(check)
    assert lines[0].startswith("No searched policy beat measuring nothing beyond the noise.")
    assert "Searched policy 2" in lines[0] and "more value for more burnout" in lines[0]


def test_an_empty_front_says_when_measuring_nothing_is_itself_over_the_ceilings():
    check = _contenders()  # no metric: 3.8% burned out, 10% attrition; no searched policy
    assert verdict(check, Ceilings(0.15, 0.15))[0].startswith("No searched policy kept to the ceilings")
    line = verdict(check, Ceilings(0.03, 0.15))[0]
    assert (
        line.startswith("Measuring nothing is itself over the ceilings here: 3.8% burned out")
        and "--max-burnout" in line
    )


def test_the_pareto_chart_has_intervals_and_names(searched, checked):
    import matplotlib.pyplot as plt

    names = {
        int(r["trial"]): f"policy-{k}" for k, (_, r) in enumerate(searched[searched["pareto"]].iterrows(), 1)
    }
    fig = front_figure(searched, checked.presets, CEILINGS, names)
    ax = fig.axes[0]
    texts = {t.get_text() for t in ax.texts}
    assert set(names.values()) <= texts and "no metric" in texts and {"A", "B"} <= texts
    assert len(ax.containers) == 2  # error bars: the front and the presets
    assert "against no metric" in ax.get_ylabel()
    low, high = ax.get_ylim()
    assert low < 0 < high  # the reference, no metric, is on the chart at zero
    plt.close(fig)


def test_a_signal_in_two_slots_adds_up_and_rework_counts_against():
    params = {"signal_1": "durable_value", "weight_1": 0.5, "signal_2": "durable_value", "weight_2": 0.25}
    params |= {"signal_3": "rework_rate", "weight_3": 0.75, "per": "tokens", "level": "team"}
    params |= {"scoring": "rank", "window": 13, "pressure": 0.4, "forced_ranking": 0.0}
    policy = policy_from_params(params)
    assert policy["weights"] == {"durable_value": 0.75, "rework_rate": -0.75}
    assert policy["per"] == {"token_cost": 1.0} and policy["level"] == "team"


@pytest.mark.parametrize(
    "args, named", [(["--max-burnout", "1.5"], "--max-burnout=1.5"), (["--trials", "0"], "--trials=0")]
)
def test_bad_arguments_are_one_line(args, named, tmp_path, capsys):
    assert main([*args, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and named in err[0]
    assert not (tmp_path / "out").exists()


# -- search --org: plausible versions of a profiled organisation ---------------------------------

ORG = ["--org", "example:startup", "--fit-points", "16", "--weeks", "20"]  # 2 plausible versions
LEADERBOARD = {"weights": {"tokens": 1.0}, "per": {}, "level": "individual", "scoring": "rank"}
LEADERBOARD |= {"window": 4, "pressure": 0.6, "forced_ranking": 0.05}


@pytest.fixture(scope="module")
def versions() -> Versions:
    return plausible_versions(load_profile("example:startup"), "example:startup", 2, 16, seed=0, weeks=20)


def test_an_org_search_records_the_versions_it_ran_in(versions, tmp_path, capsys):
    out = tmp_path / "out"
    assert main([*ORG, "--versions", "2", "--trials", "3", "--keep", "1", "--out", str(out)]) == 0
    assert {"trials.csv", "versions.csv", "organisation.yaml", "summary.html"} <= {
        p.name for p in out.iterdir()
    }
    record = yaml.safe_load((out / "organisation.yaml").read_text())
    assert record["profile"] == "example:startup" and record["name"] == "Start-up (200 people)"
    assert record["versions"] == 2 and record["fit"]["points"] == 16 and record["fit"]["accepted"] == 2
    assert record["overrides"] == versions.overrides  # the same fit again: the same organisation
    assert (
        f"org.n_employees={SCALED_EMPLOYEES}" in record["overrides"]
        and "org.team_size=6" in record["overrides"]
    )
    assert set(record["uninformed"]) == set(versions.uninformed)
    table = pd.read_csv(out / "versions.csv")
    assert list(table["version"]) == [1, 2]
    fitted = list(versions.points.columns)
    pd.testing.assert_frame_equal(table[fitted], versions.points, check_exact=False, rtol=1e-12)
    # The record is enough to run a trial again: trial 1 (no metric) in each version on its seed.
    configs = [
        with_values(policy_config(NO_METRIC, record["overrides"]), row)
        for row in table[fitted].to_dict("records")
    ]
    seeds = [int(s) for s in table["search_seeds"]]
    again = outcome(simulate_batch(configs, seeds))
    trials = pd.read_csv(out / "trials.csv")
    assert trials["reference"].iloc[0] == "no metric"
    assert again["value_per_million"] == pytest.approx(trials["value_per_million"].iloc[0], rel=1e-9)
    assert again["burnout"] == pytest.approx(trials["burnout"].iloc[0], rel=1e-9)
    page = (out / "summary.html").read_text()
    assert "2 plausible versions of Start-up (200 people)" in page
    assert "The search was over plausible versions of Start-up (200 people) (profile example:startup)" in page
    if versions.uninformed:
        assert "stayed at its prior range: " + versions.uninformed[0] in page
    assert "--org example:startup --versions 2 --fit-points 16" in page
    if (
        "python -m sim report policy-1.yaml" in page
    ):  # the report it suggests judges them for this organisation
        assert "--seeds 5 --org example:startup</pre>" in page


def test_each_version_is_its_fitted_organisation_under_the_policys_regime(versions):
    configs = versions.configs(LEADERBOARD)
    policy = policy_config(LEADERBOARD, versions.overrides)
    assert len(configs) == 2
    varied = []
    for key in versions.points.columns:
        *path, leaf = key.split(".")
        values = []
        for cfg in configs:
            node = cfg
            for part in path:
                node = node[part] if isinstance(node, dict) else getattr(node, part)
            values.append(float(node[leaf] if isinstance(node, dict) else getattr(node, leaf)))
        assert values == pytest.approx(list(versions.points[key]), rel=1e-6)
        varied.append(values[0] != values[1])
    assert sum(varied) > len(varied) / 2  # two plausible versions differ in most fitted parameters
    for cfg in configs:
        assert (
            cfg.regime == policy.regime
            and cfg.regime.forced_ranking == 0.05
            and dict(cfg.regime.weights) == {"tokens": 1.0}
        )
        assert cfg.org.n_employees == SCALED_EMPLOYEES and cfg.org.team_size == 6 and cfg.org.weeks == 20


def test_a_trial_runs_every_version_in_one_batch_on_its_own_seeds(versions, monkeypatch):
    calls = []

    def batch(configs, seeds, **kwargs):
        calls.append((list(configs), list(seeds)))
        return simulate_batch(configs, seeds, **kwargs)

    monkeypatch.setattr(search, "simulate_batch", batch)
    result = versions.evaluate(NO_METRIC, (), [11, 12, 13, 14])
    assert len(calls) == 1 and calls[0][1] == [11, 12, 13, 14]
    configs = calls[0][0]
    assert (
        configs[0] == configs[2] and configs[1] == configs[3] and configs[0] != configs[1]
    )  # run k: version k mod 2
    assert len(result["value_per_million_runs"]) == 4


@pytest.mark.parametrize(
    "args, named",
    [
        (["--org", "example:nowhere"], "--org: example:nowhere: unknown example"),
        ([*ORG, "--versions", "0"], "--versions=0"),
        ([*ORG, "--versions", "3"], "--versions=3: must be a whole number from 1 to 2"),
        ([*ORG, "--fit-points", "0"], "--fit-points=0"),
        ([*ORG, "--employees", "300"], "--employees=300: not with --org"),
        ([*ORG, "--seeds", "0"], "--seeds=0"),
        (["--versions", "4"], "--versions=4: only with --org"),
        (["--fit-points", "64"], "--fit-points=64: only with --org"),
    ],
)
def test_bad_org_arguments_are_one_line_before_any_fit(args, named, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(search, "fit", lambda *a, **k: pytest.fail("fitted before checking"))
    assert main([*args, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and named in err[0], err
    assert not (tmp_path / "out").exists()


def test_a_bad_profile_names_the_field(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(search, "fit", lambda *a, **k: pytest.fail("fitted before checking"))
    profile = tmp_path / "org.yaml"
    profile.write_text("headcount: -5\n")
    assert main(["--org", str(profile), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: --org: ") and "headcount" in err[0], err
    assert not (tmp_path / "out").exists()
