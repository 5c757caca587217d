"""An organisation's profile: what an HR or engineering leader can look up about it, in one
YAML file, turned into what the model needs.

    goodhart-sim profile my_org.yaml        # check it and say what it sets, in plain words
    goodhart-sim profile example:startup    # the examples shipped with the package

Every field is optional. A field the profile gives either sets a parameter of the model
outright (`fixed_parameters`: headcount, team size, salary, review cadence, forced ranking,
voluntary attrition), or is a figure the simulated organisation must reproduce
(`observed_statistics`: the weekly active share, token use per person, the regretted share of
leavers, how closely managers' ratings track results), which a later fit uses to narrow the
parameters it informs. Every parameter the profile leaves open keeps its documented plausible
range (`parameter_ranges`, `prior_ranges`). docs/profile.md lists every field, its unit and
the parameter it informs.

A profile travels like a scenario file, so it is untrusted: read within bounds
(`sim.core.untrusted`), every field checked, and a token CSV refused by size before it is
read, refused if it lies outside the profile's folder, read as UTF-8 with a row cap. Each
refusal is one line naming the field and what is allowed; messages show at most a short,
escaped snippet of what a file holds.
"""

from __future__ import annotations

import csv
import io
import math
import os
import stat
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import numpy as np

from sim.core.checks import MAX_EMPLOYEES, UPPER, ConfigError, Parser, shown
from sim.core.config import CALIBRATED
from sim.core.untrusted import is_number, key_name, load_yaml, read_text, top_level
from sim.studies.robustness import PARAMETERS as ROBUSTNESS_PARAMETERS

EXAMPLE = "example:"  # as the example scenarios (sim.core.scenarios): `example:startup`
EXAMPLES_PACKAGE = "sim.examples.profiles"
MAX_PROFILE_BYTES = 64 * 1024  # a profile is a few lines
MAX_CSV_BYTES = 50 * 1024 * 1024  # 100,000 people x 12 months of `user,month,tokens` is about 40 MB
MAX_CSV_ROWS = 2_000_000  # rows of data in a token CSV
MAX_NAME = 200  # characters
MAX_NOTES = 4_000  # characters
MAX_TOKENS = 1e15  # tokens per person per month: 3,500 times the largest reported (281 billion)
MAX_SALARY = UPPER["org.salary"]
WEEKS_PER_MONTH = 52 / 12

KEYS = (
    "name",
    "notes",
    "headcount",
    "team_size",
    "salary",
    "ai_seats",
    "weekly_active_users",
    "token_csv",
    "token_deciles",
    "voluntary_attrition",
    "regretted_share",
    "review_cadence",
    "forced_ranking",
    "manager_rating_accuracy",
)
CADENCES = {"monthly": 4, "quarterly": 13, "half-yearly": 26, "yearly": 52}  # weeks between reviews
MAX_REVIEW_WEEKS = 104
MAX_FORCED_RANKING = 0.5
# Plain words for how closely managers' ratings track measured results, as ranges of r. The
# middle one holds the meta-analytic 0.39 of Bommer et al. (1995) that calibrates the model.
ACCURACY_WORDS = {"closely": (0.5, 0.8), "loosely": (0.25, 0.5), "barely": (0.0, 0.25)}
# Header spellings of a token CSV, compared in lower case with spaces and hyphens as `_`.
USER_HEADERS = ("user", "user_id", "userid", "user_email", "email", "member", "user_name", "username")
MONTH_HEADERS = ("month", "period", "date", "billing_month", "billing_period", "usage_month")
TOKEN_HEADERS = ("tokens", "total_tokens", "token_count", "tokens_used", "token_usage", "usage_tokens")

# The calibrated base attrition (0.08, docs/calibration.md) gives the default organisation a
# voluntary attrition of 0.104 a year with no metric (the calibration's fit table: a test holds
# the two together): the rest of its quits come from burnout, effort-reward imbalance and better
# outside options. A profile's voluntary attrition sets the base in the same proportion.
CALIBRATED_ATTRITION = 0.104
BASE_PER_VOLUNTARY = CALIBRATED["turnover"]["base_attrition"] / CALIBRATED_ATTRITION

# Managers' rating accuracy and `behaviour.judgement_noise`. The impression is contribution
# plus noise x typical x (halo + weekly draws) / sqrt 2, smoothed over `contribution_memory`
# weeks (sim/model/judgement.py), so noise lowers its correlation with contribution as
# independent noise does: r = R0 / sqrt(1 + (noise / NOISE_SCALE)^2). R0 (< 1: the hours
# managers see bend it) and NOISE_SCALE are measured by experiments/rating_accuracy.py
# (Spearman r after a year of the baseline, 300 people, 6 seeds; docs/profile.md has the table).
R0 = 0.95
NOISE_SCALE = 0.56
# Past this noise r stops falling (about 0.27 after a year): those a halo favours are rewarded
# better, burn out less and contribute more, so the halo partly fulfils itself. A lower r than
# the model reaches maps to the noise range [NOISE_FLOOR_AT, NOISE_CEILING].
NOISE_FLOOR_AT = 2.0
NOISE_CEILING = 3.0
R_SPREAD = 0.1  # about the standard error of a correlation measured on 100 people


@dataclass(frozen=True)
class ParameterRange:
    """A parameter's plausible range for the fit, and what (if anything) in the profile informs it."""

    key: str  # the parameter, as in sim/core/config.py (`behaviour.judgement_noise`)
    low: float
    high: float
    source: str  # why this range
    informed_by: str = ""  # the profile field that narrows it; empty: it stays at its prior


@dataclass(frozen=True)
class Statistic:
    """A figure about the organisation that a simulated version of it must reproduce."""

    name: str
    value: float
    unit: str
    field: str  # the profile field it comes from
    compare_with: str  # what in a simulation it is compared with


@dataclass(frozen=True)
class FixedValue:
    key: str  # the parameter it sets
    value: float | int
    field: str  # the profile field, and how it became the value


# The plausible range of every parameter the fit may vary, with its source: the parameters a
# profile field sets or informs, with the reason for their range, then the robustness study's
# space (sim.studies.robustness.PARAMETERS, over which sim/studies/robustness.yaml was computed).
OWN_PRIORS: tuple[tuple[str, float, float, str], ...] = (
    ("org.n_employees", 100, 10_000, "assumption: a team of teams to a large department"),
    ("org.team_size", 5, 12, "assumption: the default 8 sits in the usual span of a team"),
    ("org.salary", 120_000, 300_000, "assumption: $ a year fully loaded, around the default 200,000"),
    ("org.review_period", 13, 52, "assumption: quarterly to yearly reviews (default quarterly)"),
    ("regime.forced_ranking", 0.0, 0.1, "assumption: none (the default) to a tenth let go at a review"),
    (
        "turnover.base_attrition",
        0.06,
        0.10,
        "docs/calibration.md grid: 0.06-0.10 gives 8.2%-13.3% voluntary attrition a year at the "
        "calibrated burnout multiplier (Mercer 8.2% to LinkedIn 13.2%)",
    ),
    ("workforce.non_adopter_share", 0.1, 0.6, "assumption: hires who bring no AI habits (default 0.3)"),
    (
        "workforce.token_need_sd",
        0.6,
        1.6,
        "assumption: around the calibrated 1.1 (Jellyfish 2026: top budgets ~10x token cost)",
    ),
)
PRIORS: tuple[tuple[str, float, float, str], ...] = OWN_PRIORS + tuple(
    (name, low, high, f"robustness: {why}") for name, low, high, why in ROBUSTNESS_PARAMETERS
)
# What each field sets or informs (docs/profile.md says how).
INFORMS: dict[str, tuple[str, ...]] = {
    "headcount": ("org.n_employees",),
    "team_size": ("org.team_size",),
    "salary": ("org.salary",),
    "review_cadence": ("org.review_period",),
    "forced_ranking": ("regime.forced_ranking",),
    "voluntary_attrition": ("turnover.base_attrition",),
    "weekly_active_users": ("workforce.non_adopter_share",),
    "token use": ("workforce.token_need_sd", "production.tokens_per_ai_hour"),
    "regretted_share": ("turnover.outside_option_quit",),
    "manager_rating_accuracy": ("behaviour.judgement_noise",),
}


def rating_accuracy(noise: float) -> float:
    """The correlation of managers' impressions with contribution at a judgement noise
    (measured: experiments/rating_accuracy.py), flat past NOISE_FLOOR_AT."""
    noise = min(max(noise, 0.0), NOISE_FLOOR_AT)
    return R0 / math.sqrt(1.0 + (noise / NOISE_SCALE) ** 2)


def judgement_noise(r: float) -> float:
    """The judgement noise at which managers' impressions correlate r with contribution: the
    inverse of `rating_accuracy`, 0 at or above R0 and NOISE_FLOOR_AT at or below its floor."""
    floor = rating_accuracy(NOISE_FLOOR_AT)
    if r >= R0:
        return 0.0
    if r <= floor:
        return NOISE_FLOOR_AT
    return NOISE_SCALE * math.sqrt((R0 / r) ** 2 - 1.0)


def noise_range(low_r: float, high_r: float) -> tuple[float, float]:
    """The judgement noises that give an r between `low_r` and `high_r` (a lower r, more noise);
    r below what the model reaches maps up to NOISE_CEILING."""
    low = judgement_noise(high_r)
    high = NOISE_CEILING if low_r <= rating_accuracy(NOISE_FLOOR_AT) else judgement_noise(low_r)
    return low, max(high, low)


@dataclass(frozen=True)
class OrgProfile:
    """What an organisation knows about itself. None: not given (the parameter stays at its prior)."""

    source: str = "<profile>"
    name: str = ""
    notes: str = ""
    headcount: int | None = None  # people
    team_size: int | None = None  # people per team
    salary: tuple[float, float] | None = None  # $ a year fully loaded: (low, high), equal for one number
    ai_seats: int | None = None  # people with AI tool seats
    weekly_active_users: int | None = None  # of those, active in a typical week
    token_deciles: tuple[float, ...] | None = None  # 10th..90th percentile, tokens per person per month
    token_top: float | None = None  # the largest user's tokens in a month, where known
    token_origin: str = ""  # token_deciles, or the CSV it was computed from
    voluntary_attrition: float | None = None  # share of staff leaving of their own accord a year
    regretted_share: float | None = None  # share of those leavers the organisation wanted to keep
    review_weeks: int | None = None  # weeks between reviews
    forced_ranking: float | None = None  # share let go at each review
    rating_r: float | None = None  # measured correlation of managers' ratings with results
    rating_words: str | None = None  # or a plain-words choice (ACCURACY_WORDS)

    # -- (a) what it sets --------------------------------------------------------------------

    def fixed_parameters(self) -> dict[str, FixedValue]:
        """Parameters the profile sets outright, by key (as `sim.core.run.resolve` overrides)."""
        out: list[FixedValue] = []
        if self.headcount is not None:
            out.append(FixedValue("org.n_employees", self.headcount, f"headcount: {self.headcount:,} people"))
        if self.team_size is not None:
            out.append(FixedValue("org.team_size", self.team_size, f"team_size: {self.team_size} people"))
        if self.salary is not None:
            low, high = self.salary
            said = (
                f"salary: ${low:,.0f} a year"
                if low == high
                else f"salary: the middle of ${low:,.0f}-{high:,.0f}"
            )
            out.append(FixedValue("org.salary", (low + high) / 2, said))
        if self.review_weeks is not None:
            out.append(
                FixedValue(
                    "org.review_period", self.review_weeks, f"review_cadence: every {self.review_weeks} weeks"
                )
            )
        if self.forced_ranking is not None:
            out.append(
                FixedValue(
                    "regime.forced_ranking",
                    self.forced_ranking,
                    f"forced_ranking: {self.forced_ranking:.0%} let go at each review, under a metric",
                )
            )
        if self.voluntary_attrition is not None:
            out.append(
                FixedValue(
                    "turnover.base_attrition",
                    round(self.voluntary_attrition * BASE_PER_VOLUNTARY, 6),
                    f"voluntary_attrition {self.voluntary_attrition:.1%} x {BASE_PER_VOLUNTARY:.3f} "
                    "(the calibrated base over the attrition it gives)",
                )
            )
        return {value.key: value for value in out}

    def overrides(self) -> list[str]:
        """The fixed parameters as Hydra overrides (`org.team_size=6`). Put them after a
        scenario's own overrides: a scenario sets every regime field, forced ranking too."""
        return [f"{key}={value.value!r}" for key, value in self.fixed_parameters().items()]

    # -- (b) what a simulation is compared with ----------------------------------------------

    def observed_statistics(self) -> tuple[Statistic, ...]:
        """The figures a simulated version of this organisation must reproduce, each with its unit."""
        out: list[Statistic] = []
        if self.weekly_active_users is not None:
            seats = self.ai_seats if self.ai_seats is not None else self.headcount
            assert seats  # the loader refuses weekly active users without seats or headcount
            out.append(
                Statistic(
                    "weekly_active_share",
                    self.weekly_active_users / seats,
                    "share of seat holders active in a week",
                    "weekly_active_users / " + ("ai_seats" if self.ai_seats is not None else "headcount"),
                    "share of employees with at least one AI-active day in a week",
                )
            )
        if self.token_deciles is not None:
            for i, tokens in enumerate(self.token_deciles, start=1):
                out.append(
                    Statistic(
                        f"token_decile_{i}",
                        tokens / 1e6,
                        "million tokens per person per month",
                        self.token_origin,
                        f"the {i * 10}th percentile of people's tokens a week x {WEEKS_PER_MONTH:.2f}",
                    )
                )
            if self.token_top is not None:
                out.append(
                    Statistic(
                        "token_top",
                        self.token_top / 1e6,
                        "million tokens per person per month",
                        self.token_origin,
                        f"the largest user's tokens a week x {WEEKS_PER_MONTH:.2f}, at this headcount",
                    )
                )
        if self.voluntary_attrition is not None:
            out.append(
                Statistic(
                    "voluntary_attrition",
                    self.voluntary_attrition,
                    "share of staff a year",
                    "voluntary_attrition",
                    "summary attrition (voluntary quits per head a year) with no metric",
                )
            )
        if self.regretted_share is not None:
            out.append(
                Statistic(
                    "regretted_share",
                    self.regretted_share,
                    "share of voluntary leavers",
                    "regretted_share",
                    "share of leavers whose managers' impression was in the top half when they left "
                    "(summary regretted_share counts top-quartile contributors instead)",
                )
            )
        if self.rating_r is not None:
            out.append(
                Statistic(
                    "rating_accuracy_r",
                    self.rating_r,
                    "correlation (-1 to 1)",
                    "manager_rating_accuracy",
                    "Spearman r of managers' impression and contribution after a year",
                )
            )
        return tuple(out)

    # -- (c) what stays open -----------------------------------------------------------------

    def parameter_ranges(self) -> dict[str, ParameterRange]:
        """Every parameter the fit may vary and the profile does not set, with its range: the
        prior's, or narrower where the profile says so (rating accuracy in words or as r)."""
        fixed = self.fixed_parameters()
        given = self._informing_fields()
        out: dict[str, ParameterRange] = {}
        for key, low, high, source in PRIORS:
            if key in fixed:
                continue
            field = next((f for f, keys in INFORMS.items() if key in keys and f in given), "")
            if key == "behaviour.judgement_noise" and field:
                low, high, source = self._noise_range()
            out[key] = ParameterRange(key, float(low), float(high), source, field)
        return out

    def prior_ranges(self) -> dict[str, ParameterRange]:
        """The parameters the profile does not inform at all: they stay at their prior range."""
        return {key: r for key, r in self.parameter_ranges().items() if not r.informed_by}

    def _informing_fields(self) -> set[str]:
        given = {
            "headcount": self.headcount,
            "team_size": self.team_size,
            "salary": self.salary,
            "review_cadence": self.review_weeks,
            "forced_ranking": self.forced_ranking,
            "voluntary_attrition": self.voluntary_attrition,
            "weekly_active_users": self.weekly_active_users,
            "token use": self.token_deciles,
            "regretted_share": self.regretted_share,
            "manager_rating_accuracy": self.rating_r if self.rating_words is None else self.rating_words,
        }
        return {field for field, value in given.items() if value is not None}

    def _noise_range(self) -> tuple[float, float, str]:
        if self.rating_words is not None:
            low_r, high_r = ACCURACY_WORDS[self.rating_words]
            said = f"ratings track results {self.rating_words}: r {low_r:g}-{high_r:g}"
        else:
            assert self.rating_r is not None
            low_r, high_r = self.rating_r - R_SPREAD, self.rating_r + R_SPREAD
            said = f"ratings track results at r = {self.rating_r:g} (+/- {R_SPREAD:g})"
        low, high = noise_range(low_r, high_r)
        return (
            round(low, 3),
            round(high, 3),
            f"{said}, mapped through r = {R0} / sqrt(1 + (noise / {NOISE_SCALE})^2)",
        )

    # -- in plain words ------------------------------------------------------------------------

    def describe(self) -> str:
        """What the profile sets, what it lets the model compare against and what stays open."""
        title = self.name or Path(self.source.removeprefix(EXAMPLE)).stem
        lines = [f"Organisation profile: {shown(title)} ({shown(self.source)})"]  # no terminal codes
        if self.notes:
            lines.append(f"Notes: {shown(' '.join(self.notes.split()))}")
        fixed = self.fixed_parameters()
        lines += ["", "What it sets: the same in every simulated version of this organisation"]
        lines += _table(
            ("parameter", "value", "from"),
            [(v.key, _number(v.value), v.field) for v in fixed.values()] or [("(nothing)", "", "")],
        )
        stats = self.observed_statistics()
        lines += ["", "What the simulations are compared against: a plausible version reproduces these"]
        lines += _table(
            ("figure", "value", "unit", "from"),
            [(s.name, _number(s.value), s.unit, s.field) for s in stats] or [("(nothing)", "", "", "")],
        )
        ranges = self.parameter_ranges()
        informed = [r for r in ranges.values() if r.informed_by]
        if informed:
            lines += ["", "What those figures inform: ranges the fit narrows"]
            lines += _table(
                ("parameter", "low", "high", "informed by"),
                [(r.key, _number(r.low), _number(r.high), _informed(r)) for r in informed],
            )
        prior = [r for r in ranges.values() if not r.informed_by]
        lines += ["", f"What stays at its prior range: the profile says nothing about these {len(prior)}"]
        lines += _table(
            ("parameter", "low", "high", "why this range"),
            [(r.key, _number(r.low), _number(r.high), r.source) for r in prior],
        )
        if self.ai_seats is not None and self.headcount is not None and self.ai_seats < self.headcount:
            lines += [
                "",
                f"Note: {self.ai_seats:,} seats for {self.headcount:,} people. The model gives everyone AI "
                "tools, so the token and activity figures are read as those of the whole organisation.",
            ]
        lines += ["", "Nothing was written. docs/profile.md says what each field means and informs."]
        return "\n".join(lines)


def _informed(r: ParameterRange) -> str:
    return r.informed_by if r.key != "behaviour.judgement_noise" else f"{r.informed_by} ({r.source})"


def _number(value: float | int) -> str:
    if isinstance(value, int) or float(value).is_integer() and abs(value) >= 1:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = lambda row: "  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()  # noqa: E731
    return [line(header), line(["-" * w for w in widths]), *map(line, rows)]


# -- loading -------------------------------------------------------------------------------


def example_names() -> list[str]:
    """The example profiles installed with the package, as `example:NAME`."""
    files = resources.files(EXAMPLES_PACKAGE).iterdir()
    return sorted(EXAMPLE + f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def load_profile(source: str | Path) -> OrgProfile:
    """A checked profile from a YAML file or an installed example (`example:startup`).

    Raises ConfigError with one line naming the file, the field and what is allowed.
    """
    text_source = str(source)
    path: Path | Traversable
    if text_source.startswith(EXAMPLE):
        if text_source not in example_names():
            raise ConfigError(f"{shown(text_source)}: unknown example; allowed: {', '.join(example_names())}")
        path = resources.files(EXAMPLES_PACKAGE).joinpath(text_source.removeprefix(EXAMPLE) + ".yaml")
        folder = Path(str(resources.files(EXAMPLES_PACKAGE)))
        where = text_source
    else:
        path = Path(source)
        where = shown(path)
        if not path.is_file():
            raise ConfigError(
                f"{where}: no such profile file, and not an example; examples: {', '.join(example_names())}"
            )
        folder = path.absolute().parent
    data = load_yaml(read_text(path, where, MAX_PROFILE_BYTES), where)
    return profile_from_mapping(data, where, folder)


def profile_from_mapping(data: Any, source: str = "<profile>", folder: Path | None = None) -> OrgProfile:
    """A checked profile from the mapping a profile file holds; `folder` is where `token_csv`
    paths start (and must stay)."""
    if data is None:
        data = {}
    data = top_level(data, source, KEYS, "profile", word="field")

    def refuse(field: str, allowed: str) -> ConfigError:
        return ConfigError(f"{source}: {field}: {allowed}")

    name = _text(data, "name", MAX_NAME, refuse)
    notes = _text(data, "notes", MAX_NOTES, refuse)
    headcount = _whole(data, "headcount", 1, MAX_EMPLOYEES, "people", refuse)
    team_size = _whole(
        data, "team_size", 1, headcount or MAX_EMPLOYEES, "people per team", refuse, "headcount"
    )
    salary = _salary(data.get("salary"), refuse)
    seats = _whole(data, "ai_seats", 0, headcount or MAX_EMPLOYEES, "people", refuse, "headcount")
    wau_limit, limit_name = (seats, "ai_seats") if seats is not None else (headcount, "headcount")
    wau = _whole(data, "weekly_active_users", 0, wau_limit or MAX_EMPLOYEES, "people", refuse, limit_name)
    if wau is not None and not wau_limit:
        raise refuse(
            "weekly_active_users",
            "give ai_seats (or headcount) of at least 1 too: the share of seat holders active is "
            "what is compared",
        )
    if "token_csv" in data and "token_deciles" in data:
        raise refuse("token_csv", "give token_csv or token_deciles, not both")
    deciles: tuple[float, ...] | None = None
    top: float | None = None
    origin = ""
    if "token_deciles" in data:
        deciles, top = _deciles(data["token_deciles"], refuse)
        origin = "token_deciles"
    elif "token_csv" in data:
        if folder is None:
            raise refuse("token_csv", "a CSV path needs the profile's folder; load the profile from its file")
        deciles, top, origin = read_token_csv(data["token_csv"], folder, refuse)
    attrition = _share(data, "voluntary_attrition", 1.0, refuse)
    regretted = _share(data, "regretted_share", 1.0, refuse)
    forced = _share(data, "forced_ranking", MAX_FORCED_RANKING, refuse)
    review = _cadence(data.get("review_cadence"), refuse)
    rating_r, rating_words = _accuracy(data.get("manager_rating_accuracy"), refuse)
    return OrgProfile(
        source=source,
        name=name,
        notes=notes,
        headcount=headcount,
        team_size=team_size,
        salary=salary,
        ai_seats=seats,
        weekly_active_users=wau,
        token_deciles=deciles,
        token_top=top,
        token_origin=origin,
        voluntary_attrition=attrition,
        regretted_share=regretted,
        review_weeks=review,
        forced_ranking=forced,
        rating_r=rating_r,
        rating_words=rating_words,
    )


def _finite(value: Any) -> bool:
    return is_number(value) and math.isfinite(value)


def _text(data: Mapping, field: str, cap: int, refuse) -> str:
    value = data.get(field, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise refuse(field, "must be text")
    if len(value) > cap:
        raise refuse(field, f"must be at most {cap:,} characters (it has {len(value):,})")
    return value


def _whole(
    data: Mapping, field: str, low: int, high: int, unit: str, refuse, high_name: str = ""
) -> int | None:
    value = data.get(field)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise refuse(field, f"must be a whole number of {unit}")
    if value < low:
        raise refuse(field, f"must be at least {low} ({unit})")
    if value > high:
        what = f"headcount's cap, {high:,}" if high == MAX_EMPLOYEES else f"{high_name} ({high:,})"
        raise refuse(field, f"must be at most {what}")
    return value


def _share(data: Mapping, field: str, high: float, refuse) -> float | None:
    value = data.get(field)
    if value is None:
        return None
    if not _finite(value):
        raise refuse(field, f"must be a share between 0 and {high:g} (12% is 0.12)")
    if not 0.0 <= value <= high:
        raise refuse(field, f"must be a share between 0 and {high:g} (12% is 0.12)")
    return float(value)


def _salary(value: Any, refuse) -> tuple[float, float] | None:
    allowed = (
        f"must be US dollars a year, above 0 and at most {MAX_SALARY:,}: "
        "a number or a band {low: ..., high: ...}"
    )
    if value is None:
        return None
    if isinstance(value, Mapping):
        for key in value:
            if key not in ("low", "high"):
                raise refuse(f"salary.{key_name(key)}", "unknown key; a band has low and high")
        if "low" not in value or "high" not in value:
            raise refuse("salary", "a band needs both low and high")
        low, high = value["low"], value["high"]
        for key, number in (("low", low), ("high", high)):
            if not _finite(number) or not 0 < number <= MAX_SALARY:
                raise refuse(f"salary.{key}", allowed)
        if low > high:
            raise refuse("salary.low", "must be at most salary.high")
        return float(low), float(high)
    if not _finite(value) or not 0 < value <= MAX_SALARY:
        raise refuse("salary", allowed)
    return float(value), float(value)


def _cadence(value: Any, refuse) -> int | None:
    words = ", ".join(CADENCES)
    allowed = f"must be weeks between reviews (1 to {MAX_REVIEW_WEEKS}) or one of {words}"
    if value is None:
        return None
    if isinstance(value, str):
        word = value.strip().lower().replace("_", "-").replace(" ", "-")
        if word not in CADENCES:
            raise refuse("review_cadence", allowed)
        return CADENCES[word]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_REVIEW_WEEKS:
        raise refuse("review_cadence", allowed)
    return value


def _accuracy(value: Any, refuse) -> tuple[float | None, str | None]:
    allowed = f"must be a correlation r from -1 to 1, or one of {', '.join(ACCURACY_WORDS)}"
    if value is None:
        return None, None
    if isinstance(value, str):
        word = value.strip().lower()
        if word not in ACCURACY_WORDS:
            raise refuse("manager_rating_accuracy", allowed)
        return None, word
    if not _finite(value) or not -1.0 <= value <= 1.0:
        raise refuse("manager_rating_accuracy", allowed)
    return float(value), None


def _deciles(value: Any, refuse) -> tuple[tuple[float, ...], float | None]:
    allowed = (
        "must be a list of 9 numbers (the 10th to 90th percentile of tokens per person per month) "
        "or 10 (the same and the largest user's)"
    )
    if not isinstance(value, list) or len(value) not in (9, 10):
        raise refuse("token_deciles", allowed)
    for i, number in enumerate(value, start=1):
        if not _finite(number) or not 0 <= number <= MAX_TOKENS:
            raise refuse(f"token_deciles item {i}", f"must be tokens from 0 to {MAX_TOKENS:.0e}")
        if i > 1 and number < value[i - 2]:
            raise refuse("token_deciles", f"must not decrease: item {i} is below item {i - 1}")
    numbers = tuple(float(n) for n in value)
    return numbers[:9], (numbers[9] if len(numbers) == 10 else None)


# -- a token CSV ------------------------------------------------------------------------------


def read_token_csv(value: Any, folder: Path, refuse) -> tuple[tuple[float, ...], float, str]:
    """Deciles and the largest of each user's mean monthly tokens, from a CSV export with one
    row per user and month (rows for the same user and month add up). Checked before it is
    read: a relative path inside `folder`, a regular file, at most MAX_CSV_BYTES."""
    field = "token_csv"
    if not isinstance(value, str) or not value.strip():
        raise refuse(field, "must be the path of a CSV file, relative to the profile's folder")
    relative = Path(value)
    if relative.is_absolute():
        raise refuse(field, "must be a path relative to the profile's folder, not an absolute path")
    base = folder.resolve()
    path = (base / relative).resolve()  # follows links, so a link out of the folder is seen
    if not path.is_relative_to(base):
        raise refuse(
            field, "must be a file in the profile's folder or below it (the path or a link leads out)"
        )
    name = shown(relative.as_posix())[:80]
    try:
        info = os.stat(path)
    except OSError:
        raise refuse(field, f"{name}: no such file in the profile's folder") from None
    if not stat.S_ISREG(info.st_mode):
        raise refuse(field, f"{name}: not a regular file")
    if info.st_size > MAX_CSV_BYTES:
        raise refuse(field, f"{name}: larger than {MAX_CSV_BYTES // 2**20} MB; export fewer months or users")
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_CSV_BYTES + 1)
    except OSError as error:
        raise refuse(
            field, f"{name}: cannot be read ({shown(error.strerror or type(error).__name__)})"
        ) from None
    if len(raw) > MAX_CSV_BYTES:
        raise refuse(field, f"{name}: larger than {MAX_CSV_BYTES // 2**20} MB; export fewer months or users")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise refuse(field, f"{name}: not UTF-8 text (byte {error.start}); export it as UTF-8 CSV") from None
    totals = _monthly_tokens(text, name, refuse)
    per_user = np.array(
        [sum(months.values()) / len(months) for months in totals.values()], dtype=float
    )  # each user's mean over the months they appear in
    deciles = tuple(float(q) for q in np.quantile(per_user, np.arange(1, 10) / 10))
    n_months = len({month for months in totals.values() for month in months})
    return deciles, float(per_user.max()), f"token_csv {name} ({len(per_user):,} users, {n_months} months)"


def _column(header: Sequence[str], spellings: Sequence[str]) -> int | None:
    norm = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in header]
    return next((i for i, h in enumerate(norm) if h in spellings), None)


def _monthly_tokens(text: str, name: str, refuse) -> dict[str, dict[str, float]]:
    field = "token_csv"
    rows = csv.reader(io.StringIO(text, newline=""))
    totals: dict[str, dict[str, float]] = {}
    try:
        header = next(rows, None)
        if header is None:
            raise refuse(field, f"{name}: empty; needs a header row with user, month and tokens columns")
        columns = {}
        for column, spellings in (
            ("user", USER_HEADERS),
            ("month", MONTH_HEADERS),
            ("tokens", TOKEN_HEADERS),
        ):
            index = _column(header, spellings)
            if index is None:
                raise refuse(field, f"{name}: no {column} column; its header may be {', '.join(spellings)}")
            columns[column] = index
        width = max(columns.values()) + 1
        for number, row in enumerate(rows, start=2):
            if not row or not any(cell.strip() for cell in row):
                continue  # a blank line
            if number - 1 > MAX_CSV_ROWS:
                raise refuse(field, f"{name}: more than {MAX_CSV_ROWS:,} rows; export fewer months or users")
            if len(row) < width:
                raise refuse(field, f"{name} row {number}: has {len(row)} columns, the header {len(header)}")
            user, month = row[columns["user"]].strip(), row[columns["month"]].strip()
            if not user:
                raise refuse(field, f"{name} row {number}, column user: empty")
            cell = row[columns["tokens"]].strip().replace(",", "").replace("_", "")
            try:
                tokens = float(cell)
            except ValueError:
                snippet = shown(row[columns["tokens"]][:16])
                raise refuse(
                    field,
                    f"{name} row {number}, column tokens: not a number ({snippet!r}); give whole tokens",
                ) from None
            if not math.isfinite(tokens) or tokens < 0 or tokens > MAX_TOKENS:
                raise refuse(
                    field, f"{name} row {number}, column tokens: must be tokens from 0 to {MAX_TOKENS:.0e}"
                )
            months = totals.setdefault(user, {})
            months[month] = months.get(month, 0.0) + tokens
    except csv.Error as error:
        raise refuse(
            field, f"{name}: not a CSV file (line {rows.line_num}: {shown(str(error))[:60]})"
        ) from None
    if not totals:
        raise refuse(field, f"{name}: no rows of data under the header")
    return totals


# -- the command --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """`goodhart-sim profile PROFILE`: check a profile and say what it sets; writes nothing."""
    parser = Parser(
        prog="goodhart-sim profile",
        description="Check an organisation profile and say, in plain words, what it sets, what "
        "the model compares against and what stays at its prior range. Writes nothing.",
    )
    parser.add_argument("profile", help=f"a profile YAML file, or an example: {', '.join(example_names())}")
    args = parser.parse_args(argv)
    try:
        profile = load_profile(args.profile)
    except ConfigError as error:
        print(f"error: {shown(' '.join(str(error).split()))}", file=sys.stderr)
        return 2
    print(profile.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
