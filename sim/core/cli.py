"""The `goodhart-sim` command: its subcommands, its version and its `--help` pages.

`goodhart-sim COMMAND ARGS` is `python -m sim.MODULE ARGS`; without a command it runs the
main job (`run`). The help pages are Hydra's, set through the `hydra/help` config group, so
`--help` shows the regimes and the program's name as the user typed it.

This module imports nothing but the standard library at the top: `--version`, tab completion
of the command names and a missing extra answer before Hydra or the model load.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

PROGRAM = "goodhart-sim"

# The modules each optional extra of pyproject.toml brings, as they are imported.
EXTRAS: dict[str, tuple[str, ...]] = {
    "app": ("solara", "ipyvue", "ipyvuetify", "segno"),
    "org": ("ema_workbench",),
    "search": ("optuna",),
    "research": ("SALib",),
}


@dataclass(frozen=True)
class Command:
    module: str  # the module whose `function(argv)` runs the command
    function: str
    summary: str
    extra: str | None = None  # the extra it needs beyond the core install


COMMANDS = {
    "run": Command("sim.__main__", "run", "the main job: a regime beside the baseline (the default)"),
    "sweep": Command("sim.studies.sweep", "cli", "a grid of parameters as a Hydra multirun, on every core"),
    "collect": Command("sim.studies.collect", "cli", "a sweep's folder as one table of runs"),
    "report": Command("sim.hr.report", "main", "an HTML report comparing scenarios"),
    "profile": Command(
        "sim.hr.profile", "main", "check an organisation profile and say what it sets (writes nothing)"
    ),
    "search": Command(
        "sim.studies.search",
        "main",
        "search policies for value within burnout and attrition limits",
        "search",
    ),
    "app": Command("sim.app.__main__", "main", "the live workshop app (also `goodhart-workshop`)", "app"),
    "validate": Command("sim.studies.validate", "main", "run every validation target of the design"),
    "calibrate": Command(
        "sim.studies.calibrate", "main", "fit the free parameters to the targets with numbers"
    ),
}


def version() -> str:
    """This package's version: `sim.__version__` when there is one, else the installed one."""
    from importlib import metadata

    import sim

    try:
        return getattr(sim, "__version__", None) or metadata.version(PROGRAM)
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def missing_extra(extra: str, what: str) -> str | None:
    """The line that says which extra to install when one of `extra`'s modules cannot be
    imported (a core install), else None."""
    for module in EXTRAS[extra]:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # a broken install, or a module blocked in sys.modules
            found = False
        if not found:
            return (
                f"{what} needs the [{extra}] extra (no module {module!r} here): "
                f'pip install "goodhart-sim[{extra}]"'
            )
    return None


def require_extra(extra: str, what: str) -> None:
    """Exit 2 with one line naming the extra to install if `extra` is not installed."""
    line = missing_extra(extra, what)
    if line is not None:
        print(f"error: {line}", file=sys.stderr)
        sys.exit(2)


def complete(argv: Sequence[str]) -> bool:
    """Tab completion. Bash runs `goodhart-sim -sc query=bash` with the line typed so far in
    COMP_LINE; Hydra completes the main job's keys and presets. After a command's name, the
    sweep's Hydra completes its own config, and the other commands get nothing; while the first
    word is being typed, the commands it may start are offered too. Returns whether it answered."""
    line = os.environ.get("COMP_LINE")
    if line is None or not ({"-sc", "--shell-completion"} & set(argv)) or "query=bash" not in argv:
        return False
    run = importlib.import_module("sim.__main__").run
    words = line.split()
    if len(words) > 1 and words[1] in COMMANDS and (len(words) > 2 or line.endswith(" ")):
        os.environ["COMP_LINE"] = line.replace(f" {words[1]}", "", 1)  # what Hydra completes
        if words[1] in ("run", "sweep"):
            run(argv) if words[1] == "run" else importlib.import_module("sim.studies.sweep").cli(argv)
        return True
    typing = words[1] if len(words) == 2 and not line.endswith(" ") else ""
    commands = [name for name in COMMANDS if name.startswith(typing)] if len(words) <= 2 else []
    keys = io.StringIO()
    with contextlib.redirect_stdout(keys):
        run(argv)
    print(" ".join([*commands, *keys.getvalue().split()]))
    return True


def main(argv: Sequence[str] | None = None) -> None:
    """`goodhart-sim [COMMAND] ARGS` (and `python -m sim`): the command's own entry point with
    the rest of the line. The command's module is imported only once it is known to be needed."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if complete(argv):
        return
    name = argv[0] if argv and argv[0] in COMMANDS else "run"
    if argv[:1] == [name]:
        argv = argv[1:]
    if name == "run" and "--version" in argv:
        print(f"{PROGRAM} {version()}")
        return
    command = COMMANDS[name]
    if command.extra is not None:
        require_extra(command.extra, f"{PROGRAM} {name}")
    status = getattr(importlib.import_module(command.module), command.function)(argv)
    if status:
        sys.exit(status)


def workshop() -> None:
    """`goodhart-workshop ARGS`: the workshop app, as `goodhart-sim app ARGS`."""
    require_extra("app", "goodhart-workshop")
    main(["app", *sys.argv[1:]])


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
    from hydra.core.config_store import ConfigStore

    store = ConfigStore.instance()
    for name, text in (("goodhart_sim", RUN_HELP), ("goodhart_sim_sweep", SWEEP_HELP)):
        store.store(
            group="hydra/help",
            name=name,
            node={"app_name": PROGRAM, "header": "", "footer": "", "template": text},
            provider="goodhart-sim",
        )
