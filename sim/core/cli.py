"""The `goodhart-sim` command: its subcommands, its version and its `--help` pages.

`goodhart-sim COMMAND ARGS` is `python -m sim.MODULE ARGS`; without a command it runs the
main job (`run`). The help pages are Hydra's, set through the `hydra/help` config group, so
`--help` shows the regimes and the program's name as the user typed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

from hydra.core.config_store import ConfigStore

PROGRAM = "goodhart-sim"


@dataclass(frozen=True)
class Command:
    module: str  # the module whose `function(argv)` runs the command
    function: str
    summary: str


COMMANDS = {
    "run": Command("sim.__main__", "run", "the main job: a regime beside the baseline (the default)"),
    "sweep": Command("sim.studies.sweep", "cli", "a grid of parameters as a Hydra multirun, on every core"),
    "collect": Command("sim.studies.collect", "cli", "a sweep's folder as one table of runs"),
    "report": Command("sim.hr.report", "main", "an HTML report comparing scenarios"),
    "search": Command(
        "sim.studies.search", "main", "search policies for value within burnout and attrition limits"
    ),
    "app": Command("sim.app.__main__", "main", "the live workshop app (also `goodhart-workshop`)"),
    "validate": Command("sim.studies.validate", "main", "run every validation target of the design"),
    "calibrate": Command(
        "sim.studies.calibrate", "main", "fit the free parameters to the targets with numbers"
    ),
}


def version() -> str:
    """This package's version: `sim.__version__` when there is one, else the installed one."""
    import sim

    try:
        return getattr(sim, "__version__", None) or metadata.version(PROGRAM)
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _commands_help() -> str:
    width = max(map(len, COMMANDS))
    return "\n".join(f"  {name:<{width}}  {command.summary}" for name, command in COMMANDS.items())


# Hydra fills in $APP_CONFIG_GROUPS (the regimes); a literal dollar is written $$.
RUN_HELP = f"""{PROGRAM}: an agent-based simulator of Goodhart's law at work.

Usage: {PROGRAM} [COMMAND] [--scenario FILE] [key=value ...]
       python -m sim [COMMAND] ...

Commands (`{PROGRAM} COMMAND --help` for each):
{_commands_help()}

Flags of the main job:
  --scenario FILE       run a scenario file (or a regime's name), later key=value still apply
  --config-dir DIR      add your own YAML presets (for example DIR/regime/NAME.yaml)
  --cfg job             print the whole config with every default, and run nothing
  --info                print what Hydra composed (config sources, search path, defaults)
  -sc install=bash      print the tab-completion script (eval it; zsh: install=zsh)
  --version             print {PROGRAM}'s version
  --hydra-help          Hydra's own flags and config groups
  -h, --help            this page

== Presets (group=option) ==
$APP_CONFIG_GROUPS
== Parameters ==
Override any parameter with key=value (org.n_employees=2000 regime.pressure=0.8);
`{PROGRAM} --cfg job` lists them all with their defaults, docs/model.md says where each comes from.
A sweep over several values is `{PROGRAM} sweep regime.pressure=0.1,0.5,0.9`.
"""

SWEEP_HELP = f"""{PROGRAM} sweep: a grid of parameters as a Hydra multirun, one job per configuration,
each over `replicates` seeds; finished jobs are skipped when the same sweep runs again.

Usage: {PROGRAM} sweep [--config-dir DIR] key=a,b,c ... [hydra.sweep.dir=FOLDER] [hydra/launcher=NAME]
       python -m sim sweep ...

  hydra.sweep.dir=FOLDER    where the jobs write (give it to be able to resume)
  hydra/launcher=cores      every local core (the default); basic runs jobs one by one here;
                            ray_cluster, slurm and submitit_local need
                            pip install "goodhart-sim[cluster]"
  sweep.employees=true      also write the per-employee table of every run
  --cfg job                 print the config of the first job, and run nothing
  --version                 print {PROGRAM}'s version
  --hydra-help              Hydra's own flags and config groups

Then `{PROGRAM} collect FOLDER` makes one table of every run.

== Presets (group=option) ==
$APP_CONFIG_GROUPS"""


def register_help() -> None:
    """The help pages as options of Hydra's `hydra/help` group (chosen in config.yaml, sweep.yaml)."""
    store = ConfigStore.instance()
    for name, text in (("goodhart_sim", RUN_HELP), ("goodhart_sim_sweep", SWEEP_HELP)):
        store.store(
            group="hydra/help",
            name=name,
            node={"app_name": PROGRAM, "header": "", "footer": "", "template": text},
            provider="goodhart-sim",
        )
