"""`trustsim serve`: an SSH server (asyncssh) that any stock `ssh` client reaches, running one
scenario process per student.

Nothing else gets in: no shell, no commands, no SFTP/SCP, no port, X11 or agent forwarding.
A session without a terminal is told why and closed. The SSH user name is the student's name.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import os
import re
import signal
import socket
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

import asyncssh
from attrs import field, frozen

from trustsim.paths import data_dir
from trustsim.serve import limits as messages
from trustsim.serve.limits import FailedLogins, Limits
from trustsim.serve.player import PRELOAD, WARM_LIBRARY_ENV, WARM_SCENARIO_ENV
from trustsim.serve.sessions import PtySession, SpawnError, Zygote
from trustsim.store import (
    ResultsStore,
    StoreError,
    display_url,
    is_postgres_url,
    open_store,
)
from trustsim.store.classroom import MAX_NAME
from trustsim.store.safe import one_line

DEFAULT_PORT = 2222
DEFAULT_PLAYER = "trustsim.serve.player:main"
#: Undoes what a full-screen program leaves on when it is killed instead of quitting:
#: the alternate screen, a hidden cursor, mouse reporting, bracketed paste, colours.
TERMINAL_RESET = (b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l"
                  b"\x1b[?1015l\x1b[?2004l\x1b[?1004l\x1b[0m\r\n")
#: Never passed on to a student's process.
SECRET_ENV = frozenset({"TRUSTSIM_CLASS_CODE", "PGPASSWORD", WARM_SCENARIO_ENV,
                        WARM_LIBRARY_ENV})
#: How often limits are checked at most (idle and session time).
WATCH_INTERVAL = 5.0


class ServeError(Exception):
    """The server cannot start: a one-line reason."""


@frozen
class Auth:
    kind: Literal["code", "keys", "open"]
    code: str = field(default="", repr=False)
    keys_file: Path | None = None

    def describe(self) -> str:
        if self.kind == "code":
            return "class code (the SSH password)"
        if self.kind == "keys":
            return f"authorized keys in {self.keys_file}"
        return "open: anyone who can reach this address"


@frozen
class ServeConfig:
    auth: Auth
    db_url: str
    library: tuple[Path, ...]
    #: The scenario file every student plays, or None to let them choose from `library`.
    scenario: Path | None = None
    scenario_count: int = 0
    host: str = "0.0.0.0"
    port: int = DEFAULT_PORT
    mode: str = "coach"
    limits: Limits = field(factory=Limits)
    host_key: Path | None = None
    player: str = DEFAULT_PLAYER
    preload: tuple[str, ...] = PRELOAD
    #: Where each student's own data folder goes (TRUSTSIM_HOME of their process).
    students_dir: Path | None = None


def default_host_key() -> Path:
    return data_dir() / "serve" / "ssh_host_ed25519_key"


def load_or_create_host_key(path: Path) -> asyncssh.SSHKey:
    """The server's host key: made once (ed25519) and kept, so that students' `ssh` does not
    warn of a changed key the next lesson."""
    if path.exists():
        return asyncssh.read_private_key(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="trustsim host key")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key.export_private_key())
    path.with_name(path.name + ".pub").write_bytes(key.export_public_key())
    return key


def student_home(base: Path, name: str) -> Path:
    """A data folder of the student's own: anything `play` keeps locally stays theirs."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:32].strip("._") or "student"
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return base / f"{slug}-{digest}"


def valid_name(name: str) -> bool:
    return 0 < len(name.strip()) <= MAX_NAME


class Classroom:
    """What all connections share: the session starter, the store, the limits, who is here."""

    def __init__(self, config: ServeConfig, store: ResultsStore, zygote: Zygote,
                 log: Callable[[str], None]) -> None:
        self.config = config
        self.limits = config.limits
        self.store = store
        self.zygote = zygote
        self.failed = FailedLogins(config.limits)
        self.sessions: dict[str, StudentSession] = {}
        self.starting = 0
        self.server_name = f"{socket.gethostname()}:{config.port}"
        self._log = log
        self._zygote_lock = asyncio.Lock()
        self.stopping = False

    def log(self, message: str) -> None:
        self._log(time.strftime("%H:%M:%S ") + message)

    @property
    def active(self) -> int:
        return len(self.sessions) + self.starting

    async def store_call(self, function: Callable[..., Any], *args: Any) -> Any:
        """A store call off the event loop; a failing store is logged, never fatal here."""
        try:
            return await asyncio.to_thread(function, *args)
        except StoreError as error:
            self.log(f"results store: {error}")
            return None

    async def ensure_zygote(self) -> None:
        async with self._zygote_lock:
            if not self.zygote.alive:
                self.log("restarting the session starter")
                await self.zygote.start()

    def child_env(self, name: str, term: str, client_env: Mapping[str, str]) -> dict[str, str]:
        # The server's environment, less its secrets: a student's process has no business
        # with the class code or the database password.
        env = {k: v for k, v in os.environ.items() if k not in SECRET_ENV}
        env["TERM"] = term or "xterm"
        for key in ("COLORTERM", "NO_COLOR"):
            if key in client_env:
                env[key] = client_env[key]
            else:
                env.pop(key, None)
        base = self.config.students_dir or data_dir() / "students"
        env["TRUSTSIM_HOME"] = str(student_home(base, name))
        return env

    def child_argv(self, name: str) -> list[str]:
        argv = ["--mode", self.config.mode, "--student", name, "--results", self.config.db_url]
        if self.config.scenario is not None:
            return ["--scenario", str(self.config.scenario), *argv]
        for folder in self.config.library:
            argv += ["--library", str(folder)]
        return argv

    async def take_over(self, name: str) -> None:
        """A student connecting again while an older session of theirs is still open (a
        dropped connection not yet noticed): the older one is closed first, so that the new
        one resumes from everything it wrote."""
        old = self.sessions.get(name)
        if old is not None:
            await old.end(messages.TAKEN_OVER, "taken over")

    async def watch(self) -> None:
        """Closes idle sessions and sessions that have run too long."""
        interval = min(WATCH_INTERVAL, self.limits.idle_time / 4, self.limits.session_time / 4)
        while True:
            await asyncio.sleep(max(0.05, interval))
            now = time.monotonic()
            for session in list(self.sessions.values()):
                if now - session.last_input > self.limits.idle_time:
                    session.end_soon(messages.idle(self.limits), "idle")
                elif now - session.started > self.limits.session_time:
                    session.end_soon(messages.too_long(self.limits), "time limit")
            self.failed.forget_old()


class ClassServer(asyncssh.SSHServer):
    """One SSH connection: authentication and what it may open."""

    def __init__(self, room: Classroom) -> None:
        self.room = room
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = ""

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        self.address = str(peer[0]) if peer else ""

    def connection_lost(self, exc: Exception | None) -> None:
        self.conn = None

    def begin_auth(self, username: str) -> bool:
        wait = self.room.failed.blocked_for(self.address)
        if wait and self.conn is not None:
            self._refuse(messages.too_many_failures(wait))
            return True
        auth = self.room.config.auth
        if auth.kind == "open":
            return False
        if auth.kind == "keys" and self.conn is not None and auth.keys_file is not None:
            try:
                # Read at every login: the instructor can add a student's key mid-lesson.
                self.conn.set_authorized_keys(str(auth.keys_file))
            except (OSError, ValueError) as error:
                self.room.log(f"cannot read {auth.keys_file}: {error}")
                self.conn.set_authorized_keys(asyncssh.SSHAuthorizedKeys())
        return True

    def password_auth_supported(self) -> bool:
        return self.room.config.auth.kind == "code"

    def validate_password(self, username: str, password: str) -> bool:
        expected = self.room.config.auth.code.encode()
        if hmac.compare_digest(password.encode("utf-8", "surrogateescape"), expected):
            return True
        self.room.log(f"wrong class code for {one_line(username, 40)!r} from {self.address}")
        wait = self.room.failed.failed(self.address)
        if wait:
            self.room.log(f"{self.address} shut out for {messages.minutes(wait)} after "
                          "repeated failed logins")
            self._refuse(messages.too_many_failures(wait))
        return False

    def public_key_auth_supported(self) -> bool:
        return self.room.config.auth.kind == "keys"

    def kbdint_auth_supported(self) -> bool:
        return False

    def session_requested(self) -> asyncssh.SSHServerSession[bytes]:
        assert self.conn is not None
        return StudentSession(self.room, self.conn, self.address)

    # Forwarding of any kind is refused (asyncssh's defaults already do; said here so that
    # a future default cannot change it).
    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str,
                             orig_port: int) -> bool:
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        return False

    def _refuse(self, message: str) -> None:
        conn = self.conn
        if conn is None:
            return
        with contextlib.suppress(OSError):
            conn.send_auth_banner(message + "\r\n")
        # At once, before the auth failure that would set OpenSSH prompting for a password
        # (it reads nothing more until one is typed); it prints the reason it is given.
        conn.disconnect(asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, message)


class StudentSession(asyncssh.SSHServerSession[bytes]):
    """One SSH session channel: a terminal running the student's process, nothing else."""

    def __init__(self, room: Classroom, conn: asyncssh.SSHServerConnection,
                 address: str) -> None:
        self.room = room
        self.conn = conn
        self.address = address
        self.name = str(conn.get_extra_info("username") or "").strip()
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.term: str | None = None
        self.size = (80, 24)
        self.command: str | None = None
        self.pty: PtySession | None = None
        self.started = time.monotonic()
        self.last_input = self.started
        self.end_message: str | None = None
        self.end_reason = ""
        self.gone = False
        self._task: asyncio.Task[None] | None = None
        self._ending: asyncio.Task[None] | None = None

    # -- asyncssh callbacks ---------------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int],
                      term_modes: Mapping[int, int]) -> bool:
        self.term = term_type or "xterm"
        if term_size[0] and term_size[1]:
            self.size = (term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        # Accepted only to say why nothing runs: a refused request leaves the student with
        # OpenSSH's bare "exec request failed".
        self.command = command
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        return False

    def session_started(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self.last_input = time.monotonic()
        if self.pty is not None:
            self.pty.write(data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int,
                              pixheight: int) -> None:
        if width and height:
            self.size = (width, height)
            if self.pty is not None:
                self.pty.resize(width, height)

    def eof_received(self) -> bool:
        return True

    def break_received(self, msec: int) -> bool:
        return True

    def pause_writing(self) -> None:
        if self.pty is not None:
            self.pty.pause()

    def resume_writing(self) -> None:
        if self.pty is not None:
            self.pty.resume()

    def connection_lost(self, exc: Exception | None) -> None:
        self.gone = True
        if self.end_reason == "":
            self.end_reason = "connection lost" if exc else "left"
        if self.pty is not None:
            self.end_soon(None, self.end_reason)

    # -- the session ----------------------------------------------------------------------------

    async def _run(self) -> None:
        room = self.room
        if self.command is not None:
            room.log(f"refused command {one_line(self.command, 40)!r} from "
                     f"{one_line(self.name, 40)!r} ({self.address})")
            self._close(messages.NO_COMMANDS, 1, stderr=True)
            return
        if self.term is None:
            room.log(f"refused {one_line(self.name, 40)!r} ({self.address}): no terminal")
            self._close(messages.NEEDS_TERMINAL, 1, stderr=True)
            return
        if not valid_name(self.name):
            self._close(messages.BAD_NAME, 1)
            return
        if room.stopping:
            self._close(messages.SERVER_STOPPING, 1)
            return
        await room.take_over(self.name)
        if room.active >= room.limits.max_sessions:
            room.log(f"class full: refused {one_line(self.name, 40)!r}")
            self._close(messages.class_full(room.limits), 1)
            return
        room.starting += 1
        try:
            pty = await self._start()
        finally:
            room.starting -= 1
        if pty is None:
            return
        room.sessions[self.name] = self
        connection_id = await room.store_call(room.store.connection_opened, self.name,
                                              room.server_name, self.address)
        shown = one_line(self.name, 40)
        room.log(f"{shown!r} connected from {self.address} "
                 f"({one_line(self.term, 20)} {self.size[0]}x{self.size[1]})")
        try:
            status = await pty.ended
        finally:
            if room.sessions.get(self.name) is self:
                del room.sessions[self.name]
        minutes_played = (time.monotonic() - self.started) / 60
        reason = self.end_reason or ("finished" if status == 0 else f"exit status {status}")
        room.log(f"{shown!r} {reason} after {minutes_played:.1f} min")
        if connection_id is not None:
            await room.store_call(room.store.connection_closed, connection_id, reason)
        if self.gone:
            return
        message = self.end_message
        code = 0 if status is None else status if status >= 0 else 128 - status
        if message is not None:
            code = 0  # closed on purpose (a limit, another window): not a failure
        elif code != 0:
            message = (f"Your session ended unexpectedly (status {status}). Your choices are "
                       "saved: connect again to carry on.")
        if message is not None:
            self._write(TERMINAL_RESET)
        self._close(message, code)

    async def _start(self) -> PtySession | None:
        room = self.room
        pty = PtySession(room.zygote, self._write)
        client_env = self.chan.get_environment() if self.chan is not None else {}
        try:
            await room.ensure_zygote()
            await pty.start(room.child_argv(self.name),
                            room.child_env(self.name, self.term or "xterm", client_env),
                            *self.size)
        except (SpawnError, OSError) as error:
            room.log(f"could not start a session for {one_line(self.name, 40)!r}: {error}")
            self._close(messages.COULD_NOT_START, 1)
            return None
        self.pty = pty
        if self.gone:
            self.end_soon(None, "left")
        return pty

    def end_soon(self, message: str | None, reason: str) -> None:
        if self._ending is None:
            self._ending = asyncio.get_running_loop().create_task(self.end(message, reason))

    async def end(self, message: str | None, reason: str) -> None:
        """Ends the student's process (SIGHUP, then SIGKILL) and, if they are still connected,
        tells them why."""
        if self.end_message is None:
            self.end_message = message
        if not self.end_reason or self.end_reason in ("left", "connection lost"):
            self.end_reason = reason
        if self.pty is not None:
            await self.pty.hangup(self.room.limits.hangup_grace)
        if self._task is not None and asyncio.current_task() is not self._task:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._task), 10)

    def _write(self, data: bytes) -> None:
        chan = self.chan
        if chan is None or self.gone or chan.is_closing():
            return
        chan.write(data)

    def _close(self, message: str | None, status: int, stderr: bool = False) -> None:
        chan = self.chan
        if chan is None or self.gone or chan.is_closing():
            return
        if message:
            data = (message.rstrip("\n") + "\r\n").encode()
            if stderr:
                chan.write_stderr(data)
            else:
                chan.write(data)
        chan.exit(status)


def server_options(config: ServeConfig, host_key: asyncssh.SSHKey,
                   room: Classroom) -> asyncssh.SSHServerConnectionOptions:
    return asyncssh.SSHServerConnectionOptions(
        server_factory=lambda: ClassServer(room),
        server_host_keys=[host_key],
        # Raw bytes both ways: the student's process speaks to a terminal, not to lines.
        encoding=None,
        line_editor=False,
        allow_pty=True,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_scp=False,
        sftp_factory=None,
        login_timeout=config.limits.login_time,
        # A laptop that sleeps or leaves the Wi-Fi sends nothing: find out within 2 minutes.
        keepalive_interval=30,
        keepalive_count_max=4,
        server_version="trustsim",
    )


async def serve(config: ServeConfig, *, log: Callable[[str], None] = print,
                on_ready: Callable[[str, int, str], None] | None = None,
                stop: asyncio.Event | None = None) -> None:
    """Runs the class server until `stop` is set (or SIGINT/SIGTERM)."""
    host_key = load_or_create_host_key(config.host_key or default_host_key())
    store = await asyncio.to_thread(open_store, config.db_url)
    preload = config.preload
    if is_postgres_url(config.db_url):
        preload += ("trustsim.store.postgres",)
    env = dict(os.environ)
    if config.scenario is not None:
        env[WARM_SCENARIO_ENV] = str(config.scenario)
    else:
        env[WARM_LIBRARY_ENV] = os.pathsep.join(map(str, config.library))
    zygote = Zygote(config.player, preload, env=env)
    room = Classroom(config, store, zygote, log)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    try:
        server = await asyncssh.listen(config.host, config.port,
                                       options=server_options(config, host_key, room),
                                       reuse_address=True)
    except OSError as error:
        store.close()
        raise ServeError(f"cannot listen on {config.host}:{config.port}: "
                         f"{error.strerror or error}") from None
    port = int(server.sockets[0].getsockname()[1])
    room.server_name = f"{socket.gethostname()}:{port}"
    try:
        # Listening first: a taken port is reported at once, not after the player's start-up.
        # A student who connects meanwhile waits for the session starter to be ready.
        await zygote.start()
    except SpawnError as error:
        server.close()
        store.close()
        raise ServeError(f"cannot start students' sessions: {error}") from None
    stale = await room.store_call(store.close_stale_connections, room.server_name,
                                  "server restarted")
    if stale:
        room.log(f"closed {stale} session(s) left open by an earlier run")
    for number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(number, stop.set)
    if on_ready is not None:
        on_ready(config.host, port, host_key.get_fingerprint())
    watcher = loop.create_task(room.watch())
    try:
        await stop.wait()
    finally:
        room.stopping = True
        room.log("stopping: closing every session")
        server.close()
        watcher.cancel()
        await asyncio.gather(*(s.end(messages.SERVER_STOPPING, "server stopped")
                               for s in list(room.sessions.values())),
                             return_exceptions=True)
        zygote.close()
        store.close()
        for number in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(number)


def connect_hint(host: str, port: int, auth: Auth) -> list[str]:
    shown = socket.gethostname() if host in ("", "0.0.0.0", "::") else host
    port_part = "" if port == 22 else f"-p {port} "
    lines = ["Students connect with:", f"    ssh {port_part}THEIR-NAME@{shown}"]
    if auth.kind == "code":
        lines.append("and type the class code when asked for a password.")
    elif auth.kind == "keys":
        lines.append("using a key listed in the authorized keys file.")
    return lines


def describe(config: ServeConfig, host: str, port: int, fingerprint: str) -> list[str]:
    scenario = (f"{config.scenario.name} for everyone" if config.scenario is not None
                else f"each student picks from {config.scenario_count} scenarios")
    return [
        f"trustsim serve: listening on {host or '*'}:{port}",
        f"  host key   {fingerprint} (ed25519)",
        f"  results    {display_url(config.db_url)}",
        f"  scenario   {scenario}, {config.mode} mode",
        f"  login      {config.auth.describe()}",
        f"  limits     {config.limits.max_sessions} sessions, idle "
        f"{messages.minutes(config.limits.idle_time)}, at most "
        f"{messages.minutes(config.limits.session_time)} each",
        *connect_hint(host, port, config.auth),
        "Press Ctrl+C to stop the class.",
    ]
