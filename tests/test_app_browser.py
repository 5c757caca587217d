"""The workshop app in a real browser: Debian's headless Chromium driven by Playwright,
with every request outside 127.0.0.1 blocked, as in a venue without internet."""

from __future__ import annotations

import os
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """`python -m sim.app` on a free local port, as a facilitator would start it."""
    port = free_port()
    log = tmp_path_factory.mktemp("app") / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "sim.app", "--port", str(port)],
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


def week(page) -> int:
    return int(page.locator(".goodhart-week").get_attribute("data-week"))


def test_offline_page_renders_and_runs(app_url, tmp_path):
    url, log = app_url
    outside: list[str] = []

    def only_localhost(route):
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1500})
            page.route("**/*", only_localhost)
            page.goto(url)
            page.wait_for_selector("svg.goodhart-grid", timeout=60_000)

            assert page.locator("svg.goodhart-chart").count() == 9
            assert page.locator("svg.goodhart-chart polyline.baseline").count() == 9
            grid = page.locator("svg.goodhart-grid")
            assert grid.get_attribute("data-posts") == "1000"
            assert grid.bounding_box()["height"] > 200  # drawn, not just present
            counts = [int(c) for c in grid.locator("path").evaluate_all("ps => ps.map(p => p.dataset.count)")]
            assert sum(counts) == 1000
            assert page.get_by_text("What the dashboard shows").is_visible()
            assert page.get_by_text("What is really happening").is_visible()
            assert week(page) == 0

            page.get_by_role("button", name="▶").click()
            page.wait_for_function(
                "() => Number(document.querySelector('.goodhart-week').dataset.week) >= 30", timeout=30_000
            )
            page.get_by_role("button", name="❚❚").click()
            page.get_by_role("button", name="▶").wait_for(timeout=10_000)  # paused
            page.wait_for_timeout(1_500)  # a week already under way when Pause was pressed lands
            reached = week(page)
            assert reached >= 30
            assert page.locator("svg.goodhart-chart polyline.live").count() >= 8  # lines drawn
            page.screenshot(path=str(tmp_path / "workshop.png"), full_page=True)

            other = browser.new_page()  # a second tab gets a company of its own
            other.route("**/*", only_localhost)
            other.goto(url)
            other.wait_for_selector("svg.goodhart-grid", timeout=60_000)
            assert week(other) == 0
            assert week(page) == reached
        finally:
            browser.close()

    assert (tmp_path / "workshop.png").stat().st_size > 10_000
    assert outside == [], f"the page asked for something outside 127.0.0.1: {outside}"
    assert "Could not load URL" not in log.read_text()  # the server never asked a CDN either
