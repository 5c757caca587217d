"""Solara's front-end assets, installed with the project so the app works offline.

Solara serves its JavaScript and CSS through a local proxy (`/_solara/cdn/...`) that fills
a cache folder from a CDN on first use; venues and corporate networks often block CDNs,
and the page then stays blank. We fill that cache at install time instead, from the npm
registry (each package's tarball checked against its published sha512), and the launcher
points Solara's CDN setting at a dead local address so the server never asks a CDN.
`make` fetches them at install time; `python -m sim.app` (and `solara run sim.app.page`)
fetch whatever is missing on first run, with a progress bar, so a pip user needs no extra step.

    python -m sim.app.assets            # fetch what is missing (needs the npm registry once)
    python -m sim.app.assets --check    # exit 1 and list what is missing
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

REGISTRY = "https://registry.npmjs.org"

# npm packages the Solara page asks for (solara 1.64 with ipywidgets 8 and ipyvue/ipyvuetify 1.x):
# for each, the parts of the tarball we keep, and the files the page is known to request.
# Found by loading the page in a browser with every request outside 127.0.0.1 blocked.
PACKAGES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "@widgetti/solara-vuetify-app@10.1.1": (
        ("dist/",),
        ("dist/main8.css", "dist/fonts.css", "dist/solara-vuetify-app8.min.js"),
    ),
    "requirejs@2.3.6": (("require.js",), ("require.js",)),
    "font-awesome@4.5.0": (("css/", "fonts/"), ("css/font-awesome.min.css",)),
    "mermaid@10.8.0": (("dist/mermaid.min.js",), ("dist/mermaid.min.js",)),  # solara.Markdown asks for it
    # Solara's GridLayout, which Mesa's SolaraViz and make_plot_component draw their charts in
    "@widgetti/vue-grid-layout@2.3.13-alpha.2": (
        ("dist/vue-grid-layout.umd.js",),
        ("dist/vue-grid-layout.umd.js",),
    ),
}
Downloader = Callable[[str], bytes]


def cache_dir() -> Path:
    """Where Solara's asset proxy looks (SOLARA_ASSETS_PROXY_CACHE_DIR, else inside the venv)."""
    configured = os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR")
    return Path(configured) if configured else Path(sys.prefix) / "share" / "solara" / "cdn"


def missing(folder: Path | None = None) -> list[str]:
    """Asset paths (as the page requests them) not yet in the cache."""
    folder = cache_dir() if folder is None else folder
    return [
        f"{spec}/{path}"
        for spec, (_, needed) in PACKAGES.items()
        for path in needed
        if not (folder / spec / path).is_file()
    ]


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


class FetchError(RuntimeError):
    """The assets could not be fetched: offline, the registry unreachable, or a bad tarball."""


def fetch_package(spec: str, folder: Path, get: Downloader | None = None) -> None:
    """Unpack the kept parts of one npm package into `folder/<name>@<version>/`, after
    checking the tarball against its published sha512 integrity."""
    get = _get if get is None else get
    name, _, version = spec.rpartition("@")
    keep, _ = PACKAGES[spec]
    meta = json.loads(get(f"{REGISTRY}/{name}/{version}"))
    data = get(meta["dist"]["tarball"])
    integrity = meta["dist"].get("integrity", "")
    if integrity.startswith("sha512-"):
        digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
        if digest != integrity[len("sha512-") :]:
            raise FetchError(f"{spec}: the tarball does not match its published sha512")
    target = folder / spec
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            members = []
            for member in tar.getmembers():
                inner = member.name.split("/", 1)[1] if "/" in member.name else ""
                if member.isfile() and inner.startswith(keep):
                    member.name = inner
                    members.append(member)
            tar.extractall(tmp, members=members, filter="data")
        shutil.rmtree(target, ignore_errors=True)
        Path(tmp).rename(target)  # complete or absent: never a half-unpacked package
        Path(tmp).mkdir()  # for TemporaryDirectory's clean-up


def fetch(folder: Path | None = None, get: Downloader | None = None, progress: bool = True) -> list[str]:
    """Fetch every package with a missing file, with a progress bar; return the packages fetched.

    Raises FetchError in one line when the registry cannot be reached or a tarball is wrong."""
    folder = cache_dir() if folder is None else folder
    wanted = [
        spec
        for spec, (_, needed) in PACKAGES.items()
        if any(not (folder / spec / p).is_file() for p in needed)
    ]
    with tqdm(wanted, desc="app front-end files", unit="package", disable=not progress) as bar:
        for spec in bar:
            bar.set_postfix_str(spec)
            try:
                fetch_package(spec, folder, get)
            except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as error:
                reason = getattr(error, "reason", None) or error
                raise FetchError(f"cannot reach {REGISTRY} for {spec} ({reason})") from None
            except OSError as error:
                raise FetchError(f"cannot write {folder / spec} ({error.strerror or error})") from None
            except (tarfile.TarError, ValueError, KeyError) as error:
                raise FetchError(f"{spec}: unexpected answer from the registry ({error!r})") from None
    return wanted


def ensure(folder: Path | None = None, get: Downloader | None = None) -> None:
    """Fetch what is missing, saying so first: the app's first run for someone who never ran
    `make`. Raises FetchError (one line, with what to do) if they cannot be fetched."""
    folder = cache_dir() if folder is None else folder
    absent = missing(folder)
    if not absent:
        return
    print(
        f"The app's front-end files are not installed yet ({len(absent)} missing): fetching them once "
        f"from the npm registry into {folder}",
        file=sys.stderr,
        flush=True,
    )
    try:
        fetch(folder, get)
    except FetchError as error:
        raise FetchError(
            f"the app's front-end files could not be fetched: {error}; connect to the internet once "
            "and run again (or run `python -m sim.app.assets` where there is a connection, "
            "with SOLARA_ASSETS_PROXY_CACHE_DIR pointing at a folder you then copy over)"
        ) from None
    still = missing(folder)
    if still:
        raise FetchError(f"the app's front-end files are incomplete after fetching: {', '.join(still)}")


def run_by_solara(argv: list[str]) -> bool:
    """True under a bare `solara run sim.app.page` (or `python -m solara run ...`)."""
    program = Path(argv[0]) if argv else Path()
    return "solara" in (program.name, program.parent.name) and argv[1:2] == ["run"]


def ensure_under_solara_run(argv: list[str] | None = None, get: Downloader | None = None) -> bool:
    """The page's first import under a bare `solara run`, which skips our launcher: fetch what
    is missing rather than leave the page blank where a CDN is blocked. Never raises: the
    server starts either way, and Solara may still reach its CDN. True if all is present."""
    if not run_by_solara(sys.argv if argv is None else argv):
        return not missing()
    try:
        ensure(get=get)
    except FetchError as error:
        print(f"warning: {error}", file=sys.stderr, flush=True)
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.app.assets", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report missing assets")
    args = parser.parse_args(argv)
    folder = cache_dir()
    if args.check:
        absent = missing(folder)
        for path in absent:
            print(f"missing: {folder / path}")
        return 1 if absent else 0
    try:
        fetched = fetch(folder)
    except FetchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"app assets in {folder}: " + (f"fetched {', '.join(fetched)}" if fetched else "all present"))
    absent = missing(folder)
    if absent:
        print("still missing: " + ", ".join(absent), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
