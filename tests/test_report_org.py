"""`report --org`: the verdict across the plausible versions of an organisation.

The outcome rule in one version, the scenario discovery that says what decides it (on
versions whose outcome is known), and the report's first section: its sentences quote its
tables, bad arguments stop before anything is written."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from sim.hr import across
from sim.hr.across import BEATS, NOT_MATERIAL, TRADE_OFF, WORSE, PolicyAcross, decide, outcome
from sim.hr.profile import load_profile, rating_accuracy
from sim.hr.report import main

pytest.importorskip("ema_workbench", reason="report --org needs the [org] extra")

SMALL = ["--points", "32", "--weeks", "26", "--seeds", "2", "--seed", "3"]


def _changes(cost=0.0, per_hour=0.0, burnout=0.0, regretted=0.0) -> pd.Series:
    return pd.Series(
        {
            "cost_per_durable_value": cost,
            "durable_value_per_hour": per_hour,
            "burnout_share": burnout,
            "regretted_attrition": regretted,
        }
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (_changes(cost=-0.02), BEATS),
        (_changes(cost=-0.02, per_hour=+0.05, burnout=-0.01), BEATS),
        (_changes(cost=-0.02, burnout=+0.015), TRADE_OFF),  # cheaper, but more burned out
        (_changes(cost=-0.02, per_hour=-0.012), TRADE_OFF),  # cheaper, by longer hours
        (_changes(cost=-0.005), NOT_MATERIAL),  # below the 1% bar
        (_changes(cost=+0.004, regretted=0.002), NOT_MATERIAL),
        (_changes(cost=+0.004, regretted=0.02), TRADE_OFF),  # not dearer, but top people leave
        (_changes(cost=+0.03, per_hour=+0.05), WORSE),
    ],
)
def test_a_version_beats_measuring_nothing_only_by_the_bars(changes, expected):
    assert outcome(changes) == expected


def _policy(outcomes: np.ndarray, index: pd.Index) -> PolicyAcross:
    series = pd.Series(outcomes, index=index)
    return PolicyAcross(
        "s1", "Team outcome metric", pd.DataFrame(index=index), series, pd.DataFrame(index=index)
    )


def test_scenario_discovery_names_the_parameter_that_decides():
    """Versions where the policy pays exactly when managers' ratings are poor (noise above
    1.4): PRIM's box names judgement noise, as the correlation it gives."""
    rng = np.random.default_rng(4)
    n = 200
    versions = pd.DataFrame(
        {
            "behaviour.judgement_noise": rng.uniform(0.3, 2.0, n),
            "production.review_need": rng.uniform(0.25, 1.0, n),
            "behaviour.moral_weight": rng.uniform(0.2, 1.6, n),
            "regime.forced_ranking": rng.uniform(0, 0.1, n),  # never reaches a policy's runs
        }
    )
    pays = versions["behaviour.judgement_noise"] > 1.4
    policy = _policy(np.where(pays, BEATS, WORSE), versions.index)
    decision = decide(versions, policy)
    assert decision.outcome == BEATS
    assert [name for name, _, _ in decision.conditions][:1] == ["behaviour.judgement_noise"]
    assert decision.inside_share >= 0.9 and decision.outside_share <= 0.1
    r = rating_accuracy(decision.conditions[0][1])
    assert abs(r - rating_accuracy(1.4)) < 0.03
    assert f"managers' ratings track results worse than r = {r:.2f}" in decision.sentence
    assert decision.sentence.startswith("Team outcome metric beats measuring nothing in ")
    assert "regime.forced_ranking" not in decision.sentence


def test_where_a_policy_mostly_pays_discovery_looks_for_where_it_fails():
    rng = np.random.default_rng(5)
    versions = pd.DataFrame(
        {
            "production.review_need": rng.uniform(0.25, 1.0, 150),
            "behaviour.imitation": rng.uniform(0, 0.6, 150),
        }
    )
    fails = versions["production.review_need"] > 0.85
    decision = decide(versions, _policy(np.where(fails, TRADE_OFF, BEATS), versions.index))
    assert decision.outcome == "does not beat"
    assert "does not beat measuring nothing" in decision.sentence
    assert "AI output needs review (production.review_need) is above 0.8" in decision.sentence


def test_a_policy_that_never_pays_is_said_so_without_a_box():
    versions = pd.DataFrame({"production.review_need": np.linspace(0.25, 1.0, 40)})
    decision = decide(versions, _policy(np.full(40, WORSE), versions.index))
    assert decision.conditions == []
    assert "in none of the 40 plausible versions" in decision.sentence


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("org")
    out = folder / "report.html"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")
        patch.chdir(folder)
        assert (
            main(["token_leaderboard", "team_outcome", "--org", "example:startup", *SMALL, "--out", str(out)])
            == 0
        )
    return out.read_text(encoding="utf-8")


def _section(page: str) -> str:
    return page[
        page.index('<section class="lead" id="org-box">') : page.index(
            '<section class="lead" id="verdict-box">'
        )
    ]


def _rows(html: str, table: str) -> dict[str, list[str]]:
    body = html[html.index(f'id="{table}"') :]
    body = body[: body.index("</table>")]
    rows = {}
    for key, cells in re.findall(r'<tr data-row="(\w+)">(.*?)</tr>', body, flags=re.S):
        rows[key] = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", cells, flags=re.S)
        ]
    return rows


def _items(html: str, list_name: str) -> dict[str, str]:
    body = html[html.index(f'data-row="{list_name}"') :]
    body = body[: body.index("</ul>")]
    return {
        k: re.sub(r"<[^>]+>", "", t)
        for k, t in re.findall(r'<li data-row="(\w+)">(.*?)</li>', body, flags=re.S)
    }


def test_the_org_report_opens_with_the_verdict_across_versions(page):
    assert page.index('id="org-box"') < page.index('id="verdict-box"')
    section = _section(page)
    assert "Verdict for Start-up (200 people): each policy across its plausible versions" in section
    assert "One plausible version in detail: the closest to your figures" in page
    table = _rows(section, "org-verdict")
    assert set(table) == {"s1", "s2"}
    verdicts = _items(section, "org-verdict")
    for key, cells in table.items():
        beats, interval, word = cells[1], cells[5], cells[6]
        assert re.fullmatch(r"\d+% \(\d+ of 3\)", beats)  # 32 points, the closest tenth
        line = verdicts[key]
        assert f"{word} measuring nothing here: it beats it in {beats} plausible versions" in line
        assert f"(95% interval {interval})" in line
        shares = [int(c.split("%")[0]) for c in cells[1:5]]
        counts = [int(re.search(r"\((\d+) of", c).group(1)) for c in cells[1:5]]
        assert sum(counts) == 3 and abs(sum(shares) - 100) <= 2


def test_the_org_dollar_line_quotes_its_table(page):
    section = _section(page)
    table = _rows(section, "org-dollars")
    lines = _items(section, "org-dollars")
    assert set(lines) == set(table) == {"s1", "s2"}
    for key, cells in table.items():
        total, tokens, leavers, salaries, value = (c.split(" ")[0] for c in cells[1:])
        line = lines[key]
        assert "for 200 people: total cost " + total + " a year" in line
        assert f"AI tokens {tokens}" in line and f"replacing people who left {leavers}" in line
        assert f"salaries {salaries}" in line and f"durable value {value} units a year" in line


def test_what_decides_it_has_a_sentence_and_a_map_per_policy(page):
    section = _section(page)
    decides = _items(section, "org-decides")
    assert set(decides) == {"s1", "s2"}
    for line in decides.values():
        assert "measuring nothing" in line and "plausible versions" in line
    assert section.count("<svg") >= 1 and "Break-even map of" in section
    assert "scenario discovery with PRIM" in section
    assert 'id="org-ranges"' in section and "nothing: stays at its prior range" in section


def test_the_org_report_says_how_to_make_it_again(page):
    command = "python -m sim report token_leaderboard team_outcome --seeds 2 --seed 3"
    assert f"{command} --org example:startup --points 32" in page


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--org", "no_such_profile.yaml"], "no_such_profile.yaml"),
        (["--org", "example:nowhere"], "example:nowhere"),
        (["--org", "example:startup", "--points", "0"], "--points"),
        (["--org", "example:startup", "--points", "1000000"], "--points"),
        (["--org", "example:startup", "--config-dir", "."], "--config-dir"),
    ],
)
def test_bad_org_arguments_stop_before_writing(argv, said, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["token_leaderboard", *argv, "--out", "r.html"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and said in err[0], err
    assert list(tmp_path.iterdir()) == []


def test_the_versions_share_the_policy_regime_and_differ_in_what_is_open():
    profile = load_profile("example:startup")
    points = pd.DataFrame({"behaviour.judgement_noise": [0.5, 1.5], "regime.forced_ranking": [0.0, 0.08]})
    from sim.core.scenarios import load_scenario
    from sim.hr.fit import in_versions, organisation_overrides

    cfg = load_scenario("token_leaderboard").config(organisation_overrides(profile, 200, 26))
    first, second = in_versions(cfg, points)
    assert (first.behaviour.judgement_noise, second.behaviour.judgement_noise) == (0.5, 1.5)
    assert first.regime == second.regime == cfg.regime  # the policy's regime, whole
    assert first.org.n_employees == 200 and first.org.team_size == profile.team_size


def test_the_bars_are_the_reports_criteria():
    from sim.hr.verdict import CRITERIA

    assert [b.column for b in across.BARS] == [c.column for c in CRITERIA]


def test_the_detailed_version_is_the_fitted_version_as_the_verdict_ran_it():
    """The report's detail runs the closest version from Hydra overrides (`version_overrides`);
    the verdict ran it by setting values (`in_versions`): the two configs must be the same."""
    from sim.core.run import resolve
    from sim.core.scenarios import load_scenario
    from sim.hr.fit import in_versions, organisation_overrides
    from sim.hr.report import version_overrides

    profile = load_profile("example:startup")
    point = pd.DataFrame(
        {"org.team_size": [7.0], "behaviour.judgement_noise": [1.37], "regime.forced_ranking": [0.05]}
    )
    base = organisation_overrides(profile, 200, 26)
    scenario = load_scenario("team_outcome")
    by_values = in_versions(scenario.config(base), point)[0]
    by_overrides = resolve(None, [*base, *version_overrides(point.iloc[0]), *scenario.overrides])
    assert by_overrides == by_values
    assert by_values.org.team_size == 7 and by_values.regime.forced_ranking == 0.0


def test_without_the_org_extra_the_report_says_what_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(across, "missing_extra", lambda extra, what: f"{what} needs the [{extra}] extra")
    monkeypatch.chdir(tmp_path)
    assert main(["team_outcome", "--org", "example:startup", "--out", "r.html"]) == 2
    assert capsys.readouterr().err.strip() == "error: report --org needs the [org] extra"
    assert list(tmp_path.iterdir()) == []
