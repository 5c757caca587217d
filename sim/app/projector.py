"""The facilitator's screen for a played room: the join code and a QR code for the phones,
the rounds' controls, the dashboard against reality as in the workshop page with the
participants marked on the people grid, the leaderboard, and at the end the debrief with
its CSV and one-page HTML exports.

Opened at `/?key=KEY` on the machine that started `python -m sim.app --room` (the launcher
prints it); without the key, a page is a participant's. Every name shown is escaped.
"""

from __future__ import annotations

import functools
from html import escape

import numpy as np
import segno
import solara

from sim.app.page import CSS as WORKSHOP_CSS
from sim.app.page import Screen, guarded, people_html
from sim.app.phone import Countdown, kernel_context, use_room_updates
from sim.app.room import Room, RoomError, RoomRunner
from sim.app.scenarios import ordered
from sim.app.workshop import SETUP_LIMITS, Snapshot, preset_labels, presets
from sim.core.checks import ConfigError

CSS = """
.room-main { display: grid; gap: 8px; height: calc(100vh - 64px - 24px); min-height: 560px;
  grid-template-columns: minmax(0, 1fr) minmax(0, 2fr) minmax(0, 1.2fr);
  grid-template-rows: auto minmax(0, 1fr); }
.room-join { grid-column: 1; grid-row: 1 / span 2; display: flex; flex-direction: column; gap: 6px;
  min-height: 0; overflow: auto; font-size: max(15px, 1.1vw); }
.room-code { font-size: max(34px, 3vw); font-weight: 800; letter-spacing: 0.12em; }
.room-qr svg { width: 100%; max-width: 200px; height: auto; }
.room-url { font-size: max(13px, 0.95vw); overflow-wrap: anywhere; color: #424242; }
.room-status { font-size: max(17px, 1.3vw); font-weight: 600; }
.room-seats { font-size: max(14px, 1vw); line-height: 1.45; }
.room-seats .chose { color: #1b5e20; } .room-seats .waiting { color: #9e9e9e; }
.room-top { grid-column: 2 / span 2; grid-row: 1; display: flex; gap: 10px; align-items: center; }
.room-stage { grid-column: 2 / span 2; grid-row: 2; display: grid; gap: 8px; min-height: 0;
  grid-template-columns: minmax(0, 1fr) minmax(0, 2fr) minmax(0, 1.2fr); }
.room-side { display: flex; flex-direction: column; gap: 6px; min-height: 0; }
.room-side .goodhart-people-box { flex: 1 1 0; min-height: 160px; }
.room-board { font-size: max(14px, 1vw); overflow: auto; background: white; border: 1px solid #e0e0e0;
  border-radius: 8px; padding: 4px 6px; }
.room-board table { border-collapse: collapse; width: 100%; }
.room-board td { padding: 1px 4px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  max-width: 12em; }
.room-board tr.human { font-weight: 700; background: #fff3cd; }
.room-debrief { font-size: max(15px, 1.1vw); overflow: auto; grid-column: 2 / span 2; grid-row: 2; }
.room-debrief table { border-collapse: collapse; } .room-debrief td, .room-debrief th { padding: 2px 8px; }
"""


@functools.lru_cache(maxsize=8)
def qr_svg(url: str) -> str:
    """The join address as a QR code, inline SVG (made here: nothing asked of a web service)."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2)


def join_html(room: Room, join_url: str) -> str:
    seats = room.seats
    waiting = {seat.number for seat in room.waiting_for()}
    status = {
        "lobby": "Waiting for participants to join",
        "choosing": f"Round {room.round} of {room.rounds}: choosing",
        "working": f"Round {room.round} of {room.rounds}: the company works the month",
        "over": "The game is over: the debrief",
    }[room.phase]
    choosing = room.phase == "choosing"

    def mark(seat) -> str:  # while a round is chosen: who has chosen, who is still thinking
        if not choosing:
            return ""
        waits = seat.number in waiting
        return f"<span class='{'waiting' if waits else 'chose'}'>{'…' if waits else '✓'}</span> "

    rows = "".join(
        f"<div data-seat='{seat.number}'>{mark(seat)}{escape(seat.name)}"
        f"{' (away: the agent plays)' if seat.away else ''}</div>"
        for seat in seats
    )
    return (
        f"<div>Join on your phone, code</div><div class='room-code'>{escape(room.code)}</div>"
        f"<div class='room-qr'>{qr_svg(join_url)}</div><div class='room-url'>{escape(join_url)}</div>"
        f"<div class='room-status' data-phase='{room.phase}' data-round='{room.round}'>{escape(status)}</div>"
        f"<div>{len(seats)} of {room.capacity} seats taken</div><div class='room-seats'>{rows}</div>"
    )


def board_html(room: Room) -> str:
    rows = "".join(
        f"<tr class='{'human' if row['human'] else 'agent'}'><td>{row['rank']}</td>"
        f"<td>{escape(row['who'])}</td>"
        f"<td>{row['score']:.0f}</td><td>{100 * row['theater']:.0f}% theater</td></tr>"
        for row in room.leaderboard()
    )
    return f"<b>The leaderboard, as the metric shows it</b><table>{rows}</table>"


def debrief_html(room: Room) -> str:
    """The debrief on the projector: the same page as the HTML export, its body only."""
    page = room.html()
    return page[page.index("<body>") + len("<body>") : page.index("</body>")]


@solara.component
def RoomControls(room: Room, runner: RoomRunner | None, state: tuple) -> None:
    """The facilitator's buttons: redrawn when `state` (phase, round, scenario, seats) changes."""
    labels = {name: preset_labels()[name] for name in ordered(presets())}
    notice = solara.use_reactive("")
    headcount = solara.use_reactive(room.model.config.org.n_employees)

    def act(change) -> None:
        notice.set("")
        try:
            change()
        except (RoomError, ConfigError) as refused:  # one line, never a traceback
            notice.set(str(refused))

    def choose(label: str) -> None:
        name = next((n for n, text in labels.items() if text == label), None)
        if name is not None:
            act(lambda: room.set_regime(name))

    with solara.Row(style="align-items: center; gap: 8px; flex-wrap: wrap"):
        if room.phase == "lobby":
            solara.Button(
                f"Open round 1 ({len(room.seats)} joined)", color="primary", on_click=room.open_round
            )
        if room.phase == "choosing":
            solara.Button("Close this round now", color="primary", on_click=room.close_now)
        if room.phase in ("lobby", "choosing"):
            solara.Select(
                "Regime (from the next round)",
                values=list(labels.values()),
                value=labels.get(room.model.preset, room.model.name),
                on_value=choose,
                style="min-width: 16em",
            )
        if room.phase == "choosing":
            solara.Button("End the game", outlined=True, color="primary", on_click=room.end)
        if room.phase == "lobby":
            solara.SliderInt(
                f"Headcount: {headcount.value:,}",
                value=headcount,
                min=SETUP_LIMITS["n_employees"][0],
                max=SETUP_LIMITS["n_employees"][1],
                step=100,
            )
            model = room.model
            solara.Button(
                "New company",
                outlined=True,
                on_click=lambda: act(
                    lambda: room.new_company(
                        model.preset, headcount.value, model.config.org.team_size, model.config.seed
                    )
                ),
            )
            solara.InputInt(
                "Weeks a round",
                value=room.weeks_per_round,
                on_value=lambda w: act(lambda: room.configure(weeks_per_round=w)),
            )
            solara.InputInt(
                "Seconds to choose",
                value=int(room.round_seconds),
                on_value=lambda s: act(lambda: room.configure(round_seconds=s)),
            )
            solara.InputInt(
                "Rounds", value=room.rounds, on_value=lambda r: act(lambda: room.configure(rounds=r))
            )
        if room.phase == "over":
            solara.FileDownload(
                room.csv, filename="goodhart-room.csv", label="Debrief as CSV", mime_type="text/csv"
            )
            solara.FileDownload(
                room.html, filename="goodhart-room.html", label="Debrief as one page", mime_type="text/html"
            )
        problem = notice.value or (runner.error if runner is not None else None)
        if problem:
            solara.HTML(
                tag="span",
                unsafe_innerHTML=escape(problem),
                classes=["goodhart-notice"],
            )


@solara.component
def ProjectorApp(room: Room, join_url: str, runner: RoomRunner | None = None) -> None:
    """The room on the projector."""

    def people(snap: Snapshot) -> str:
        return people_html(snap, room.marked_slots(), aspect=0.9)

    screen = solara.use_memo(lambda: Screen(room.model.snapshot, people), [])
    panels = solara.use_memo(
        lambda: {
            "join": solara.widgets.HTML(tag="div", attributes={"class": "room-join-panel"}),
            "board": solara.widgets.HTML(tag="div", attributes={"class": "room-board"}),
            "countdown": Countdown(),
        },
        [],
    )

    drawn: dict[str, object] = solara.use_memo(dict, [])

    def draw() -> None:
        """Redraw what changed: a choice changes only the list of seats; a week, everything."""
        snap = room.model.snapshot
        if snap is not screen.shown:
            screen.show(snap)
        panels["join"].unsafe_innerHTML = guarded(lambda: join_html(room, join_url), "the room")
        board_state = (snap.week, snap.name, len(room.seats))
        if drawn.get("board") != board_state:
            drawn["board"] = board_state
            panels["board"].unsafe_innerHTML = guarded(lambda: board_html(room), "the leaderboard")
        left = room.seconds_left()
        panels["countdown"].seconds = -1 if left is None else float(np.round(left, 1))

    def subscribe():
        context = kernel_context()

        def on_change() -> None:
            with context:
                draw()

        draw()
        return room.listen(on_change)

    solara.use_effect(subscribe, [])

    def controls_state() -> tuple:
        return (room.phase, room.round, room.model.name, len(room.seats) if room.phase == "lobby" else 0)

    use_room_updates(room, controls_state)
    solara.Style(WORKSHOP_CSS + CSS)
    solara.Title("Goodhart's law: the room")
    with solara.Div(classes=["room-main"]):
        with solara.Div(classes=["room-join"]):
            solara.Div(children=[panels["join"]])
        with solara.Div(classes=["room-top"]):
            solara.Div(children=[screen.week])
            solara.Div(children=[panels["countdown"]], classes=["room-status"])
            RoomControls(room, runner, controls_state())
        if room.phase == "over":
            solara.HTML(
                tag="div",
                unsafe_innerHTML=guarded(lambda: debrief_html(room), "the debrief"),
                classes=["room-debrief"],
            )
        else:
            with solara.Div(classes=["room-stage"]):
                solara.Div(children=[screen.dashboard], style="min-height: 0; min-width: 0")
                solara.Div(children=[screen.reality], style="min-height: 0; min-width: 0")
                with solara.Div(classes=["room-side"]):
                    solara.Div(children=[screen.story], style="flex: 0 0 auto")
                    solara.Div(
                        children=[panels["board"]], style="flex: 0 1 auto; max-height: 40%; overflow: auto"
                    )
                    solara.Div(children=[screen.people], classes=["goodhart-people-box"])
