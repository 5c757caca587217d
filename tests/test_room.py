"""The played room without a browser: seats, rounds, the timer, and what reaches the model."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from sim.app.room import CAPACITY, NAME_MAX, Room, RoomError, RoomModel, room_model
from sim.app.workshop import WorkshopModel
from sim.core.outputs import WEEKLY_COLUMNS

SMALL = {"preset": "token_leaderboard", "n_employees": 200, "team_size": 8, "seed": 5}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def room():
    clock = Clock()
    room = Room(room_model(**SMALL), code="K7QW2M", clock=clock, round_seconds=60, weeks_per_round=4)
    room.clock_ = clock  # the test moves time
    return room


def plan(model, **hours) -> dict[str, float]:
    chosen = dict.fromkeys(model.activities, 0.0)
    chosen.update(hours)
    return chosen


def test_a_wrong_join_code_is_refused(room):
    for code in ("K7QW2N", "", "K7QW2M' OR 1=1", "x" * 10_000):
        with pytest.raises(RoomError, match="^That join code is not this room's"):
            room.join(code, "Ana", "session-a")
    assert room.seats == []
    assert room.join(" k7qw2m ", "Ana", "session-a").number == 1  # as typed on a phone


def test_a_participant_cannot_act_for_another_seat(room):
    ana = room.join("K7QW2M", "Ana", "session-a")
    ben = room.join("K7QW2M", "Ben", "session-b")
    room.open_round()
    with pytest.raises(RoomError, match="^Seat 2 is not yours"):
        room.choose("session-a", ben.number, plan(room.model, craft=40))
    with pytest.raises(RoomError, match="^Join the room first"):
        room.choose("someone-else", ben.number, plan(room.model, craft=40))
    assert ben.plan is None and ana.plan is None
    room.choose("session-a", ana.number, plan(room.model, craft=40))
    assert ana.plan is not None and ben.plan is None


def test_rejoining_keeps_the_seat_and_the_employee(room):
    first = room.join("K7QW2M", "Ana", "session-a")
    room.join("K7QW2M", "Ben", "session-b")
    again = room.join("K7QW2M", "Someone else's name", "session-a")  # the phone reloads
    assert again is first and again.name == "Ana" and len(room.seats) == 2
    assert len({seat.slot for seat in room.seats}) == 2


def test_names_are_cleaned_capped_and_shown_as_text(room):
    seat = room.join("K7QW2M", "  <script>alert(1)</script>\x1b[31m\u202eBob  " + "x" * 100, "session-a")
    assert "\x1b" not in seat.name and "\u202e" not in seat.name and len(seat.name) == NAME_MAX
    room.open_round()
    room.clock_.now += 61
    room.play_round()
    page = room.html()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script" in page
    with pytest.raises(RoomError, match="^Type a display name"):
        room.join("K7QW2M", " \t\n ", "session-b")


def test_a_spreadsheet_formula_as_a_name_is_quoted_in_the_csv(room):
    room.join("K7QW2M", '=HYPERLINK("x")', "session-a")
    room.open_round()
    room.clock_.now += 61
    room.play_round()
    row = next(csv.DictReader(io.StringIO(room.csv())))
    assert row["name"].startswith("'=")


def test_a_participants_choices_reach_their_employee(room):
    """The hours a participant plans are the hours their employee works, every week of the
    round; their teammates, agents, keep their own."""
    ana = room.join("K7QW2M", "Ana", "session-a")
    room.open_round()
    chosen = plan(room.model, craft=18, ai=12, quality=4, agents_running=10, claiming_credit=1)
    room.choose("session-a", ana.number, chosen)
    assert room.due()  # everyone seated has chosen: the round need not wait for the timer
    weeks = []
    assert room.play_round(lambda: weeks.append(room.model.last_week.activity_hours[:, ana.slot].copy()))
    assert len(weeks) == 4
    for worked in weeks:
        np.testing.assert_allclose(worked, list(chosen.values()))
    assert room.round == 2 and room.phase == "choosing"
    assert ana.rounds[0]["chose"] and ana.rounds[0]["hours"].sum() == pytest.approx(45.0)


def test_when_the_timer_runs_out_the_agent_chooses(room):
    """A participant who does not choose is played by their employee's own search: the
    company runs exactly as it would with nobody in the room."""
    room.join("K7QW2M", "Ana", "session-a")
    alone = room_model(**SMALL)
    room.open_round()
    assert not room.due()
    room.clock_.now += 59
    assert not room.due()
    room.clock_.now += 2
    assert room.due()
    room.play_round()
    for _ in range(4):
        alone.step()
    np.testing.assert_array_equal(room.model.workforce.shares, alone.workforce.shares)
    np.testing.assert_array_equal(room.model.weekly().to_numpy(), alone.weekly().to_numpy())
    assert room.seats[0].rounds[0]["chose"] is False and room.seats[0].missed == 1


def test_a_room_with_nobody_playing_is_the_workshop_model_bit_for_bit():
    plain = WorkshopModel(config=room_model(**SMALL).config)
    played = room_model(**SMALL)
    assert isinstance(played, RoomModel)
    for _ in range(8):
        plain.step()
        played.step()
    np.testing.assert_array_equal(plain.weekly()[list(WEEKLY_COLUMNS)], played.weekly()[list(WEEKLY_COLUMNS)])


def test_a_never_chooser_stops_holding_up_the_room(room):
    room.join("K7QW2M", "Ana", "session-a")
    ben = room.join("K7QW2M", "Ben", "session-b")
    room.open_round()
    for _ in range(2):  # Ben never chooses: the rounds run out on the timer
        room.choose("session-a", 1, plan(room.model, craft=40))
        assert not room.due()
        room.clock_.now += 61
        room.play_round()
    assert ben.away
    room.choose("session-a", 1, plan(room.model, craft=40))
    assert room.due()  # the third round no longer waits for him; the agent plays his employee
    room.play_round()
    room.choose("session-b", 2, plan(room.model, craft=40))  # he comes back: waited for again
    assert not ben.away


def test_a_full_room_a_late_joiner_and_the_end(room):
    room.open_round()
    late = room.join("K7QW2M", "Late", "session-late")  # joins while a round is open: plays it
    room.choose("session-late", late.number, plan(room.model, craft=40))
    for k in range(CAPACITY - 1):
        room.join("K7QW2M", f"P{k}", f"session-{k}")
    with pytest.raises(RoomError, match="^The room is full: all 40 seats are taken"):
        room.join("K7QW2M", "One too many", "session-extra")
    assert len({seat.slot for seat in room.seats}) == CAPACITY  # forty different employees
    room.end()
    with pytest.raises(RoomError, match="^The game is over"):
        room.choose("session-late", late.number, plan(room.model, craft=40))


def test_a_plan_must_be_a_possible_week(room):
    ana = room.join("K7QW2M", "Ana", "session-a")
    room.open_round()
    for hours, words in (
        ({"craft": 10}, "adds up to 10 hours: plan 30 to 70"),
        ({"craft": 90}, "Hours of craft: from 0 to 70"),
        ({"craft": -5, "ai": 45}, "Hours of craft: from 0 to 70"),
        ({"craft": float("nan")}, "Hours of craft: from 0 to 70"),
        ({"craft": "lots"}, "Hours of craft: a number"),
        ({"sleeping": 40}, "'sleeping' is not something you can spend hours on"),
    ):
        with pytest.raises(RoomError, match=words):
            room.choose("session-a", ana.number, hours)
    assert ana.plan is None


def test_the_phone_view_shows_score_rank_stakes_exhaustion_and_manager(room):
    ana = room.join("K7QW2M", "Ana", "session-a")
    view = room.view("session-a")
    assert view.score is None  # nobody is scored before the first week
    assert [a.label for a in view.activities][:2] == ["Craft: your own work, by hand", "AI-assisted work"]
    assert any("burns tokens" in a.hint for a in view.activities if a.gaming)
    assert sum(view.plan.values()) == pytest.approx(room.model.workforce.hours[ana.slot], abs=0.3)
    room.open_round()
    room.clock_.now += 61
    room.play_round()
    view = room.view("session-a")
    assert 0 <= view.score <= 100 and 1 <= view.rank <= view.ranked
    assert view.stakes.startswith("50% of your pay, promotion and job security ride on this score")
    assert view.impression.startswith("Your manager thinks you are")
    assert view.exhaustion > 0


def test_the_facilitator_changes_the_regime_between_rounds(room):
    room.join("K7QW2M", "Ana", "session-a")
    room.open_round()
    room.clock_.now += 61
    room.play_round()
    room.set_regime("team_outcome")
    assert room.model.config.regime.name == "team_outcome" and room.model.config.regime.start_week == 4
    room.clock_.now += 61
    room.play_round()
    assert room.model.weekly().policy_active.iloc[-4:].all()
    assert "Token leaderboard → Team cost-to-serve" in " ".join(
        what for _, what in room.model.snapshot.events
    )


def test_without_the_facilitators_key_a_page_is_a_participants(monkeypatch):
    """With --room, the projector (the room's controls) needs the key the launcher printed;
    any other page, a wrong key included, is a participant's join page."""
    import warnings

    import ipyvuetify as v
    import solara

    from sim.app import page as app_page
    from sim.app import room as rooms

    monkeypatch.setenv(rooms.CODE_ENV, "K7QW2M")
    monkeypatch.setenv(rooms.KEY_ENV, "the-facilitators-key")
    monkeypatch.setenv(rooms.JOIN_URL_ENV, "http://192.0.2.7:8765/?join=K7QW2M")
    monkeypatch.setattr(rooms, "DEFAULT_COMPANY", {**SMALL})
    monkeypatch.setattr(rooms, "_SERVER", {})
    try:
        for query, projector in (
            ("?key=wrong", False),
            ("?join=K7QW2M", False),
            ("?key=the-facilitators-key", True),
        ):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _, rc = solara.render(app_page.Page(), handle_error=False)
            rc.find(app_page.UrlQuery).widget.query = query
            html = "".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)
            buttons = [w.children[0] for w in rc.find(v.Btn).widgets if w.children]
            if projector:
                assert "K7QW2M" in html and "<svg" in html  # the join code and its QR code
                assert "Open round 1 (0 joined)" in buttons
            else:
                assert "Join the room" in html and "Join" in buttons
                assert not any(str(b).startswith("Open round") for b in buttons)
    finally:
        runner = rooms._SERVER.get("runner")
        if runner is not None:
            runner.stop()


def test_the_rooms_set_up_is_held_to_the_sliders_limits(room):
    from sim.core.checks import ConfigError

    with pytest.raises(ConfigError, match="^headcount=10000000: must be a whole number from 100 to 5,000$"):
        room.new_company("token_leaderboard", 10_000_000, 8, 1)
    for settings, words in (
        ({"weeks_per_round": 0}, "Weeks a round: from 1 to 13"),
        ({"round_seconds": 1e9}, "Seconds to choose: from 10 to 600"),
        ({"rounds": 1000}, "Rounds: from 1 to 52"),
    ):
        with pytest.raises(RoomError, match=words):
            room.configure(**settings)
    assert (room.weeks_per_round, room.round_seconds, room.rounds) == (4, 60, 6)
