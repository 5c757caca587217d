"""The command line: the main job's outputs, and one-line errors that stop before writing."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest

from sim.core.checks import ConfigError
from sim.core.cli import COMMANDS
from sim.core.presets import read_command_line

from .conftest import run_cli


def test_the_main_job_prints_the_comparison_and_where_outputs_are(main_job):
    done, out = main_job
    assert done.returncode == 0, done.stderr
    for heading in ("durable value", "metric", "token spend", "theater", "burnout", "attrition", "regretted"):
        assert heading in done.stdout
    for label in ("No metric (baseline)", "Token quota", "Copilot adoption", "Individual output"):
        assert label in done.stdout
    assert str(out) in done.stdout
    # What AI does with no metric frames the comparison: printed before it, with its sources.
    frame = done.stdout.index("What AI does with no metric at all")
    assert frame < done.stdout.index("No metric (baseline)")
    assert "durable value per 40 hours worked" in done.stdout and "METR 2025" in done.stdout
    assert "  ai_effect.parquet" in done.stdout


def test_the_main_job_writes_every_table_the_config_and_the_figure(main_job):
    _, out = main_job
    weekly = pd.read_parquet(out / "weekly.parquet")
    summary = pd.read_parquet(out / "summary.parquet")
    employees = pd.read_parquet(out / "employees.parquet")
    regimes = {"baseline", "consumption", "adoption", "individual_outcome", "baseline_no_ai"}
    assert set(summary["regime"]) == regimes
    assert len(summary) == 5 * 2
    assert len(weekly) == 5 * 2 * 30
    assert employees.groupby(["regime", "seed"]).size().min() >= 120
    assert (out / "config.yaml").read_text().startswith("seed:")
    assert (out / "dashboard.png").read_bytes()[:4] == b"\x89PNG"
    assert not list(out.glob("*.part")) and not list(out.glob(".*.part"))


def test_hydra_overrides_select_the_regime_and_values(tmp_path):
    out = tmp_path / "run"
    done = run_cli(
        "regime=token_leaderboard",
        "regime.pressure=0.8",
        "org.n_employees=80",
        "org.weeks=20",
        "replicates=1",
        "compare=[]",
        "seed=7",
        "output.format=csv",
        "output.figure=false",
        f"hydra.run.dir={out}",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["regime"]) == ["baseline", "token_leaderboard", "baseline_no_ai"]
    assert summary.loc[1, "pressure"] == 0.8
    assert not (out / "dashboard.png").exists()


@pytest.mark.parametrize(
    "args, key",
    [
        (["regime=no_such_regime"], "regime=no_such_regime"),
        (["org.n_employees=-5"], "org.n_employees"),
        (["regime.pressure=1.5"], "regime.pressure"),
        (["regime=token_leaderboard", "regime.weights.tokens=0"], "regime.weights"),
        (["compare=[adoption,nothing_like_it]"], "nothing_like_it"),
        (["regime=custom", "--config-dir", "/no/such/folder"], "/no/such/folder"),
        (["org.no_such_parameter=3"], "org.no_such_parameter"),
        (["org.n_employees=many"], "org.n_employees"),
    ],
)
def test_bad_input_exits_non_zero_with_one_line_and_writes_nothing(tmp_path, args, key):
    done = run_cli(
        "org.weeks=5", "regime.start_week=2", "org.n_employees=20", "replicates=1", *args, cwd=tmp_path
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and key in lines[0] and lines[0].startswith("error:")
    assert not (tmp_path / "outputs").exists()


# -- the command line is Hydra's, under our name ---------------------------------------------

SIM = Path(__file__).resolve().parents[1] / "sim"


def test_hydra_s_own_parser_reads_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine").mkdir()  # a --config-dir is checked as it is read
    line = read_command_line(["-sc", "query=bash"])
    assert not line.runs and line.overrides == ["query=bash"]
    line = read_command_line(
        ["--config-dir", "mine", "regime=x", "hydra.run.dir=out", "hydra/launcher=basic", "-m"]
    )
    assert line.runs and line.multirun and line.config_dirs == ["mine"] and line.overrides == ["regime=x"]
    assert line.hydra_overrides == ["hydra.run.dir=out", "hydra/launcher=basic"]
    for modes in (["--cfg", "job"], ["--help"], ["--hydra-help"], ["--info"], ["-i", "plugins"]):
        assert not read_command_line(modes).runs
    for bad, named in (
        (["--no-such-flag"], "--no-such-flag"),
        (["--cfg", "everything"], "--cfg"),
        (["a=1", "--cfg", "job", "b=2"], "b=2: put every key=value together"),  # as Hydra reads it
    ):
        with pytest.raises(ConfigError, match=named):
            read_command_line(bad)


def test_no_private_hydra_import_but_the_one_isolated_parser():
    private = {
        path.relative_to(SIM.parent): [line for line in path.read_text().splitlines() if "_internal" in line]
        for path in [*SIM.rglob("*.py"), *SIM.parent.joinpath("hydra_plugins").rglob("*.py")]
    }
    private = {path: lines for path, lines in private.items() if lines}
    assert list(private) == [Path("sim/core/presets.py")]
    assert private[Path("sim/core/presets.py")] == ["    from hydra._internal.utils import get_args_parser"]
    assert "validate_batch_is_legal" not in (SIM / "studies" / "sweep.py").read_text()


def test_tab_completion_installs_and_answers_for_goodhart_sim(tmp_path):
    script = run_cli("-sc", "install=bash", cwd=tmp_path)
    assert script.returncode == 0, script.stderr
    assert "complete -o nospace -o default -F hydra_bash_completion goodhart-sim" in script.stdout
    assert "$helper -sc query=bash" in script.stdout
    env = {**os.environ, "COMP_LINE": "goodhart-sim regime=token_l", "COMP_POINT": "27"}
    query = subprocess.run(
        [sys.executable, "-m", "sim", "-sc", "query=bash"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert query.returncode == 0, query.stderr
    assert query.stdout.split() == ["regime=token_leaderboard"]
    for line, offered in (
        ("goodhart-sim sw", ["sweep"]),  # a command's name
        ("goodhart-sim re", ["report", "regime.", "regime=", "replicates="]),  # or a key
        ("goodhart-sim org.n_", ["org.n_employees="]),
        ("goodhart-sim sweep sweep.empl", ["sweep.employees="]),  # the sweep's own config
        ("goodhart-sim report --se", []),  # argparse commands: nothing, and no error
    ):
        env = {**os.environ, "COMP_LINE": line, "COMP_POINT": str(len(line))}
        query = subprocess.run(
            [sys.executable, "-m", "sim", "-sc", "query=bash"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert (query.returncode, query.stdout.split(), query.stderr) == (0, offered, ""), line
    assert not list(tmp_path.iterdir())


@pytest.mark.skipif(
    not (Path(sys.executable).parent / "goodhart-sim").exists(), reason="no goodhart-sim script"
)
def test_tab_completion_in_bash_completes_a_parameter(tmp_path):
    """What bash does on Tab: the installed function asks `goodhart-sim -sc query=bash`."""
    line = "goodhart-sim org.n_empl"
    script = f"""
        eval "$(goodhart-sim -sc install=bash)"
        COMP_LINE='{line}'; COMP_POINT={len(line)}; COMP_CWORD=1
        hydra_bash_completion
        printf '%s\\n' "${{COMPREPLY[@]}}"
    """
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["org.n_employees="]


def test_help_names_the_program_every_flag_and_command(tmp_path):
    done = run_cli("--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("goodhart-sim:") and "__main__" not in done.stdout
    for flag in ("--scenario", "--config-dir", "--cfg job", "--version", "-sc install=bash", "--hydra-help"):
        assert flag in done.stdout
    for command in COMMANDS:
        assert f"\n  {command} " in done.stdout
    assert "token_leaderboard" in done.stdout  # the presets, from Hydra's config groups
    sweep = run_cli("sweep", "--help", cwd=tmp_path)
    assert sweep.returncode == 0 and sweep.stdout.startswith("goodhart-sim sweep:")
    assert 'pip install "goodhart-sim[cluster]"' in sweep.stdout
    assert not list(tmp_path.iterdir())


def test_version_is_ours(tmp_path):
    ours = f"goodhart-sim {metadata.version('goodhart-sim')}"
    for args in (["--version"], ["sweep", "--version"], ["regime=adoption", "--version"]):
        done = run_cli(*args, cwd=tmp_path)
        assert (done.returncode, done.stdout.strip()) == (0, ours)


def one_error_line(done: subprocess.CompletedProcess, *named: str) -> str:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), lines
    for text in named:
        assert text in lines[0]
    return lines[0]


# The modules that must stay unloaded for `--version`: Hydra, the model and what it reads.
HEAVY = ("hydra", "omegaconf", "mesa", "pandas", "numpy", "sim.model.organisation", "sim.core.config")
LOADED = (
    "import atexit, sys; "
    f"atexit.register(lambda: print('loaded:', *[m for m in {HEAVY!r} if m in sys.modules]))"
)


@pytest.mark.parametrize(
    "start",
    [
        "from sim.core.cli import main; main()",  # the `goodhart-sim` script
        "import runpy; runpy.run_module('sim', run_name='__main__')",  # python -m sim
    ],
)
def test_version_loads_neither_hydra_nor_the_model(tmp_path, start):
    done = subprocess.run(
        [sys.executable, "-c", f"{LOADED}; {start}", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"goodhart-sim {metadata.version('goodhart-sim')}", "loaded:"]


def block(*modules: str) -> str:
    """Python that makes `modules` unimportable, as in an install without their extra."""
    return "import sys; " + "".join(f"sys.modules[{name!r}] = None; " for name in modules)


EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"
CLI = "from sim.core.cli import main; main()"  # `goodhart-sim`


def as_main(module: str) -> str:
    """Python that runs `python -m module`."""
    return f"import runpy; runpy.run_module({module!r}, run_name='__main__')"


def script(name: str) -> str:
    """Python that runs `python experiments/NAME` (whose folder is the first on the path)."""
    path = str(EXPERIMENTS / name)
    return (
        f"sys.argv[0] = {path!r}; sys.path.insert(0, {str(EXPERIMENTS)!r}); "
        f"import runpy; runpy.run_path({path!r}, run_name='__main__')"
    )


@pytest.mark.parametrize(
    "blocked, start, args, named",
    [
        ("solara", CLI, ["app"], "goodhart-sim app"),
        ("segno", CLI, ["app", "--port", "9"], "goodhart-sim app"),
        ("solara", "from sim.core.cli import workshop; workshop()", [], "goodhart-workshop"),
        ("solara", as_main("sim.app"), [], "python -m sim.app"),
        ("optuna", CLI, ["search", "--out", "s"], "goodhart-sim search"),
        ("optuna", as_main("sim.studies.search"), ["--out", "s"], "python -m sim search"),
        ("SALib", script("sensitivity.py"), ["--out", "s"], "experiments/sensitivity.py"),
        ("SALib", script("robustness.py"), ["--out", "s"], "experiments/robustness.py"),
    ],
)
def test_a_command_without_its_extra_says_which_to_install(tmp_path, blocked, start, args, named):
    """A core install (`pip install goodhart-sim`) has no Solara, Optuna or SALib: the command
    that needs one says, in one line, which extra brings it, and writes nothing."""
    extra = {"solara": "app", "segno": "app", "optuna": "search", "SALib": "research"}[blocked]
    done = subprocess.run(
        [sys.executable, "-c", block(blocked) + start, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    one_error_line(done, named, f"[{extra}] extra", f'pip install "goodhart-sim[{extra}]"', blocked)
    assert not list(tmp_path.iterdir())


def test_the_library_without_an_extra_names_it_in_the_import_error():
    done = subprocess.run(
        [sys.executable, "-c", block("optuna") + "import sim.studies.search"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "ModuleNotFoundError: sim.studies.search needs the [search] extra (no module 'optuna' here): "
        'pip install "goodhart-sim[search]"'
    )


def test_multirun_of_the_main_job_points_to_the_sweep(tmp_path):
    for flag in ("--multirun", "-m"):
        done = run_cli(flag, "regime=adoption,consumption", cwd=tmp_path)
        one_error_line(done, flag, "goodhart-sim sweep")
    assert not list(tmp_path.iterdir())


# A Python without the `cluster` extra's plugins: importing them fails, as when not installed.
WITHOUT_CLUSTER = (
    "import sys; sys.modules['hydra_plugins.hydra_ray_launcher'] = None; "
    "sys.modules['hydra_plugins.hydra_submitit_launcher'] = None; "
    "from sim.__main__ import cli; cli()"
)


@pytest.mark.parametrize("launcher", ["slurm", "ray_cluster", "submitit_local"])
def test_a_launcher_without_its_extra_says_what_to_install(tmp_path, launcher):
    for command in (["sweep", "regime.pressure=0.2,0.4", f"hydra.sweep.dir={tmp_path}/s"], []):
        done = subprocess.run(
            [sys.executable, "-c", WITHOUT_CLUSTER, *command, f"hydra/launcher={launcher}"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        one_error_line(done, f"hydra/launcher={launcher}", 'pip install "goodhart-sim[cluster]"')
    assert not list(tmp_path.iterdir())


def test_an_unknown_launcher_lists_the_launchers(tmp_path):
    done = run_cli("sweep", "regime.pressure=0.2,0.4", "hydra/launcher=nowhere", cwd=tmp_path)
    one_error_line(done, "hydra/launcher=nowhere", "cores", "basic")
    assert not list(tmp_path.iterdir())


# -- one entry point -------------------------------------------------------------------------


def test_each_command_is_its_module(tmp_path):
    """`goodhart-sim COMMAND ARGS` answers as the command's own module does."""
    for command, args in (
        ("collect", ["no_such_sweep"]),
        ("report", ["token_leaderboard", "--seeds", "0"]),
        ("profile", ["no_such_profile.yaml"]),
        ("search", ["--trials", "0"]),
        ("sweep", ["regime.pressure=0.5,1.5", f"hydra.sweep.dir={tmp_path}/s"]),
        ("run", ["org.n_employees=-5"]),
    ):
        module = "sim" if command == "run" else COMMANDS[command].module
        alone = subprocess.run(
            [sys.executable, "-m", module, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        through = run_cli(command, *args, cwd=tmp_path)
        line = one_error_line(through)
        assert line == one_error_line(alone), command
    assert not list(tmp_path.iterdir())
