"""Goodhart's law at work: an agent-based simulator of metric regimes.

from sim import simulate, OrgModel
result = simulate(overrides=["regime=consumption", "regime.pressure=0.8"])
"""

from sim.config import Config, RegimeConfig
from sim.model import Employee, OrgModel
from sim.run import RunResult, simulate

__all__ = ["Config", "Employee", "OrgModel", "RegimeConfig", "RunResult", "simulate"]
