"""What a policy search found, checked against noise: the presets, fresh seeds, and a page.

The search ranks its trials on the seeds it ran them on, so its best policy is partly the
luckiest (the winner's curse). Here the best policies, measuring nothing and the best preset
are run again on fresh seeds, paired seed by seed, and a searched policy is said to beat
another only when the 95% t interval of the paired difference in durable value per $1M leaves
out zero and burnout is not clearly higher. The summary is an HTML page in the report's style.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.core.presets import load_regime, preset_names  # noqa: E402
from sim.core.run import replicate_seeds  # noqa: E402
from sim.hr.verdict import BETTER, SAME, UNKNOWN, WORSE, call, mean_interval, paired_difference  # noqa: E402

CONFIRM_SEEDS = 3  # at least this many fresh seeds, so an interval can be had


@dataclass
class Check:
    """The presets on the search's seeds, and the best policies re-run on fresh seeds."""

    presets: pd.DataFrame  # one row per preset: its outcomes on the search's seeds
    confirmation: pd.DataFrame  # one row per contender on fresh seeds, with paired differences
    best_preset: str | None  # the preset's label, or None when no preset kept to the ceilings
    fresh_seeds: list[int] = field(default_factory=list)
    search_seeds: list[int] = field(default_factory=list)


def fresh_seeds(seed: int, seeds: int) -> tuple[list[int], list[int]]:
    """The search's seeds and as many fresh ones (at least CONFIRM_SEEDS), from one seed:
    SeedSequence's children do not depend on how many are drawn, so these never overlap."""
    n = max(seeds, CONFIRM_SEEDS)
    every = replicate_seeds(seed, seeds + n)
    return every[:seeds], every[seeds:]


def evaluate_presets(
    evaluate: Callable[[Any, Sequence[str], Sequence[int]], Mapping[str, Any]],
    base: Sequence[str],
    seeds: Sequence[int],
    feasible: Callable[[Mapping[str, Any]], bool],
    presets: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Every regime preset but the baseline, on the search's own seeds."""
    names = [p for p in (presets if presets is not None else preset_names("regime")) if p != "baseline"]
    records = []
    for name in names:
        outcome = evaluate(name, base, seeds)
        label = str(load_regime(name).get("label", name))
        records.append({"preset": name, "label": label, **outcome, "feasible": feasible(outcome)})
        if progress:
            progress(f"preset {label}: {outcome['value_per_million']:.1f} durable value per $1M")
    return pd.DataFrame(records)


def check_search(
    best: pd.DataFrame,
    presets: pd.DataFrame,
    evaluate: Callable[[Any, Sequence[str], Sequence[int]], Mapping[str, Any]],
    base: Sequence[str],
    seeds: Sequence[int],
    search_seeds: Sequence[int] = (),
    no_metric: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Check:
    """Run the best searched policies, no metric and the best feasible preset on fresh seeds."""
    feasible = presets[presets["feasible"]] if len(presets) else presets
    top = feasible.sort_values("value_per_million", ascending=False).head(1)
    contenders: list[tuple[str, str, Any]] = [("no metric", "reference", dict(no_metric or {"weights": {}}))]
    if len(top):
        contenders.append((str(top["label"].iloc[0]), "preset", str(top["preset"].iloc[0])))
    for rank, (_, row) in enumerate(best.iterrows(), start=1):
        contenders.append((f"Searched policy {rank} (trial {row['trial']})", "searched", row["_policy"]))
    records = []
    for name, kind, policy in contenders:
        if progress:
            progress(f"fresh seeds: {name}")
        outcome = evaluate(policy, base, seeds)
        records.append({"name": name, "kind": kind, **outcome})
    frame = pd.DataFrame(records)
    compare(frame)
    return Check(
        presets,
        frame,
        str(top["label"].iloc[0]) if len(top) else None,
        list(seeds),
        list(search_seeds),
    )


def compare(frame: pd.DataFrame) -> pd.DataFrame:
    """Paired differences of every contender from no metric and from the preset, seed by seed.

    Adds, per reference (`none`, `preset`): the difference in durable value per $1M and in
    burnout with their 95% intervals, and the call: better, worse, no different, a trade-off
    (more value for more burnout) or too few runs."""
    references = {"none": frame[frame["kind"] == "reference"], "preset": frame[frame["kind"] == "preset"]}
    for key, ref in references.items():
        for column, runs, better in (
            ("value", "value_per_million_runs", +1),
            ("burnout", "burnout_runs", -1),
        ):
            stats = [
                paired_difference(r[runs], ref[runs].iloc[0]) if len(ref) else (np.nan,) * 3
                for _, r in frame.iterrows()
            ]
            for i, part in enumerate(("", "_low", "_high")):
                frame[f"{column}_vs_{key}{part}"] = [s[i] for s in stats]
            frame[f"{column}_call_{key}"] = [call(*s, better) for s in stats]
        frame[f"vs_{key}"] = [
            _overall(v, b) if len(ref) else ""
            for v, b in zip(frame[f"value_call_{key}"], frame[f"burnout_call_{key}"], strict=True)
        ]
    return frame


def _overall(value: str, burnout: str) -> str:
    if UNKNOWN in (value, burnout):
        return UNKNOWN
    if value == BETTER:
        return "trade-off" if burnout == WORSE else BETTER
    if value == WORSE or burnout == WORSE:
        return WORSE
    return BETTER if burnout == BETTER else SAME


def _interval(mean: float, low: float, high: float) -> str:
    return f"{low:+.1f} to {high:+.1f}" if np.isfinite(low) else "no interval"


def verdict(check: Check, ceilings: Any = None) -> list[str]:
    """Whether any searched policy beat measuring nothing and the best preset, in plain words.
    With the `ceilings`, an empty front whose cause is measuring nothing itself being over
    them (common in an organisation's plausible versions) is said so."""
    frame = check.confirmation
    searched = frame[frame["kind"] == "searched"]
    none = frame[frame["kind"] == "reference"].iloc[0]
    n = len(check.fresh_seeds)
    runs = f"on {n} fresh runs (seeds the search never saw)"
    if searched.empty:
        over = ceilings is not None and (
            none["burnout"] > ceilings.burnout or none["attrition"] > ceilings.attrition
        )
        if over:
            return [
                f"Measuring nothing is itself over the ceilings here: {none['burnout']:.1%} burned out "
                f"and {none['attrition']:.1%} attrition a year {runs}, against ceilings of "
                f"{ceilings.burnout:.0%} and {ceilings.attrition:.0%}. No searched policy kept to them, "
                "so none is offered: raise --max-burnout or --max-attrition above what measuring "
                "nothing gives to compare policies."
            ]
        return ["No searched policy kept to the ceilings, so none is offered: raise them or run more trials."]
    lines = []
    winners = searched[searched["vs_none"] == BETTER]
    for _, r in winners.iterrows():
        lines.append(
            f"{r['name']} beat measuring nothing {runs}: {r['value_per_million']:.1f} durable value per $1M "
            f"against {none['value_per_million']:.1f} (95% interval of the difference "
            f"{_interval(r['value_vs_none'], r['value_vs_none_low'], r['value_vs_none_high'])}), "
            f"with burnout {r['burnout']:.1%} against {none['burnout']:.1%}, not clearly higher."
        )
    if winners.empty:
        best = searched.sort_values("value_per_million", ascending=False).iloc[0]
        said = {
            SAME: "within the run-to-run noise",
            WORSE: "worse",
            "trade-off": "more value for more burnout",
            UNKNOWN: "too few runs to tell",
        }.get(best["vs_none"], best["vs_none"])
        lines.append(
            f"No searched policy beat measuring nothing beyond the noise. {runs.capitalize()}, the best, "
            f"{best['name']}, gave {best['value_per_million']:.1f} durable value per $1M against "
            f"{none['value_per_million']:.1f} with no metric ({said}; 95% interval of the difference "
            f"{_interval(best['value_vs_none'], best['value_vs_none_low'], best['value_vs_none_high'])}), "
            f"and {best['burnout']:.1%} burned out against {none['burnout']:.1%}."
        )
    if check.best_preset is None:
        lines.append("No preset kept to the ceilings, so there is no preset to compare with.")
        return lines
    preset = frame[frame["kind"] == "preset"].iloc[0]
    beat = searched[searched["vs_preset"] == BETTER]
    lead = beat.iloc[0] if len(beat) else searched.sort_values("value_per_million", ascending=False).iloc[0]
    same = lead["value_vs_preset_low"] == lead["value_vs_preset_high"] == 0
    word = (
        "is the same policy in effect"
        if same
        else {
            BETTER: "beat it",
            SAME: "was no different from it beyond the noise",
            WORSE: "was worse",
            "trade-off": "gave more value for more burnout",
            UNKNOWN: "could not be told apart from it",
        }[lead["vs_preset"]]
    )
    lines.append(
        f"The best preset within the ceilings was {check.best_preset}: {preset['value_per_million']:.1f} "
        f"durable value per $1M {runs}, {preset['burnout']:.1%} burned out. {lead['name']} {word} "
        f"(95% interval of the difference in value per $1M "
        f"{_interval(lead['value_vs_preset'], lead['value_vs_preset_low'], lead['value_vs_preset_high'])})."
    )
    return lines


# -- the chart ---------------------------------------------------------------------------------


def front_figure(
    table: pd.DataFrame, presets: pd.DataFrame, ceilings: Any, names: dict[int, str]
) -> plt.Figure:
    """Durable value per $1M against burnout, as the difference from measuring nothing, every trial
    and preset on the search's seeds; the front and the presets with 95% intervals and names."""
    from sim.hr.report import CHART_DPI, CHART_WIDTH, LABEL_PT, TICK_PT

    none = table[table["no_metric"] & (table["reference"] == "no metric")]
    none = none.iloc[0] if len(none) else table[table["no_metric"]].iloc[0]
    base_runs = np.asarray(none["_value_runs"], dtype=float)
    base_mean = float(base_runs.mean())

    def point(value_runs, burnout_runs) -> tuple[float, float, float, float, float, float]:
        v = [x / base_mean * 100 for x in paired_difference(value_runs, base_runs)]
        b = [x * 100 for x in mean_interval(burnout_runs)]
        return b[0], v[0], b[0] - b[1], b[2] - b[0], v[0] - v[1], v[2] - v[0]

    fig, ax = plt.subplots(figsize=(CHART_WIDTH, 5.0), dpi=CHART_DPI)
    policies = table[~table["no_metric"]]
    styles: list[tuple[bool, dict[str, Any]]] = [
        (False, dict(facecolors="none", edgecolors="#aaaaaa")),
        (True, dict(color="#56B4E9")),
    ]
    for feasible, style in styles:
        part = policies[policies["feasible"] == feasible]
        xy = [point(r["_value_runs"], r["_burnout_runs"]) for _, r in part.iterrows()]
        ax.scatter([p[0] for p in xy], [p[1] for p in xy], s=22, zorder=2,
                   label="within the ceilings" if feasible else "over a ceiling", **style)  # fmt: skip
    front = policies[policies["pareto"]].sort_values("burnout")
    xy = [point(r["_value_runs"], r["_burnout_runs"]) for _, r in front.iterrows()]
    if xy:
        ax.errorbar(
            [p[0] for p in xy], [p[1] for p in xy], xerr=[[p[2] for p in xy], [p[3] for p in xy]],
            yerr=[[p[4] for p in xy], [p[5] for p in xy]], fmt="-o", color="#D55E00", ms=6, lw=1.4,
            elinewidth=1, capsize=2, label="Pareto front (95% intervals)", zorder=3,
        )  # fmt: skip
        for (_, r), p in zip(front.iterrows(), xy, strict=True):
            label = names.get(int(r["trial"]), f"trial {r['trial']}")
            ax.annotate(label, (p[0], p[1]), xytext=(6, 6), textcoords="offset points", fontsize=LABEL_PT,
                        color="#8a3b00", fontweight="bold")  # fmt: skip
    if len(presets):
        xy = [point(r["value_per_million_runs"], r["burnout_runs"]) for _, r in presets.iterrows()]
        ax.errorbar(
            [p[0] for p in xy], [p[1] for p in xy], xerr=[[p[2] for p in xy], [p[3] for p in xy]],
            yerr=[[p[4] for p in xy], [p[5] for p in xy]], fmt="s", color="#555555", ms=5, elinewidth=0.8,
            capsize=2, label="presets (95% intervals)", zorder=3, alpha=0.7,
        )  # fmt: skip
        for letter, p in zip(preset_letters(presets), xy, strict=False):
            ax.annotate(letter, (p[0], p[1]), xytext=(5, -13), textcoords="offset points",
                        fontsize=LABEL_PT, color="#444444")  # fmt: skip
    x0 = float(none["burnout"]) * 100
    ax.axhline(0, color="#333333", lw=0.9)
    ax.plot([x0], [0], "D", color="#000000", ms=6, zorder=4)
    ax.annotate("no metric", (x0, 0), xytext=(2, 12), textcoords="offset points", fontsize=LABEL_PT,
                fontweight="bold", bbox=dict(facecolor="white", edgecolor="none", pad=1))  # fmt: skip
    ax.axvline(ceilings.burnout * 100, color="#999999", ls=":", lw=1)
    ax.annotate("burnout ceiling", (ceilings.burnout * 100, 0), xycoords=("data", "axes fraction"),
                xytext=(4, 4), textcoords="offset points", fontsize=LABEL_PT, color="#666666")  # fmt: skip
    ax.set_xlabel("burned out, % of staff on average", fontsize=LABEL_PT)
    ax.set_ylabel("durable value per $1M, % against no metric", fontsize=LABEL_PT)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda y, _: f"{y:+.0f}%" if y else "0"))
    ax.set_xlim(left=0)
    ax.tick_params(labelsize=TICK_PT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(color="#eeeeee", lw=0.6)
    ax.legend(fontsize=LABEL_PT, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    return fig


def preset_letters(presets: pd.DataFrame) -> list[str]:
    """Short names for the presets in the chart (A, B, ...), spelt out in the presets' table."""
    return [chr(ord("A") + k) for k in range(len(presets))]


def figure_png(fig: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


# -- the page ----------------------------------------------------------------------------------


def summary_html(
    table: pd.DataFrame,
    best: pd.DataFrame,
    files: Sequence[str],
    check: Check | None,
    ceilings: Any,
    command: str,
    png: bytes,
    made: str,
    where: str = "a simulated organisation",
    organisation: Sequence[str] = (),
    org: str | None = None,
) -> str:
    """The search's summary: its verdict first, then the chart, the best policies and the presets.
    `where` the policies ran, and `organisation`: plain sentences on the versions of a profiled
    organisation they ran in, and `org` the profile they were searched for (search --org): the
    report command it suggests then judges them across that organisation's plausible versions."""
    from sim.hr.report import CHART_WIDTH, CSS, CSS_PX_PER_INCH, _e

    lines = verdict(check, ceilings) if check is not None else []
    feasible = int((table["feasible"] & ~table["no_metric"]).sum())
    degenerate = int(table["no_metric"].sum())
    file_of = {int(r["trial"]): f for f, (_, r) in zip(files, best.iterrows(), strict=False)}
    front_rows = "".join(
        f"<tr><td>{_e(file_of.get(int(r['trial']), ''))}</td><td>{r['trial']}</td>"
        f"<td>{r['value_per_million']:.1f} ± {r['value_per_million_se']:.1f}</td><td>{r['burnout']:.1%}</td>"
        f"<td>{r['attrition']:.1%}</td><td>{r['regretted_share']:.0%}</td><td>{_e(r['policy'])}</td></tr>"
        for _, r in table[table["pareto"]].sort_values("value_per_million", ascending=False).iterrows()
    )
    confirm_rows = ""
    if check is not None:
        words = {BETTER: "good", WORSE: "bad", "trade-off": "bad"}
        for _, r in check.confirmation.iterrows():
            cells = []
            for key in ("none", "preset"):
                outcome = r[f"vs_{key}"] if r["kind"] == "searched" else ""
                detail = _interval(r[f"value_vs_{key}"], r[f"value_vs_{key}_low"], r[f"value_vs_{key}_high"])
                cells.append(
                    f'<td><span class="{words.get(outcome, "flat")}">{_e(outcome or "-")}</span>'
                    + (f'<span class="ci">value per $1M {_e(detail)}</span>' if outcome else "")
                    + "</td>"
                )
            confirm_rows += (
                f"<tr><td>{_e(r['name'])}</td><td>{r['value_per_million']:.1f}</td><td>{r['burnout']:.1%}</td>"
                f"<td>{r['attrition']:.1%}</td>{''.join(cells)}</tr>"
            )
    preset_rows = ""
    if check is not None and len(check.presets):
        preset_rows = "".join(
            f"<tr><td>{letter}</td><td>{_e(r['label'])}</td><td>{r['value_per_million']:.1f}</td>"
            f"<td>{r['burnout']:.1%}</td><td>{r['attrition']:.1%}</td>"
            f"<td>{'yes' if r['feasible'] else 'no'}</td></tr>"
            for letter, (_, r) in zip(preset_letters(check.presets), check.presets.iterrows(), strict=True)
        )
    report = (
        "<p>Compare them against measuring nothing, run by run, in a report"
        + (" across the plausible versions of your organisation" if org else "")
        + ":</p>"
        f"<pre>python -m sim report {' '.join(_e(f) for f in files)} --seeds 5"
        + (f" --org {_e(org)}" if org else "")
        + "</pre>"
        if files
        else ""
    )
    width = round(CHART_WIDTH * CSS_PX_PER_INCH)
    chart = base64.b64encode(png).decode("ascii")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Policy search: metrics at work</title>
<style>{CSS}</style></head>
<body>
<header><div class="inner"><h1>Policy search: which metric design holds up</h1>
<p>{len(table)} policies tried on {_e(where)}, judged on durable value per $1M of salaries,
tokens and replacement (higher is better) and on burnout (lower is better), with ceilings of
{ceilings.burnout:.0%} of staff burned out and {ceilings.attrition:.0%} attrition a year.</p>
{"".join(f'<p class="org">{_e(line)}</p>' for line in organisation)}
<p class="made" id="made">{_e(made)} with: {_e(command)}</p></div></header>
<main>
<section class="lead" id="verdict-box"><h2>Verdict: did any searched policy beat measuring nothing?</h2>
<ul class="findings" data-row="overall">{"".join(f"<li>{_e(line)}</li>" for line in lines)}</ul>
<div class="wrap"><table class="text" id="confirmation"><thead><tr><th>On fresh seeds</th>
<th>Durable value per $1M</th><th>Burned out</th><th>Attrition a year</th><th>Against no metric</th>
<th>Against the best preset</th></tr></thead><tbody>{confirm_rows}</tbody></table></div>
<p class="note">A searched policy beats another when the 95% interval of the paired difference in
durable value per $1M, seed by seed, leaves out zero and burnout is not clearly higher. The search
picks its best on the seeds it ran, which flatters them; these runs use seeds it never saw.</p></section>
<h2>Every policy tried</h2>
<figure><img class="chart" width="{width}" alt="Policies tried: value for money against burnout"
src="data:image/png;base64,{chart}"></figure>
<p class="note">Each point is a policy, on the search's own seeds; bars are 95% intervals. {degenerate}
trial(s) scored no signal or put nothing on the score (pressure under 5%, nobody let go): they are
measuring nothing under another name, drawn as "no metric" and never offered. {feasible} policies kept
to the ceilings.</p>
<h2>The best policies</h2>
<p class="note">The Pareto front: no policy tried beats one of these on both value for money and burnout;
choosing among them is a judgement about how much burnout a gain is worth. Value per $1M is shown with
its standard error across seeds.</p>
<div class="wrap"><table class="text" id="front"><thead><tr><th>File</th><th>Trial</th>
<th>Value per $1M</th><th>Burned out</th><th>Attrition a year</th><th>Top contributors among leavers</th>
<th>What it measures</th></tr></thead><tbody>{front_rows}</tbody></table></div>
{report}
<h2>The presets, on the search's seeds</h2>
<div class="wrap"><table class="text" id="presets"><thead><tr><th>In the chart</th><th>Preset</th>
<th>Value per $1M</th><th>Burned out</th><th>Attrition a year</th><th>Within the ceilings</th></tr></thead>
<tbody>{preset_rows}</tbody></table></div>
<footer>A simulation shows mechanisms and orders of magnitude, not a forecast for your organisation.</footer>
</main></body></html>
"""
