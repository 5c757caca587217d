"""What the held-out validation targets need: each one's figure, and the calibration's own figures,
as one assumption moves (docs/validation.md, "What the failing held-out targets need").

    python experiments/held_out_needs.py          # 12 seeds of 500 over two years: about a minute on 2 cores
    python experiments/held_out_needs.py --quick  # a smoke run in seconds

A held-out target that fails says something about the model only once it is known which
assumption it bends and what else bending it costs. For each swept parameter and value this
runs the validation's held-out targets on AI's contrast (the same organisation with AI tools
against without, no metric, paired by seed) and, beside them, the figures the calibration fits
(Jellyfish's top decile of token spenders, GitClear's rework of heavy unreviewed AI), so a
reader sees where a held-out source and a calibration source pull the same parameter apart.
Nothing here changes a default: setting an assumption to pass a target would be tuning to it.

Writes OUT/held_out_needs.csv and OUT/held_out_needs.md and prints the table.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's `sim`

from sim.core.checks import ConfigError  # noqa: E402
from sim.core.outputs import write_table, write_text  # noqa: E402
from sim.core.run import replicate_seeds, resolve  # noqa: E402
from sim.studies import calibrate  # noqa: E402
from sim.studies.validate import TARGETS, Lab  # noqa: E402

SWEEPS = {
    "production.ai_volume_inflation": (1.0, 1.5, 2.0, 2.5, 3.0),
    "production.rework_ai": (0.04, 0.08, 0.12, 0.18, 0.24),
    "production.ai_skill_levelling": (0.0, 0.25, 0.5, 0.75),
}
# The held-out targets read on AI's own contrast: each one's column and which of its figures
# is the one its check reads (target 17 checks the gap, its last figure).
CONTRASTS = {
    15: ("15: volume a head", 0),
    16: ("16: volume an hour", 0),
    17: ("17: least - most skilled", -1),
    19: ("19: reworked volume a head", 0),
    20: ("20: share reworked", 0),
    21: ("21: durable value a head", 0),
}
CALIBRATION = {  # the calibration's figures beside them, with what it fits them to
    "top_decile_output": "Jellyfish top decile output (fit: 2x)",
    "top_decile_token_cost": "Jellyfish top decile token cost (fit: 10x)",
    "rework_ratio": "rework, heavy unreviewed AI / reviewed craft (fit: 9.5x)",
}


def measure(size: int, weeks: int, seeds: list[int], jobs: int, overrides: tuple[str, ...]) -> dict:
    """One row: every contrast target's headline figure and whether it passes, and the
    calibration's figures, in an organisation with `overrides`."""
    lab = Lab(size, weeks, seeds, jobs=jobs, overrides=overrides)
    by_number = {t.number: t for t in TARGETS}
    row: dict[str, object] = {}
    for number, (_, headline) in CONTRASTS.items():
        outcome = by_number[number].measure(lab)
        row[f"target_{number}"] = outcome.figures[headline].mean
        row[f"target_{number}_passes"] = outcome.passed
    fit = calibrate.Calibration(lab)
    fit.values = {}  # the defaults, with `overrides` on top (the lab's)
    for name, (mean, _, _) in fit.figures(names=tuple(CALIBRATION)).items():
        row[name] = mean
    return row


def render(table: pd.DataFrame, command: str, size: int, weeks: int, seeds: int) -> str:
    heads = {number: head for number, (head, _) in CONTRASTS.items()}
    lines = [
        f"`{command}`: {seeds} seeds of {size} people over {weeks} weeks. Each held-out figure is "
        "the organisation with AI tools against without (less 1, paired by seed, no metric); in bold "
        "where it passes its pre-set tolerance. The last columns are the calibration's own figures.",
        "",
        "| parameter | value | " + " | ".join([*heads.values(), *CALIBRATION.values()]) + " |",
        "|---|---|" + "---|" * (len(heads) + len(CALIBRATION)),
    ]
    for _, row in table.iterrows():
        cells = []
        for number in heads:
            text = f"{row[f'target_{number}']:+.0%}"
            cells.append(f"**{text}**" if row[f"target_{number}_passes"] else text)
        cells += [f"{row[name]:.2f}x" for name in CALIBRATION]
        value = f"{row['value']:g}{row['marker']}"
        lines.append(f"| `{row['parameter']}` | {value} | " + " | ".join(cells) + " |")
    lines += ["", "(*) the default."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=12)
    parser.add_argument("--employees", type=int, default=500)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--seed", type=int, default=2026, help="root seed: the validation report's seeds")
    parser.add_argument("--jobs", type=int, default=2, help="processes")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 seeds of 100 over 40 weeks")
    parser.add_argument("--out", type=Path, default=Path("results/figures"))
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.employees, args.weeks = 2, 100, 40
    seeds = replicate_seeds(args.seed, args.seeds)
    defaults = resolve(None, [])
    rows = []
    try:
        for parameter, values in SWEEPS.items():
            section, name = parameter.split(".")
            default = getattr(getattr(defaults, section), name)
            for value in values:
                row = measure(args.employees, args.weeks, seeds, args.jobs, (f"{parameter}={value}",))
                marker = " (*)" if abs(value - default) < 1e-9 else ""
                rows.append({"parameter": parameter, "value": value, "marker": marker, **row})
                print(f"{parameter}={value}{marker}: done", file=sys.stderr)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    table = pd.DataFrame(rows)
    given = sys.argv[1:] if argv is None else argv
    command = shlex.join(["python", "experiments/held_out_needs.py", *given])
    text = render(table, command, args.employees, args.weeks, len(seeds))
    print(text)
    out = args.out.resolve()
    write_table(table.drop(columns="marker"), out / "held_out_needs.csv")
    write_text(text, out / "held_out_needs.md")
    print(f"written: {out / 'held_out_needs.csv'}, {out / 'held_out_needs.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
