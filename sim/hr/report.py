"""A one-file policy report for HR leaders: scenarios against the baseline, over several seeds.

    python -m sim report token_leaderboard example:token_usage_on_rubric --seeds 5 --out report.html

The result is a single HTML file that opens offline and can be emailed: inline CSS, charts
as embedded PNG images, the data as embedded CSV downloads, no request to anywhere. Every
number in a finding is a cell of the comparison table in the same file: findings are
written from the formatted table, never from separate arithmetic.
"""

from __future__ import annotations

import base64
import datetime
import html
import importlib.metadata
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
import matplotlib.lines  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from omegaconf import OmegaConf  # noqa: E402

from sim.core import checks  # noqa: E402
from sim.core.checks import ConfigError  # noqa: E402
from sim.core.compare import baseline_config  # noqa: E402
from sim.core.config import Config  # noqa: E402
from sim.core.config_dirs import check_config_dirs  # noqa: E402
from sim.core.measures import FIRED, MEASURES, REGRETTED_SHARE, Measure  # noqa: E402
from sim.core.measures import change as _change  # noqa: E402
from sim.core.measures import fmt as _fmt  # noqa: E402
from sim.core.measures import times as _times  # noqa: E402
from sim.core.outputs import write_text  # noqa: E402
from sim.core.run import replicate_seeds, run_model  # noqa: E402
from sim.core.scenarios import EXAMPLE, Scenario, load_scenario  # noqa: E402
from sim.hr.verdict import PolicyVerdict, headline, judge, mean_interval, paired_difference  # noqa: E402
from sim.studies import robustness  # noqa: E402

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
    for row in rows:
        if progress:
            progress(f"{row.name}: {len(seed_list)} seeds")
        for s in seed_list:
            result = run_model(row.config, seed=s)
            summaries.append(result.summary.to_frame().T.assign(row=row.key, scenario=row.name))
            weeks.append(result.weekly.assign(row=row.key, seed=s))
    summary = pd.concat(summaries, ignore_index=True)
    weekly = pd.concat(weeks, ignore_index=True)
    study = Study(rows, seed_list, seed, list(base), summary, weekly)
    analyse(study)
    return study


def analyse(study: Study) -> Study:
    """The table, the findings and the verdict of a study whose runs are in."""
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


def _tabulate(study: Study) -> None:
    """Means, 95% intervals across seeds and formatted cells of every row."""
    measures = [*MEASURES, REGRETTED_SHARE] + ([FIRED] if _any_fired(study) else [])
    for row in study.rows:
        for m in measures:
            mean, low, high = mean_interval(_values(study, row.key, m.column))
            row.stats[m.column] = (mean, max(low, 0.0), high)  # none of these can be negative
            row.cells[m.column] = _fmt(m, row.stats[m.column][0])
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
        for m in (*MEASURES, REGRETTED_SHARE):
            row.stats[f"{m.column}_diff"] = paired_difference(
                _values(study, row.key, m.column), _values(study, base.key, m.column)
            )


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
            f"({c['durable_value_per_head']} against {bc['durable_value_per_head']} a week)."
        ]
        _, low, high = row.stats["value_change"]
        if np.isfinite(low) and low < 0 < high:
            lines[-1] += " That change in value is within the run-to-run noise of the simulation."
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
    ("Durable value", "per person a week", lambda w: w["durable_value_per_head"]),
    ("Cost per unit of value", "$, 4-week rolling", _weekly_cost_per_value),
    ("Token spend", "$ per person a year", lambda w: w["token_cost_per_head"] * 52),
    ("Performative work", "% of hours", lambda w: w["share_theater"] * 100),
    ("Burned out", "% of staff", lambda w: w["burnout_share"] * 100),
    ("Left of their own accord", "% a year, last 13 weeks", lambda w: w["attrition_annualised"] * 100),
)
# Charts are drawn at their printed size and shown at it (96 CSS pixels an inch), so a font of
# 9 points is 12 pixels on screen; the PNG has twice the pixels for sharp high-density screens.
CSS_PX_PER_INCH = 96
CHART_DPI = 2 * CSS_PX_PER_INCH
TICK_PT, LABEL_PT, TITLE_PT = 9.0, 9.0, 10.5
CHART_WIDTH = 8.4  # inches


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


def _titles(ax: plt.Axes, title: str, unit: str, size: float) -> None:
    """A bold title with its unit on the line beneath, both over the panel's left edge."""
    ax.set_title(title, fontsize=size, loc="left", color="#222222", fontweight="bold", pad=LABEL_PT * 2)
    ax.text(0, 1.03, unit, transform=ax.transAxes, fontsize=LABEL_PT, color="#555555", va="bottom")


def _style(ax: plt.Axes) -> None:
    ax.tick_params(labelsize=TICK_PT, colors="#333333")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#e6e6e6", lw=0.6)


def policy_figure(study: Study, row: Row, bands: list[dict[str, pd.DataFrame]]) -> plt.Figure:
    """Small multiples of one policy against its baseline over time, on the scales every
    policy shares, with the week this policy starts marked and a legend inside the picture."""
    base = study.baseline_of(row)
    colour = _colour(study, row)
    start = row.config.regime.start_week if row.config is not None else None
    fig, axes = plt.subplots(2, 3, figsize=(CHART_WIDTH, 4.9), dpi=CHART_DPI, sharex=True)
    for ax, (title, unit, _), per_row in zip(axes.flat, CHARTS, bands, strict=True):
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
        _titles(ax, title, unit, TITLE_PT)
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4, integer=True))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda y, _: f"{y:,.10g}"))
        _style(ax)
    for ax in axes[-1]:
        ax.set_xlabel("week", fontsize=LABEL_PT, color="#333333")
    handles = [
        matplotlib.lines.Line2D([], [], color=colour, lw=2.2, label=_short(row.name)),
        matplotlib.lines.Line2D([], [], color=BASE_COLOUR, lw=2.2, ls="--", label="No metric"),
    ]
    if start is not None:
        handles.append(
            matplotlib.lines.Line2D([], [], color="#444444", lw=1, ls=":", label=f"starts in week {start}")
        )
    fig.legend(handles=handles, loc="upper left", ncol=3, frameon=False, fontsize=LABEL_PT + 0.5,
               bbox_to_anchor=(0.0, 1.0), handlelength=2.4)  # fmt: skip
    fig.tight_layout(rect=(0, 0, 1, 0.93), h_pad=1.2, w_pad=1.4)
    return fig


def _short(name: str, width: int = 60) -> str:
    return name if len(name) <= width else name[: width - 1] + "\u2026"


DIFFERENCE_PANELS = (
    ("durable_value_per_head", "Durable value", "% vs no metric", True),
    ("cost_per_durable_value", "Cost per unit", "% vs no metric", True),
    ("burnout_share", "Burned out", "points of staff", False),
    ("attrition", "Left", "points a year", False),
    ("regretted_attrition", "Top people left", "points a year", False),
)
CALL_COLOURS = {"better": "#1a7f37", "worse": "#c0392b"}


def difference_figure(study: Study) -> plt.Figure:
    """The verdict as a picture: each policy's paired difference from no metric with its 95%
    interval, green where clearly better, red where clearly worse, grey within the noise."""
    order = list(reversed(study.verdicts))  # the best on top
    n = len(order)
    fig, axes = plt.subplots(
        1, len(DIFFERENCE_PANELS), figsize=(CHART_WIDTH, 1.35 + 0.42 * n), dpi=CHART_DPI, sharey=True
    )
    for ax, (column, title, unit, relative) in zip(axes, DIFFERENCE_PANELS, strict=True):
        for y, verdict in enumerate(order):
            row = study.row(verdict.row)
            base_mean = study.baseline_of(row).stats[column][0]
            scale = (100 / base_mean if base_mean else np.nan) if relative else 100
            mean, low, high = (x * scale for x in row.stats[f"{column}_diff"])
            outcome = next(j.outcome for j in verdict.judgements if j.criterion.column == column)
            c = CALL_COLOURS.get(outcome, "#777777")
            if np.isfinite(low):
                ax.plot([low, high], [y, y], color=c, lw=2.4, solid_capstyle="butt")
            ax.plot([mean], [y], "o", color=c, ms=6)
        ax.axvline(0, color="#333333", lw=0.9)
        _titles(ax, title, unit, LABEL_PT)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3, symmetric=True))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:+.10g}" if x else "0"))
        _style(ax)
        ax.grid(axis="x", color="#e6e6e6", lw=0.6)
        ax.tick_params(axis="y", length=0)
    axes[0].set_yticks(range(n), [textwrap.fill(_short(v.name, 40), 18) for v in order])
    axes[0].set_ylim(-0.6, n - 0.4)
    fig.tight_layout(w_pad=0.8)
    return fig


def figure_png(fig: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _figure_html(fig: plt.Figure, alt: str) -> str:
    """A figure shown at the size it was drawn (so its fonts keep their size on screen)."""
    width = round(fig.get_figwidth() * CSS_PX_PER_INCH)
    png = base64.b64encode(figure_png(fig)).decode("ascii")
    return f'<img class="chart" width="{width}" alt="{_e(alt)}" src="data:image/png;base64,{png}">'


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

CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1f2328;
  font:15px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:28px 28px 48px}
header{background:#1f3a5f;color:#fff;padding:28px 0 24px}
header .inner{max-width:1180px;margin:0 auto;padding:0 28px}
header h1{margin:0 0 6px;font-size:26px;font-weight:650}
header p{margin:0;color:#d6e2f0;max-width:900px}
h2{font-size:19px;margin:34px 0 10px;color:#1f3a5f;border-bottom:2px solid #dfe3e8;
  padding-bottom:6px}
h3{margin:0 0 4px;font-size:17px}
header .made{margin-top:8px;font-size:13px;color:#b9cbe0;overflow-wrap:anywhere}
.lead{background:#fff;border-left:5px solid #1f3a5f;padding:6px 18px 14px;border-radius:4px;
  margin-top:20px}
.lead h2{margin-top:8px}
.lead ul{margin:6px 0 12px;padding-left:20px}
.lead li{font-size:16px}
figure{margin:12px 0 0}
img.chart{max-width:100%;height:auto;display:block}
.scenario{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:18px 20px;
  margin:16px 0}
.scenario .desc{color:#57606a;margin:0 0 12px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:8px;
  vertical-align:0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(132px,1fr));gap:10px}
.card{border:1px solid #e1e4e8;border-radius:6px;padding:10px 12px;background:#fbfcfd}
.card .t{font-size:12px;color:#57606a;line-height:1.3;min-height:31px}
.card .v{font-size:21px;font-weight:650;margin:4px 0 0;font-variant-numeric:tabular-nums}
.card .u{font-size:11px;color:#6e7781}
.card .b{font-size:12px;color:#57606a;margin-top:4px}
.good{color:#1a7f37;font-weight:600}.bad{color:#c0392b;font-weight:600}.flat{color:#57606a}
.findings{margin:14px 0 0;padding-left:20px}
.findings li{margin:4px 0}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px;
  font-variant-numeric:tabular-nums}
th,td{padding:7px 9px;border-bottom:1px solid #e6e8eb;text-align:right;vertical-align:top}
th{background:#eef1f5;color:#333;font-weight:600}
th:first-child,td:first-child{text-align:left;min-width:170px}
table.text td,table.text th{text-align:left}
td .ci{display:block;color:#8a9199;font-size:11px}
tr.base td{background:#f7f7f7}
.wrap{overflow-x:auto;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
pre{background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:10px 12px;
  font-size:12.5px;white-space:pre-wrap;overflow-wrap:anywhere}
.note{color:#57606a;font-size:13px}
a.dl{display:inline-block;background:#1f3a5f;color:#fff;text-decoration:none;padding:8px 14px;
  border-radius:6px;margin:4px 8px 4px 0}
footer{color:#6e7781;font-size:12px;margin-top:36px}
@media print{
  @page{size:A4;margin:12mm}
  body{background:#fff;font-size:11pt}
  main{padding:0;max-width:none}
  header{background:#fff;color:#000;padding:0 0 8px;border-bottom:2px solid #1f3a5f}
  header p,header .made{color:#333}
  .scenario,.lead,.wrap{box-shadow:none;border:1px solid #ddd}
  .scenario,.lead,figure,tr,pre{break-inside:avoid;page-break-inside:avoid}
  .scenario{break-before:page;page-break-before:always;padding:8px 10px;margin:0}
  .cards{grid-template-columns:repeat(4,1fr);gap:6px}
  .card{padding:6px 8px}
  .card .v{font-size:16px}
  .findings li{margin:2px 0;font-size:10pt}
  h2{break-after:avoid;page-break-after:avoid}
  .wrap{overflow:visible}
  a.dl{display:none}
}
"""

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


def _scenario_section(study: Study, row: Row, chart: str = "") -> str:
    base = study.baseline_of(row)
    cards = []
    for m in MEASURES:
        mean, low, high = row.stats[m.column]
        cls = _delta(m, row)
        extra = ""
        if m.column == "durable_value_per_head":
            extra = f" ({_e(row.cells['value_change'])})"
        elif m.column == "cost_per_durable_value":
            extra = f" ({_e(row.cells['cost_change'])})"
        elif m.column == "token_cost_per_head_year":
            extra = f" ({_e(row.cells['token_ratio'])})"
        elif m.column == "regretted_attrition":
            extra = f"; {_e(row.cells['regretted_share'])} of leavers"
        cards.append(
            f'<div class="card"><div class="t">{_e(m.title)}</div>'
            f'<div class="v {cls}">{_e(row.cells[m.column])}</div>'
            f'<div class="u">{_e(m.unit)}</div>'
            f'<div class="b">baseline {_e(base.cells[m.column])}{extra}</div></div>'
        )
    findings = "".join(f"<li>{_e(line)}</li>" for line in row.findings)
    start = f" Starts in week {row.config.regime.start_week}." if row.config is not None else ""
    return (
        f'<section class="scenario" id="{row.key}" data-row="{row.key}" data-baseline="{base.key}">'
        f'<h3><span class="swatch" style="background:{_colour(study, row)}"></span>{_e(row.name)}</h3>'
        f'<p class="desc">{_e(row.description)}{_e(start)}</p><div class="cards">{"".join(cards)}</div>'
        f'<ul class="findings" data-row="{row.key}">{findings}</ul>'
        f'<figure class="over-time">{chart}</figure></section>'
    )


VERDICT_WORDS = {"better": "better", "worse": "worse", "no different": "no different", "mixed": "mixed",
                 "too few runs": "too few runs to tell"}  # fmt: skip
OVERALL_WORDS = {"better": "beat measuring nothing", "trade-off": "a trade-off", "worse": "worse",
                 "no different": "no different", "too few runs": "too few runs to tell"}  # fmt: skip
VERDICT_CLASS = {"better": "good", "worse": "bad", "mixed": "bad", "trade-off": "bad"}


def _verdict_table(study: Study) -> str:
    """One line per policy, the best first: better, worse or no different on each count."""
    body = []
    for v in study.verdicts:
        row = study.row(v.row)
        cells = []
        for aspect in ("value", "cost", "people"):
            outcome = v.aspect(aspect)
            said = [
                j for j in v.judgements if j.criterion.aspect == aspect and j.outcome in ("better", "worse")
            ]
            detail = "; ".join(j.phrase for j in said) if aspect == "people" else ""
            if aspect != "people":
                detail = v.judgements[0 if aspect == "value" else 1].change
            cells.append(
                f'<td><span class="{VERDICT_CLASS.get(outcome, "flat")}">{_e(VERDICT_WORDS[outcome])}</span>'
                f"{f'<span class=ci>{_e(detail)}</span>' if detail else ''}</td>"
            )
        start = f"week {v.start_week}" if v.start_week is not None else ""
        body.append(
            f'<tr data-row="{v.row}"><td>'
            f'<span class="swatch" style="background:{_colour(study, row)}"></span>'
            f"{_e(v.name)}</td><td>{_e(start)}</td>{''.join(cells)}"
            f'<td><strong class="{VERDICT_CLASS.get(v.overall, "flat")}">{_e(OVERALL_WORDS[v.overall])}'
            "</strong></td></tr>"
        )
    return (
        '<div class="wrap"><table id="verdict" class="text"><thead><tr><th>Policy</th><th>Starts</th>'
        "<th>Durable value</th><th>Cost per unit of durable value</th>"
        "<th>People: burnout, attrition, top contributors leaving</th><th>Against measuring nothing</th>"
        f"</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _table(study: Study) -> str:
    measures = [*MEASURES, REGRETTED_SHARE] + ([FIRED] if _any_fired(study) else [])
    extra = [("value_change", "Durable value vs baseline"), ("cost_change", "Cost per unit vs baseline"),
             ("token_ratio", "Token spend vs baseline")]  # fmt: skip
    head = "".join(f"<th>{_e(m.title)}<br><span class='note'>{_e(m.unit)}</span></th>" for m in measures)
    head += "".join(f"<th>{_e(title)}</th>" for _, title in extra)
    body = []
    for row in study.rows:
        cells = []
        for m in measures:
            _, low, high = row.stats[m.column]
            ci = f"{_fmt(m, low)} to {_fmt(m, high)}" if np.isfinite(low) else ""
            cells.append(f"<td>{_e(row.cells[m.column])} <span class='ci'>{_e(ci)}</span></td>")
        cells += [f"<td>{_e(row.cells.get(key, '-'))}</td>" for key, _ in extra]
        cls = ' class="base"' if row.baseline is None else ""
        body.append(
            f'<tr{cls} data-row="{row.key}"><td>'
            f'<span class="swatch" style="background:{_colour(study, row)}"></span>'
            f"{_e(row.name)}</td>{''.join(cells)}</tr>"
        )
    return (
        f'<div class="wrap"><table id="comparison"><thead><tr><th>Scenario</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _assumptions(study: Study) -> str:
    cfg = study.rows[0].config
    rows = "".join(
        f"<tr><td>{_e(label)}</td><td>{_e(value(cfg))}</td><td>{_e(source)}</td><td><code>{_e(key)}</code></td></tr>"
        for key, label, value, source in ASSUMPTIONS
    )
    policies = []
    for row in study.scenarios:
        r = row.config.regime
        what = " + ".join(_weighted(k, v) for k, v in r.weights.items()) or "nothing"
        per = f", per dollar of {' and '.join(PLAIN_SIGNALS.get(k, k) for k in r.per)}" if r.per else ""
        policies.append(
            f"<tr><td>{_e(row.name)}</td><td>{_e(what + per)}</td><td>{_e(r.level)}</td>"
            f"<td>{_e(r.scoring)}</td>"
            f"<td>{r.window}</td><td>{r.pressure:.0%}</td><td>{r.forced_ranking:.0%}</td><td>{r.start_week}</td></tr>"
        )
    return (
        "<p>The organisation is simulated, not observed. Its people differ in skill, AI fluency, "
        "integrity, career concern and resilience; each week they adjust how they split their hours "
        "to do well by their own lights. Nobody is told to game the metric: performative work appears "
        "only where it pays. The full model, with every equation, default and source, is described "
        "in the file docs/model.md of the simulator.</p>"
        '<div class="wrap"><table class="text"><thead><tr><th>Assumption</th><th>Value</th><th>Source</th>'
        f"<th>Setting</th></tr></thead><tbody>{rows}</tbody></table></div>"
        f"{_robustness(robustness.shipped())}"
        "<h3 style='margin-top:18px'>The policies</h3>"
        '<p class="note">What each scenario scores people on, at what level, how, over how many weeks, '
        "how much of pay, promotion and job security rides on the score (pressure), the share let go "
        "at each review by lowest score (forced ranking), and the week the policy starts.</p>"
        '<div class="wrap"><table class="text"><thead><tr><th>Scenario</th><th>Scores</th>'
        "<th>Level</th><th>Scoring</th>"
        "<th>Window (weeks)</th><th>Pressure</th><th>Forced ranking</th><th>Starts in week</th></tr></thead>"
        f"<tbody>{''.join(policies)}</tbody></table></div>"
    )


def _robustness(found: robustness.RobustnessStudy | None) -> str:
    """Which of the simulator's general claims survive other values of the assumptions above."""
    title = "<h3 style='margin-top:18px'>How far the simulator's claims rest on these assumptions</h3>"
    if found is None:
        return f"{title}<p class='note'>This version of the simulator ships no robustness study.</p>"
    rows = "".join(
        f"<tr><td>{_e(c.claim)}</td><td>{_e(c.test)}</td><td>{_e(robustness.share_text(c))}</td>"
        f"<td>{_e(c.verdict)}</td></tr>"
        for c in found.claims
    )
    return (
        f"{title}<p class='note'>Many of the values above are assumptions. In {_e(found.described())}, "
        "each general claim of the simulator held in the share of combinations below (with its 95% "
        "interval). Rely on a claim that holds in at least 90% of them (yes); treat the others as "
        "depending on the assumptions. These are the simulator's general claims, not this report's "
        "scenarios.</p>"
        '<div class="wrap"><table class="text"><thead><tr><th>Claim</th><th>Evaluated as</th>'
        "<th>Share of combinations where it holds</th><th>In at least 90%?</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )


def _reproduce(study: Study, command: str) -> str:
    files = "".join(
        f"<h3 style='margin-top:14px'>{_e(row.name)}</h3><p class='note'>{_e(_origin(row.scenario))}</p>"
        f"<pre>{_e(row.scenario.text)}</pre>"
        for row in study.scenarios
        if row.scenario is not None
    )
    return (
        "<p>Run this from the folder the report was made in (scenario files are named relative to it) "
        "to build this report again, number for number:</p>"
        f"<pre>{_e(command)}</pre>"
        f"<p>Seeds: {_e(', '.join(str(s) for s in study.seeds))} (derived from --seed {study.seed}). "
        "Every scenario and its baseline ran on the same seeds, so they start from the same people.</p>"
        f"{files}"
    )


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
    study: Study, command: str, made: datetime.datetime | None = None, version: str | None = None
) -> str:
    """The whole report as one self-contained HTML document."""
    cfg = study.rows[0].config
    made = made or made_at()
    version = version or simulator_version()
    bands = weekly_bands(study)
    order = [study.row(v.row) for v in study.verdicts]
    sections = "".join(
        _scenario_section(study, r, _figure_html(policy_figure(study, r, bands), f"{r.name} over time"))
        for r in order
    )
    overall = "".join(f"<li>{_e(line)}</li>" for line in study.overall)
    difference = _figure_html(difference_figure(study), "Each policy against measuring nothing")
    n = len(study.seeds)
    sizes = sorted({r.config.org.n_employees for r in study.rows})
    people = f"{sizes[0]:,}" if len(sizes) == 1 else f"{sizes[0]:,} to {sizes[-1]:,} (as each scenario sets)"
    intro = (
        f"A simulated organisation of {people} people in teams of {cfg.org.team_size}, "
        f"over {cfg.org.weeks} weeks, under each policy and under no metric at all (the baseline). "
        f"Each policy ran {n} times with different people and luck; figures are averages, and "
        "the ranges are 95% intervals across those runs."
    )
    stamp = (
        f"Made {made:%d %B %Y, %H:%M} UTC by the Goodhart's law at work simulator, version {version}, "
        f"with: {command}"
    )
    files = (
        ("comparison.csv", table_frame(study), "Comparison table (CSV)"),
        ("runs.csv", study.summary, "Every run, one row each (CSV)"),
        ("weekly.csv", weekly_means(study), "Week by week, averaged (CSV)"),
    )
    downloads = "".join(
        f'<a class="dl" download="{name}" href="{_csv_uri(frame)}">{_e(text)}</a>'
        for name, frame, text in files
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Policy report: metrics at work</title>
<style>{CSS}</style></head>
<body>
<header><div class="inner"><h1>What each performance metric does to work, people and cost</h1>
<p>{_e(intro)}</p><p class="made" id="made">{_e(stamp)}</p></div></header>
<main>
<section class="lead" id="verdict-box"><h2>Verdict: each policy against measuring nothing</h2>
<ul class="findings" data-row="overall">{overall}</ul>
{_verdict_table(study)}
<figure class="difference">{difference}</figure>
<p class="note">A policy is better or worse than measuring nothing on a count only when the 95% interval
of its difference from the baseline, run by run on the same seeds, leaves out zero (the bars above;
green better, red worse, grey within the noise). People counts burnout, voluntary attrition and top
contributors leaving: worse on any of them is worse for people.</p></section>
<h2>Each policy against the baseline</h2>
<p class="note">Green: clearly better than with no metric; red: clearly worse (the 95% interval of
the difference, run by run, leaves out zero); grey: not clearly different. Costs count as costs: more
token spend is red. "Durable value" is work that is still standing four weeks later, not reverted or
rewritten; "performative work" is activity whose only effect is to move the metric. Top contributors
are the best quarter of staff by what they really contribute, help to teammates included. In the
charts, lines are averages across runs and shaded bands 95% intervals; every policy's charts share
their scales.</p>
{sections}
<h2>Comparison table</h2>
<p class="note">Averages across runs, with the 95% interval beneath in grey. Every number quoted in the
verdict and the findings above is a cell of this table.</p>
{_table(study)}
<h2>Assumptions</h2>
{_assumptions(study)}
<h2>How to reproduce this report</h2>
{_reproduce(study, command)}
<h2>Data</h2>
<p>The numbers behind this report, as spreadsheets: {downloads}</p>
<footer>Made with the Goodhart's law at work simulator, version {_e(version)}. A simulation shows
mechanisms and orders of magnitude, not a forecast for your organisation.</footer>
</main></body></html>
"""


def build_report(
    sources: Sequence[str | Path],
    out: str | Path,
    seeds: int = 5,
    seed: int = 0,
    employees: int | None = None,
    weeks: int | None = None,
    config_dirs: Sequence[str | Path] = (),
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Load the scenarios (files or preset names), run them and write the report atomically."""
    check_arguments(out, seeds, seed, employees, weeks, config_dirs)
    scenarios = [load_scenario(s, config_dirs) for s in (sources or DEFAULT_SCENARIOS)]
    base = [f"org.n_employees={employees}"] if employees is not None else []
    base += [f"org.weeks={weeks}"] if weeks is not None else []
    for scenario in scenarios:  # every config checked before any run
        scenario.config(base, config_dirs)
    study = run_study(scenarios, seeds, seed, base, config_dirs, progress)
    command = reproduce_command(
        [str(s) for s in (sources or DEFAULT_SCENARIOS)], seeds, seed, employees, weeks, config_dirs
    )
    page = render(study, command)
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


def reproduce_command(
    sources: Iterable[str], seeds: int, seed: int, employees: int | None, weeks: int | None, config_dirs=()
) -> str:
    parts = [
        "python -m sim report",
        *[_shell(relative(s)) for s in sources],
        f"--seeds {seeds}",
        f"--seed {seed}",
    ]
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
    args = parser.parse_args(argv)
    say = lambda text: print(text, file=sys.stderr)  # noqa: E731
    try:
        path = build_report(
            args.scenarios, args.out, args.seeds, args.seed, args.employees, args.weeks, args.config_dir, say
        )
    except ConfigError as error:
        say(f"error: {error}")
        return 2
    print(f"Report written to {path} ({path.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
