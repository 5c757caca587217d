"""The workshop app, headless: Solara components rendered with `solara.render`, no browser."""

from __future__ import annotations

import re
import socket
import threading
import time
import warnings
from html import escape

import ipyvuetify as v
import numpy as np
import pytest
import solara
import solara.widgets

from sim.app import __main__ as launcher
from sim.app import assets
from sim.app import page as app_page
from sim.app.page import Page, WeekCounter, WorkshopApp, dashboard_charts
from sim.app.workshop import STATES, WorkshopModel, check_setup, workshop_config
from sim.core.checks import ConfigError
from sim.model import OrgModel

SMALL = {"n_employees": 200, "team_size": 8, "seed": 5}

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # solara's hook checks on Mesa's code


def render(element):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return solara.render(solara.AppLayout(children=[element]), handle_error=False)[1]


def week_shown(rc) -> int:
    return rc.find(WeekCounter).widget.week


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def notice(rc) -> list[str]:
    """The one-line notices in the top bar."""
    return [
        w.unsafe_innerHTML
        for w in rc.find(solara.widgets.HTML).widgets
        if "goodhart-notice" in w.attributes.get("class", "")
    ]


def click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def html(rc) -> str:
    return "".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)


@pytest.fixture
def app():
    """An app around a small model the test can inspect."""
    model = solara.reactive(WorkshopModel("token_leaderboard", **SMALL))
    return model, render(WorkshopApp(model=model))


def test_page_renders_panels_charts_grid_and_controls():
    rc = render(Page())
    wait_for(lambda: html(rc).count('class="baseline"') == 9)  # the baseline arrives from the background
    text = html(rc)
    assert "What the dashboard shows" in text and "What is really happening" in text
    assert text.count('class="goodhart-chart"') == 9
    assert text.count("same company, no metric") == 9  # every chart says what the grey line is
    assert text.count('class="policy-start"') == 9  # and where the policy starts
    assert 'class="goodhart-grid"' in text
    assert 'data-posts="1000"' in text  # one square per post, default headcount
    assert sum(map(int, re.findall(r'data-count="(\d+)"', text))) == 1000
    for state in STATES:
        assert state in text  # the legend
    assert not notice(rc)
    assert "Ask the room first" in text
    for label in ("Reset", "▶", "Step"):
        rc.find(v.Btn, children=[label]).assert_single()
    assert week_shown(rc) == 0


def test_step_advances_the_model_and_the_charts(app):
    model, rc = app
    before = html(rc).count('class="live"')
    click(rc, "Step")
    click(rc, "Step")
    assert model.value.steps == 2
    assert week_shown(rc) == 2
    assert len(model.value.weekly()) == 2
    assert html(rc).count('class="live"') > before  # the live lines appear


def test_choosing_a_preset_changes_the_regime(app):
    model, rc = app
    click(rc, "Step")
    select = rc.find(v.Select, label="Preset").widget
    assert "Team cost-to-serve" in select.items
    select.v_model = "Team cost-to-serve"
    regime = model.value.config.regime
    assert regime.name == "team_outcome"
    assert regime.level == "team" and "durable_value" in regime.weights
    assert model.value.config.org.n_employees == SMALL["n_employees"]  # the set-up is kept
    assert week_shown(rc) == 0  # a preset starts its scenario afresh
    assert "Team cost-to-serve" in html(rc)


def test_pressure_lever_changes_the_next_week():
    """Two identical organisations under the token leaderboard; in one, pressure drops to
    zero mid-run through the slider. The very next week, less time goes on theater."""
    twins = [solara.reactive(WorkshopModel("token_leaderboard", **SMALL)) for _ in range(2)]
    apps = [render(WorkshopApp(model=m)) for m in twins]
    for model in twins:
        for _ in range(30):
            model.value.step()
    rc = apps[1]
    rc.find(v.Slider, label="Pressure").widget.v_model = 0.0
    assert twins[1].value.config.regime.pressure == 0.0
    for rc in apps:
        click(rc, "Step")
    kept, dropped = (m.value.weekly().iloc[-1] for m in twins)
    assert kept.pressure == 0.5 and dropped.pressure == 0.0
    assert dropped.share_theater < kept.share_theater
    assert dropped.gaming_share < kept.gaming_share


def test_weight_lever_rebuilds_the_metric(app):
    model, rc = app
    for _ in range(20):
        click(rc, "Step")
    before = model.value.baseline()
    rc.find(v.Slider, label="Durable value").widget.v_model = 1.0
    rc.find(v.Slider, label="Tokens burned").widget.v_model = 0.0
    m = model.value
    assert m.config.regime.weights == {"durable_value": 1.0}
    assert m.metric.names == ["durable_value"] and m.metric.regime is m.config.regime
    click(rc, "Step")
    assert m.weekly().metric_index.iloc[-1] == pytest.approx(1.0, abs=0.3)  # re-anchored now
    after = m.baseline()  # the baseline reads the new formula too, from week 0
    assert not np.allclose(after.metric_index, before.metric_index, equal_nan=True)
    np.testing.assert_array_equal(after.durable_value, before.durable_value)  # same company
    assert "metric 1 tokens → 1 durable value" in html(rc)  # the marker says what changed


def test_forced_ranking_and_start_week_levers(app):
    model, rc = app
    rc.find(v.Switch).widget.v_model = True
    assert model.value.config.regime.forced_ranking == pytest.approx(0.1)
    assert "forced ranking off → 10%" in html(rc)  # a marker on the charts at once
    rc.find(v.Slider, label="Start week").widget.v_model = 40
    for _ in range(14):
        click(rc, "Step")
    assert not model.value.weekly().policy_active.any()  # the policy waits for week 40


def test_reset_applies_the_set_up(app):
    model, rc = app
    rc.find(v.Slider, label="Headcount: 200").widget.v_model = 300
    rc.find(v.Slider, label="Team size: 8").widget.v_model = 5
    click(rc, "Step")
    assert model.value.config.org.n_employees == 200  # not before Reset
    click(rc, "Reset")
    cfg = model.value.config
    assert (cfg.org.n_employees, cfg.org.team_size, cfg.regime.name) == (300, 5, "token_leaderboard")
    assert model.value.steps == 0
    assert 'data-posts="300"' in html(rc)
    assert "forced ranking" not in html(rc)  # a new run has no markers


def test_two_sessions_do_not_share_a_model():
    first, second = render(Page()), render(Page())
    click(first, "Step")
    click(first, "Step")
    assert week_shown(first) == 2
    assert week_shown(second) == 0
    click(second, "Step")
    assert (week_shown(first), week_shown(second)) == (2, 1)


def test_baseline_twin_is_the_no_metric_run():
    """The faint line is the same organisation and seed under no metric, bit for bit."""
    model = WorkshopModel("token_leaderboard", **SMALL)
    plain = OrgModel(workshop_config("baseline", **SMALL), rng=SMALL["seed"])
    for _ in range(plain.config.org.weeks):
        plain.step()
    ours, theirs = model.baseline(), plain.weekly()
    for column in ("durable_value", "share_theater", "burnout_share", "headcount", "token_cost"):
        np.testing.assert_array_equal(ours[column].to_numpy(), theirs[column].to_numpy())
    assert ours.metric_index.iloc[-1] > 0  # the metric as it would read if nobody chased it


def test_person_states_cover_everyone():
    model = WorkshopModel("consumption", **SMALL)
    for _ in range(40):
        model.step()
    states = model.person_states()
    wf = model.workforce
    assert len(states) == wf.n
    assert (states[~wf.employed] == STATES.index("vacant")).all()
    assert (states[wf.burned_out & wf.employed] == STATES.index("burned out")).all()
    assert (states == STATES.index("gaming")).any()  # a quota makes some people game


def test_launcher_serves_localhost_offline(tmp_path):
    cmd = launcher.command()
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert "--production" in cmd
    env = launcher.offline_env({})
    assert env["SOLARA_ASSETS_PROXY"] == "True"
    assert env["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1:")
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert assets.missing(tmp_path)  # an empty cache lacks everything
    assert "@widgetti/solara-vuetify-app@10.1.1/dist/solara-vuetify-app8.min.js" in assets.missing(tmp_path)


def test_asset_list_matches_the_installed_solara():
    """The packages fetched for offline use are the ones this Solara's page asks for; after
    a Solara upgrade this fails, naming what to update in sim/app/assets.py."""
    import re
    from pathlib import Path

    import solara.server.settings as server_settings

    solara_dir = Path(solara.__file__).parent
    template = (solara_dir / "server" / "templates" / "solara.html.j2").read_text()
    markdown = (solara_dir / "components" / "markdown.py").read_text()
    app = re.search(r"@widgetti/solara-vuetify-app@[\d.]+", template).group(0)
    requirejs = re.search(r"requirejs@[\d.]+", template).group(0)
    mermaid = re.search(r"mermaid@[\d.]+", markdown).group(0)
    fontawesome = server_settings.assets.fontawesome_path.strip("/").split("/")[0]
    grid = (solara_dir / "widgets" / "vue" / "gridlayout.vue").read_text()  # Mesa's chart grid
    gridlayout = re.search(r"@widgetti/vue-grid-layout@[\w.-]+(?=/)", grid).group(0)
    assert {app, requirejs, mermaid, fontawesome, gridlayout} == set(assets.PACKAGES)


def test_the_app_offers_the_same_scenario_files_as_the_cli_and_report(monkeypatch, tmp_path):
    from sim.app import workshop

    scenario = tmp_path / "rubric.yaml"
    scenario.write_text(
        'name: "Tokens on the rubric"\nregime: consumption\n'
        "description: Tokens count from week 5, in the file's own words.\n"
        "set: {regime.pressure: 0.7, regime.start_week: 5}\n"
    )
    monkeypatch.setenv(workshop.SCENARIOS_ENV, str(scenario))
    workshop.forget_scenarios()
    try:
        assert str(scenario) in workshop.presets()
        assert workshop.preset_labels()[str(scenario)] == "Tokens on the rubric"
        model = workshop.WorkshopModel(preset=str(scenario), n_employees=80, team_size=8, seed=3)
        assert model.preset == str(scenario)
        assert model.config.regime.name == "consumption"
        assert model.config.regime.pressure == 0.7 and model.config.regime.start_week == 5
        assert model.snapshot.name == "Tokens on the rubric"
        assert model.snapshot.description == "Tokens count from week 5, in the file's own words."
    finally:
        workshop.forget_scenarios()


def test_a_bad_scenario_file_stops_the_app_with_one_line(tmp_path, capsys):
    from sim.app.__main__ import main

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nregime: consumption\nset: {regime.pressure: 3}\n")
    assert main(["--scenario", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "regime.pressure" in err[0]


def test_run_never_lets_the_page_lag_and_pause_stops_it(app):
    """While Run steps the model in its thread, the week shown is never more than one
    week behind the model; Pause stops it, and pausing and resuming quickly never starts
    a second thread stepping the same model."""
    model, rc = app

    def runners() -> int:
        return sum(t.name == "workshop-run" and t.is_alive() for t in threading.enumerate())

    before = runners()
    click(rc, "▶")
    lags = []
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        lags.append(model.value.week - week_shown(rc))
        time.sleep(0.003)
    for _ in range(5):
        click(rc, "❚❚")
        click(rc, "▶")
    assert runners() == before + 1
    click(rc, "❚❚")
    time.sleep(0.3)  # a week under way when Pause was pressed lands
    stopped = model.value.week
    time.sleep(0.5)
    assert model.value.week == stopped and week_shown(rc) == stopped
    assert stopped > 0 and max(lags) <= 1


def test_levers_reset_and_presets_in_any_order_while_running(app):
    """What a room of volunteers does to a running model, at the fastest speed, up to the
    last week: every click lands, nothing breaks, and the run ends at the horizon."""
    model, rc = app
    rc.find(v.BtnToggle).widget.v_model = 4  # 20 weeks a second
    click(rc, "▶")
    wait_for(lambda: week_shown(rc) >= 5)
    rc.find(v.Slider, label="Pressure").widget.v_model = 0.9
    rc.find(v.Switch).widget.v_model = True
    rc.find(v.Slider, label="Start week").widget.v_model = 30
    rc.find(v.Slider, label="Durable value").widget.v_model = 0.5
    click(rc, "Reset")  # mid-run: a fresh company, paused at week 0
    assert week_shown(rc) == 0 and model.value.week == 0
    click(rc, "▶")
    wait_for(lambda: week_shown(rc) >= 3)
    rc.find(v.Select, label="Preset").widget.v_model = "Team cost-to-serve"  # mid-run too
    assert model.value.config.regime.name == "team_outcome" and week_shown(rc) == 0
    click(rc, "▶")
    wait_for(lambda: week_shown(rc) >= 10)
    rc.find(v.Slider, label="Pressure").widget.v_model = 0.1
    wait_for(lambda: week_shown(rc) == model.value.config.org.weeks)
    time.sleep(0.2)
    assert week_shown(rc) == model.value.week == model.value.config.org.weeks
    assert rc.find(v.Btn, children=["▶"]).widget.disabled  # the last week: Run is over
    assert not notice(rc) and "Could not draw" not in html(rc)
    assert "pressure 0.50 → 0.10" in html(rc)


def test_an_error_in_one_panel_is_one_line_in_that_panel(app, monkeypatch):
    model, rc = app

    def broken(snap):
        raise RuntimeError("the people cannot be drawn\nsecond line")

    monkeypatch.setattr(app_page, "people_html", broken)
    click(rc, "Step")
    text = html(rc)
    errors = re.findall(r'<div class="goodhart-error">(.*?)</div>', text)
    assert errors == ["Could not draw the people: RuntimeError: the people cannot be drawn"]
    assert text.count('class="goodhart-chart"') == 9  # the panels keep working
    assert week_shown(rc) == 1


def test_a_failing_week_stops_the_run_with_one_line(app, monkeypatch):
    model, rc = app
    click(rc, "Step")

    def fail():
        raise FloatingPointError("overflow in exhaustion")

    monkeypatch.setattr(model.value, "step", fail)
    click(rc, "▶")
    wait_for(lambda: bool(notice(rc)))
    assert notice(rc) == ["The run stopped at week 1: FloatingPointError: overflow in exhaustion"]
    assert rc.find(v.Btn, children=["▶"]).widget  # paused, and Run can be pressed again
    assert week_shown(rc) == 1


def test_the_dashboard_rises_when_the_metric_is_gamed():
    """Under the token leaderboard the dashboard panel (the metric and what it counts)
    ends far above the same company under no metric, while durable value does not."""
    model = WorkshopModel("token_leaderboard", **SMALL)
    model.baseline()
    for _ in range(60):
        model.step()
    snap = model.refresh()
    for title, series, *_ in dashboard_charts(snap)[:2]:
        live, base = series(snap, False), series(snap, True)
        assert live[-1] > 2 * base[len(live) - 1], title
    assert snap.column("durable_value_index")[-1] < snap.column("durable_value_index", True)[59]


def test_lever_moves_within_a_week_leave_one_marker():
    model = WorkshopModel("token_leaderboard", **SMALL)
    model.step()
    model.set_pressure(0.7)
    model.set_pressure(0.9)
    model.set_forced_ranking(0.1)
    assert model.snapshot.events == ((1, "pressure 0.50 → 0.90"), (1, "forced ranking off → 10%"))
    model.set_pressure(0.5)  # moved back: nothing changed that week
    assert model.snapshot.events == ((1, "forced ranking off → 10%"),)


@pytest.mark.parametrize(("host", "warned"), [("127.0.0.1", False), ("localhost", False), ("0.0.0.0", True)])
def test_the_launcher_warns_in_one_line_when_it_listens_beyond_this_machine(
    host, warned, monkeypatch, capsys
):
    started = []
    monkeypatch.setattr(launcher.assets, "ensure", lambda: None)
    monkeypatch.setattr(launcher.os, "execve", lambda exe, cmd, env: started.append(cmd))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert launcher.main(["--host", host, "--port", str(port)]) == 0
    assert started and started[0][started[0].index("--host") + 1] == host
    err = capsys.readouterr().err.strip().splitlines()
    if warned:
        assert len(err) == 1 and err[0].startswith("warning: --host 0.0.0.0 listens beyond this machine")
    else:
        assert err == []


def test_the_server_refuses_a_set_up_beyond_the_sliders(app):
    """A page's messages are untrusted: a headcount or team size past the sliders' range,
    sent as the browser would, is refused on Reset with one line naming it; the model stays."""
    model, rc = app
    before = model.value
    for label, value, words in (
        ("Headcount: 200", 10_000_000, "headcount=10000000: must be a whole number from 100 to 5,000"),
        ("Team size: 8", 1, "team size=1: must be a whole number from 2 to 20"),
    ):
        rc.find(v.Slider, label=label).widget.v_model = value
        click(rc, "Reset")
        assert notice(rc) == [escape(f"ConfigError: {words}")]
        assert model.value is before and model.value.config.org.n_employees == 200
        rc = render(WorkshopApp(model=model))  # a fresh tab on the same model for the next case
    with pytest.raises(ConfigError, match=r"^seed=-5: must be a whole number from 0 to 2,147,483,647$"):
        check_setup("token_leaderboard", 200, 8, -5)
    with pytest.raises(ConfigError, match=r"^scenario='../../etc/passwd': not one the app offers$"):
        check_setup("../../etc/passwd", 200, 8, 1)


def test_the_server_clamps_levers_to_the_sliders_ranges():
    model = WorkshopModel("token_leaderboard", **SMALL)
    model.step()
    model.set_weights({"tokens": 1e308, "durable_value": -7.0})
    assert model.config.regime.weights == {"tokens": 1.0, "durable_value": -1.0}
    with pytest.raises(ConfigError, match="weight 'no_such_signal': not a signal the metric can read"):
        model.set_weights({"no_such_signal": 1.0})
    model.set_start_week(10**9)
    assert model.config.regime.start_week == model.config.org.weeks
    model.set_pressure(7.0)
    assert model.config.regime.pressure == 1.0


def weight_labels(rc) -> list[str]:
    return [w.label for w in rc.find(v.Slider).widgets if w.label in app_page.WEIGHT_LABELS.values()]


def test_weight_sliders_keep_their_order_and_show_their_values(app):
    """Setting a weight to 0 (or a new one above 0) never reorders the sliders, so a drag or
    arrow keys stay on the slider under them; each shows its value beside it."""
    model, rc = app
    click(rc, "Step")
    order = weight_labels(rc)
    assert order[:2] == ["Tokens burned", "AI-active days"] and len(order) == len(set(order))
    rc.find(v.Slider, label="Durable value").widget.v_model = 0.7
    rc.find(v.Slider, label="Tokens burned").widget.v_model = 0.0
    assert model.value.config.regime.weights == {"durable_value": 0.7}
    assert weight_labels(rc) == order
    values = [w.children[0] for w in rc.find(v.Html, class_="goodhart-weight-value").widgets]
    assert values[order.index("Durable value")] == "+0.7" and values[0] == "0"


def test_a_lever_moved_in_quick_succession_leaves_one_marker_however_many_weeks_pass():
    model = WorkshopModel("token_leaderboard", **SMALL)
    now = [100.0]
    model.clock = lambda: now[0]
    for pressure in (0.55, 0.6, 0.65, 0.7):  # arrow keys while it runs: a week between each
        model.set_pressure(pressure)
        model.step()
        now[0] += 0.3
    now[0] += 5.0  # settled; a later change is a change of its own
    model.set_pressure(0.2)
    assert model.snapshot.events == ((0, "pressure 0.50 → 0.70"), (4, "pressure 0.70 → 0.20"))


def test_markers_never_overlap_or_leave_their_chart():
    """Twelve lever changes, several in one week, some at the edges: each badge lies inside
    the plot and no two touch; every change is numbered once and said in the badge's tip."""
    from sim.app import charts

    events = [(w, f"change {k}") for k, w in enumerate([0, 0, 1, 2, 30, 31, 52, 52, 52, 100, 103, 104])]
    svg = charts.line_chart(
        "The metric (x start)", np.arange(60.0), [], weeks=104, start_week=13, fmt=str, events=events
    )
    boxes = sorted(
        (float(x), float(w))
        for x, w in re.findall(r'class="lever-marker" data-x="([\d.]+)" data-width="([\d.]+)"', svg)
    )
    assert boxes
    for x, width in boxes:
        assert x >= charts.LEFT and x + width <= charts.W - charts.RIGHT
    for (x0, w0), (x1, _) in zip(boxes, boxes[1:], strict=False):
        assert x0 + w0 < x1
    tips = "; ".join(re.findall(r"<title>(.*?)</title>", svg)).split("; ")
    assert [tip.split(":")[0] for tip in tips] == [str(k) for k in range(1, 13)]
    assert "→" not in svg  # no long text on the chart: the page lists what changed


def test_a_weight_change_before_run_keeps_the_baseline_and_redraws_when_the_new_one_is_ready(app):
    model, rc = app
    wait_for(lambda: html(rc).count('class="baseline"') == 9)
    rc.find(v.Slider, label="Durable value").widget.v_model = 0.5
    assert html(rc).count('class="baseline"') == 9  # never blank while the new twin is computed
    wait_for(lambda: model.value.snapshot.baseline is model.value._baseline.result())
    wait_for(lambda: "0.5 durable value" in html(rc))


def test_after_a_weight_change_the_metric_reads_as_a_new_index_not_a_crash(app):
    model, rc = app
    for _ in range(40):
        model.value.step()
    rc.find(v.Slider, label="Durable value").widget.v_model = 1.0
    for _ in range(3):
        click(rc, "Step")
    snap = model.value.snapshot
    assert snap.rebased == 40
    (title, series, *_), *_ = dashboard_charts(snap)
    assert title == "The metric (x week 39)"
    svg = app_page.chart_html(snap, dashboard_charts(snap)[0], "#000")
    assert 'aria-label="The metric (x week 39)"' in svg
    drawn = re.search(r'points="([^"]+)" fill="none" stroke="#000"', svg).group(1).split()
    assert len(drawn) == 2 * 3  # only the new formula's weeks, each near 1x
    assert series(snap, False)[40:] == pytest.approx(1.0, abs=0.3)
    assert series(snap, True)[39] == pytest.approx(1.0)  # the baseline indexed at the same week


def test_the_main_screen_says_in_words_what_the_metric_and_reality_are_doing(app):
    model, rc = app
    story = lambda: (
        rc.find(solara.widgets.HTML, attributes={"class": "goodhart-story"}).widget.unsafe_innerHTML
    )  # noqa: E731
    assert (
        "press ▶" in story()
        and "Grey line" in story()
        and "theater: hours that only move the metric" in story()
    )
    for _ in range(60):
        model.value.step()
    click(rc, "Step")
    text = story()
    assert text.startswith('<div class="goodhart-narration">Week 61: The metric reads ')
    assert "of hours are theater (they only move the metric), mostly " in text
    assert "burned out (no metric:" in text and "durable value a head is" in text
    assert "The dashboard and reality have parted." in text  # the token leaderboard's run
    assert "x start: times its level in the first week" in html(rc)  # each panel's title says more


def test_the_room_listens_on_the_local_network_and_says_so(monkeypatch, capsys):
    """`--room` binds every interface, warns that it does, and prints the participants'
    address with a fresh join code and the projector's address with the facilitator's key,
    both handed to the server in its environment."""
    started = []
    monkeypatch.setattr(launcher.assets, "ensure", lambda: None)
    monkeypatch.setattr(launcher.os, "execve", lambda exe, cmd, env: started.append((cmd, env)))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert launcher.main(["--room", "--port", str(port)]) == 0
    ((cmd, env),) = started
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    out, err = capsys.readouterr()
    assert err.startswith("warning: --host 0.0.0.0 listens beyond this machine") and err.count("\n") == 1
    code, key = env["GOODHART_ROOM_CODE"], env["GOODHART_ROOM_KEY"]
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code) and len(key) >= 16
    line = out.strip()
    assert line.startswith("Room open on the local network (0.0.0.0:")
    assert f":{port}/?join={code} (join code {code})" in line
    assert f"Projector, on this machine: http://127.0.0.1:{port}/?key={key}" in line
    assert env["GOODHART_ROOM_URL"].endswith(f":{port}/?join={code}")
    started.clear()
    assert launcher.main(["--room", "--port", str(port)]) == 0
    assert (
        started[0][1]["GOODHART_ROOM_CODE"] != code or started[0][1]["GOODHART_ROOM_KEY"] != key
    )  # fresh each start
