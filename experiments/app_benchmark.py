"""How long one week takes in the workshop app: model step plus redraw of every chart and
the grid, headless (solara.render, no browser), at 1,000 employees by default.

    .venv/bin/python experiments/app_benchmark.py [--employees 1000] [--weeks 60] [--browser]

Target (issue 5): at most 100 ms a week, so Run holds about 10 weeks a second. With
`--browser` it also starts the app (`python -m sim.app`), presses Run in Debian's headless
Chromium at the default speed (10 weeks a second) and prints the weeks a second it holds,
drawing included.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import socket
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=60)
    parser.add_argument("--preset", default="token_leaderboard")
    parser.add_argument("--browser", action="store_true", help="also measure Run in headless Chromium")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # Solara's hook checks flag Mesa's own components on import
    import ipyvuetify as v
    import solara

    from sim.app.page import WorkshopApp
    from sim.app.workshop import WorkshopModel

    steps, totals = [], []
    with contextlib.redirect_stdout(io.StringIO()):  # Solara echoes the app bar outside a server
        model = solara.reactive(WorkshopModel(args.preset, args.employees, 8, 1))
        _, rc = solara.render(solara.AppLayout(children=[WorkshopApp(model=model)]), handle_error=False)
        step = rc.find(v.Btn, children=["Step"]).widget
        for _ in range(args.weeks):
            started = time.perf_counter()
            step.click()  # Mesa's ModelController: model.step(), then every component redraws
            totals.append(time.perf_counter() - started)
            steps.append(model.value.step_seconds)
    ms = lambda xs: 1000 * statistics.median(xs)  # noqa: E731
    p95 = lambda xs: 1000 * sorted(xs)[int(0.95 * (len(xs) - 1))]  # noqa: E731
    print(f"{args.employees:,} employees, {args.preset}, {args.weeks} weeks (median / 95th percentile):")
    print(f"  model step (with baseline twin)  {ms(steps):6.1f} / {p95(steps):6.1f} ms")
    print(f"  step + redraw                    {ms(totals):6.1f} / {p95(totals):6.1f} ms (target: 100 ms)")
    print(f"  => Run can hold about {1000 / ms(totals):.0f} weeks a second")
    if args.browser:
        print(f"  Run in Chromium at the default speed: {browser_weeks_per_second():.1f} weeks a second")


def browser_weeks_per_second(seconds: float = 5.0) -> float:
    """Start the app, press Run in headless Chromium and count the weeks drawn."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parents[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "sim.app", "--port", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
            )
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("svg.goodhart-grid", timeout=60_000)
            week = lambda: int(page.locator(".goodhart-week").get_attribute("data-week"))  # noqa: E731
            page.get_by_role("button", name="▶").click()
            page.wait_for_function("() => Number(document.querySelector('.goodhart-week').dataset.week) >= 2")
            first, started = week(), time.perf_counter()
            time.sleep(seconds)
            rate = (week() - first) / (time.perf_counter() - started)
            browser.close()
        return rate
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
