"""Start the workshop app: `python -m sim.app [--port 8765] [--host 127.0.0.1]`.

Runs `solara run sim.app.page` in production mode on localhost, with Solara's front-end
assets served from the local cache (filled by `make`, or on first run with a progress bar),
its CDN setting pointed at a dead local address so it never asks a CDN, and its telemetry off.
"""

from __future__ import annotations

import errno
import os
import socket
import sys
from pathlib import Path

from sim.app import assets
from sim.app.workshop import SCENARIOS_ENV
from sim.checks import ConfigError, Parser
from sim.cli import require_extra
from sim.scenarios import load_scenario

HOST, PORT = "127.0.0.1", 8765
NO_CDN = "http://127.0.0.1:9/no-cdn/"  # nothing listens on port 9: a missing asset fails at once

OFFLINE_ENV = {
    "SOLARA_ASSETS_PROXY": "True",  # the page asks this server (/_solara/cdn/...), never a CDN
    "SOLARA_ASSETS_CDN": NO_CDN,
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_THEME_TITLE": "Goodhart's law at work",
    "SOLARA_THEME_SHOW_BANNER": "False",
}


def offline_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment that keeps Solara offline (the browser test uses it too)."""
    env = dict(os.environ if base is None else base)
    env.update(OFFLINE_ENV)
    env.setdefault("SOLARA_ASSETS_PROXY_CACHE_DIR", str(assets.cache_dir()))
    return env


def command(host: str = HOST, port: int = PORT) -> list[str]:
    return [
        sys.executable, "-m", "solara", "run", "sim.app.page",
        "--host", host, "--port", str(port), "--production", "--no-open",
    ]  # fmt: skip


def check_address(host: str, port: int) -> None:
    """The app's address, before anything starts: a port in range and free, a host that
    names this machine. ConfigError says which, in one line."""
    if not 1 <= port <= 65535:
        raise ConfigError(f"--port={port}: must be a port number from 1 to 65535")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as error:
        raise ConfigError(f"--host={host}: unknown host ({error})") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            probe.bind(address)
        except OSError as error:
            reason = "in use" if error.errno == errno.EADDRINUSE else (error.strerror or str(error))
            raise ConfigError(f"--port={port}: cannot listen on {host}:{port} ({reason})") from None


def main(argv: list[str] | None = None) -> int:
    require_extra("app", "python -m sim.app")  # a core install has no Solara
    parser = Parser(prog="python -m sim.app", description="Start the workshop app.")
    parser.add_argument(
        "--host", default=HOST, help=f"address to listen on (default {HOST}: this machine only)"
    )
    parser.add_argument("--port", type=int, default=PORT, help=f"port (default {PORT})")
    parser.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="FILE",
        help="a scenario file or example:NAME to offer beside the presets (as python -m sim --scenario)",
    )
    args = parser.parse_args(argv)
    try:
        check_address(args.host, args.port)
        for source in args.scenario:
            load_scenario(source)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        assets.ensure()  # first run after pip install: fetch the front-end files once
    except assets.FetchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Workshop app: open http://{args.host}:{args.port} (Ctrl+C to stop)", flush=True)
    env = offline_env()
    env[SCENARIOS_ENV] = "\n".join(  # not os.pathsep: `example:NAME` holds a colon
        str(Path(source).resolve()) if Path(source).is_file() else source for source in args.scenario
    )
    os.execve(sys.executable, command(args.host, args.port), env)
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
