"""Each validation target of DESIGN.md as a test, at two sizes and two horizons.

The claims, their sources and their tolerances live in sim/studies/validate.py, next to the code
that measures them, and are shared with the report in docs/validation.md.
"""

from __future__ import annotations

import pytest

from sim.studies import validate
from sim.studies.validate import TARGETS, Lab

pytestmark = pytest.mark.slow  # about five minutes: `make validate` runs them, the default suite does not


def explain(outcome: validate.Outcome) -> str:
    failed = [name for name, ok in outcome.checks.items() if not ok]
    return f"failed: {failed}; figures: " + "; ".join(str(f) for f in outcome.figures)


# Targets the model does not reproduce everywhere stay visible as expected failures, with
# the reason from sim/studies/validate.py, never as silently weakened checks: the four held-out
# targets the report fails (what each needs: experiments/held_out_needs.py). On Model 3.1
# targets 1, 2, 6, 11 and 17 hold at both sizes and left this set.
KNOWN_MISSES = {15, 16, 19, 20}


# Claims about two years that one year cannot show; the report (two years) and the three-year
# test hold them.
NEEDS_TWO_YEARS = {
    1: "with 39 weeks of policy the leaderboard's score at full pressure is not yet 1.5x its level "
    "at half pressure",
    3: "token spend under a quota is still climbing after 39 weeks of policy (about 3.7x, 7x at two years)",
    5: "39 weeks of policy see too few regretted quits for the interval to leave out zero (at 2,000 people "
    "+1.3 points [-0.1, +2.7]; beyond noise at two years and over three)",
    7: "39 weeks of policy leave showing telemetry's cost to value per token dollar within noise (Model "
    "3.1, 2,000 people: 0.984 [0.961, 1.01]; 0.965 [0.957, 0.972] at 12 seeds of 500 over two years)",
    12: "the first year holds the settling of habits, so compounding it to two years overstates growth",
}


# Claims at the edge of what a small organisation over three years can show; the report (500
# people, two years) holds them. Kept visible, never dropped. On Model 3.1 targets 7 and 13,
# kept here on Model 3.0, hold at 200 people over three years.
AT_200_PEOPLE_OVER_THREE_YEARS: dict[int, str] = {}


def _case(target: validate.Target):
    if target.number in KNOWN_MISSES:
        return pytest.param(target, marks=pytest.mark.xfail(reason=target.note, strict=False))
    return target


@pytest.mark.parametrize("target", [_case(t) for t in TARGETS], ids=[f"target-{t.number}" for t in TARGETS])
def test_target_holds(lab: Lab, target: validate.Target, request):
    if target.number in NEEDS_TWO_YEARS and lab.weeks < 104:
        request.applymarker(pytest.mark.xfail(reason=NEEDS_TWO_YEARS[target.number], strict=False))
    if target.number in AT_200_PEOPLE_OVER_THREE_YEARS and lab.size <= 200 and lab.weeks >= 156:
        reason = AT_200_PEOPLE_OVER_THREE_YEARS[target.number]
        request.applymarker(pytest.mark.xfail(reason=reason, strict=False))
    outcome = target.measure(lab)
    assert outcome.passed, explain(outcome)
