"""goodhart-sim's Hydra plugins: the sweeper and the `cores` launcher of `goodhart-sim sweep`.

They live in Hydra's `hydra_plugins` namespace because Hydra only instantiates sweepers and
launchers from there; `sim.studies.sweep` also registers them through `Plugins.register`, which an
editable install needs (Hydra's scan of the namespace does not see packages that setuptools'
editable finder maps).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra.core.plugins import Plugins
from hydra.core.utils import JobReturn
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from hydra_plugins.hydra_joblib_launcher.joblib_launcher import JoblibLauncher
from omegaconf import DictConfig, OmegaConf


class CoresLauncher(JoblibLauncher):
    """Hydra's joblib launcher (every local core), where a worker process that dies fails only
    the job it was running instead of the whole sweep."""

    def launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int) -> Sequence[JobReturn]:
        from sim.studies.sweep import launch_surviving_dead_workers

        return launch_surviving_dead_workers(self, super().launch, job_overrides, initial_job_idx)


class GridSweeper(Sweeper):
    """Hydra's basic grid sweep (every combination of the listed values), launched without
    composing every job first in this process. Hydra's basic sweeper does that one job after
    another (about 55 ms each, a minute for 1,000 jobs) before any job starts; here
    `goodhart-sim sweep` has checked every value of every swept key before Hydra started, and
    each job composes and checks its own config again."""

    def __init__(self, params: dict[str, str] | None = None) -> None:
        self.params = dict(params or {})
        self.hydra_context: HydraContext | None = None
        self.config: DictConfig | None = None
        self.launcher: Any = None

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig) -> None:
        self.hydra_context = hydra_context
        self.config = config
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config
        )

    def sweep(self, arguments: list[str]) -> list[Sequence[JobReturn]]:
        from sim.studies.sweep import expand_grid

        assert self.config is not None and self.launcher is not None
        jobs = expand_grid([*(f"{k}={v}" for k, v in self.params.items()), *arguments])
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
        results = self.launcher.launch(jobs, initial_job_idx=0)
        for result in results:
            _ = result.return_value  # raises the error of a job that failed, as Hydra's sweeper does
        return [results]
