"""Agents left running, held to their own anchor: the largest user of a token leaderboard at 85,000 people.

    python experiments/token_anchor.py                     # 30, 60, 120, 240M tokens an hour: minutes
    python experiments/token_anchor.py --tokens 30 120 --employees 20000 --seeds 2

Meta's internal token leaderboard ranked about 85,000 people; its top user burned about 281
billion tokens in 30 days (FACTS.md, "Claudeonomics" [S]). How many tokens an hour of a
person's time spent leaving agents running burns (`gaming.agents_running.tokens`) is an
assumption on which validation target 7's size rests (experiments/telemetry_cost.py gives the
dose-response). This study sets it against that anchor instead: the same organisation under the
token leaderboard at each value, and the largest user's tokens in the 30 days before the end
(the last week's tokens x 30/7, as a monthly export lists them), set beside 281 billion.
Prints a table. The rate at which the top user meets the anchor, 5,600M (282 billion), is
what `sim.studies.validate.AGENTS_AT_ANCHOR` predicts target 7's size from; the default
stays at 30M.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's `sim`

from sim.core.run import replicate_seeds, resolve, simulate_batch  # noqa: E402

ANCHOR = 281_000.0  # million tokens: Meta's top user in 30 days
DAYS = 30.0


def last_week_tokens(engine, run: int) -> dict[str, float]:
    """Each employed person's tokens in the last week (million): its top and upper quantiles."""
    part, week = engine.runs.slices[run], engine.last_week
    on = engine.workforce.employed[part]
    tokens = week.tokens[part][on] if week is not None else np.zeros(0)
    quantiles = np.quantile(tokens, [0.99, 0.999]) if tokens.size else [np.nan, np.nan]
    return {"top": float(tokens.max(initial=0.0)), "p99": float(quantiles[0]), "p999": float(quantiles[1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens", type=float, nargs="+", default=[30.0, 60.0, 120.0, 240.0])
    parser.add_argument("--employees", type=int, default=85_000)
    parser.add_argument("--weeks", type=int, default=26, help="the leaderboard runs from week 13")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    base = ["regime=token_leaderboard", f"org.n_employees={args.employees}", f"org.weeks={args.weeks}"]
    seeds = replicate_seeds(args.seed, args.seeds)
    rows = []
    for tokens in args.tokens:
        cfg = resolve(None, [*base, f"gaming.agents_running.tokens={tokens:g}"])
        results = simulate_batch([cfg] * len(seeds), seeds, final=last_week_tokens)
        scale = DAYS / 7.0
        top = np.mean([r.final["top"] for r in results]) * scale
        p99 = np.mean([r.final["p99"] for r in results]) * scale
        p999 = np.mean([r.final["p999"] for r in results]) * scale
        theater = np.mean([float(r.summary["theater_agents_running"]) for r in results])
        rows.append((tokens, top, p999, p99, theater))
        print(f"  {tokens:g}M an hour: top {top / 1e3:,.1f}bn", file=sys.stderr, flush=True)
    print(
        f"Token leaderboard, {args.employees:,} people, {args.weeks} weeks (policy from week 13), "
        f"{len(seeds)} seed(s); tokens in the 30 days before the end, billions; Meta's top user: "
        f"{ANCHOR / 1e3:,.0f}bn"
    )
    print("| agents left running, M tokens an hour | top user | 99.9th percentile | 99th percentile "
          "| top / anchor | share of hours on agents left running |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for tokens, top, p999, p99, theater in rows:
        print(
            f"| {tokens:g} | {top / 1e3:,.1f} | {p999 / 1e3:,.1f} | {p99 / 1e3:,.2f} | {top / ANCHOR:.2f} "
            f"| {theater:.2%} |"
        )


if __name__ == "__main__":
    main()
