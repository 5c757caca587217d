"""A played room in a real browser: `python -m sim.app --room` on 127.0.0.1, a projector
page and participants' phone pages (390x844) in Debian's Chromium, every request outside
127.0.0.1 blocked. Each participant plans a week of their own; the debrief (downloaded as
CSV, as a facilitator would) shows that their employee worked exactly those hours."""

from __future__ import annotations

import csv
import io
import re
import time

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS
from .room_driver import PROJECTOR, Phone, RoomServer, only_localhost

playwright = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

if CHROMIUM is None:
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

ERROR_WORDS = ("Traceback", "Could not draw", "Error:")


@pytest.fixture
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def plan_of(k: int) -> dict[str, int]:
    """Participant k's week: 30 h of craft, 10 of AI work and k hours of agents left running."""
    return {"craft": 30, "ai": 10, "agents_running": k}


def play(browser, tmp_path, participants: int, rounds: int) -> None:
    server = RoomServer(tmp_path / "server.log")
    outside: list[str] = []
    phones: list[Phone] = []
    try:
        context = browser.new_context(viewport=PROJECTOR, accept_downloads=True)
        projector = context.new_page()
        projector.route("**/*", only_localhost(outside))
        projector.goto(server.projector_url)
        projector.locator(".room-code").wait_for(timeout=60_000)
        assert projector.locator(".room-code").inner_text() == server.code
        assert projector.locator(".room-qr svg").count() == 1  # the QR code, drawn here

        names = [f"<b>P{k}</b>" if k == 0 else f"Player {k}" for k in range(participants)]
        for name in names:
            phone = Phone(browser, server.join_url, outside)  # the QR's address: the code is filled in
            phone.join(name)
            phones.append(phone)
        projector.wait_for_function(
            f"() => document.querySelectorAll('.room-seats [data-seat]').length === {participants}"
        )
        assert "<b>P0</b>" in projector.locator(".room-seats").inner_text()  # a name is text, not HTML

        phones[0].page.reload()  # a phone drops and comes back: the same seat, no join form
        phones[0].page.locator(".phone-name").wait_for(timeout=30_000)
        assert phones[0].page.locator(".phone-name").inner_text() == "<b>P0</b>"

        projector.get_by_label("Rounds").fill(str(rounds))
        projector.get_by_label("Rounds").press("Enter")
        projector.get_by_role("button", name=re.compile("^Open round 1")).click()
        acks = []
        for number in range(1, rounds + 1):
            for k, phone in enumerate(phones):
                phone.wait_for_round(number)
                phone.plan(plan_of(k))
                acks.append(phone.submit())
            projector.wait_for_function(  # all chose: the round closes without waiting for the timer
                f"() => {{ const s = document.querySelector('.room-status');"
                f" return s.dataset.round === '{number + 1}' || s.dataset.phase === 'over'; }}",
                timeout=60_000,
            )
        projector.locator(".room-status[data-phase=over]").wait_for(timeout=60_000)
        for phone in phones:
            phone.page.locator(".phone-phase[data-phase=over]").wait_for(timeout=30_000)
            assert phone.page.get_by_role("button", name="Submit my week").is_disabled()

        debrief = projector.locator(".room-debrief")
        debrief.wait_for(timeout=60_000)
        text = debrief.inner_text()
        for name in names:
            assert name in text  # every participant is listed, names as text
        with projector.expect_download() as download:
            projector.get_by_role("button", name="Debrief as CSV").click()
        rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
        assert [row["name"] for row in rows] == names
        for k, row in enumerate(rows):
            hours = plan_of(k)
            assert row["rounds_chosen"] == row["rounds_played"] == str(rounds)
            if row["still_employed"] == "True" and not row["what_happened"]:
                # The employee worked the participant's week, every week of every round.
                assert float(row["hours_a_week"]) == pytest.approx(sum(hours.values()), abs=0.05)
                assert float(row["theater_share"]) == pytest.approx(
                    hours["agents_running"] / sum(hours.values()), abs=0.001
                )
        with projector.expect_download() as download:
            projector.get_by_role("button", name="Debrief as one page").click()
        page = download.value.path().read_text()
        assert "&lt;b&gt;P0&lt;/b&gt;" in page and "<b>P0</b>" not in page

        for page in [projector, *(phone.page for phone in phones)]:
            body = page.locator("body").inner_text()
            for word in ERROR_WORDS:
                assert word not in body, body[:2000]
        assert outside == [], f"a page asked for something outside 127.0.0.1: {outside[:3]}"
        print(f"\n{len(acks)} choices acknowledged: {sorted(round(a * 1000) for a in acks)} ms")
    finally:
        for phone in phones:
            phone.close()
        log = server.stop()
    assert "Traceback" not in log, log[-3000:]


def test_a_short_room_three_phones_two_rounds(browser, tmp_path):
    play(browser, tmp_path, participants=3, rounds=2)


@pytest.mark.slow
def test_a_room_of_ten_phones_plays_six_rounds(browser, tmp_path):
    started = time.monotonic()
    play(browser, tmp_path, participants=10, rounds=6)
    print(f"ten phones, six rounds: {time.monotonic() - started:.0f} s")
