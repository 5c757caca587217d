"""What showing AI telemetry to managers costs, and what the cost rests on (validation target 7).

    python experiments/telemetry_cost.py             # 12 seeds of 500 over two years: 80 s on 2 cores
    python experiments/telemetry_cost.py --quick     # a smoke run in seconds
    python experiments/telemetry_cost.py --tokens 30 300 --visibility 0.5 behaviour.judgement_noise=0.5

The decoupled preset evaluates people on durable value alone. The same preset with
`regime.telemetry_visible=true` lets managers' impression lean on AI telemetry, and people
know it: where an hour of gaming lifts the dashboard more than it costs them, they game it.
Paired by seed, each row compares the two on durable value per token dollar, and splits the
change into what happens to value and to token spend, and into the hours that moved.

Two assumptions set the size: how far managers' impression leans on telemetry
(`behaviour.telemetry_visibility`) and how many tokens an hour of a person's time spent
leaving agents running burns (`gaming.agents_running.tokens`). The grid runs both past the
defaults, so a reader sees what validation target 7's "at least 20%" would take. Writes
OUT/telemetry_cost.png, OUT/telemetry_cost.csv (every figure with its 95% interval) and
OUT/telemetry_cost.md (the table), and prints the table.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's `sim`

from sim.core.config import Config  # noqa: E402
from sim.core.outputs import write_atomic, write_table, write_text  # noqa: E402
from sim.core.run import RunResult, replicate_seeds  # noqa: E402
from sim.studies.validate import Lab, interval, value_per_token_dollar  # noqa: E402

DECOUPLED = "regime=decoupled_telemetry"
SHOWN = "regime.telemetry_visible=true"


def last_quarter(run: RunResult, column: str) -> float:
    return float(run.weekly[column].iloc[-13:].mean())


def compare(lab: Lab, tokens: float, visibility: float, overrides: list[str]) -> dict[str, float]:
    """Shown against hidden, paired by seed, for one value of each assumption."""
    common = [DECOUPLED, f"gaming.agents_running.tokens={tokens:g}", *overrides]
    hidden = lab.runs(*common)  # the visibility is read only where telemetry is shown
    shown = lab.runs(*common, SHOWN, f"behaviour.telemetry_visibility={visibility:g}")
    pairs = list(zip(shown, hidden, strict=True))
    row = {"agents_tokens": tokens, "telemetry_visibility": visibility, "seeds": len(pairs)}
    for name, measure in (
        ("value_per_token_dollar", value_per_token_dollar),
        ("durable_value", lambda r: float(r.weekly["durable_value"].sum())),
        ("token_cost", lambda r: float(r.weekly["token_cost"].sum())),
    ):
        mean, low, high = interval([measure(s) / measure(h) for s, h in pairs])
        row.update({f"{name}_ratio": mean, f"{name}_ratio_low": low, f"{name}_ratio_high": high})
    row["agents_share_shown"] = float(np.mean([last_quarter(s, "theater_agents_running") for s, _ in pairs]))
    row["ai_share_change"] = float(
        np.mean([last_quarter(s, "share_ai") - last_quarter(h, "share_ai") for s, h in pairs])
    )
    return row


def render(table: pd.DataFrame, command: str, lab: Lab) -> str:
    def ci(row: pd.Series, name: str) -> str:
        return f"{row[name]:.3f} [{row[name + '_low']:.3f}, {row[name + '_high']:.3f}]"

    lines = [
        f"`{command}`: the decoupled preset, telemetry hidden and shown, paired by seed, "
        f"{len(lab.seeds)} seeds of {lab.size} people over {lab.weeks} weeks, the policy from "
        f"week {lab.start_week}. Mean and 95% interval across seeds. Value and token spend are "
        "the shown case's totals over the hidden case's. Agents is the share of hours spent "
        "leaving agents running with telemetry shown; AI shift is the change in the share of "
        "hours of honest AI work. Both are for the last quarter.",
        "",
        "| agents, M tokens an hour | telemetry visibility | value per token $, shown / hidden "
        "| value | token spend | agents, share of hours | AI shift |",
        "|---|---|---|---|---|---|---|",
    ]
    for _, row in table.iterrows():
        lines.append(
            f"| {row['agents_tokens']:g} | {row['telemetry_visibility']:g} "
            f"| {ci(row, 'value_per_token_dollar_ratio')} | {ci(row, 'durable_value_ratio')} "
            f"| {ci(row, 'token_cost_ratio')} | {row['agents_share_shown']:.2%} "
            f"| {row['ai_share_change']:+.3f} |"
        )
    return "\n".join(lines) + "\n"


def plot(table: pd.DataFrame, lab: Lab) -> plt.Figure:
    """Shown / hidden against the tokens an hour of agents left running burns, a line per visibility."""
    figure, axes = plt.subplots(figsize=(7.5, 4.5))
    for visibility, rows in table.groupby("telemetry_visibility"):
        rows = rows.sort_values("agents_tokens")
        mean = rows["value_per_token_dollar_ratio"]
        low, high = rows["value_per_token_dollar_ratio_low"], rows["value_per_token_dollar_ratio_high"]
        axes.errorbar(
            rows["agents_tokens"],
            mean,
            yerr=[mean - low, high - mean],
            marker="o",
            capsize=3,
            label=f"telemetry visibility {visibility:g}",
        )
    axes.axhline(0.8, color="grey", linestyle="--", linewidth=1)
    axes.annotate(
        "validation target 7: at most 0.8",
        (0.5, 0.8),
        xycoords=("axes fraction", "data"),
        xytext=(-4, -4),
        textcoords="offset points",
        ha="center",
        va="top",
        color="grey",
    )
    axes.axhline(1.0, color="black", linewidth=0.5)
    axes.set_xscale("log")
    axes.set_xticks(sorted(table["agents_tokens"].unique()))
    axes.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    axes.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    default = Config().gaming["agents_running"].tokens
    axes.set_xlabel(f"million tokens an hour of a person's time leaving agents running (default {default:g})")
    axes.set_ylabel("durable value per token $, shown / hidden")
    axes.set_title(
        f"What showing managers AI telemetry costs (decoupled preset; {len(lab.seeds)} seeds of {lab.size}, "
        f"{lab.weeks} weeks; 95% intervals)",
        fontsize=9,
    )
    axes.legend()
    figure.tight_layout()
    return figure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=12, help="as many as the validation report's")
    parser.add_argument("--employees", type=int, default=500)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--seed", type=int, default=2026, help="root seed: the validation report's seeds")
    parser.add_argument("--tokens", type=float, nargs="+", default=[30.0, 60.0, 120.0, 240.0])
    parser.add_argument("--visibility", type=float, nargs="+", default=[0.5, 1.0])
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="processes running seeds side by side"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 seeds of 100 over 40 weeks")
    parser.add_argument("--out", type=Path, default=Path("results/figures"))
    parser.add_argument("overrides", nargs="*", help="config overrides, key=value")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.employees, args.weeks = 2, 100, 40
    lab = Lab(args.employees, args.weeks, replicate_seeds(args.seed, args.seeds), jobs=args.jobs)
    table = pd.DataFrame([compare(lab, t, v, args.overrides) for t in args.tokens for v in args.visibility])
    given = sys.argv[1:] if argv is None else argv
    command = shlex.join(["python", "experiments/telemetry_cost.py", *given])
    text = render(table, command, lab)
    print(text)
    out = args.out.resolve()
    write_table(table, out / "telemetry_cost.csv")
    write_text(text, out / "telemetry_cost.md")
    figure = plot(table, lab)
    write_atomic(out / "telemetry_cost.png", lambda tmp: figure.savefig(tmp, format="png", dpi=100))
    print(f"written: {out / 'telemetry_cost.png'}, {out / 'telemetry_cost.csv'}, {out / 'telemetry_cost.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
