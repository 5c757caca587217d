"""`python -m sim`: the main job, as a Hydra app. `--scenario FILE` runs a scenario file.

Bad input stops before anything runs with one line naming the key, and exit status 2.
"""

from __future__ import annotations

import sys

import hydra
from omegaconf import DictConfig

from sim.checks import ConfigError
from sim.compare import main_job
from sim.presets import load_config
from sim.scenarios import expand_scenario_args

# Flags after which Hydra does something other than a single run, or takes a value.
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
_TAKES_VALUE = {
    "--config-dir",
    "-cd",
    "--config-path",
    "-cp",
    "--config-name",
    "-cn",
    "--cfg",
    "-c",
    "--package",
    "-p",
}


def preflight(argv: list[str]) -> None:
    """Compose and check the config of a single run; exit 2 with one line if it is wrong."""
    if any(arg.split("=")[0] in _OTHER_MODES for arg in argv):
        return
    overrides, config_dirs = [], []
    args = iter(argv)
    for arg in args:
        flag, eq, value = arg.partition("=")
        if flag in _TAKES_VALUE:
            value = value if eq else next(args, "")
            if flag in ("--config-dir", "-cd"):
                config_dirs.append(value)
        elif not arg.startswith("-") and not arg.startswith("hydra."):
            overrides.append(arg)
    try:
        load_config(overrides, config_dirs)
    except ConfigError as error:
        fail(str(error))


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


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
