"""Start the workshop app: `python -m sim.app [--port 8765] [--host 127.0.0.1] [--room]`.

Runs `solara run sim.app.page` in production mode on localhost, with Solara's front-end
assets served from the local cache (filled by `make`, or on first run with a progress bar),
its CDN setting pointed at a dead local address so it never asks a CDN, and its telemetry off.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import secrets
import socket
import sys
from pathlib import Path

from sim.app import assets, room
from sim.app.workshop import SCENARIOS_ENV
from sim.core.checks import ConfigError, Parser
from sim.core.cli import require_extra
from sim.core.scenarios import load_scenario

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


def beyond_this_machine(host: str, port: int) -> bool:
    """Whether `host` makes the app reachable from other machines (0.0.0.0, a LAN address):
    anything but a loopback address."""
    addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    return not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def lan_address() -> str:
    """This machine's address on the local network (the interface a default route would use;
    a UDP socket's connect sends nothing), or 127.0.0.1 if it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def room_env(host: str, port: int) -> tuple[dict[str, str], str, str]:
    """The room's join code and facilitator key (fresh each start), passed to the server in
    its environment; and the participants' and the projector's addresses."""
    code, key = room.new_code(), secrets.token_urlsafe(12)
    shown = lan_address() if host in ("0.0.0.0", "::") else host
    join = f"http://{shown}:{port}/?join={code}"
    env = {room.CODE_ENV: code, room.KEY_ENV: key, room.JOIN_URL_ENV: join}
    local = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return env, join, f"http://{local}:{port}/?key={key}"


def main(argv: list[str] | None = None) -> int:
    require_extra("app", "python -m sim.app")  # a core install has no Solara
    parser = Parser(prog="python -m sim.app", description="Start the workshop app.")
    parser.add_argument(
        "--host",
        default=None,
        help=f"address to listen on (default {HOST}: this machine only; with --room, 0.0.0.0)",
    )
    parser.add_argument("--port", type=int, default=PORT, help=f"port (default {PORT})")
    parser.add_argument(
        "--room",
        action="store_true",
        help="open a played room: listen on the local network (unless --host is given) so "
        "participants join from their phones with a join code",
    )
    parser.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="FILE",
        help="a scenario file or example:NAME to offer beside the presets (as python -m sim --scenario)",
    )
    args = parser.parse_args(argv)
    if args.host is None:
        args.host = "0.0.0.0" if args.room else HOST
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
    env = offline_env()
    if beyond_this_machine(args.host, args.port):
        print(
            f"warning: --host {args.host} listens beyond this machine: anyone on the network can "
            "open the app (the default, 127.0.0.1, is this machine only)",
            file=sys.stderr,
            flush=True,
        )
    if args.room:
        settings, join, projector = room_env(args.host, args.port)
        env.update(settings)
        print(
            f"Room open on the local network ({args.host}:{args.port}). Participants open {join} "
            f"(join code {settings[room.CODE_ENV]}). Projector, on this machine: {projector} "
            "(Ctrl+C to stop)",
            flush=True,
        )
    else:
        print(f"Workshop app: open http://{args.host}:{args.port} (Ctrl+C to stop)", flush=True)
    env[SCENARIOS_ENV] = "\n".join(  # not os.pathsep: `example:NAME` holds a colon
        str(Path(source).resolve()) if Path(source).is_file() else source for source in args.scenario
    )
    os.execve(sys.executable, command(args.host, args.port), env)
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
