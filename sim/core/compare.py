"""The main job: the same organisation and seeds under no metric and under several regimes.

It prints a plain comparison table, writes the tables of every run and a dashboard figure,
and says where they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from sim.core.checks import check
from sim.core.config import Config, RegimeConfig
from sim.core.dashboard import plot_dashboard
from sim.core.outputs import config_yaml, write_table, write_text
from sim.core.presets import as_config, load_regime
from sim.core.run import replicate_seeds, simulate_batch
from sim.hr.verdict import mean_interval

BASELINE = "baseline"
NO_AI = "baseline_no_ai"  # the counterfactual that frames every comparison: no metric, no AI tools
NO_AI_LABEL = "No metric, no AI tools"
DONE = "done"  # the main job's completion marker, written last
# What field studies found AI tools do to output (docs/model.md, "AI's own effect"): the band
# the model's contrast is read against, as changes in output per person or per hour. METR's
# 19% longer per task is 1/1.19 - 1 = -16% an hour. None of them measures durable value.
AI_BAND = (-0.16, 0.26)
AI_EVIDENCE = (
    "field studies: METR 2025, 19% longer per task (-16% an hour); Brynjolfsson, Li & Raymond 2023, "
    "+14% resolutions an hour; Cui et al. 2026, +26% completed tasks a week; DORA 2024, -7.2% "
    "delivery stability per 25% more adoption"
)
AI_YEARS = (1, 2, 4)  # horizons of AI's own effect, in years of the recorded run
QUARTER = 13  # weeks before a horizon its figures average
AI_MEASURES = {  # measure -> how the contrast names it
    "durable_value_per_head": "durable value per head",
    "durable_value_per_40_hours": "durable value per 40 hours worked",
}
AI_EFFECT = "ai_effect"  # the main job's table of the contrast (docs/data-contract.md)

# What the comparison table shows: (summary column, heading, unit line, format, scale).
TABLE = (
    ("durable_value_per_head", "durable value", "per head/wk", "{:.3f}", 1.0),
    ("metric_index", "metric", "x start", "{:.2f}", 1.0),
    ("token_cost_per_head_year", "token spend", "$/head/yr", "{:,.0f}", 1.0),
    ("theater_share", "theater", "% of hours", "{:.1f}", 100.0),
    ("burnout_share", "burnout", "% staff", "{:.1f}", 100.0),
    ("attrition", "attrition", "%/yr", "{:.1f}", 100.0),
    ("regretted_share", "regretted", "% of quits", "{:.0f}", 100.0),
)


def baseline_config(cfg: Config, config_dirs: Iterable[str | Path] = ()) -> Config:
    """The same organisation with no metric, for comparison with `cfg`: only the regime
    changes, and the baseline keeps the policy's start week, so that both are summarised
    over the same weeks (a summary averages from the start week on)."""
    return replace(cfg, regime=_preset(BASELINE, cfg, config_dirs))


def _preset(name: str, cfg: Config, config_dirs: Iterable[str | Path] = ()) -> RegimeConfig:
    """A regime preset, starting in the week the selected policy starts."""
    regime = OmegaConf.to_object(load_regime(name, config_dirs))  # a RegimeConfig, as typed
    assert isinstance(regime, RegimeConfig)
    return replace(regime, start_week=cfg.regime.start_week)


def regimes_to_run(cfg: Config) -> list[RegimeConfig]:
    """Baseline first, then the selected regime, then the comparison presets (no repeats),
    every one starting in the selected regime's start week."""
    chosen: list[RegimeConfig] = []
    names: set[str] = set()
    for name in [BASELINE, cfg.regime.name, *cfg.compare]:
        if name in names:
            continue
        names.add(name)
        chosen.append(cfg.regime if name == cfg.regime.name else _preset(name, cfg))
    return chosen


def without_ai(cfg: Config) -> Config:
    """The baseline of `cfg` without AI tools: what AI does with no metric at all frames every
    comparison (a policy is judged against the organisation with AI, whose own effect this is)."""
    baseline = cfg.regime if cfg.regime.name == BASELINE else _preset(BASELINE, cfg)
    regime = replace(baseline, name=NO_AI, label=NO_AI_LABEL)
    return replace(cfg, regime=regime, production=replace(cfg.production, ai_available=False))


def run_comparison(cfg: Config) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Every regime x every replicate seed, and the baseline without AI tools when the
    organisation has them; returns stacked weekly, employee and summary tables."""
    seeds = replicate_seeds(cfg.seed, cfg.replicates)
    configs = [replace(cfg, regime=regime) for regime in regimes_to_run(cfg)]
    if cfg.production.ai_available:
        configs.append(without_ai(cfg))
    runs = [(run_cfg, seed) for run_cfg in configs for seed in seeds]
    for run_cfg in configs:
        check(run_cfg)
    # All runs step together where they can (simulate_batch); each regime's seeds share its
    # burn-in with the other regimes'.
    results = simulate_batch([c for c, _ in runs], [s for _, s in runs])
    weekly, employees, summaries = [], [], []
    for (run_cfg, seed), result in zip(runs, results, strict=True):
        keys = {"regime": run_cfg.regime.name, "seed": seed}
        weekly.append(result.weekly.assign(**keys))
        employees.append(result.employees.assign(**keys))
        summaries.append(result.summary)
    front = ["regime", "seed"]
    weekly_table = pd.concat(weekly, ignore_index=True)
    employee_table = pd.concat(employees, ignore_index=True)
    return (
        weekly_table[front + [c for c in weekly_table.columns if c not in front]],
        employee_table[front + [c for c in employee_table.columns if c not in front]],
        pd.DataFrame(summaries),
    )


def ai_horizons(weeks: int) -> list[int]:
    """The weeks AI's own effect is read at: the ends of years 1, 2 and 4 the run reaches, or
    the run's own end when it is shorter than a year."""
    return [52 * y for y in AI_YEARS if 52 * y <= weeks] or [weeks]


def ai_figures(weekly: pd.DataFrame, horizon: int) -> dict[str, float]:
    """One run's durable value per head a week and per 40 hours worked, over the quarter before
    week `horizon` (per 40 hours: the quarter's durable value over the hours its people worked)."""
    weeks = weekly[(weekly["week"] >= horizon - QUARTER) & (weekly["week"] < horizon)]
    hours = float((weeks["hours_mean"] * weeks["headcount"]).sum())
    return {
        "durable_value_per_head": float(weeks["durable_value_per_head"].mean()),
        "durable_value_per_40_hours": 40.0 * float(weeks["durable_value"].sum()) / hours
        if hours > 0
        else np.nan,
    }


def ai_effect(with_ai: Sequence[pd.DataFrame], without: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """AI's own effect with no metric: the weekly tables of the organisation with AI tools and
    without, paired by seed (the same seeds, in the same order), compared at each horizon
    (`ai_horizons`) on durable value per head and per 40 hours worked, each seed's change
    with its pair, then their mean and 95% interval (docs/data-contract.md, AI effect table)."""
    if len(with_ai) != len(without) or not with_ai:
        raise ValueError(f"ai_effect: {len(with_ai)} runs with AI against {len(without)} without")
    weeks = min(int(w["week"].max()) + 1 for w in [*with_ai, *without])
    rows = []
    for horizon in ai_horizons(weeks):
        ai = [ai_figures(w, horizon) for w in with_ai]
        none = [ai_figures(w, horizon) for w in without]
        for measure in AI_MEASURES:
            a = np.array([f[measure] for f in ai])
            b = np.array([f[measure] for f in none])
            change, low, high = mean_interval(a / np.where(b > 0, b, np.nan) - 1.0)
            rows.append(
                {
                    "horizon_weeks": horizon,
                    "years": horizon / 52.0,
                    "measure": measure,
                    "with_ai": float(a.mean()),
                    "without_ai": float(b.mean()),
                    "change": change,
                    "change_low": low,
                    "change_high": high,
                    "seeds": len(a),
                }
            )
    return pd.DataFrame(rows)


def _horizon(years: float) -> str:
    whole = {1.0: "one year", 2.0: "two years", 4.0: "four years"}
    return whole.get(years, f"{years * 52:.0f} weeks")


def ai_effect_lines(table: pd.DataFrame) -> list[str]:
    """What AI does with no metric at all, in words: one line per horizon, then the sources'
    band and whether the model's figures lie inside it."""
    lines = []
    for years, rows in table.groupby("years", sort=True):
        parts = []
        for _, r in rows.iterrows():
            interval = (
                f" [{r['change_low']:+.1%}, {r['change_high']:+.1%}]" if np.isfinite(r["change_low"]) else ""
            )
            parts.append(f"{AI_MEASURES[r['measure']]} {r['change']:+.1%}{interval}")
        lines.append(f"at {_horizon(float(years))}: " + ", ".join(parts))
    low, high = AI_BAND
    inside = bool(table["change"].between(low, high).all())
    seeds = int(table["seeds"].iloc[0])
    lines.append(f"paired by seed over {seeds} seed{'s' if seeds != 1 else ''}, with 95% intervals")
    lines.append(f"{AI_EVIDENCE[0].upper()}{AI_EVIDENCE[1:]}.")
    lines.append(
        f"Their band, {low:+.0%} to {high:+.0%} in output, "
        + ("holds the model's figures" if inside else "leaves the model's figures outside")
        + "; they count tasks, not durable value (docs/model.md, AI's own effect)."
    )
    return lines


def comparison_table(summary: pd.DataFrame) -> str:
    """The plain table printed at the end of the main job: means over seeds."""
    means = summary.groupby("regime", sort=False).agg(
        {"label": "first", **{col: "mean" for col, *_ in TABLE}}
    )
    width = max(len(label) for label in means["label"]) + 2
    cols = [max(len(h), len(u)) + 2 for _, h, u, _, _ in TABLE]
    lines = [
        "".ljust(width) + "".join(h.rjust(w) for (_, h, *_), w in zip(TABLE, cols, strict=True)),
        "".ljust(width) + "".join(u.rjust(w) for (_, _, u, *_), w in zip(TABLE, cols, strict=True)),
    ]
    for _, row in means.iterrows():
        cells = []
        for (col, _, _, fmt, scale), w in zip(TABLE, cols, strict=True):
            value = row[col]
            cells.append(("-" if pd.isna(value) else fmt.format(value * scale)).rjust(w))
        lines.append(row["label"][: width - 2].ljust(width) + "".join(cells))
    return "\n".join(lines)


def readings(summary: pd.DataFrame) -> list[str]:
    """One plain sentence per regime, against the baseline, from the numbers."""
    means = summary.groupby("regime", sort=False).mean(numeric_only=True)
    labels = summary.groupby("regime", sort=False)["label"].first()
    if BASELINE not in means.index:
        return []
    base = means.loc[BASELINE]
    lines = []
    for regime, row in means.drop(index=[BASELINE, NO_AI], errors="ignore").iterrows():
        value = row["durable_value_per_head"] / base["durable_value_per_head"] - 1.0
        tokens = row["token_cost_per_head_year"] / max(base["token_cost_per_head_year"], 1e-9)
        lines.append(
            f"{labels[regime]}: the metric moved to {row['metric_index']:.1f}x its starting level; "
            f"durable value {value:+.0%} against the baseline; token spend {tokens:.1f}x; "
            f"{row['theater_share']:.0%} of hours were theater; burnout {row['burnout_share']:.0%} "
            f"(baseline {base['burnout_share']:.0%})."
        )
    return lines


def main_job_ai_effect(weekly: pd.DataFrame) -> pd.DataFrame | None:
    """AI's own effect from the main job's weekly table: the baseline against the baseline
    without AI tools, seed by seed; None when the job ran no organisation without them."""
    if NO_AI not in set(weekly["regime"]):
        return None
    runs = {key: run for key, run in weekly.groupby(["regime", "seed"], sort=False)}
    seeds = [seed for regime, seed in runs if regime == NO_AI]
    return ai_effect([runs[BASELINE, s] for s in seeds], [runs[NO_AI, s] for s in seeds])


def main_job(config: Config | DictConfig, out_dir: str | Path = ".") -> Path:
    cfg = as_config(config)
    check(cfg)
    out = Path(out_dir, cfg.output.dir).resolve()
    weekly, employees, summary = run_comparison(cfg)
    effect = main_job_ai_effect(weekly)
    (out / DONE).unlink(missing_ok=True)  # a rerun into the same folder is incomplete until it ends
    suffix = ".parquet" if cfg.output.format == "parquet" else ".csv"
    tables = [f"weekly{suffix}", f"employees{suffix}", f"summary{suffix}"]
    write_table(weekly, out / f"weekly{suffix}", "weekly")
    write_table(employees, out / f"employees{suffix}", "employees")
    write_table(summary, out / f"summary{suffix}", "summary")
    if effect is not None:
        write_table(effect, out / f"{AI_EFFECT}{suffix}", AI_EFFECT)
        tables.append(f"{AI_EFFECT}{suffix}")
    else:
        (out / f"{AI_EFFECT}{suffix}").unlink(missing_ok=True)  # an earlier run's would not be this one's
    write_text(config_yaml(cfg), out / "config.yaml")
    figure = (
        plot_dashboard(weekly, out / "dashboard.png", start_week=cfg.regime.start_week, frames=(NO_AI,))
        if cfg.output.figure
        else None
    )
    files = [*tables, "config.yaml"] + ([figure.name] if figure else [])
    marker = {"files": files, "runs": len(summary), "regimes": list(dict.fromkeys(summary["regime"]))}
    write_text(json.dumps(marker, indent=1) + "\n", out / DONE)

    print(
        f"\nGoodhart's law at work: {cfg.org.n_employees} employees in teams of {cfg.org.team_size}, "
        f"{cfg.org.weeks} weeks, {cfg.replicates} seed{'s' if cfg.replicates != 1 else ''} each; "
        f"policies start in week {cfg.regime.start_week}, "
        f"pressure {cfg.regime.pressure:g} for {cfg.regime.label}.\n"
    )
    if effect is not None:
        print("What AI does with no metric at all (with AI tools against without, same seeds):")
        for line in ai_effect_lines(effect):
            print("  " + line)
        print("Every policy below is compared with the organisation that has AI tools.\n")
    print(comparison_table(summary))
    print()
    for line in readings(summary):
        print("- " + line)
    print(f"\nOutputs in {out}:")
    for name in files:
        print(f"  {name}")
    return out
