"""A played room: workshop participants join from their phones and each takes the place of
one employee of the simulated company; the rest stay agents.

Independent of Solara, so it can be tested without a browser: the phone page
(`sim.app.phone`) and the projector (`sim.app.projector`) only call a `Room`'s methods.

A participant's plan enters the model through the model's own per-person split of hours:
for the weeks of a round, the hours they chose replace, after everyone's weekly search
(`sim.model.behaviour.adapt`), the split and hours their employee's boundedly rational search
settled on (`RoomModel`). Whoever does not choose is played by that search, as every other
employee is. Nothing here branches on a regime's or an action's name: what a participant
is shown comes from the regime's numbers and the repertoire's labels.

Safety: a join code is needed to take a seat; a seat is bound to the session that took it
(the phone's session cookie), so a participant can plan only their own employee's week, and
a phone that drops and comes back gets the same seat. Names are cleaned (no control
characters, at most NAME_MAX characters) and escaped wherever they are shown.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import hmac
import io
import os
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping
from html import escape
from typing import Any

import numpy as np

from sim.app.workshop import Snapshot, WorkshopModel, check_setup, scenario_text, workshop_config
from sim.core.config import GamingAction
from sim.model.behaviour import Situation
from sim.model.judgement import percentile
from sim.model.production import AI, CRAFT, GAMING, LEARNING, QUALITY, WORK, WeekOfWork

CODE_ENV, KEY_ENV, JOIN_URL_ENV = "GOODHART_ROOM_CODE", "GOODHART_ROOM_KEY", "GOODHART_ROOM_URL"
CAPACITY = 40  # seats in a room
NAME_MAX = 24  # characters of a display name
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on a projector
CODE_LENGTH = 6
WEEKS_PER_ROUND = 4  # a simulated month
ROUND_SECONDS = 60.0  # the facilitator's timer for a round's choices
ROUNDS = 6
AWAY_AFTER = 2  # rounds missed in a row after which a round no longer waits for a seat

PLAIN_WORK = {  # the four kinds of real work, in plain words
    WORK[CRAFT]: "Craft: your own work, by hand",
    WORK[AI]: "AI-assisted work",
    WORK[QUALITY]: "Quality: reviews, tests, helping teammates",
    WORK[LEARNING]: "Learning",
}


class RoomError(Exception):
    """A participant's or facilitator's request refused, with one line saying why."""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_name(raw: object) -> str:
    """A display name as typed, without control or format characters, whitespace collapsed,
    at most NAME_MAX characters. It is still untrusted text: escape it wherever it is shown."""
    text = unicodedata.normalize("NFC", str(raw))[:1000]
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text)
    name = " ".join(text.split())[:NAME_MAX].strip()
    if not name:
        raise RoomError("Type a display name (up to 24 characters).")
    return name


def hint(action: GamingAction) -> str:
    """What a gaming action does, in plain words, from its numbers (never from its name)."""
    effects = []
    if action.tokens > 0 or action.prompts > 0:
        effects.append("burns tokens and prompts")
    if action.acceptance >= 0.9:
        effects.append("lifts your acceptance rate")
    if action.volume > 0 and not action.from_teammates:
        effects.append("ships volume that is redone later" if action.rework >= 0.5 else "adds shipped volume")
    if action.from_teammates:
        effects.append("takes value from teammates' records")
    if action.help < 0:
        effects.append("leaves teammates the hard work")
    if action.hides_rework > 0:
        effects.append("hides your rework past the review")
    return "; ".join(effects) + "; produces no real value" if effects else "produces no real value"


class RoomModel(WorkshopModel):
    """The company a room plays: a WorkshopModel in which some employees' weeks are planned
    by people. `humans` maps a workforce slot to the hours a week planned for each activity
    (`activities`); those replace the split and hours the employee's own search chose, each
    week, just before the week is worked. With no humans it is exactly a WorkshopModel."""

    humans: dict[int, np.ndarray]

    def _work(self, s: Situation) -> WeekOfWork:
        wf = self.workforce
        for slot, hours in getattr(self, "humans", {}).items():
            if wf.employed[slot]:
                total = float(hours.sum())
                wf.shares[:, slot] = hours / total
                wf.hours[slot] = total
        return super()._work(s)


@dataclasses.dataclass
class Seat:
    """One participant, holding one employee's post (a workforce slot)."""

    number: int  # 1, 2, ... in the order they joined
    name: str
    token: str = dataclasses.field(repr=False)  # the session that took the seat; never shown
    slot: int
    joined_round: int
    plan: np.ndarray | None = None  # hours for each activity this round; None: the agent plans
    missed: int = 0  # rounds in a row without a choice
    person: int = -1  # who holds the post now (person_id): a change means they left
    rounds: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    events: list[str] = dataclasses.field(default_factory=list)  # what happened to them, in words

    @property
    def away(self) -> bool:
        return self.missed >= AWAY_AFTER


@dataclasses.dataclass(frozen=True)
class Activity:
    name: str
    label: str
    hint: str
    gaming: bool


@dataclasses.dataclass(frozen=True)
class SeatView:
    """What a participant's phone shows, taken under the room's lock."""

    number: int
    name: str
    phase: str
    round: int
    rounds: int
    week: int
    weeks: int
    seconds_left: float | None
    chosen: bool
    employed: bool
    score: float | None  # their score as the metric shows it, 0-100 (None: nobody is scored yet)
    rank: int | None
    ranked: int
    stakes: str
    exhaustion: float  # share of the way to burnout
    burned_out: bool
    impression: str
    plan: dict[str, float]  # hours this round: their choice, or their employee's own habits
    min_hours: float
    max_hours: float
    activities: tuple[Activity, ...]
    events: tuple[str, ...]
    scenario: str


class Room:
    """Seats, rounds and the company behind them. Thread-safe: every method takes the room's
    lock, and those that read the company its lock too (the room's first, always); the weeks
    of a round are stepped outside the room's lock, so a choice is acknowledged at once."""

    def __init__(
        self,
        model: RoomModel,
        *,
        code: str | None = None,
        capacity: int = CAPACITY,
        weeks_per_round: int = WEEKS_PER_ROUND,
        round_seconds: float = ROUND_SECONDS,
        rounds: int = ROUNDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.lock = threading.RLock()
        self.model = model
        model.humans = {}
        self.code = (code or new_code()).upper()
        self.capacity = capacity
        self.weeks_per_round = weeks_per_round
        self.round_seconds = round_seconds
        self.rounds = rounds
        self.clock = clock
        self.phase = "lobby"  # lobby -> choosing -> working -> choosing ... -> over
        self.round = 0  # the round being chosen or worked (1, 2, ...); 0 in the lobby
        self.deadline: float | None = None
        self.seats: list[Seat] = []
        self._by_token: dict[str, Seat] = {}
        self._listeners: list[Callable[[], None]] = []
        self._pending = threading.Event()
        self._notifier: threading.Thread | None = None
        self.version = 0
        self.start_week = model.week  # the week round 1 starts from
        self._agents = {"weeks": 0.0, "durable": 0.0, "theater": 0.0, "hours": 0.0}

    # -- who is told ----------------------------------------------------------------------
    def listen(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback()` after changes, from the room's own notifier thread (so a
        participant's choice is acknowledged without waiting for every page to redraw;
        changes in quick succession may share one call). Returns a function that stops it."""
        with self.lock:
            self._listeners.append(callback)
            if self._notifier is None:
                self._notifier = threading.Thread(target=self._notify, name="room-notifier", daemon=True)
                self._notifier.start()

        def stop() -> None:
            with self.lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)

        return stop

    def touch(self) -> None:
        """Tell every page that something changed (a week of a round was worked)."""
        self._changed()

    def _changed(self) -> None:
        with self.lock:
            self.version += 1
        self._pending.set()

    def _notify(self) -> None:
        while True:
            self._pending.wait()
            self._pending.clear()
            with self.lock:
                listeners = list(self._listeners)
            for callback in listeners:  # outside the lock: a page redrawing never holds the room
                with contextlib.suppress(Exception):  # a closed page must not stop the room
                    callback()

    # -- participants ---------------------------------------------------------------------
    def join(self, code: object, name: object, token: str) -> Seat:
        """Take a seat with the join code, or get one's own seat back (same session)."""
        if not token:
            raise RoomError("This browser has no session: reload the page.")
        typed = str(code).strip().upper()[:32]
        if not hmac.compare_digest(typed.encode(), self.code.encode()):
            raise RoomError("That join code is not this room's: check the code on the projector.")
        with self.lock, self.model.lock:  # the model steps in another thread
            seat = self._by_token.get(token)
            if seat is not None:
                return seat  # a phone that dropped and came back: same seat, same employee
            clean = clean_name(name)
            if self.phase == "over":
                raise RoomError("The game is over: watch the debrief on the projector.")
            if len(self.seats) >= self.capacity:
                raise RoomError(f"The room is full: all {self.capacity} seats are taken.")
            slot = self._free_post(len(self.seats))
            seat = Seat(
                number=len(self.seats) + 1,
                name=clean,
                token=token,
                slot=slot,
                joined_round=self.round,
                person=int(self.model.workforce.person_id[slot]),
            )
            self.seats.append(seat)
            self._by_token[token] = seat
        self._changed()
        return seat

    def _free_post(self, k: int) -> int:
        """A post for the k-th seat: spread over the teams, someone employed, not yet held."""
        wf = self.model.workforce
        held = {seat.slot for seat in self.seats}
        team = (k * wf.n_teams) // max(self.capacity, 1)
        for slot in [*range(team * wf.team_size, wf.n), *range(0, team * wf.team_size)]:
            if wf.employed[slot] and slot not in held:
                return slot
        raise RoomError("The room is full: every post is taken.")

    def phone_key(self, token: str) -> tuple:
        """What a phone's page shows besides its own acknowledgement: while this is unchanged,
        a change elsewhere in the room (another participant's choice, or this one's) need not
        redraw it."""
        with self.lock:
            return (self.phase, self.round, self.model.week, self.model.name, token in self._by_token)

    def seat_of(self, token: str) -> Seat | None:
        with self.lock:
            return self._by_token.get(token)

    def activities(self) -> tuple[Activity, ...]:
        model = self.model
        gaming = model.config.gaming
        return tuple(
            Activity(name, PLAIN_WORK[name], "", False)
            if k < GAMING
            else Activity(name, model.repertoire.labels[name], hint(gaming[name]), True)
            for k, name in enumerate(model.activities)
        )

    def check_plan(self, hours: Mapping[str, object]) -> np.ndarray:
        """Hours a week for every activity: known activities, whole or fractional hours from
        0 up, a week within the model's bounds (min_hours to max_hours)."""
        model = self.model
        b = model.config.behaviour
        unknown = set(hours) - set(model.activities)
        if unknown:
            raise RoomError(f"{sorted(map(str, unknown))[0][:40]!r} is not something you can spend hours on.")
        plan = np.zeros(len(model.activities))
        for k, name in enumerate(model.activities):
            try:
                value = float(hours.get(name, 0.0))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise RoomError(f"Hours of {name}: a number, please.") from None
            if not np.isfinite(value) or not 0 <= value <= b.max_hours:
                raise RoomError(f"Hours of {name}: from 0 to {b.max_hours:g}.")
            plan[k] = value
        if not model.config.production.ai_available and plan[model.workforce.needs_ai].sum() > 0:
            raise RoomError("This company has no AI tools: no hours on AI work.")
        total = plan.sum()
        if not b.min_hours <= total <= b.max_hours:
            raise RoomError(f"Your week adds up to {total:g} hours: plan {b.min_hours:g} to {b.max_hours:g}.")
        return plan

    def choose(self, token: str, seat_number: int, hours: Mapping[str, object]) -> int:
        """Plan the round's week for one's own seat; returns the round it counts for."""
        with self.lock:
            seat = self._by_token.get(token)
            if seat is None:
                raise RoomError("Join the room first.")
            if seat.number != seat_number:
                raise RoomError(f"Seat {seat_number} is not yours: you can plan only your own week.")
            if self.phase != "choosing":
                raise RoomError(
                    "The game is over." if self.phase == "over" else "Wait for the next round to open."
                )
            seat.plan = self.check_plan(hours)
            seat.missed = 0
            this_round = self.round
        self._changed()
        return this_round

    # -- the facilitator ------------------------------------------------------------------
    def configure(
        self,
        *,
        weeks_per_round: int | None = None,
        round_seconds: float | None = None,
        rounds: int | None = None,
    ) -> None:
        """Round length in weeks (1-13), the timer (10 s to 10 min), the number of rounds."""
        with self.lock:
            if weeks_per_round is not None:
                if not 1 <= int(weeks_per_round) <= 13:
                    raise RoomError("Weeks a round: from 1 to 13.")
                self.weeks_per_round = int(weeks_per_round)
            if round_seconds is not None:
                if not 10 <= float(round_seconds) <= 600:
                    raise RoomError("Seconds to choose: from 10 to 600.")
                self.round_seconds = float(round_seconds)
            if rounds is not None:
                if not 1 <= int(rounds) <= 52:
                    raise RoomError("Rounds: from 1 to 52.")
                self.rounds = int(rounds)
        self._changed()

    def set_regime(self, preset: str) -> None:
        """Change the rules between rounds (not while a round's weeks are being worked)."""
        with self.lock:
            if self.phase in ("working", "over"):
                raise RoomError("Change the regime between rounds.")
            self.model.set_regime(preset)
        self._changed()

    def new_company(self, preset: str, n_employees: int, team_size: int, seed: int) -> None:
        """A new company before the first round (the lobby): seats keep their numbers and get posts in it."""
        setup = check_setup(preset, n_employees, team_size, seed)
        with self.lock:
            if self.phase != "lobby":
                raise RoomError("The company can be changed only before the first round.")
            self.model = room_model(**setup)
            self.start_week = self.model.week
            seats, self.seats = self.seats, []
            for seat in seats:
                seat.slot = self._free_post(seat.number - 1)
                seat.person = int(self.model.workforce.person_id[seat.slot])
                self.seats.append(seat)
        self._changed()

    def open_round(self) -> None:
        """Open the next round's choices, with the timer running."""
        with self.lock:
            if self.phase not in ("lobby", "choosing"):
                return
            if self.phase == "lobby":
                self.round = 1
            self.phase = "choosing"
            self.deadline = self.clock() + self.round_seconds
        self._changed()

    def close_now(self) -> None:
        """End the round's choosing now (the agents plan for whoever has not chosen)."""
        with self.lock:
            if self.phase == "choosing":
                self.deadline = self.clock()
        self._changed()

    def end(self) -> None:
        with self.lock:
            if self.phase != "working":
                self.phase = "over"
                self.deadline = None
        self._changed()

    def waiting_for(self) -> list[Seat]:
        """Seats the round still waits for: not chosen, not away (missed rounds in a row)."""
        with self.lock:
            return [seat for seat in self.seats if seat.plan is None and not seat.away]

    def seconds_left(self) -> float | None:
        with self.lock:
            if self.phase != "choosing" or self.deadline is None:
                return None
            return max(0.0, self.deadline - self.clock())

    def due(self) -> bool:
        """Whether the round's choosing is over: all have chosen, or the timer ran out."""
        with self.lock:
            if self.phase != "choosing":
                return False
            timed_out = self.clock() >= (self.deadline or 0.0)
            return timed_out or (bool(self.seats) and not self.waiting_for())

    def play_round(self, after_week: Callable[[], None] = lambda: None) -> bool:
        """Work the round's weeks with the participants' plans (the agents' for anyone who
        did not choose), then open the next round, or end the game. False if not due."""
        with self.lock:
            if not self.due():
                return False
            self.phase = "working"
            self.deadline = None
            model = self.model
            model.humans = {seat.slot: seat.plan for seat in self.seats if seat.plan is not None}
            chose = {seat.number: seat.plan is not None for seat in self.seats}
            weeks = min(self.weeks_per_round, model.config.org.weeks - model.week)
        self._changed()
        worked: dict[int, list[np.ndarray]] = {seat.number: [] for seat in self.seats}
        durable: dict[int, float] = dict.fromkeys(worked, 0.0)
        for _ in range(weeks):
            model.step()
            week = model.last_week
            assert week is not None
            wf = model.workforce
            with self.lock:
                for seat in self.seats:
                    if seat.number in worked and wf.employed[seat.slot]:
                        worked[seat.number].append(week.activity_hours[:, seat.slot].copy())
                        durable[seat.number] += float(week.durable_value[seat.slot])
                self._count_agents(week)
            after_week()
        with self.lock:
            model.humans = {}
            self._record(worked, durable, chose)
            for seat in self.seats:
                seat.missed = 0 if chose.get(seat.number) else seat.missed + 1
                seat.plan = None
            if self.round >= self.rounds or model.week >= model.config.org.weeks:
                self.phase = "over"
            else:
                self.round += 1
                self.phase = "choosing"
                self.deadline = self.clock() + self.round_seconds
        self._changed()
        return True

    def _count_agents(self, week: Any) -> None:
        wf = self.model.workforce
        agents = wf.employed.copy()
        agents[[seat.slot for seat in self.seats]] = False
        n = int(agents.sum())
        self._agents["weeks"] += n
        self._agents["durable"] += float(week.durable_value[agents].sum())
        self._agents["theater"] += float(week.activity_hours[GAMING:, agents].sum())
        self._agents["hours"] += float(week.activity_hours[:, agents].sum())

    def _record(self, worked: dict[int, list[np.ndarray]], durable: dict[int, float], chose: dict) -> None:
        model, wf = self.model, self.model.workforce
        rank, ranked = self._ranks()
        for seat in self.seats:
            if seat.number not in worked:
                continue
            hours = (
                np.mean(worked[seat.number], axis=0)
                if worked[seat.number]
                else np.zeros(len(model.activities))
            )
            now = int(wf.person_id[seat.slot]) if wf.employed[seat.slot] else -1
            if now != seat.person:
                left = "left the company" if now == -1 else "left; you now play the new hire in your post"
                seat.events.append(f"Round {self.round}: your employee {left}.")
                seat.person = now
            seat.rounds.append(
                {
                    "round": self.round,
                    "week": model.week,
                    "chose": bool(chose.get(seat.number)),
                    "hours": hours,
                    "weeks_worked": len(worked[seat.number]),
                    "durable_value": durable[seat.number],
                    "score": float(wf.score[seat.slot]) if wf.employed[seat.slot] else float("nan"),
                    "rank": rank.get(seat.slot),
                    "ranked": ranked,
                    "exhaustion": float(wf.exhaustion[seat.slot]),
                    "burned_out": bool(wf.burned_out[seat.slot]),
                    "employed": bool(wf.employed[seat.slot]),
                }
            )

    def _ranks(self) -> tuple[dict[int, int], int]:
        """Each employed slot's rank by the metric's score (1 = top), and how many are ranked."""
        wf = self.model.workforce
        on = np.flatnonzero(wf.employed)
        scores = wf.score[on]
        ordered = np.sort(scores)
        ranks = len(ordered) - np.searchsorted(ordered, scores, side="right") + 1  # ties share a rank
        return dict(zip(on.tolist(), ranks.tolist(), strict=True)), len(on)

    # -- what people see ------------------------------------------------------------------
    def scored(self) -> bool:
        model = self.model
        regime = model.config.regime
        return bool(model.metric.measures and model.week > regime.start_week)

    def view(self, token: str) -> SeatView:
        """What a participant's phone shows now."""
        with self.lock, self.model.lock:  # the model steps in another thread
            seat = self._by_token.get(token)
            if seat is None:
                raise RoomError("Join the room first.")
            model, wf = self.model, self.model.workforce
            cfg, regime, slot = model.config, model.config.regime, seat.slot
            employed = bool(wf.employed[slot])
            scored = self.scored() and employed
            rank, ranked = self._ranks() if scored else ({}, int(wf.employed.sum()))
            stakes = (
                f"{regime.pressure:.0%} of your pay, promotion and job security ride on this score."
                if model.metric.measures
                else "Nobody is scored: your manager's impression decides your review."
            )
            if model.metric.measures and regime.forced_ranking > 0:
                period = cfg.org.review_period
                review = (model.week // period + 1) * period
                stakes += (
                    f" At each review the lowest {regime.forced_ranking:.0%} by score are let go"
                    f" (next: week {review})."
                )
            # Their own plan, or what their employee would do if left alone: last week's habits.
            plan = seat.plan if seat.plan is not None else wf.shares[:, slot] * wf.hours[slot]
            standing = percentile(wf.impression, wf.employed)[slot] if employed else 0.0
            return SeatView(
                number=seat.number,
                name=seat.name,
                phase=self.phase,
                round=self.round,
                rounds=self.rounds,
                week=model.week,
                weeks=cfg.org.weeks,
                seconds_left=self.seconds_left(),
                chosen=seat.plan is not None,
                employed=employed,
                score=100 * float(wf.score[slot]) if scored else None,
                rank=rank.get(slot) if scored else None,
                ranked=ranked,
                stakes=stakes,
                exhaustion=float(wf.exhaustion[slot] / cfg.wellbeing.burnout_threshold),
                burned_out=bool(wf.burned_out[slot]),
                impression=impression_words(standing)
                if employed
                else "You have no manager: your post is vacant.",
                plan={name: round(float(h), 1) for name, h in zip(model.activities, plan, strict=True)},
                min_hours=cfg.behaviour.min_hours,
                max_hours=cfg.behaviour.max_hours,
                activities=self.activities(),
                events=tuple(seat.events),
                scenario=model.name,
            )

    def marked_slots(self) -> np.ndarray:
        with self.lock:
            return np.array([seat.slot for seat in self.seats], dtype=np.int64)

    def leaderboard(self, top: int = 5) -> list[dict[str, Any]]:
        """The top of the board as the metric shows it, then every participant below it."""
        with self.lock, self.model.lock:  # the model steps in another thread
            wf = self.model.workforce
            rank, ranked = self._ranks()
            names = {seat.slot: seat.name for seat in self.seats}
            rows = sorted(rank.items(), key=lambda item: (item[1], item[0]))
            shown = [slot for slot, _ in rows[:top]]
            humans = [seat.slot for seat in self.seats if seat.slot not in shown and seat.slot in rank]
            shown += sorted(humans, key=lambda slot: rank[slot])
            return [
                {
                    "rank": rank[slot],
                    "of": ranked,
                    "who": names.get(slot, f"agent {slot + 1}"),
                    "human": slot in names,
                    "score": 100 * float(wf.score[slot]),
                    "theater": float(wf.shares[GAMING:, slot].sum()),
                }
                for slot in shown
            ]

    # -- the debrief ----------------------------------------------------------------------
    def debrief_rows(self) -> list[dict[str, Any]]:
        """One row per participant: how they climbed the board, the durable value they kept,
        how they spent their hours, and how often they chose."""
        with self.lock:
            rows = []
            for seat in self.seats:
                played = seat.rounds
                hours = np.sum([r["hours"] * r["weeks_worked"] for r in played] or [np.zeros(1)], axis=0)
                total = float(hours.sum())
                last = played[-1] if played else {}
                weeks = sum(r["weeks_worked"] for r in played)
                rows.append(
                    {
                        "seat": seat.number,
                        "name": seat.name,
                        "rounds_played": len(played),
                        "rounds_chosen": sum(r["chose"] for r in played),
                        "final_rank": last.get("rank"),
                        "ranked": last.get("ranked"),
                        "final_score": round(100 * last["score"], 1)
                        if played and np.isfinite(last["score"])
                        else None,
                        "durable_value_a_week": round(sum(r["durable_value"] for r in played) / weeks, 3)
                        if weeks
                        else None,
                        "theater_share": round(float(hours[GAMING:].sum()) / total, 3) if total else None,
                        "ai_share": round(float(hours[AI]) / total, 3) if total else None,
                        "hours_a_week": round(total / weeks, 1) if weeks else None,
                        "burned_out": bool(last.get("burned_out", False)),
                        "still_employed": bool(last.get("employed", True)),
                        "what_happened": " ".join(seat.events),
                    }
                )
            return rows

    def summary(self) -> dict[str, Any]:
        """Humans against agents, and what the company lost against the same company with no metric."""
        snap = self.model.wait_for_baseline()
        with self.lock:
            rows = self.debrief_rows()
            agents = dict(self._agents)
        played = [r for r in rows if r["durable_value_a_week"] is not None]
        humans_durable = (
            float(np.mean([r["durable_value_a_week"] for r in played])) if played else float("nan")
        )
        humans_theater = float(np.mean([r["theater_share"] for r in played])) if played else float("nan")
        return {
            "participants": len(rows),
            "humans_durable_a_week": humans_durable,
            "agents_durable_a_week": agents["durable"] / agents["weeks"] if agents["weeks"] else float("nan"),
            "humans_theater_share": humans_theater,
            "agents_theater_share": agents["theater"] / agents["hours"] if agents["hours"] else float("nan"),
            **company_losses(snap),
        }

    def csv(self) -> str:
        """The debrief as CSV, one row per participant. A cell that a spreadsheet would read
        as a formula (=, +, -, @) is quoted with a leading apostrophe."""
        rows = self.debrief_rows()
        out = io.StringIO()
        fields = list(rows[0]) if rows else ["seat", "name"]
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
        return out.getvalue()

    def html(self) -> str:
        """The debrief as one self-contained HTML page for the room (every name escaped)."""
        return debrief_html(self.debrief_rows(), self.summary(), self.model.name)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def impression_words(standing: float) -> str:
    if standing >= 0.75:
        return "Your manager thinks you are among the best quarter."
    if standing >= 0.5:
        return "Your manager thinks you are doing better than most."
    if standing >= 0.25:
        return "Your manager thinks you are doing less than most."
    return "Your manager thinks you are among the weakest quarter."


def company_losses(snap: Snapshot) -> dict[str, float]:
    """The company now against the same company with no metric, the same week."""
    last = snap.week - 1

    def at(name: str, base: bool = False) -> float:
        values = snap.column(name, base)
        return float(values[last]) if 0 <= last < len(values) else float("nan")

    return {
        "week": snap.week,
        "durable_value_vs_no_metric": at("durable_value_index") / at("durable_value_index", True) - 1.0,
        "theater_share": at("share_theater"),
        "burnout_share": at("burnout_share"),
        "burnout_share_no_metric": at("burnout_share", True),
        "attrition": at("attrition_annualised"),
        "attrition_no_metric": at("attrition_annualised", True),
        "token_cost_a_head_a_year": 52 * at("token_cost_per_head"),
        "token_cost_no_metric": 52 * at("token_cost_per_head", True),
    }


def _fmt(value: Any, pct: bool = False) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "-"
    if pct:
        return f"{100 * value:.0f}%"
    return f"{value:,.2f}" if isinstance(value, float) else str(value)


def debrief_html(rows: list[dict[str, Any]], summary: dict[str, Any], scenario: str) -> str:
    """One page: who climbed the board, who kept durable value, humans against agents, and
    what the company lost."""
    by_rank = sorted(rows, key=lambda r: (r["final_rank"] is None, r["final_rank"] or 0))
    by_value = sorted(rows, key=lambda r: -(r["durable_value_a_week"] or 0))
    table = "".join(
        f"<tr><td>{escape(r['name'])}</td><td>{_fmt(r['final_rank'])} of {_fmt(r['ranked'])}</td>"
        f"<td>{_fmt(r['durable_value_a_week'])}</td><td>{_fmt(r['theater_share'], True)}</td>"
        f"<td>{_fmt(r['hours_a_week'])}</td><td>{r['rounds_chosen']} of {r['rounds_played']}</td>"
        f"<td>{'yes' if r['burned_out'] else ''}</td><td>{escape(r['what_happened'])}</td></tr>"
        for r in by_rank
    )
    s = summary
    climbed = ", ".join(escape(r["name"]) for r in by_rank[:3] if r["final_rank"] is not None) or "-"
    kept = ", ".join(escape(r["name"]) for r in by_value[:3] if r["durable_value_a_week"]) or "-"
    lost = s["durable_value_vs_no_metric"]
    humans = (
        f"the {s['participants']} participants put {_fmt(s['humans_theater_share'], True)} of their hours "
        f"into theater (the agents: {_fmt(s['agents_theater_share'], True)}) and kept "
        f"{_fmt(s['humans_durable_a_week'])} units of durable value a week "
        f"(the agents: {_fmt(s['agents_durable_a_week'])})"
    )
    company = (
        f"durable value a head {_fmt(abs(lost), True)} {'lower' if lost < 0 else 'higher'}; "
        f"theater {_fmt(s['theater_share'], True)} of hours; burned out {_fmt(s['burnout_share'], True)} "
        f"(no metric: {_fmt(s['burnout_share_no_metric'], True)}); attrition {_fmt(s['attrition'], True)} "
        f"a year (no metric: {_fmt(s['attrition_no_metric'], True)}); tokens "
        f"${s['token_cost_a_head_a_year']:,.0f} a head a year (no metric: ${s['token_cost_no_metric']:,.0f})"
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Debrief: {escape(scenario)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:60em}}td,th{{padding:3px 8px;text-align:left}}
tr:nth-child(even){{background:#f4f4f4}}</style></head><body>
<h1>Debrief: {escape(scenario)}</h1>
<p><b>Climbed the board:</b> {climbed}. <b>Kept the most durable value:</b> {kept}.</p>
<p><b>Humans against agents:</b> {humans}.</p>
<p><b>What the company lost by week {s["week"]}</b>, against the same company with no metric: {company}.</p>
<table><tr><th>Participant</th><th>Rank on the board</th><th>Durable value a week</th><th>Theater</th>
<th>Hours a week</th><th>Chose</th><th>Burned out</th><th>What happened</th></tr>{table}</table>
</body></html>"""


def room_model(preset: str, n_employees: int, team_size: int, seed: int) -> RoomModel:
    """The company a room plays: the scenario's policy in force from week 0, since a room
    has few rounds to spend on normal life (the grey line shows it anyway)."""
    cfg = workshop_config(preset, n_employees, team_size, seed)
    cfg.regime.start_week = min(cfg.regime.start_week, 0)
    model = RoomModel(config=cfg)
    model.preset = preset
    model.name, model.description = scenario_text(preset)
    model.refresh()
    return model


class RoomRunner:
    """Closes each round when it is due (all chose, or the timer ran out) and works its
    weeks, in a thread of its own; `after_week` is called after each week (the projector)."""

    def __init__(self, room: Room, after_week: Callable[[], None] = lambda: None, poll_seconds: float = 0.1):
        self.room = room
        self.after_week = after_week
        self.poll_seconds = poll_seconds
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="room-rounds", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.room.play_round(self.after_week)
            except Exception as error:  # one line for the projector; the room stays up
                self.error = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
                self._stop.wait(1.0)

    def stop(self) -> None:
        self._stop.set()


# -- the server's room (`python -m sim.app --room`) -------------------------------------------
DEFAULT_COMPANY: dict[str, Any] = {
    "preset": "token_leaderboard",
    "n_employees": 1000,
    "team_size": 8,
    "seed": 1,
}
WEEK_SECONDS = 0.25  # the projector shows each week of a round for this long
_SERVER: dict[str, Any] = {}
_SERVER_LOCK = threading.Lock()


def room_settings() -> tuple[str, str, str] | None:
    """The join code, the facilitator's key and the join address, when the app was started
    with --room (None otherwise)."""
    code, key, url = (os.environ.get(name, "") for name in (CODE_ENV, KEY_ENV, JOIN_URL_ENV))
    return (code, key, url) if code and key else None


def server_room() -> Room | None:
    """The room this server runs (one for all pages), created on first use; None without --room."""
    settings = room_settings()
    if settings is None:
        return None
    with _SERVER_LOCK:
        if "room" not in _SERVER:
            room = Room(room_model(**DEFAULT_COMPANY), code=settings[0])

            def after_week() -> None:
                room.touch()
                time.sleep(WEEK_SECONDS)

            _SERVER["room"] = room
            _SERVER["runner"] = RoomRunner(room, after_week)
        return _SERVER["room"]


def server_runner() -> RoomRunner | None:
    server_room()
    return _SERVER.get("runner")


def is_facilitator(key: str) -> bool:
    settings = room_settings()
    return settings is not None and bool(key) and hmac.compare_digest(key.encode(), settings[1].encode())
