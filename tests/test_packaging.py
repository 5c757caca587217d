"""The wheel a user would install and the source distribution: what they hold, that the
wheel runs from a clean venv in any folder, that the core install leaves out the app, the
search and the research studies, and that the sdist runs its own tests.

The wheel and the sdist are built from a copy of the project's own files (no build folders
left in the checkout), without build isolation so the test needs no network: the dev extra
brings setuptools and build. The clean venv has no pip and no copy of the checkout; it
borrows this venv's installed dependencies through a plain path in a `.pth` file, which adds
the folder without running its `.pth` files, so the checkout's editable install stays out of
sight. Only the slow test installs from the package index, as a user would.
"""

from __future__ import annotations

import email
import json
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import sim

REPO = Path(__file__).resolve().parents[1]
BUILD_FILES = ("pyproject.toml", "README.md", "LICENSE", "sim", "hydra_plugins")
SDIST_FILES = (*BUILD_FILES, "MANIFEST.in", "Makefile", "tests", "experiments", "docs")
# Distributions the core install must not bring: the app's web server and Jupyter kernel,
# the policy search, the research studies, the cluster launchers.
NOT_IN_CORE = {
    "solara", "solara-server", "solara-ui", "ipyvue", "ipyvuetify", "ipywidgets", "ipykernel",
    "jupyter-client", "jupyter-core", "altair", "segno", "optuna", "salib", "ray", "submitit",
    "ema-workbench",
}  # fmt: skip


def copy_project(names: tuple[str, ...], to: Path) -> Path:
    """The project's own files, without caches, as a build would find them in a fresh clone."""
    for name in names:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, to / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(REPO / name, to / name)
    return to


def requirements(meta: email.message.Message, extra: str = "") -> set[str]:
    """The distributions a wheel's METADATA adds for `extra` (the core install with "")."""

    def wanted(requirement: Requirement, extra: str) -> bool:
        return requirement.marker is None or requirement.marker.evaluate({"extra": extra})

    found = set()
    for requirement in map(Requirement, meta.get_all("Requires-Dist")):
        if wanted(requirement, extra) and (extra == "" or not wanted(requirement, "")):
            extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
            found.add(requirement.name.lower() + extras)
    return found


def metadata_of(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(archive.read(name))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = copy_project(BUILD_FILES, tmp_path_factory.mktemp("source"))
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
    profiles = {
        p.relative_to(REPO).as_posix() for p in (REPO / "sim" / "examples" / "profiles").glob("*.yaml")
    }
    assert {"sim/examples/profiles/startup.yaml", "sim/examples/profiles/big_tech.yaml"} <= profiles
    assert presets <= names and examples <= names and profiles <= names
    assert "sim/py.typed" in names
    templates = {p.relative_to(REPO).as_posix() for p in (REPO / "sim" / "hr" / "templates").iterdir()}
    assert {"sim/hr/templates/report.html.j2", "sim/hr/templates/report.css"} <= templates <= names
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
    profile = subprocess.run(
        [command, "profile", "example:big_tech"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert profile.returncode == 0, profile.stderr[-2000:]
    assert re.search(r"org\.n_employees +85,000", profile.stdout) and not list(tmp_path.iterdir())
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
    report = subprocess.run(  # the report's templates come from the installed package
        [command, "report", "token_leaderboard", "--employees", "40", "--weeks", "20", "--seeds", "2"]
        + ["--out", "r.html"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert report.returncode == 0, report.stderr[-2000:]
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "The dollar line, a year" in page and "<svg" in page


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


# -- the core install and its extras ---------------------------------------------------------


def test_the_core_install_leaves_out_the_app_the_search_and_the_studies(wheel):
    meta = metadata_of(wheel)
    core = requirements(meta)
    assert {
        "mesa",
        "networkx",
        "hydra-core",
        "hydra-joblib-launcher",
        "pyarrow",
        "matplotlib",
        "jinja2",
    } <= core
    assert not {name.split("[")[0] for name in core} & NOT_IN_CORE
    assert not [name for name in core if "[" in name]  # mesa[rec] would bring Solara back
    assert {"mesa[viz]", "solara", "ipyvue", "ipyvuetify", "segno"} <= requirements(meta, "app")
    assert requirements(meta, "search") == {"optuna"}
    assert requirements(meta, "research") == {"salib"}
    assert {"ray", "hydra-ray-launcher", "submitit", "hydra-submitit-launcher"} <= requirements(
        meta, "cluster"
    )
    assert requirements(meta, "org") == {"ema-workbench"}  # report --org's scenario discovery
    assert requirements(meta, "all") == {"goodhart-sim[app,cluster,org,research,search]"}
    assert set(meta.get_all("Provides-Extra")) == {
        "app",
        "org",
        "search",
        "research",
        "cluster",
        "all",
        "dev",
    }


def test_the_solara_pin_admits_every_solara_whose_front_end_files_we_list(wheel):
    """sim/app/assets.py lists the files Solara's page asks for; they are the same from Solara
    1.58.1 (vuetify-app 10.1.1) on, and the app's tests pass there; 1.57 asks for others."""
    from packaging.version import Version

    (solara,) = [
        Requirement(r) for r in metadata_of(wheel).get_all("Requires-Dist") if r.startswith("solara")
    ]
    assert Version("1.58.1") in solara.specifier and Version("1.57.6") not in solara.specifier
    assert Version(metadata.version("solara")) in solara.specifier


@pytest.mark.slow
def test_a_core_install_from_the_package_index(wheel, tmp_path):
    """`pip install goodhart-sim` in a fresh venv, its dependencies from the package index
    (network, about a minute): at most 60 distributions and none of the app's, the search's
    or the studies'; the main job and the report run; the app says which extra to install."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=300)
    python, command = venv / "bin" / "python", venv / "bin" / "goodhart-sim"
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", wheel], capture_output=True, text=True, timeout=1800
    )
    assert install.returncode == 0, install.stderr[-2000:]
    listed = subprocess.run(
        [python, "-c", "import importlib.metadata as m, json; "
         "print(json.dumps(sorted({d.metadata['Name'].lower() for d in m.distributions()})))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    names = set(json.loads(listed.stdout))
    assert len(names) <= 60, sorted(names)
    assert not names & NOT_IN_CORE
    work = tmp_path / "work"
    work.mkdir()
    small = ["org.n_employees=40", "org.weeks=30", "replicates=1"]
    run = subprocess.run(
        [command, "--scenario", "example:token_usage_on_rubric", *small, "hydra.run.dir=run"],
        cwd=work, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert (work / "run" / "summary.parquet").is_file() and (work / "run" / "goodhart-sim.log").is_file()
    report = subprocess.run(
        [command, "report", "token_leaderboard", "--seeds", "1", "--employees", "40", "--weeks", "30"]
        + ["--out", "report.html"],
        cwd=work, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr[-2000:]
    assert "Token leaderboard" in (work / "report.html").read_text()
    for app in ([command, "app"], [venv / "bin" / "goodhart-workshop"], [python, "-m", "sim.app"]):
        done = subprocess.run(app, cwd=work, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2
        assert done.stderr.strip().endswith('needs the [app] extra (no module \'solara\' here): '
                                            'pip install "goodhart-sim[app]"')  # fmt: skip


# -- the source distribution -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sdist(tmp_path_factory) -> Path:
    """The sdist, built as `python -m build --sdist` would from a fresh clone, then unpacked."""
    source = copy_project(SDIST_FILES, tmp_path_factory.mktemp("sdist_source"))
    out = tmp_path_factory.mktemp("sdist")
    build = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", out, source],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (archive,) = out.glob("goodhart_sim-*.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(out, filter="data")
    return out / f"goodhart_sim-{sim.__version__}"


def project_files(folder: str) -> set[str]:
    return {
        p.relative_to(REPO).as_posix()
        for p in (REPO / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def sdist_files(sdist: Path) -> set[str]:
    return {p.relative_to(sdist).as_posix() for p in sdist.rglob("*") if p.is_file()}


def test_the_sdist_holds_the_tests_their_data_the_experiments_and_the_documents(sdist):
    held = sdist_files(sdist)
    assert {"tests/conftest.py", "tests/validation/conftest.py", "tests/validation/test_targets.py"} <= held
    for folder in ("tests", "experiments", "docs"):
        assert project_files(folder) <= held, folder
    assert {"Makefile", "LICENSE", "README.md", "pyproject.toml", "sim/py.typed"} <= held
    assert not [name for name in held if "__pycache__" in name or name.endswith(".pyc")]


def test_the_sdist_runs_its_tests(sdist):
    """From the unpacked sdist, pytest finds every test the repository has and runs them
    with the sdist's own `sim` and conftest (one quick file here)."""
    pytest_ = [sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider"]
    collected = subprocess.run(
        [*pytest_, "--collect-only", "-q", "-m", ""],
        cwd=sdist,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stdout[-2000:]
    files = {line.split("::")[0] for line in collected.stdout.splitlines() if "::" in line}
    ours = {name for name in project_files("tests") if re.search(r"/test_[^/]*\.py$", name)}
    assert files == ours
    ran = subprocess.run(
        [*pytest_, "-q", "tests/test_verdict.py"], cwd=sdist, capture_output=True, text=True, timeout=300
    )
    assert ran.returncode == 0 and " passed" in ran.stdout, ran.stdout[-2000:]
    where = subprocess.run(
        [sys.executable, "-c", "import sim; print(sim.__file__)"], cwd=sdist, capture_output=True, text=True
    )
    assert where.stdout.startswith(str(sdist))


def test_every_file_the_readme_links_to_is_in_the_sdist(sdist):
    """The README's links are relative to the project (PyPI cannot follow them: the README
    says the documents are in the source distribution and the repository)."""
    readme = (REPO / "README.md").read_text()
    targets = {
        target.split("#")[0]
        for target in re.findall(r"\]\(([^)\s]+)\)", readme)
        if not target.startswith(("http://", "https://", "mailto:", "#"))
    }
    assert "docs/model.md" in targets
    assert targets <= sdist_files(sdist)
