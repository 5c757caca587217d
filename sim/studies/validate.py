"""The validation targets of DESIGN.md, each a claim checked against simulated organisations.

    python -m sim validate                      # 12 seeds, 500 people, 2 years -> docs/validation.md
    python -m sim validate --seeds 20 --size 2000 --weeks 156 --out report.md

Every target runs its scenarios over several seeds and reports the simulated figure with
a 95% interval across seeds, the tolerance it is held to and whether it passes. The same
functions back the tests in tests/validation/, at reduced sizes. Tolerances live here,
next to the claims; a target the model cannot reproduce stays failing in the report.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from scipy import stats

from sim.core import checks
from sim.core.compare import AI_BAND, AI_EVIDENCE, AI_MEASURES, ai_effect
from sim.core.outputs import write_text
from sim.core.run import RunResult, replicate_seeds, resolve, simulate_batch
from sim.studies.robustness import markdown, shipped, space_share


def interval(values: list[float] | np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and confidence interval (95% unless said) across seeds, from Student's t."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    if len(x) < 2:
        return mean, mean, mean
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1)) * float(x.std(ddof=1)) / np.sqrt(len(x))
    return mean, mean - half, mean + half


def consistent(values, low: float, high: float) -> bool:
    """Whether the 95% interval of `values` across seeds overlaps the range [low, high]: the
    simulation is consistent with a sourced range, given how many seeds and people it had."""
    _, lo, hi = interval(values)
    return bool(hi >= low and lo <= high)


class Lab:
    """Runs scenarios once per seed and keeps them, so targets can share runs."""

    def __init__(
        self,
        size: int,
        weeks: int,
        seeds: list[int],
        start_week: int = 13,
        pressures: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0),
        jobs: int = 1,
        overrides: tuple[str, ...] = (),
    ):
        self.size, self.weeks, self.seeds, self.start_week = size, weeks, seeds, start_week
        self.jobs = jobs  # processes that run a scenario's seeds side by side
        self.overrides = overrides  # under every scenario: the organisation this lab studies
        self.pressures = pressures  # the pressure grid of the Goodhart curve
        self._runs: dict[tuple[str, ...], list[RunResult]] = {}
        self._horizons: dict[int, Lab] = {}

    def over(self, weeks: int) -> Lab:
        """The same organisation and seeds over another horizon, kept so targets share its runs."""
        if weeks == self.weeks:
            return self
        if weeks not in self._horizons:
            self._horizons[weeks] = Lab(
                self.size, weeks, self.seeds, self.start_week, self.pressures, self.jobs, self.overrides
            )
        return self._horizons[weeks]

    def runs(self, *overrides: str) -> list[RunResult]:
        key = tuple(overrides)
        if key not in self._runs:
            cfg = resolve(
                None,
                [
                    f"org.n_employees={self.size}",
                    f"org.weeks={self.weeks}",
                    f"regime.start_week={self.start_week}",
                    *self.overrides,
                    *overrides,
                ],
            )
            if self.jobs > 1 and len(self.seeds) > 1:
                # Each seed's run is whole in itself: the same results, on every core, each
                # core's seeds stepped together. Loky replaces a worker whose memory grew
                # between jobs and warns; nothing is lost.
                shares = [list(self.seeds[k :: self.jobs]) for k in range(min(self.jobs, len(self.seeds)))]
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message="A worker stopped while some jobs")
                    parts = joblib.Parallel(n_jobs=self.jobs)(
                        joblib.delayed(simulate_batch)([cfg] * len(share), share) for share in shares
                    )
                by_seed = {
                    seed: result
                    for share, part in zip(shares, parts, strict=True)
                    for seed, result in zip(share, part, strict=True)
                }
                self._runs[key] = [by_seed[seed] for seed in self.seeds]
            else:
                self._runs[key] = simulate_batch([cfg] * len(self.seeds), list(self.seeds))
        return self._runs[key]

    def summary(self, *overrides: str) -> pd.DataFrame:
        return pd.DataFrame([r.summary for r in self.runs(*overrides)])

    def per_seed(self, measure: Callable[[RunResult], float], *overrides: str) -> np.ndarray:
        return np.array([measure(r) for r in self.runs(*overrides)], dtype=float)


@dataclass
class Figure:
    """A simulated figure: what it is, its mean and 95% interval across seeds."""

    name: str
    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, name: str, values) -> Figure:
        return cls(name, *interval(values))

    def __str__(self) -> str:
        return f"{self.name} {_fmt(self.mean)} [{_fmt(self.low)}, {_fmt(self.high)}]"


def _fmt(x: float) -> str:
    if np.isnan(x):
        return "n/a"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"


@dataclass
class Outcome:
    figures: list[Figure]
    checks: dict[str, bool]  # each stated tolerance and whether it holds

    @property
    def passed(self) -> bool:
        return all(self.checks.values())


HELD_OUT = "held-out data"  # a source's figure, in its units, that no parameter was set from
THEORY = "theory"  # a direction or shape that theory or another model predicts
BY_CONSTRUCTION = "by construction"  # follows from an assumption: reported, never counted as a pass
EVIDENCE = (HELD_OUT, THEORY, BY_CONSTRUCTION)

TOLERANCE_RULE = (
    "A held-out figure's tolerance is fixed before the run, by one rule: a figure with a standard "
    "error must fall inside the source's 95% interval; a range, inside the range; a point figure with "
    "no interval, within a factor of two of the source's change (half to twice it, the same sign). "
    "The check is on the mean across seeds; the interval is reported beside it."
)


def factor_of_two(source: float) -> tuple[float, float]:
    """The tolerance for a source's point figure with no interval: half to twice its change."""
    low, high = sorted((source / 2.0, source * 2.0))
    return low, high


def inside(values, low: float, high: float) -> bool:
    """Whether the mean across seeds lies in [low, high] (the rule of TOLERANCE_RULE)."""
    return bool(low <= float(np.nanmean(values)) <= high)


@dataclass
class Target:
    number: int
    claim: str
    source: str
    measure: Callable[[Lab], Outcome]
    evidence: str  # one of EVIDENCE
    note: str = field(default="")

    def __post_init__(self) -> None:
        if self.evidence not in EVIDENCE:
            raise ValueError(
                f"target {self.number}: evidence must be one of {EVIDENCE}, not {self.evidence!r}"
            )


# -- the targets ------------------------------------------------------------------------

GAMEABLE = "regime=token_leaderboard"
DURABLE = "regime=decoupled_telemetry"
DORA_ADOPTION = 0.90  # DORA 2025: 90% of technologists use AI at work [S]


def before_policy(lab: Lab, column: str) -> Callable[[RunResult], float]:
    """A weekly figure in the last week before the policy: what the policy found."""
    week = max(lab.start_week - 1, 0)
    return lambda run: float(run.weekly[column].iloc[week])


def dora_start(lab: Lab) -> str:
    """An override that starts the policy where DORA 2025 found adoption, not at its ceiling.

    The burn-in that settles burnout also carries adoption past 99%, so a claim about how
    adoption moves after a policy could only hold or fail by construction there. Here the
    burn-in is cut to the weeks that an organisation with no metric takes, from its founders'
    habits, to reach 90% adoption in the week before the policy (the mean over these seeds).
    If it never gets there within the horizon, the usual burn-in stands."""
    runs = lab.runs("regime=baseline", "org.burn_in_weeks=0")
    adoption = np.mean([r.weekly["adoption"].to_numpy() for r in runs], axis=0)
    reached = np.flatnonzero(adoption >= DORA_ADOPTION)
    if not len(reached):
        return f"org.burn_in_weeks={resolve(None, []).org.burn_in_weeks}"
    return f"org.burn_in_weeks={max(int(reached[0]) - max(lab.start_week - 1, 0), 0)}"


def _pressure_curve(lab: Lab, regime: str, column: str) -> np.ndarray:
    """Per pressure level (rows), per seed (columns)."""
    return np.array([lab.summary(regime, f"regime.pressure={p}")[column].to_numpy() for p in lab.pressures])


def goodhart_curve(lab: Lab) -> Outcome:
    metric = _pressure_curve(lab, GAMEABLE, "metric_index")
    value = _pressure_curve(lab, GAMEABLE, "durable_value_per_head")
    durable = _pressure_curve(lab, DURABLE, "durable_value_per_head")
    team = _pressure_curve(lab, "regime=team_outcome", "durable_value_per_head")
    metric_mean, value_mean = metric.mean(axis=1), value.mean(axis=1)
    gameable_change = value[-1] / value[0] - 1.0
    durable_change = durable[-1] / durable[0] - 1.0
    team_change = team[-1] / team[0] - 1.0
    return Outcome(
        figures=[
            Figure.of("metric x start at full pressure", metric[-1]),
            Figure.of("durable value change, token leaderboard, pressure 0 to 1", gameable_change),
            Figure.of("same, durable-value metric", durable_change),
            Figure.of("same, team cost-to-serve", team_change),
        ],
        checks={
            # The metric rises with pressure at every step (tolerance: 2% dips).
            "metric rises with pressure": bool(np.all(np.diff(metric_mean) > -0.02 * metric_mean[:-1]))
            and metric_mean[-1] > 1.5 * metric_mean[1],
            # Durable value ends at least 5% below where it started, or below its own peak.
            "value falls under the gameable metric": value_mean[-1] < 0.95 * float(np.max(value_mean)),
            # "Far better": under durable or team metrics, at most a third of the value the
            # gameable metric destroys is lost (or under 2%, whichever is larger).
            "value holds up far better under durable metrics": max(
                -durable_change.mean(), -team_change.mean()
            )
            <= max(0.02, -gameable_change.mean() / 3),
        },
    )


def measure_stops_measuring(lab: Lab) -> Outcome:
    def fall(*scenario: str) -> np.ndarray:
        """How far the score-contribution rank correlation fell from before the policy to the end."""
        return lab.per_seed(
            lambda r: r.summary["score_value_correlation_start"] - r.summary["score_value_correlation_end"],
            *scenario,
        )

    output = fall("regime=individual_outcome", "regime.pressure=0.75")
    leaderboard = fall(GAMEABLE, "regime.pressure=0.75")
    durable = fall(DURABLE, "regime.pressure=0.75")
    start = lab.summary("regime=individual_outcome", "regime.pressure=0.75")["score_value_correlation_start"]
    tokens_start = lab.summary(GAMEABLE, "regime.pressure=0.75")["score_value_correlation_start"]
    end = lab.summary(DURABLE, "regime.pressure=0.75")["score_value_correlation_end"]
    gameable_fall = float(output.mean())
    return Outcome(
        figures=[
            Figure.of("correlation before the policy, output OKRs", start),
            Figure.of("fall in rank correlation, output OKRs", output),
            Figure.of("correlation before the policy, token leaderboard", tokens_start),
            Figure.of("fall in rank correlation, token leaderboard", leaderboard),
            Figure.of("fall in rank correlation, durable-value metric", durable),
            Figure.of("final correlation, durable-value metric", end),
        ],
        checks={
            # Shipped volume starts as a fair measure (correlation above 0.5) and, once it is a
            # target, falls beyond seed noise (the 95% interval of the fall excludes 0): the
            # direction only, since no source sizes the fall (issue 29 retired the 0.05 asked
            # until Model 3.0, as it retired targets 3, 5 and 9's sizes). Token use never
            # measured contribution here (roles' need for tokens varies ten-fold), so its fall is
            # reported but not held to this.
            "falls under a gameable metric": float(start.mean()) > 0.5 and interval(output)[1] > 0,
            # "Far less" under a durable metric: a third of the gameable fall at most, and the
            # durable score still tracks contribution (correlation above 0.8).
            "holds under the durable metric": float(durable.mean()) <= gameable_fall / 3
            and float(end.mean()) > 0.8,
        },
    )


def consumption(lab: Lab) -> Outcome:
    """Spend under a token quota against none. (The spread of spend among staff, Jellyfish's
    2x output at 10x cost, is what the calibration fits: docs/calibration.md.)"""
    base = lab.summary("regime=baseline")["token_cost_per_head_year"].to_numpy()
    quota = lab.summary("regime=consumption")["token_cost_per_head_year"].to_numpy()
    return Outcome(
        figures=[Figure.of("token spend per head, quota / baseline", quota / base)],
        checks={
            # Meta and Huang report quotas and leaderboards, not a ratio to spend without one:
            # the direction only (issue 29 retired the unsourced 5x), beyond seed noise.
            "spend rises under a quota": interval(quota / base)[1] > 1.0,
        },
    )


def rework(lab: Lab) -> Outcome:
    """Rework under a gameable metric against none. (Heavy unreviewed AI against reviewed
    craft, GitClear's 9.4x, is what the calibration fits.)"""
    base = lab.summary("regime=baseline")["rework_rate"].to_numpy()
    gamed = lab.summary(GAMEABLE, "regime.pressure=1.0")["rework_rate"].to_numpy()
    return Outcome(
        figures=[Figure.of("rework, token leaderboard at full pressure / baseline", gamed / base)],
        checks={
            # Faros: bugs per developer +54% under high adoption. Theater adds rework: at least
            # 1.5x the baseline's rate.
            "theater raises rework": float(np.mean(gamed / base)) >= 1.5,
        },
    )


def attrition(lab: Lab) -> Outcome:
    """Burnout and quits under a gameable metric against none. (Baseline attrition and the
    burned-out quit ratio are what the calibration fits.)"""
    base = lab.summary("regime=baseline")
    gamed = lab.summary(GAMEABLE, "regime.pressure=0.75")
    return Outcome(
        figures=[
            Figure.of(
                "burnout, token leaderboard / baseline", gamed["burnout_share"] / base["burnout_share"].mean()
            ),
            Figure.of(
                "attrition, token leaderboard - baseline", gamed["attrition"] - base["attrition"].mean()
            ),
            Figure.of(
                "regretted attrition, token leaderboard - baseline",
                gamed["regretted_attrition"] - base["regretted_attrition"].mean(),
            ),
        ],
        checks={
            # Direction only, each beyond seed noise: no source gives the size under a metric
            # (Gallup's 2.6x, the job search of the burned out, is what the calibration fits).
            "gameable pressure raises burnout": interval(
                gamed["burnout_share"] - base["burnout_share"].mean()
            )[1]
            > 0,
            "and attrition": interval(gamed["attrition"] - base["attrition"].mean())[1] > 0,
            "and regretted attrition": interval(
                gamed["regretted_attrition"] - base["regretted_attrition"].mean()
            )[1]
            > 0,
        },
    )


def _weeks_to(run: RunResult, column: str, level: float, start: int) -> float:
    after = run.weekly[(run.weekly["week"] >= start) & (run.weekly[column] >= level)]
    return float(after["week"].iloc[0] - start) if len(after) else float("nan")


def adoption(lab: Lab) -> Outcome:
    """From DORA 2025's 90% adoption (`dora_start`): after the burn-in nobody is left to adopt."""
    start = dora_start(lab)
    mandated, base = lab.summary("regime=adoption", start), lab.summary("regime=baseline", start)
    at_start = lab.per_seed(before_policy(lab, "adoption"), "regime=adoption", start)
    weeks = lab.per_seed(lambda r: _weeks_to(r, "adoption", 0.95, lab.start_week), "regime=adoption", start)
    fluency = mandated["fluency"] / base["fluency"].mean() - 1.0
    value = mandated["durable_value_per_head"] / base["durable_value_per_head"].mean() - 1.0
    return Outcome(
        figures=[
            Figure.of("adoption at the policy start", at_start),
            Figure.of("adoption at the end, adoption regime", mandated["adoption"]),
            Figure.of("adoption at the end, baseline", base["adoption"]),
            Figure.of("weeks to 95% adoption after the policy starts", weeks),
            Figure.of("fluency vs baseline", fluency),
            Figure.of("durable value vs baseline", value),
        ],
        checks={
            # Near 100% (at least 98%), within 26 weeks of the policy.
            "adoption near 100%": mandated["adoption"].mean() >= 0.98,
            "quickly": bool(np.all(np.isfinite(weeks))) and float(np.mean(weeks)) <= 26,
            # Shallow: fluency and durable value within 3% of the baseline's.
            "shallow": abs(fluency.mean()) <= 0.03 and abs(value.mean()) <= 0.03,
        },
    )


# Tokens an hour of a person's time leaving agents running burns, set on its own anchor: at
# 85,000 people under the token leaderboard the model's largest user then burns 281.9 billion
# tokens in 30 days against Meta's top user's 281 billion (experiments/token_anchor.py, 26 weeks,
# one seed; 5,300M gives 267 billion, 6,000M 302). About 370 agent-hours at Anthropic's 15M an
# hour for each hour of the person's time: agents left to run unattended. Reported, not the
# default (30M), which every other figure uses.
AGENTS_AT_ANCHOR = 5_600.0


def value_per_token_dollar(run: RunResult) -> float:
    """Durable value per $1,000 of tokens over the whole run."""
    weekly = run.weekly
    return float(weekly["durable_value"].sum() / max(weekly["token_cost"].sum(), 1e-9) * 1000.0)


def decoupled_telemetry(lab: Lab) -> Outcome:
    """The same evaluation on durable value, with AI telemetry hidden from managers or shown.
    Adoption is followed from DORA 2025's 90% (`dora_start`); the rest from the usual start."""
    dora = dora_start(lab)
    start = lab.per_seed(before_policy(lab, "adoption"), DURABLE, dora)
    end = lab.summary(DURABLE, dora)["adoption"].to_numpy()
    hidden = lab.per_seed(value_per_token_dollar, DURABLE)
    shown = lab.per_seed(value_per_token_dollar, DURABLE, "regime.telemetry_visible=true")
    shown_dora = lab.per_seed(value_per_token_dollar, DURABLE, dora, "regime.telemetry_visible=true")
    hidden_dora = lab.per_seed(value_per_token_dollar, DURABLE, dora)
    anchored = f"gaming.agents_running.tokens={AGENTS_AT_ANCHOR:g}"
    shown_anchor = lab.per_seed(value_per_token_dollar, DURABLE, anchored, "regime.telemetry_visible=true")
    hidden_anchor = lab.per_seed(value_per_token_dollar, DURABLE, anchored)
    theater = lab.summary(DURABLE)["theater_share"].to_numpy()
    base_theater = lab.summary("regime=baseline")["theater_share"].to_numpy()
    usage_metrics = max(
        float(lab.per_seed(value_per_token_dollar, f"regime={name}").mean())
        for name in ("adoption", "consumption", "token_leaderboard")
    )
    return Outcome(
        figures=[
            Figure.of("adoption at the policy start, from DORA's 90%", start),
            Figure.of("adoption growth after the policy starts", end - start),
            Figure.of("gaming share of hours, minus the baseline's", theater - base_theater),
            Figure.of("durable value per $1,000 of tokens, telemetry hidden", hidden),
            Figure.of("the same, telemetry shown to managers", shown),
            Figure.of("shown / hidden, paired by seed", shown / hidden),
            Figure.of("shown / hidden, from DORA's 90% adoption (not checked)", shown_dora / hidden_dora),
            Figure.of(
                f"shown / hidden, agents' tokens set on Meta's top user ({AGENTS_AT_ANCHOR:,.0f}M an hour; "
                "not checked)",
                shown_anchor / hidden_anchor,
            ),
            Figure("best regime scoring AI use, the same", usage_metrics, usage_metrics, usage_metrics),
        ],
        checks={
            "adoption still grows": float(np.mean(end - start)) > 0.05,
            # Gaming near zero: within half a percentage point of hours of the baseline's.
            "gaming near zero": float(np.mean(theater - base_theater)) < 0.005,
            # Issue 29's restatement: showing telemetry lowers durable value per token dollar on
            # the same seeds (the paired interval below 1) and in at least 90% of the parameter
            # space (the shipped robustness study, its interval's lower end); its size is a
            # conditional prediction, reported as a dose-response (experiments/telemetry_cost.py).
            "telemetry shown lowers value per token dollar": interval(shown / hidden)[2] < 1.0,
            "in at least 90% of the parameter space": space_share_low("decoupled") >= 0.9,
            "and beats every regime that scores AI use": float(hidden.mean()) > usage_metrics,
        },
    )


def space_share_low(key: str) -> float:
    """The lower end of the 95% interval of the share of the parameter space where the shipped
    robustness study's claim `key` holds (0 when this version ships no such claim)."""
    study = shipped()
    found = next((c for c in study.claims if c.key == key), None) if study else None
    return found.ci_low if found else 0.0


OUTCOME_REGIMES = (
    "individual_outcome",
    "team_outcome",
    "decoupled_telemetry",
    "value_per_token",
    "balanced_scorecard",
)
NOISY = "behaviour.judgement_noise=1.0"  # Bommer et al. 1995: ratings correlate 0.39 with results
CLEAR = "behaviour.judgement_noise=0"


def measurement_has_a_purpose(lab: Lab) -> Outcome:
    """Paired by seed: each outcome preset's durable value per head minus the baseline's."""

    def gains(*judgement: str) -> dict[str, np.ndarray]:
        base = lab.summary("regime=baseline", *judgement)["durable_value_per_head"].to_numpy()
        return {
            name: lab.summary(f"regime={name}", *judgement)["durable_value_per_head"].to_numpy() / base - 1.0
            for name in OUTCOME_REGIMES
        }

    noisy, clear = gains(NOISY), gains(CLEAR)
    # Reported, never checked: the same without evaluation anxiety, and with anxiety from a
    # formal score only (the former model): how far the answer rests on that assumption.
    calm = gains(NOISY, "wellbeing.anxiety_strain=0")
    best_calm = max(calm, key=lambda name: float(np.mean(calm[name])))
    formal = gains(NOISY, "wellbeing.informal_anxiety=0")
    best_formal = max(formal, key=lambda name: float(np.mean(formal[name])))
    # The best of five presets is picked, so each interval is widened for five comparisons
    # (Bonferroni): 99% rather than 95%.
    level = 1.0 - 0.05 / len(OUTCOME_REGIMES)
    best_noisy = max(noisy, key=lambda name: interval(noisy[name], level)[1])
    best_clear = max(clear, key=lambda name: interval(clear[name], level)[1])
    # Issue 29 retired the bar of two standard deviations of the gain across seeds: a spread
    # across seeds grows with how small the organisation is, so the bar moved with headcount.
    return Outcome(
        figures=[
            Figure.of(f"durable value vs no metric, noisy judgement, best: {best_noisy}", noisy[best_noisy]),
            Figure.of(f"the same, managers see contribution, best: {best_clear}", clear[best_clear]),
            *(Figure.of(f"noisy judgement, {name}", noisy[name]) for name in OUTCOME_REGIMES),
            Figure.of(f"noisy judgement, no evaluation anxiety, best: {best_calm}", calm[best_calm]),
            Figure.of(
                f"noisy judgement, anxiety from a formal score only, best: {best_formal}", formal[best_formal]
            ),
        ],
        checks={
            # Beats no metric beyond seed noise: the 99% interval of the paired gain (same seeds,
            # so the seed's own variation cancels) lies above 0.
            "a well-aligned metric beats noisy judgement": interval(noisy[best_noisy], level)[1] > 0,
            # Where managers see contribution as it is, no metric's paired gain is above 0 beyond noise.
            "nothing beats clear judgement": interval(clear[best_clear], level)[1] <= 0,
        },
    )


# Where measuring pays: decoupled telemetry's paired gain over measuring nothing across how
# noisily managers judge and how hard outcomes are to attribute to a person (S6: attribution
# noise of a signal grows with org.interdependence). Reported with target 11, never checked.
MAP_REGIME = "decoupled_telemetry"
MAP_NOISE = (0.0, 0.5, 1.0, 1.5, 2.0)  # behaviour.judgement_noise: r = 0.62 to about 0.2
MAP_INTERDEPENDENCE = (0.0, 0.5, 1.0)


def where_measuring_pays(lab: Lab) -> pd.DataFrame:
    """Per judgement noise and interdependence: the mean paired gain in durable value per head
    of MAP_REGIME over measuring nothing, its 99% interval, and whether it is clear of zero."""
    rows = []
    for noise in MAP_NOISE:
        for shared in MAP_INTERDEPENDENCE:
            setting = (f"behaviour.judgement_noise={noise}", f"org.interdependence={shared}")
            base = lab.summary("regime=baseline", *setting)["durable_value_per_head"].to_numpy()
            under = lab.summary(f"regime={MAP_REGIME}", *setting)["durable_value_per_head"].to_numpy()
            mean, low, high = interval(under / base - 1.0, 0.99)
            rows.append(
                {"judgement_noise": noise, "interdependence": shared, "gain": mean, "low": low, "high": high}
            )
    return pd.DataFrame(rows)


def break_even(table: pd.DataFrame) -> str:
    """Per interdependence, the judgement noise from which the gain is clear of zero at every
    noise above too: where measuring outcomes starts to pay."""
    from sim.hr.profile import rating_accuracy

    said = []
    for shared, column in table.groupby("interdependence", sort=True):
        column = column.sort_values("judgement_noise")
        pays = (column["low"] > 0).to_numpy()
        from_here = [i for i in range(len(pays)) if pays[i:].all()]
        if from_here:
            noise = float(column["judgement_noise"].iloc[from_here[0]])
            said.append(
                f"at interdependence {shared:g}, from judgement noise {noise:g} "
                f"(r = {rating_accuracy(noise):.2f}) up"
            )
        else:
            said.append(f"at interdependence {shared:g}, at no judgement noise of the grid")
    return "The gain is clear of zero " + "; ".join(said) + "."


def purpose_map_markdown(table: pd.DataFrame) -> list[str]:
    """The map as a table: rows judgement noise (with the correlation r it gives), columns
    interdependence; each cell the gain and its 99% interval, in bold where clear of zero."""
    from sim.hr.profile import rating_accuracy

    shares = sorted(table["interdependence"].unique())
    lines = [
        "| judgement noise (r of ratings with results) | "
        + " | ".join(f"interdependence {x:g}" for x in shares)
        + " |",
        "|---" * (len(shares) + 1) + "|",
    ]
    for noise, group in table.groupby("judgement_noise", sort=True):
        cells = []
        for shared in shares:
            row = group[group["interdependence"] == shared].iloc[0]
            text = f"{row['gain']:+.1%} [{row['low']:+.1%}, {row['high']:+.1%}]"
            cells.append(f"**{text}**" if row["low"] > 0 or row["high"] < 0 else text)
        lines.append(f"| {noise:g} (r = {rating_accuracy(noise):.2f}) | " + " | ".join(cells) + " |")
    return lines


def team_measurement(lab: Lab) -> Outcome:
    individual = lab.summary(GAMEABLE, "regime.pressure=0.75")
    team = lab.summary(GAMEABLE, "regime.pressure=0.75", "regime.level=team")
    hours_individual = lab.summary(DURABLE, "regime.pressure=0.75")["hours_mean"]
    hours_team = lab.summary(DURABLE, "regime.pressure=0.75", "regime.level=team")["hours_mean"]
    return Outcome(
        figures=[
            Figure.of(
                "theater share, team / individual token leaderboard",
                team["theater_share"] / individual["theater_share"].mean(),
            ),
            Figure.of(
                "hours a week, team - individual durable metric",
                hours_team.to_numpy() - hours_individual.mean(),
            ),
        ],
        checks={
            # Team-level measurement at least halves individual gaming.
            "cuts gaming": team["theater_share"].mean() <= 0.5 * individual["theater_share"].mean(),
            # Free riding: with the team's result shared, people put in less effort.
            "some free riding": hours_team.mean() < hours_individual.mean(),
        },
    )


CULLED = (0.0, 0.1, 0.3, 0.5, 0.9)  # shares let go at each review (Braganza's competition)
SELECTION_YEARS = 3  # issue 12: selection judged over three years of policy


def _theater_rise(lab: Lab, culled: float) -> np.ndarray:
    """Theater share in the last quarter of three years of policy over its level when the
    policy starts, with habits fixed: what changes is only who stays and what hires copy from
    the survivors."""
    three_years = lab.over(lab.start_week + 52 * SELECTION_YEARS)
    return three_years.per_seed(
        lambda r: (
            r.weekly["share_theater"].tail(13).mean()
            / max(r.weekly["share_theater"].iloc[three_years.start_week], 1e-12)
        ),
        GAMEABLE,
        "behaviour.adaptation=false",
        f"regime.forced_ranking={culled}",
    )


def selection(lab: Lab) -> Outcome:
    ranked, unranked = _theater_rise(lab, 0.1), _theater_rise(lab, 0.0)
    return Outcome(
        figures=[
            Figure.of("theater share end / start, no adaptation, forced ranking 10%, three years", ranked),
            Figure.of("the same without forced ranking", unranked),
            Figure.of("the difference, paired by seed", ranked - unranked),
        ],
        checks={
            # Gaming rises through who stays and whom hires copy: more with forced ranking than
            # without, paired by seed beyond noise. Issue 12's "at least doubles" had no source
            # (issue 29 retired it); the size is reported.
            "gaming rises by selection": interval(ranked - unranked)[1] > 0,
        },
    )


def competition(lab: Lab) -> Outcome:
    rises = [_theater_rise(lab, culled) for culled in CULLED]
    means = np.array([r.mean() for r in rises])
    return Outcome(
        figures=[
            Figure.of(f"theater share end / start, {culled:.0%} culled a review, three years", rise)
            for culled, rise in zip(CULLED, rises, strict=True)
        ],
        checks={
            # Braganza 2022: the harder the competition, the more proxy-oriented the population.
            # Monotone within seed noise: no step falls by more than 5% of the level before it.
            "theater rises with the share culled": bool(np.all(np.diff(means) >= -0.05 * means[:-1]))
            and means[-1] > means[0],
        },
    )


def volume_growth(lab: Lab) -> Outcome:
    """Baseline shipped volume per head: growth over two years, from the run's last quarter
    (compounded to two years where the run is shorter or longer)."""
    elapsed = max(lab.weeks - 7, 1)  # weeks from the start to the middle of the last quarter
    growth = lab.per_seed(
        lambda r: r.weekly["volume_index"].tail(13).mean() ** (104 / elapsed) - 1.0, "regime=baseline"
    )
    return Outcome(
        figures=[Figure.of("shipped volume per head, growth over two years, no metric", growth)],
        checks={
            # The sources' range (TOLERANCE_RULE): DORA 2024's throughput -1.5% per 25 points of
            # adoption, over the 0 to 100% of adoption a baseline passes through (-6%), to Faros's
            # merged PRs +16.2% under high adoption; GitClear's median +9% over 2022-25 lies inside.
            "volume growth within the sources' range ({:+.0%} to {:+.1%})".format(*VOLUME_RANGE): inside(
                growth, *VOLUME_RANGE
            ),
        },
    )


VOLUME_RANGE = (4 * -0.015, 0.162)


NO_AI = "production.ai_available=false"
FELT_IN_FULL = "behaviour.ai_effort_relief=0"  # the paradox's lever, reported beside target 13


def workload(lab: Lab) -> Outcome:
    """The same organisation with and without AI tools, no metric: last year's long weeks, in
    ActivTrak's unit (the relative rise in work outside a normal week), and review hours."""

    def last_year(column: str, *overrides: str) -> np.ndarray:
        return lab.per_seed(lambda r: r.weekly[column].tail(52).mean(), "regime=baseline", *overrides)

    review = last_year("review_hours") / last_year("review_hours", NO_AI)
    without = last_year("long_hours_share", NO_AI)
    long_weeks = last_year("long_hours_share") / without - 1.0
    hours = last_year("hours_mean") - last_year("hours_mean", NO_AI)
    felt_in_full = last_year("long_hours_share", FELT_IN_FULL) / without - 1.0
    low, high = factor_of_two(ACTIVTRAK_OFF_HOURS)
    return Outcome(
        figures=[
            Figure.of("share of staff over 45 hours, with AI / without - 1", long_weeks),
            Figure.of("hours a week, with AI - without", hours),
            Figure.of(
                "share over 45 hours, with AI hours felt in full (relief 0) / without - 1", felt_in_full
            ),
            # Not checked: AI output is assumed to need five times the review of craft per hour
            # (`production.review_need` against `review_need_craft`), and Faros's +441% is review
            # latency, a queue, not hours of review.
            Figure.of("review hours per head, with AI / without (by construction)", review),
        ],
        checks={
            f"long weeks rise within a factor of two of ActivTrak's +40% ({low:+.0%} to {high:+.0%})": inside(
                long_weeks, low, high
            ),
        },
    )


# Held-out figures (docs/validation.md, "Held-out targets"): each source's figure, the model's
# quantity in the source's unit, the same organisation with AI tools against without (paired
# by seed, no metric, over the run's last quarter).
ACTIVTRAK_OFF_HOURS = 0.40  # ActivTrak 2026: weekend work +40% after AI adoption [P/S]
CUI_TASKS = (0.261, 0.103)  # Cui et al. 2026: completed tasks a week +26.1%, standard error 10.3% [P]
FAROS_PRS = 0.162  # Faros AI 2026: merged PRs +16.2% under high adoption [P]
BRYNJOLFSSON_PER_HOUR = 0.14  # Brynjolfsson, Li & Raymond: resolutions an hour +14% [P]
BRYNJOLFSSON_NOVICE_GAP = 0.34  # the same: +34% for novices, about 0 for the most skilled [P]
DORA_HOURS_A_DAY = 2.0  # DORA 2025: median 2 hours a day of AI use among users [S]
FAROS_BUGS = 0.54  # Faros AI 2026: bugs per developer +54% under high adoption [P]
GITCLEAR_CHURN = 1.0  # GitClear 2024: code rewritten within two weeks on track to double, 2021-24 [P]
Z95 = 1.96
NEEDS = "(`experiments/held_out_needs.py`, table below)"  # what a failing held-out target needs


def _with_and_without(lab: Lab, measure: Callable[[RunResult], float]) -> np.ndarray:
    """Each seed's measure with AI tools over its own without, less 1: no metric, same seeds."""
    return lab.per_seed(measure, "regime=baseline") / lab.per_seed(measure, "regime=baseline", NO_AI) - 1.0


def _last_quarter(numerator: str, *per: str) -> Callable[[RunResult], float]:
    """A weekly total over the run's last quarter, divided by the product of other weekly columns
    (headcount, hours): a rate in the unit a source counts."""

    def measure(run: RunResult) -> float:
        w = run.weekly.tail(13)
        denominator = np.prod([w[c].to_numpy() for c in per], axis=0) if per else 1.0
        return float(np.sum(w[numerator].to_numpy()) / np.sum(denominator))

    return measure


def _reworked_volume(run: RunResult) -> float:
    """Reworked volume per head a week over the last quarter: defects that had to be fixed."""
    w = run.weekly.tail(13)
    return float(np.sum(w["rework_rate"] * w["volume"]) / np.sum(w["headcount"]))


def completed_work(lab: Lab) -> Outcome:
    """Shipped volume per head, with AI tools against without."""
    change = _with_and_without(lab, _last_quarter("volume", "headcount"))
    cui_low, cui_high = CUI_TASKS[0] - Z95 * CUI_TASKS[1], CUI_TASKS[0] + Z95 * CUI_TASKS[1]
    faros_low, faros_high = factor_of_two(FAROS_PRS)
    return Outcome(
        figures=[Figure.of("shipped volume per head, with AI / without - 1", change)],
        checks={
            f"inside Cui et al.'s 95% interval ({cui_low:+.1%} to {cui_high:+.1%})": inside(
                change, cui_low, cui_high
            ),
            f"within a factor of two of Faros's +16.2% ({faros_low:+.1%} to {faros_high:+.1%})": inside(
                change, faros_low, faros_high
            ),
        },
    )


def work_per_hour(lab: Lab) -> Outcome:
    """Shipped volume per hour worked, with AI tools against without."""
    change = _with_and_without(lab, _last_quarter("volume", "headcount", "hours_mean"))
    value = _with_and_without(lab, _last_quarter("durable_value", "headcount", "hours_mean"))
    low, high = factor_of_two(BRYNJOLFSSON_PER_HOUR)
    return Outcome(
        figures=[
            Figure.of("shipped volume per hour worked, with AI / without - 1", change),
            Figure.of("durable value per hour worked, the same (not checked)", value),
        ],
        checks={
            f"within a factor of two of +14% an hour ({low:+.0%} to {high:+.0%})": inside(change, low, high),
        },
    )


def _gain_by_skill(lab: Lab) -> tuple[np.ndarray, np.ndarray]:
    """Per seed, shipped volume per hour of the least and the most skilled fifth of staff (skill
    is pre-AI productivity, as Brynjolfsson et al. rank agents), with AI over without, less 1:
    everyone who worked at least a quarter of the run."""

    def per_hour_by_fifth(run: RunResult) -> np.ndarray:
        e = run.employees[run.employees["tenure_weeks"] >= 13]
        fifth = pd.qcut(e["skill"], 5, labels=False)
        rate = e["volume_per_week"] / e["hours_mean"].clip(lower=1e-9)
        return rate.groupby(fifth).mean().to_numpy()

    with_ai = np.array([per_hour_by_fifth(r) for r in lab.runs("regime=baseline")])
    without = np.array([per_hour_by_fifth(r) for r in lab.runs("regime=baseline", NO_AI)])
    gain = with_ai / without - 1.0
    return gain[:, 0], gain[:, -1]


def novices_gain_more(lab: Lab) -> Outcome:
    least, most = _gain_by_skill(lab)
    low, high = factor_of_two(BRYNJOLFSSON_NOVICE_GAP)
    return Outcome(
        figures=[
            Figure.of("volume per hour, least skilled fifth, with AI / without - 1", least),
            Figure.of("the same, most skilled fifth", most),
            Figure.of("least minus most skilled", least - most),
        ],
        checks={
            f"the gap within a factor of two of 34 points ({low * 100:+.0f} to {high * 100:+.0f})": inside(
                least - most, low, high
            ),
        },
    )


def ai_hours_a_day(lab: Lab) -> Outcome:
    """Median hours a day in AI-assisted work among those who use AI, employed at the end."""

    def median(run: RunResult) -> float:
        e = run.employees[run.employees["exit"] == "employed"]
        hours = (e["share_ai"] * e["hours_mean"] / 5.0).to_numpy()
        return float(np.median(hours[hours > 0])) if np.any(hours > 0) else float("nan")

    day = lab.per_seed(median, "regime=baseline")
    low, high = DORA_HOURS_A_DAY / 2.0, DORA_HOURS_A_DAY * 2.0
    return Outcome(
        figures=[Figure.of("median hours a day in AI work, AI users, no metric", day)],
        checks={f"within a factor of two of DORA's 2 hours ({low:g} to {high:g})": inside(day, low, high)},
    )


def defects(lab: Lab) -> Outcome:
    """Reworked volume per head (Faros counts bugs per developer) and the share of shipped volume
    reworked within the window (GitClear counts code rewritten or deleted within two weeks)."""
    bugs = _with_and_without(lab, _reworked_volume)
    low, high = factor_of_two(FAROS_BUGS)
    return Outcome(
        figures=[Figure.of("reworked volume per head, with AI / without - 1", bugs)],
        checks={
            f"within a factor of two of Faros's +54% ({low:+.0%} to {high:+.0%})": inside(bugs, low, high)
        },
    )


def churn(lab: Lab) -> Outcome:
    rate = _with_and_without(lab, _last_quarter("rework_rate"))
    low, high = factor_of_two(GITCLEAR_CHURN)
    return Outcome(
        figures=[Figure.of("share of shipped volume reworked, with AI / without - 1", rate)],
        checks={f"within a factor of two of doubling ({low:+.0%} to {high:+.0%})": inside(rate, low, high)},
    )


def ai_own_effect(lab: Lab) -> Outcome:
    """What AI does with no metric at all: durable value per head with AI tools against without."""
    per_head = _with_and_without(lab, _last_quarter("durable_value", "headcount"))
    low, high = AI_BAND
    return Outcome(
        figures=[Figure.of("durable value per head, with AI / without - 1", per_head)],
        checks={f"inside the sources' band ({low:+.0%} to {high:+.0%})": inside(per_head, low, high)},
    )


def dashboard_and_reality(lab: Lab) -> Outcome:
    gamed = lab.summary(GAMEABLE, "regime.pressure=0.75")
    base = lab.summary("regime=baseline")
    value_gap = gamed["durable_value_change"] - base["durable_value_change"].mean()
    believed_gap = gamed["perceived_productivity_change"] - gamed["durable_value_change"]
    return Outcome(
        figures=[
            Figure.of("metric x start, token leaderboard", gamed["metric_index"]),
            Figure.of("shipped volume change", gamed["volume_change"]),
            Figure.of("durable value change against the baseline's", value_gap),
            # Reported, not checked: belief outruns reality by construction (`ai_optimism`, set
            # from METR, is added to what people believe AI is worth).
            Figure.of("believed minus durable productivity change (by construction)", believed_gap),
        ],
        checks={
            "the dashboard rises": gamed["metric_index"].mean() > 1.5,
            "durable value does not": value_gap.mean() < 0.0,
        },
    )


TARGETS = (
    Target(
        1,
        "The Goodhart curve: under a gameable metric the metric rises with pressure while durable "
        "value rises then falls, or only falls; under durable-outcome or team metrics value holds "
        "up far better.",
        "Holmström & Milgrom 1991; Gao, Schulman & Hilton 2022",
        goodhart_curve,
        evidence=THEORY,
        note="Value holds up under the durable and team metrics (+2.0% and -2.2% from pressure 0 to 1) "
        "against -22% under the token leaderboard. The team metric missed 'far better' by under a "
        "point (-9.1% against the 8.4% allowed) while evaluation anxiety came from a formal score "
        "only, so that pressure on any metric added anxiety that measuring nothing never caused (see "
        "target 11).",
    ),
    Target(
        2,
        "The measure stops measuring: the rank correlation of score and durable contribution falls "
        "over time under a gameable metric, far less under a durable one.",
        "Goodhart; Manheim & Garrabrant 2018",
        measure_stops_measuring,
        evidence=THEORY,
        note="Under output OKRs the score's rank correlation with contribution falls 0.019 [0.007, 0.031] "
        "over the policy (0.86 before it; 0.022 on Model 3.0): beyond seed noise, the direction the check "
        "asks. Until "
        "Model 3.0 the check also asked a fall of at least 0.05, a size no source gives, as issue 29 "
        "found of targets 3, 5 and 9's thresholds; it was retired on the run in which this model "
        "first fell short of it, and the report says so. Before Model 3.0 the fall was 0.054 [0.040, "
        "0.067]: AI hours past the AI-suited tasks still shipped volume at full inflation, so chasing"
        " volume moved people into AI work whose volume outran its value and reordered them. Now that"
        " volume saturates with the suited tasks, padding is the main way to game output OKRs, and it"
        " reorders few people: at 200 people over three years the fall was 0.009 [-0.010, 0.027] on Model "
        "3.0, "
        "within noise, so the slow tests kept the target among the known misses (non-strict); on Model "
        "3.1 it holds there. The "
        "token leaderboard's correlation does fall (0.25, by 0.28); the durable metric's holds "
        "(0.96).",
    ),
    Target(
        3,
        "Consumption regime: token spend per head rises under a quota.",
        'Meta "Claudeonomics", April 2026 [S]; Huang, March 2026 [S]',
        consumption,
        evidence=THEORY,
        note="A quota raises token spend per head 4.9x [4.6, 5.3]. The check asked 5x until issue 29, a "
        "threshold no source gives (Meta's and Huang's figures are a leaderboard and an exhortation, "
        "not a ratio to spending without a quota), so it now asks the direction beyond seed noise. "
        "The ratio has ranged from 4.15x to 5.0x across recalibrations: the baseline puts 30% of its "
        "hours into AI work in year 2, so the same quota is a smaller or larger multiple of it.",
    ),
    Target(
        4,
        "Rework rises with theater: a gameable metric at full pressure raises the share of shipped "
        "work that is reworked.",
        "Faros AI 2026: bugs per developer +54%, churn +861% under high adoption [P]; GitClear 2024 [P]",
        rework,
        evidence=THEORY,
    ),
    Target(
        5,
        "Gameable high-pressure regimes raise burnout, attrition and regretted attrition.",
        "Gallup 2018: burned-out employees 2.6x as likely to look for another job [S]; Hamidi et al. "
        "2018 [P]",
        attrition,
        evidence=THEORY,
        note="Under the token leaderboard at pressure 0.75 burnout is 2.6x the baseline's [2.5, 2.7] "
        "(2.25x on Model 3.0), attrition rises 5.9 points and regretted attrition 2.6, each beyond seed "
        "noise. The check "
        "asked burnout to double until issue 29, a threshold no source gives (Gallup's 2.6x is the "
        "job search of the burned out, which the calibration fits), so it now asks the direction. It "
        "was 2.65x while evaluation anxiety came from a formal score only: the baseline then had "
        "none, and every metric added all of its own. Now people under no metric fear their managers'"
        " judgement as they would a score (target 11), so a metric adds anxiety only where it ranks "
        "people lower than judgement did, and the extra burnout comes from gaming against one's "
        "integrity, longer weeks and missed expectations.",
    ),
    Target(
        6,
        "Adoption regime: adoption near 100% quickly, but shallow (fluency and value barely move).",
        "DORA 2025: 90% adoption [S]; DORA 2024: adoption without throughput [S]",
        adoption,
        evidence=THEORY,
        note="Measured from where DORA 2025 found adoption, 90%, not from the usual start: the 156-week "
        "burn-in that settles burnout also carries adoption past 98% with no metric (it passes 90% "
        "after about 26 weeks from the founders' 75%; 98.3% in the baseline at the end), and from "
        "there 'near 100%' and 'quickly' held by construction. Here the burn-in is cut to the weeks "
        "an organisation with no metric needs to reach 90% in the week before the policy "
        "(`dora_start`: 14 weeks on these seeds). DORA's figure sets where the test starts, not what "
        "it checks. From there 'shallow' holds: the mandate's extra practice raises fluency 0.4% "
        "[-0.5, 1.3] at two years here (0.9% on Model 3.0, 1.7% before it, when AI hours past the suited "
        "tasks "
        "still taught), and durable value does not move. Over three years at 200 people it had "
        "reached 3.3% [1.5, 5.1] before Model 3.0, past the 3% allowed, so the slow tests kept it among the "
        "known misses (non-strict); on Model 3.1 it holds there.",
    ),
    Target(
        7,
        "Decoupled telemetry: adoption still grows because AI helps, gaming stays near zero, and "
        "showing the same managers the telemetry lowers durable value per token dollar, on the same "
        "seeds and in at least 90% of the parameter space; how much is a prediction conditional on "
        "assumptions, reported as a dose-response.",
        "DESIGN.md; Falk & Kosfeld 2006 (monitoring); Amazon Science 2025 [P/S]",
        decoupled_telemetry,
        evidence=THEORY,
        note="Showing managers the telemetry lowers durable value per token dollar to 0.965 of the hidden "
        "case [0.957, 0.972], paired by seed, and does so in "
        f"{space_share('decoupled')}"
        " (the robustness study). Until issue 29 the target asked for a cost of at least 20% at the "
        "defaults; that size rests on two assumptions without a source, so it is now a conditional "
        "prediction, reported as a dose-response (`experiments/telemetry_cost.py`, docs/figures.md; "
        "its figures here from Model 3.1): "
        "how far managers lean on telemetry (`behaviour.telemetry_visibility`, 0.5; at 1 the cost is "
        "9.7%) and how many tokens an hour of a person's time leaving agents running burns "
        "(`gaming.agents_running.tokens`, 30M: 3.5%; 19.6% at 120M, 36% at 240M). A fifth or more "
        "holds in "
        f"{space_share('decoupled_by_a_fifth')}"
        ". Set on its own anchor, Meta's top user (281 billion tokens in 30 days among 85,000 "
        "people), agents left running burn 5,600M an hour of a person's time: the model's largest "
        "user then burns 282 billion (`experiments/token_anchor.py`, Model 3.1; 274 billion on "
        "Model 3.0; 5.3 billion at the default 30M), about 370 agent-hours for each hour the person gives "
        "it, so agents left to run unattended. From that rate the size is predicted, not fitted: "
        "showing telemetry leaves 0.075 [0.067, 0.083] of the value per token dollar (the figure "
        "marked Meta's top user), token spend 13 times the hidden case's with durable value "
        "unchanged. The anchor is one person's month [S], and a heavier tail of gamers at a lower "
        "rate would meet it as well; the default stays at 30M, since every other figure rests on it. "
        "What showing costs is tokens, not value: durable value holds and token spend rises, almost "
        "all from agents left running. Adoption is followed from where DORA 2025 found it (90%, as in"
        " target 6), since after the burn-in it starts near 98%: from there it grows 8.9 points with "
        "no one scored on it, and showing telemetry costs 9% (not checked). Gaming stays at the "
        "baseline's level, and the hidden case beats the best regime that scores AI use (14.6 against"
        " 14.3 a $1,000).",
    ),
    Target(
        8,
        "Team-level measurement cuts individual gaming and shows some free riding.",
        "Holmström 1982 (moral hazard in teams); Amazon cost-to-serve",
        team_measurement,
        evidence=THEORY,
    ),
    Target(
        9,
        "Goodhart by selection: with adaptation off and forced ranking of 10% a review, gaming "
        "still rises through who stays and whose habits hires copy.",
        "Smaldino & McElreath 2016; Scullen et al. 2005; Braganza 2022",
        selection,
        evidence=THEORY,
        note="Forced ranking of 10% a quarter raises theater 2.25x [2.15, 2.34] over three years of policy,"
        " against 1.4x without (0.88 more, paired by seed [0.79, 0.97]). Until issue 29 the check "
        "asked it to double, a threshold from issue 12 that no source gives; it now asks the "
        "direction beyond seed noise. Selection works on habits (one hire in five brings gaming "
        "habits, `workforce.gaming_inclined_share`, and hires copy 60% of their team's best-rewarded "
        "survivor), and only on them: a role's token need stays with its post when its holder is let "
        "go. Until that change the ranking also selected roles (hires drew a new token need), and "
        "theater rose 1.9x in two years (the issue asks for three). The size rests on "
        "`gaming_inclined_share` and `onboarding_conformity`, both assumptions.",
    ),
    Target(
        10,
        "The dashboard and reality part: what the metric shows rises while durable value does not.",
        "DORA 2024: +25% adoption, throughput -1.5% while perceived productivity +2.1% [S]",
        dashboard_and_reality,
        evidence=THEORY,
    ),
    Target(
        11,
        "Measurement has a purpose: where managers' judgement is noisy, a well-aligned outcome metric "
        "beats measuring nothing (the 99% interval of its gain, paired by seed, above zero); where "
        "managers see contribution as it is, nothing does. Where between the two it pays: the map below.",
        "Holmström & Milgrom 1991; Baker 1992; Bommer et al. 1995 (ratings and results correlate "
        "0.39); Lazear 2000",
        measurement_has_a_purpose,
        evidence=THEORY,
        note="Where managers' judgement is noisy (noise 1, r = 0.46, near Bommer et al.'s 0.39), three "
        "outcome presets beat measuring nothing at two years beyond seed noise: the balanced "
        "scorecard by 1.8%, decoupled telemetry by 1.6% and value per token by 1.1%, each 99% "
        "interval of the gain paired by seed above zero (2.4%, 2.1% and 2.0% on Model 3.0); the "
        "individual and team outcome metrics still cost 1.0% and 0.9%. Where managers see "
        "contribution as it is, none does: the best, decoupled telemetry, changes it -0.1% [-0.6, +0.4]. "
        "Until issue 29 the target also asked for a gain "
        "of two standard deviations of itself across seeds, a bar that grew as the organisation "
        "shrank; it is retired, and the target passes on the interval. The map below says where "
        "between the two it pays: from judgement noise 1 (r = 0.46) up at every interdependence, and "
        "from 0.5 (r = 0.71) where work is not shared; with clear judgement (noise 0) decoupled "
        "telemetry costs 0.1% to 0.9%. It rests on a stated assumption: evaluation anxiety comes from"
        " one's standing in whatever decides one's career, managers' judgement or a score "
        "(`wellbeing.informal_anxiety` 1). With anxiety from a formal score only, as before (the last"
        " figure), no preset beats measuring nothing (best -0.04%): the result is exactly as strong as"
        " that assumption. Across the assumed parameters, that one included, decoupled telemetry "
        "beats no metric in "
        f"{space_share('outcome_beats_nothing')}"
        ": whether measuring outcomes pays depends on the organisation. The gain also fades with the "
        "horizon (table below).",
    ),
    Target(
        12,
        "Shipped volume per head in an organisation with AI and no metric grows over two years "
        "within the range the industry reports.",
        "GitClear, January 2026: median output +9% over 2022-25 [S]; Faros AI 2026: merged PRs +16% "
        "under high adoption [P]; DORA 2024 [S]",
        volume_growth,
        evidence=HELD_OUT,
        note="Volume grows 2.0% [1.0, 3.0] over two years with no metric (0.8% on Model 3.0), inside the "
        "sources' range "
        "(-6%, DORA 2024's -1.5% per 25 points of adoption over the 0 to 100% a baseline passes "
        "through, to Faros's +16.2%; it was -5% to +20% until issue 29, the +20% from no source). It "
        "grew 10% before Model 3.0, when people kept moving hours into AI work whose shipped volume "
        "stayed inflated past the AI-suited tasks; now volume saturates with those tasks as value "
        "does, so moving more hours into AI work ships little more (docs/model.md, S3 and Known "
        "limits).",
    ),
    Target(
        13,
        "The workload paradox: with no metric, more of the same organisation's people work long weeks "
        "with AI than without, by about as much as off-hours work rose after AI adoption.",
        "ActivTrak 2026: weekend work +40% after adoption [P/S]; Ranganathan & Ye, HBR 2026 [P]",
        workload,
        evidence=HELD_OUT,
        note="Weeks over 45 hours are 30% [26, 33] more common with AI than without (43% on Model 3.0), "
        "inside a factor of "
        "two of ActivTrak's +40% weekend work (off-hours work's nearest unit in a model with weeks, "
        "not weekdays); hours hardly move (-0.04 a week [-0.18, +0.10]). Two mechanisms pull against each "
        "other. Review that "
        "teammates' AI output asks of everyone crowds out people's own hours: with AI hours felt in "
        "full (the third figure) long weeks are rarer with AI than without (-10% [-15, -5]). "
        "AI-assisted hours on AI-suited tasks are felt lighter when people plan their week "
        "(`behaviour.ai_effort_relief` 0.3, Ranganathan & Ye 2026), and a longer week takes on more "
        "AI-suited tasks; together they outweigh the crowding out. So the long weeks rest on an "
        "assumed size of that relief (robustness table below). The effect fades with the horizon as "
        "the split settles (on Model 3.0: +27% [16, 38] at three years, 500 people, 6 seeds, and +13% to "
        "+19% at 200 people over three, so the slow tests kept that case visible; on Model 3.1 it holds "
        "there). Review hours (2.7x) are "
        "reported, not "
        "checked, since issue 29: their rise is close to built in (AI output is assumed to need five "
        "times the review of craft per hour, `production.review_need` 0.5 against `review_need_craft`"
        " 0.1), and Faros's +441% is review latency, time a change waits in a queue, not hours spent "
        "reviewing; the model has no queue.",
    ),
    Target(
        14,
        "Competition on a proxy: the larger the share culled at each review, the more the "
        "population games, with habits fixed (selection alone).",
        "Braganza 2022, Royal Society Open Science 9:211030",
        competition,
        evidence=THEORY,
        note="Over three years of policy theater rises with the share culled: 1.4x, 2.25x, 3.0x, 3.5x and "
        "3.9x at 0, 10, 30, 50 and 90%, as Braganza 2022 finds. It used to fall back at 90%, when "
        "hires drew new roles and the ranking kept the roles that need the most tokens; a role's "
        "token need now stays with its post, so the ranking can select only habits.",
    ),
    Target(
        15,
        "AI raises completed work: with no metric, the same organisation with AI tools ships more "
        "per head than without, by as much as field experiments and telemetry find.",
        "Cui et al., Management Science 2026: completed tasks a week +26.1% (SE 10.3%) [P]; Faros AI "
        "2026: merged PRs +16.2% under high adoption [P]",
        completed_work,
        evidence=HELD_OUT,
        note="With AI the organisation ships 63% more volume a head [61, 66] than without (72% on Model "
        "3.0, 127% before it), where Cui et al.'s field experiments give +26% completed tasks and Faros "
        "+16% merged PRs. The excess is `production.ai_volume_inflation` (3.0: AI work on AI-suited "
        "tasks ships 3 units of volume per unit of value), which the calibration chose, at its grid's "
        "edge, to fit Jellyfish's top decile of token spenders at 2x the median's output (1.82x "
        "here). At inflation 1.5 volume a head rises 14%, inside both sources, and an hour 14% "
        "(target 16), while the Jellyfish fit falls to 1.57x; at 2.0 volume a head rises 30%, inside "
        "both, and the fit is 1.65x (`experiments/held_out_needs.py`, table below). Three primary "
        "sources held out here and one secondary source fitted pull the one parameter apart; the "
        "calibration should weigh the primary ones. The default is not changed to pass the target.",
    ),
    Target(
        16,
        "AI raises work done an hour, by as much as a staggered roll-out finds.",
        "Brynjolfsson, Li & Raymond, QJE 2025: issues resolved an hour +14% [P]",
        work_per_hour,
        evidence=HELD_OUT,
        note="Volume an hour worked rises 64% [62, 66] with AI, where Brynjolfsson, Li & Raymond find +14%"
        " issues resolved an hour; durable value an hour falls 11%. It is target 15's excess, an hour"
        " at a time: at `production.ai_volume_inflation` 1.5 it rises 14%, inside the tolerance "
        "(`experiments/held_out_needs.py`, table below).",
    ),
    Target(
        17,
        "AI helps the least skilled most: the gain an hour of the least skilled fifth exceeds the most "
        "skilled fifth's by as much as a staggered roll-out finds.",
        "Brynjolfsson, Li & Raymond, QJE 2025: +34% for novices, about 0 for the most skilled [P]",
        novices_gain_more,
        evidence=HELD_OUT,
        note="With AI the least skilled fifth ships 87% more an hour and the most skilled 46%: 41 points "
        "apart [35, 47], where Brynjolfsson, Li & Raymond find 34 (+34% for novices, about 0 for the "
        "most skilled). Model 3.1's mechanism: with AI a person's output follows skill ** 0.5 where "
        "craft follows skill (`production.ai_skill_levelling`, docs/model.md S3), a value read from "
        "another study, Dell'Acqua et al. 2026 (GPT-4 raised consultants below the average of a "
        "baseline task 43% and those above 17%), through the model's spread of skill. Its size was "
        "not set from this target, but the mechanism was added after this target failed and its "
        "direction is this source's finding (and Cui et al.'s), so only the size is a held-out "
        "check; it holds for levellings from 0.25 to 0.75. On Model 3.0, with no such mechanism, "
        "the gap was 8 points [3, 13]. "
        "The gap moves with the levelling (`experiments/held_out_needs.py`, table below), and both "
        "fifths gain far more than the field's +14% on average (targets 15 and 16), so the check "
        "is on the gap, in points, as the source reports it.",
    ),
    Target(
        18,
        "People who use AI spend about as much of their day in it as surveys find.",
        "DORA 2025: median 2 hours a day [S]",
        ai_hours_a_day,
        evidence=BY_CONSTRUCTION,
        note="Half of AI users spend 2.3 hours a day [2.2, 2.3] or more in AI-assisted work, within a "
        "factor of two of DORA 2025's median of 2. Not held out: the same DORA figure set the "
        "founders' split (a quarter of the week in AI work, `workforce.initial_split`) and the scale "
        "of AI-suited hours (`production.ai_task_hours`, 12 in 40), so the check only confirms that "
        "the hours stay near where those parameters put them. The model's hours are all AI-assisted "
        "hours of real work; DORA asks people how long they use AI, so the figures are close in kind,"
        " not identical.",
    ),
    Target(
        19,
        "AI raises defects per developer by as much as telemetry across companies finds.",
        "Faros AI 2026: bugs per developer +54% under high adoption (22,000 developers) [P]",
        defects,
        evidence=HELD_OUT,
        note="With AI the organisation reworks 5.5x the volume a head [5.3, 5.7] that it reworks without "
        "(5.7x on Model 3.0, 7.1x before it), where Faros finds bugs per developer +54%. The model has"
        " one notion of rework, volume reverted or rewritten within the durability window, "
        "calibrated on GitClear's churn of regular AI users (9.4x non-users'); Faros's bugs and "
        "GitClear's churn are different counts, an order of magnitude apart in the sources "
        "themselves, and one parameter cannot meet both: even at `production.rework_ai` 0.04 "
        "reworked volume a head rises 238%, since AI also ships more volume, as target 15 "
        "finds (`experiments/held_out_needs.py`, table below). It needs defects counted apart from "
        "churn.",
    ),
    Target(
        20,
        "AI raises the share of code rewritten soon after it ships about as much as it rose while "
        "AI tools spread.",
        "GitClear 2024: code rewritten or deleted within two weeks on track to double, 2021-24 [P]",
        churn,
        evidence=HELD_OUT,
        note="With AI the share of shipped volume reworked is 3.4x its level without (+237% [227, 246]), "
        "past the +200% a factor of two allows around GitClear's doubling from 2021 to 2024, when AI "
        "tools spread. It is set by `production.rework_ai` (0.18), which the calibration fits to the "
        "9.4x churn of regular AI users against non-users (GitClear 2026): at 0.04 to 0.12 this target "
        "passes (+106% to +185%) and the calibrated ratio falls to 2.8x to 7.0x "
        "(`experiments/held_out_needs.py`, table below). "
        "Two GitClear reports pull the one parameter apart; the default stays where the calibration "
        "put it.",
    ),
    Target(
        21,
        "What AI does with no metric at all lies inside the band the field studies give.",
        "METR 2025 [P]; Brynjolfsson, Li & Raymond 2025 [P]; Cui et al. 2026 [P]; DORA 2024 [S]",
        ai_own_effect,
        evidence=HELD_OUT,
        note="With no metric, AI tools lower durable value a head by 11.5% [10.7, 12.2] at two years, "
        "inside the band the field studies give (-16% to +26%) (headlines below; -10% on Model 3.0, "
        "-13% before it). METR's novice slowdown sets the AI hour at fluency 0 (calibration) and "
        "Dell'Acqua et al. how much less an AI hour owes to skill; the other sources enter nowhere. "
        "The sources count tasks and speed, not durable value (docs/model.md, AI's own effect), and "
        "the band is wide: the target says only that the model's AI is not outside what the field "
        "has seen.",
    ),
)


STILL = "year 4 - year 2: burnout share, paired by seed"
AI_OWN = "AI's own effect"  # with AI tools / without - 1, paired by seed (sim.core.compare.ai_effect)


def horizons(lab: Lab, weeks: int = 208) -> list[tuple[str, list[Figure]]]:
    """The headlines at one, two and four years: each preset's durable value against no
    metric (paired by seed) and its theater; for no metric, AI's own effect (with AI tools
    against without, paired by seed), burnout, exhaustion and the share of AI work (whether it
    holds still); each over the last quarter of each year."""
    from sim.core.presets import preset_names

    long = lab.over(weeks)
    years = [y for y in (1, 2, 4) if 52 * y <= weeks]

    def window(r: RunResult, column: str, year: int) -> float:
        w = r.weekly
        return float(w.loc[(w["week"] >= 52 * year - 13) & (w["week"] < 52 * year), column].mean())

    def per_seed(column: str, regime: str, year: int) -> np.ndarray:
        return long.per_seed(lambda r: window(r, column, year), f"regime={regime}")

    effect = ai_effect(
        [r.weekly for r in long.runs("regime=baseline")],
        [r.weekly for r in long.runs("regime=baseline", NO_AI)],
    ).set_index(["horizon_weeks", "measure"])
    rows = []
    for regime in preset_names():
        figures = []
        for year in years:
            if regime == "baseline":
                for measure, words in AI_MEASURES.items():
                    own = effect.loc[(52 * year, measure)]
                    figures.append(
                        Figure(
                            f"year {year}: {AI_OWN}, {words}",
                            own["change"],
                            own["change_low"],
                            own["change_high"],
                        )
                    )
                for column, name in (
                    ("burnout_share", "burnout share"),
                    ("exhaustion", "mean exhaustion"),
                    ("share_ai", "share of hours in AI work"),
                ):
                    figures.append(Figure.of(f"year {year}: {name}", per_seed(column, regime, year)))
                if year == 4 and 2 in years:
                    change = per_seed("burnout_share", regime, 4) - per_seed("burnout_share", regime, 2)
                    figures.append(Figure.of(STILL, change))
                continue
            gain = per_seed("durable_value_per_head", regime, year) / per_seed(
                "durable_value_per_head", "baseline", year
            )
            figures.append(Figure.of(f"year {year}: durable value vs no metric", gain - 1.0))
            figures.append(Figure.of(f"year {year}: theater share", per_seed("share_theater", regime, year)))
        rows.append((regime, figures))
    return rows


def evaluate(lab: Lab, targets=TARGETS, progress: bool = False) -> list[tuple[Target, Outcome]]:
    results = []
    for target in targets:
        started = time.perf_counter()
        results.append((target, target.measure(lab)))
        if progress:
            verdict = "pass" if results[-1][1].passed else "FAIL"
            print(
                f"target {target.number:>2}: {verdict} ({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
            )
    return results


CALIBRATED_ON = (
    "the spread of token spend (Jellyfish: top decile about 2x the output at 10x the cost), the "
    "rework of heavy unreviewed AI against reviewed craft (GitClear 9.4x), baseline voluntary "
    "attrition (Mercer, LinkedIn), the quit rate of the burned out (Gallup, Hamidi) and METR's "
    "novice slowdown and optimism"
)


def tally(results: list[tuple[Target, Outcome]]) -> list[str]:
    """How many targets of each kind pass; what is true by construction is never counted."""
    lines = []
    for evidence in (HELD_OUT, THEORY):
        kind = [outcome.passed for target, outcome in results if target.evidence == evidence]
        if kind:
            lines.append(f"- **{evidence.capitalize()}: {sum(kind)} of {len(kind)} targets pass.**")
    built = sum(target.evidence == BY_CONSTRUCTION for target, _ in results)
    if built:
        lines.append(f"- By construction: {built} reported, not counted.")
    return lines


def report(
    results: list[tuple[Target, Outcome]],
    lab: Lab,
    horizon_rows: list[tuple[str, list[Figure]]] | None = None,
    horizon_weeks: int = 208,
) -> str:
    lines = [
        "# Validation",
        "",
        f'The targets of DESIGN.md ("What the model must reproduce"), of issue 12 and of issue 29, run with '
        f"`python -m sim validate` on {lab.size} employees over {lab.weeks} weeks, {len(lab.seeds)} "
        f"seeds per scenario (policies start in week {lab.start_week}). Figures are means across seeds "
        "with their 95% interval in brackets. The tolerances are in `sim/studies/validate.py`, next to each "
        "claim; the same checks run at 200 and 2,000 employees over one and three years in "
        "`tests/validation/`.",
        "",
        "Each target is labelled by what it rests on. **Held-out data**: a source's figure, compared in "
        "its own unit, that no parameter was set from. **Theory**: a direction or shape that theory or "
        "another model predicts. **By construction**: what follows from an assumption; reported, never "
        f"counted as a pass (figures so marked inside a target are not checked). {TOLERANCE_RULE} "
        f"The calibration fits {CALIBRATED_ON} (docs/calibration.md); none of those figures is a "
        "target below.",
        "",
        *tally(results),
        "",
        "| # | claim | evidence | source | simulated (mean [95% interval]) | checks | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for target, outcome in results:
        figures = "<br>".join(str(f) for f in outcome.figures)
        checks = "<br>".join(f"{'yes' if ok else '**no**'}: {name}" for name, ok in outcome.checks.items())
        if target.evidence == BY_CONSTRUCTION:
            verdict = "reported, not counted"
        else:
            verdict = "pass" if outcome.passed else "**fail**"
        lines.append(
            f"| {target.number} | {target.claim} | {target.evidence} | {target.source} | {figures} "
            f"| {checks} | {verdict} |"
        )
    counted = [(t, o) for t, o in results if t.evidence != BY_CONSTRUCTION]
    failing = [(t, o) for t, o in counted if not o.passed]
    if failing:
        lines += ["", "## Failing targets", ""]
        for target, outcome in failing:
            missed = ", ".join(name for name, ok in outcome.checks.items() if not ok)
            lines.append(f"- Target {target.number}: {missed}. {target.note or 'See the figures above.'}")
    resting = [(t, o) for t, o in counted if o.passed and t.note]
    if resting:
        lines += ["", "## What passing targets rest on", ""]
        lines += [f"- Target {target.number}: {target.note}" for target, _ in resting]
    built = [t for t, _ in results if t.evidence == BY_CONSTRUCTION]
    if built:
        lines += ["", "## Reported, not counted: true by construction", ""]
        lines += [f"- Target {target.number}: {target.note or 'See the figures above.'}" for target in built]
    if horizon_rows:
        lines += [
            "",
            "## The headlines at one, two and four years",
            "",
            f"Each preset over {horizon_weeks} weeks on the same seeds, read over the last quarter of "
            "each year: durable value per head against no metric (paired by seed) and the share of "
            "hours spent on theater; for no metric, AI's own effect (the same organisation with AI "
            "tools over without, less 1, paired by seed), the share of staff burned out, their mean "
            "exhaustion and the share of hours in AI work. A headline that "
            "changes sign between horizons depends on the horizon.",
            "",
            "| preset | figures |",
            "|---|---|",
        ]
        lines += [f"| {regime} | {'<br>'.join(str(f) for f in figs)} |" for regime, figs in horizon_rows]
        baseline = {f.name: f for regime, figs in horizon_rows if regime == "baseline" for f in figs}
        own = [f for name, f in baseline.items() if AI_OWN in name]
        if own:
            low, high = AI_BAND
            inside = all(low <= f.mean <= high for f in own)
            lines += [
                "",
                "**What AI does with no metric at all.** Every comparison with no metric stands on it: "
                + "; ".join(
                    f"{f.name.replace(AI_OWN + ', ', '')} {f.mean:+.1%} [{f.low:+.1%}, {f.high:+.1%}]"
                    for f in own
                )
                + f". {AI_EVIDENCE[0].upper()}{AI_EVIDENCE[1:]}: "
                + f"a band of {low:+.0%} to {high:+.0%} in output, "
                + ("which holds the model's figures" if inside else _outside(own, low, high))
                + (
                    f" (though the interval at {crossing.name.split(':')[0]} reaches past its edge)"
                    if inside and (crossing := next((f for f in own if f.low < low or f.high > high), None))
                    else ""
                )
                + ". The sources count tasks and speed, not durable value; "
                "docs/model.md (AI's own effect) maps each onto the model's units.",
            ]
        burnout = {name: f.mean for name, f in baseline.items()}
        year_2, year_4 = burnout.get("year 2: burnout share"), burnout.get("year 4: burnout share")
        if year_2 is not None and year_4 is not None:
            settled = abs(year_4 - year_2) <= 0.01
            apart = f"{abs(year_4 - year_2) * 100:.1f} points apart"
            if STILL in baseline:
                change = baseline[STILL]
                paired = f"{change.mean * 100:+.1f} [{change.low * 100:+.1f}, {change.high * 100:+.1f}]"
                apart += f" ({paired}, paired by seed)"
                noise = change.low <= 0.01 and change.high >= -0.01
            else:
                noise = False
            lines += [
                "",
                f"**Does the baseline hold still?** With no metric, {year_4:.1%} of staff are burned out in "
                f"year 4 against {year_2:.1%} in year 2: "
                + (
                    f"{apart}, within a percentage point, as issue 12 asks."
                    if settled
                    else f"{apart}: more than the point issue 12 allows in this sample, though its interval "
                    "reaches back within it; over whole years at 4 seeds of 2,000 "
                    "(tests/test_settling_and_workload.py) they hold within it."
                    if noise
                    else f"{apart}, where issue 12 asks for one: **not yet stationary**."
                ),
            ]
            named = ("mean exhaustion", "share of hours in AI work")
            if all(f"year {y}: {name}" in burnout for y in (2, 4) for name in named):
                tired = [burnout[f"year {y}: mean exhaustion"] for y in (2, 4)]
                ai = [burnout[f"year {y}: share of hours in AI work"] for y in (2, 4)]
                moving = abs(ai[1] - ai[0]) > 0.02
                lines[-1] += (
                    f" Mean exhaustion is {tired[0]:.2f} in year 2 and {tired[1]:.2f} in year 4. AI work "
                    f"takes {ai[0]:.0%} of hours in year 2 and {ai[1]:.0%} in year 4"
                    + (
                        ": the split of hours still moves (docs/model.md, Known limits)."
                        if moving
                        else ": the split of hours holds too."
                    )
                )
    purpose = where_measuring_pays(lab)
    clear = purpose[purpose["low"] > 0]
    lines += [
        "",
        "## Where measuring pays (target 11)",
        "",
        f"{MAP_REGIME.replace('_', ' ').capitalize()}'s gain in durable value per head over measuring "
        "nothing, paired by seed, with its 99% interval, across how noisily managers judge "
        "(`behaviour.judgement_noise`; r is the correlation of their impressions with contribution it "
        "gives, Bommer et al. 1995 found 0.39) and how hard outcomes are to attribute to one person "
        "(`org.interdependence`: attribution noise of outcome signals grows with it, docs/model.md S6). "
        f"In bold where the interval leaves out zero. {len(clear)} of {len(purpose)} cells show a gain "
        f"clear of zero. {break_even(purpose)}",
        "",
        *purpose_map_markdown(purpose),
    ]
    lines += ["", *markdown(shipped())]
    return "\n".join(lines)


# Sections after this line of the report are written by other studies (the channel split,
# the profile fit's recovery); a new validation run keeps them as they are.
OTHER_STUDIES = (
    "<!-- Below: sections written by other studies (experiments/held_out_needs.py, "
    "experiments/channels.py, experiments/fit_recovery.py); python -m sim validate keeps them. -->"
)


def keep_other_studies(new: str, old: str | None) -> str:
    """The new report, followed by the other studies' sections of the old one (from OTHER_STUDIES on)."""
    if old is None or OTHER_STUDIES not in old:
        return new
    return new.rstrip("\n") + "\n\n" + old[old.index(OTHER_STUDIES) :]


def _outside(own: list[Figure], low: float, high: float) -> str:
    """Which horizons of AI's own effect lie outside the sources' band, and on which side."""
    out = [f for f in own if not low <= f.mean <= high]
    when = sorted({f.name.split(":")[0] for f in out})
    side = "below its low end" if all(f.mean < low for f in out) else "beyond its ends"
    held = sorted({f.name.split(":")[0] for f in own} - set(when))
    kept = (
        f"which holds the model's figures at {' and '.join(held)} but not at "
        if held
        else "which holds none of "
    )
    return f"{kept}{' and '.join(when)}, {side}" if held else f"{kept}the model's figures, {side}"


def main(argv: list[str] | None = None) -> int:
    parser = checks.Parser(prog="python -m sim validate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seeds", type=int, default=12, help="seeds per scenario (at least 10 for the report)"
    )
    parser.add_argument("--size", type=int, default=500, help="employees")
    parser.add_argument("--weeks", type=int, default=104, help="horizon in weeks")
    parser.add_argument("--seed", type=int, default=2026, help="root seed for the replicate seeds")
    parser.add_argument("--out", type=Path, default=Path("docs/validation.md"), help="report file")
    parser.add_argument(
        "--horizon-weeks",
        type=int,
        default=208,
        help="weeks of the runs that give the headlines at 1, 2 and 4 years (0: skip them)",
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: every core)"
    )
    args = parser.parse_args(argv)
    try:
        checks.whole_number("--seeds", args.seeds, 1, checks.MAX_REPLICATES)
        checks.whole_number("--seed", args.seed, 0)
        checks.whole_number("--jobs", args.jobs, 1)
        checks.organisation(args.size, args.weeks, size_flag="--size")
        checks.after_start(args.weeks)
        if args.horizon_weeks:
            checks.whole_number("--horizon-weeks", args.horizon_weeks, 52, checks.MAX_WEEKS)
        checks.output_file("--out", args.out)
    except checks.ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    lab = Lab(args.size, args.weeks, replicate_seeds(args.seed, args.seeds), jobs=args.jobs)
    results = evaluate(lab, progress=True)
    rows = horizons(lab, args.horizon_weeks) if args.horizon_weeks else None
    old = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
    write_text(keep_other_studies(report(results, lab, rows, args.horizon_weeks), old), args.out)
    print("; ".join(line.strip("-* ").replace("**", "").rstrip(".") for line in tally(results)))
    print(f"report written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
