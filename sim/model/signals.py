"""The observable signals: everything a metric regime is allowed to read.

A metric never sees exhaustion, integrity, gaming or true value: only these traces of
work, as the records show them (claimed credit and hidden defects included). Each signal
says how it adds up to a team (a sum, or a mean over team members) and its unit, which the
data contract repeats, and how hard it is to attribute to one person when a team's work is
shared (docs/model.md S6, attribution noise).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.core.config import ProductionConfig, RegimeConfig

if TYPE_CHECKING:  # production imports runs, which imports this module
    from sim.model.production import WeekOfWork


@dataclass(frozen=True)
class Signal:
    unit: str
    team: str  # "sum" or "mean": how members' values make the team's
    meaning: str
    # Attribution difficulty: sd of the error in crediting this signal to one person, relative
    # to the organisation's level, when all of a team's work is shared (`org.interdependence`
    # 1). Metered signals are logged per person (API keys, timesheets, payroll): 0, their
    # only error is the regime's own `noise`. Shared work's records (authorship, who shipped,
    # who caused a revert) follow who did the work more loosely the further from the act.
    attribution: float = 0.0


SIGNALS: dict[str, Signal] = {
    "tokens": Signal("million tokens a week", "sum", "AI tokens consumed"),
    "token_cost": Signal("$ a week", "sum", "what those tokens cost"),
    "token_cost_share": Signal("share of salary", "mean", "token spend, annualised, as a share of salary"),
    "ai_active_days": Signal("days a week (0-5)", "mean", "days with any AI tool use"),
    "acceptance_rate": Signal("share", "mean", "share of AI suggestions accepted"),
    "prompts": Signal("prompts a week", "sum", "prompts sent to AI tools"),
    "volume": Signal("units a week", "sum", "shipped volume (changes, documents, tickets)", 0.3),
    "value": Signal("value units a week", "sum", "short-term value as first judged", 0.5),
    "durable_value": Signal(
        "value units a week", "sum", "value that survived the durability window (lagged)", 0.6
    ),
    "rework_rate": Signal("share", "mean", "share of shipped volume reverted or rewritten (lagged)", 0.6),
    "hours": Signal("hours a week", "sum", "hours logged"),
    "salary_cost": Signal("$ a week", "sum", "salaries of the people employed"),
}

SIGNAL_NAMES: tuple[str, ...] = tuple(SIGNALS)


def attributes_shared_work(regime: RegimeConfig) -> bool:
    """Whether a regime credits people (not teams) with a signal of shared work, whose
    attribution error grows with `org.interdependence`. A team's records are its own."""
    measured = (*regime.weights, *regime.per)
    return regime.level != "team" and any(s in SIGNALS and SIGNALS[s].attribution > 0 for s in measured)


def draws_attribution_noise(regime: RegimeConfig, interdependence: float) -> bool:
    """Whether scoring under `regime` draws one attribution error per unit a week: a switch
    runs batched together share (`sim.model.runs.structure`), so they draw alike."""
    return regime.noise > 0 or (interdependence > 0 and attributes_shared_work(regime))


def observe(
    names: list[str],
    week: WeekOfWork,
    hours: np.ndarray,
    employed: np.ndarray,
    *,
    prod: ProductionConfig,
    salary: float,
    lagged: dict[str, np.ndarray] | None = None,
    claims: bool = True,
) -> np.ndarray:
    """The named signals of a week, one row per signal, one column per slot.

    Durable value and rework are only known after the durability window: pass what is
    known now as `lagged`. Without it, the week's own eventual records are used, which is
    what someone weighing a lasting change of habits expects. Without `claims`, credit
    taken from teammates is left out: within a team it moves nothing.
    """
    lagged = lagged or {}
    token_cost = week.tokens * prod.token_price

    def signal(name: str) -> np.ndarray:
        if name in lagged:
            return lagged[name]
        match name:
            case "token_cost":
                return token_cost
            case "token_cost_share":
                return token_cost * 52.0 / salary
            case "hours":
                return hours
            case "salary_cost":
                return employed * (salary / 52.0)
            case "volume" | "value" | "durable_value":
                return week.recorded(name, claims)
            case "rework_rate":
                return week.seen_rework_rate
            case _:
                return getattr(week, name)

    rows = [signal(name) * employed for name in names]
    return np.array(rows) if rows else np.zeros((0, len(hours)))
