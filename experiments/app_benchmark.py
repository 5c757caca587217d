"""How fast the workshop app runs: a week's step plus redraw, headless (solara.render, no
browser), and with `--browser` what a room sees in Debian's headless Chromium.

    .venv/bin/python experiments/app_benchmark.py [--employees 1000] [--weeks 60] [--browser]

Targets (issue 10): Run holds at least 10 weeks a second at 1,000 employees and at least 5
at 5,000, counted in the browser; the first page load takes under 5 s and a new tab under
3 s. With `--browser` it starts the app (`python -m sim.app`) and prints, for 1,000 and
5,000 employees, the weeks a second the page's week counter advances while Run is on at
each speed setting; and how long the first page load and a new tab take until the people
grid is drawn.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import socket
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def headless(employees: int, weeks: int, preset: str) -> None:
    warnings.simplefilter("ignore")  # Solara's hook checks on import
    import ipyvuetify as v
    import solara

    from sim.app.page import WorkshopApp
    from sim.app.workshop import WorkshopModel

    steps, totals = [], []
    with contextlib.redirect_stdout(io.StringIO()):  # Solara echoes widgets outside a server
        model = solara.reactive(WorkshopModel(preset, employees, 8, 1))
        model.value.baseline()
        _, rc = solara.render(solara.AppLayout(children=[WorkshopApp(model=model)]), handle_error=False)
        step = rc.find(v.Btn, children=["Step"]).widget
        for _ in range(weeks):
            started = time.perf_counter()
            step.click()  # the model's week, its snapshot, then the page redrawn from it
            totals.append(time.perf_counter() - started)
            steps.append(model.value.step_seconds)
    ms = lambda xs: 1000 * statistics.median(xs)  # noqa: E731
    p95 = lambda xs: 1000 * sorted(xs)[int(0.95 * (len(xs) - 1))]  # noqa: E731
    print(f"{employees:,} employees, {preset}, {weeks} weeks, headless (median / 95th percentile):")
    print(f"  model step and snapshot          {ms(steps):6.1f} / {p95(steps):6.1f} ms")
    print(f"  step + redraw                    {ms(totals):6.1f} / {p95(totals):6.1f} ms")


class App:
    """`python -m sim.app` on a free local port, for as long as the `with` lasts."""

    def __enter__(self) -> App:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = subprocess.Popen(
            [sys.executable, "-m", "sim.app", "--port", str(self.port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        self.url = f"http://127.0.0.1:{self.port}/"
        return self

    def __exit__(self, *exc) -> None:
        self.server.terminate()
        self.server.wait(timeout=20)


def chromium():
    sys.path.insert(0, str(ROOT))
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    if CHROMIUM is None:
        raise SystemExit("Debian's chromium is not installed (apt-get install chromium)")
    return CHROMIUM, CHROMIUM_ARGS


def week(page) -> int:
    return int(page.locator(".goodhart-week").get_attribute("data-week"))


def open_app(context, url: str):
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("img.goodhart-grid", timeout=120_000)
    return page, time.perf_counter() - started


def rate(page, speed: int, seconds: float) -> float:
    """Weeks a second the page's counter advances while Run is on at `speed`."""
    page.get_by_role("button", name="Reset", exact=True).click()
    page.wait_for_function("() => document.querySelector('.goodhart-week').dataset.week === '0'")
    page.locator(".goodhart-speeds button", has_text=str(speed)).first.click()
    page.get_by_role("button", name="▶").click()
    page.wait_for_function("() => Number(document.querySelector('.goodhart-week').dataset.week) >= 3")
    first, started = week(page), time.perf_counter()
    time.sleep(seconds)
    reached, elapsed = week(page), time.perf_counter() - started
    page.get_by_role("button", name="❚❚").click()
    return (reached - first) / elapsed


def browser(seconds: float) -> None:
    from playwright.sync_api import sync_playwright

    executable, args = chromium()
    with App() as app, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=args)
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page, first_load = open_app(context, app.url)
        other, new_tab = open_app(context, app.url)
        other.close()
        print(f"page load until the grid is drawn: first {first_load:.1f} s, a new tab {new_tab:.1f} s")
        for employees in (1000, 5000):
            if employees != 1000:
                page.locator(".v-navigation-drawer .v-slider").first.wait_for()
                thumb = page.locator(".goodhart-headcount .v-slider__thumb-container")
                thumb.focus()
                page.keyboard.press("End")
                page.wait_for_function(
                    f"() => document.body.innerText.includes('Headcount: {employees:,}')", timeout=10_000
                )
            for speed in (5, 10, 20) if employees > 1000 else (10, 20):
                got = rate(page, speed, seconds)
                print(
                    f"  {employees:,} employees, Run at {speed:2d} weeks a second: {got:5.1f} weeks a second"
                )
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=60)
    parser.add_argument("--preset", default="token_leaderboard")
    parser.add_argument("--seconds", type=float, default=4.0, help="how long each browser measurement runs")
    parser.add_argument("--browser", action="store_true", help="also measure in headless Chromium")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    headless(args.employees, args.weeks, args.preset)
    if args.browser:
        browser(args.seconds)


if __name__ == "__main__":
    main()
