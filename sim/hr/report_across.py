"""The report's first section for `report --org`: the verdict across the plausible versions of
the user's organisation (`sim.hr.across`), its dollar line at the organisation's headcount and
what decides it, as the template's context. Sentences quote only cells of the section's tables.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from sim.hr.across import (
    BARS,
    BEATS,
    NOISE,
    NOT_MATERIAL,
    OUTCOMES,
    PLAIN,
    TRADE_OFF,
    WORSE,
    Across,
    PolicyAcross,
    open_parameters,
)
from sim.hr.profile import rating_accuracy
from sim.hr.report import SVG_TEXT_PX, Chart, _money, _panel, _signed_money, _style, svg_markup

OUTCOME_COLOURS = {BEATS: "#009E73", TRADE_OFF: "#E69F00", NOT_MATERIAL: "#999999", WORSE: "#D55E00"}
OUTCOME_TITLES = {
    BEATS: "Beats measuring nothing",
    TRADE_OFF: "Cheaper per unit, worse on hours, burnout or leavers",
    NOT_MATERIAL: "No material difference",
    WORSE: "Costs more per unit of durable value",
}
VERDICT_CLASS = {"beats": "good", "does not beat": "bad"}
DOLLARS = (
    ("cost_year", "Total cost"),
    ("token_cost_year", "AI tokens"),
    ("departure_cost_year", "Replacing people who left"),
    ("salary_cost_year", "Salaries"),
)
LOW, HIGH = 0.1, 0.9  # the range of versions the dollar line gives: the middle 80%


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _count(policy: PolicyAcross, outcome: str) -> str:
    k, n = int((policy.outcomes == outcome).sum()), len(policy.outcomes)
    return f"{k / n:.0%} ({k} of {n})"


def _axis(name: str, values: pd.Series) -> tuple[np.ndarray, str]:
    """A parameter's values as a chart axis: judgement noise as the correlation it gives."""
    if name == NOISE:
        return np.array([rating_accuracy(v) for v in values]), "managers' ratings track results (r)"
    return values.to_numpy(float), PLAIN.get(name, name)


def map_parameters(found: Across, policy: PolicyAcross) -> list[str]:
    """The two parameters of the break-even map: the decision's, then those whose values
    follow the policy's change in cost per unit most closely (Spearman) across the versions."""
    x = open_parameters(found.versions)
    chosen = [name for name, _, _ in (policy.decision.conditions if policy.decision else [])]
    cost = policy.changes[BARS[0].column]
    ranked = sorted(
        (c for c in x.columns if c not in chosen),
        key=lambda c: -abs(float(np.nan_to_num(spearmanr(x[c], cost)[0]))),
    )
    return (chosen + ranked)[:2]


def break_even_chart(found: Across, policy: PolicyAcross) -> Chart | None:
    """Every plausible version on the two parameters that decide most, coloured by outcome,
    with the decision's box: where the policy pays and where it does not."""
    names = map_parameters(found, policy)
    if len(names) < 2:
        return None
    (xs, x_label), (ys, y_label) = (_axis(n, found.versions[n]) for n in names)
    fig, ax = _panel(250)
    for outcome in OUTCOMES:
        on = (policy.outcomes == outcome).to_numpy()
        if on.any():
            ax.scatter(xs[on], ys[on], s=22, color=OUTCOME_COLOURS[outcome], lw=0, alpha=0.85)
    if policy.decision and policy.decision.conditions:
        limits = {n: (lo, hi) for n, lo, hi in policy.decision.conditions}
        corners = []
        for name, values in zip(names, (xs, ys), strict=True):
            lo, hi = limits.get(name, (-np.inf, np.inf))
            if name == NOISE:
                lo, hi = rating_accuracy(hi), rating_accuracy(lo)
            corners.append((max(lo, values.min()), min(hi, values.max())))
        (x0, x1), (y0, y1) = corners
        ax.plot([x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0], color="#222222", lw=1.1, ls="--")
    ax.set_xlabel(_wrap(x_label), fontsize=SVG_TEXT_PX, color="#333333", labelpad=2)
    ax.set_ylabel(_wrap(y_label, 28), fontsize=SVG_TEXT_PX, color="#333333", labelpad=2)
    _style(ax)
    fig.tight_layout(pad=0.3)
    label = (
        f"Break-even map of {policy.name}: plausible versions by {x_label} and {y_label}, coloured by outcome"
    )
    return Chart(policy.name, "each dot a plausible version", svg_markup(fig, label))


def _wrap(text: str, width: int = 40) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _range(values: pd.Series) -> tuple[float, float, float]:
    return float(values.median()), float(values.quantile(LOW)), float(values.quantile(HIGH))


def dollar_table(found: Across) -> list[dict[str, Any]]:
    """Per policy, its dollars a year against measuring nothing at the headcount: the median
    over the plausible versions and the middle 80% of them."""
    rows = []
    for policy in found.policies:
        cells = []
        for column, _ in DOLLARS:
            mid, low, high = _range(policy.dollars[column])
            cells.append(
                {"value": _signed_money(mid), "range": f"{_signed_money(low)} to {_signed_money(high)}"}
            )
        mid, low, high = _range(policy.dollars["durable_value_year"])
        cells.append({"value": f"{mid:+,.0f}", "range": f"{low:+,.0f} to {high:+,.0f}"})
        rows.append({"key": policy.key, "name": policy.name, "cells": cells})
    return rows


def context(found: Across, colours: dict[str, str], fit_points: int) -> dict[str, Any]:
    """The template's `org` section."""
    profile = found.profile
    name = profile.name or profile.source
    n = len(found.versions)
    k = len(found.seeds[0]) if found.seeds else 0
    table, verdicts, decides = [], [], []
    for policy in found.policies:
        low, high = policy.interval()
        cells = {o: _count(policy, o) for o in OUTCOMES}
        table.append(
            {
                "key": policy.key,
                "name": policy.name,
                "colour": colours.get(policy.key, "#555555"),
                "cells": [cells[o] for o in OUTCOMES],
                "interval": f"{_pct(low)} to {_pct(high)}",
                "verdict": policy.verdict,
                "cls": VERDICT_CLASS.get(policy.verdict, "flat"),
            }
        )
        verdicts.append(
            {
                "key": policy.key,
                "text": f"{policy.name} {policy.verdict} measuring nothing here: it beats it in "
                f"{cells[BEATS]} plausible versions of {name} (95% interval {_pct(low)} to {_pct(high)}).",
            }
        )
        chart = break_even_chart(found, policy)
        decides.append(
            {"key": policy.key, "text": policy.decision.sentence if policy.decision else "", "chart": chart}
        )
    dollars = dollar_table(found)
    dollar_lines = []
    for policy, row in zip(found.policies, dollars, strict=True):
        total, tokens, leavers, salaries, value = row["cells"]
        dollar_lines.append(
            {
                "key": policy.key,
                "text": f"{policy.name}, against measuring nothing, for {found.headcount:,} people: "
                f"total cost {total['value']} a year (middle 80% of versions: {total['range']}), "
                f"of which AI tokens {tokens['value']}, replacing people who left {leavers['value']} "
                f"and salaries {salaries['value']}; durable value {value['value']} units a year.",
            }
        )
    luck = found.luck()
    cost, per_hour, burnout, leaving = BARS
    bars = (
        f"its cost per unit of durable value is at least {cost.size:.0%} lower, and it is no more than "
        f"{per_hour.size:.0%} worse on durable value per hour worked, {burnout.size * 100:g} point worse on "
        f"burnout (people burned out per hundred staff) or {leaving.size * 100:g} point worse on top "
        "contributors leaving (per hundred staff a year)"
    )
    fit = found.fitted
    ranges = fit.ranges
    return {
        "name": name,
        "intro": (
            f"What is known about {name} leaves many organisations possible. "
            f"{fit_points:,} of them were simulated from the ranges the profile leaves open; the {n} whose "
            "figures come closest to the profile's are its plausible versions. In each, measuring nothing "
            f"and every policy ran {k} times on the same seeds, {found.employees:,} people for "
            f"{found.weeks} weeks."
        ),
        "rule": (
            f"In one plausible version a policy beats measuring nothing when {bars}. "
            "A version's own luck, the median standard error of its change "
            "across its runs: "
            + ", ".join(
                f"{bar.title.lower()} {luck[bar.column]:.1%}"
                if bar.relative
                else f"{bar.title.lower()} {luck[bar.column] * 100:.1f} points"
                for bar in BARS
            )
            + ". A share is how often a policy beats across what the profile leaves open, not a "
            "forecast for this organisation alone: in the fit's recovery (docs/validation.md), where a "
            "policy truly beat, fewer than half of its versions did, and four times the runs did not "
            "change that."
        ),
        "outcomes": [OUTCOME_TITLES[o] for o in OUTCOMES],
        "outcome_colours": [{"title": OUTCOME_TITLES[o], "colour": OUTCOME_COLOURS[o]} for o in OUTCOMES],
        "table": table,
        "verdicts": verdicts,
        "dollar_columns": [title for _, title in DOLLARS] + ["Durable value"],
        "dollar_units": ["$ a year"] * len(DOLLARS) + ["units a year"],
        "dollars": dollars,
        "dollar_lines": dollar_lines,
        "decides": decides,
        "fit_rows": [
            {
                "parameter": key,
                "plain": PLAIN.get(key, key),
                "prior": f"{r.prior_low:.3g} to {r.prior_high:.3g}",
                "plausible": f"{r.accepted_low:.3g} to {r.accepted_high:.3g}",
                "informed": _narrowed(r),
            }
            for key, r in ranges.iterrows()
        ],
        "uninformed": int(sum(not r.informed and not r.informed_by for _, r in ranges.iterrows())),
        "parameters": len(ranges),
        "money_note": _money_note(found),
    }


def _narrowed(r: pd.Series) -> str:
    """What narrows a parameter: the profile's field (its range), the fit (its figures), both or nothing."""
    fitted = "the fit narrowed it" if r.informed else "the fit did not narrow it"
    if r.informed_by:
        return f"the profile's {r.informed_by}; {fitted}"
    return "the fit, from the profile's figures" if r.informed else "nothing: stays at its prior range"


def _money_note(found: Across) -> str:
    return (
        f"Dollars a year for {found.headcount:,} people, scaled from the {found.employees:,} simulated in "
        "each version: the median over the plausible versions, and beneath it the middle 80% of them. "
        f"A policy's extra cost of {_money(1e6)} a year is {_money(1e6 / max(found.headcount, 1))} a person."
    )
