"""Goodhart's law by channel: how much of each regime's change in durable value per head, against
measuring nothing, comes through each channel (docs/validation.md, "Goodhart's law by channel").

    python experiments/channels.py              # 10 seeds of 500 over two years: about 6 minutes on a core
    python experiments/channels.py --quick      # a smoke run in seconds
    python experiments/channels.py --regimes token_leaderboard team_outcome behaviour.judgement_noise=0.5

Four channels can be knocked out (`Config.channels`, docs/model.md "Channels of Goodhart's
law"): honest over-use of what is measured, gaming, selection (whom people and hires copy)
and managers' expectations. Every regime and the baseline run under all 16 subsets of them
on common seeds. The value of a subset S on a seed is the regime's durable value per head
less the baseline's, both with the channels outside S knocked out, as a percentage of the
baseline's with every channel on. Each channel's part is its Shapley value over the 16
subsets: its effect added last, first and everywhere between, weighted as Shapley weighs
orderings, so interactions are shared out evenly between the channels involved and no
order of knocking out is privileged. "Rest" is the change with all four knocked out (what
the regime does through nothing the four name: anxiety over scores, trust, reward-driven
quits). Per seed, the parts and the rest sum to the total exactly (Shapley's efficiency),
so the means do too; each interval is Student's t across seeds, paired by seed. The CSV
also gives each channel's one-at-a-time effect (everything on, that channel off) and the
interaction left when those are summed.

Writes OUT/channels.csv (the decomposition), OUT/channels_runs.csv (every run's figures),
OUT/channels.md (the table) and OUT/channels.png, and prints the table.
"""

from __future__ import annotations

import argparse
import itertools
import math
import shlex
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields, replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's `sim`

from sim.core.checks import ConfigError  # noqa: E402
from sim.core.config import ChannelsConfig, Config  # noqa: E402
from sim.core.outputs import write_atomic, write_table, write_text  # noqa: E402
from sim.core.presets import preset_names  # noqa: E402
from sim.core.run import replicate_seeds, resolve, simulate_batch  # noqa: E402
from sim.studies.validate import interval  # noqa: E402

BASELINE = "baseline"
CHANNELS = tuple(f.name for f in fields(ChannelsConfig))
LABELS = {
    "honest_overuse": "honest over-use",
    "gaming_actions": "gaming",
    "selection": "selection",
    "expectations": "expectations",
    "rest": "rest (none of the four)",
}
PARTS = (*CHANNELS, "rest")
MEASURES = ("durable_value_per_head", "theater_share", "burnout_share", "hours_mean")


def subsets() -> list[frozenset[str]]:
    """Every subset of the channels, as the channels left on."""
    return [frozenset(c) for k in range(len(CHANNELS) + 1) for c in itertools.combinations(CHANNELS, k)]


def name(on: frozenset[str]) -> str:
    """A subset by the channels knocked out ('none' when all are on)."""
    off = [c for c in CHANNELS if c not in on]
    return "+".join(off) if off else "none"


def with_channels(cfg: Config, on: frozenset[str]) -> Config:
    return replace(cfg, channels=ChannelsConfig(**{c: c in on for c in CHANNELS}))


def shapley(value: Mapping[frozenset[str], np.ndarray]) -> dict[str, np.ndarray]:
    """Each channel's Shapley value of the game `value` (a subset of channels on -> its worth,
    an array over seeds): its marginal worth averaged over every order of switching on."""
    n = len(CHANNELS)
    parts = {}
    for channel in CHANNELS:
        total = np.zeros_like(np.asarray(value[frozenset()], dtype=float))
        for others in subsets():
            if channel in others:
                continue
            weight = math.factorial(len(others)) * math.factorial(n - len(others) - 1) / math.factorial(n)
            total = total + weight * (value[others | {channel}] - value[others])
        parts[channel] = total
    return parts


def decompose(value: Mapping[frozenset[str], np.ndarray]) -> dict[str, np.ndarray]:
    """The total (every channel on), each channel's Shapley part and the rest (none on), which
    sum to the total; and each channel's one-at-a-time effect with the interaction they leave."""
    everything = frozenset(CHANNELS)
    out = {"total": value[everything], **shapley(value), "rest": value[frozenset()]}
    alone = {c: value[everything] - value[everything - {c}] for c in CHANNELS}
    out.update({f"{c}_one_at_a_time": v for c, v in alone.items()})
    out["interaction_one_at_a_time"] = value[everything] - value[frozenset()] - sum(alone.values())
    return out


def run(
    regimes: Sequence[str], size: int, weeks: int, seeds: Sequence[int], overrides: Iterable[str] = ()
) -> pd.DataFrame:
    """Every regime and the baseline under every subset of channels, on the same seeds: one
    row per run with its figures. One regime's runs go in one call (`simulate_batch`)."""
    rows = []
    common = [f"org.n_employees={size}", f"org.weeks={weeks}", *overrides]
    for regime in [BASELINE, *regimes]:
        cfg = resolve(None, [f"regime={regime}", *common])
        plan = [(on, seed) for on in subsets() for seed in seeds]
        results = simulate_batch([with_channels(cfg, on) for on, _ in plan], [seed for _, seed in plan])
        for (on, seed), result in zip(plan, results, strict=True):
            row = {"regime": regime, "channels_off": name(on), "seed": seed}
            row.update({m: float(result.summary[m]) for m in MEASURES})
            rows.append(row)
    return pd.DataFrame(rows)


def table(runs: pd.DataFrame, measure: str = "durable_value_per_head") -> pd.DataFrame:
    """Each regime's change in `measure` against the baseline and its parts, per cent of the
    baseline's with every channel on, with 95% intervals across seeds (paired by seed)."""
    wide = runs.pivot_table(index=["regime", "seed"], columns="channels_off", values=measure)
    base = wide.loc[BASELINE]
    reference = base["none"].to_numpy()
    rows = []
    for regime in dict.fromkeys(runs["regime"]):
        if regime == BASELINE:
            continue
        here = wide.loc[regime].loc[base.index]
        value = {on: (here[name(on)] - base[name(on)]).to_numpy() / reference * 100.0 for on in subsets()}
        row: dict[str, float | str] = {"regime": regime, "seeds": len(reference)}
        for part, values in decompose(value).items():
            mean, low, high = interval(values)
            row.update({part: mean, f"{part}_low": low, f"{part}_high": high})
        rows.append(row)
    return pd.DataFrame(rows)


def render(parts: pd.DataFrame, command: str, size: int, weeks: int, seeds: int) -> str:
    def ci(row: pd.Series, part: str) -> str:
        text = f"{row[part]:+.2f} [{row[part + '_low']:+.2f}, {row[part + '_high']:+.2f}]"
        within_noise = row[part + "_low"] <= 0.0 <= row[part + "_high"]
        return f"{text} ~" if within_noise else text

    heads = ["total", *PARTS]
    lines = [
        f"`{command}`: every regime against the baseline (no metric) on the same {seeds} seeds of "
        f"{size} people over {weeks} weeks, under all 16 subsets of knocked-out channels. Change in "
        "durable value per head over the weeks the policy is in force, in % of the baseline's; "
        "mean and 95% interval across seeds, paired by seed. Each channel's part is its Shapley "
        "value over the knock-out subsets; the parts and the rest sum to the total. ~ marks an "
        "interval that holds 0 (within noise).",
        "",
        "| regime | " + " | ".join(["total", *(LABELS[p] for p in PARTS)]) + " |",
        "|---" * (len(heads) + 1) + "|",
    ]
    for _, row in parts.iterrows():
        lines.append(f"| {row['regime']} | " + " | ".join(ci(row, p) for p in heads) + " |")
    return "\n".join(lines) + "\n"


def plot(parts: pd.DataFrame, size: int, weeks: int, seeds: int) -> plt.Figure:
    """Per regime, the total change and each part, with its 95% interval."""
    heads = ["total", *PARTS]
    colours = ["black", "tab:blue", "tab:red", "tab:green", "tab:orange", "tab:grey"]
    figure, axes = plt.subplots(figsize=(8.0, 0.75 * len(parts) + 1.6))
    height = 0.8 / len(heads)
    for k, (part, colour) in enumerate(zip(heads, colours, strict=True)):
        y = np.arange(len(parts)) + (k - (len(heads) - 1) / 2) * height
        mean = parts[part].to_numpy()
        err = [mean - parts[f"{part}_low"].to_numpy(), parts[f"{part}_high"].to_numpy() - mean]
        label = "total change" if part == "total" else LABELS[part]
        axes.barh(y, mean, height=height, color=colour, xerr=err, capsize=2, label=label)
    axes.axvline(0.0, color="black", linewidth=0.6)
    axes.set_yticks(np.arange(len(parts)))
    axes.set_yticklabels(parts["regime"].str.replace("_", " "))
    axes.invert_yaxis()
    axes.set_xlabel("change in durable value per head against no metric, % of the baseline's")
    axes.set_title(
        f"Goodhart's law by channel: Shapley parts of knock-outs\n({seeds} seeds of {size}, "
        f"{weeks} weeks; 95% intervals across seeds)",
        fontsize=9,
    )
    axes.legend(fontsize=8, loc="lower left")
    figure.tight_layout()
    return figure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--employees", type=int, default=500)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--seed", type=int, default=2026, help="root seed: the validation report's seeds")
    regimes = [r for r in preset_names() if r != BASELINE]
    parser.add_argument("--regimes", nargs="+", default=regimes, choices=regimes, metavar="REGIME")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 seeds of 100 over 40 weeks")
    parser.add_argument("--out", type=Path, default=Path("results/figures"))
    parser.add_argument("overrides", nargs="*", help="config overrides, key=value")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.employees, args.weeks = 2, 100, 40
    seeds = replicate_seeds(args.seed, args.seeds)
    try:
        runs = run(args.regimes, args.employees, args.weeks, seeds, args.overrides)
    except ConfigError as error:  # a bad override: said before anything is written
        print(f"error: {error}", file=sys.stderr)
        return 2
    parts = table(runs)
    given = sys.argv[1:] if argv is None else argv
    command = shlex.join(["python", "experiments/channels.py", *given])
    text = render(parts, command, args.employees, args.weeks, len(seeds))
    print(text)
    out = args.out.resolve()
    write_table(parts, out / "channels.csv")
    write_table(runs, out / "channels_runs.csv")
    write_text(text, out / "channels.md")
    figure = plot(parts, args.employees, args.weeks, len(seeds))
    write_atomic(out / "channels.png", lambda tmp: figure.savefig(tmp, format="png", dpi=100))
    print(f"written: {out / 'channels.png'}, {out / 'channels.csv'}, {out / 'channels.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
