"""The data contract: the tables a run produces, how the summary is derived, and how
files are written so that a crash never leaves a half-written file that looks complete.

Every column here is documented with its unit in docs/data-contract.md.
"""

from __future__ import annotations

import glob
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from omegaconf import OmegaConf

from sim.core.contract import field_metadata

WEEKLY_COLUMNS: tuple[str, ...] = (
    "week",
    "policy_active",
    "pressure",
    "headcount",
    "vacancies",
    "hours_mean",
    "share_craft",
    "share_ai",
    "share_theater",
    "share_quality",
    "share_learning",
    "gaming_share",
    "value",
    "durable_value",
    "durable_value_per_head",
    "volume",
    "rework_rate",
    "tokens",
    "token_cost",
    "token_cost_per_head",
    "ai_active_days",
    "adoption",
    "acceptance_rate",
    "fluency",
    "exhaustion",
    "burnout_share",
    "trust",
    "quality_hours",
    "review_hours",
    "long_hours_share",
    "metric_index",
    "score_mean",
    "score_value_correlation",
    "durable_value_index",
    "volume_index",
    "perceived_productivity_index",
    "expectation_index",
    "salary_cost",
    "departure_cost",
    "cost",
    "cost_per_durable_value",
    "quits",
    "fired",
    "hires",
    "attrition_annualised",
)


def summarise(weekly: pd.DataFrame, employees: pd.DataFrame, model_facts: dict) -> dict:
    """One row that answers: what did this policy do to value, cost, people and the metric?

    Rates over the policy period (from the start week on) unless named otherwise. Read from
    the tables' columns as arrays, each mean and total taken as pandas takes it (`_mean`,
    `_total`) at a fraction of the cost, which a study of many runs pays once a run.
    """
    column = {name: np.asarray(weekly[name]) for name in weekly.columns}
    rows = len(weekly)
    start = int(model_facts["start_week"])
    week = column["week"]
    policy = week >= start if (week >= start).any() else np.ones(rows, dtype=bool)
    before = week < start if start > 0 else np.arange(rows) < 4
    last_quarter = np.arange(rows) >= rows - 13

    def over(name: str, weeks: np.ndarray) -> np.ndarray:
        return column[name][weeks]

    def tail_of(name: str, weeks: np.ndarray, count: int) -> np.ndarray:
        return column[name][np.flatnonzero(weeks)[-count:]]

    years = rows / 52.0
    heads = _mean(column["headcount"])
    exits = np.asarray(employees["exit"])
    top = np.asarray(employees["top_contributor"])[exits == "quit"]
    policy_hours = over("hours_mean", policy) * over("headcount", policy)
    durable_total = _total(column["durable_value"])
    total_cost = _total(column["cost"]) + model_facts["departure_cost"]
    risk = model_facts["at_risk"]
    counts = model_facts["quit_counts"]
    burned_rate = counts["burned_out"] / risk["burned_out"] * 52 if risk["burned_out"] else np.nan
    other_rate = counts["other"] / risk["other"] * 52 if risk["other"] else np.nan

    def weighted(name: str) -> float:
        return float(_total(over(name, policy) * policy_hours) / max(_total(policy_hours), 1e-9))

    def end(name: str) -> float:
        return float(_mean(over(name, last_quarter)))

    def during(name: str) -> float:
        return float(_mean(over(name, policy)))

    return {
        "durable_value_per_head": during("durable_value_per_head"),
        "durable_value_total": float(durable_total),
        "value_per_head": float(_mean(over("value", policy) / np.maximum(over("headcount", policy), 1))),
        "durable_value_change": end("durable_value_index") - 1.0,
        "perceived_productivity_change": end("perceived_productivity_index") - 1.0,
        "volume_change": end("volume_index") - 1.0,
        "metric_index": end("metric_index"),
        "score_value_correlation_start": float(_mean(tail_of("score_value_correlation", before, 4))),
        "score_value_correlation_end": end("score_value_correlation"),
        "token_cost_per_head_year": float(_mean(over("token_cost_per_head", policy)) * 52.0),
        "theater_share": weighted("share_theater"),
        "quality_share": weighted("share_quality"),
        "ai_share": weighted("share_ai"),
        **{
            name: weighted(name)
            for name in weekly.columns
            if name.startswith("theater_")  # one column per gaming action
        },
        "gaming_share": end("gaming_share"),
        "hours_mean": during("hours_mean"),
        "review_hours": during("review_hours"),
        "long_hours_share": during("long_hours_share"),
        "rework_rate": during("rework_rate"),
        "adoption": end("adoption"),
        "fluency": end("fluency"),
        "burnout_share": during("burnout_share"),
        "trust": end("trust"),
        "metric_alignment": float(model_facts.get("metric_alignment", np.nan)),
        "attrition": float(_total(column["quits"]) / heads / years),
        "fired_rate": float(_total(column["fired"]) / heads / years),
        "regretted_share": float(_mean(top)) if len(top) else np.nan,
        "regretted_attrition": float(_total(top) / heads / years),
        "quit_rate_burned_out": float(burned_rate),
        "quit_rate_not_burned_out": float(other_rate),
        "burnout_quit_ratio": float(burned_rate / other_rate) if other_rate else np.nan,
        "cost_total": float(total_cost),
        "cost_per_durable_value": float(total_cost / durable_total) if durable_total > 0 else np.nan,
        "departure_cost": float(model_facts["departure_cost"]),
        "people_ever_employed": int(len(employees)),
    }


def _total(values: np.ndarray) -> Any:
    """A column's total as pandas' `Series.sum` takes it: NaNs count as 0; integers and
    switches summed as integers, numbers as float64 (NumPy's pairwise sum)."""
    if values.dtype.kind == "f":
        return np.where(np.isnan(values), 0.0, values).sum(dtype=np.float64)
    return values.sum(dtype=np.int64 if values.dtype.kind in "biu" else None)


def _mean(values: np.ndarray) -> Any:
    """A column's mean as pandas' `Series.mean` takes it: NaNs skipped, the rest summed in
    float64 (integers' sum too; switches' as integers) over their count; NaN when none."""
    the_sum: Any
    if values.dtype.kind == "f":
        missing = np.isnan(values)
        count = np.float64(values.size - missing.sum())
        the_sum = np.where(missing, 0.0, values).sum(dtype=np.float64)
    else:
        count = np.float64(values.size)
        the_sum = values.sum(dtype=np.int64 if values.dtype.kind == "b" else np.float64)
    return the_sum / count if count > 0 else np.nan


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same folder, then rename it into place.

    The temporary file is `.NAME.PID.XXXX.part`; those a killed writer left behind for the
    same file (their process is gone) are removed first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".part")
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # readable like any file the user writes, not owner-only
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_parts(path: Path) -> None:
    """Remove the temporary files of earlier writes of `path` whose writer is no longer running."""
    for part in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
        pid = part.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and (int(pid) == os.getpid() or _running(int(pid))):
            continue  # a write under way, in this process or another
        part.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_table(
    frame: pd.DataFrame,
    path: Path,
    table: str | None = None,
    parameters: Mapping[str, str] | None = None,
) -> Path:
    """Write a table as Parquet or CSV, chosen by the file's suffix.

    In Parquet, each column of the data contract's `table` (weekly, employees, summary, jobs;
    `parameters` maps a sweep's parameter columns to their config keys) carries its unit and
    meaning as field metadata.
    """
    path = Path(path)
    if path.suffix == ".parquet":
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
        if table is not None:
            metadata = field_metadata(table, arrow.column_names, parameters)
            schema = pa.schema(
                [field.with_metadata(metadata.get(field.name)) for field in arrow.schema],
                metadata=arrow.schema.metadata,
            )
            arrow = arrow.cast(schema)
        write_atomic(path, lambda tmp: pq.write_table(arrow, tmp))
    else:
        write_atomic(path, lambda tmp: frame.to_csv(tmp, index=False))
    return path


def config_yaml(cfg: object) -> str:
    """A run's resolved config as YAML that loads back to the same values: text that reads
    like an interpolation (a label `${oc.env:HOME}`) is escaped, so loading the file with
    OmegaConf again gives that text, never the environment or another key."""

    def literal(value: object) -> object:
        if isinstance(value, dict):
            return {key: literal(item) for key, item in value.items()}
        if isinstance(value, list):
            return [literal(item) for item in value]
        if not isinstance(value, str):
            return value
        doubled = re.sub(r"(\\+)(?=\$\{)", lambda m: m.group(1) * 2, value)  # backslashes before ${ stay
        return doubled.replace("${", "\\${")

    plain = literal(OmegaConf.to_container(OmegaConf.structured(cfg), resolve=False))
    assert isinstance(plain, dict)  # a config is a mapping
    return OmegaConf.to_yaml(OmegaConf.create(plain))


def write_text(text: str, path: Path) -> Path:
    write_atomic(path, lambda tmp: tmp.write_text(text))
    return Path(path)
