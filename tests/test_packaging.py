"""The wheel a user would install: what it holds, and that it runs from a clean venv in any folder.

The wheel is built from a copy of the package's own files (no build folders left in the
checkout), without build isolation so the test needs no network: the dev extra brings
setuptools. The clean venv has no pip and no copy of the checkout; it borrows this venv's
installed dependencies through a plain path in a `.pth` file, which adds the folder without
running its `.pth` files, so the checkout's editable install stays out of sight.
"""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import sim

REPO = Path(__file__).resolve().parents[1]
BUILD_FILES = ("pyproject.toml", "README.md", "LICENSE", "sim", "hydra_plugins")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_FILES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", out, source],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (found,) = out.glob("goodhart_sim-*.whl")
    return found


@pytest.fixture(scope="module")
def clean_venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv outside the repository with only the wheel installed in it."""
    venv = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "dependencies_of_the_test_venv.pth").write_text("\n".join(sorted(ours)) + "\n")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", wheel],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    return venv


def test_the_wheel_holds_the_licence_type_marker_presets_and_examples(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = email.message_from_bytes(archive.read(metadata))
        (licence,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        licence_text = archive.read(licence).decode()
    presets = {p.relative_to(REPO).as_posix() for p in (REPO / "sim" / "configs").rglob("*.yaml")}
    examples = {p.relative_to(REPO).as_posix() for p in (REPO / "sim" / "examples").glob("*.yaml")}
    assert {"sim/configs/regime/consumption.yaml", "sim/configs/hydra/launcher/cores.yaml"} <= presets
    assert len(examples) >= 4
    assert presets <= names and examples <= names
    assert "sim/py.typed" in names
    assert "hydra_plugins/goodhart_sim/__init__.py" in names  # the sweep's sweeper and launcher
    assert "MIT License" in licence_text and "the goodhart-sim contributors" in licence_text
    assert meta["License-Expression"] == "MIT"
    assert meta["Version"] == sim.__version__
    assert "Typing :: Typed" in meta.get_all("Classifier")
    assert not {n for n in names if n.startswith(("tests/", "experiments/", "configs/", "scenarios/"))}


def test_the_installed_command_runs_an_example_from_outside_the_repository(clean_venv, tmp_path):
    where = subprocess.run(
        [clean_venv / "bin" / "python", "-c", "import sim; print(sim.__file__, sim.__version__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(clean_venv)), where.stdout + where.stderr
    assert where.stdout.split()[1] == sim.__version__
    command = clean_venv / "bin" / "goodhart-sim"
    helped = subprocess.run([command, "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0, helped.stderr[-2000:]
    assert "regime" in helped.stdout
    run = subprocess.run(
        [
            command,
            "--scenario",
            "example:token_usage_on_rubric",
            "org.n_employees=40",
            "org.weeks=30",
            "replicates=1",
            "compare=[]",
            "output.figure=false",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Token usage on next year's rubric" in run.stdout
    assert list(tmp_path.glob("outputs/*/*/summary.parquet"))
    sweep = subprocess.run(
        [command, "sweep", "org.n_employees=20", "org.weeks=6", "regime.start_week=2"]
        + ["replicates=1", "regime.pressure=0.2,0.4", "hydra.sweep.dir=s"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert sweep.returncode == 0, sweep.stderr[-2000:]
    assert "2 jobs run" in sweep.stderr
    assert len(list(tmp_path.glob("s/*/done"))) == 2


def test_the_installed_package_also_runs_from_the_repository_root(clean_venv):
    """From the checkout's root, `sim` is the checkout's folder: its presets must be inside it."""
    done = subprocess.run(
        [clean_venv / "bin" / "python", "-c", "import sim.configs, sim.examples; print(sim.__file__)"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(str(REPO))


def test_calibrate_writes_to_the_current_folder_not_into_the_package(tmp_path, monkeypatch, capsys):
    """The search itself is replaced by a stand-in: what matters here is where it writes."""
    from sim.studies import calibrate

    class Quick:
        values = {"turnover.base_attrition": 0.07}

        def __init__(self, lab):
            pass

        def run(self):
            pass

    package_file = REPO / "sim" / "configs" / "calibrated.yaml"
    before = package_file.read_bytes()
    monkeypatch.setattr(calibrate, "Lab", lambda *args, **kwargs: None)
    monkeypatch.setattr(calibrate, "Calibration", Quick)
    monkeypatch.setattr(calibrate, "fit_table", lambda lab, values: [("rework_ratio", 9.5, (9.0, 8.0, 10.0))])
    monkeypatch.setattr(calibrate, "report", lambda *args: "# the fit\n")
    monkeypatch.chdir(tmp_path)
    assert calibrate.main([]) == 0
    assert "base_attrition: 0.07" in (tmp_path / "calibrated.yaml").read_text()
    assert (tmp_path / "calibration.md").read_text() == "# the fit\n"
    assert package_file.read_bytes() == before
    out = capsys.readouterr().out
    assert f"the model still reads {package_file}" in out and "make calibrate" in out
