"""Goodhart's law at work: an agent-based simulator of metric regimes.

from sim import simulate, OrgModel
result = simulate(overrides=["regime=consumption", "regime.pressure=0.8"])
"""

__version__ = "0.1.0"  # the package's version (pyproject reads it from here)

# isort: off
from sim.model import Employee, OrgModel  # first: the core's checks read the model's activities
from sim.core.config import Config, RegimeConfig
from sim.core.run import RunResult, simulate
# isort: on

__all__ = ["__version__", "Config", "Employee", "OrgModel", "RegimeConfig", "RunResult", "simulate"]
