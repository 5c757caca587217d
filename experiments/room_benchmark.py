"""How fast a played room acknowledges choices: `python -m sim.app --room` on 127.0.0.1 only,
a projector page and N participants' phone pages (390x844) in Debian's headless Chromium.

    .venv/bin/python experiments/room_benchmark.py [--participants 40] [--rounds 3] [--timeout 300]
    .venv/bin/python experiments/room_benchmark.py --headless   # the server's share alone

Each round every phone presses "Submit my week" at (nearly) the same moment, as a room does
when the facilitator says "choose now"; each choice's round trip is timed in its page, from
the click to the acknowledgement on screen. Prints the median and 95th percentile round
trip and how long the projector took to work each round's month. Target (issue 31): 40
participants on 2 cores, each choice acknowledged in under 300 ms. Bounded: at most 40
participants and 10 rounds, and the whole run stops after --timeout seconds.

With 40 pages in one Chromium on the same 2 cores as the server, the browsers' own work
counts in every round trip, which a room's phones do on their own processors. `--headless`
measures the server's share alone: the same pages and projector rendered in this process
(`solara.render`, no browser), the room's rounds worked by its own thread as in the app,
and each Submit timed from the click to the acknowledgement in the page's widgets.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.room_driver import PROJECTOR, Phone, RoomServer, only_localhost  # noqa: E402

WATCH = """() => {
  window.__ack = null;
  const seen = () => {
    if (window.__ack === null && document.querySelector('.phone-ack')) window.__ack = performance.now();
  };
  if (!window.__watching) {
    new MutationObserver(seen).observe(document.body, {childList: true, subtree: true});
  }
  window.__watching = true;
}"""
CLICK = """() => {
  const button = [...document.querySelectorAll('button')]
    .find(b => b.innerText.trim().toLowerCase() === 'submit my week');
  window.__t0 = performance.now();
  button.click();
}"""


def headless(participants: int, rounds: int) -> list[float]:
    """Round trips of choices with the pages rendered in this process, in milliseconds."""
    import warnings

    warnings.simplefilter("ignore")  # Solara's hook checks
    import contextlib
    import io

    import ipyvuetify as v
    import solara

    from sim.app.phone import PhonePage
    from sim.app.projector import ProjectorApp
    from sim.app.room import DEFAULT_COMPANY, Room, RoomRunner, room_model

    room = Room(room_model(**DEFAULT_COMPANY), code="BENCH2")
    runner = RoomRunner(room, room.touch)
    trips: list[float] = []
    with contextlib.redirect_stdout(io.StringIO()):
        solara.render(ProjectorApp(room, "http://127.0.0.1:8765/?join=BENCH2", runner), handle_error=False)
        pages = []
        for k in range(participants):
            _, rc = solara.render(PhonePage(room, "BENCH2", token=f"session-{k}"), handle_error=False)
            rc.find(v.TextField, label="Your display name").widget.v_model = f"Participant {k + 1}"
            rc.find(v.Btn, children=["Join"]).widget.click()
            pages.append(rc)
        room.open_round()
        for number in range(1, rounds + 1):
            deadline = time.monotonic() + 60
            while room.phase != "choosing" or room.round != number:
                assert time.monotonic() < deadline, "the round did not open"
                time.sleep(0.01)
            for rc in pages:
                waited = time.monotonic() + 10  # the page hears of the new round from the room's notifier
                while True:
                    sliders = rc.find(v.Slider).widgets
                    if sliders and not sliders[0].disabled:
                        break
                    assert time.monotonic() < waited, "the round did not open on a page"
                    time.sleep(0.01)
                for k, slider in enumerate(sliders):  # a 40-hour week of craft, as in the browser
                    slider.v_model = 40 if k == 0 else 0
                button = rc.find(v.Btn, children=["Submit my week"])
                started = time.perf_counter()
                button.widget.click()
                shown = [w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets]
                assert any("Plan received" in text for text in shown), "no acknowledgement"
                trips.append(1000 * (time.perf_counter() - started))
        runner.stop()
    return trips


def summary(trips: list[float], participants: int, rounds: int, where: str) -> str:
    trips = sorted(trips)
    p95 = trips[min(len(trips) - 1, int(round(0.95 * (len(trips) - 1))))]
    return (
        f"choice round trip, {where}, over {len(trips)} choices ({participants} participants x "
        f"{rounds} rounds): median {statistics.median(trips):.0f} ms, 95th percentile {p95:.0f} ms, "
        f"slowest {trips[-1]:.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="stop the whole run after this many seconds"
    )
    parser.add_argument("--headless", action="store_true", help="the server's share alone, no browser")
    args = parser.parse_args()
    if not 1 <= args.participants <= 40 or not 1 <= args.rounds <= 10:
        print("error: --participants from 1 to 40, --rounds from 1 to 10", file=sys.stderr)
        return 2
    if args.headless:
        print(summary(headless(args.participants, args.rounds), args.participants, args.rounds, "headless"))
        return 0
    if CHROMIUM is None:
        print("error: Debian's chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    deadline = time.monotonic() + args.timeout
    outside: list[str] = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        server = RoomServer(Path(folder) / "server.log")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        phones: list[Phone] = []
        try:
            projector = browser.new_context(viewport=PROJECTOR).new_page()
            projector.route("**/*", only_localhost(outside))
            projector.goto(server.projector_url)
            projector.locator(".room-code").wait_for(timeout=60_000)
            started = time.perf_counter()
            for k in range(args.participants):
                phone = Phone(browser, server.join_url, outside)
                phone.join(f"Participant {k + 1}")
                phones.append(phone)
                if time.monotonic() > deadline:
                    raise TimeoutError("joining took longer than --timeout")
            print(f"{len(phones)} participants joined in {time.perf_counter() - started:.1f} s")
            projector.get_by_label("Rounds").fill(str(args.rounds))
            projector.get_by_label("Rounds").press("Enter")
            projector.get_by_role("button", name="Open round 1").click()
            trips: list[float] = []
            for number in range(1, args.rounds + 1):
                for phone in phones:
                    phone.wait_for_round(number)
                    if phone.page.get_by_role("button", name="Submit my week").is_disabled():
                        phone.set_hours("craft", 40)  # the employee's habits round to too short a week
                    phone.page.evaluate(WATCH)
                for phone in phones:  # everyone chooses at once
                    phone.page.evaluate(CLICK)
                closed = time.perf_counter()
                for phone in phones:
                    phone.page.wait_for_function("() => window.__ack !== null", timeout=30_000)
                    trips.append(phone.page.evaluate("() => window.__ack - window.__t0"))
                projector.wait_for_function(
                    f"() => {{ const s = document.querySelector('.room-status');"
                    f" return s.dataset.round === '{number + 1}' || s.dataset.phase === 'over'; }}",
                    timeout=60_000,
                )
                print(
                    f"round {number}: all {len(phones)} chose; the month was worked in "
                    f"{time.perf_counter() - closed:.1f} s after the clicks"
                )
                if time.monotonic() > deadline:
                    raise TimeoutError("the rounds took longer than --timeout")
            print(summary(trips, args.participants, args.rounds, "in the browser"))
        finally:
            for phone in phones:
                phone.close()
            browser.close()
            log = server.stop()
        if "Traceback" in log:
            print(log[-3000:], file=sys.stderr)
            return 1
    if outside:
        print(f"error: a page asked for something outside 127.0.0.1: {outside[:3]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
