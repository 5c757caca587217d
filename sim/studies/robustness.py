"""Which headline claims survive the space of assumed parameters, as this version ships it.

`experiments/robustness.py` varies every assumed parameter over its plausible range at once
(Sobol, SALib) and writes `sim/studies/robustness.yaml`: per claim, the share of the space where it
holds, its Wilson 95% interval and whether it holds in at least 90% of it. The validation
report and the HR report quote it, so that a reader sees next to each figure how far it
hinges on the assumptions. The study is hours of computing, so it is shipped, not rerun.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from importlib import resources

import yaml

FILE = "robustness.yaml"
VERDICTS = ("yes", "no", "not established")


@dataclass(frozen=True)
class ClaimResult:
    key: str
    claim: str
    test: str
    share: float
    ci_low: float
    ci_high: float
    verdict: str  # "yes": holds in at least 90% of the space; "no": does not; or "not established"


@dataclass(frozen=True)
class RobustnessStudy:
    date: str
    parameters: int
    points: int
    base_points: int
    employees: int
    weeks: int
    claims: tuple[ClaimResult, ...]

    def described(self) -> str:
        return (
            f"the robustness study of {self.date}: {self.parameters} assumed parameters varied at once "
            f"over their plausible ranges ({self.points} points, {self.employees} people x {self.weeks} "
            f"weeks each; shares over the {self.base_points} independent ones)"
        )


def verdict_of(ci_low: float, ci_high: float) -> str:
    """Whether a claim holds in at least 90% of the space, from its interval's ends."""
    return "yes" if ci_low >= 0.9 else "no" if ci_high < 0.9 else "not established"


def _verdict(word: object) -> str:
    if word not in VERDICTS:
        raise ValueError(f"{FILE}: verdict {word!r}; allowed: {', '.join(VERDICTS)}")
    return str(word)


def parse(text: str) -> RobustnessStudy:
    data = yaml.safe_load(text)
    claims = tuple(
        ClaimResult(**{f.name: c[f.name] for f in fields(ClaimResult)} | {"verdict": _verdict(c["verdict"])})
        for c in data["claims"]
    )
    study = {f.name: data["study"][f.name] for f in fields(RobustnessStudy) if f.name != "claims"}
    return RobustnessStudy(**study | {"date": str(study["date"])}, claims=claims)


def shipped() -> RobustnessStudy | None:
    """The study this version ships, or None if it ships none."""
    source = resources.files("sim.studies").joinpath(FILE)
    if not source.is_file():
        return None
    return parse(source.read_text())


def share_text(result: ClaimResult) -> str:
    return f"{result.share:.0%} [{result.ci_low:.0%}, {result.ci_high:.0%}]"


def markdown(study: RobustnessStudy | None) -> list[str]:
    """The validation report's section on it."""
    lines = ["## Across the parameter space", ""]
    if study is None:
        return [*lines, "This version ships no robustness study (experiments/robustness.py writes one).", ""]
    lines += [
        f"From {study.described()}; [robustness.md](robustness.md) has the study, what drives each "
        "failure and the ranges. A claim holds in at least 90% of the space (`yes`) when its interval's "
        "lower end is 0.9 or more, and does not (`no`) when its upper end is below 0.9.",
        "",
        "| claim | evaluated as | share of the space where it holds [95% CI] | in at least 90%? |",
        "|---|---|---|---|",
    ]
    lines += [f"| {c.claim} | {c.test} | {share_text(c)} | {c.verdict} |" for c in study.claims]
    return [*lines, ""]
