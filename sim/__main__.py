"""`python -m sim`: the main job, as a Hydra app. `--scenario FILE` runs a scenario file.

Bad input stops before anything runs with one line naming the key, and exit status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig

from sim.checks import ConfigError, fail, output_folder
from sim.compare import main_job
from sim.presets import as_config, load_config, split_command_line
from sim.scenarios import expand_scenario_args

# Flags after which Hydra does something other than a single run.
_OTHER_MODES = {
    "-m",
    "--multirun",
    "--cfg",
    "-c",
    "--help",
    "-h",
    "--hydra-help",
    "--info",
    "-i",
    "--shell-completion",
}


def preflight(argv: list[str]) -> None:
    """Compose and check the config of a single run; exit 2 with one line if it is wrong."""
    if any(arg.split("=")[0] in _OTHER_MODES for arg in argv):
        return
    overrides, config_dirs = split_command_line(argv)
    try:
        cfg = as_config(load_config(overrides, config_dirs))
        run_dir = next((a.split("=", 1)[1] for a in argv if a.startswith("hydra.run.dir=")), None)
        if run_dir is not None:
            output_folder("hydra.run.dir", run_dir)
        output_folder("output.dir", Path(run_dir or ".", cfg.output.dir))
    except ConfigError as error:
        fail(str(error))


@hydra.main(version_base="1.3", config_path="pkg://sim.configs", config_name="config")
def main(cfg: DictConfig) -> None:
    try:
        main_job(cfg)
    except ConfigError as error:
        fail(str(error))


def cli() -> None:
    try:
        sys.argv[1:] = expand_scenario_args(sys.argv[1:])  # --scenario FILE: its overrides first
    except ConfigError as error:
        fail(str(error))
    preflight(sys.argv[1:])
    main()


if __name__ == "__main__":
    cli()
