"""Scenario files: one small YAML format for the CLI, the report and the workshop app.

Bad input is one line that names the file, the key at fault and what is allowed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from sim.core.checks import ConfigError
from sim.core.presets import load_config, load_regime, preset_names
from sim.core.run import resolve
from sim.core.scenarios import example_names, expand_scenario_args, load_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "sim" / "examples").glob("*.yaml"))


def write(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def error_of(path: Path | str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert "\n" not in message, message
    return message


@pytest.mark.parametrize("preset", preset_names())
def test_a_preset_is_a_scenario_with_the_presets_regime(preset):
    scenario = load_scenario(preset)
    assert scenario.config().regime == resolve(None, [f"regime={preset}"]).regime
    assert f"regime: {preset}" in scenario.text


@pytest.mark.parametrize("preset", preset_names())
def test_a_packaged_preset_read_alone_is_the_preset_hydra_composes(preset):
    alone = OmegaConf.to_container(load_regime(preset))
    composed = OmegaConf.to_container(load_config([f"regime={preset}"]).regime)
    assert repr(alone) == repr(composed)


def test_a_preset_of_a_config_directory_is_composed(tmp_path):
    (tmp_path / "regime").mkdir()
    (tmp_path / "regime" / "my_policy.yaml").write_text("pressure: 0.25\n")
    regime = load_regime("my_policy", [tmp_path])
    assert (regime.name, regime.pressure) == ("my_policy", 0.25)
    assert load_regime("baseline", [tmp_path]) == load_regime("baseline")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_example_scenarios_load(path):
    scenario = load_scenario(path)
    assert scenario.name and scenario.description
    assert scenario.text == path.read_text()
    assert scenario.config().regime.label == scenario.name


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_an_installed_example_is_its_file(path):
    """`example:NAME` reads the packaged file, so it works from any folder after pip install."""
    example = load_scenario(f"example:{path.stem}")
    assert (example.overrides, example.text) == (load_scenario(path).overrides, path.read_text())
    assert example.source == f"example:{path.stem}"


def test_every_example_is_listed():
    assert example_names() == [f"example:{p.stem}" for p in EXAMPLES]
    assert EXAMPLES


def test_an_unknown_example_lists_the_examples():
    message = error_of("example:no_such_policy")
    assert message.startswith("example:no_such_policy: unknown example; allowed: ")
    assert all(name in message for name in example_names())


def test_set_applies_values_and_replaces_weights(tmp_path):
    path = write(
        tmp_path,
        "name: Prompts instead\nregime: consumption\n"
        "set: {regime.pressure: 0.8, regime.start_week: 26, org.n_employees: 120,"
        " regime.weights: {prompts: 1.0}}\n",
    )
    cfg = load_scenario(path).config()
    assert (cfg.regime.pressure, cfg.regime.start_week, cfg.org.n_employees) == (0.8, 26, 120)
    assert cfg.regime.weights == {"prompts": 1.0}  # replaced, not added to the preset's
    assert cfg.regime.scoring == "target"  # the rest of the preset stays


def test_a_full_regime_mapping(tmp_path):
    path = write(tmp_path, "regime: {weights: {durable_value: 1.0}, level: team, pressure: 0.3}\n")
    scenario = load_scenario(path)
    cfg = scenario.config()
    assert cfg.regime.weights == {"durable_value": 1.0}
    assert (cfg.regime.level, cfg.regime.pressure) == ("team", 0.3)
    assert scenario.name == "policy"  # the file's name when none is given


def test_the_report_size_yields_to_the_scenario(tmp_path):
    path = write(tmp_path, "regime: adoption\nset: {org.n_employees: 90}\n")
    cfg = load_scenario(path).config(["org.n_employees=300", "org.weeks=20"])
    assert (cfg.org.n_employees, cfg.org.weeks) == (90, 20)


@pytest.mark.parametrize(
    "name",
    ["<script>alert('x')</script>", "it's 50% {a: b} [1], c", "back\\slash\\", "$HOME {x}", "ünï"],
)
def test_any_name_reads_back_exactly(tmp_path, name):
    import yaml

    path = write(tmp_path, yaml.safe_dump({"name": name, "regime": "adoption"}))
    assert load_scenario(path).config().regime.label == name


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("name: ${oc.env:HOME}\nregime: adoption\n", "name: interpolations"),
        ("regime: {weights: {tokens: 1.0}, label: '${regime.name}'}\n", "regime.label: interpolations"),
        ("regime: adoption\nset: {org.salary: '${oc.env:SALARY}'}\n", "set.org.salary: interpolations"),
    ],
)
def test_an_interpolation_in_a_scenario_is_refused(tmp_path, text, named):
    """`${...}` would read the environment or other keys when composed or reloaded."""
    message = error_of(write(tmp_path, text))
    assert named in message and "HOME" not in message and "SALARY" not in message


def test_an_unknown_top_level_key_is_named(tmp_path):
    message = error_of(write(tmp_path, "regime: adoption\nsett: {regime.pressure: 0.8}\n"))
    assert (
        "policy.yaml" in message
        and "sett" in message
        and "allowed: name, description, regime, set" in message
    )


def test_an_out_of_range_value_is_named(tmp_path):
    message = error_of(write(tmp_path, "regime: token_leaderboard\nset: {regime.pressure: 1.5}\n"))
    assert "regime.pressure=1.5" in message and "between 0 and 1" in message


@pytest.mark.parametrize(
    "text, named",
    [
        ("regime: adoption\nset: {org.n_employee: 5}\n", "org.n_employee"),
        ("regime: adoption\nset: {org.n_employees: 0}\n", "org.n_employees=0"),
        ("regime: {weights: {durable_valu: 1.0}}\n", "regime.weights.durable_valu"),
        ("regime: {weights: {durable_value: 1.0}, levels: team}\n", "regime.levels"),
        (
            "regime: {weights: {durable_value: 1.0}, level: teams}\n",
            "regime.level: must be one of individual, team",
        ),
        ("regime: adoption\nset: {regime.pressures: 0.5}\n", "regime.pressures"),
        ("regime: token_leaderbord\n", "token_leaderbord"),
        ("name: no regime\n", "regime"),
        ("regime: adoption\nset: {hydra.run.dir: x}\n", "hydra.run.dir"),
        ("regime: adoption\nset: [1, 2]\n", "set"),
        ("- a list\n", "mapping"),
        ("regime: [adoption\n", "not valid YAML"),
    ],
)
def test_bad_scenarios_name_the_key(tmp_path, text, named):
    message = error_of(write(tmp_path, text))
    assert named in message
    assert message.startswith(str(tmp_path / "policy.yaml"))


def test_neither_file_nor_preset():
    message = error_of("no_such_policy")
    assert "no_such_policy" in message and "token_leaderboard" in message
    assert "example:token_usage_on_rubric" in message


def test_cli_arguments_expand_and_later_ones_win(tmp_path):
    path = write(tmp_path, "regime: token_leaderboard\nset: {regime.pressure: 0.8}\n")
    args = expand_scenario_args(["--scenario", str(path), "regime.pressure=0.3", "seed=4"])
    cfg = resolve(None, args)
    assert (cfg.regime.name, cfg.regime.pressure, cfg.seed) == ("token_leaderboard", 0.3, 4)
    assert expand_scenario_args([f"--scenario={path}"]) == list(load_scenario(path).overrides)


def test_the_main_job_runs_a_scenario_through_the_hook(tmp_path):
    """The hook proposed for sim/__main__.py, applied here in a child process."""
    path = write(
        tmp_path, "name: Quick leaderboard\nregime: token_leaderboard\nset: {regime.pressure: 0.7}\n"
    )
    hook = (
        "import sys; from sim.core.scenarios import expand_scenario_args; "
        "sys.argv[1:] = expand_scenario_args(sys.argv[1:]); from sim.__main__ import cli; cli()"
    )
    run = [sys.executable, "-c", hook, "--scenario", str(path), "org.n_employees=60", "org.weeks=20"]
    done = subprocess.run(
        [*run, "replicates=1", "compare=[]", "output.figure=false", f"hydra.run.dir={tmp_path / 'run'}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Quick leaderboard" in done.stdout and "pressure 0.7" in done.stdout


def test_the_cli_refuses_an_unknown_example_before_writing(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "sim", "--scenario", "example:no_such_policy"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: example:no_such_policy: unknown example; allowed: example:")
    assert len(done.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_configs_composed_in_several_threads_at_once_all_compose():
    """The app composes its baseline twin in a background thread while the page composes
    others: Hydra's state is the process's, and two threads must not both set it up."""
    import threading

    from hydra.core.global_hydra import GlobalHydra

    errors: list[str] = []

    def compose_some() -> None:
        try:
            for _ in range(3):
                resolve(None, ["org.n_employees=60"])
        except Exception as error:  # noqa: BLE001 - any failure is the finding
            errors.append(repr(error))

    for _ in range(10):
        GlobalHydra.instance().clear()
        threads = [threading.Thread(target=compose_some) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
