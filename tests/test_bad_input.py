"""Bad input at every entry point: exit status 2, one line naming the key, nothing written.

Each command is called in this process with its own argument list, so no simulation runs:
the checks come before any computing (and before Hydra makes a folder).
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim import __main__ as main_job
from sim.app import __main__ as app
from sim.core.checks import ConfigError
from sim.hr import report
from sim.studies import calibrate, collect, search, sweep, validate

# A scenario file's text, and what the error must name.
SCENARIOS = {
    "hydra_callback": (
        'regime: adoption\nset:\n  "+hydra.callbacks.x._target_": builtins.open\n'
        '  "+hydra.callbacks.x._args_": [victim.txt, w]\n',
        "set.+hydra.callbacks.x._target_",
    ),
    "append_prefix": ("regime: adoption\nset: {++regime.pressure: 0.5}\n", "set.++regime.pressure"),
    "delete_prefix": ("regime: adoption\nset: {~regime.pressure: null}\n", "set.~regime.pressure"),
    "hydra_key": ("regime: adoption\nset: {hydra.run.dir: elsewhere}\n", "set.hydra.run.dir"),
    "launcher": ("regime: adoption\nset: {hydra/launcher: ray}\n", "set.hydra/launcher"),
    "output_dir": ("regime: adoption\nset: {output.dir: /tmp/anywhere}\n", "set.output.dir"),
    "seed": ("regime: adoption\nset: {seed: 3}\n", "set.seed"),
    "aliases": ("a: &a [1, 1]\nb: &b [*a, *a]\nregime: adoption\n", "aliases"),
    "nan_salary": ("regime: adoption\nset: {org.salary: .nan}\n", "org.salary=nan"),
    "nan_target": ("regime: consumption\nset: {regime.target: .nan}\n", "regime.target=nan"),
    "inf_noise": ("regime: consumption\nset: {regime.noise: .inf}\n", "regime.noise=inf"),
    "nan_weight": ("regime: consumption\nset: {regime.weights.tokens: .nan}\n", "regime.weights.tokens=nan"),
    "negative_split": (
        "regime: adoption\nset: {workforce.initial_split.craft: -0.2}\n",
        "workforce.initial_split.craft=-0.2",
    ),
    "split_over_one": (
        "regime: adoption\nset: {workforce.initial_split: {craft: 1.5, ai: 0.1}}\n",
        "workforce.initial_split.craft=1.5",
    ),
    "team_over_headcount": (
        "regime: adoption\nset: {org.team_size: 1000, org.n_employees: 100}\n",
        "org.team_size=1000",
    ),
    "start_at_horizon": ("regime: adoption\nset: {regime.start_week: 104}\n", "regime.start_week=104"),
    "hours_crossed": (
        "regime: adoption\nset: {behaviour.min_hours: 60, behaviour.max_hours: 50}\n",
        "behaviour.min_hours=60",
    ),
    "huge_headcount": ("regime: adoption\nset: {org.n_employees: 10000000000}\n", "org.n_employees"),
    "huge_horizon": ("regime: adoption\nset: {org.weeks: 100000000}\n", "org.weeks=100000000"),
    "list_value": ("regime: adoption\nset: {org.salary: [1, 2]}\n", "set.org.salary"),
    "unknown_preset": ("regime: '../../etc/passwd'\n", "regime=../../etc/passwd"),
    "duplicate_key": (
        "regime: adoption\nset: {regime.pressure: 0.2}\nset: {regime.pressure: 0.9}\n",
        "line 3",
    ),
    "deep_nesting": ("regime: adoption\nset: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n", "nested more than"),
    "python_tag": ("regime: !!python/object/apply:os.system [echo hi]\n", "YAML tags"),
    "interpolation": ("name: ${oc.env:HOME}\nregime: adoption\n", "name: interpolations"),
    "label_interpolation": ("regime: {weights: {tokens: 1.0}, label: '${oc.env:HOME}'}\n", "regime.label"),
    "text_for_a_number": (
        "regime: adoption\nset: {org.salary: 'root:$6$secret'}\n",
        "set.org.salary: must be",
    ),
    "unknown_choice": (
        "regime: {weights: {tokens: 1.0}, level: 'x$secret'}\n",
        "regime.level: must be one of",
    ),
}


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def place(tmp_path, monkeypatch):
    """A working folder with the victim file a malicious scenario would empty."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "victim.txt").write_text("keep me")
    return tmp_path


def write_scenario(folder: Path, name: str) -> Path:
    text, _ = SCENARIOS[name]
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return path


def exits_2(call, capsys) -> str:
    """Run a command's entry point; it must exit 2 (or return 2) with one line on stderr."""
    try:
        status = call()
    except SystemExit as stop:
        status = stop.code
    assert status == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error:")
    return lines[0]


def check(place: Path, before: set[str], line: str, key: str) -> None:
    assert key in line, line
    assert tree(place) == before  # nothing written, no folder made
    assert (place / "victim.txt").read_text() == "keep me"


def main_job_cli(monkeypatch, *args: str):
    monkeypatch.setattr(sys, "argv", ["sim", *args])
    return main_job.cli


# -- scenario files, through the main job, the report and the app ---------------------------


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_bad_scenario_stops_the_main_job(place, capsys, monkeypatch, name):
    path = write_scenario(place, name)
    before = tree(place)
    line = exits_2(main_job_cli(monkeypatch, "--scenario", str(path)), capsys)
    check(place, before, line, SCENARIOS[name][1])


@pytest.mark.parametrize(
    "name", ["hydra_callback", "output_dir", "aliases", "nan_weight", "start_at_horizon"]
)
def test_a_bad_scenario_stops_the_report_and_the_app(place, capsys, name):
    path = write_scenario(place, name)
    before = tree(place)
    line = exits_2(lambda: report.main([str(path), "--out", "r.html"]), capsys)
    check(place, before, line, SCENARIOS[name][1])
    line = exits_2(lambda: app.main(["--scenario", str(path), "--port", str(free_port())]), capsys)
    check(place, before, line, SCENARIOS[name][1])


def test_a_message_never_echoes_a_files_content(place, capsys, monkeypatch):
    """A secret's first line parsed as a key (as /etc/shadow's would be, through a symlink),
    and terminal escape codes in a file's name, are never printed as they are."""
    secret = place / "secret"
    secret.write_text("root:$6$s3cr3tHash:19000:0:99999:7:::\n")
    (place / "shadow.yaml").symlink_to(secret)
    before = tree(place)
    line = exits_2(main_job_cli(monkeypatch, "--scenario", "shadow.yaml"), capsys)
    check(place, before, line, "shadow.yaml")
    assert "s3cr3t" not in line and "root" not in line
    evil = place / "evil\x1b[31m.yaml"
    evil.write_text("regime: adoption\nsett: 1\n")
    line = exits_2(main_job_cli(monkeypatch, "--scenario", str(evil)), capsys)
    assert "\x1b" not in line and "\\x1b[31m.yaml" in line


def test_a_huge_or_binary_scenario_file_is_one_line(place, capsys, monkeypatch):
    (place / "big.yaml").write_text("regime: adoption\n" + "#" * 100_000 + "\n")
    (place / "latin1.yaml").write_bytes("name: café\nregime: adoption\n".encode("latin-1"))
    (place / "binary.yaml").write_bytes(bytes(range(256)) * 4)
    before = tree(place)
    for name, key in (("big", "64 KB"), ("latin1", "not UTF-8"), ("binary", "not UTF-8")):
        line = exits_2(main_job_cli(monkeypatch, "--scenario", f"{name}.yaml"), capsys)
        check(place, before, line, f"{name}.yaml")
        assert key in line


def test_an_alias_bomb_is_refused_before_it_expands(place, capsys, monkeypatch):
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    (place / "bomb.yaml").write_text("\n".join(levels) + "\nregime: adoption\n")
    before = tree(place)
    line = exits_2(main_job_cli(monkeypatch, "--scenario", "bomb.yaml"), capsys)
    check(place, before, line, "anchors and aliases")


# -- the main job's own overrides ---------------------------------------------------------


@pytest.mark.parametrize(
    "args, key",
    [
        (["org.salary=nan"], "org.salary=nan"),
        (["regime.target=nan"], "regime.target=nan"),
        (["regime.noise=inf"], "regime.noise=inf"),
        (["regime=consumption", "regime.weights.tokens=nan"], "regime.weights.tokens=nan"),
        (["workforce.initial_split.craft=-0.2"], "workforce.initial_split.craft=-0.2"),
        (["org.n_employees=100", "org.team_size=1000"], "org.team_size=1000"),
        (["org.weeks=20", "regime.start_week=20"], "regime.start_week=20"),
        (["behaviour.min_hours=45", "behaviour.max_hours=45"], "behaviour.min_hours=45"),
        (["wellbeing.recovery_threshold=1.0"], "wellbeing.recovery_threshold=1.0"),
        (["org.n_employees=10000000000"], "org.n_employees"),
        (["org.weeks=100000000"], "org.weeks=100000000"),
        (["org.burn_in_weeks=100000000"], "org.burn_in_weeks=100000000"),
        (["org.burn_in_weeks=-1"], "org.burn_in_weeks=-1"),
        (["org.n_employees=0"], "org.n_employees=0"),
        (["replicates=100000"], "replicates=100000"),
        (["regime.window=1000"], "regime.window=1000"),
        (["output.dir=victim.txt/out"], "output.dir"),
        (["hydra.run.dir=victim.txt"], "hydra.run.dir"),
    ],
)
def test_bad_main_job_arguments_stop_before_hydra_makes_a_folder(place, capsys, monkeypatch, args, key):
    before = tree(place)
    line = exits_2(main_job_cli(monkeypatch, *args), capsys)
    check(place, before, line, key)


# -- the report, the search, calibration and validation ------------------------------------


@pytest.mark.parametrize(
    "args, key",
    [
        (["--employees", "0"], "--employees=0"),
        (["--weeks", "0"], "--weeks=0"),
        (["--employees", "10000000000"], "--employees"),
        (["--seeds", "0"], "--seeds=0"),
        (["--seed", "-1"], "--seed=-1"),
        (["--out", "missing/report.html"], "--out"),
        (["--out", "."], "--out"),
        (["--out", "victim.txt/report.html"], "--out"),
        (["--config-dir", "no_such_folder"], "--config-dir"),
        (["--weeks", "10"], "regime.start_week=13"),
        (["--seeds", "many"], "--seeds"),
        (["no_such_scenario"], "no_such_scenario"),
    ],
)
def test_bad_report_arguments(place, capsys, args, key):
    before = tree(place)
    line = exits_2(lambda: report.main(["token_leaderboard", *args]), capsys)
    check(place, before, line, key)


@pytest.mark.parametrize(
    "args, key",
    [
        (["--employees", "0"], "--employees=0"),
        (["--weeks", "0"], "--weeks=0"),
        (["--weeks", "13"], "--weeks=13"),
        (["--trials", "0"], "--trials=0"),
        (["--seeds", "0"], "--seeds=0"),
        (["--keep", "0"], "--keep=0"),
        (["--max-burnout", "nan"], "--max-burnout=nan"),
        (["--max-attrition", "1.5"], "--max-attrition=1.5"),
        (["--out", "victim.txt"], "--out"),
        (["--out", "victim.txt/search"], "--out"),
    ],
)
def test_bad_search_arguments(place, capsys, args, key):
    before = tree(place)
    line = exits_2(lambda: search.main(args), capsys)
    check(place, before, line, key)


@pytest.mark.parametrize(
    "args, key",
    [
        (["--seeds", "0"], "--seeds=0"),
        (["--fit-seeds", "0"], "--fit-seeds=0"),
        (["--size", "0"], "--size=0"),
        (["--weeks", "5"], "--weeks=5"),
        (["--report", "victim.txt/calibration.md"], "--report"),
        (["--out", "missing/calibrated.yaml"], "--out"),
    ],
)
def test_bad_calibrate_arguments(place, capsys, args, key):
    before = tree(place)
    line = exits_2(lambda: calibrate.main(args), capsys)
    check(place, before, line, key)


@pytest.mark.parametrize(
    "args, key",
    [
        (["--seeds", "0"], "--seeds=0"),
        (["--size", "0"], "--size=0"),
        (["--weeks", "0"], "--weeks=0"),
        (["--weeks", "10"], "--weeks=10"),
        (["--seed", "-3"], "--seed=-3"),
        (["--horizon-weeks", "10"], "--horizon-weeks=10"),
        (["--out", "victim.txt/validation.md"], "--out"),
    ],
)
def test_bad_validate_arguments(place, capsys, args, key):
    before = tree(place)
    line = exits_2(lambda: validate.main(args), capsys)
    check(place, before, line, key)


# -- sweeps and collect -------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, key",
    [
        (["regime.noise=0.1,inf"], "regime.noise=inf"),
        (["org.n_employees=0,10"], "org.n_employees=0"),
        (["org.weeks=50,100000000"], "org.weeks=100000000"),
        (["workforce.initial_split.craft=0.5,-0.1"], "workforce.initial_split.craft=-0.1"),
        (["regime.pressure=0.5", "hydra.sweep.dir=victim.txt/s"], "hydra.sweep.dir"),
    ],
)
def test_bad_sweep_arguments(place, capsys, args, key):
    before = tree(place)
    if not any(arg.startswith("hydra.sweep.dir=") for arg in args):
        args = [*args, "hydra.sweep.dir=s"]
    line = exits_2(lambda: sweep.cli(args), capsys)
    check(place, before, line, key)


@pytest.mark.parametrize(
    "args, key",
    [
        (["no_such_sweep"], "no_such_sweep"),
        ([".", "--out", "victim.txt/tables"], "--out"),
        ([".", "--format", "xlsx"], "--format"),
    ],
)
def test_bad_collect_arguments(place, capsys, args, key):
    before = tree(place)
    line = exits_2(lambda: collect.cli(args), capsys)
    check(place, before, line, key)


# -- the workshop app ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_bad_app_addresses_are_one_line_before_anything_starts(place, capsys):
    before = tree(place)
    for args, key in (
        (["--port", "99999"], "--port=99999"),
        (["--port", "0"], "--port=0"),
        (["--port", "eighty"], "--port"),
        (["--host", "no-such-host.invalid"], "--host=no-such-host.invalid"),
    ):
        line = exits_2(lambda args=args: app.main(args), capsys)
        check(place, before, line, key)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = exits_2(lambda: app.main(["--port", str(port)]), capsys)
    check(place, before, line, f"--port={port}")
    assert "in use" in line


def test_a_saved_config_loads_back_as_text_not_as_an_interpolation(tmp_path, monkeypatch):
    """A label that reads like `${oc.env:HOME}` is stored escaped: loading config.yaml again
    gives the label, not the environment."""
    from dataclasses import replace

    from omegaconf import OmegaConf

    from sim.core.run import resolve, run_model

    monkeypatch.setenv("GOODHART_SECRET", "leaked")
    cfg = resolve(None, ["regime=adoption", "org.n_employees=16", "org.weeks=14", "org.burn_in_weeks=0"])
    label = "${oc.env:GOODHART_SECRET} \\${x}"
    run_model(replace(cfg, regime=replace(cfg.regime, label=label))).save(tmp_path)
    assert OmegaConf.load(tmp_path / "config.yaml").regime.label == label


# -- presets in a --config-dir: data of the model's groups, nothing else ---------------------

CALLBACK = (
    "# @package _global_\n"
    "hydra:\n  callbacks:\n    copy:\n      _target_: shutil.copyfile\n"
    "      src: victim.txt\n      dst: stolen.txt\n"
    "regime: {name: evil, weights: {tokens: 1.0}}\n"
)
# A hostile preset: its path in the config dir, its text, and what the error must name.
PRESETS = {
    "package_callback": ("regime/evil.yaml", CALLBACK, "regime/evil.yaml: a '# @package' line"),
    "run_dir": (
        "regime/evil.yaml",
        "weights: {tokens: 1.0}\nhydra: {run: {dir: /tmp/x}}\n",
        "evil.yaml: hydra",
    ),
    "output_dir": (
        "regime/evil.yaml",
        "weights: {tokens: 1.0}\noutput: {dir: /tmp/x}\n",
        "evil.yaml: output",
    ),
    "defaults_list": ("regime/evil.yaml", "defaults:\n  - override /hydra/launcher: basic\n", "defaults"),
    "interpolation": (
        "regime/evil.yaml",
        "weights: {tokens: 1.0}\nlabel: ${oc.env:HOME}\n",
        "label: interpol",
    ),
    "target": ("gaming/evil.yaml", "macro: {_target_: os.system, label: x}\n", "evil.yaml: macro._target_"),
    "hydra_group": ("hydra/callbacks/evil.yaml", "copy: {_target_: shutil.copyfile}\n", "not a preset"),
    "output_group": ("output/evil.yaml", "dir: /tmp/x\n", "output/evil.yaml: not a preset"),
    "top_level": ("config.yaml", "regime: {name: x}\n", "config.yaml: not a preset"),
    "text_for_number": (
        "regime/evil.yaml",
        "weights: {tokens: 1.0}\npressure: 'root:$6$x'\n",
        "pressure: must be",
    ),
    "tag": ("regime/evil.yaml", "weights: !!python/name:os.system {}\n", "YAML tags"),
}


def hostile_dir(place: Path, name: str) -> Path:
    relative, text, _ = PRESETS[name]
    path = place / "presets" / relative
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return place / "presets"


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_a_hostile_preset_stops_the_main_job_in_every_mode(place, capsys, monkeypatch, name):
    folder = hostile_dir(place, name)
    before = tree(place)
    for mode in ([], ["--cfg", "job"], ["--info"]):
        args = ["--config-dir", str(folder), "regime=evil", "hydra.run.dir=run", *mode]
        line = exits_2(main_job_cli(monkeypatch, *args), capsys)
        check(place, before, line, PRESETS[name][2])
    assert not (place / "stolen.txt").exists()


@pytest.mark.parametrize("name", ["package_callback", "run_dir", "target", "hydra_group"])
def test_a_hostile_preset_stops_the_sweep_the_report_and_python(place, capsys, monkeypatch, name):
    from sim import simulate

    folder = hostile_dir(place, name)
    before = tree(place)
    line = exits_2(lambda: sweep.cli(["--config-dir", str(folder), "regime=evil", "seed=1,2"]), capsys)
    check(place, before, line, PRESETS[name][2])
    line = exits_2(lambda: report.main(["evil", "--config-dir", str(folder), "--out", "r.html"]), capsys)
    check(place, before, line, PRESETS[name][2])
    with pytest.raises(ConfigError, match="evil"):
        simulate(overrides=["regime=evil"], config_dirs=[folder])
    searchpath = f"hydra.searchpath=[file://{folder}]"
    line = exits_2(main_job_cli(monkeypatch, searchpath, "regime=adoption"), capsys)
    check(place, before, line, PRESETS[name][2])
    assert not (place / "stolen.txt").exists()


def test_a_regime_file_without_a_name_is_named_after_it_on_the_command_line(place, capsys, monkeypatch):
    (place / "presets" / "regime").mkdir(parents=True)
    (place / "presets" / "regime" / "prompt_count.yaml").write_text(
        "weights: {prompts: 1.0}\npressure: 0.6\n"
    )
    args = [
        "--config-dir",
        "presets",
        "regime=prompt_count",
        "compare=[]",
        "replicates=1",
        "hydra.run.dir=run",
    ]
    small = ["org.n_employees=24", "org.burn_in_weeks=0", "org.weeks=16", "output.figure=false"]
    monkeypatch.setattr(sys, "argv", ["sim", *args, *small])
    main_job.cli()
    summary = pd.read_parquet(place / "run" / "summary.parquet")
    assert list(summary["regime"]) == ["baseline", "prompt_count", "baseline_no_ai"]
    assert list(summary["label"])[:2] == ["No metric (baseline)", "Prompt count"]


def test_a_glob_over_presets_sweeps_the_presets_it_matches(place, capsys):
    """Hydra's `glob()` ended in a traceback (its sweeper needs a config loader): it becomes
    the list of presets it matches; over a value, or matching nothing, it is one line."""
    (place / "mine" / "regime").mkdir(parents=True)
    (place / "mine" / "regime" / "tokens_twice.yaml").write_text("weights: {tokens: 2.0}\n")
    expanded = sweep.expand_globs(["--config-dir", "mine", "regime=glob(token*)", "seed=1,2"])
    assert expanded == ["--config-dir", "mine", "regime=token_leaderboard,tokens_twice", "seed=1,2"]
    before = tree(place)
    for bad, named in (
        ("seed=glob(*)", "seed: glob() picks presets"),
        ("regime=glob(zz*)", "matches no preset"),
    ):
        line = exits_2(lambda bad=bad: sweep.cli([bad, "hydra.sweep.dir=s"]), capsys)
        check(place, before, line, named)


def test_a_config_dir_linking_to_a_large_tree_is_refused_without_walking_it(place, capsys, monkeypatch):
    (place / "presets").mkdir()
    (place / "presets" / "everything").symlink_to("/")
    before = tree(place)
    line = exits_2(main_job_cli(monkeypatch, "--config-dir", "presets", "regime=adoption"), capsys)
    check(place, before, line, "a config dir holds a few presets")
