"""The validation targets of DESIGN.md, each a claim checked against simulated organisations.

    python -m sim.validate                      # 12 seeds, 500 people, 2 years -> docs/validation.md
    python -m sim.validate --seeds 20 --size 2000 --weeks 156 --out report.md

Every target runs its scenarios over several seeds and reports the simulated figure with
a 95% interval across seeds, the tolerance it is held to and whether it passes. The same
functions back the tests in tests/validation/, at reduced sizes. Tolerances live here,
next to the claims; a target the model cannot reproduce stays failing in the report.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim import checks
from sim.outputs import write_text
from sim.run import RunResult, replicate_seeds, resolve, run_model


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
    ):
        self.size, self.weeks, self.seeds, self.start_week = size, weeks, seeds, start_week
        self.pressures = pressures  # the pressure grid of the Goodhart curve
        self._runs: dict[tuple[str, ...], list[RunResult]] = {}

    def runs(self, *overrides: str) -> list[RunResult]:
        key = tuple(overrides)
        if key not in self._runs:
            cfg = resolve(
                None,
                [
                    f"org.n_employees={self.size}",
                    f"org.weeks={self.weeks}",
                    f"regime.start_week={self.start_week}",
                    *overrides,
                ],
            )
            self._runs[key] = [run_model(cfg, seed=seed) for seed in self.seeds]
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


@dataclass
class Target:
    number: int
    claim: str
    source: str
    measure: Callable[[Lab], Outcome]
    note: str = field(default="")


# -- the targets ------------------------------------------------------------------------

GAMEABLE = "regime=token_leaderboard"
DURABLE = "regime=decoupled_telemetry"


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
            "value falls under the gameable metric": value_mean[-1] < 0.95 * value_mean.max(),
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
            # target, falls beyond seed noise (the 95% interval of the fall excludes 0) by at least
            # 0.05. Token use never measured contribution here (roles' need for tokens varies
            # ten-fold), so its fall is reported but not held to this.
            "falls under a gameable metric": float(start.mean()) > 0.5
            and gameable_fall >= 0.05
            and interval(output)[1] > 0,
            # "Far less" under a durable metric: a third of the gameable fall at most, and the
            # durable score still tracks contribution (correlation above 0.8).
            "holds under the durable metric": float(durable.mean()) <= gameable_fall / 3
            and float(end.mean()) > 0.8,
        },
    )


def _decile_ratios(run: RunResult) -> tuple[float, float]:
    """Top decile of token spenders against the median spenders: (output, token cost)."""
    staff = run.employees[run.employees["exit"] == "employed"]
    spend = staff["token_cost_per_week"]
    top = staff[spend >= spend.quantile(0.9)]
    middle = staff[(spend >= spend.quantile(0.45)) & (spend <= spend.quantile(0.55))]
    return (
        top["volume_per_week"].mean() / middle["volume_per_week"].mean(),
        top["token_cost_per_week"].mean() / middle["token_cost_per_week"].mean(),
    )


def consumption(lab: Lab) -> Outcome:
    base = lab.summary("regime=baseline")["token_cost_per_head_year"].to_numpy()
    quota = lab.summary("regime=consumption")["token_cost_per_head_year"].to_numpy()
    ratios = np.array([_decile_ratios(r) for r in lab.runs("regime=baseline")])
    return Outcome(
        figures=[
            Figure.of("token spend per head, quota / baseline", quota / base),
            Figure.of("top-decile spenders' output / median's", ratios[:, 0]),
            Figure.of("top-decile spenders' token cost / median's", ratios[:, 1]),
        ],
        checks={
            # "Many-fold": at least 5 times.
            "spend rises many-fold": float(np.mean(quota / base)) >= 5.0,
            # Jellyfish [S]: about 2x the throughput at about 10x the cost; a secondary source is a
            # range, not a point: 1.5-2.5x and 6-15x, with the 95% interval overlapping it.
            "top decile about 2x output": consistent(ratios[:, 0], 1.5, 2.5),
            "at about 10x token cost": consistent(ratios[:, 1], 6.0, 15.0),
        },
    )


HEAVY_UNREVIEWED_AI = "workforce.initial_split={craft: 0.3, ai: 0.7, quality: 0.0, learning: 0.0}"
REVIEWED_CRAFT = "workforce.initial_split={craft: 0.75, ai: 0.0, quality: 0.25, learning: 0.0}"


def rework(lab: Lab) -> Outcome:
    fixed: tuple[str, ...] = (
        "regime=baseline",
        "behaviour.adaptation=false",
        "workforce.non_adopter_share=0",
    )
    fixed += ("workforce.theater_habit=0",)
    heavy = lab.summary(*fixed, HEAVY_UNREVIEWED_AI)["rework_rate"].to_numpy()
    craft = lab.summary(*fixed, REVIEWED_CRAFT)["rework_rate"].to_numpy()
    base = lab.summary("regime=baseline")["rework_rate"].to_numpy()
    gamed = lab.summary(GAMEABLE, "regime.pressure=1.0")["rework_rate"].to_numpy()
    return Outcome(
        figures=[
            Figure.of("rework, heavy unreviewed AI / reviewed craft", heavy / craft),
            Figure.of("rework, token leaderboard at full pressure / baseline", gamed / base),
        ],
        checks={
            # GitClear: 9.4x the churn of non-users; Faros: +861%. "Several-fold": at least 3x.
            "heavy unreviewed AI several-fold": float(np.mean(heavy / craft)) >= 3.0,
            # Theater adds rework: at least 1.5x the baseline's rate.
            "theater raises rework": float(np.mean(gamed / base)) >= 1.5,
        },
    )


def attrition(lab: Lab) -> Outcome:
    base = lab.summary("regime=baseline")
    gamed = lab.summary(GAMEABLE, "regime.pressure=0.75")
    pooled = [*lab.runs("regime=baseline"), *lab.runs(GAMEABLE, "regime.pressure=0.75")]
    ratio = [r.summary["quit_rate_burned_out"] / r.summary["quit_rate_not_burned_out"] for r in pooled]
    ratio = [x for x in ratio if np.isfinite(x)]
    return Outcome(
        figures=[
            Figure.of("baseline voluntary attrition a year", base["attrition"]),
            Figure.of("quit rate burned out / not", ratio),
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
            # Mercer 8.2% and LinkedIn 13.2% disagree: the target is the range, and the mean
            # must lie in it.
            "baseline attrition 8-13%": 0.082 <= base["attrition"].mean() <= 0.132,
            # Gallup 2.6x, Hamidi OR 2.68: "about 2-2.7". Quits among the burned out are few, so
            # the 95% interval across seeds must overlap 2-2.7.
            "burned out quit 2-2.7x": consistent(ratio, 2.0, 2.7),
            "gameable pressure raises burnout": gamed["burnout_share"].mean()
            > 2 * base["burnout_share"].mean(),
            "and attrition": gamed["attrition"].mean() > base["attrition"].mean(),
            "and regretted attrition": gamed["regretted_attrition"].mean()
            > base["regretted_attrition"].mean(),
        },
    )


def _weeks_to(run: RunResult, column: str, level: float, start: int) -> float:
    after = run.weekly[(run.weekly["week"] >= start) & (run.weekly[column] >= level)]
    return float(after["week"].iloc[0] - start) if len(after) else float("nan")


def adoption(lab: Lab) -> Outcome:
    mandated, base = lab.summary("regime=adoption"), lab.summary("regime=baseline")
    weeks = lab.per_seed(lambda r: _weeks_to(r, "adoption", 0.95, lab.start_week), "regime=adoption")
    fluency = mandated["fluency"] / base["fluency"].mean() - 1.0
    value = mandated["durable_value_per_head"] / base["durable_value_per_head"].mean() - 1.0
    return Outcome(
        figures=[
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


def _value_per_token_dollar(run: RunResult) -> float:
    weekly = run.weekly
    return float(weekly["durable_value"].sum() / max(weekly["token_cost"].sum(), 1e-9) * 1000.0)


def decoupled_telemetry(lab: Lab) -> Outcome:
    """The same evaluation on durable value, with AI telemetry hidden from managers or shown."""
    start = lab.per_seed(lambda r: r.weekly["adoption"].iloc[lab.start_week], DURABLE)
    end = lab.summary(DURABLE)["adoption"].to_numpy()
    hidden = lab.per_seed(_value_per_token_dollar, DURABLE)
    shown = lab.per_seed(_value_per_token_dollar, DURABLE, "regime.telemetry_visible=true")
    theater = lab.summary(DURABLE)["theater_share"].to_numpy()
    base_theater = lab.summary("regime=baseline")["theater_share"].to_numpy()
    usage_metrics = max(
        float(lab.per_seed(_value_per_token_dollar, f"regime={name}").mean())
        for name in ("adoption", "consumption", "token_leaderboard")
    )
    return Outcome(
        figures=[
            Figure.of("adoption growth after the policy starts", end - start),
            Figure.of("gaming share of hours, minus the baseline's", theater - base_theater),
            Figure.of("durable value per $1,000 of tokens, telemetry hidden", hidden),
            Figure.of("the same, telemetry shown to managers", shown),
            Figure.of("shown / hidden, paired by seed", shown / hidden),
            Figure("best regime scoring AI use, the same", usage_metrics, usage_metrics, usage_metrics),
        ],
        checks={
            "adoption still grows": float(np.mean(end - start)) > 0.05,
            # Gaming near zero: within half a percentage point of hours of the baseline's.
            "gaming near zero": float(np.mean(theater - base_theater)) < 0.005,
            # Showing the same managers AI telemetry costs at least a fifth of the value per
            # token dollar (issue 11's restatement of this target), on the same seeds.
            "telemetry shown costs at least 20%": float(np.mean(shown / hidden)) <= 0.8,
            "and beats every regime that scores AI use": float(hidden.mean()) > usage_metrics,
        },
    )


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

    def gains(judgement: str) -> dict[str, np.ndarray]:
        base = lab.summary("regime=baseline", judgement)["durable_value_per_head"].to_numpy()
        return {
            name: lab.summary(f"regime={name}", judgement)["durable_value_per_head"].to_numpy() / base - 1.0
            for name in OUTCOME_REGIMES
        }

    noisy, clear = gains(NOISY), gains(CLEAR)
    # The best of five presets is picked, so each interval is widened for five comparisons
    # (Bonferroni): 99% rather than 95%.
    level = 1.0 - 0.05 / len(OUTCOME_REGIMES)
    best_noisy = max(noisy, key=lambda name: interval(noisy[name], level)[1])
    best_clear = max(clear, key=lambda name: interval(clear[name], level)[1])
    return Outcome(
        figures=[
            Figure.of(f"durable value vs no metric, noisy judgement, best: {best_noisy}", noisy[best_noisy]),
            Figure.of(f"the same, managers see contribution, best: {best_clear}", clear[best_clear]),
            *(Figure.of(f"noisy judgement, {name}", noisy[name]) for name in OUTCOME_REGIMES),
        ],
        checks={
            # Beats no metric beyond seed noise: the 99% interval of the paired gain (same seeds,
            # so the seed's own variation cancels) lies above 0.
            "a well-aligned metric beats noisy judgement": interval(noisy[best_noisy], level)[1] > 0,
            # Where managers see contribution as it is, no metric's paired gain is above 0 beyond noise.
            "nothing beats clear judgement": interval(clear[best_clear], level)[1] <= 0,
        },
    )


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


def selection(lab: Lab) -> Outcome:
    def rise(*overrides: str) -> np.ndarray:
        return lab.per_seed(
            lambda r: (
                r.weekly["share_theater"].tail(13).mean() - r.weekly["share_theater"].iloc[lab.start_week]
            ),
            GAMEABLE,
            "behaviour.adaptation=false",  # nobody changes their habits...
            "behaviour.onboarding_conformity=0",  # ...and hires bring their own: pure selection
            *overrides,
        )

    ranked, unranked = rise("regime.forced_ranking=0.1"), rise("regime.forced_ranking=0")
    return Outcome(
        figures=[
            Figure.of("theater share rise, no adaptation, forced ranking 10%", ranked),
            Figure.of("same without forced ranking", unranked),
        ],
        checks={
            # Gaming rises through who stays and who is hired, and faster than without ranking.
            "gaming rises by selection": float(np.mean(ranked)) > 0.001
            and float(np.mean(ranked)) > float(np.mean(unranked)) + 0.001,
        },
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
            Figure.of("believed minus durable productivity change", believed_gap),
        ],
        checks={
            "the dashboard rises": gamed["metric_index"].mean() > 1.5,
            "durable value does not": value_gap.mean() < 0.0,
            # People believe they are more productive than they are (METR: +20% vs -19%): the
            # gap's 95% interval lies above zero.
            "belief outruns reality": interval(believed_gap)[1] > 0,
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
    ),
    Target(
        2,
        "The measure stops measuring: the rank correlation of score and durable contribution falls "
        "over time under a gameable metric, far less under a durable one.",
        "Goodhart; Manheim & Garrabrant 2018",
        measure_stops_measuring,
    ),
    Target(
        3,
        "Consumption regime: token spend per head rises many-fold; the top decile of spenders get "
        "about 2x the output at about 10x the token cost of the median.",
        "Jellyfish Q1 2026 (7,548 engineers) [S]; Huang, March 2026 [S]",
        consumption,
        note="Top-decile spenders ship about 1.3x the median's output, not 2x. The calibration's "
        "search for the AI economics ends at the edge of its grid (token need sd 1.2, the largest "
        "value tried) with a loss of 0.19: under Model 2.0, heavy token users include people whose "
        "tokens come from gaming, not output. Refitting with a wider grid is part of issue 12.",
    ),
    Target(
        4,
        "Rework rises with heavy, unreviewed AI use and with theater (several-fold).",
        "GitClear 2024-26 [P/S]; Faros AI 2026 [P]",
        rework,
    ),
    Target(
        5,
        "Baseline voluntary attrition 8-13% a year; burned-out people quit at about 2-2.7x the "
        "rate; gameable high-pressure regimes raise burnout, attrition and regretted attrition.",
        "Mercer 2023 8.2% [P] and LinkedIn 13.2% [S] (the range); Gallup 2018 2.6x [S]; Hamidi 2018 "
        "OR 2.68 [P]",
        attrition,
    ),
    Target(
        6,
        "Adoption regime: adoption near 100% quickly, but shallow (fluency and value barely move).",
        "DORA 2024-25 [S]",
        adoption,
    ),
    Target(
        7,
        "Decoupled telemetry: adoption still grows because AI helps, gaming stays near zero, and "
        "durable value per token dollar is far better than the same outcome evaluation with the "
        "telemetry visible to managers (at least 20% on the same seeds).",
        "DESIGN.md; Falk & Kosfeld 2006 (monitoring); Amazon Science 2025 [P/S]",
        decoupled_telemetry,
        note="Showing managers the telemetry costs 19% of durable value per token dollar (0.81 of "
        "the hidden case, paired by seed), just short of the 20% the target asks. The size rests "
        "on `behaviour.telemetry_visibility` (how far managers' impression leans on AI telemetry), "
        "an assumption: docs/robustness.md finds the 20% holds in about two thirds of the space, "
        "mostly where that weight is high. Adoption still grows, gaming stays at the baseline's "
        "level, and the hidden case beats every regime that scores AI use.",
    ),
    Target(
        8,
        "Team-level measurement cuts individual gaming and shows some free riding.",
        "Holmström 1982 (moral hazard in teams); Amazon cost-to-serve",
        team_measurement,
    ),
    Target(
        9,
        "Goodhart by selection: with adaptation off and forced ranking on, gaming still rises "
        "through who stays and who is hired.",
        "Smaldino & McElreath 2016; Scullen et al. 2005",
        selection,
        note="With adaptation off, hires bring their own habits and the repertoire spreads a "
        "hire's small gaming habit over seven actions, most of which the token leaderboard does "
        "not reward: forced ranking raises gaming by under 0.1% of hours. Hires who copy the "
        "survivors (Braganza 2022) are part of issue 12.",
    ),
    Target(
        10,
        "The dashboard and reality part: what the metric shows rises while durable value does not.",
        "METR 2025: believed 20% faster, measured 19% slower [P]; DORA 2024 [S]",
        dashboard_and_reality,
    ),
    Target(
        11,
        "Measurement has a purpose: where managers' judgement is noisy, a well-aligned outcome metric "
        "beats measuring nothing; where managers see contribution as it is, nothing does.",
        "Holmström & Milgrom 1991; Baker 1992; Bommer et al. 1995 (ratings and results correlate "
        "0.39); Lazear 2000",
        measurement_has_a_purpose,
        note="The gain of measuring comes from rewards that track contribution: the best keep more of "
        "what they could earn elsewhere and stay, and incentives reach people whose manager cannot see "
        "their work. It is small (1-2% of durable value), so it takes the report's 12 seeds to "
        "resolve; with the 3-6 seeds of the test suite it is within the noise. Caution: two "
        "assumptions that open these channels were set while this target was being examined "
        "(`turnover.outside_option_quit` raised from 1.0 to 2.0, and real contribution weighted by "
        "1 - career concern as DESIGN.md defines it, with `behaviour.effort_weight` 0.6 -> 0.35 to "
        "keep weeks near 43 hours); with the old values no preset beat no metric. The result holds "
        "for these values, not yet across the space: docs/robustness.md has to say how far.",
    ),
)


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


def report(results: list[tuple[Target, Outcome]], lab: Lab) -> str:
    passed = sum(outcome.passed for _, outcome in results)
    lines = [
        "# Validation",
        "",
        f'Every target of DESIGN.md ("What the model must reproduce"), run with `python -m sim.validate` '
        f"on {lab.size} employees over {lab.weeks} weeks, {len(lab.seeds)} seeds per scenario "
        f"(policies start in week {lab.start_week}). Figures are means across seeds with their 95% "
        "interval in brackets. The tolerances are in `sim/validate.py`, next to each claim; the same "
        "checks run at 200 and 2,000 employees over one and three years in `tests/validation/`.",
        "",
        f"**{passed} of {len(results)} targets pass.**",
        "",
        "| # | claim | source | simulated (mean [95% interval]) | checks | result |",
        "|---|---|---|---|---|---|",
    ]
    for target, outcome in results:
        figures = "<br>".join(str(f) for f in outcome.figures)
        checks = "<br>".join(f"{'yes' if ok else '**no**'}: {name}" for name, ok in outcome.checks.items())
        verdict = "pass" if outcome.passed else "**fail**"
        lines.append(
            f"| {target.number} | {target.claim} | {target.source} | {figures} | {checks} | {verdict} |"
        )
    failing = [(t, o) for t, o in results if not o.passed]
    if failing:
        lines += ["", "## Failing targets", ""]
        for target, outcome in failing:
            missed = ", ".join(name for name, ok in outcome.checks.items() if not ok)
            lines.append(f"- Target {target.number}: {missed}. {target.note or 'See the figures above.'}")
    resting = [(t, o) for t, o in results if o.passed and t.note]
    if resting:
        lines += ["", "## What passing targets rest on", ""]
        lines += [f"- Target {target.number}: {target.note}" for target, _ in resting]
    lines += [
        "",
        "Where two sources disagree (voluntary attrition 8.2% against 13.2%), the target is the range.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = checks.Parser(prog="python -m sim.validate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seeds", type=int, default=12, help="seeds per scenario (at least 10 for the report)"
    )
    parser.add_argument("--size", type=int, default=500, help="employees")
    parser.add_argument("--weeks", type=int, default=104, help="horizon in weeks")
    parser.add_argument("--seed", type=int, default=2026, help="root seed for the replicate seeds")
    parser.add_argument("--out", type=Path, default=Path("docs/validation.md"), help="report file")
    args = parser.parse_args(argv)
    try:
        checks.whole_number("--seeds", args.seeds, 1, checks.MAX_REPLICATES)
        checks.whole_number("--seed", args.seed, 0)
        checks.organisation(args.size, args.weeks, size_flag="--size")
        checks.after_start(args.weeks)
        checks.output_file("--out", args.out)
    except checks.ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    lab = Lab(args.size, args.weeks, replicate_seeds(args.seed, args.seeds))
    results = evaluate(lab, progress=True)
    write_text(report(results, lab), args.out)
    passed = sum(outcome.passed for _, outcome in results)
    print(f"{passed} of {len(results)} targets pass; report written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
