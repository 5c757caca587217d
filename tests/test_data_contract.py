"""The outputs hold to docs/data-contract.md: every column documented, every value in range."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.core import contract

from .test_sweep import collect_cli, sweep_cli

CONTRACT = Path(__file__).resolve().parents[1] / "docs" / "data-contract.md"
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def rows(section: str) -> dict[str, list[str]]:
    """Column name -> its cells (unit, range, meaning), from the table under `## {section}`."""
    text = CONTRACT.read_text()
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line.split("|")[1:-1] for line in body.splitlines() if line.startswith("| ")]
    return {
        cells[0].strip(): [c.strip() for c in cells[1:]]
        for cells in lines[1:]
        if cells[0].strip() != "column"
    }


def documented(section: str) -> dict[str, str]:
    """Column name -> documented range, from the table under `## {section}`."""
    return {column: cells[1] for column, cells in rows(section).items()}


# The data contract's sections, and the same tables in code (written into the Parquet files).
SECTIONS = {
    "Weekly table": contract.WEEKLY,
    "Employee table": contract.EMPLOYEES,
    "Summary table": contract.SUMMARY,
    "Sweep columns": contract.SWEEP,
    "Parameter units": contract.PARAMETERS,
    "Jobs table": contract.JOBS,
    "AI effect table": contract.AI_EFFECT,
}


def out_of_range(values: pd.Series, allowed: str) -> pd.Series:
    """The values (ignoring empties) that break a range written as in the contract."""
    if allowed == "any":
        return values.iloc[:0]
    if allowed.startswith("{"):
        options = {o.strip() for o in allowed.strip("{}").split(",")}
        return values[~values.astype(str).isin(options)]
    numbers = pd.to_numeric(values, errors="coerce").astype(float).dropna()
    if match := re.fullmatch(r"\[(-?[\d.]+), (-?[\d.]+)\]", allowed):
        low, high = float(match[1]), float(match[2])
        return numbers[(numbers < low - 1e-9) | (numbers > high + 1e-9)]
    if match := re.fullmatch(r"(>=|>) (-?[\d.]+)", allowed):
        bound = float(match[2])
        return numbers[numbers < bound - 1e-9] if match[1] == ">=" else numbers[numbers <= bound]
    raise AssertionError(f"unreadable range {allowed!r} in the data contract")


@pytest.mark.parametrize(
    "section, file",
    [
        ("Weekly table", "weekly.parquet"),
        ("Employee table", "employees.parquet"),
        ("Summary table", "summary.parquet"),
    ],
)
def test_every_column_is_documented_and_in_range(main_job, section, file):
    done, out = main_job
    assert done.returncode == 0, done.stderr
    table = pd.read_parquet(out / file)
    contract = documented(section)
    assert set(table.columns) == set(contract), (
        f"undocumented: {set(table.columns) - set(contract)}; missing: {set(contract) - set(table.columns)}"
    )
    for column, allowed in contract.items():
        bad = out_of_range(table[column], allowed)
        assert bad.empty, f"{file}:{column} outside {allowed}: {bad.head().tolist()}"


def test_tables_hang_together(main_job):
    _, out = main_job
    weekly = pd.read_parquet(out / "weekly.parquet")
    employees = pd.read_parquet(out / "employees.parquet")
    summary = pd.read_parquet(out / "summary.parquet")
    shares = weekly[[c for c in weekly.columns if c.startswith("share_")]].sum(axis=1)
    assert np.allclose(shares, 1.0)
    assert (weekly["headcount"] + weekly["vacancies"] == 120).all()
    for (regime, seed), people in employees.groupby(["regime", "seed"]):
        runs = weekly[(weekly["regime"] == regime) & (weekly["seed"] == seed)]
        row = summary[(summary["regime"] == regime) & (summary["seed"] == seed)].iloc[0]
        assert (people["exit"] == "quit").sum() == runs["quits"].sum()
        assert (people["exit"] == "employed").sum() == runs["headcount"].iloc[-1] - runs["quits"].iloc[
            -1
        ] - runs["fired"].iloc[-1] + runs["hires"].iloc[-1]
        assert row["people_ever_employed"] == len(people)
        assert people["employee_id"].is_unique


@pytest.mark.parametrize("section", list(SECTIONS))
def test_the_units_in_the_files_are_the_data_contracts(section):
    """What the Parquet files carry is what docs/data-contract.md says, word for word."""
    in_docs = {column: contract.Column(cells[0], cells[2]) for column, cells in rows(section).items()}
    assert SECTIONS[section] == in_docs


def units(path: Path) -> dict[str, dict[str, str]]:
    """Each column of a Parquet file: its field metadata, as text."""
    schema = pq.read_schema(path)
    return {
        field.name: {k.decode(): v.decode() for k, v in (field.metadata or {}).items()} for field in schema
    }


def assert_described(path: Path, sections: list[str], parameters: set[str] = frozenset()) -> None:
    """Every column of the file is a plain identifier with a unit and meaning in its metadata:
    those of its row in one of `sections` of the data contract, or of a swept parameter; and
    every value lies in the documented range."""
    contract_rows: dict[str, list[str]] = {}
    for section in reversed(sections):
        contract_rows.update(rows(section))
    table = pd.read_parquet(path)
    for column, meta in units(path).items():
        where = f"{path.parent.name}/{path.name}:{column}"
        assert IDENTIFIER.fullmatch(column), f"{where}: not a plain identifier"
        assert meta.get("unit") and meta.get("description"), f"{where}: no unit in the file"
        if column in parameters:
            continue
        assert column in contract_rows, f"{where}: not in the data contract"
        unit, allowed, meaning = contract_rows[column]
        assert (meta["unit"], meta["description"]) == (unit, meaning), where
        bad = out_of_range(table[column], allowed)
        assert bad.empty, f"{where} outside {allowed}: {bad.head().tolist()}"


def test_the_main_jobs_files_carry_units(main_job):
    _, out = main_job
    assert_described(out / "weekly.parquet", ["Weekly table"])
    assert_described(out / "employees.parquet", ["Employee table"])
    assert_described(out / "summary.parquet", ["Summary table"])
    assert_described(out / "ai_effect.parquet", ["AI effect table"])


def test_the_main_jobs_ai_effect_is_its_weekly_tables_baseline_against_no_ai(main_job):
    """ai_effect.parquet: every documented column, and figures that come from the weekly table's
    baseline and no-AI runs of the same seeds (the fixture's 30 weeks: the run's last quarter)."""
    from sim.core.compare import ai_figures

    _, out = main_job
    effect = pd.read_parquet(out / "ai_effect.parquet")
    assert list(effect.columns) == list(contract.AI_EFFECT)
    weekly = pd.read_parquet(out / "weekly.parquet")
    seeds = sorted(set(weekly["seed"]))
    assert list(effect["horizon_weeks"]) == [30, 30] and (effect["seeds"] == len(seeds)).all()
    for _, row in effect.iterrows():
        ratios = [
            ai_figures(weekly[(weekly["regime"] == "baseline") & (weekly["seed"] == s)], 30)[row["measure"]]
            / ai_figures(weekly[(weekly["regime"] == "baseline_no_ai") & (weekly["seed"] == s)], 30)[
                row["measure"]
            ]
            for s in seeds
        ]
        assert row["change"] == pytest.approx(np.mean(ratios) - 1)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    """A two-job sweep with per-employee tables, collected."""
    work = tmp_path_factory.mktemp("sweep_contract")
    folder = work / "sweep"
    grid = ["regime=token_leaderboard", "org.n_employees=30", "org.weeks=14", "replicates=2", "seed=5"]
    options = ["sweep.employees=true", "hydra/launcher=basic", f"hydra.sweep.dir={folder}"]
    done = sweep_cli("--multirun", *grid, "regime.pressure=0.2,0.8", *options, cwd=work)
    assert done.returncode == 0, done.stderr[-3000:]
    collected = collect_cli(str(folder), cwd=work)
    assert collected.returncode == 0, collected.stderr
    return folder


def test_sweep_tables_have_plain_names_units_and_contract_rows(sweep):
    jobs = sorted(p.parent for p in sweep.glob("*/done"))
    assert len(jobs) == 2
    for job in jobs:
        assert_described(job / "summary.parquet", ["Sweep columns", "Summary table"])
        assert_described(job / "weekly.parquet", ["Sweep columns", "Weekly table"])
        assert_described(job / "employees.parquet", ["Sweep columns", "Employee table"])
    parameters = {
        "regime_pressure",
        "org_n_employees",
        "org_weeks",
        "replicates",
        "config_seed",
        "config_regime",
        "sweep_employees",
    }
    runs, weekly = pd.read_parquet(sweep / "runs.parquet"), pd.read_parquet(sweep / "weekly.parquet")
    assert parameters <= set(runs.columns) and parameters <= set(weekly.columns)
    assert not any("." in column for column in [*runs.columns, *weekly.columns])
    assert_described(sweep / "runs.parquet", ["Sweep columns", "Summary table"], parameters)
    assert_described(sweep / "weekly.parquet", ["Sweep columns", "Weekly table"], parameters)
    assert_described(sweep / "jobs.parquet", ["Jobs table"])
    # Swept keys carry their own units: from the contract's table, or a share's.
    meta = units(sweep / "runs.parquet")
    for column in parameters - {"regime_pressure"}:
        assert meta[column]["unit"] == rows("Parameter units")[column][0], column
    assert meta["regime_pressure"]["unit"] == "share"
    assert sorted(runs["regime_pressure"]) == [0.2, 0.2, 0.8, 0.8] and (runs["config_seed"] == 5).all()


@pytest.mark.parametrize(
    "values",
    [
        np.array([0.1, 0.2, 0.3] * 40),
        np.array([np.nan, 0.5, np.nan, 1e-17, 3.0]),
        np.array([np.nan, np.nan]),
        np.array([], dtype=float),
        np.array([3, 1, 4, 1, 5], dtype=np.int64),
        np.array([True, False, True]),
        np.random.default_rng(0).lognormal(size=1001),
    ],
    ids=["floats", "with NaNs", "all NaN", "empty", "integers", "switches", "a thousand draws"],
)
def test_a_summary_takes_means_and_totals_as_pandas_does(values):
    """The summary reads its columns as arrays (`sim.core.outputs`): each mean and total must be
    the number, type and bit pandas gives, so a summary never depends on which one took it."""
    from sim.core.outputs import _mean, _total

    series = pd.Series(values)
    for ours, theirs in ((_mean(values), series.mean()), (_total(values), series.sum())):
        assert type(ours) is type(theirs) or (np.isnan(ours) and np.isnan(theirs))
        assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("start", [0, 13, 60], ids=["from week 0", "from week 13", "after the horizon"])
def test_a_summary_reads_the_weeks_its_rates_are_over(start):
    """Each rate is read over its own weeks, as the data contract says: the policy period (all
    weeks when the policy starts after the horizon), the last quarter, the four weeks before
    the start (the first four when it starts at once), NaN weeks skipped."""
    from sim.core.outputs import summarise

    rng = np.random.default_rng(start)
    weeks = 40
    weekly = pd.DataFrame({name: rng.random(weeks) for name in ("durable_value_per_head", "metric_index")})
    weekly["week"] = np.arange(weeks)
    weekly["score_value_correlation"] = np.where(rng.random(weeks) < 0.3, np.nan, rng.random(weeks))
    for name in (
        "value",
        "durable_value",
        "cost",
        "hours_mean",
        "share_theater",
        "share_quality",
        "share_ai",
    ):
        weekly[name] = rng.random(weeks)
    weekly["headcount"] = rng.integers(0, 5, weeks)
    weekly["quits"] = rng.integers(0, 3, weeks)
    weekly["fired"] = np.zeros(weeks, dtype=np.int64)
    for name in (
        "durable_value_index", "perceived_productivity_index", "volume_index", "token_cost_per_head",
        "gaming_share", "review_hours", "long_hours_share", "rework_rate", "adoption", "fluency",
        "burnout_share", "trust",
    ):  # fmt: skip
        weekly[name] = rng.random(weeks)
    employees = pd.DataFrame(
        {"exit": ["quit", "employed", "quit", "fired"], "top_contributor": [True, True, False, True]}
    )
    facts = {"start_week": start, "departure_cost": 0.0, "at_risk": {"burned_out": 0, "other": 0}}
    facts["quit_counts"] = {"burned_out": 0, "other": 0}
    summary = summarise(weekly, employees, facts)

    policy = weekly[weekly["week"] >= start] if start < weeks else weekly
    before = weekly[weekly["week"] < start].tail(4) if start > 0 else weekly.head(4)
    assert summary["durable_value_per_head"] == policy["durable_value_per_head"].mean()
    assert summary["value_per_head"] == (policy["value"] / policy["headcount"].clip(lower=1)).mean()
    assert summary["metric_index"] == weekly["metric_index"].tail(13).mean()
    start_corr = before["score_value_correlation"].mean()
    assert summary["score_value_correlation_start"] == start_corr or (
        np.isnan(start_corr) and np.isnan(summary["score_value_correlation_start"])
    )
    assert summary["score_value_correlation_end"] == weekly["score_value_correlation"].tail(13).mean()
    hours = policy["hours_mean"] * policy["headcount"]
    assert summary["ai_share"] == (policy["share_ai"] * hours).sum() / max(hours.sum(), 1e-9)
    assert summary["attrition"] == weekly["quits"].sum() / weekly["headcount"].mean() / (weeks / 52)
    assert summary["regretted_share"] == 0.5
