"""The participant's page, sized for a phone (390x844): join with the code and a display
name, then, each round, see one's standing as the metric and one's manager see it, and plan
the week. Everything goes through `sim.app.room.Room`; the seat is the browser session's own
(Solara's session cookie), so a page can neither see nor plan another seat's week.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from html import escape

import ipyvuetify as v
import solara
import traitlets

from sim.app.room import Room, RoomError, SeatView

CSS = """
.phone { max-width: 440px; margin: 0 auto; padding: 6px 10px 40px; font-size: 16px; line-height: 1.35; }
.phone h1 { font-size: 21px; margin: 4px 0; }
.phone h2 { font-size: 18px; margin: 10px 0 2px; }
.phone .stat { margin: 3px 0; }
.phone .big { font-size: 26px; font-weight: 700; }
.phone .hint { font-size: 13px; color: #616161; line-height: 1.2; }
.phone .activity { margin-top: 6px; }
.phone .activity .v-input { margin-top: 0; padding-top: 0; }
.phone .activity .v-messages { display: none; }
.phone .hours { display: inline-block; min-width: 3em; }
.phone .error { color: #b71c1c; font-weight: 600; }
.phone .ack { color: #1b5e20; font-weight: 700; }
.phone .warn { color: #b71c1c; }
.phone .bar { height: 10px; background: #eee; border-radius: 5px; overflow: hidden; }
.phone .bar span { display: block; height: 100%; background: #e69f00; }
"""


class Countdown(v.VuetifyTemplate):
    """Seconds left in the round, counted down in the browser between server updates."""

    template = traitlets.Unicode(
        """<template><span class="goodhart-countdown" :data-seconds="seconds">{{ shown }}</span></template>
<script>
module.exports = {
  data() { return { shown: '', timer: null, end: 0 }; },
  mounted() { this.start(); },
  destroyed() { clearInterval(this.timer); },
  watch: { seconds() { this.start(); } },
  methods: {
    start() {
      clearInterval(this.timer);
      if (this.seconds < 0) { this.shown = ''; return; }
      this.end = Date.now() + this.seconds * 1000;
      const tick = () => {
        const left = Math.max(0, Math.ceil((this.end - Date.now()) / 1000));
        this.shown = left + ' s left';
      };
      tick();
      this.timer = setInterval(tick, 500);
    },
  },
};
</script>"""
    ).tag(sync=True)
    seconds = traitlets.Float(-1).tag(sync=True)


def kernel_context() -> contextlib.AbstractContextManager:
    """The page's Solara context, to update its state from the room's threads."""
    try:
        from solara.server import kernel_context as contexts

        if contexts.has_current_context():
            return contexts.get_current_context()
    except ImportError:  # pragma: no cover - solara without its server
        pass
    return contextlib.nullcontext()


def use_room_updates(room: Room, key: Callable[[], object]) -> int:
    """A number that changes when `key()` does after a change in the room, so the component
    redraws only when what it shows has changed."""
    version = solara.use_reactive(0)

    def subscribe() -> Callable[[], None]:
        context = kernel_context()
        seen = [key()]

        def on_change() -> None:
            now = key()
            if now != seen[0]:
                seen[0] = now
                with context:
                    version.set(version.value + 1)

        return room.listen(on_change)

    solara.use_effect(subscribe, [])
    return version.value


def session_token() -> str:
    """The browser session's id (Solara's session cookie): it names a participant's seat."""
    try:
        return solara.get_session_id()
    except Exception:  # rendered outside a server (tests pass a token)
        return ""


@solara.component
def JoinForm(room: Room, token: str, code: str, joined: Callable[[], None]) -> None:
    typed_code = solara.use_reactive(code)
    name = solara.use_reactive("")
    error = solara.use_reactive("")

    def join() -> None:
        try:
            room.join(typed_code.value, name.value, token)
        except RoomError as refused:
            error.set(str(refused))
            return
        joined()

    with solara.Div(classes=["phone"]):
        solara.HTML(tag="h1", unsafe_innerHTML="Join the room")
        solara.Text("You will take the place of one employee of the simulated company.")
        solara.InputText("Join code (on the projector)", value=typed_code, continuous_update=True)
        solara.InputText("Your display name", value=name, continuous_update=True)
        solara.Button("Join", color="primary", on_click=join, block=True)
        if error.value:
            solara.HTML(tag="div", unsafe_innerHTML=escape(error.value), classes=["error", "phone-error"])


def standing_html(view: SeatView) -> str:
    if view.score is None:
        score = "<div class='stat'>No score yet: the metric reads your first weeks at the round's end.</div>"
    else:
        score = (
            f"<div class='stat'>Your score, as the metric shows it: <span class='big phone-score'>"
            f"{view.score:.0f}</span>/100, rank <b class='phone-rank'>{view.rank}</b> of {view.ranked}</div>"
        )
    tired = min(view.exhaustion, 1.0)
    exhaustion = (
        "<b class='warn'>You are burned out</b>: you get less done, and more of it is redone."
        if view.burned_out
        else f"How close to burnout: {100 * tired:.0f}%"
    )
    events = "".join(f"<div class='stat warn'>{escape(e)}</div>" for e in view.events[-2:])
    return (
        f"{score}<div class='stat'>{escape(view.stakes)}</div>"
        f"<div class='stat'>{exhaustion}</div>"
        f"<div class='bar'><span style='width:{100 * tired:.0f}%'></span></div>"
        f"<div class='stat'>{escape(view.impression)}</div>{events}"
    )


@solara.component
def SeatScreen(room: Room, token: str, view: SeatView) -> None:
    # Keyed by round (see PhonePage): each round starts from the employee's habits as they are.
    hours = solara.use_reactive({name: int(round(h)) for name, h in view.plan.items()})
    can_choose = view.phase == "choosing"

    with solara.Div(classes=["phone"]):
        solara.HTML(
            tag="h1",
            unsafe_innerHTML=f"<span class='phone-name'>{escape(view.name)}</span> · seat {view.number}",
        )
        phase = {
            "lobby": "Waiting for the facilitator to open round 1.",
            "choosing": f"Round {view.round} of {view.rounds}: plan your week.",
            "working": f"Round {view.round}: the company is working the month.",
            "over": "The game is over: see the debrief on the projector.",
        }[view.phase]
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b class='phone-phase' data-phase='{view.phase}' data-round='{view.round}'>"
            f"{escape(phase)}</b> Week {view.week} of {view.weeks}. {escape(view.scenario)}.",
        )
        if can_choose:
            Countdown.element(seconds=view.seconds_left if view.seconds_left is not None else -1)
        solara.HTML(tag="div", unsafe_innerHTML=standing_html(view), classes=["phone-standing"])
        solara.HTML(tag="h2", unsafe_innerHTML="Your week, in hours")
        for activity in view.activities:

            def set_hours(value: int, name: str = activity.name) -> None:
                hours.set({**hours.value, name: int(value)})

            planned = hours.value.get(activity.name, 0)
            with solara.Div(classes=["activity"], attributes={"data-activity": activity.name}):
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=f"<b class='hours' data-hours='{planned}'>{planned} h</b> "
                    f"{escape(activity.label)}"
                    + (f"<div class='hint'>{escape(activity.hint)}</div>" if activity.hint else ""),
                )
                solara.SliderInt(
                    "",
                    value=planned,
                    min=0,
                    max=int(view.max_hours),
                    on_value=set_hours,
                    disabled=not can_choose,
                    thumb_label=False,
                )
        SubmitWeek(room, token, view, hours.value)


@solara.component
def SubmitWeek(room: Room, token: str, view: SeatView, hours: dict[str, int]) -> None:
    """The week's total, Submit, and its acknowledgement: a component of its own, so that
    acknowledging a choice redraws only this."""
    message = solara.use_reactive("")
    total = sum(hours.values())
    fits = view.min_hours <= total <= view.max_hours
    can_choose = view.phase == "choosing"

    def submit() -> None:
        try:
            chosen_round = room.choose(token, view.number, hours)
        except RoomError as refused:
            message.set(f"! {refused}")
            return
        message.set(f"Plan received for round {chosen_round} ✓")

    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<b class='phone-total'>{total} hours a week</b>"
        + ("" if fits else f" <span class='warn'>(plan {view.min_hours:g} to {view.max_hours:g})</span>"),
    )
    solara.Button(
        "Submit my week", color="primary", block=True, on_click=submit, disabled=not can_choose or not fits
    )
    if message.value:
        ok = not message.value.startswith("!")
        solara.HTML(
            tag="div",
            unsafe_innerHTML=escape(message.value.lstrip("! ")),
            classes=["ack" if ok else "error", "phone-ack" if ok else "phone-error"],
        )


@solara.component
def PhonePage(room: Room, code: str = "", token: str | None = None) -> None:
    """A participant's page: the join form, then their seat."""
    token = token if token is not None else session_token()
    joined = solara.use_reactive(0)
    _ = joined.value  # read, so that joining redraws this page
    use_room_updates(room, lambda: room.phone_key(token))
    solara.Style(CSS)
    solara.Title("Goodhart's law: the room")
    if room.seat_of(token) is None:
        JoinForm(room, token, code, lambda: joined.set(joined.value + 1))
        return
    try:
        view = room.view(token)
    except RoomError as refused:
        solara.Error(str(refused))
        return
    SeatScreen(room, token, view).key(f"round-{view.round}")
