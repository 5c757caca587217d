"""Goodhart's law at work: an agent-based simulator of metric regimes.

from sim import simulate, OrgModel
result = simulate(overrides=["regime=consumption", "regime.pressure=0.8"])
"""

__version__ = "0.1.0"  # the package's version (pyproject reads it from here)

from sim.config import Config, RegimeConfig
from sim.model import Employee, OrgModel
from sim.run import RunResult, simulate

__all__ = ["__version__", "Config", "Employee", "OrgModel", "RegimeConfig", "RunResult", "simulate"]
