"""The verdict across the plausible versions of one organisation: does a policy beat
measuring nothing here, given what is known about here and what is not?

    from sim.hr.across import across
    found = across(load_profile("example:startup"), [load_scenario("team_outcome")])
    found.policies[0].share            # share of plausible versions where it beats no metric

A profile is fitted (`sim.hr.fit.fit`: the plausible versions of the organisation, each a
parameter point consistent with its figures); each policy and measuring nothing then run in
every version on the same seeds, VERSION_SEEDS runs each, at the profile's headcount up to
VERDICT_EMPLOYEES people. In each version a policy beats measuring nothing when its cost
per unit of durable value is lower by at least the materiality bar and it is not worse by
more than its bar on durable value per hour, burnout or top contributors leaving (`BARS`,
the report's rule with a size for "clearly": one version has too few runs for an interval).
What decides the outcome is found by scenario discovery: PRIM (the EMA Workbench) over the
versions' parameters, read as at most two conditions in plain words.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from sim.core.checks import ConfigError
from sim.core.cli import missing_extra
from sim.core.compare import baseline_config
from sim.core.measures import value_per_40_hours
from sim.core.run import replicate_seeds, simulate_batch
from sim.core.scenarios import Scenario
from sim.hr.fit import Fit, fit, in_versions, organisation_overrides, version_keys
from sim.hr.profile import OrgProfile, rating_accuracy

FIT_POINTS = 1024  # prior points simulated by the fit
ACCEPT = 0.1  # the closest tenth of them are the plausible versions
# Runs per version and regime (common seeds). A version's outcome is judged on its mean over
# them, so its runs' luck (about 1.6% of cost per unit and 1.7 points of burnout for one run of
# 200 people) can push it past a bar: with 2 runs, 3 of 20 recovery organisations beat measuring
# nothing under decoupled telemetry against 6 with 8 (experiments/fit_recovery.py). 4 halves
# the luck's variance again at twice the runs of 2.
VERSION_SEEDS = 4
VERDICT_WEEKS = 104
VERDICT_EMPLOYEES = 1000  # people simulated per version: the profile's headcount up to this
CONFIDENCE = 0.95

BEATS, WORSE, TRADE_OFF, NOT_MATERIAL = "beats", "worse", "trade-off", "no material difference"
OUTCOMES = (BEATS, TRADE_OFF, NOT_MATERIAL, WORSE)


@dataclass(frozen=True)
class Bar:
    """A decision criterion and the smallest change that counts (materiality)."""

    column: str
    title: str
    relative: bool  # a change in per cent of the baseline's level, else in points
    size: float  # the bar: a share (relative) or points of a share
    better: int  # -1: lower is better


# The report's criteria (sim.hr.verdict.CRITERIA) with the size of a change that matters to a
# decision: 1% of cost per unit or of value per hour, one person in a hundred burned out, one
# in a hundred top contributors leaving a year. A reader may hold other bars; they are stated
# in the report beside every share.
BARS = (
    Bar("cost_per_durable_value", "Cost per unit of durable value", True, 0.01, -1),
    Bar("durable_value_per_hour", "Durable value per hour worked", True, 0.01, +1),
    Bar("burnout_share", "Burnout", False, 0.01, -1),
    Bar("regretted_attrition", "Top contributors leaving", False, 0.01, -1),
)
COST = BARS[0]

# Plain names of the parameters a sentence may name (others fall back to their key).
PLAIN = {
    "behaviour.judgement_noise": "managers' ratings track results",
    "behaviour.hours_visibility": "managers' impressions lean on hours seen",
    "behaviour.telemetry_visibility": "managers' impressions lean on AI telemetry",
    "behaviour.score_stakes": "what a top score is worth to people",
    "behaviour.moral_weight": "people's qualms about gaming",
    "behaviour.norm_strength": "teammates' gaming makes gaming acceptable",
    "behaviour.effort_weight": "the felt cost of long hours",
    "behaviour.ai_effort_relief": "AI work feels lighter than it is",
    "behaviour.imitation": "people copy better-rewarded peers",
    "behaviour.rework_awareness": "people notice their own rework",
    "behaviour.expectation_weight": "the cost of missing managers' expectations",
    "workforce.gaming_inclined_share": "hires bring gaming habits",
    "workforce.non_adopter_share": "hires bring no AI habits",
    "workforce.token_need_sd": "the spread of people's token needs",
    "workforce.integrity_a": "people's integrity",
    "wellbeing.overwork_strain": "overwork exhausts",
    "wellbeing.anxiety_strain": "evaluation anxiety exhausts",
    "wellbeing.informal_anxiety": "people fear their standing with managers",
    "wellbeing.dissonance_strain": "gaming against one's integrity exhausts",
    "wellbeing.recovery": "people recover each week",
    "wellbeing.ratchet": "over-delivery becomes the new norm",
    "production.peer_review_share": "teammates review each other's AI output",
    "production.help_effect": "help to teammates pays",
    "production.review_need": "AI output needs review",
    "production.rework_reviewed": "rework survives review",
    "production.tokens_per_ai_hour": "tokens an honest AI hour burns",
    "gaming.agents_running.tokens": "tokens left-running agents burn",
    "trust.monitoring_erosion": "visible telemetry erodes trust",
    "trust.misalignment_erosion": "a misaligned metric erodes trust",
    "trust.motivation_loss": "lost trust costs motivation",
    "trust.quit_effect": "lost trust makes people quit",
    "turnover.imbalance_quit": "effort-reward imbalance makes people quit",
    "turnover.outside_option_quit": "better outside options make people quit",
    "turnover.base_attrition": "people leave for other reasons",
    "org.team_size": "team size",
    "org.salary": "salary",
    "org.review_period": "weeks between reviews",
    "regime.forced_ranking": "forced ranking",
}
NOISE = "behaviour.judgement_noise"
MIN_COVERAGE = 0.5  # a box that decides holds at least half the versions where the answer flips


@dataclass
class Decision:
    """What decides a policy's outcome across the versions: a PRIM box of at most two
    conditions, the share of versions inside it with that outcome and the share outside."""

    outcome: str  # the outcome the box gathers (the minority: where the answer flips)
    conditions: list[tuple[str, float, float]]  # (parameter, low, high) of the box
    inside: int  # versions in the box
    inside_share: float  # share of them with the outcome
    outside_share: float  # share of the others with it
    coverage: float  # share of all versions with the outcome that the box holds
    sentence: str


@dataclass
class PolicyAcross:
    """One policy in every plausible version: per version its changes and outcome."""

    key: str
    name: str
    changes: pd.DataFrame  # per version: each bar's change (relative or points), its standard error
    outcomes: pd.Series  # per version: BEATS, TRADE_OFF, NOT_MATERIAL or WORSE
    dollars: pd.DataFrame  # per version: $ a year against measuring nothing at the headcount
    decision: Decision | None = None

    @property
    def share(self) -> float:
        return float((self.outcomes == BEATS).mean())

    def interval(self, outcome: str = BEATS) -> tuple[float, float]:
        """Clopper-Pearson 95% interval of the share of versions with the outcome."""
        k, n = int((self.outcomes == outcome).sum()), len(self.outcomes)
        ci = binomtest(k, n).proportion_ci(CONFIDENCE, method="exact")
        return float(ci.low), float(ci.high)

    @property
    def verdict(self) -> str:
        """'beats' when it beats no metric in most plausible versions (the interval above a
        half), 'does not beat' when in few (below a half), else 'could go either way'."""
        low, high = self.interval()
        return "beats" if low > 0.5 else "does not beat" if high < 0.5 else "could go either way"


@dataclass
class Across:
    profile: OrgProfile
    fitted: Fit
    versions: pd.DataFrame  # the plausible versions' parameter values, one row each
    employees: int
    weeks: int
    seeds: list[list[int]]  # per version, its runs' seeds
    headcount: int
    policies: list[PolicyAcross] = field(default_factory=list)

    def luck(self) -> dict[str, float]:
        """Per bar, the median standard error of a version's change across its seeds: how
        much of a version's change is its runs' luck rather than the version."""
        out = {}
        for bar in BARS:
            errors = pd.concat([p.changes[f"{bar.column}_se"] for p in self.policies])
            out[bar.column] = float(errors.median()) if len(errors) else math.nan
        return out


def outcome(row: pd.Series) -> str:
    """A version's outcome from its changes against measuring nothing (`BARS`)."""

    def worse(bar: Bar) -> bool:
        return row[bar.column] * bar.better <= -bar.size

    cost = row[COST.column]
    if worse(COST):
        return WORSE
    if cost * COST.better >= COST.size:
        return TRADE_OFF if any(worse(b) for b in BARS[1:]) else BEATS
    return TRADE_OFF if any(worse(b) for b in BARS[1:]) else NOT_MATERIAL


def _criteria(summary: pd.Series) -> dict[str, float]:
    per_hour = value_per_40_hours(float(summary["durable_value_per_head"]), float(summary["hours_mean"]))
    return {
        "cost_per_durable_value": float(summary["cost_per_durable_value"]),
        "durable_value_per_hour": float(per_hour),
        "burnout_share": float(summary["burnout_share"]),
        "regretted_attrition": float(summary["regretted_attrition"]),
    }


def _money(result, headcount: int) -> dict[str, float]:
    """One run's dollars a year, scaled from the simulated posts to the headcount."""
    from sim.hr.report import yearly_money  # the report's dollar line, one definition

    scale = headcount / result.config.org.n_employees
    return {k: v * scale for k, v in yearly_money(result.weekly, result.summary).items()}


def across(
    profile: OrgProfile,
    scenarios: Sequence[Scenario],
    *,
    n: int = FIT_POINTS,
    accept: float = ACCEPT,
    seeds_per_version: int = VERSION_SEEDS,
    seed: int = 0,
    weeks: int = VERDICT_WEEKS,
    employees: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Across:
    """Fit the profile, then run measuring nothing and each policy in every plausible version,
    and find what decides each policy's outcome."""
    say = progress or (lambda _: None)
    say(f"fitting the profile: {n} plausible organisations simulated, the closest {accept:.0%} kept")
    fitted = fit(profile, n=n, accept=accept, seed=seed)
    versions = fitted.accepted
    headcount = profile.headcount or int(np.median(fitted.sample.values.get("org.n_employees", [500])))
    people = employees or min(headcount, VERDICT_EMPLOYEES)
    # Fresh seeds, derived from the fit's seed for the point but none of them that seed: a
    # point was kept because its run under that seed came close to the profile's figures, and
    # a version run again on that luck would carry the selection into the comparison.
    seeds = [replicate_seeds(fitted.sample.seeds[i], seeds_per_version) for i in fitted.kept]
    say(
        f"{len(versions)} plausible versions x {len(scenarios) + 1} regimes x {seeds_per_version} runs, "
        "stepped together"
    )
    found = Across(profile, fitted, versions, people, weeks, seeds, headcount)
    found.policies = in_each_version(
        organisation_overrides(profile, people, weeks), scenarios, versions, seeds, headcount
    )
    for policy in found.policies:
        policy.decision = decide(versions, policy)
    return found


def in_each_version(
    base: Sequence[str],
    scenarios: Sequence[Scenario],
    versions: pd.DataFrame,
    seeds: Sequence[Sequence[int]],
    headcount: int,
) -> list[PolicyAcross]:
    """Measuring nothing and each policy in each version (on `base`, the organisation's
    overrides), on each version's seeds (as many for every version), all stepped together;
    per policy and version, the mean change on each bar against measuring nothing, run by
    run on the same seeds, and the outcome."""
    policy_cfgs = [s.config(base) for s in scenarios]
    regimes = [baseline_config(policy_cfgs[0]), *policy_cfgs]
    per_regime = [in_versions(cfg, versions) for cfg in regimes]
    configs = [per_regime[r][v] for r in range(len(regimes)) for v in range(len(versions)) for _ in seeds[v]]
    run_seeds = [s for _ in regimes for version in seeds for s in version]
    results = simulate_batch(configs, run_seeds)
    k = len(seeds[0])
    shape = (len(regimes), len(versions), k)
    criteria = np.array([list(_criteria(r.summary).values()) for r in results]).reshape(*shape, len(BARS))
    money = pd.DataFrame([_money(r, headcount) for r in results])
    dollars_cube = money.to_numpy().reshape(*shape, money.shape[1])
    policies = []
    for j, scenario in enumerate(scenarios, start=1):
        columns: dict[str, np.ndarray] = {}
        for b, bar in enumerate(BARS):
            under, nothing = criteria[j, ..., b], criteria[0, ..., b]
            diff = under / nothing - 1 if bar.relative else under - nothing
            columns[bar.column] = diff.mean(axis=1)
            columns[f"{bar.column}_se"] = (
                diff.std(axis=1, ddof=1) / math.sqrt(k) if k > 1 else np.full(len(versions), np.nan)
            )
        changes = pd.DataFrame(columns, index=versions.index)
        dollars = pd.DataFrame(
            (dollars_cube[j] - dollars_cube[0]).mean(axis=1), columns=money.columns, index=versions.index
        )
        policies.append(
            PolicyAcross(f"s{j}", scenario.name, changes, changes.apply(outcome, axis=1), dollars)
        )
    return policies


# -- what decides it -------------------------------------------------------------------------


def check_discovery() -> None:
    """Before any run: the scenario discovery needs the [org] extra (the EMA Workbench)."""
    said = missing_extra("org", "report --org")
    if said:
        raise ConfigError(said)


def open_parameters(versions: pd.DataFrame) -> pd.DataFrame:
    """The versions' parameters that vary among them and reach the runs (a fitted point's
    regime values do not: the regime is the policy's, `in_versions`)."""
    keep = [c for c in version_keys(versions.columns) if versions[c].nunique() > 1]
    return versions[keep]


def _prim_box(x: pd.DataFrame, y: np.ndarray, max_conditions: int) -> list[tuple[str, float, float]]:
    """The densest PRIM box (EMA Workbench) on the peeling trajectory that still holds at
    least MIN_COVERAGE of the versions with the outcome, among those of at most
    `max_conditions` restricted parameters (a sentence a person can hold)."""
    import logging

    with warnings.catch_warnings():  # optional parallel back-ends missing; pandas deprecations
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        logging.getLogger("EMA").setLevel(logging.WARNING)
        options: dict[str, float] = {"peel_alpha": 0.05, "mass_min": 0.05}
        if "threshold" in inspect.signature(prim.Prim).parameters:  # 2.x (Python 3.11) asks for it
            options["threshold"] = 0.5
        box = prim.Prim(x.reset_index(drop=True), y.astype(bool), **options).find_box()
    if box is None:
        return []
    path = box.peeling_trajectory
    allowed = (
        (path["res_dim"] <= max_conditions) & (path["res_dim"] >= 1) & (path["coverage"] >= MIN_COVERAGE)
    )
    if not allowed.any():
        return []
    box.select(int(path["density"].where(allowed).idxmax()))
    limits = box.box_lim
    out = []
    for name in x.columns:
        low, high = float(limits[name].iloc[0]), float(limits[name].iloc[1])
        if low > x[name].min() or high < x[name].max():
            out.append((name, low, high))
    return out


def _number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.2g}" if abs(x) < 1 else f"{x:.3g}"


def condition_words(name: str, low: float, high: float, x: pd.Series) -> str:
    """A box's limits on one parameter in plain words; judgement noise as the correlation of
    managers' ratings with results it gives (`sim.hr.profile.rating_accuracy`)."""
    above, below = low > x.min(), high < x.max()
    if name == NOISE:  # more noise, weaker ratings: the limits swap
        r_low, r_high = rating_accuracy(high), rating_accuracy(low)
        said = "managers' ratings track results"
        if above and below:
            return f"{said} at r = {r_low:.2f} to {r_high:.2f}"
        return f"{said} worse than r = {r_high:.2f}" if above else f"{said} better than r = {r_low:.2f}"
    plain = f"{PLAIN.get(name, name)} ({name})"
    if above and below:
        return f"{plain} is {_number(low)} to {_number(high)}"
    return f"{plain} is above {_number(low)}" if above else f"{plain} is below {_number(high)}"


def decide(versions: pd.DataFrame, policy: PolicyAcross, max_conditions: int = 2) -> Decision:
    """Where the policy's answer flips: PRIM on the rarer of 'beats' and 'does not beat'."""
    x = open_parameters(versions)
    beats = (policy.outcomes == BEATS).to_numpy()
    target = BEATS if beats.mean() <= 0.5 else "does not beat"
    y = beats if target == BEATS else ~beats
    n, hits = len(y), int(y.sum())
    verb = "beats measuring nothing" if target == BEATS else "does not beat measuring nothing"
    if hits < max(3, math.ceil(0.05 * n)) or x.empty:
        where = f"in none of the {n}" if hits == 0 else f"in only {hits} of the {n}"
        sentence = (
            f"{policy.name} {verb} {where} plausible versions of this organisation: "
            "too few for anything in the plausible range to decide it."
        )
        return Decision(target, [], 0, math.nan, float(y.mean()), math.nan, sentence)
    conditions = _prim_box(x, y, max_conditions)
    inside = np.ones(n, dtype=bool)
    for name, low, high in conditions:
        inside &= (x[name].to_numpy() >= low) & (x[name].to_numpy() <= high)
    inside_share = float(y[inside].mean()) if inside.any() else math.nan
    outside_share = float(y[~inside].mean()) if (~inside).any() else math.nan
    coverage = float(y[inside].sum() / hits)
    if not conditions:
        sentence = (
            f"{policy.name} {verb} in {hits} of {n} plausible versions, and no condition on one or "
            "two parameters gathers them."
        )
    else:
        words = " and ".join(condition_words(name, low, high, x[name]) for name, low, high in conditions)
        sentence = (
            f"{policy.name} {verb} in {inside_share:.0%} of the plausible versions where {words} "
            f"({int(inside.sum())} of {n} versions), against {outside_share:.0%} of the others."
        )
    return Decision(target, conditions, int(inside.sum()), inside_share, outside_share, coverage, sentence)
