"""The workforce as a struct of arrays: one row per post (slot), filled or vacant.

Posts are grouped into teams of consecutive slots. A person occupies a slot from hire to
departure; their traits are drawn at hire, their state evolves weekly.
"""

from __future__ import annotations

import numpy as np

from sim.core.config import Config
from sim.model.production import AI, CRAFT, GAMING, WORK
from sim.model.runs import Runs, at, column_totals

TRAITS = ("skill", "integrity", "career_concern", "resilience", "token_need", "outside_option")


class Workforce:
    """Traits and state of everyone employed, as NumPy arrays indexed by slot."""

    # The traits drawn at hire (TRAITS), set in a loop below.
    skill: np.ndarray
    integrity: np.ndarray
    career_concern: np.ndarray
    resilience: np.ndarray
    token_need: np.ndarray
    outside_option: np.ndarray

    def __init__(
        self,
        n_slots: int,
        team_size: int,
        n_activities: int = len(WORK),
        needs_ai: np.ndarray | None = None,
        team: np.ndarray | None = None,
    ):
        self.n = n_slots
        self.team_size = team_size
        # Activities that need AI tools, closed to hires where there are none.
        self.needs_ai = np.arange(n_activities) == AI if needs_ai is None else needs_ai
        # Teams are runs of consecutive slots; in a batch (`sim.model.runs`) each run's teams
        # follow the previous run's, so `team` is given.
        self.team = np.arange(n_slots) // team_size if team is None else team
        self.n_teams = int(self.team[-1]) + 1
        self.team_headcount_max = np.bincount(self.team)
        self.team_start = np.searchsorted(self.team, np.arange(self.n_teams))
        zeros = lambda: np.zeros(n_slots)  # noqa: E731
        self.employed = np.zeros(n_slots, dtype=bool)
        self.person_id = np.full(n_slots, -1, dtype=np.int64)
        self.hired_week = np.zeros(n_slots, dtype=np.int64)
        self.refill_week = np.zeros(n_slots, dtype=np.int64)
        for trait in TRAITS:
            setattr(self, trait, zeros())
        self.fluency = zeros()
        self.fluency_at_hire = zeros()
        self.shares = np.zeros((n_activities, n_slots))  # activity-major: rows are contiguous
        self.hours = zeros()  # hours planned for one's own work (chosen)
        self.worked_hours = zeros()  # the same plus the review teammates' output asked for
        self.exhaustion = zeros()
        self.burned_out = np.zeros(n_slots, dtype=bool)
        self.tenure = zeros()
        self.expectation = zeros()  # shipped volume a week the manager expects
        self.score = np.full(n_slots, 0.5)
        self.reward = np.full(n_slots, 0.5)  # expected evaluation outcome in [0, 1]
        self.contribution = zeros()  # recent durable value plus help given, smoothed
        self.impression = zeros()  # the manager's picture of that contribution (S8)
        self.halo = zeros()  # the manager's lasting misreading of the person, drawn at hire
        self.trust = np.ones(n_slots)  # trust in the organisation, 1 = unmonitored workplace
        self.alignment = np.full(n_slots, np.nan)  # Baker's alignment of their score (policy start)
        self.influence = np.full(n_slots, np.nan)  # how far real work moves their score (policy start)
        # Running totals for the per-employee table.
        self.activity_hours_total = np.zeros((n_activities, n_slots))
        self.rewards_total = zeros()
        self.review_total = zeros()
        self.weeks_worked = zeros()
        self.weeks_burned_out = zeros()
        self.value_total = zeros()
        self.durable_total = zeros()
        self.volume_total = zeros()
        self.token_cost_total = zeros()
        self.score_total = zeros()
        self.contribution_total = zeros()
        self.delivered_this_review = zeros()

    def team_sum(self, values: np.ndarray) -> np.ndarray:
        """Per-team sums over employed members."""
        return np.bincount(self.team, weights=values * self.employed, minlength=self.n_teams)

    def team_headcount(self) -> np.ndarray:
        return np.bincount(self.team, weights=self.employed, minlength=self.n_teams)

    def team_mean(self, values: np.ndarray, headcount: np.ndarray | None = None) -> np.ndarray:
        """Per-team means over employed members (0 for an empty team); `headcount`, when the
        caller has it, saves counting again."""
        if headcount is None:
            headcount = self.team_headcount()
        return self.team_sum(values) / np.maximum(headcount, 1)

    def teammates_mean(self, *values: np.ndarray) -> tuple[np.ndarray, ...]:
        """For each slot, the mean of each of `values` over the other employed members of
        its team."""
        count = self.team_headcount()[self.team] - self.employed
        alone, divisor = count <= 0, np.maximum(count, 1)
        means = []
        for v in values:
            others = self.team_sum(v)[self.team] - v * self.employed
            means.append(np.where(alone, 0.0, others / divisor))
        return tuple(means)

    def best_rewarded(self) -> np.ndarray:
        """Per team, the slot of its best-rewarded employed member (ties and empty teams:
        the team's last slot)."""
        reward = np.where(self.employed, self.reward, -np.inf)
        best = np.maximum.reduceat(reward, self.team_start)
        candidates = np.where(reward == best[self.team], np.arange(self.n), -1)
        return np.maximum.reduceat(candidates, self.team_start)

    def hire(
        self,
        slots: np.ndarray,
        ids: np.ndarray,
        week: int,
        cfg: Config,
        runs: Runs,
        own_habits: bool | np.ndarray = False,
    ) -> None:
        """Fill vacant slots (sorted) with new people: draw their traits and their starting
        habits, each run's from its own generator. The token need is the post's (the work the
        role does), so a replacement keeps it. Where `own_habits` (a mask over all slots: the
        selection channel knocked out) hires keep the habits they bring, as founders do,
        instead of copying the best-rewarded teammate's."""
        k = len(slots)
        if k == 0:
            return
        w = cfg.workforce
        each = [c.workforce for c in runs.configs]  # the run's own numbers, for its draws
        n_activities = len(self.shares)
        inclined_to_game = np.all(w.theater_habit > 0) and np.all(
            w.gaming_inclined_share > 0
        )  # runs.structure
        gaming_rows = n_activities - GAMING if inclined_to_game and n_activities > GAMING else 0
        # What a hire draws: (name, distribution, its parameters, rows), in the order each
        # run's generator makes them, all in one call a run.
        plan = [
            ("skill", "lognormal", ("0", "skill_sd"), 1),
            ("integrity", "beta", ("integrity_a", "integrity_b"), 1),
            ("career_concern", "beta", ("career_concern_a", "career_concern_b"), 1),
            ("resilience", "lognormal", ("0", "resilience_sd"), 1),
            ("token_need", "lognormal", ("0", "token_need_sd"), 1),  # a post's role, drawn when first filled
            ("outside_option", "lognormal", ("0", "outside_option_sd"), 1),
            ("fluency", "beta", ("fluency_a", "fluency_b"), 1),
            ("habit_noise", "normal", ("0", "habit_noise"), GAMING),
            *(
                [("inclined", "random", (), 1), ("gaming_habit", "exponential", ("habit",), gaming_rows)]
                if gaming_rows
                else []
            ),
            ("non_adopter", "random", (), 1),
            ("halo", "standard_normal", (), 1),
        ]

        def make(rng: np.random.Generator, r: int, count: int) -> np.ndarray:
            return np.concatenate(
                [
                    getattr(rng, method)(*_values(each[r], parameters), (rows, count))
                    for _, method, parameters, rows in plan
                ]
            )

        drawn = runs.draw(make, among=slots)
        cuts = np.cumsum([0] + [rows for *_, rows in plan])
        draw = {
            name: drawn[a] if b == a + 1 else drawn[a:b]
            for (name, *_), a, b in zip(plan, cuts[:-1], cuts[1:], strict=True)
        }

        self.skill[slots] = draw["skill"]
        self.integrity[slots] = draw["integrity"]
        self.career_concern[slots] = draw["career_concern"]
        self.resilience[slots] = draw["resilience"]
        self.token_need[slots] = np.where(
            self.token_need[slots] > 0, self.token_need[slots], draw["token_need"]
        )
        self.outside_option[slots] = self.skill[slots] * draw["outside_option"]
        self.fluency[slots] = draw["fluency"]
        self.fluency_at_hire[slots] = self.fluency[slots]
        own = np.zeros((n_activities, k))
        work = np.array([w.initial_split.get(a, 0.0) for a in WORK], dtype=float)[:, None]
        own[:GAMING] = np.maximum(work + draw["habit_noise"], 0.0)
        if gaming_rows:
            inclined = draw["inclined"] < at(w.gaming_inclined_share, slots)  # most never game (S1)
            own[GAMING:] = draw["gaming_habit"] * inclined
        own[AI] *= draw["non_adopter"] >= at(w.non_adopter_share, slots)
        without_tools = ~np.asarray(at(cfg.production.ai_available, slots), dtype=bool)
        if np.any(without_tools):  # a hire where no AI tools exist brings no habit of them
            own[np.ix_(self.needs_ai, np.broadcast_to(without_tools, (k,)))] = 0.0
        own[CRAFT, column_totals(own) == 0] = 1.0  # a hire left with no habit at all works by hand
        own /= column_totals(own)
        team = self.team[slots]
        headcount = self.team_headcount()
        has_team = headcount[team] > 0

        def teams_mean(values: np.ndarray) -> np.ndarray:
            return self.team_mean(values, headcount)[team]  # each hire's team's

        mentor = self.best_rewarded()[team]  # whose way of working a hire is shown (Braganza 2022)
        conform = np.where(has_team, at(cfg.behaviour.onboarding_conformity, slots), 0.0)
        if np.any(own_habits):
            conform = np.where(at(own_habits, slots), 0.0, conform)
        self.shares[:, slots] = conform * self.shares[:, mentor] + (1.0 - conform) * own
        first_week = at(cfg.wellbeing.sustainable_hours, slots) - 2.0
        self.hours[slots] = np.where(has_team, teams_mean(self.hours), first_week)
        self.worked_hours[slots] = self.hours[slots]
        self.expectation[slots] = np.where(has_team, teams_mean(self.expectation), 0.0)
        self.exhaustion[slots] = 0.0
        self.burned_out[slots] = False
        self.tenure[slots] = 0.0
        self.score[slots] = 0.5
        self.reward[slots] = 0.5
        self.contribution[slots] = np.where(has_team, teams_mean(self.contribution), 0.0)
        self.impression[slots] = np.where(has_team, teams_mean(self.impression), 0.0)
        self.halo[slots] = draw["halo"]
        self.trust[slots] = 1.0
        for inherited in (self.alignment, self.influence):  # the score a hire faces is their team's
            known = np.where(np.isnan(inherited), 0.0, inherited)
            inherited[slots] = np.where(has_team, teams_mean(known), np.nan)
        self.clear_totals(slots)
        self.delivered_this_review[slots] = 0.0
        self.person_id[slots] = ids
        self.hired_week[slots] = week
        self.employed[slots] = True

    def clear_totals(self, slots: np.ndarray | slice = slice(None)) -> None:
        """Start the per-person record's totals afresh: for a hire, or for everyone when the
        record starts after the burn-in (the review under way keeps its volume)."""
        for total in (
            self.activity_hours_total,
            self.rewards_total,
            self.review_total,
            self.weeks_worked,
            self.weeks_burned_out,
            self.value_total,
            self.durable_total,
            self.volume_total,
            self.token_cost_total,
            self.score_total,
            self.contribution_total,
        ):
            total[..., slots] = 0.0

    def lifetime_contribution(self) -> np.ndarray:
        """Average weekly contribution over each person's time here."""
        return self.contribution_total / np.maximum(self.weeks_worked, 1.0)

    def vacate(self, slots: np.ndarray, refill_week: int | np.ndarray) -> None:
        self.employed[slots] = False
        self.person_id[slots] = -1
        self.hours[slots] = 0.0
        self.worked_hours[slots] = 0.0
        self.refill_week[slots] = refill_week


def _values(w: object, names: tuple[str, ...]) -> list[float]:
    """A run's parameters of a draw, by name ("0" is zero; "habit" the habit of those inclined
    to game, so that the share who game does not change how much gaming there is)."""
    out = []
    for name in names:
        if name == "0":
            out.append(0.0)
        elif name == "habit":
            out.append(w.theater_habit / w.gaming_inclined_share)  # type: ignore[attr-defined]
        else:
            out.append(getattr(w, name))
    return out
