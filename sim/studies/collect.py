"""`python -m sim collect SWEEP_DIR`: one table of every run of a sweep, however it ended.

Writes into the sweep folder (or `--out`):

    runs.parquet    one row per run: the job, every swept parameter, every summary column
    weekly.parquet  one row per run and week: the job, the swept parameters, the weekly series
    jobs.parquet    one row per job: its status (done, failed, unfinished, not started)

Parameters are the keys any job overrode, with each job's value taken from its resolved
config (`.hydra/config.yaml`), so a job that left a key at its default shows the default.
Their columns are plain identifiers (`regime.pressure` -> `regime_pressure`); one named like
a column of the run's own (`seed`, `regime`) is called `config_KEY`: `seed` stays the
replicate's seed and `regime` the regime's name. Every Parquet column carries its unit and
meaning (docs/data-contract.md) in its field metadata.

It reads each job folder that `python -m sim sweep` wrote, needs no end-of-sweep step, and
works on a sweep that was interrupted or where jobs failed: the finished jobs are kept,
and the rest are listed with what went wrong. DuckDB reads the tables directly:
`SELECT * FROM 'SWEEP_DIR/runs.parquet'`.
"""

from __future__ import annotations

import json
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd
from omegaconf import OmegaConf

from sim.core.checks import ConfigError, Parser, output_folder
from sim.core.contract import parameter_column
from sim.core.outputs import write_table
from sim.studies.sweep import DONE, FAILED, expand_grid, job_dir_name, read_marker

# Columns of a run's own that a swept parameter may share a name with (`seed`, `regime`): the
# parameter is then named `config_KEY`, and the column keeps the run's value (its
# replicate's seed, its regime's name).
SUMMARY_KEYS = ("regime", "label", "pressure", "seed", "n_employees", "weeks", "replicate", "week")

T = TypeVar("T", list, dict)

DONE_STATUS, FAILED_STATUS, UNFINISHED, NOT_STARTED = "done", "failed", "unfinished", "not started"


@dataclass
class SweepTables:
    """A sweep as tables: runs (one row per run), weekly (per run and week), jobs (per job)."""

    runs: pd.DataFrame
    weekly: pd.DataFrame
    jobs: pd.DataFrame
    parameters: list[str]  # the config keys any job overrode
    notes: list[str] = field(default_factory=list)  # what could not be read, besides the jobs

    @property
    def parameter_columns(self) -> dict[str, str]:
        """The runs and weekly tables' parameter columns, and the config key of each."""
        return {parameter_column(key, SUMMARY_KEYS): key for key in self.parameters}

    def problems(self) -> pd.DataFrame:
        """The jobs that did not finish: failed, unfinished or never started."""
        return self.jobs[self.jobs["status"] != DONE_STATUS]


def override_key(override: str) -> str | None:
    """The config key an override sets (`+org.x=1` -> `org.x`); None for deletions."""
    key = override.split("=", 1)[0]
    if key.startswith("~"):
        return None
    return key.lstrip("+").split("@", 1)[0]


def job_folders(sweep_dir: Path) -> list[Path]:
    """Every job folder of a sweep: the folders in it that Hydra gave a `.hydra` folder."""
    return sorted(p.parent.parent for p in sweep_dir.glob("*/.hydra/overrides.yaml"))


def parameter_value(config: dict, key: str, choices: dict) -> object:
    """A parameter's value in a job's resolved config; groups give the preset chosen."""
    if key in choices:
        return choices[key]
    node: object = config
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if isinstance(node, (dict, list)):
        return json.dumps(node, sort_keys=True)
    return node


def read_job(job: Path) -> dict:
    """A job's overrides, resolved config, preset choices and status; a job whose Hydra
    files are corrupt is reported as failed, with the file at fault."""
    try:
        return _read_job(job)
    except Exception as error:  # whatever a damaged file raises, the other jobs go on
        reason = " ".join(str(error).split()[:30]) or type(error).__name__
        return {
            "job": job.name,
            "overrides": [],
            "config": {},
            "choices": {},
            "status": FAILED_STATUS,
            "error": f"corrupt job folder: {reason}",
            "marker": {},
        }


def _load(path: Path, kind: type[T]) -> T:
    """A YAML file Hydra wrote, as a plain container of the expected kind."""
    try:
        data = OmegaConf.to_container(OmegaConf.load(path))
    except Exception as error:
        raise ValueError(
            f"{path.parent.name}/{path.name} is not readable YAML ({type(error).__name__})"
        ) from None
    if not isinstance(data, kind):
        raise ValueError(f"{path.parent.name}/{path.name} does not hold a {kind.__name__}")
    return data


def _read_job(job: Path) -> dict:
    overrides = [str(o) for o in _load(job / ".hydra" / "overrides.yaml", list)]
    config_file, hydra_file = job / ".hydra" / "config.yaml", job / ".hydra" / "hydra.yaml"
    config = _load(config_file, dict) if config_file.exists() else {}
    choices = {}
    if hydra_file.exists():
        runtime = _load(hydra_file, dict).get("hydra", {}).get("runtime", {})
        choices = {k: v for k, v in (runtime.get("choices") or {}).items() if "/" not in k}
        choices = {k: v for k, v in choices.items() if k not in ("hydra",)}
    done, failed = read_marker(job / DONE), read_marker(job / FAILED)
    if done:
        status, error = DONE_STATUS, ""
    elif failed:
        status, error = FAILED_STATUS, failed.get("error", "")
    else:
        status, error = UNFINISHED, "started but never finished (interrupted, or still running)"
    return {
        "job": job.name,
        "overrides": overrides,
        "config": config,
        "choices": choices,
        "status": status,
        "error": error,
        "marker": done or {},
    }


def read_table(job: Path, name: str) -> pd.DataFrame:
    for suffix in (".parquet", ".csv"):
        path = job / f"{name}{suffix}"
        if path.exists():
            return pd.read_parquet(path) if suffix == ".parquet" else pd.read_csv(path)
    raise FileNotFoundError(f"{job.name}: no {name} table although the job is marked done")


def expected_jobs(sweep_dir: Path) -> list[tuple[str, list[str]]] | None:
    """The folder name and overrides of every job the sweep command asked for, if known.

    Read from the `multirun.yaml` Hydra writes when a sweep starts; None when it is absent
    or the sweep cannot be expanded without the config (a glob over a group).
    """
    path = sweep_dir / "multirun.yaml"
    if not path.exists():
        return None
    try:
        saved = OmegaConf.load(path)
        params = OmegaConf.select(saved, "hydra.sweeper.params") or {}
        overrides = [f"{k}={v}" for k, v in params.items()] + list(saved.hydra.overrides.task)
    except Exception as error:
        raise ValueError(f"multirun.yaml is corrupt ({type(error).__name__})") from None
    try:
        jobs = expand_grid(overrides)
    except Exception:  # a sweep that needs the config to expand (a glob over a group)
        return None
    return [(job_dir_name(",".join(sorted(job))), job) for job in jobs]


def collect(sweep_dir: str | Path) -> SweepTables:
    """Read a sweep folder into tables; never fails because some jobs did."""
    sweep_dir = Path(sweep_dir)
    if not sweep_dir.is_dir():
        raise FileNotFoundError(f"{sweep_dir}: no such folder")
    jobs = [read_job(job) for job in job_folders(sweep_dir)]
    notes = []
    try:
        expected = expected_jobs(sweep_dir)
    except ValueError as error:
        expected = None
        notes.append(f"{error}: jobs that never started cannot be listed")
    if not jobs and expected is None:
        raise FileNotFoundError(f"{sweep_dir}: not a sweep folder (no job folders, no multirun.yaml)")
    seen = {job["job"] for job in jobs}
    for name, overrides in expected or []:
        if name not in seen:
            jobs.append(
                {
                    "job": name,
                    "overrides": overrides,
                    "status": NOT_STARTED,
                    "error": "never started (the sweep stopped before it)",
                    "marker": {},
                }
            )

    parameters: list[str] = []
    for job in jobs:
        for override in job["overrides"]:
            key = override_key(override)
            if key and key not in parameters:
                parameters.append(key)

    runs, weekly = [], []
    for job in jobs:
        if job["status"] != DONE_STATUS:
            continue
        try:
            summary = read_table(sweep_dir / job["job"], "summary")
            series = read_table(sweep_dir / job["job"], "weekly")
        except (OSError, ValueError) as error:  # a done job whose tables went missing
            job["status"], job["error"] = FAILED_STATUS, f"unreadable results: {error}"
            continue
        values = {
            parameter_column(key, SUMMARY_KEYS): parameter_value(job["config"], key, job["choices"])
            for key in parameters
        }
        names = summary.set_index("seed")["regime"]
        series.insert(0, "regime", series["seed"].map(names).fillna(""))
        runs.append(_with_parameters(summary, job, values))
        weekly.append(_with_parameters(series, job, values))

    job_table = pd.DataFrame(
        [
            {
                "job": job["job"],
                "status": job["status"],
                "error": job["error"],
                "overrides": " ".join(job["overrides"]),
                "config_hash": job["marker"].get("config_hash", ""),
                "runs": job["marker"].get("runs", 0),
                "seconds": job["marker"].get("seconds", float("nan")),
            }
            for job in jobs
        ],
        columns=["job", "status", "error", "overrides", "config_hash", "runs", "seconds"],
    )
    return SweepTables(
        runs=_stack(runs),
        weekly=_stack(weekly),
        jobs=job_table,
        parameters=parameters,
        notes=notes,
    )


def _stack(tables: list[pd.DataFrame]) -> pd.DataFrame:
    if not tables:
        return pd.DataFrame(columns=["job"])
    with warnings.catch_warnings():  # columns empty in some runs (metric_index of the baseline)
        warnings.simplefilter("ignore", FutureWarning)
        return pd.concat(tables, ignore_index=True)


def _with_parameters(table: pd.DataFrame, job: dict, values: dict) -> pd.DataFrame:
    """The job and its parameters in front of a table's own columns."""
    front = {"job": job["job"], "config_hash": job["marker"].get("config_hash", ""), **values}
    head = pd.DataFrame({k: [v] * len(table) for k, v in front.items()}, index=table.index)
    return pd.concat([head, table], axis=1)


def report(tables: SweepTables) -> str:
    """What was collected and what is missing, in a few lines."""
    counts = tables.jobs["status"].value_counts()
    lines = [
        f"{len(tables.runs)} runs from {counts.get(DONE_STATUS, 0)} finished jobs of {len(tables.jobs)}; "
        f"parameters: {', '.join(tables.parameters) or 'none'}"
    ]
    for status in (FAILED_STATUS, UNFINISHED, NOT_STARTED):
        rows = tables.jobs[tables.jobs["status"] == status]
        if len(rows):
            lines.append(f"{len(rows)} {status}:")
            lines += [f"  {row.job}: {row.error}" for row in rows.itertuples()]
    lines += [f"note: {note}" for note in tables.notes]
    return "\n".join(lines)


def write(tables: SweepTables, out: Path, fmt: str = "parquet") -> list[Path]:
    suffix = ".parquet" if fmt == "parquet" else ".csv"
    return [
        write_table(tables.runs, out / f"runs{suffix}", "summary", tables.parameter_columns),
        write_table(tables.weekly, out / f"weekly{suffix}", "weekly", tables.parameter_columns),
        write_table(tables.jobs, out / f"jobs{suffix}", "jobs"),
    ]


def cli(argv: list[str] | None = None) -> int:
    parser = Parser(
        prog="python -m sim collect",
        description="Turn a sweep folder into one table of runs, one of weeks and one of jobs.",
    )
    parser.add_argument("sweep_dir", type=Path, help="the sweep folder (hydra.sweep.dir)")
    parser.add_argument("--out", type=Path, help="where to write the tables (default: the sweep folder)")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any job did not finish")
    args = parser.parse_args(argv)
    try:
        if not args.sweep_dir.is_dir():
            raise ConfigError(f"sweep_dir={args.sweep_dir}: no such folder")
        output_folder("--out", args.out or args.sweep_dir)
        tables = collect(args.sweep_dir)
    except (ConfigError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    paths = write(tables, args.out or args.sweep_dir, args.format)
    print(report(tables))
    print("written: " + ", ".join(str(p) for p in paths))
    return 1 if args.strict and len(tables.problems()) else 0


if __name__ == "__main__":
    sys.exit(cli())
