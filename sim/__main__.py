"""`goodhart-sim` and `python -m sim`: the main job as a Hydra app, and the other commands.

`goodhart-sim [run] [--scenario FILE] key=value ...` runs the main job; `goodhart-sim COMMAND
ARGS` (sweep, collect, report, profile, search, app, validate, calibrate) is `python -m sim COMMAND ARGS`.
Bad input stops before anything runs with one line naming the key, and exit status 2.
"""

from __future__ import annotations

import sys

from sim.core.cli import main as cli  # the dispatcher (`goodhart-sim` runs it too)

if __name__ == "__main__":
    # `python -m sim`: dispatch before the main job's imports below, so `--version` and the
    # other commands do not wait for Hydra and the model; `run` imports this file again, as
    # the module `sim.__main__`.
    cli()
    sys.exit()

from collections.abc import Sequence
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.core.checks import ConfigError, fail, output_folder
from sim.core.cli import PROGRAM, version
from sim.core.compare import main_job
from sim.core.presets import as_config, check_launcher, load_config, name_after_file, read_command_line
from sim.core.scenarios import expand_scenario_args


def preflight(argv: Sequence[str]) -> None:
    """Read the command line as Hydra will, and compose and check the config of the run;
    exit 2 with one line if anything is wrong. Hydra's other modes (--help, --cfg, --info,
    tab completion) are left to Hydra."""
    try:
        line = read_command_line(argv)
        if line.multirun:
            raise ConfigError(
                f"--multirun: the main job is one run of each regime; sweep with `{PROGRAM} sweep "
                "key=a,b ...` (python -m sim sweep)"
            )
        check_launcher(line.hydra_overrides, line.config_dirs)
        if not line.runs:
            return
        cfg = as_config(load_config(line.overrides, line.config_dirs))
        run_dirs = [a.split("=", 1)[1] for a in line.hydra_overrides if a.startswith("hydra.run.dir=")]
        run_dir = run_dirs[-1] if run_dirs else None
        if run_dir is not None:
            output_folder("hydra.run.dir", run_dir)
        output_folder("output.dir", Path(run_dir or ".", cfg.output.dir))
    except ConfigError as error:
        fail(str(error))


@hydra.main(version_base="1.3", config_path="pkg://sim.configs", config_name="config")
def main(cfg: DictConfig) -> None:
    name_after_file(cfg.regime, HydraConfig.get().runtime.choices.get("regime"))
    try:
        main_job(cfg)
    except ConfigError as error:
        fail(str(error))


def run(argv: Sequence[str]) -> None:
    """The main job: `--scenario FILE` becomes its overrides, then Hydra runs the rest."""
    argv = list(argv)
    if "--version" in argv:
        print(f"{PROGRAM} {version()}")
        return
    try:
        argv = expand_scenario_args(argv)  # --scenario FILE: its overrides first
    except ConfigError as error:
        fail(str(error))
    preflight(argv)
    sys.argv = [PROGRAM, *argv]
    main()
