"""The dashboard figure: what the metric shows beside what is really happening, over time."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from sim.core.outputs import write_atomic  # noqa: E402

PANELS = (
    ("metric_index", "What the dashboard shows: the metric", "x its starting level", 1.0),
    ("durable_value_per_head", "What is really happening: durable value", "value units / head / week", 1.0),
    ("share_theater", "Gaming: theater", "% of hours", 100.0),
    ("burnout_share", "Burnout", "% of staff", 100.0),
    ("attrition_annualised", "Voluntary attrition", "% a year (13-week window)", 100.0),
    ("token_cost_per_head", "Token cost", "$ / head / year", 52.0),
)


def plot_dashboard(
    weekly: pd.DataFrame, path: str | Path, start_week: int = 0, frames: tuple[str, ...] = ()
) -> Path:
    """One line per regime (mean over seeds, band = range over seeds); baseline dashed grey,
    and the counterfactuals in `frames` (the baseline without AI tools) dotted grey."""
    fig, axes = plt.subplots(2, 3, figsize=(15, 8), constrained_layout=True)
    regimes = list(dict.fromkeys(weekly["regime"]))
    palette = plt.get_cmap("tab10")
    colours = (palette(k) for k in range(palette.N))
    for regime in regimes:
        runs = weekly[weekly["regime"] == regime]
        style: dict[str, object]
        if regime == "baseline":
            style = {"color": "0.45", "linestyle": "--"}
        elif regime in frames:
            style = {"color": "0.6", "linestyle": ":"}
        else:
            style = {"color": next(colours)}
        for ax, (column, title, unit, scale) in zip(axes.flat, PANELS, strict=True):
            by_week = runs.groupby("week")[column]
            mean, low, high = by_week.mean() * scale, by_week.min() * scale, by_week.max() * scale
            if mean.isna().all():
                continue
            ax.plot(mean.index, mean.values, label=regime, linewidth=1.8, **style)
            ax.fill_between(
                mean.index, low.values, high.values, alpha=0.15, color=style["color"], linewidth=0
            )
            ax.set_title(title, fontsize=11, loc="left")
            ax.set_ylabel(unit)
    for ax in axes.flat:
        if start_week > 0:
            ax.axvline(start_week, color="0.7", linewidth=0.8)
        ax.set_xlabel("week")
        ax.grid(alpha=0.25)
    axes.flat[1].legend(fontsize=8, frameon=False)
    fig.suptitle("Goodhart's law at work: the metric against reality", fontsize=13)
    path = Path(path)
    write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    plt.close(fig)
    return path
