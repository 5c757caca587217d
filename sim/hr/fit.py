"""Fitting an organisation profile: the plausible versions of the organisation it describes.

    from sim.hr.profile import load_profile
    from sim.hr.fit import fit
    result = fit(load_profile("my_org.yaml"), n=256)
    result.ranges          # each parameter's prior range, accepted range, and whether it moved

Rejection ABC (approximate Bayesian computation) on one batched sample: `prior_sample` draws
n parameter points from the profile's ranges (`OrgProfile.parameter_ranges`, a scrambled
Sobol or Latin hypercube design from SciPy) with the profile's fixed parameters applied;
every point is simulated once, all together (`sim.core.run.simulate_batch`);
`simulated_statistics` reads from each run the figures the profile gives, in the profile's
units; the points whose figures lie closest to the profile's are the plausible versions of
the organisation. docs/profile.md ("Fitting") gives the distance and the acceptance rule.

What is simulated is a scaled organisation (SCALED_EMPLOYEES people, the profile's team
size) whatever the profile's headcount: per-person figures depend on headcount only through
team structure in this model (docs/profile.md has the measurement at 200 and 1,000 people).
The figures were measured under the organisation's current practice, so the runs use no
metric (`regime=baseline`) unless the caller names another regime.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.stats import qmc, spearmanr

from sim.core.config import Config
from sim.core.run import RunResult, replicate_seeds, resolve, simulate_batch, with_values
from sim.hr.profile import CADENCES, WEEKS_PER_MONTH, OrgProfile, ParameterRange
from sim.model.runs import SHARED_KEYS

if TYPE_CHECKING:
    from sim.model.organisation import Organisations

SCALED_EMPLOYEES = 200  # people simulated for any headcount (per-person figures do not depend on it)
FIT_WEEKS = 52  # a year after the burn-in: a year's attrition, managers' picture after a year
MIN_TENURE_WEEKS = (
    4  # a person counts in the token deciles after about a month, as a monthly export lists them
)
ACTIVE_DAYS = 1.0  # a weekly active user: at least one AI-active day in the week
# Parameters that shape a batch (sim.model.runs.SHARED_KEYS) must be equal in the runs stepped
# together, so a fit draws them from a few levels, not a continuum: reviews at the usual
# cadences, the others at the low end, the middle and the high end of their range.
STRUCTURE_LEVELS = 3
# The regime, the gaming actions' effects and having AI tools no longer shape a batch (they
# may differ between runs stepped together), but the fit still draws their numbers from the
# levels, so that its samples, and so its results, stay as they were; drawing them from their
# range is a change to the fit, left to it.
LEVELLED_KEYS = (*SHARED_KEYS, "gaming", "production.ai_available", "regime")
INTEGER_KEYS = ("org.team_size", "org.review_period", "org.n_employees")
# A parameter the profile could not inform: its accepted values spread at least this share of
# the prior sample's spread (standard deviations). The standard deviation of 26 uniform draws
# varies by about 9% from sample to sample, so 0.8 is over two such deviations below 1.
UNINFORMED_SPREAD = 0.8
# Figures that come as a group count as one figure in the distance: the nine token deciles
# describe one distribution and would otherwise outweigh attrition nine to one.
GROUPS = {f"token_decile_{i}": "token" for i in range(1, 10)}
# A profile's figure is taken as known to about a tenth of its value: a figure the model
# barely varies (the weekly active share, about 0.99 whatever the prior) must not decide the
# fit alone by being far, in units of its tiny spread, from a value the model cannot make.
FIGURE_PRECISION = 0.1
# Compared only at the profile's own headcount: the largest user of 200 is not that of 85,000.
HEADCOUNT_BOUND = ("token_top",)


@dataclass
class PriorSample:
    """n points of the prior: the values drawn (one column per parameter) and their configs."""

    values: pd.DataFrame  # one row per point, one column per parameter varied
    configs: list[Config]
    seeds: list[int]
    ranges: dict[str, ParameterRange]  # the ranges drawn from


@dataclass
class Fit:
    """The plausible versions of an organisation: the accepted points of the prior sample."""

    accepted: pd.DataFrame  # the accepted parameter points, one row each, closest first
    distances: np.ndarray  # each accepted point's distance, in the same order
    statistics: pd.DataFrame  # every point's simulated figures, in sample order
    observed: dict[str, float]  # the profile's figures compared
    scales: dict[str, float]  # each figure's spread over the prior sample, the distance's unit
    ranges: pd.DataFrame  # per parameter: prior and accepted range, spread ratio, informed or not
    sample: PriorSample
    kept: np.ndarray  # the accepted points' positions in the sample, in `accepted`'s order

    def uninformed(self) -> list[str]:
        """The parameters the profile could not inform: they keep (nearly) their prior spread."""
        return list(self.ranges.index[~self.ranges["informed"]])


def organisation_overrides(
    profile: OrgProfile,
    employees: int = SCALED_EMPLOYEES,
    weeks: int = FIT_WEEKS,
    burn_in_weeks: int | None = None,
) -> list[str]:
    """Hydra overrides of the scaled organisation the profile describes: its fixed parameters,
    `employees` people in teams of its size, `weeks` weeks. A scenario's config built on them
    (`Scenario.config(organisation_overrides(...))`) is that policy in this organisation."""
    overrides = [*profile.overrides(), f"org.n_employees={employees}", f"org.weeks={weeks}"]
    if profile.team_size is not None and profile.team_size > employees:
        overrides.append(f"org.team_size={employees}")
    if burn_in_weeks is not None:
        overrides.append(f"org.burn_in_weeks={burn_in_weeks}")
    return overrides


def base_config(
    profile: OrgProfile,
    regime: str = "baseline",
    employees: int = SCALED_EMPLOYEES,
    weeks: int = FIT_WEEKS,
    burn_in_weeks: int | None = None,
) -> Config:
    """The scaled organisation the profile describes, before the open parameters are drawn:
    the regime, the profile's fixed parameters, `employees` people in teams of its size."""
    return resolve(
        None, [f"regime={regime}", *organisation_overrides(profile, employees, weeks, burn_in_weeks)]
    )


def version_keys(keys: Iterable[str]) -> list[str]:
    """The parameters of a plausible version that reach a policy's runs: all but the regime's,
    which is the policy's whole (a fitted point's forced ranking describes today's practice,
    not the policy tried)."""
    return [k for k in keys if not str(k).startswith("regime.")]


def in_versions(cfg: Config, points: pd.DataFrame) -> list[Config]:
    """`cfg` (a policy, or no metric, in the profile's organisation) in each plausible version
    of it: each point's values set but the regime's (`version_keys`)."""
    return [with_values(cfg, row) for row in points[version_keys(points.columns)].to_dict("records")]


def varied_ranges(profile: OrgProfile) -> dict[str, ParameterRange]:
    """The ranges a fit draws from: the profile's open parameters less the headcount (the
    simulated organisation is scaled)."""
    return {k: r for k, r in profile.parameter_ranges().items() if k != "org.n_employees"}


def prior_sample(
    profile: OrgProfile,
    n: int,
    seed: int,
    *,
    regime: str = "baseline",
    employees: int = SCALED_EMPLOYEES,
    weeks: int = FIT_WEEKS,
    burn_in_weeks: int | None = None,
) -> PriorSample:
    """n points from the profile's parameter ranges, as configs of the scaled organisation.

    A scrambled Sobol design when n is a power of two, a Latin hypercube otherwise (both
    SciPy's `qmc`, seeded); integer parameters rounded; parameters that shape a batch drawn
    from STRUCTURE_LEVELS levels (`_structural`). Each point gets its own seed."""
    if n < 1:
        raise ValueError(f"prior_sample: n must be at least 1 (got {n})")
    ranges = varied_ranges(profile)
    base = base_config(profile, regime, employees, weeks, burn_in_weeks)
    names = list(ranges)
    if n & (n - 1) == 0:
        unit = qmc.Sobol(len(names), scramble=True, seed=seed).random_base2(int(math.log2(n)))
    else:
        unit = qmc.LatinHypercube(len(names), seed=seed).random(n)
    columns = {name: _values(ranges[name], unit[:, j]) for j, name in enumerate(names)}
    values = pd.DataFrame(columns, columns=names)
    configs = [with_values(base, row) for row in values.to_dict("records")]
    return PriorSample(values, configs, replicate_seeds(seed, n), ranges)


def _structural(key: str) -> bool:
    return any(key == shared or key.startswith(shared + ".") for shared in LEVELLED_KEYS)


def _values(r: ParameterRange, unit: np.ndarray) -> np.ndarray:
    """Unit-cube coordinates as values of one parameter."""
    if _structural(r.key):
        if r.key == "org.review_period":
            levels = [w for w in sorted(CADENCES.values()) if r.low <= w <= r.high] or [
                round((r.low + r.high) / 2)
            ]
        else:
            levels = list(np.linspace(r.low, r.high, STRUCTURE_LEVELS))
        index = np.minimum((unit * len(levels)).astype(int), len(levels) - 1)
        return np.asarray(levels, dtype=float)[index]
    values = r.low + unit * (r.high - r.low)
    return np.round(values) if r.key in INTEGER_KEYS else values


# -- what a run says, in the profile's units ---------------------------------------------------


def final_state(engine: Organisations, run: int) -> dict[str, float]:
    """What the tables do not carry, read from the model when the horizon ends: the share of
    staff with at least one AI-active day in the last week, and the Spearman r of managers'
    impressions and contribution among the employed (as experiments/rating_accuracy.py)."""
    wf, part, week = engine.workforce, engine.runs.slices[run], engine.last_week
    on = wf.employed[part]
    days = week.ai_active_days[part][on] if week is not None else np.zeros(0)
    impression, contribution = wf.impression[part][on], wf.contribution[part][on]
    r = float(spearmanr(impression, contribution)[0]) if on.sum() > 2 else math.nan
    return {
        "weekly_active_share": float(np.mean(days >= ACTIVE_DAYS)) if days.size else math.nan,
        "rating_accuracy_r": r,
    }


def simulated_statistics(result: RunResult) -> dict[str, float]:
    """Every figure a profile can give, from one run, in the profile's units
    (`OrgProfile.observed_statistics`). The weekly active share and rating accuracy need the
    run's `final` figures (`simulate_batch(..., final=final_state)`); without them they are NaN.

    - weekly_active_share: share of employees with at least one AI-active day in the last week
      (the weekly table's `adoption` counts 3 or more days, so it is not used);
    - token_decile_1..9, token_top: each person's mean tokens a week (`token_cost_per_week`
      over `production.token_price`, million tokens) x 52/12, over everyone who worked at least
      MIN_TENURE_WEEKS weeks of the run; million tokens per person per month;
    - voluntary_attrition: the summary's `attrition`, voluntary quits per head a year;
    - regretted_share: share of voluntary leavers in the top half of contribution when they
      left (`contribution_percentile`). The profile means the top half of managers'
      impression; the employee table does not carry impressions, so contribution stands in;
    - rating_accuracy_r: Spearman r of impression and contribution at the end.
    """
    employees = result.employees
    out: dict[str, float] = {
        "weekly_active_share": result.final.get("weekly_active_share", math.nan),
        "rating_accuracy_r": result.final.get("rating_accuracy_r", math.nan),
    }
    counted = employees[employees["tenure_weeks"] >= MIN_TENURE_WEEKS]
    monthly = (
        counted["token_cost_per_week"].to_numpy(float)
        / result.config.production.token_price
        * WEEKS_PER_MONTH
    )
    deciles = np.quantile(monthly, np.arange(1, 10) / 10) if monthly.size else np.full(9, math.nan)
    for i, value in enumerate(deciles, start=1):
        out[f"token_decile_{i}"] = float(value)
    out["token_top"] = float(monthly.max()) if monthly.size else math.nan
    out["voluntary_attrition"] = float(result.summary["attrition"])
    quits = employees[employees["exit"] == "quit"]
    out["regretted_share"] = (
        float((quits["contribution_percentile"] >= 0.5).mean()) if len(quits) else math.nan
    )
    return out


# -- the fit -------------------------------------------------------------------------------------


def compared(profile: OrgProfile, employees: int = SCALED_EMPLOYEES) -> dict[str, float]:
    """The profile's figures the fit compares: all of them but those tied to its headcount,
    unless the simulated organisation has that headcount."""
    return {
        s.name: s.value
        for s in profile.observed_statistics()
        if s.name not in HEADCOUNT_BOUND or profile.headcount == employees
    }


def distances(simulated: pd.DataFrame, observed: dict[str, float]) -> tuple[np.ndarray, dict[str, float]]:
    """Each point's distance to the observed figures: the sum over figures of the squared
    difference in units of the figure's spread over the sample (MAD x 1.4826, the standard
    deviation where the MAD is 0) or of FIGURE_PRECISION of the observed value, whichever is
    larger, a group of figures (the token deciles) weighing as one.
    A point whose run could not give a figure (no leavers: no regretted share) is infinitely far.
    Figures that do not vary over the sample tell points apart not at all and are left out."""
    total = np.zeros(len(simulated))
    scales: dict[str, float] = {}
    counts: dict[str, int] = {}
    for name in observed:
        group = GROUPS.get(name, name)
        counts[group] = counts.get(group, 0) + 1
    for name, value in observed.items():
        column = simulated[name].to_numpy(float)
        finite = column[np.isfinite(column)]
        if finite.size < 2:
            continue
        spread = 1.4826 * float(np.median(np.abs(finite - np.median(finite))))
        if spread <= 0:
            spread = float(finite.std())
        if spread <= 0:
            continue
        scale = max(spread, FIGURE_PRECISION * abs(value))
        scales[name] = scale
        gap = ((column - value) / scale) ** 2 / counts[GROUPS.get(name, name)]
        total += np.where(np.isfinite(gap), gap, np.inf)
    return total, scales


def fit(
    profile: OrgProfile,
    n: int = 256,
    accept: float = 0.1,
    seed: int = 0,
    *,
    tolerance: float | None = None,
    regime: str = "baseline",
    employees: int = SCALED_EMPLOYEES,
    weeks: int = FIT_WEEKS,
    burn_in_weeks: int | None = None,
) -> Fit:
    """Rejection ABC: simulate n prior points once each and keep the closest share `accept`
    of them (at least one), or, with `tolerance`, every point within that distance. A
    profile with no figures to compare keeps the whole prior sample, unsimulated."""
    if not 0 < accept <= 1:
        raise ValueError(f"fit: accept must be a share above 0 and at most 1 (got {accept})")
    sample = prior_sample(
        profile, n, seed, regime=regime, employees=employees, weeks=weeks, burn_in_weeks=burn_in_weeks
    )
    observed = compared(profile, employees)
    if not observed:
        keep = np.arange(n)
        dist = np.zeros(n)
        statistics = pd.DataFrame(index=range(n))
        scales: dict[str, float] = {}
    else:
        results = simulate_batch(sample.configs, sample.seeds, final=final_state)
        statistics = pd.DataFrame([simulated_statistics(r) for r in results])
        dist, scales = distances(statistics, observed)
        order = np.argsort(dist, kind="stable")
        within = (
            dist[order] <= tolerance if tolerance is not None else np.arange(n) < max(1, round(accept * n))
        )
        keep = order[within]
    accepted = sample.values.iloc[keep].reset_index(drop=True)
    return Fit(
        accepted=accepted,
        distances=dist[keep],
        statistics=statistics,
        observed=observed,
        scales=scales,
        ranges=range_table(sample, accepted),
        sample=sample,
        kept=keep,
    )


def range_table(sample: PriorSample, accepted: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: its prior range, the accepted points' range, the ratio of their spread
    to the prior sample's, and whether the profile informed it (ratio below UNINFORMED_SPREAD)."""
    rows = []
    for key, r in sample.ranges.items():
        prior_sd = float(sample.values[key].std())
        values = accepted[key]
        ratio = float(values.std() / prior_sd) if prior_sd > 0 and len(values) > 1 else 1.0
        rows.append(
            {
                "parameter": key,
                "prior_low": r.low,
                "prior_high": r.high,
                "accepted_low": float(values.min()) if len(values) else math.nan,
                "accepted_high": float(values.max()) if len(values) else math.nan,
                "accepted_median": float(values.median()) if len(values) else math.nan,
                "spread_ratio": ratio,
                "informed": ratio < UNINFORMED_SPREAD,
                "informed_by": r.informed_by,
            }
        )
    return pd.DataFrame(rows).set_index("parameter")
