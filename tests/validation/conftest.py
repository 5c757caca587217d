"""Organisations for the validation targets: two sizes, two horizons.

A target that holds at one size only is a tuning artefact, not a finding, so every target
runs at 200 and 2,000 employees, and over one year and over three: the small organisation
over three years, the large one over one (`python -m sim validate --size 2000 --weeks 156`
runs the rest). They are the validation study, marked slow: `make validate` runs them.
"""

from __future__ import annotations

import pytest

from sim.core.run import replicate_seeds
from sim.studies.validate import Lab

SETTINGS = {
    "200-people-3-years": (200, 156, 6),
    "2000-people-1-year": (2000, 52, 3),
}


@pytest.fixture(scope="session", params=list(SETTINGS))
def lab(request) -> Lab:
    size, weeks, seeds = SETTINGS[request.param]
    return Lab(size, weeks, replicate_seeds(4242, seeds), pressures=(0.0, 0.5, 1.0))
