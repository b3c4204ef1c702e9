"""`trustsim serve`: run a class over SSH (SPEC section 6)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from trustsim.commands import EXIT_OK, EXIT_USAGE, CommandError, warn

if TYPE_CHECKING:
    from trustsim.serve.ssh import Auth

Number = TypeVar("Number", int, float)


def register(commands: Any) -> None:
    serve = commands.add_parser(
        "serve", help="run a class: students play over plain ssh",
        description="An SSH server for a class: every student connects with a stock `ssh` "
                    "client and plays in their own process; every choice is saved as it is "
                    "made, so a dropped connection resumes where it left off. Read the "
                    "results with `trustsim report` or watch with `trustsim dashboard`.")
    serve.add_argument("--host", default="0.0.0.0",
                       help="address to listen on (default 0.0.0.0: every interface)")
    serve.add_argument("--port", type=int, default=2222, help="port (default 2222)")
    serve.add_argument("--scenarios", metavar="DIR", type=Path, default=None,
                       help="scenario folder students choose from (default: the bundled "
                            "library)")
    serve.add_argument("--scenario", metavar="ID",
                       help="every student plays this scenario (an id in --scenarios, or a "
                            "file)")
    serve.add_argument("--mode", choices=("coach", "assess"), default="coach",
                       help="coach shows feedback as students play; assess only at the end")
    serve.add_argument("--db", metavar="URL",
                       help="results store: a SQLite file (default: classroom.sqlite3 in the "
                            "data folder) or postgresql://... to share one class between "
                            "servers")
    login = serve.add_mutually_exclusive_group()
    login.add_argument("--class-code", metavar="CODE",
                       help="students log in with this code as their SSH password "
                            "(or set TRUSTSIM_CLASS_CODE, which `ps` does not show)")
    login.add_argument("--authorized-keys", metavar="FILE", type=Path,
                       help="students log in with a key listed in FILE (OpenSSH format)")
    login.add_argument("--open", action="store_true",
                       help="no login at all: anyone who reaches the port may play")
    serve.add_argument("--max-sessions", type=int, default=None, metavar="N",
                       help="students playing at once (default 100)")
    serve.add_argument("--idle-minutes", type=float, default=None, metavar="M",
                       help="close a session after M minutes without a key press "
                            "(default 20)")
    serve.add_argument("--session-minutes", type=float, default=None, metavar="M",
                       help="longest a session may last (default 180)")
    serve.add_argument("--max-failed-logins", type=int, default=None, metavar="N",
                       help="failed logins from one address in 10 minutes before it is shut "
                            "out for 5 (default 20; a school's students often share one "
                            "address)")
    serve.add_argument("--host-key", metavar="FILE", type=Path, default=None,
                       help="the server's ed25519 host key (made on first start; default in "
                            "the data folder)")
    # For tests and development: what each session runs, as module:function(argv).
    serve.add_argument("--player", default=None, help=argparse.SUPPRESS)
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    import asyncio

    import attrs

    from trustsim.serve.limits import Limits
    from trustsim.serve.ssh import DEFAULT_PLAYER, ServeConfig, ServeError, describe, serve
    from trustsim.store import StoreError, normalize_url

    auth = _auth(args)
    if not 0 <= args.port <= 65535:
        raise CommandError(f"--port {args.port}: not a port number", EXIT_USAGE)
    library, scenario, count = _scenarios(args)
    limits = Limits()
    changes: dict[str, Any] = {}
    if args.max_sessions is not None:
        changes["max_sessions"] = _positive(args.max_sessions, "--max-sessions")
    if args.idle_minutes is not None:
        changes["idle_time"] = _positive(args.idle_minutes, "--idle-minutes") * 60
    if args.session_minutes is not None:
        changes["session_time"] = _positive(args.session_minutes, "--session-minutes") * 60
    if args.max_failed_logins is not None:
        changes["max_failed_logins"] = _positive(args.max_failed_logins,
                                                 "--max-failed-logins")
    config = ServeConfig(
        auth=auth, db_url=normalize_url(args.db), library=library, scenario=scenario,
        scenario_count=count, host=args.host, port=args.port, mode=args.mode,
        limits=attrs.evolve(limits, **changes), host_key=args.host_key,
        player=args.player or DEFAULT_PLAYER)

    def ready(host: str, port: int, fingerprint: str) -> None:
        print("\n".join(describe(config, host, port, fingerprint)), flush=True)

    def log(line: str) -> None:
        print(line, flush=True)

    try:
        asyncio.run(serve(config, log=log, on_ready=ready))
    except (StoreError, ServeError) as error:
        raise CommandError(str(error)) from None
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def _positive(value: Number, option: str) -> Number:
    if value <= 0:
        raise CommandError(f"{option} must be more than 0", EXIT_USAGE)
    return value


def _auth(args: argparse.Namespace) -> Auth:
    from trustsim.serve.ssh import Auth

    code = args.class_code or os.environ.get("TRUSTSIM_CLASS_CODE")
    if args.open:
        return Auth("open")
    if args.authorized_keys is not None:
        path = args.authorized_keys
        if not path.is_file():
            raise CommandError(f"--authorized-keys {path}: no such file")
        try:
            import asyncssh

            asyncssh.read_authorized_keys(str(path))
        except (OSError, ValueError) as error:
            raise CommandError(f"--authorized-keys {path}: {error}") from None
        return Auth("keys", keys_file=path.resolve())
    if code:
        if len(code) < 4:
            raise CommandError("--class-code: use at least 4 characters", EXIT_USAGE)
        return Auth("code", code=code)
    raise CommandError("choose how students log in: --class-code CODE, --authorized-keys "
                       "FILE, or --open", EXIT_USAGE)


def _scenarios(args: argparse.Namespace) -> tuple[tuple[Path, ...], Path | None, int]:
    """The library folders, the pinned scenario file (if any), and how many there are."""
    from trustsim.loader import ScenarioError, load_scenario
    from trustsim.loader.library import load_library
    from trustsim.paths import bundled_scenarios

    folder = (args.scenarios or bundled_scenarios()).resolve()
    if not folder.is_dir():
        raise CommandError(f"--scenarios {folder}: no such folder")
    if args.scenario and (args.scenario.endswith(".toml") or os.sep in args.scenario):
        path = Path(args.scenario).resolve()
        try:
            load_scenario(path)
        except ScenarioError as error:
            raise CommandError(f"{error} (run `trustsim check {path}`)") from None
        return (folder,), path, 1
    library = load_library([folder])
    broken = [r.file for r in library.results if not r.ok]
    for file in broken:
        warn(f"skipping {file}: it has errors (run `trustsim check {file}`)")
    scenarios = library.scenarios
    if args.scenario:
        found = library.find(args.scenario)
        if found is None or found.path is None:
            known = ", ".join(s.id for s in scenarios) or "none"
            raise CommandError(f'--scenario: no scenario "{args.scenario}" in {folder} '
                               f"(there: {known})")
        return (folder,), found.path.resolve(), 1
    if not scenarios:
        raise CommandError(f"{folder}: no playable scenario there")
    return (folder,), None, len(scenarios)
