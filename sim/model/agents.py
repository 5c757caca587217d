"""Employees as Mesa agents. Each is a live view of its row in the vectorised workforce,
so `model.agents` can be inspected, filtered and plotted like in any Mesa model while the
weekly dynamics run over whole arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.model.production import GAMING

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


class Employee(mesa.Agent):
    """A person in a post. Their week is computed with everyone else's in `OrgModel.step`."""

    model: OrgModel

    skill = _Row()
    integrity = _Row()
    career_concern = _Row()
    resilience = _Row()
    token_need = _Row()
    outside_option = _Row()
    fluency = _Row()
    hours = _Row()
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
    def theater_share(self) -> float:
        """Share of hours in gaming actions of any kind."""
        return float(self.model.workforce.shares[GAMING:, self.slot].sum())

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
