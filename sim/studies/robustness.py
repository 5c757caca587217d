"""Which headline claims survive the space of assumed parameters, as this version ships it.

`experiments/robustness.py` varies every assumed parameter over its plausible range at once
(Sobol, SALib) and writes `sim/studies/robustness.yaml`: per claim, the share of the space where it
holds, its Wilson 95% interval and whether it holds in at least 90% of it. The validation
report and the HR report quote it, so that a reader sees next to each figure how far it
hinges on the assumptions. The study is hours of computing, so it is shipped, not rerun.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
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
    # The share where it holds among the points where AI's own effect with no metric is
    # positive, and among the rest (None: no such point, or a study from before it was split)
    share_ai_helps: float | None = None
    share_ai_hurts: float | None = None


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


# Calibrated parameters the study samples all the same, and why: the rest stay at their
# fitted values (sim/configs/calibrated.yaml).
SAMPLED_CALIBRATED = {
    "production.ai_multiplier_expert": "the calibration's grid (1.9 to 2.8) barely tells its values "
    "apart (docs/calibration.md), and AI's own effect with no metric, inside every comparison with "
    "measuring nothing, rests on it",
    "production.ai_skill_levelling": "read from Dell'Acqua et al. through the model's spread of skill, "
    "a mapping with two readings (a narrower spread among consultants, regression to the mean in a "
    "baseline scored once) that move it either way",
}

# The space the study varies (experiments/robustness.py): (parameter, low, high, why this
# range). Defaults (sim/core/config.py) lie inside every range. The organisation profile
# (sim/hr/profile.py) keeps these ranges as its priors.
PARAMETERS = (
    (
        "behaviour.score_stakes",
        0.5,
        4.0,
        "utility of a full score, in weeks of contribution: a bonus of a few weeks' pay to a promotion",
    ),
    (
        "behaviour.moral_weight",
        0.2,
        1.6,
        "moral cost of a week of theater: from shrugged off to twice the default",
    ),
    (
        "behaviour.norm_strength",
        0.0,
        1.0,
        "how far teammates' gaming eases its moral cost: none to fully (descriptive norms)",
    ),
    (
        "behaviour.effort_weight",
        0.15,
        0.7,
        "cost of a 40 felt hours' week: from a third of the default (0.45) to 1.6 times it",
    ),
    (
        "behaviour.ai_effort_relief",
        0.0,
        0.6,
        "share of an AI-assisted hour's effort not felt when planning the week: none to twice the default",
    ),
    (
        "behaviour.imitation",
        0.0,
        0.6,
        "share of a better-rewarded peer's split copied at reviews: none to most",
    ),
    ("behaviour.rework_awareness", 0.1, 0.8, "share of own rework people notice: little to most"),
    ("behaviour.expectation_weight", 0.3, 2.0, "cost of missing expectations: a third to twice the default"),
    (
        "behaviour.judgement_noise",
        0.3,
        2.0,
        "managers' misreading of contribution (Bommer et al. 1995: r = 0.39 at about 1)",
    ),
    (
        "behaviour.hours_visibility",
        0.0,
        0.6,
        "how far managers' impression leans on hours seen: not at all to twice the default",
    ),
    (
        "behaviour.telemetry_visibility",
        0.1,
        1.0,
        "how far it leans on AI telemetry where shown: slightly to fully",
    ),
    (
        "workforce.gaming_inclined_share",
        0.05,
        0.6,
        "hires who bring gaming habits: one in twenty to three in five (default one in five)",
    ),
    ("wellbeing.overwork_strain", 0.15, 0.7, "exhaustion per 100% overtime: half to twice the default"),
    ("wellbeing.anxiety_strain", 0.0, 0.15, "exhaustion from evaluation anxiety: none to 2.5x the default"),
    (
        "wellbeing.informal_anxiety",
        0.0,
        1.0,
        "anxiety from one's standing with managers, relative to a formal score's: none to the same",
    ),
    (
        "wellbeing.dissonance_strain",
        0.0,
        0.25,
        "exhaustion from theater against one's integrity: none to 2.5x",
    ),
    (
        "production.peer_review_share",
        0.2,
        0.8,
        "share of the review of one's output that teammates must do: a fifth to most of it",
    ),
    ("wellbeing.recovery", 0.03, 0.12, "weekly recovery: half-life of about 6 to 23 weeks"),
    (
        "wellbeing.ratchet",
        0.2,
        0.8,
        "share of over-delivery that becomes the new norm (Homer 1985): low to high",
    ),
    (
        "trust.monitoring_erosion",
        0.0,
        0.015,
        "weekly trust lost under visible telemetry: none to 3x the default",
    ),
    (
        "trust.misalignment_erosion",
        0.005,
        0.05,
        "weekly trust lost per unit of pressure x misalignment: a quarter to 2.5x",
    ),
    (
        "trust.motivation_loss",
        0.1,
        0.6,
        "intrinsic motivation lost at trust 0 (Falk & Kosfeld 2006 crowding-out): a tenth to most",
    ),
    ("trust.quit_effect", 0.2, 1.4, "log-hazard of quitting per unit of trust lost: hazard x1.2 to x4"),
    (
        "turnover.imbalance_quit",
        0.2,
        1.0,
        "quit hazard per unit of effort-reward imbalance (Siegrist): mild to doubling",
    ),
    ("turnover.outside_option_quit", 1.0, 3.0, "log-hazard per unit of better outside option: half to 1.5x"),
    ("production.help_effect", 0.1, 0.5, "teammates' gain per 10 quality hours: small to large"),
    (
        "production.review_need",
        0.1,
        1.0,
        "review hours per hour of AI output: as craft's (0.1) to an hour (Faros: review time up); "
        "with the two below, it spans AI's own effect over the sources' band (docs/model.md)",
    ),
    (
        "production.ai_multiplier_expert",
        1.8,
        3.5,
        "an expert's AI hour in craft hours: calibrated at 2.5 but weakly identified (SAMPLED_CALIBRATED); "
        "3.5 with review as craft's lifts AI's own effect to Brynjolfsson et al.'s +14%",
    ),
    (
        "production.ai_skill_levelling",
        0.0,
        0.75,
        "how much less an AI hour's output owes to skill: none (AI helps everyone alike) to 1.5 times "
        "Dell'Acqua et al.'s 0.5 (a wider spread of skill than consultants' needs less; a noisy "
        "baseline overstates it)",
    ),
    (
        "production.ai_task_hours",
        8.0,
        24.0,
        "AI-suited hours in 40 of real work: a fifth to three fifths (default 12; no source)",
    ),
    ("production.rework_reviewed", 0.1, 0.5, "rework left after full review: a tenth to half"),
    (
        "production.tokens_per_ai_hour",
        0.2,
        1.0,
        "million tokens per honest AI hour: chat-only use to agentic use",
    ),
    (
        "gaming.agents_running.tokens",
        10.0,
        240.0,
        "million tokens an hour of a person's time leaving agents running: one agent for part of "
        "that hour to one kept busy the 16 hours outside the working day (12-18M an agent-hour)",
    ),
    ("workforce.integrity_a", 2.0, 8.0, "Beta(a, 2.5) of integrity: mean 0.44 to 0.76"),
    (
        "behaviour.claims_visibility",
        0.0,
        0.5,
        "share of what records overstate (credit claimed, defects deferred) that bends managers' "
        "impression: none (the default) to half; no source gives it",
    ),
    (
        "org.interdependence",
        0.0,
        1.0,
        "share of work done jointly, which blurs outcome signals credited to one person: none to all",
    ),
    (
        "gaming.claiming_credit.durable",
        0.2,
        2.0,
        "durable value an hour of claiming teammates' credit adds to one's record, in craft hours: "
        "what outcome gaming earns (default 0.8)",
    ),
    (
        "gaming.cherry_picking.durable",
        0.2,
        1.5,
        "durable value an hour of cherry-picking easy work adds to one's record (default 0.6)",
    ),
    (
        "gaming.deferring_defects.hides_rework",
        0.3,
        3.0,
        "own rework an hour of deferring defects hides past the window, in craft hours (default 1)",
    ),
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
        ClaimResult(
            **{f.name: c[f.name] if f.default is MISSING else c.get(f.name) for f in fields(ClaimResult)}
            | {"verdict": _verdict(c["verdict"])}
        )
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


def share_or_na(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def space_share(key: str) -> str:
    """'47% of the space [43, 51]': where the shipped study's claim `key` holds, for prose."""
    study = shipped()
    found = next((c for c in study.claims if c.key == key), None) if study else None
    if found is None:
        return "a share of the space this version's robustness study does not give"
    return f"{found.share:.0%} of the space [{found.ci_low * 100:.0f}, {found.ci_high * 100:.0f}]"


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
        "lower end is 0.9 or more, and does not (`no`) when its upper end is below 0.9. *Where AI "
        "helps* and *where AI hurts* give the share among the points where AI tools, with no metric, "
        'raise durable value per head and among the rest (robustness.md, "When AI helps and when it '
        'hurts").',
        "",
        "| claim | evaluated as | share of the space where it holds [95% CI] | in at least 90%? "
        "| where AI helps | where AI hurts |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {c.claim} | {c.test} | {share_text(c)} | {c.verdict} | {share_or_na(c.share_ai_helps)} "
        f"| {share_or_na(c.share_ai_hurts)} |"
        for c in study.claims
    ]
    return [*lines, ""]
