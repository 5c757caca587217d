"""How fast a played room acknowledges choices: `python -m sim.app --room` on 127.0.0.1 only,
a projector page and N participants' phone pages (390x844) in Debian's headless Chromium.

    .venv/bin/python experiments/room_benchmark.py [--participants 40] [--rounds 3] [--timeout 300]

Each round every phone presses "Submit my week" at (nearly) the same moment, as a room does
when the facilitator says "choose now"; each choice's round trip is timed in its page, from
the click to the acknowledgement on screen. Prints the median and 95th percentile round
trip and how long the projector took to work each round's month. Target (issue 31): 40
participants on 2 cores, each choice acknowledged in under 300 ms. Bounded: at most 40
participants and 10 rounds, and the whole run stops after --timeout seconds.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="stop the whole run after this many seconds"
    )
    args = parser.parse_args()
    if not 1 <= args.participants <= 40 or not 1 <= args.rounds <= 10:
        print("error: --participants from 1 to 40, --rounds from 1 to 10", file=sys.stderr)
        return 2
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
            trips.sort()
            p95 = trips[min(len(trips) - 1, int(round(0.95 * (len(trips) - 1))))]
            print(
                f"choice round trip over {len(trips)} choices ({args.participants} participants x "
                f"{args.rounds} rounds): median {statistics.median(trips):.0f} ms, "
                f"95th percentile {p95:.0f} ms, slowest {trips[-1]:.0f} ms"
            )
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
