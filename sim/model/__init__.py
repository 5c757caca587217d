"""The model: an organisation of employees under a metric regime, one step per week.

One file per process, in the order `docs/model.md` tells them: the workforce, a week of
work (production, with the gaming repertoire), the observable signals, the metric, managers'
judgement, trust, behaviour (how people choose), wellbeing and turnover; `organisation`
runs them in that order, and `agents` makes each employee a Mesa agent viewing its row.
"""

from sim.model.agents import Employee
from sim.model.organisation import OrgModel

__all__ = ["Employee", "OrgModel"]
