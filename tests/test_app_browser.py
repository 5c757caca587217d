"""The workshop app in a real browser: Debian's headless Chromium driven by Playwright,
with every request outside 127.0.0.1 blocked, as in a venue without internet.

The tests click what a facilitator clicks (docs/facilitator-guide.md), at the speeds they
use, and look at the page as a projector shows it (1280x720 and 1920x1080)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS

playwright = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

if CHROMIUM is None:
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
LONG_NAME = (
    "Our own policy, with a name far longer than any preset's, as a facilitator might type it "
    "the night before the workshop"
)
OWN_DESCRIPTION = "From week 5 tokens count toward reviews, in this scenario file's own words."
ERROR_WORDS = ("Traceback", "Error", "error in", "Could not draw")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """`python -m sim.app` on a free local port, as a facilitator would start it, offering
    one scenario file with a long name beside the presets."""
    folder = tmp_path_factory.mktemp("app")
    scenario = folder / "own.yaml"
    scenario.write_text(
        f'name: "{LONG_NAME}"\ndescription: "{OWN_DESCRIPTION}"\nregime: consumption\n'
        "set: {regime.start_week: 5}\n"
    )
    port = free_port()
    log = folder / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "sim.app", "--port", str(port), "--scenario", str(scenario)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail(f"the app exited with status {server.returncode}:\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"the app did not listen on 127.0.0.1:{port} within 90 s:\n{log.read_text()}")
        yield f"http://127.0.0.1:{port}/", log
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]
    assert "Could not load URL" not in text  # the server never asked a CDN either


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _settled_box(element, seconds: float = 10.0) -> dict | None:
    """The element's box once it is on the page. A chart redrawn after a choice leaves the page
    for a moment, even between waiting for it and measuring it; None if it never comes back."""
    deadline = time.monotonic() + seconds
    while True:
        element.wait_for(state="visible", timeout=seconds * 1000)
        box = element.bounding_box()
        if box is not None or time.monotonic() > deadline:
            return box


class Tab:
    """One browser tab on the app, with what a facilitator does in it."""

    def __init__(self, context, url: str):
        self.outside: list[str] = []
        self.page = context.new_page()
        self.page.route("**/*", self._only_localhost)
        self.page.goto(url)
        self.page.wait_for_selector("img.goodhart-grid", timeout=60_000)

    def _only_localhost(self, route) -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    @property
    def week(self) -> int:
        return int(self.page.locator(".goodhart-week").get_attribute("data-week"))

    def wait_for_week(self, at_least: int, timeout: float = 60_000) -> None:
        self.page.wait_for_function(
            f"() => Number(document.querySelector('.goodhart-week').dataset.week) >= {at_least}",
            timeout=timeout,
        )

    def button(self, name: str):
        return self.page.get_by_role("button", name=name, exact=True)

    def sidebar(self, open_: bool) -> None:
        drawer = self.page.locator(".v-navigation-drawer")
        if (drawer.bounding_box()["x"] >= 0) != open_:
            self.page.locator(".v-app-bar__nav-icon").click()
        self.page.wait_for_function(  # the drawer and the main area have finished moving
            "open => { const b = document.querySelector('.v-navigation-drawer').getBoundingClientRect();"
            " const m = document.querySelector('.goodhart-main').getBoundingClientRect();"
            " return open ? b.left >= 0 && m.left >= b.right : b.right <= 0 && m.left < 40; }",
            arg=open_,
        )
        self.page.wait_for_timeout(300)

    def choose(self, label: str) -> None:
        self.sidebar(True)
        self.page.locator(".v-navigation-drawer .v-select").first.click()
        self.page.get_by_role("option", name=label).click()
        self.page.wait_for_function(
            "label => document.querySelector('.goodhart-name').textContent === label"
            " && document.querySelector('.goodhart-week').dataset.week === '0'",
            arg=label,
        )

    def speed(self, weeks_per_second: int) -> None:
        self.page.locator(
            ".goodhart-speeds button", has_text=re.compile(f"^\\s*{weeks_per_second}\\s*$")
        ).click()

    def slider_to_end(self, label: str) -> None:
        slider = self.page.locator(
            ".v-input__slider", has=self.page.locator("label", has_text=re.compile(f"^{label}$"))
        )
        slider.locator(".v-slider__thumb-container").focus()
        self.page.keyboard.press("End")

    def assert_no_error(self) -> None:
        text = self.page.locator("body").inner_text()
        for word in ERROR_WORDS:
            assert word not in text, f"{word!r} on the page:\n{text[:2000]}"
        assert self.page.locator(".goodhart-error, .goodhart-notice").count() == 0

    def assert_fits(self, width: int, height: int) -> None:
        """Both panels, all nine charts, the grid and the week counter inside the window."""
        parts = {
            "panel": self.page.locator(".goodhart-panel"),
            "chart": self.page.locator("svg.goodhart-chart"),
            "grid": self.page.locator("img.goodhart-grid"),
            "week": self.page.locator(".goodhart-week"),
        }
        assert parts["panel"].count() == 2 and parts["chart"].count() == 9
        for name, locator in parts.items():
            for k in range(locator.count()):
                box = _settled_box(locator.nth(k))
                assert box is not None and box["width"] > 20 and box["height"] > 20, (name, k, box)
                assert box["x"] >= -0.5 and box["y"] >= -0.5, (name, k, box)
                assert box["x"] + box["width"] <= width + 0.5, (name, k, box)
                assert box["y"] + box["height"] <= height + 0.5, (name, k, box)


def assert_markers_inside(page) -> None:
    """Every lever badge inside its chart's plot, none touching another on the same chart."""
    overlaps = page.evaluate(
        """() => [...document.querySelectorAll('svg.goodhart-chart')].flatMap(svg => {
          const chart = svg.getBoundingClientRect();
          const boxes = [...svg.querySelectorAll('g.lever-marker rect')].map(r => r.getBoundingClientRect());
          const bad = boxes.filter(b => b.left < chart.left || b.right > chart.right
                                     || b.top < chart.top || b.bottom > chart.bottom).map(() => 'outside');
          boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
            const touch = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
            if (touch) bad.push('overlap');
          }));
          return bad; })"""
    )
    assert overlaps == []


def smallest_text(page, selector: str) -> float:
    """The smallest on-screen font size, in CSS pixels, of SVG text matching `selector`."""
    return page.evaluate(
        "sel => Math.min(...[...document.querySelectorAll(sel)].map("
        "t => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a))",
        selector,
    )


def test_the_facilitator_guide_sequence_at_1280x720(app_url, browser, tmp_path):
    """Token leaderboard at speed 20, pause at week 26, move pressure and forced ranking,
    run to the last week, Reset, another preset, run again; on a 1280x720 projector."""
    url, _ = app_url
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = Tab(context, url)
    page = tab.page
    tab.choose("Token leaderboard")
    assert page.locator(".goodhart-name").inner_text() == "Token leaderboard"
    tab.sidebar(False)
    tab.assert_fits(1280, 720)
    assert smallest_text(page, "svg.goodhart-chart text.axis") >= 16
    assert smallest_text(page, "svg.goodhart-chart text.title") >= 16
    assert page.locator("svg.goodhart-chart polyline.baseline").count() == 9
    assert page.locator("svg.goodhart-chart g.legend", has_text="same company, no metric").count() == 9
    assert page.locator("svg.goodhart-chart g.legend", has_text="policy start").count() == 9
    assert page.locator("svg.goodhart-chart line.policy-start").count() == 9

    tab.speed(20)
    tab.button("▶").click()
    tab.wait_for_week(26)
    tab.button("❚❚").click()
    tab.button("▶").wait_for()
    page.wait_for_timeout(500)  # a week already under way when Pause was pressed lands
    paused = tab.week
    assert 26 <= paused < 40
    page.wait_for_timeout(1000)
    assert tab.week == paused  # Pause stops the run: nothing steps behind the page's back
    assert smallest_text(page, "svg.goodhart-chart text.latest") >= 24
    tab.assert_no_error()

    tab.sidebar(True)
    tab.slider_to_end("Pressure")
    page.locator(".v-navigation-drawer").get_by_text("Forced ranking:").click()
    page.wait_for_function(  # two levers in one week: one badge "1,2" on each of nine charts
        "() => [...document.querySelectorAll('g.lever-marker text')].filter(t => t.textContent === '1,2')"
        ".length === 9"
    )
    assert page.locator("svg.goodhart-chart").first.locator("g.lever-marker text").all_text_contents() == [
        "1,2"
    ]
    page.locator(".goodhart-changes", has_text="forced ranking off → 10%").wait_for()  # its own widget
    changes = page.locator(".goodhart-changes").inner_text()
    assert "1 week" in changes and "pressure 0.50 → 1.00" in changes and "forced ranking off → 10%" in changes
    assert_markers_inside(page)
    assert tab.week == paused  # a lever does not step the model
    tab.sidebar(False)
    tab.button("▶").click()
    tab.wait_for_week(104)
    tab.button("▶").wait_for()
    assert tab.button("▶").is_disabled() and tab.button("Step").is_disabled()  # the last week
    assert tab.week == 104
    tab.assert_fits(1280, 720)
    tab.assert_no_error()
    page.screenshot(path=str(tmp_path / "workshop-1280x720.png"))

    tab.button("Reset").click()
    page.wait_for_function("() => document.querySelector('.goodhart-week').dataset.week === '0'")
    assert page.locator("g.lever-marker").count() == 0
    tab.choose("Team cost-to-serve")
    assert page.locator(".goodhart-name").inner_text() == "Team cost-to-serve"
    tab.sidebar(False)
    tab.button("▶").click()
    tab.wait_for_week(104)
    tab.button("▶").wait_for()
    assert tab.week == 104
    tab.assert_fits(1280, 720)
    tab.assert_no_error()
    assert tab.outside == [], f"the page asked for something outside 127.0.0.1: {tab.outside}"
    context.close()
    assert (tmp_path / "workshop-1280x720.png").stat().st_size > 20_000


def test_two_tabs_run_at_once_at_1920x1080(app_url, browser, tmp_path):
    """Two tabs, each its own company, running together; each reaches the last week, and
    the projector layout holds at 1920x1080."""
    url, _ = app_url
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    first, second = Tab(context, url), Tab(context, url)
    for tab in (first, second):
        tab.sidebar(False)
        tab.speed(20)
    first.button("▶").click()
    first.wait_for_week(10)
    second.button("▶").click()
    second.wait_for_week(5)
    assert first.week > second.week  # each tab has its own company and its own run
    for tab in (first, second):
        tab.wait_for_week(104)
        assert tab.week == 104
        tab.assert_fits(1920, 1080)
        tab.assert_no_error()
        assert tab.outside == []
    second.page.screenshot(path=str(tmp_path / "workshop-1920x1080.png"))
    context.close()
    assert (tmp_path / "workshop-1920x1080.png").stat().st_size > 20_000


def test_a_scenario_file_shows_its_own_words_and_a_long_name_wraps(app_url, browser):
    url, _ = app_url
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = Tab(context, url)
    drawer = tab.page.locator(".v-navigation-drawer").bounding_box()["width"]
    tab.choose(LONG_NAME)
    page = tab.page
    assert page.locator(".goodhart-name").inner_text() == LONG_NAME
    assert page.locator(".goodhart-description").inner_text() == OWN_DESCRIPTION
    assert page.locator(".v-navigation-drawer").bounding_box()["width"] == drawer  # not widened
    tab.sidebar(False)
    name = page.locator(".goodhart-name").bounding_box()
    assert name["x"] + name["width"] <= 1280 and name["height"] > 40  # wrapped onto several lines
    tab.assert_fits(1280, 720)
    tab.assert_no_error()
    context.close()


def test_weight_sliders_keep_order_and_show_values_and_the_baseline_stays(app_url, browser):
    """Arrow keys on one weight, then another weight to zero, before Run: the sliders keep
    their order and each shows its value; the grey baseline stays on all nine charts."""
    url, _ = app_url
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = Tab(context, url)
    page = tab.page
    page.wait_for_function("() => document.querySelectorAll('polyline.baseline').length === 9")
    tab.sidebar(True)
    page.get_by_text("Metric formula (weights)").click()
    labels = page.locator(".goodhart-weight label")
    labels.first.wait_for()
    order = labels.all_text_contents()
    assert order[0] == "Tokens burned"
    slider = page.locator(
        ".goodhart-weight", has=page.locator("label", has_text=re.compile("^Durable value$"))
    )
    slider.locator(".v-slider__thumb-container").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(150)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.goodhart-weight')].some("
        "r => r.innerText.includes('Durable value') && r.innerText.includes('+0.3'))"
    )
    tokens = page.locator(
        ".goodhart-weight", has=page.locator("label", has_text=re.compile("^Tokens burned$"))
    )
    tokens.locator(".v-slider__thumb-container").focus()
    page.keyboard.press("Home")  # -1.0
    page.wait_for_function(
        "() => [...document.querySelectorAll('.goodhart-weight')][0].innerText.includes('-1.0')"
    )
    assert labels.all_text_contents() == order  # no slider moved under the keyboard
    assert "+0.3" in slider.inner_text()  # and the first one kept its value
    assert page.locator("polyline.baseline").count() == 9
    page.wait_for_timeout(500)
    assert page.locator("polyline.baseline").count() == 9
    tab.assert_no_error()
    context.close()


def test_the_people_stay_readable_at_5000_with_the_notes_open_at_1280x720(app_url, browser, tmp_path):
    """The largest headcount with the notes revealed on a 1280x720 projector: each block of the
    people grid (a post, or a team where posts would be too small) at least 4 screen pixels."""
    url, _ = app_url
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = Tab(context, url)
    page = tab.page
    tab.sidebar(True)
    page.locator(".goodhart-headcount .v-slider__thumb-container").focus()
    page.keyboard.press("End")
    page.wait_for_function("() => document.querySelector('.goodhart-headcount').innerText.includes('5,000')")
    tab.button("Reset").click()
    page.wait_for_function(
        "() => document.querySelector('img.goodhart-grid').dataset.posts === '5000'", timeout=120_000
    )
    tab.sidebar(False)
    page.get_by_role("button", name="Reveal what to notice").click()
    page.get_by_role("button", name="Hide the notes").wait_for()
    page.wait_for_timeout(300)
    block = page.evaluate(
        """() => { const img = document.querySelector('img.goodhart-grid');
          const box = img.getBoundingClientRect();  // object-fit: contain scales the PNG to fit
          return Number(img.dataset.block) * Math.min(box.width / img.naturalWidth,
                                                      box.height / img.naturalHeight); }"""
    )
    assert block >= 4, f"a block of the people grid is {block:.2f} screen pixels wide"
    grid = page.locator("img.goodhart-grid")
    assert grid.get_attribute("data-drawn") == "teams"  # posts would be 1.6 pixels here
    assert grid.get_attribute("alt").startswith("employees by team: ")
    tab.assert_fits(1280, 720)
    tab.assert_no_error()
    page.screenshot(path=str(tmp_path / "people-5000-notes-1280x720.png"))
    context.close()
