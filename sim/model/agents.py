"""Employees as Mesa agents. Each is a live view of its row in the vectorised workforce,
so `model.agents` can be inspected, filtered and plotted like in any Mesa model while the
weekly dynamics run over whole arrays. Each sits in its post's cell of `OrgModel.grid`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
from mesa.discrete_space import FixedAgent

from sim.model.production import AI, GAMING

if TYPE_CHECKING:
    from sim.model import OrgModel


class _Row:
    """A workforce array read and written through the agent's slot."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, agent: Employee | None, owner: type | None = None):
        if agent is None:
            return self
        value = getattr(agent.model.workforce, self.name)[agent.slot]
        return value.item()

    def __set__(self, agent: Employee, value: float) -> None:
        getattr(agent.model.workforce, self.name)[agent.slot] = value


# What `OrgModel(collect_agents=True)` records of each employee every step, for
# `datacollector.get_agent_vars_dataframe()`: column -> Employee attribute.
AGENT_REPORTERS = {
    "team": "team",
    "tenure": "tenure",
    "hours": "worked_hours",
    "exhaustion": "exhaustion",
    "burned_out": "burned_out",
    "share_ai": "ai_share",
    "share_theater": "theater_share",
    "score": "score",
    "reward": "reward",
    "contribution": "contribution",
    "impression": "impression",
    "trust": "trust",
    "fluency": "fluency",
}


class Employee(FixedAgent):
    """A person in a post. Their week is computed with everyone else's in `OrgModel.step`.
    A FixedAgent: they stay in their post's cell of the grid until they leave."""

    model: OrgModel

    skill = _Row()
    integrity = _Row()
    career_concern = _Row()
    resilience = _Row()
    token_need = _Row()
    outside_option = _Row()
    fluency = _Row()
    hours = _Row()  # planned for their own work
    worked_hours = _Row()  # the same plus the review teammates' output asked for
    exhaustion = _Row()
    burned_out = _Row()
    tenure = _Row()
    expectation = _Row()
    score = _Row()
    reward = _Row()
    contribution = _Row()
    impression = _Row()
    trust = _Row()
    rewards_total = _Row()

    def __init__(self, model: OrgModel, slot: int):
        super().__init__(model)
        self.slot = slot

    @property
    def team(self) -> int:
        return int(self.model.workforce.team[self.slot])

    @property
    def split(self) -> dict[str, float]:
        """Share of hours in each activity."""
        row = self.model.workforce.shares[:, self.slot]
        return {a: float(s) for a, s in zip(self.model.activities, row, strict=True)}

    @property
    def ai_share(self) -> float:
        """Share of hours in AI-assisted work."""
        return float(self.model.workforce.shares[AI, self.slot])

    @property
    def theater_share(self) -> float:
        """Share of hours in gaming actions of any kind."""
        return float(self.model.workforce.shares[GAMING:, self.slot].sum())

    def remove(self) -> None:
        """Leave the model, and the grid's cell if the grid has been built."""
        if self.cell is None:
            mesa.Agent.remove(self)
        else:
            super().remove()

    def step(self) -> None:
        """Raises: an employee has no week of their own to run. The model is vectorised, so
        `agents.shuffle_do("step")` would silently do nothing; step the model instead.
        (`experiments/per_agent_model.py` is the formulation where each agent steps.)"""
        raise NotImplementedError(
            "Employee agents view their row of the workforce; their week is computed with "
            "everyone else's in OrgModel.step(): call model.step(), not agents.do('step')"
        )

    def __repr__(self) -> str:
        return f"Employee({self.unique_id}, team={self.team}, exhaustion={self.exhaustion:.2f})"
