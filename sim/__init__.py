"""Goodhart's law at work: an agent-based simulator of metric regimes.

from sim import simulate, OrgModel
result = simulate(overrides=["regime=consumption", "regime.pressure=0.8"])
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"  # the package's version (pyproject reads it from here)

# Imported on first use, so `goodhart-sim --version` and the commands that need no model
# start without loading Mesa, pandas and Hydra.
_EXPORTS = {
    "Config": "sim.core.config",
    "RegimeConfig": "sim.core.config",
    "Employee": "sim.model",
    "OrgModel": "sim.model",
    "RunResult": "sim.core.run",
    "simulate": "sim.core.run",
    "simulate_batch": "sim.core.run",
}

if TYPE_CHECKING:
    from sim.core.config import Config, RegimeConfig
    from sim.core.run import RunResult, simulate, simulate_batch
    from sim.model import Employee, OrgModel

__all__ = [
    "__version__",
    "Config",
    "Employee",
    "OrgModel",
    "RegimeConfig",
    "RunResult",
    "simulate",
    "simulate_batch",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
