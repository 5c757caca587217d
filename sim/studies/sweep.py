"""`python -m sim sweep --multirun ...`: research sweeps as Hydra multiruns.

One Hydra job runs one configuration over `replicates` seeds derived from `seed` with
NumPy's SeedSequence, because a Hydra job costs about 0.2 s (composing its config, sending
Hydra's state to a worker, logging) against 0.2 s for a run of 500 people over 104 weeks.
Each job writes into its own folder, named by its overrides so that a restarted or extended
sweep finds it again:

    summary.parquet   one row per seed (the summary of the data contract, plus `replicate`)
    weekly.parquet    one row per seed and week
    employees.parquet one row per seed and person, only with sweep.employees=true
    running           while it runs: the worker's process id
    done              written last: the config hash, the seeds, the time taken, file sizes

A job whose folder holds a `done` marker for the same config, with its tables intact, does
nothing, so the same command with the same `hydra.sweep.dir` skips what finished and reruns
what did not (or whose tables were damaged since). A job that fails writes `failed` with the
error, the other jobs go on, and the command exits 1 at the end. A worker process that dies
(killed, or out of memory) takes only its job down: the jobs it was running are rerun one at
a time, and a job whose worker dies again is marked failed. Ctrl-C stops the workers and
prints what finished and how to resume (exit status 130); a worker whose sweep process is
gone stops too. `python -m sim collect SWEEP_DIR` turns the folder into one table.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import itertools
import json
import logging
import os
import re
import shlex
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hydra
import pandas as pd
from hydra import compose, initialize_config_module
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Glob
from hydra.core.plugins import Plugins
from hydra.core.utils import JobReturn, JobStatus
from hydra.errors import HydraException, MissingConfigException
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException
from tqdm import tqdm

from sim.core.burn_in_cache import model_fingerprint
from sim.core.checks import ConfigError, check, fail, output_folder, shown
from sim.core.cli import PROGRAM, version
from sim.core.config import Config
from sim.core.config_dirs import check_config_dirs
from sim.core.outputs import write_table, write_text
from sim.core.presets import (
    CONFIG_MODULE,
    GROUPS,
    HYDRA_LOCK,
    check_launcher,
    missing_message,
    name_after_file,
    one_line,
    preset_names,
    read_command_line,
)
from sim.core.run import replicate_seeds, simulate_batch

log = logging.getLogger(__name__)

DONE = "done"
FAILED = "failed"
RUNNING = "running"
PARENT_ENV = "GOODHART_SWEEP_PID"  # the sweep process: its workers never outlive it
# Job folder names longer than this are shortened and made unique with a hash.
MAX_DIR_NAME = 120


@dataclass
class SweepOptions:
    """What a sweep job writes besides its summary and weekly tables."""

    employees: bool = False  # also write the per-employee table of every run (large)


@dataclass
class SweepConfig(Config):
    """A sweep job's config: a simulation plus the sweep's own options."""

    sweep: SweepOptions = field(default_factory=SweepOptions)


ConfigStore.instance().store(name="sweep_config", node=SweepConfig)
ConfigStore.instance().store(
    group="hydra/sweeper",
    name="grid",
    node={"_target_": "hydra_plugins.goodhart_sim.GridSweeper", "params": None},
    provider="goodhart-sim",
)


def job_dir_name(override_dirname: str) -> str:
    """A job's folder name from its overrides: readable, safe, and unique when shortened."""
    name = re.sub(r"[^A-Za-z0-9._=,+\-\[\]{}:]", "_", override_dirname) or "defaults"
    if len(name) > MAX_DIR_NAME:
        digest = hashlib.sha256(override_dirname.encode()).hexdigest()[:12]
        name = f"{name[: MAX_DIR_NAME - 13]}~{digest}"
    return name


if not OmegaConf.has_resolver("sim_job_dir"):
    OmegaConf.register_new_resolver("sim_job_dir", job_dir_name)


def as_sweep_config(cfg: DictConfig | Config) -> SweepConfig:
    """The typed config of a sweep job; ConfigError names the key at fault."""
    if isinstance(cfg, SweepConfig):
        return cfg
    try:
        typed = OmegaConf.get_type(cfg) is SweepConfig  # Hydra's configs are typed already
        config = OmegaConf.to_object(
            cfg if typed else OmegaConf.merge(OmegaConf.structured(SweepConfig), cfg)
        )
    except OmegaConfBaseException as error:
        raise ConfigError(one_line(error)) from None
    if not isinstance(config, SweepConfig):
        raise ConfigError(f"config: a sweep job's config, not {type(config).__name__}")
    check(config)
    return config


def config_hash(cfg: Config) -> str:
    """What identifies a job's results: every model parameter, the seed, the replicates and
    the model's code.

    Output options and the sweep's own options are left out: they change files, not results.
    """
    node = dataclasses.asdict(cfg)
    for key in ("output", "compare", "sweep"):
        node.pop(key, None)
    node["model_code"] = model_fingerprint()
    text = json.dumps(node, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def read_marker(path: Path) -> dict | None:
    """A `done` or `failed` marker, or None when there is none (or it is unreadable)."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def is_done(job_dir: Path, key: str) -> bool:
    """Whether this folder already holds the finished, intact results of the config `key`."""
    marker = read_marker(job_dir / DONE)
    return marker is not None and marker.get("config_hash") == key and results_intact(job_dir, marker)


def results_intact(job_dir: Path, marker: dict) -> bool:
    """Whether the tables a `done` marker lists are there with the sizes written (and, for
    Parquet, a readable footer): a truncated or deleted table means the job is run again."""
    suffix = ".parquet" if marker.get("format", "parquet") == "parquet" else ".csv"
    sizes = marker.get("files") or {f"summary{suffix}": None, f"weekly{suffix}": None}
    for name, size in sizes.items():
        path = job_dir / name
        try:
            if not path.is_file() or (size is not None and path.stat().st_size != size):
                return False
            if path.suffix == ".parquet":
                import pyarrow.parquet as pq

                pq.read_metadata(path)
        except Exception:  # unreadable in any way: not done
            return False
    return True


@dataclass
class JobOutcome:
    """What one sweep job did."""

    job_dir: Path
    config_hash: str
    status: str  # done | skipped | failed
    runs: int = 0
    seconds: float = 0.0
    error: str = ""


def run_job(
    cfg: DictConfig | Config,
    job_dir: str | Path,
    overrides: Sequence[str] = (),
) -> JobOutcome:
    """Run one configuration over its replicate seeds into `job_dir`, unless it already ran.

    The tables go first and the `done` marker last, each written atomically, so a folder
    with `done` is complete. Errors leave a `failed` marker and are not raised, so that
    the rest of a sweep goes on.
    """
    job_dir = Path(job_dir)
    start = time.perf_counter()
    key = ""
    try:
        config = as_sweep_config(cfg)
        key = config_hash(config)
        if is_done(job_dir, key):
            log.info("already done: %s", job_dir.name)
            return JobOutcome(job_dir, key, "skipped")
        for stale in (DONE, FAILED, "employees.parquet", "employees.csv"):  # of an earlier config
            (job_dir / stale).unlink(missing_ok=True)
        running = {"pid": os.getpid(), "host": socket.gethostname(), "overrides": list(overrides)}
        write_text(json.dumps(running) + "\n", job_dir / RUNNING)
        seeds = replicate_seeds(config.seed, config.replicates)
        suffix = ".parquet" if config.output.format == "parquet" else ".csv"
        summaries, weekly, employees = [], [], []
        results = simulate_batch([config] * len(seeds), seeds)  # a job's replicates step together
        for replicate, (seed, result) in enumerate(zip(seeds, results, strict=True)):
            summaries.append(result.summary.to_frame().T.assign(replicate=replicate))
            weekly.append(result.weekly.assign(seed=seed, replicate=replicate))
            if config.sweep.employees:
                employees.append(result.employees.assign(seed=seed, replicate=replicate))
        written = [
            write_table(
                _front(pd.concat(summaries, ignore_index=True)), job_dir / f"summary{suffix}", "summary"
            ),
            write_table(_front(pd.concat(weekly, ignore_index=True)), job_dir / f"weekly{suffix}", "weekly"),
        ]
        if employees:
            table = _front(pd.concat(employees, ignore_index=True))
            written.append(write_table(table, job_dir / f"employees{suffix}", "employees"))
        seconds = time.perf_counter() - start
        marker = {
            "config_hash": key,
            "overrides": list(overrides),
            "seeds": seeds,
            "runs": len(seeds),
            "seconds": round(seconds, 3),
            "format": config.output.format,
            "files": {path.name: path.stat().st_size for path in written},
        }
        write_text(json.dumps(marker, indent=1) + "\n", job_dir / DONE)
        (job_dir / RUNNING).unlink(missing_ok=True)
        log.info("done: %s, %d runs in %.1f s", job_dir.name, len(seeds), seconds)
        return JobOutcome(job_dir, key, "done", runs=len(seeds), seconds=seconds)
    except Exception as error:  # a failed job must not stop the sweep
        message = str(error).splitlines()[0] if str(error).strip() else type(error).__name__
        if not isinstance(error, ConfigError):
            message = f"{type(error).__name__}: {message}"
        marker = {
            "config_hash": key,
            "overrides": list(overrides),
            "error": message,
            "traceback": traceback.format_exc(limit=8),
        }
        write_text(json.dumps(marker, indent=1) + "\n", job_dir / FAILED)
        (job_dir / RUNNING).unlink(missing_ok=True)
        log.error("failed: %s: %s", job_dir.name, message)
        return JobOutcome(job_dir, key, "failed", error=message, seconds=time.perf_counter() - start)


def _front(frame: pd.DataFrame) -> pd.DataFrame:
    front = [c for c in ("replicate", "seed") if c in frame.columns]
    return frame[front + [c for c in frame.columns if c not in front]]


# --- The sweep as a whole: how many jobs, progress, and the command line ----------------


def expand_grid(overrides: Sequence[str]) -> list[list[str]]:
    """The overrides of every job of a sweep, as Hydra's basic sweeper expands them: every
    combination of the listed values, a later override of a key replacing an earlier one.

    Raises ValueError for sweeps it cannot expand without the config (glob over a group).
    """
    choices: dict[str, list[str]] = {}
    for override in OverridesParser.create().parse_overrides(list(overrides)):
        key = override.get_key_element()
        if not override.is_sweep_override():
            choices[key] = [f"{key}={override.get_value_element_as_str()}"]
        elif override.is_discrete_sweep():
            choices[key] = [f"{key}={value}" for value in override.sweep_string_iterator()]
        else:
            raise ValueError(f"{key}: only lists of values (a,b,c) and range() can be swept")
    return [list(job) for job in itertools.product(*choices.values())]


def task_overrides(config: DictConfig) -> list[str]:
    """The overrides of a sweep's command line and its sweeper params, from its Hydra config."""
    params = OmegaConf.select(config, "hydra.sweeper.params") or {}
    return [f"{k}={v}" for k, v in params.items()] + list(config.hydra.overrides.task)


def sweep_state(sweep_dir: Path, since: float) -> dict[str, int]:
    """Counts of the jobs of a sweep folder: finished now or earlier, failed, started."""
    state = {"done": 0, "earlier": 0, "failed": 0, "started": 0}
    for hydra_dir in sweep_dir.glob("*/.hydra"):
        job = hydra_dir.parent
        state["started"] += 1
        done = job / DONE
        if done.exists():
            state["done" if done.stat().st_mtime >= since else "earlier"] += 1
        elif (job / FAILED).exists():
            state["failed"] += 1
    return state


def progress_line(state: dict[str, int], total: int | None, elapsed: float) -> str:
    """One readable line: how far the sweep is, what failed, and how long is left."""
    finished = state["done"] + state["earlier"] + state["failed"]
    of = f"/{total}" if total else ""
    parts = [f"sweep: {finished}{of} jobs finished"]
    if state["earlier"]:
        parts.append(f"{state['earlier']} skipped (done earlier)")
    if state["failed"]:
        parts.append(f"{state['failed']} failed")
    parts.append(f"{elapsed:.0f} s")
    if total and state["done"] and finished < total:
        left = elapsed / state["done"] * (total - finished)
        parts.append(f"about {left:.0f} s left")
    return ", ".join(parts)


class SweepProgress(Callback):
    """A sweep-level progress line, printed by the launching process while jobs run.

    It counts the markers in the sweep folder, so it works whatever the launcher and
    wherever the jobs run. On a terminal the line is rewritten in place; otherwise a line
    is printed at most every 10% of the jobs or 30 s.
    """

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.sweep_dir: Path | None = None
        self.total: int | None = None
        self.started = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_count = -1

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        self.sweep_dir = Path(str(config.hydra.sweep.dir)).resolve()
        self.started = time.time()
        try:
            self.total = len(expand_grid(task_overrides(config)))
        except Exception:  # a sweep the basic sweeper's rules cannot count: no total shown
            self.total = None
        _LAST_SWEEP["dir"] = self.sweep_dir
        _LAST_SWEEP["started"] = self.started
        _LAST_SWEEP["progress"] = self
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def __getstate__(self) -> dict:
        # Launchers pickle the callbacks to their workers: leave the watcher thread behind.
        return {k: v for k, v in self.__dict__.items() if k not in ("_stop", "_thread")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._stop = threading.Event()
        self._thread = None

    def _watch(self) -> None:
        assert self.sweep_dir is not None  # set by on_multirun_start, which starts this thread
        interactive = sys.stderr.isatty()
        # On a terminal, a bar on the first line (a job run in this process draws its own
        # bar of replicates below it); otherwise a plain line now and then.
        bar = tqdm(total=self.total, desc="sweep", unit="job", position=0) if interactive else None
        last_count, last_time = 0, 0.0
        while not self._stop.wait(self.interval):
            state = sweep_state(self.sweep_dir, self.started)
            now = time.time()
            count = state["done"] + state["earlier"] + state["failed"]
            if bar is not None:
                bar.n = count
                bar.set_postfix_str(f"{state['earlier']} skipped, {state['failed']} failed", refresh=False)
                bar.refresh()
            elif count > last_count and (
                now - last_time >= 30 or count - last_count >= max(1, (self.total or 10) // 10)
            ):
                print(progress_line(state, self.total, now - self.started), file=sys.stderr, flush=True)
                last_count, last_time = count, now
        if bar is not None:
            bar.close()
        self._last_count = last_count

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        self.stop()
        if self.sweep_dir is None:  # the sweep never started
            return
        state = sweep_state(self.sweep_dir, self.started)
        if state["done"] + state["earlier"] + state["failed"] != self._last_count:
            print(progress_line(state, self.total, time.time() - self.started), file=sys.stderr, flush=True)


# The sweep the launching process ran last, for the closing report of `cli`.
_LAST_SWEEP: dict[str, Any] = {}


def closing_report(sweep_dir: Path, since: float, resume: str | None = None) -> tuple[str, int]:
    """The last lines of a sweep and its exit status: 1 when a job failed. With `resume`
    (the command that continues it), the sweep was interrupted: status 130."""
    state = sweep_state(sweep_dir, since)
    failed = sorted(p.parent.name for p in sweep_dir.glob(f"*/{FAILED}"))
    how = "interrupted after" if resume else "finished in"
    lines = [
        f"sweep {how} {time.time() - since:.1f} s: {state['done']} jobs run, "
        f"{state['earlier']} skipped (done earlier), {state['failed']} failed; results in {sweep_dir}"
    ]
    for name in failed:
        marker = read_marker(sweep_dir / name / FAILED) or {}
        lines.append(f"  failed: {name}: {marker.get('error', 'see its log')}")
    if resume:
        unfinished = sorted(p.parent.name for p in sweep_dir.glob(f"*/{RUNNING}"))
        if unfinished:
            lines.append(f"  not finished: {', '.join(unfinished)}")
        lines.append(f"to resume (finished jobs are skipped): {resume}")
    lines.append(f"one table of every run: python -m sim collect {sweep_dir}")
    return "\n".join(lines), 130 if resume else (1 if failed else 0)


def resume_command(argv: Sequence[str], sweep_dir: Path) -> str:
    """The command that continues an interrupted sweep in the same folder."""
    args = [a for a in argv if not a.startswith("hydra.sweep.dir=")]
    return " ".join(
        [
            "python -m sim sweep",
            *map(shlex.quote, args),
            f"hydra.sweep.dir={shlex.quote(str(sweep_dir))}",
        ]
    )


# --- Workers that never outlive the sweep, and a launcher that survives a dying worker ----

_WATCHING: list[int] = []


def watch_sweep_process() -> None:
    """In a worker process of the `cores` launcher (a child of the sweep process): exit as
    soon as the sweep process is gone (this process is handed to another parent), so that no
    worker outlives a killed sweep or keeps its output pipe open."""
    parent = int(os.environ.get(PARENT_ENV, "0") or 0)
    if not parent or parent == os.getpid() or _WATCHING:
        return  # the sweep process itself runs the job
    if os.getppid() != parent:
        os._exit(1)  # the sweep process is gone already
    _WATCHING.append(parent)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="sweep-watch", daemon=True).start()


def _job_key(overrides: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(overrides))


def running_jobs(sweep_dir: Path) -> dict[tuple[str, ...], Path]:
    """Jobs that started and never finished: a `running` marker and no `done` or `failed`."""
    jobs = {}
    for marker_path in sweep_dir.glob(f"*/{RUNNING}"):
        job = marker_path.parent
        marker = read_marker(marker_path)
        if marker and not (job / DONE).exists() and not (job / FAILED).exists():
            jobs[_job_key(marker.get("overrides", []))] = job
    return jobs


def launch_surviving_dead_workers(
    launcher: Any, launch: Any, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
) -> Sequence[JobReturn]:
    """Hydra's joblib launch (every local core, `launch`), where a dying worker fails only its
    job; the `cores` launcher (hydra_plugins.goodhart_sim.CoresLauncher) launches through it.

    When a worker process dies, joblib stops every worker; the jobs that were running are
    then rerun one at a time, so the one whose worker dies again is found and marked failed,
    and the jobs not yet finished are launched again.
    """
    from joblib.externals.loky.process_executor import BrokenProcessPool

    sweep_dir = Path(str(launcher.config.hydra.sweep.dir))
    returns: dict[int, JobReturn] = {}
    pending = list(range(len(job_overrides)))

    def finished(i: int) -> JobReturn:
        return JobReturn(overrides=list(job_overrides[i]), status=JobStatus.COMPLETED, _return_value=None)

    def launch_some(indices: list[int], n_jobs: int | None = None) -> None:
        options = launcher.joblib
        if n_jobs is not None:
            launcher.joblib = {**options, "n_jobs": n_jobs}
        try:
            runs = launch([job_overrides[i] for i in indices], initial_job_idx)
        finally:
            launcher.joblib = options
        returns.update(zip(indices, runs, strict=True))

    while pending:
        try:
            launch_some(pending)
            break
        except BrokenProcessPool:
            running = running_jobs(sweep_dir)
            suspects = [i for i in pending if _job_key(job_overrides[i]) in running] or list(pending)
            print(
                f"sweep: a worker process died; rerunning the {len(suspects)} job(s) it may have been "
                "running one at a time",
                file=sys.stderr,
                flush=True,
            )
            for i in suspects:
                try:
                    launch_some([i], n_jobs=1)
                except BrokenProcessPool:
                    job = running_jobs(sweep_dir).get(_job_key(job_overrides[i]))
                    if job is not None:
                        _mark_died(job, job_overrides[i])
                    returns[i] = finished(i)
            pending = [i for i in pending if i not in suspects and i not in returns]
    return [returns.get(i) or finished(i) for i in range(len(job_overrides))]


def _mark_died(job: Path, overrides: Sequence[str]) -> None:
    marker = {
        "config_hash": "",
        "overrides": list(overrides),
        "error": "its worker process died while running it, also when it ran alone (killed, out of memory?)",
    }
    write_text(json.dumps(marker, indent=1) + "\n", job / FAILED)
    (job / RUNNING).unlink(missing_ok=True)


@hydra.main(version_base="1.3", config_path="pkg://sim.configs", config_name="sweep")
def main(cfg: DictConfig) -> None:
    hydra_cfg = HydraConfig.get()
    if hydra_cfg.launcher._target_.endswith(("CoresLauncher", "JoblibLauncher")):
        watch_sweep_process()
    name_after_file(cfg.regime, hydra_cfg.runtime.choices.get("regime"))
    # A job's replicates step together (simulate_batch): there is no bar per seed to show.
    run_job(cfg, hydra_cfg.runtime.output_dir, overrides=list(hydra_cfg.overrides.task))


def preflight(argv: list[str]) -> bool:
    """Check every value of every swept key before anything runs; exit 2 with one line if wrong.
    Returns whether Hydra will run jobs (not --help, --cfg, --info, tab completion).

    Each value is checked once, with the first value of every other key, which catches
    unknown keys, bad types and out-of-range values at the cost of a few compositions.
    """
    try:
        line = read_command_line(argv)
        check_launcher(line.hydra_overrides, line.config_dirs)
    except ConfigError as error:
        fail(str(error))
    if not line.runs:
        return False
    overrides, config_dirs = line.overrides, line.config_dirs
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except Exception as error:
        fail(one_line(error))
    for arg in line.hydra_overrides:
        if arg.startswith("hydra.sweep.dir="):
            try:
                output_folder("hydra.sweep.dir", arg.split("=", 1)[1])
            except ConfigError as error:
                fail(str(error))
    choices = []
    for override in parsed:
        key = override.get_key_element()
        if override.is_sweep_override():
            if not override.is_discrete_sweep():
                fail(f"{key}: only lists of values (a,b,c) and range() can be swept here")
            strings = [f"{key}={v}" for v in override.sweep_string_iterator()]
            choices.append((strings, list(override.sweep_iterator())))
        else:
            choices.append(([f"{key}={override.get_value_element_as_str()}"], [override.value()]))  # type: ignore[list-item]
    first = [values[0] for values, _ in choices]
    try:
        [start] = compose_jobs([first], config_dirs, typed=False)
        for i, (values, parsed_values) in enumerate(choices):
            key = values[0].split("=", 1)[0]
            for value, parsed_value in zip(values[1:], parsed_values[1:], strict=True):
                if key in GROUPS or not re.fullmatch(r"[A-Za-z_][\w.]*", key):  # a preset: compose
                    compose_jobs([first[:i] + [value] + first[i + 1 :]], config_dirs)
                else:  # a value: set it on the composed config, which checks its type
                    node = copy.deepcopy(start)
                    assert isinstance(node, DictConfig)
                    try:
                        OmegaConf.update(node, key, parsed_value, merge=True)
                    except OmegaConfBaseException as error:
                        raise ConfigError(one_line(error)) from None
                    as_sweep_config(node)
    except ConfigError as error:
        fail(str(error))
    return True


def compose_jobs(
    jobs: Sequence[Sequence[str]], config_dirs: Sequence[str] = (), typed: bool = True
) -> list[SweepConfig] | list[DictConfig]:
    """The checked configs of sweep jobs, composed as `python -m sim sweep` would.

    With `typed=False`, the composed (and checked) config nodes rather than dataclasses.
    Raises ConfigError with one line naming the key at fault.
    """
    dirs = check_config_dirs(config_dirs)
    extra = ["hydra.searchpath=[" + ",".join(f"file://{d}" for d in dirs) + "]"] if dirs else []

    def compose_all() -> list[SweepConfig] | list[DictConfig]:
        configs: list = []
        for job in jobs:
            try:
                node = compose(config_name="sweep", overrides=[*job, *extra])
            except MissingConfigException as error:
                raise ConfigError(missing_message(error, dirs)) from None
            except (HydraException, OmegaConfBaseException) as error:
                raise ConfigError(one_line(error)) from None
            config = as_sweep_config(node)
            configs.append(config if typed else node)
        return configs

    with HYDRA_LOCK:  # Hydra's state is the process's (sim.core.presets)
        if GlobalHydra.instance().is_initialized():
            return compose_all()
        with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
            return compose_all()


def expand_globs(argv: Sequence[str]) -> list[str]:
    """`regime=glob(*)` (Hydra's glob over a group's presets) as the list of presets it matches,
    packaged and in `--config-dir`, so the sweep's checks, its sweeper and its folder names
    see the regimes by name. ConfigError for a glob over a value, or one matching nothing."""
    if not any("glob(" in arg for arg in argv):
        return list(argv)
    line = read_command_line(argv)
    out = []
    for arg in argv:
        if "glob(" in arg and arg in line.overrides:
            try:
                [override] = OverridesParser.create().parse_overrides([arg])
            except Exception as error:
                raise ConfigError(one_line(error)) from None
            key, value = override.get_key_element(), override.value()
            if isinstance(value, Glob):
                if key not in GROUPS:
                    raise ConfigError(
                        f"{key}: glob() picks presets of a group ({', '.join(GROUPS)}), not values"
                    )
                names = value.filter(preset_names(key, line.config_dirs))
                if not names:
                    raise ConfigError(
                        f"{shown(arg)}: matches no preset; allowed: {', '.join(preset_names(key))}"
                    )
                arg = f"{key}={','.join(names)}"
        out.append(arg)
    return out


def cli(argv: list[str] | None = None) -> None:
    """Check the sweep, run it through Hydra, then report what finished and what failed."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--version" in argv:
        print(f"{PROGRAM} {version()}")
        return
    try:
        argv = expand_globs(argv)
    except ConfigError as error:
        fail(str(error))
    if preflight(argv) and "-m" not in argv and "--multirun" not in argv:
        argv = ["--multirun", *argv]
    # Our sweeper and `cores` launcher: Hydra's scan of `hydra_plugins` misses them in an editable install.
    from hydra_plugins.goodhart_sim import CoresLauncher, GridSweeper

    Plugins.instance().register(CoresLauncher)
    Plugins.instance().register(GridSweeper)
    sys.argv = [sys.argv[0], *argv]
    _LAST_SWEEP.clear()
    os.environ[PARENT_ENV] = str(os.getpid())  # workers watch this process, and stop with it
    try:
        main()
    except KeyboardInterrupt:  # joblib has stopped the workers; say what finished
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the report
        if "dir" not in _LAST_SWEEP:
            print("sweep interrupted before any job started", file=sys.stderr)
            sys.exit(130)
        _LAST_SWEEP["progress"].stop()
        resume = resume_command([a for a in argv if a not in ("-m", "--multirun")], _LAST_SWEEP["dir"])
        report, status = closing_report(_LAST_SWEEP["dir"], _LAST_SWEEP["started"], resume)
        print(report, file=sys.stderr)
        sys.exit(status)
    if "dir" in _LAST_SWEEP:
        report, status = closing_report(_LAST_SWEEP["dir"], _LAST_SWEEP["started"])
        print(report, file=sys.stderr)
        sys.exit(status)


if __name__ == "__main__":
    # Run the module under its own name, so that launchers pickle its functions by reference.
    from sim.studies.sweep import cli as _cli

    _cli()
