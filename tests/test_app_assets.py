"""The app's front-end files on first run: fetched with a progress bar and a clear message, or
one clear error line when offline. A fake npm registry stands in for the network."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import socket
import tarfile
import urllib.error

import pytest

from sim.app import __main__ as launcher
from sim.app import assets


class FakeRegistry:
    """Answers the two requests per package that `assets` makes, from tarballs built here."""

    def __init__(self, tamper: str | None = None):
        self.asked: list[str] = []
        self.answers: dict[str, bytes] = {}
        for spec, (_, needed) in assets.PACKAGES.items():
            name, _, version = spec.rpartition("@")
            tarball = self._tarball(spec, needed)
            digest = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
            url = f"https://tarballs.invalid/{name}-{version}.tgz"
            meta = {"dist": {"tarball": url, "integrity": f"sha512-{digest}"}}
            self.answers[f"{assets.REGISTRY}/{name}/{version}"] = json.dumps(meta).encode()
            self.answers[url] = tarball + (b"tampered" if spec == tamper else b"")

    @staticmethod
    def _tarball(spec: str, needed: tuple[str, ...]) -> bytes:
        out = io.BytesIO()
        with tarfile.open(fileobj=out, mode="w:gz") as tar:
            for path in (*needed, "README.md"):  # README.md: outside what we keep
                data = f"{spec}/{path}".encode()
                info = tarfile.TarInfo(f"package/{path}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return out.getvalue()

    def __call__(self, url: str) -> bytes:
        self.asked.append(url)
        return self.answers[url]


def offline(url: str) -> bytes:
    raise urllib.error.URLError(OSError(101, "Network is unreachable"))


def test_the_first_run_fetches_every_missing_file_with_a_progress_bar(tmp_path, capsys):
    registry = FakeRegistry()
    assets.ensure(tmp_path, get=registry)
    assert assets.missing(tmp_path) == []
    spec = "@widgetti/vue-grid-layout@2.3.13-alpha.2"  # Mesa's chart grid, blank without it
    assert (
        tmp_path / spec / "dist" / "vue-grid-layout.umd.js"
    ).read_text() == f"{spec}/dist/vue-grid-layout.umd.js"
    assert not (tmp_path / spec / "README.md").exists()
    err = capsys.readouterr().err
    assert f"fetching them once from the npm registry into {tmp_path}" in err
    assert "app front-end files: 100%" in err and f"{len(assets.PACKAGES)}/{len(assets.PACKAGES)}" in err
    registry.asked.clear()
    assets.ensure(tmp_path, get=registry)  # the second run asks nothing
    assert registry.asked == []


def test_only_what_is_missing_is_fetched(tmp_path):
    assets.fetch(tmp_path, get=FakeRegistry(), progress=False)
    (tmp_path / "mermaid@10.8.0" / "dist" / "mermaid.min.js").unlink()
    registry = FakeRegistry()
    assert assets.fetch(tmp_path, get=registry, progress=False) == ["mermaid@10.8.0"]
    assert registry.asked == [
        f"{assets.REGISTRY}/mermaid/10.8.0",
        "https://tarballs.invalid/mermaid-10.8.0.tgz",
    ]


def test_offline_is_one_clear_line_and_leaves_nothing_half_written(tmp_path):
    with pytest.raises(assets.FetchError) as caught:
        assets.ensure(tmp_path, get=offline)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("the app's front-end files could not be fetched: cannot reach ")
    assert "Network is unreachable" in message and "connect to the internet once" in message
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_tarball_that_does_not_match_its_checksum_is_refused(tmp_path):
    with pytest.raises(assets.FetchError, match="does not match its published sha512"):
        assets.fetch(tmp_path, get=FakeRegistry(tamper="requirejs@2.3.6"), progress=False)
    assert not (tmp_path / "requirejs@2.3.6").exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_app_offline_on_first_run_exits_2_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOLARA_ASSETS_PROXY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(assets, "_get", offline)
    monkeypatch.setattr(launcher.os, "execve", lambda *a: pytest.fail("the server must not start"))
    assert launcher.main(["--port", str(free_port())]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1
    assert lines[0].startswith("error: the app's front-end files could not be fetched")


def test_the_app_fetches_on_first_run_then_starts(tmp_path, monkeypatch):
    monkeypatch.setenv("SOLARA_ASSETS_PROXY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(assets, "_get", FakeRegistry())
    started = []
    monkeypatch.setattr(launcher.os, "execve", lambda path, args, env: started.append(env))
    assert launcher.main(["--port", str(free_port())]) == 0
    assert assets.missing(tmp_path / "cache") == []
    assert started and started[0]["SOLARA_ASSETS_PROXY_CACHE_DIR"] == str(tmp_path / "cache")


@pytest.mark.parametrize(
    "argv, fetches",
    [
        (["/venv/bin/solara", "run", "sim.app.page"], True),
        (["/venv/lib/python3.12/site-packages/solara/__main__.py", "run", "sim.app.page"], True),
        (["/venv/bin/pytest", "tests"], False),
        (["/venv/bin/solara", "create"], False),
    ],
)
def test_a_bare_solara_run_fetches_what_is_missing(tmp_path, monkeypatch, argv, fetches):
    monkeypatch.setenv("SOLARA_ASSETS_PROXY_CACHE_DIR", str(tmp_path))
    registry = FakeRegistry()
    assert assets.ensure_under_solara_run(argv, get=registry) is fetches
    assert bool(registry.asked) is fetches
    assert (assets.missing(tmp_path) == []) is fetches


def test_a_bare_solara_run_offline_warns_and_goes_on(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOLARA_ASSETS_PROXY_CACHE_DIR", str(tmp_path))
    assert assets.ensure_under_solara_run(["/venv/bin/solara", "run", "sim.app.page"], get=offline) is False
    assert "warning: the app's front-end files could not be fetched" in capsys.readouterr().err


def test_an_example_reaches_the_page_whole_beside_a_file(tmp_path, monkeypatch):
    """`example:NAME` holds a colon, so the scenarios pass to the page one a line, not by os.pathsep."""
    from sim.app import workshop

    mine = tmp_path / "mine.yaml"
    mine.write_text("regime: team_outcome\n")
    monkeypatch.setenv("SOLARA_ASSETS_PROXY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(assets, "_get", FakeRegistry())
    started = []
    monkeypatch.setattr(launcher.os, "execve", lambda path, args, env: started.append(env))
    example = "example:token_usage_on_rubric"
    argv = ["--port", str(free_port()), "--scenario", example, "--scenario", str(mine)]
    assert launcher.main(argv) == 0
    monkeypatch.setenv(workshop.SCENARIOS_ENV, started[0][workshop.SCENARIOS_ENV])
    assert workshop.scenario_files() == [example, str(mine.resolve())]
    assert workshop.scenario_text(example)[0] == "Token usage on next year's rubric"
