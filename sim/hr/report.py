"""A one-file policy report for HR leaders: scenarios against the baseline, over several seeds.

    python -m sim report token_leaderboard example:token_usage_on_rubric --seeds 5 --out report.html

The result is a single HTML file that opens offline and can be emailed: inline CSS, charts
as inline SVG that stay readable on a phone, the data as embedded CSV downloads, no request
to anywhere. The page is a Jinja2 template (sim/hr/templates/, autoescaped). It opens with
the verdict on the criteria a CFO decides by (`sim.hr.verdict.RULE`) and the dollar line a
year. Every number in a finding is a cell of a table in the same file: findings are written
from the formatted tables, never from separate arithmetic.
"""

from __future__ import annotations

import base64
import datetime
import html
import importlib.metadata
import importlib.resources
import io
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import jinja2  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from markupsafe import Markup  # noqa: E402
from omegaconf import OmegaConf  # noqa: E402

from sim.core import checks  # noqa: E402
from sim.core.checks import ConfigError  # noqa: E402
from sim.core.compare import (  # noqa: E402
    AI_BAND,
    AI_MEASURES,
    ai_effect,
    baseline_config,
    without_ai,
)
from sim.core.config import Config  # noqa: E402
from sim.core.config_dirs import check_config_dirs  # noqa: E402
from sim.core.measures import (  # noqa: E402
    BY_COLUMN,
    DURABLE_VALUE_PER_HOUR,
    FIRED,
    MEASURES,
    REGRETTED_SHARE,
    Measure,
    value_per_40_hours,  # noqa: E402
)
from sim.core.measures import change as _change  # noqa: E402
from sim.core.measures import fmt as _fmt  # noqa: E402
from sim.core.measures import times as _times  # noqa: E402
from sim.core.outputs import write_text  # noqa: E402
from sim.core.run import replicate_seeds, simulate_batch  # noqa: E402
from sim.core.scenarios import EXAMPLE, Scenario, load_scenario  # noqa: E402
from sim.hr.across import FIT_POINTS, VERDICT_EMPLOYEES, VERDICT_WEEKS, across  # noqa: E402
from sim.hr.fit import INTEGER_KEYS, SCALED_EMPLOYEES, organisation_overrides, version_keys  # noqa: E402
from sim.hr.profile import load_profile  # noqa: E402
from sim.hr.verdict import (  # noqa: E402
    BETTER,
    CRITERIA,
    NOT_ON_COST,
    RULE,
    SAME,
    TRADE_OFF,
    UNKNOWN,
    WORSE,
    PolicyVerdict,
    headline,
    judge,
    mean_interval,
    paired_difference,
)
from sim.studies import robustness  # noqa: E402

MIN_POINTS, MAX_POINTS = 8, 65_536  # --points: enough for a handful of versions; a night's runs

DEFAULT_SCENARIOS = ("token_leaderboard", "consumption", "team_outcome", "decoupled_telemetry")
MAX_BYTES = 5 * 1024 * 1024
BASELINE_LABEL = "No metric (baseline)"


# -- running the scenarios ---------------------------------------------------------------


@dataclass
class Row:
    """One line of the comparison: a scenario, or a baseline it is compared with."""

    key: str  # "b1", "s1", ...
    name: str
    description: str
    config: Config
    baseline: str | None  # key of its baseline row (None for a baseline)
    scenario: Scenario | None = None
    cells: dict[str, str] = field(default_factory=dict)  # formatted table cells
    stats: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # mean, low, high
    findings: list[str] = field(default_factory=list)


@dataclass
class Study:
    """Every run behind a report: rows (baselines first), per-run summaries and weekly series."""

    rows: list[Row]
    seeds: list[int]
    seed: int
    base: list[str]
    summary: pd.DataFrame  # one row per (row, seed)
    weekly: pd.DataFrame  # one row per (row, seed, week)
    overall: list[str] = field(default_factory=list)
    verdicts: list[PolicyVerdict] = field(default_factory=list)
    # What AI does with no metric at all: the first baseline with AI tools against without,
    # run by run (`sim.core.compare.ai_effect`); None when the organisation has no AI tools.
    ai_effect: pd.DataFrame | None = None

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def baseline_of(self, row: Row) -> Row:
        """The baseline row a scenario's row is compared with."""
        if row.baseline is None:
            raise ValueError(f"row {row.key} is a baseline: it is compared with nothing")
        return self.row(row.baseline)

    @property
    def baselines(self) -> list[Row]:
        return [r for r in self.rows if r.baseline is None]

    @property
    def scenarios(self) -> list[Row]:
        return [r for r in self.rows if r.baseline is not None]


def _baseline_config(cfg: Config, config_dirs: Sequence[str | Path]) -> Config:
    """The same organisation with no metric, from the policy's start week on."""
    return baseline_config(cfg, config_dirs)


def run_study(
    scenarios: Sequence[Scenario],
    seeds: int = 5,
    seed: int = 0,
    base: Sequence[str] = (),
    config_dirs: Sequence[str | Path] = (),
    progress: Callable[[str], None] | None = None,
) -> Study:
    """Run every scenario and its baseline over the same seeds (common random numbers)."""
    seed_list = replicate_seeds(seed, seeds)
    rows: list[Row] = []
    baselines: dict[str, Row] = {}
    for i, scenario in enumerate(scenarios, start=1):
        cfg = scenario.config(base, config_dirs)
        base_cfg = _baseline_config(cfg, config_dirs)
        signature = OmegaConf.to_yaml(OmegaConf.structured(replace(base_cfg, seed=0)))
        if signature not in baselines:
            key = f"b{len(baselines) + 1}"
            baselines[signature] = Row(key, BASELINE_LABEL, "Nothing is measured.", base_cfg, None)
        rows.append(
            Row(f"s{i}", scenario.name, scenario.description, cfg, baselines[signature].key, scenario)
        )
    if len(baselines) > 1:  # say which scenarios each baseline serves
        for b in baselines.values():
            served = [r.name for r in rows if r.baseline == b.key]
            b.name = f"{BASELINE_LABEL}, for {', '.join(served)}"
    rows = list(baselines.values()) + rows
    summaries, weeks = [], []
    # AI's own effect frames every comparison: the first baseline again without AI tools, on
    # the same seeds (simulate_batch steps it apart from the runs with AI tools).
    first = rows[0].config
    twin = [without_ai(first)] if first.production.ai_available else []
    if progress:
        progress(f"{len(rows) + len(twin)} rows x {len(seed_list)} seeds, stepped together")
    runs = [(row, s) for row in rows for s in seed_list]
    configs = [row.config for row, _ in runs] + [c for c in twin for _ in seed_list]
    results = simulate_batch(configs, [s for _, s in runs] + [s for _ in twin for s in seed_list])
    for (row, s), result in zip(runs, results[: len(runs)], strict=True):
        summary = result.summary.to_frame().T.assign(row=row.key, scenario=row.name)
        summaries.append(summary.assign(**yearly_money(result.weekly, result.summary)))
        weeks.append(result.weekly.assign(row=row.key, seed=s))
    summary = pd.concat(summaries, ignore_index=True)
    weekly = pd.concat(weeks, ignore_index=True)
    study = Study(rows, seed_list, seed, list(base), summary, weekly)
    if twin:
        n = len(seed_list)
        study.ai_effect = ai_effect([r.weekly for r in results[:n]], [r.weekly for r in results[len(runs) :]])
    analyse(study)
    return study


def yearly_money(weekly: pd.DataFrame, summary: pd.Series) -> dict[str, float]:
    """The dollar line of one run, a year on average over every week simulated, so that its
    total over its durable value is the run's cost per unit of durable value."""
    years = len(weekly) / 52.0
    salaries = float(weekly["salary_cost"].sum())
    departures = float(summary["departure_cost"])
    total = float(summary["cost_total"])
    return {
        "salary_cost_year": salaries / years,
        "token_cost_year": (total - departures - salaries) / years,
        "departure_cost_year": departures / years,
        "cost_year": total / years,
        "durable_value_year": float(summary["durable_value_total"]) / years,
    }


def _derive(summary: pd.DataFrame) -> pd.DataFrame:
    """Durable value per hour worked, per 40 hours, over the policy period, from each run."""
    if "durable_value_per_hour" in summary or "hours_mean" not in summary:
        return summary
    per_hour = value_per_40_hours(
        summary["durable_value_per_head"].astype(float), summary["hours_mean"].astype(float)
    )
    return summary.assign(durable_value_per_hour=per_hour)


def analyse(study: Study) -> Study:
    """The tables, the findings and the verdict of a study whose runs are in."""
    study.summary = _derive(study.summary)
    _tabulate(study)
    _write_findings(study)
    study.verdicts = judge(table_frame(study))
    study.overall = headline(study.verdicts)
    return study


# -- the table and the findings -----------------------------------------------------------


def _values(study: Study, key: str, column: str) -> np.ndarray:
    """A row's runs in seed order, so a policy's runs pair with its baseline's."""
    runs = study.summary[study.summary["row"] == key].sort_values("seed", kind="stable")
    return runs[column].astype(float).to_numpy()


def _money(x: float) -> str:
    """Dollars a year: '$31.25 million' from a million up, else to the thousand: '$612,000'."""
    return f"${x / 1e6:,.2f} million" if abs(x) >= 1e6 else f"${round(x, -3):,.0f}"


def _signed_money(x: float) -> str:
    if not np.isfinite(x):
        return "n/a"
    text = _money(abs(x))
    return "$0" if text in ("$0", "$0.00 million") else ("+" if x > 0 else "-") + text


POSTS = Measure("n_employees", "Posts", "people", "{:,.0f}".format, 0)
DOLLAR_LINE: tuple[Measure, ...] = (
    Measure("salary_cost_year", "Salaries", "$ a year", _money, 0),
    Measure("token_cost_year", "AI tokens", "$ a year", _money, -1),
    Measure("departure_cost_year", "Replacing people who left", "$ a year", _money, -1),
    Measure("cost_year", "Total cost", "$ a year", _money, -1),
    Measure("durable_value_year", "Durable value", "units a year", "{:,.0f}".format, +1),
    BY_COLUMN["cost_per_durable_value"],
)
DOLLAR_UNITS = {"cost_per_durable_value": "$ per unit of durable value"}


def _table_measures(study: Study) -> list[Measure]:
    return [*MEASURES, DURABLE_VALUE_PER_HOUR, REGRETTED_SHARE] + ([FIRED] if _any_fired(study) else [])


def _dollar_measures(study: Study) -> list[Measure]:
    """The dollar line, when the runs carry it (a study made from the model's runs does)."""
    return [m for m in DOLLAR_LINE if m.column in study.summary]


def _tabulate(study: Study) -> None:
    """Means, 95% intervals across seeds and formatted cells of every row."""
    measures = [m for m in _table_measures(study) if m.column in study.summary]
    dollars = _dollar_measures(study)
    for row in study.rows:
        for m in [*measures, *dollars]:
            mean, low, high = mean_interval(_values(study, row.key, m.column))
            row.stats[m.column] = (mean, max(low, 0.0), high)  # none of these can be negative
            row.cells[m.column] = _fmt(m, row.stats[m.column][0])
        if row.config is not None:
            row.cells[POSTS.column] = _fmt(POSTS, row.config.org.n_employees)
    for row in study.scenarios:
        base = study.baseline_of(row)
        level = lambda r, c: r.stats[c][0]  # noqa: E731
        row.cells["value_change"] = _change(
            level(row, "durable_value_per_head") / level(base, "durable_value_per_head") - 1
        )
        row.cells["cost_change"] = _change(
            level(row, "cost_per_durable_value") / level(base, "cost_per_durable_value") - 1
        )
        spend = level(base, "token_cost_per_head_year")
        row.cells["token_ratio"] = _times(level(row, "token_cost_per_head_year") / spend if spend else np.nan)
        paired = _values(study, row.key, "durable_value_per_head") / _values(
            study, base.key, "durable_value_per_head"
        )
        row.stats["value_change"] = mean_interval(paired - 1)
        for m in [*measures, *dollars]:
            row.stats[f"{m.column}_diff"] = paired_difference(
                _values(study, row.key, m.column), _values(study, base.key, m.column)
            )
        for m in dollars:
            if m.fmt is _money:
                row.cells[f"{m.column}_change"] = _signed_money(level(row, m.column) - level(base, m.column))
            elif m.column == "durable_value_year":
                row.cells[f"{m.column}_change"] = _change(level(row, m.column) / level(base, m.column) - 1)


def _any_fired(study: Study) -> bool:
    return bool((study.summary["fired_rate"].astype(float) > 0).any())


_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
          10: "ten", 12: "twelve", 15: "fifteen", 20: "twenty"}  # fmt: skip


def _one_in(share: float) -> str | None:
    """'one hour in five' for a share near 1/5; None when no plain phrase fits."""
    if not share > 0:
        return None
    n = min(_WORDS, key=lambda k: abs(1 / k - share))
    return f"one hour in {_WORDS[n]}" if abs(1 / n - share) <= 0.25 / n else None


def _write_findings(study: Study) -> None:
    """Plain sentences per scenario, quoting only the formatted cells of the table."""
    for row in study.scenarios:
        b = study.baseline_of(row)
        c, bc = row.cells, b.cells
        value = row.stats["durable_value_per_head"][0] / b.stats["durable_value_per_head"][0] - 1
        verb = "held level" if c["value_change"] == "0%" else "rose" if value > 0 else "fell"
        amount = "" if verb == "held level" else " " + c["value_change"].lstrip("+-")
        lines = [
            f"Under {row.name}, token spend per person was {c['token_ratio']} the baseline's "
            f"({c['token_cost_per_head_year']} against {bc['token_cost_per_head_year']} a year), "
            f"while durable value per person {verb}{amount} "
            f"({c['durable_value_per_head']} against {bc['durable_value_per_head']} units a week)."
        ]
        _, low, high = row.stats["value_change"]
        if np.isfinite(low) and low < 0 < high:
            lines[-1] += " That change in value is within the run-to-run noise of the simulation."
        if "durable_value_per_hour" in c:
            lines.append(
                f"Durable value per hour worked was {c['durable_value_per_hour']} units per forty hours, "
                f"against {bc['durable_value_per_hour']} with no metric."
            )
        cost_verb = {"+": " more", "-": " less"}.get(c["cost_change"][:1], ", about the same")
        lines.append(
            f"Each unit of durable value cost {c['cost_per_durable_value']} in salaries, tokens and "
            f"replacement, against {bc['cost_per_durable_value']} with no metric "
            f"({c['cost_change'].lstrip('+-')}{cost_verb})."
        )
        theater = row.stats["theater_share"][0]
        phrase = _one_in(theater)
        if theater >= 0.02:
            lines.append(
                f"{(phrase or 'A visible share of hours').capitalize()} became performative work, activity "
                f"whose only effect is to move the metric ({c['theater_share']} of hours, against "
                f"{bc['theater_share']} with no metric)."
            )
        else:
            lines.append(f"Almost no hours went to performative work ({c['theater_share']} of hours).")
        lines.append(
            f"On average {c['burnout_share']} of staff were burned out, against {bc['burnout_share']} "
            f"with no metric; {c['attrition']} of staff a year left of their own accord "
            f"(baseline {bc['attrition']})."
        )
        share, base_share = row.stats["regretted_share"][0], b.stats["regretted_share"][0]
        if np.isfinite(share):
            said = f"{c['regretted_share']} of the people who left were top-quartile contributors"
            _, diff_low, _ = row.stats["regretted_share_diff"]
            if share >= 0.30 and (not np.isfinite(base_share) or diff_low > 0):
                said += (
                    f" (baseline {bc['regretted_share']}): the people who left were "
                    "disproportionately your top contributors."
                )
            elif share <= 0.20 and row.stats["regretted_share_diff"][2] < 0:
                said += (
                    f" (baseline {bc['regretted_share']}): the leavers were mostly not your top contributors."
                )
            else:
                said += f" (baseline {bc['regretted_share']}), not clearly different from no metric."
            lines.append(said[0].upper() + said[1:] if not said[0].isdigit() else said)
        if FIRED.column in row.cells and row.stats[FIRED.column][0] > 0:
            lines.append(f"Forced ranking let go {c[FIRED.column]} of staff a year.")
        row.findings = lines


# -- charts ------------------------------------------------------------------------------

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#F0E442")
BASE_COLOUR = "#555555"


def _weekly_cost_per_value(weekly: pd.DataFrame) -> pd.Series:
    """Salaries, tokens and replacement over durable value, 4-week rolling, per run."""
    parts = []
    for _, run in weekly.groupby(["row", "seed"], sort=False):
        replacement = run["departure_cost"].diff().fillna(run["departure_cost"])
        cost = (run["cost"] + replacement).rolling(4, min_periods=4).sum()
        value = run["durable_value"].rolling(4, min_periods=4).sum()
        parts.append((cost / value.where(value > 0)).rename("cost_per_value"))
    return pd.concat(parts).reindex(weekly.index)


CHARTS: tuple[tuple[str, str, Callable[[pd.DataFrame], pd.Series]], ...] = (
    ("Durable value", "units per person a week", lambda w: w["durable_value_per_head"]),
    ("Cost per unit of durable value", "$ a unit, 4-week rolling", _weekly_cost_per_value),
    ("Token spend", "$ per person a year", lambda w: w["token_cost_per_head"] * 52),
    ("Performative work", "% of hours", lambda w: w["share_theater"] * 100),
    ("Burned out", "% of staff", lambda w: w["burnout_share"] * 100),
    (
        "Left of their own accord",
        "% of staff a year, last 13 weeks",
        lambda w: w["attrition_annualised"] * 100,
    ),
)
# Every chart is one small panel drawn at a phone's width: PANEL_PX CSS pixels wide, one SVG
# unit a pixel, text SVG_TEXT_PX tall. The page lays panels out in a grid whose cells are at
# least 300 pixels wide (one column on a phone, three on a desktop) and scales each panel to
# its cell, so on screen no chart text is smaller than 11 x 300 / 320 = 10.3 pixels.
PANEL_PX = 320
SVG_TEXT_PX = 11.0
MIN_CELL_PX = 300
SVG_RC: dict[Any, Any] = {
    "svg.fonttype": "none",  # text stays <text>: selectable, and sized by the page's scale
    "svg.hashsalt": "goodhart-sim report",  # ids from content, not chance: same seed, same file
    "font.size": SVG_TEXT_PX,
}
# The policy search's page still draws PNG charts at their printed size with these.
CSS_PX_PER_INCH = 96
CHART_DPI = 2 * CSS_PX_PER_INCH
TICK_PT, LABEL_PT, TITLE_PT = 9.0, 9.0, 10.5
CHART_WIDTH = 8.4  # inches


@dataclass
class Chart:
    """One panel of small multiples: its caption (title and unit, in the page) and its SVG."""

    title: str
    unit: str
    svg: Markup


def _panel(height_px: float) -> tuple[plt.Figure, plt.Axes]:
    """A figure whose SVG units are CSS pixels (Matplotlib writes SVG at 72 units an inch)."""
    with matplotlib.rc_context(SVG_RC):
        fig, ax = plt.subplots(figsize=(PANEL_PX / 72, height_px / 72), dpi=72)
    return fig, ax


def svg_markup(fig: plt.Figure, label: str) -> Markup:
    """A figure as an inline <svg> element: no XML prolog, metadata, namespaces or fixed size,
    only the viewBox, so the page's CSS sets its width. Matplotlib escapes the text it draws."""
    buffer = io.StringIO()
    with matplotlib.rc_context(SVG_RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None,
                                                    "Type": None})  # fmt: skip
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = (
        re.sub(r'\s(?:xmlns(?::\w+)?|version|width|height)="[^"]*"', "", text[: text.index(">")])
        + text[text.index(">") :]
    )
    text = re.sub(r'<g id="[^"]*"', "<g", text)  # Matplotlib's group names repeat in every chart
    aria = html.escape(label, quote=True)
    return Markup(text.replace("<svg", f'<svg role="img" aria-label="{aria}"', 1))


def _band(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% interval across seeds, week by week."""
    stats = frame.groupby("week")["y"].apply(
        lambda s: pd.Series(mean_interval(s.to_numpy()), index=["m", "lo", "hi"])
    )
    return stats.unstack()


def weekly_bands(study: Study) -> list[dict[str, pd.DataFrame]]:
    """Per chart, per row: the weekly mean and 95% band across seeds, from the week durable
    value is first known (its window) on."""
    lag = int(study.rows[0].config.production.durability_weeks) if study.rows[0].config else 0
    bands = []
    for _, _, series in CHARTS:
        weekly = study.weekly.assign(y=series(study.weekly))
        weekly = weekly[weekly["week"] >= lag]
        bands.append({r.key: _band(weekly[weekly["row"] == r.key]).clip(lower=0) for r in study.rows})
    return bands


def _style(ax: plt.Axes) -> None:
    ax.tick_params(labelsize=SVG_TEXT_PX, colors="#333333")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#e6e6e6", lw=0.6)


def policy_charts(study: Study, row: Row, bands: list[dict[str, pd.DataFrame]]) -> list[Chart]:
    """Small multiples of one policy against its baseline over time, one panel per measure, on
    the scales every policy shares, with the week this policy starts marked."""
    base = study.baseline_of(row)
    colour = _colour(study, row)
    start = row.config.regime.start_week if row.config is not None else None
    charts = []
    for (title, unit, _), per_row in zip(CHARTS, bands, strict=True):
        fig, ax = _panel(190)
        top = max(float(np.nanmax(b[["m", "hi"]].to_numpy())) for b in per_row.values() if len(b)) * 1.08
        for key, line_colour, style, alpha in (
            (base.key, BASE_COLOUR, "--", 0.16),
            (row.key, colour, "-", 0.22),
        ):
            band = per_row[key]
            ax.fill_between(band.index, band["lo"], band["hi"], color=line_colour, alpha=alpha, lw=0)
            ax.plot(band.index, band["m"], color=line_colour, lw=1.8, ls=style)
        if start is not None:
            ax.axvline(start, color="#444444", lw=0.9, ls=":")
        ax.set_ylim(0, top if np.isfinite(top) and top > 0 else 1)
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5, integer=True))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda y, _: f"{y:,.10g}"))
        ax.set_xlabel("week", fontsize=SVG_TEXT_PX, color="#333333", labelpad=2)
        _style(ax)
        fig.tight_layout(pad=0.3)
        charts.append(
            Chart(title, unit, svg_markup(fig, f"{title} ({unit}) over time: {row.name} and no metric"))
        )
    return charts


def _short(name: str, width: int = 60) -> str:
    return name if len(name) <= width else name[: width - 1] + "\u2026"


DIFFERENCE_PANELS = (
    ("cost_per_durable_value", "Cost per unit of durable value", "% against no metric (decides)", True),
    ("durable_value_per_hour", "Durable value per hour worked", "% against no metric", True),
    ("burnout_share", "Burned out", "points of staff against no metric", False),
    ("regretted_attrition", "Top contributors who left", "points of staff a year against no metric", False),
    ("durable_value_per_head", "Durable value per person", "% against no metric (context only)", True),
)
CALL_COLOURS = {"better": "#1a7f37", "worse": "#c0392b"}


def difference_charts(study: Study) -> list[Chart]:
    """The verdict as pictures, one panel per criterion: each policy's paired difference from no
    metric with its 95% interval, green where clearly better, red where clearly worse."""
    order = list(reversed(study.verdicts))  # the best on top
    n = len(order)
    charts = []
    for column, title, unit, relative in DIFFERENCE_PANELS:
        fig, ax = _panel(46 + 30 * n)
        for y, verdict in enumerate(order):
            row = study.row(verdict.row)
            base_mean = study.baseline_of(row).stats[column][0]
            scale = (100 / base_mean if base_mean else np.nan) if relative else 100
            mean, low, high = (x * scale for x in row.stats[f"{column}_diff"])
            c = CALL_COLOURS.get(verdict.of(column).outcome, "#777777")
            if np.isfinite(low):
                ax.plot([low, high], [y, y], color=c, lw=2.6, solid_capstyle="butt")
            ax.plot([mean], [y], "o", color=c, ms=6)
        ax.axvline(0, color="#333333", lw=0.9)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4, symmetric=True))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:+.10g}" if x else "0"))
        _style(ax)
        ax.grid(axis="x", color="#e6e6e6", lw=0.6)
        ax.tick_params(axis="y", length=0)
        ax.set_yticks(range(n), [textwrap.fill(_short(v.name, 40), 18) for v in order])
        ax.set_ylim(-0.6, n - 0.4)
        fig.tight_layout(pad=0.3)
        charts.append(Chart(title, unit, svg_markup(fig, f"{title}: each policy against measuring nothing")))
    return charts


# -- data downloads ----------------------------------------------------------------------


def table_frame(study: Study) -> pd.DataFrame:
    """The comparison table as data: means and 95% intervals of every headline figure."""
    records = []
    for row in study.rows:
        record: dict[str, Any] = {"row": row.key, "scenario": row.name, "compared_with": row.baseline or ""}
        if row.baseline is not None and row.config is not None:
            record["start_week"] = row.config.regime.start_week
        for column, (mean, low, high) in row.stats.items():
            record[column] = mean
            record[f"{column}_low"] = low
            record[f"{column}_high"] = high
        records.append(record)
    return pd.DataFrame(records)


def weekly_means(study: Study) -> pd.DataFrame:
    """Weekly means across seeds of the charted measures, one row per scenario and week."""
    keep = ["durable_value_per_head", "token_cost_per_head", "share_theater", "burnout_share",
            "attrition_annualised", "headcount", "metric_index", "cost", "durable_value"]  # fmt: skip
    names = {r.key: r.name for r in study.rows}
    means = study.weekly.groupby(["row", "week"], sort=False)[keep].mean().reset_index()
    means.insert(1, "scenario", means["row"].map(names))
    return means


def _csv_uri(frame: pd.DataFrame) -> str:
    data = frame.to_csv(index=False, float_format="%.6g").encode("utf-8")
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(data).decode("ascii")


# -- the page ----------------------------------------------------------------------------

TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("sim.hr", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)
CSS = importlib.resources.files("sim.hr").joinpath("templates", "report.css").read_text(encoding="utf-8")

UNIT = (
    "what a typical employee delivers in one honest 40-hour week of craft work by hand, without AI, "
    "that still stands past the durability window ({weeks} weeks: not reverted or rewritten). "
    "Cost per unit is every dollar spent (salaries, AI tokens and replacing the people who leave) over "
    "the units delivered."
)

# Key parameters and where their defaults come from (docs/model.md has every one).
ASSUMPTIONS: tuple[tuple[str, str, Callable[[Config], str], str], ...] = (
    (
        "org.n_employees",
        "People in the organisation",
        lambda c: f"{c.org.n_employees:,}",
        "chosen for the report",
    ),
    ("org.team_size", "Team size", lambda c: str(c.org.team_size), "assumption: a typical software team"),
    ("org.weeks", "Weeks simulated", lambda c: str(c.org.weeks), "two years by default"),
    ("org.review_period", "Weeks between reviews", lambda c: str(c.org.review_period), "quarterly reviews"),
    (
        "org.burn_in_weeks",
        "Weeks the organisation runs with no metric before the report starts",
        lambda c: str(c.org.burn_in_weeks),
        "so the report starts from an organisation that has settled (burnout steady within about a point)",
    ),
    (
        "behaviour.judgement_noise",
        "How noisily managers see contribution",
        lambda c: f"{c.behaviour.judgement_noise:g}",
        "set so impressions and real contribution correlate about 0.4, as ratings and results do "
        "(Bommer et al. 1995)",
    ),
    (
        "wellbeing.informal_anxiety",
        "Anxiety from a low standing with one's manager, against the same standing on a formal score",
        lambda c: (
            f"{c.wellbeing.informal_anxiety:g} (strain {c.wellbeing.anxiety_strain:g} a week, scaled by "
            "career concern and the gap to a top evaluation)"
        ),
        "assumption, unsourced: neither fear is known to be the larger, so they weigh alike. It decides "
        "whether an outcome metric beats measuring nothing: with it the best gains about 2% of durable "
        "value at two years; if only a formal score caused anxiety, every one would lose",
    ),
    (
        "behaviour.ai_effort_relief",
        "Share of an AI-assisted hour's effort people do not feel when planning their week",
        lambda c: f"{c.behaviour.ai_effort_relief:.0%}",
        "assumption; the mechanism is from Ranganathan & Ye 2026 (AI work slips into breaks and "
        "evenings), its size is not. It decides whether AI lengthens the working week: at 0 the "
        "review AI output asks of everyone crowds out people's own hours instead",
    ),
    ("org.salary", "Salary, fully loaded", lambda c: f"${c.org.salary:,.0f} a year", "assumption"),
    (
        "org.replacement_cost",
        "Cost of replacing a leaver",
        lambda c: f"{c.org.replacement_cost:.0%} of salary",
        "Boushey & Glynn 2012: median 21% of salary (wider ranges are quoted)",
    ),
    ("org.vacancy_weeks", "Weeks a post stays empty", lambda c: str(c.org.vacancy_weeks), "assumption"),
    (
        "turnover.base_attrition",
        "Normal yearly attrition, before any metric",
        lambda c: f"{c.turnover.base_attrition:.1%}",
        "calibrated to 8-13% a year (Mercer 2023: 8.2%; LinkedIn: 13.2% in software)",
    ),
    (
        "turnover.burnout_quit_multiplier",
        "How much more often burned-out people quit",
        lambda c: f"{c.turnover.burnout_quit_multiplier:.2g}x (hazard)",
        "calibrated to 2-2.7x (Gallup 2018: 2.6x; Hamidi et al. 2018: odds ratio 2.68)",
    ),
    (
        "production.token_price",
        "Token price",
        lambda c: f"${c.production.token_price:g} per million tokens",
        "assumption",
    ),
    (
        "production.ai_multiplier_novice",
        "Value of an AI-assisted hour, novice to expert",
        lambda c: (
            f"{c.production.ai_multiplier_novice:.2f}x to "
            f"{c.production.ai_multiplier_expert:.2f}x a craft hour"
        ),
        "calibrated so novices are slower with AI (METR 2025: experienced developers 19% slower)",
    ),
    (
        "production.durability_weeks",
        "Weeks before work counts as durable",
        lambda c: str(c.production.durability_weeks),
        "assumption, after GitClear's two-week code churn",
    ),
    (
        "production.acceptance_honest",
        "AI suggestion acceptance in honest use",
        lambda c: f"{c.production.acceptance_honest:.0%}",
        "Ziegler et al. 2022: 27%",
    ),
)


PLAIN_SIGNALS = {
    "tokens": "tokens used",
    "token_cost": "token spend",
    "token_cost_share": "token spend as a share of salary",
    "ai_active_days": "days using AI",
    "acceptance_rate": "AI suggestions accepted",
    "prompts": "prompts sent",
    "volume": "shipped volume",
    "value": "value as first judged",
    "durable_value": "durable value",
    "rework_rate": "rework rate",
    "hours": "hours logged",
    "salary_cost": "salaries",
}


def _weighted(signal: str, weight: float) -> str:
    return f"{PLAIN_SIGNALS.get(signal, signal)} ({weight:g})"


def _e(text: object) -> str:
    """HTML-escaped text, for pages still written without the template (the policy search's)."""
    return html.escape(str(text), quote=True)


def _delta(measure: Measure, row: Row) -> str:
    """Green or red only when the difference from the baseline is clear across seeds:
    its 95% interval (paired by seed) excludes zero."""
    mean, low, high = row.stats.get(f"{measure.column}_diff", (np.nan,) * 3)
    if measure.better == 0 or not np.isfinite(mean) or low <= 0 <= high:
        return "flat"
    return "good" if mean * measure.better > 0 else "bad"


def _colour(study: Study, row: Row) -> str:
    return BASE_COLOUR if row.baseline is None else PALETTE[study.scenarios.index(row) % len(PALETTE)]


CARD_EXTRA = {
    "durable_value_per_head": "value_change",
    "cost_per_durable_value": "cost_change",
    "token_cost_per_head_year": "token_ratio",
}


def _section(study: Study, row: Row, bands: list[dict[str, pd.DataFrame]]) -> dict[str, Any]:
    """One policy's panel: headline cards, findings and its charts over time."""
    base = study.baseline_of(row)
    cards = []
    for m in (*MEASURES, DURABLE_VALUE_PER_HOUR):
        if m.column not in row.cells:
            continue
        extra = f" ({row.cells[CARD_EXTRA[m.column]]})" if m.column in CARD_EXTRA else ""
        if m.column == "regretted_attrition":
            extra = f"; {row.cells['regretted_share']} of leavers"
        cards.append(
            {
                "title": m.title,
                "value": row.cells[m.column],
                "unit": m.unit,
                "cls": _delta(m, row),
                "baseline": base.cells[m.column],
                "extra": extra,
            }
        )
    start = row.config.regime.start_week if row.config is not None else None
    return {
        "key": row.key,
        "baseline": base.key,
        "name": row.name,
        "short": _short(row.name),
        "colour": _colour(study, row),
        "description": row.description,
        "start": f" Starts in week {start}." if start is not None else "",
        "start_week": start,
        "cards": cards,
        "findings": row.findings,
        "charts": policy_charts(study, row, bands),
    }


VERDICT_WORDS = {BETTER: "better", WORSE: "worse", SAME: "no different", UNKNOWN: "too few runs to tell"}
OVERALL_WORDS = {
    BETTER: "beat measuring nothing",
    NOT_ON_COST: "better, but not on cost",
    TRADE_OFF: "a trade-off",
    WORSE: "worse",
    SAME: "no different",
    UNKNOWN: "too few runs to tell",
}
VERDICT_CLASS = {BETTER: "good", WORSE: "bad", TRADE_OFF: "bad"}


def _verdict_rows(study: Study) -> list[dict[str, Any]]:
    """One line per policy, the best first: better, worse or no different on each criterion."""
    rows = []
    for v in study.verdicts:
        cells = []
        for j in v.judgements:
            detail = f"{j.policy} against {j.baseline}"
            cells.append(
                {
                    "word": VERDICT_WORDS[j.outcome],
                    "cls": VERDICT_CLASS.get(j.outcome, "flat"),
                    "detail": f"{j.change}: {detail}" if j.criterion.relative else detail,
                }
            )
        context = "; ".join(f"{j.change}: {j.policy} against {j.baseline}" for j in v.context)
        rows.append(
            {
                "key": v.row,
                "name": v.name,
                "colour": _colour(study, study.row(v.row)),
                "start": f"week {v.start_week}" if v.start_week is not None else "",
                "cells": cells,
                "word": OVERALL_WORDS[v.overall],
                "cls": VERDICT_CLASS.get(v.overall, "flat"),
                "context": f"{context} units per person a week" if context else "",
            }
        )
    return rows


def _dollar_rows(study: Study) -> list[dict[str, Any]]:
    """The dollar table: baselines first, then the policies in the verdict's order."""
    measures = [POSTS, *_dollar_measures(study)]
    order = study.baselines + [study.row(v.row) for v in study.verdicts]
    rows = []
    for row in order:
        cells = []
        for m in measures:
            change = ""
            if row.baseline is not None:
                key = "cost_change" if m.column == "cost_per_durable_value" else f"{m.column}_change"
                change = row.cells.get(key, "")
            cells.append({"value": row.cells.get(m.column, "n/a"), "change": change})
        rows.append(
            {
                "key": row.key,
                "name": row.name,
                "colour": _colour(study, row),
                "base": row.baseline is None,
                "cells": cells,
            }
        )
    return rows


def dollar_lines(study: Study) -> list[dict[str, str]]:
    """The dollar line a year in words, quoting only cells of the dollar table: measuring
    nothing first, then each policy with its change against it."""
    if not _dollar_measures(study):
        return []

    def line(c: dict[str, str], name: str, against: bool) -> str:
        def change(column: str, words: str = "") -> str:
            return f" ({c[column]}{words})" if against else ""

        return (
            f"{name}: for {c['n_employees']} posts, a year, salaries {c['salary_cost_year']}"
            f"{change('salary_cost_year_change', ' against measuring nothing')}, AI tokens "
            f"{c['token_cost_year']}{change('token_cost_year_change')} and replacing people who "
            f"left {c['departure_cost_year']}{change('departure_cost_year_change')}: "
            f"in all {c['cost_year']}{change('cost_year_change')}, for {c['durable_value_year']} units of "
            f"durable value{change('durable_value_year_change')}, {c['cost_per_durable_value']} a unit"
            f"{change('cost_change')}."
        )

    lines = [
        {
            "row": r.key,
            "text": line(r.cells, "Measuring nothing" if r.name == BASELINE_LABEL else r.name, False),
        }
        for r in study.baselines
    ]
    lines += [{"row": v.row, "text": line(study.row(v.row).cells, v.name, True)} for v in study.verdicts]
    return lines


def _table_rows(study: Study) -> list[dict[str, Any]]:
    measures = [m for m in _table_measures(study) if m.column in study.rows[0].cells]
    rows = []
    for row in study.rows:
        cells = []
        for m in measures:
            _, low, high = row.stats[m.column]
            cells.append(
                {
                    "value": row.cells[m.column],
                    "ci": f"{_fmt(m, low)} to {_fmt(m, high)}" if np.isfinite(low) else "",
                }
            )
        rows.append(
            {
                "key": row.key,
                "name": row.name,
                "colour": _colour(study, row),
                "base": row.baseline is None,
                "cells": cells,
                "extra": [row.cells.get(key, "-") for key, _ in TABLE_EXTRA],
            }
        )
    return rows


TABLE_EXTRA = (
    ("value_change", "Durable value vs baseline"),
    ("cost_change", "Cost per unit vs baseline"),
    ("token_ratio", "Token spend vs baseline"),
)


def _policies(study: Study) -> list[list[str]]:
    policies = []
    for row in study.scenarios:
        r = row.config.regime
        what = " + ".join(_weighted(k, v) for k, v in r.weights.items()) or "nothing"
        per = f", per dollar of {' and '.join(PLAIN_SIGNALS.get(k, k) for k in r.per)}" if r.per else ""
        policies.append(
            [
                row.name,
                what + per,
                str(r.level),
                str(r.scoring),
                str(r.window),
                f"{r.pressure:.0%}",
                f"{r.forced_ranking:.0%}",
                str(r.start_week),
            ]
        )
    return policies


def _robustness(found: robustness.RobustnessStudy | None) -> dict[str, Any] | None:
    """Which of the simulator's general claims survive other values of the assumptions."""
    if found is None:
        return None
    claims = [
        {
            "claim": c.claim,
            "test": c.test,
            "share": robustness.share_text(c),
            "verdict": c.verdict,
            "ai_helps": robustness.share_or_na(c.share_ai_helps),
            "ai_hurts": robustness.share_or_na(c.share_ai_hurts),
        }
        for c in found.claims
    ]
    return {"described": found.described(), "claims": claims}


AI_SOURCES = (
    "Field studies of AI tools at work span a band: METR 2025 found experienced developers 19% slower "
    "per task (16% less an hour), Brynjolfsson, Li & Raymond 2023 14% more support issues resolved an "
    "hour, Cui et al. 2026 26% more completed tasks a week with Copilot; DORA 2024 found delivery "
    "stability 7.2% lower for each 25% more adoption. They count tasks and speed, not work that lasts, "
    "so the band frames this figure rather than checks it (docs/model.md, AI's own effect)."
)


def _years(horizon: int) -> str:
    return {52: "one year", 104: "two years", 208: "four years"}.get(horizon, f"{horizon} weeks")


def ai_frame(study: Study) -> dict[str, Any] | None:
    """What AI does with no metric at all: its table (one row per horizon, each measure with
    AI tools, without, and the change run by run with its 95% interval) and the line above the
    verdict, which quotes the table's last row."""
    table = study.ai_effect
    if table is None or table.empty:
        return None
    rows: list[tuple[str, dict[str, dict[str, str]]]] = []  # (horizon, each measure's cells)
    for horizon, group in table.groupby("horizon_weeks", sort=True):
        cells: dict[str, dict[str, str]] = {}
        for _, r in group.iterrows():
            interval = np.isfinite(r["change_low"])
            cells[r["measure"]] = {
                "with": f"{r['with_ai']:.3f}",
                "without": f"{r['without_ai']:.3f}",
                "change": f"{r['change']:+.1%}",
                "ci": f"[{r['change_low']:+.1%}, {r['change_high']:+.1%}]" if interval else "",
            }
        rows.append((str(horizon), cells))
    last, cells = rows[-1]
    head, hour = cells["durable_value_per_head"], cells["durable_value_per_40_hours"]
    low, high = AI_BAND
    inside = bool(table["change"].between(low, high).all())
    line = (
        f"With no metric, AI tools change durable value per person by {head['change']} and per 40 hours "
        f"worked by {hour['change']} at {_years(int(last))}, against the same organisation without them, "
        "run by run on the same seeds (table below). "
        + (
            "That lies within the band field studies give for AI's effect on output. "
            if inside
            else "That lies outside the band field studies give for AI's effect on output. "
        )
        + "Every policy here is judged against the organisation with AI tools, so this effect is in "
        "every baseline."
    )
    return {
        "line": line,
        "rows": [
            {"key": f"w{horizon}", "horizon": _years(int(horizon)), "cells": [by[m] for m in AI_MEASURES]}
            for horizon, by in rows
        ],
        "measures": ["Durable value per person", "Durable value per 40 hours worked"],
        "sources": AI_SOURCES,
        "seeds": int(table["seeds"].iloc[0]),
    }


def _origin(scenario: Scenario) -> str:
    if scenario.source.startswith(EXAMPLE):
        return f"the example {scenario.source}, installed with the package:"
    if Path(scenario.source).suffix in (".yaml", ".yml"):
        return f"the scenario file {relative(scenario.source)}:"
    return f"the preset {scenario.source}, which is the same as this scenario file:"


def relative(path: str | Path) -> str:
    """A file's path as seen from where the command ran (never the building machine's absolute path)."""
    try:
        return os.path.relpath(path) if Path(path).exists() else str(path)
    except ValueError:  # another drive, on Windows
        return str(path)


def made_at() -> datetime.datetime:
    """When the report is made: now, or SOURCE_DATE_EPOCH for a byte-identical rebuild."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
    return datetime.datetime.now(tz=datetime.UTC)


def simulator_version() -> str:
    """The package's version, and the git commit when run from a checkout ('+' if edited)."""
    try:
        version = importlib.metadata.version("goodhart-sim")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    folder = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty=+", "--abbrev=10"], cwd=folder, capture_output=True,
            text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{version} (commit {commit})" if commit else version


def render(
    study: Study,
    command: str,
    made: datetime.datetime | None = None,
    version: str | None = None,
    org: dict[str, Any] | None = None,
) -> str:
    """The whole report as one self-contained HTML document, from the template; `org`, the
    verdict across an organisation's plausible versions (`sim.hr.report_across.context`),
    comes first when given."""
    cfg = study.rows[0].config
    made = made or made_at()
    version = version or simulator_version()
    bands = weekly_bands(study)
    n = len(study.seeds)
    sizes = sorted({r.config.org.n_employees for r in study.rows})
    people = f"{sizes[0]:,}" if len(sizes) == 1 else f"{sizes[0]:,} to {sizes[-1]:,} (as each scenario sets)"
    files = [
        ("comparison.csv", table_frame(study), "Comparison table (CSV)"),
        ("runs.csv", study.summary, "Every run, one row each (CSV)"),
        ("weekly.csv", weekly_means(study), "Week by week, averaged (CSV)"),
    ]
    if study.ai_effect is not None:
        files.append(("ai_effect.csv", study.ai_effect, "AI's own effect, with no metric (CSV)"))
    page = TEMPLATES.get_template("report.html.j2").render(
        css=Markup(CSS),
        org=org,
        intro=(
            f"A simulated organisation of {people} people in teams of {cfg.org.team_size}, "
            f"over {cfg.org.weeks} weeks, under each policy and under no metric at all (the baseline). "
            f"Each policy ran {n} times with different people and luck; figures are averages, and "
            "the ranges are 95% intervals across those runs."
        ),
        stamp=(
            f"Made {made:%d %B %Y, %H:%M} UTC by the Goodhart's law at work simulator, version {version}, "
            f"with: {command}"
        ),
        rule=RULE,
        ai=ai_frame(study),
        overall=study.overall,
        dollar_lines=dollar_lines(study),
        unit=UNIT.format(weeks=cfg.production.durability_weeks),
        dollar_columns=[
            {"title": m.title, "unit": DOLLAR_UNITS.get(m.column, m.unit)}
            for m in (POSTS, *_dollar_measures(study))
        ],
        dollar_rows=_dollar_rows(study),
        dollar_note=(
            f"A year on average over the {cfg.org.weeks} weeks simulated, the weeks before a policy starts "
            "included, so that the total cost over the durable value is the cost per unit the verdict "
            "judges (the cost per unit is the average of each run's own ratio, so it can differ from the "
            "ratio of the averages). Beneath each policy's figure, in grey, its change against measuring "
            f"nothing. Salaries are fully loaded (${cfg.org.salary:,.0f} a year a person) for the posts "
            f"filled; replacing a person who leaves costs {cfg.org.replacement_cost:.0%} of a salary "
            "(Boushey & Glynn 2012: median 21%)."
        ),
        verdict_columns=[{"title": c.title, "unit": c.measure.unit} for c in CRITERIA],
        verdict_rows=_verdict_rows(study),
        difference_charts=difference_charts(study),
        sections=[_section(study, study.row(v.row), bands) for v in study.verdicts],
        base_colour=BASE_COLOUR,
        table_measures=[m for m in _table_measures(study) if m.column in study.rows[0].cells],
        table_extra=[title for _, title in TABLE_EXTRA],
        table_rows=_table_rows(study),
        assumptions=[
            {"key": key, "label": label, "value": value(cfg), "source": source}
            for key, label, value, source in ASSUMPTIONS
        ],
        robustness=_robustness(robustness.shipped()),
        policies=_policies(study),
        command=command,
        seeds=", ".join(str(s) for s in study.seeds),
        seed=study.seed,
        scenario_files=[
            {"name": r.name, "origin": _origin(r.scenario), "text": r.scenario.text}
            for r in study.scenarios
            if r.scenario is not None
        ],
        downloads=[{"name": name, "uri": _csv_uri(frame), "text": text} for name, frame, text in files],
        version=version,
    )
    return page


def build_report(
    sources: Sequence[str | Path],
    out: str | Path,
    seeds: int = 5,
    seed: int = 0,
    employees: int | None = None,
    weeks: int | None = None,
    config_dirs: Sequence[str | Path] = (),
    progress: Callable[[str], None] | None = None,
    org: str | Path | None = None,
    points: int = FIT_POINTS,
) -> Path:
    """Load the scenarios (files or preset names), run them and write the report atomically.
    With `org` (an organisation profile), the report opens with the verdict across the
    profile's plausible versions (`sim.hr.across`), and its detail is the closest version."""
    check_arguments(out, seeds, seed, employees, weeks, config_dirs)
    checks.whole_number("--points", points, MIN_POINTS, MAX_POINTS)
    scenarios = [load_scenario(s, config_dirs) for s in (sources or DEFAULT_SCENARIOS)]
    profile = load_profile(org) if org is not None else None
    if profile is not None:
        if config_dirs:
            raise ConfigError(
                "--config-dir: not with --org (the verdict across versions uses the shipped presets)"
            )
        people = employees or min(profile.headcount or SCALED_EMPLOYEES, VERDICT_EMPLOYEES)
        base = organisation_overrides(profile, people, weeks or VERDICT_WEEKS)
    else:
        base = [f"org.n_employees={employees}"] if employees is not None else []
        base += [f"org.weeks={weeks}"] if weeks is not None else []
    for scenario in scenarios:  # every config checked before any run
        scenario.config(base, config_dirs)
    context = None
    if profile is not None:
        from sim.hr import report_across
        from sim.hr.across import check_discovery

        check_discovery()
        found = across(
            profile,
            scenarios,
            n=points,
            seed=seed,
            weeks=weeks or VERDICT_WEEKS,
            employees=people,
            progress=progress,
        )
        base = base + version_overrides(found.versions.iloc[0])
    study = run_study(scenarios, seeds, seed, base, config_dirs, progress)
    if profile is not None:
        context = report_across.context(found, {r.key: _colour(study, r) for r in study.scenarios}, points)
    command = reproduce_command(
        [str(s) for s in (sources or DEFAULT_SCENARIOS)],
        seeds,
        seed,
        employees,
        weeks,
        config_dirs,
        org,
        points,
    )
    page = render(study, command, org=context)
    size = len(page.encode("utf-8"))
    if size > MAX_BYTES:
        raise ConfigError(
            f"the report would be {size / 1e6:.1f} MB, over the 5 MB limit; use fewer scenarios"
        )
    return write_text(page, Path(out))


def check_arguments(
    out: str | Path,
    seeds: int,
    seed: int,
    employees: int | None,
    weeks: int | None,
    config_dirs: Sequence[str | Path] = (),
) -> None:
    """The report's own arguments, before anything runs; ConfigError names the flag."""
    checks.whole_number("--seeds", seeds, 1, checks.MAX_REPLICATES)
    checks.whole_number("--seed", seed, 0)
    checks.organisation(employees, weeks)
    check_config_dirs(config_dirs)
    checks.output_file("--out", out)


def version_overrides(version: pd.Series) -> list[str]:
    """A plausible version's values as Hydra overrides, but the regime's (the policy's whole)."""
    out = []
    for key in version_keys(version.index):
        value = version[key]
        number = int(value) if key in INTEGER_KEYS and float(value).is_integer() else float(value)
        out.append(f"{key}={number!r}")
    return out


def reproduce_command(
    sources: Iterable[str],
    seeds: int,
    seed: int,
    employees: int | None,
    weeks: int | None,
    config_dirs=(),
    org: str | Path | None = None,
    points: int = FIT_POINTS,
) -> str:
    parts = [
        "python -m sim report",
        *[_shell(relative(s)) for s in sources],
        f"--seeds {seeds}",
        f"--seed {seed}",
    ]
    if org is not None:
        shown_org = str(org) if str(org).startswith(EXAMPLE) else relative(org)
        parts += [f"--org {_shell(shown_org)}", f"--points {points}"]
    parts += [f"--employees {employees}"] if employees is not None else []
    parts += [f"--weeks {weeks}"] if weeks is not None else []
    parts += [f"--config-dir {_shell(relative(d))}" for d in config_dirs]
    return " ".join(parts)


def _shell(text: str) -> str:
    return text if re.fullmatch(r"[\w./:-]+", text) else "'" + text.replace("'", "'\\''") + "'"


def main(argv: Sequence[str] | None = None) -> int:
    parser = checks.Parser(
        prog="python -m sim report",
        description="Build a one-file HTML report comparing policies against the baseline.",
    )
    parser.add_argument(
        "scenarios",
        nargs="*",
        help=f"scenario files or preset names (default: {' '.join(DEFAULT_SCENARIOS)})",
    )
    parser.add_argument(
        "--seeds", type=int, default=5, help="runs per scenario, each with other people and luck"
    )
    parser.add_argument("--seed", type=int, default=0, help="the seed the runs' seeds are derived from")
    parser.add_argument("--employees", type=int, help="people in the organisation (default 500)")
    parser.add_argument("--weeks", type=int, help="weeks to simulate (default 104)")
    parser.add_argument("--out", default="report.html", help="the HTML file to write")
    parser.add_argument(
        "--config-dir", action="append", default=[], help="a folder of your own regime presets"
    )
    parser.add_argument(
        "--org",
        help="an organisation profile (a YAML file or example:startup|big_tech|bank_it): the verdict "
        "across the plausible versions of that organisation",
    )
    parser.add_argument(
        "--points",
        type=int,
        default=FIT_POINTS,
        help=f"with --org: organisations the fit simulates; the closest tenth are the plausible versions "
        f"(default {FIT_POINTS})",
    )
    args = parser.parse_args(argv)
    say = lambda text: print(text, file=sys.stderr)  # noqa: E731
    try:
        path = build_report(
            args.scenarios,
            args.out,
            args.seeds,
            args.seed,
            args.employees,
            args.weeks,
            args.config_dir,
            say,
            args.org,
            args.points,
        )
    except ConfigError as error:
        say(f"error: {error}")
        return 2
    print(f"Report written to {path} ({path.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
