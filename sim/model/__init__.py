"""The model: an organisation of employees under a metric regime, one step per week.

One file per process, in the order `docs/model.md` tells them: the workforce, a week of
work (production, with the gaming repertoire), the observable signals, the metric, managers'
judgement, trust, behaviour (how people choose), wellbeing and turnover; `organisation`
runs them in that order, and `agents` makes each employee a Mesa agent viewing its row.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Imported on first use: `sim.core.checks` reads the vocabulary of `production` and `signals`,
# and `organisation` reads `sim.core.checks` through `sim.core.presets`; importing the organisation
# here would make `import sim.core.checks` (and so `import sim.core.presets`) circular.
_EXPORTS = {"Employee": "sim.model.agents", "OrgModel": "sim.model.model"}

if TYPE_CHECKING:
    from sim.model.agents import Employee
    from sim.model.model import OrgModel

__all__ = ["Employee", "OrgModel"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sim.model' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
