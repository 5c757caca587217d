"""The outputs hold to docs/data-contract.md: every column documented, every value in range."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

CONTRACT = Path(__file__).resolve().parents[1] / "docs" / "data-contract.md"


def documented(section: str) -> dict[str, str]:
    """Column name -> documented range, from the table under `## {section}`."""
    text = CONTRACT.read_text()
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1:-1] for line in body.splitlines() if line.startswith("| ")]
    return {cells[0].strip(): cells[2].strip() for cells in rows[1:] if cells[0].strip() != "column"}


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
