"""Drive a played room in Debian's Chromium: the app started with --room on 127.0.0.1, a
projector page and participants' phone pages (390x844). Used by tests/test_room_browser.py
and experiments/room_benchmark.py; every request outside 127.0.0.1 is blocked."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1280, "height": 720}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RoomServer:
    """`python -m sim.app --room --host 127.0.0.1` on a free port, with what it printed."""

    def __init__(self, log: Path, timeout: float = 90.0):
        self.port = free_port()
        self.log = log
        self._out = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sim.app", "--room", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=self._out,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore::UserWarning"},
        )
        assert self.process.stdout is not None
        self.banner = self.process.stdout.readline()
        found = re.search(
            r"Participants open (\S+) \(join code (\w+)\)\. Projector, on this machine: (\S+)", self.banner
        )
        if found is None:
            self.stop()
            raise RuntimeError(f"the room did not start: {self.banner!r} {log.read_text()[-2000:]}")
        self.join_url, self.code, self.projector_url = found.groups()
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"the room did not listen: {log.read_text()[-2000:]}") from None
                time.sleep(0.3)

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._out.close()
        return self.log.read_text()


def only_localhost(outside: list[str]):
    def route(route) -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    return route


class Phone:
    """One participant's phone: its own browser context, so its own session (seat)."""

    def __init__(self, browser, url: str, outside: list[str]):
        self.context = browser.new_context(viewport=PHONE)
        self.page = self.context.new_page()
        self.page.route("**/*", only_localhost(outside))
        self.page.goto(url)

    def join(self, name: str, code: str | None = None) -> None:
        page = self.page
        page.get_by_role("button", name="Join").wait_for(timeout=60_000)
        if code is not None:
            page.get_by_label("Join code (on the projector)").fill(code)
        page.get_by_label("Your display name").fill(name)
        page.get_by_role("button", name="Join").click()
        page.locator(".phone-name").wait_for(timeout=30_000)

    def wait_for_round(self, number: int, timeout: float = 60_000) -> None:
        self.page.locator(f".phone-phase[data-phase=choosing][data-round='{number}']").wait_for(
            timeout=timeout
        )

    def set_hours(self, activity: str, hours: int) -> None:
        """Move one activity's slider with the keyboard, as a person would, to `hours`."""
        box = self.page.locator(f".activity[data-activity='{activity}']")
        shown = box.locator(".hours")
        now = int(shown.get_attribute("data-hours"))
        if now == hours:
            return
        box.locator(".v-slider__thumb-container").focus()
        if hours == 0:
            self.page.keyboard.press("Home")
        else:
            key = "ArrowRight" if hours > now else "ArrowLeft"
            for _ in range(abs(hours - now)):
                self.page.keyboard.press(key)
        box.locator(f".hours[data-hours='{hours}']").wait_for(timeout=10_000)

    def plan(self, hours: dict[str, int]) -> None:
        for activity in self.page.locator(".activity").evaluate_all(
            "els => els.map(e => e.dataset.activity)"
        ):
            self.set_hours(activity, hours.get(activity, 0))

    def submit(self) -> float:
        """Press Submit; the seconds until the phone shows the plan was received."""
        started = time.perf_counter()
        self.page.get_by_role("button", name="Submit my week").click()
        self.page.locator(".phone-ack").wait_for(timeout=30_000)
        return time.perf_counter() - started

    def close(self) -> None:
        self.context.close()
