"""One process per student, each on its own pseudo-terminal, forked from a warm parent.

A fresh Python that imports Textual costs about a quarter of a second of CPU: sixty students
arriving at once would wait seconds for a first screen. So the server starts one *zygote* at
startup: a separate, single-threaded process (started with exec, so it inherits nothing of the
server's event loop or threads) that imports the player once, freezes its objects out of the
garbage collector's reach (`gc.freeze`, so children do not copy pages just by collecting) and
then forks one child per session. A child shares the zygote's memory until it writes to it.

The server creates each PTY itself, passes the terminal end to the zygote over a Unix socket
(SCM_RIGHTS), and keeps the master end. The child starts a new session and makes the terminal
its controlling TTY, so that window-size changes (TIOCSWINSZ on the master) reach it as
SIGWINCH, and SIGHUP to its process group ends it. Reading the master after the child has gone
raises EIO on Linux: that is the end of the session.

The zygote reaps its children and reports their exit status; the server asks it to send
signals, so that a reused process id is never signalled by mistake.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import gc
import importlib
import json
import os
import pkgutil
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any

#: Environment variables a child never gets: Textual would take COLUMNS/LINES over the
#: terminal's real size and then ignore resizes.
DROPPED_ENV = ("COLUMNS", "LINES", "TERMCAP", "SSH_AUTH_SOCK")
MAX_MESSAGE = 256 * 1024
READ_CHUNK = 64 * 1024
#: Input queued for a child that does not read it (stuck) before more is dropped.
MAX_PENDING_INPUT = 1 << 20


class SpawnError(Exception):
    """The zygote could not start a session."""


# ------------------------------------------------------------------------------------------
# The zygote: runs in its own process (`python -m trustsim.serve.sessions FD PLAYER ...`).
# ------------------------------------------------------------------------------------------


def resolve(spec: str) -> Callable[[list[str]], int]:
    """`module:function` -> the function."""
    module_name, _, attribute = spec.partition(":")
    function = getattr(importlib.import_module(module_name), attribute or "main")
    if not callable(function):
        raise TypeError(f"{spec} is not callable")
    return function  # type: ignore[no-any-return]


def expand_preload(names: Sequence[str]) -> list[str]:
    """Module names; `package.*` stands for the package and every module under it (screens
    that the app imports only when a student first reaches them)."""
    found: list[str] = []
    for name in names:
        if not name.endswith(".*"):
            found.append(name)
            continue
        package_name = name[:-2]
        found.append(package_name)
        try:
            package = importlib.import_module(package_name)
        except ImportError:
            continue
        for info in pkgutil.walk_packages(getattr(package, "__path__", []),
                                          prefix=package_name + "."):
            found.append(info.name)
    return found


def _warm_up(player: str) -> None:
    """Runs the player's `warm_up()` (if it has one) before any fork: what it caches (parsed
    CSS, selector and style caches) is then shared by every child instead of built by each.
    It must leave no thread and no event loop behind; if it does, we say so."""
    module = importlib.import_module(player.partition(":")[0])
    warm = getattr(module, "warm_up", None)
    # TRUSTSIM_SERVE_COLD=1 skips it, to measure what it saves.
    if not callable(warm) or os.environ.get("TRUSTSIM_SERVE_COLD"):
        return
    try:
        warm()
    except Exception as error:  # a cold start is slower, not broken
        print(f"trustsim serve: warm-up skipped: {error}", file=sys.stderr, flush=True)
    if threading.active_count() > 1:
        print("trustsim serve: the warm-up left threads running; forking anyway",
              file=sys.stderr, flush=True)


def zygote_main(fd: int, player: str, preload: Sequence[str]) -> int:
    sock = socket.socket(fileno=fd)
    entry = resolve(player)
    for name in expand_preload(preload):
        # A preload is an optimisation: a module that is not there is simply not warm.
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    _warm_up(player)
    # Collect once and move everything that survives into the permanent generation: the
    # children's collections then never touch (and so never copy) the zygote's pages.
    gc.collect()
    gc.freeze()

    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    # The server stops us by closing the socket; Ctrl+C on its terminal is the server's.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    children: set[int] = set()
    _send(sock, {"op": "ready", "pid": os.getpid()})

    def reap() -> None:
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                children.clear()
                return
            if pid == 0:
                return
            children.discard(pid)
            _send(sock, {"op": "exited", "pid": pid, "status": os.waitstatus_to_exitcode(status)})

    try:
        while True:
            try:
                ready, _, _ = select.select([sock.fileno(), wake_r], [], [])
            except InterruptedError:
                continue
            if wake_r in ready:
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_r, 4096)
                reap()
            if sock.fileno() not in ready:
                continue
            message, fds = _receive(sock)
            if message is None:
                break  # the server has gone
            if message.get("op") == "spawn":
                _spawn(sock, message, fds, entry, children, (wake_r, wake_w))
            elif message.get("op") == "signal":
                for extra in fds:
                    os.close(extra)
                pid = int(message["pid"])
                if pid in children:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(pid, int(message["signal"]))
            else:
                for extra in fds:
                    os.close(extra)
    finally:
        _end_children(children)
    return 0


def _spawn(sock: socket.socket, message: dict[str, Any], fds: list[int],
           entry: Callable[[list[str]], int], children: set[int],
           wake: tuple[int, int]) -> None:
    request_id = message.get("id")
    if len(fds) != 1:
        for extra in fds:
            os.close(extra)
        _send(sock, {"op": "failed", "id": request_id, "error": "expected one terminal"})
        return
    terminal = fds[0]
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError as error:
        os.close(terminal)
        _send(sock, {"op": "failed", "id": request_id, "error": str(error)})
        return
    if pid == 0:
        status = 70
        try:
            sock.close()
            os.close(wake[0])
            os.close(wake[1])
            status = _child(terminal, list(message["argv"]), dict(message["env"]), entry)
        finally:
            os._exit(status)
    os.close(terminal)
    children.add(pid)
    _send(sock, {"op": "spawned", "id": request_id, "pid": pid})


def _child(terminal: int, argv: list[str], env: dict[str, str],
           entry: Callable[[list[str]], int]) -> int:
    signal.set_wakeup_fd(-1)
    for number in (signal.SIGCHLD, signal.SIGHUP, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.setsid()
    fcntl.ioctl(terminal, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(terminal, fd)
    if terminal > 2:
        os.close(terminal)
    os.environ.clear()
    os.environ.update(env)
    try:
        return int(entry(argv) or 0)
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
        return 70
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:
            pass


def _end_children(children: set[int], grace: float = 2.0) -> None:
    for pid in list(children):
        try:
            os.killpg(pid, signal.SIGHUP)
        except ProcessLookupError:
            children.discard(pid)
    deadline = time.monotonic() + grace
    while children and time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid:
            children.discard(pid)
        else:
            time.sleep(0.05)
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)


def _send(sock: socket.socket, message: dict[str, Any], fds: Sequence[int] = ()) -> None:
    data = json.dumps(message).encode()
    if fds:
        socket.send_fds(sock, [data], list(fds))
    else:
        sock.send(data)


def _receive(sock: socket.socket) -> tuple[dict[str, Any] | None, list[int]]:
    try:
        data, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 4)
    except ConnectionResetError:
        return None, []
    if not data:
        return None, list(fds)
    return json.loads(data), list(fds)


# ------------------------------------------------------------------------------------------
# The server's side: the zygote's handle, and one PTY session per student.
# ------------------------------------------------------------------------------------------


class Zygote:
    """The server's handle on its zygote process, used from the event loop."""

    def __init__(self, player: str, preload: Sequence[str] = (),
                 env: Mapping[str, str] | None = None) -> None:
        self.player = player
        self.preload = tuple(preload)
        self.env = dict(os.environ if env is None else env)
        self.pid: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready: asyncio.Future[None] | None = None
        self._waiting: dict[int, asyncio.Future[int]] = {}
        self._outbox: deque[tuple[bytes, list[int]]] = deque()
        self._exits: dict[int, asyncio.Future[int | None]] = {}
        self._next_id = 0
        self.on_lost: Callable[[], None] | None = None

    async def start(self, timeout: float = 60.0) -> None:
        """Starts the zygote and waits until it has imported the player."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        code = ("import sys; from trustsim.serve.sessions import zygote_main; "
                "sys.exit(zygote_main(int(sys.argv[1]), sys.argv[2], sys.argv[3:]))")
        env = {k: v for k, v in self.env.items() if k not in DROPPED_ENV}
        # Students' text is UTF-8 whatever the server's locale is.
        env["PYTHONIOENCODING"] = "utf-8"
        self._process = subprocess.Popen(
            [sys.executable, "-c", code, str(theirs.fileno()), self.player, *self.preload],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=env,
            start_new_session=True)
        theirs.close()
        ours.setblocking(False)
        self._sock = ours
        self._ready = loop.create_future()
        loop.add_reader(ours.fileno(), self._readable)
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), timeout)
        except TimeoutError:
            self.close()
            raise SpawnError(f"the player did not start within {timeout:.0f}s") from None

    @property
    def alive(self) -> bool:
        return self._sock is not None

    async def spawn(self, terminal: int, argv: Sequence[str], env: Mapping[str, str],
                    timeout: float = 30.0) -> int:
        """Forks a child on `terminal` (the PTY's slave end, which the caller then closes);
        returns its process id."""
        if self._sock is None or self._loop is None:
            raise SpawnError("the session starter is not running")
        self._next_id += 1
        request_id = self._next_id
        future: asyncio.Future[int] = self._loop.create_future()
        self._waiting[request_id] = future
        clean_env = {k: v for k, v in env.items() if k not in DROPPED_ENV}
        try:
            self._post({"op": "spawn", "id": request_id, "argv": list(argv),
                        "env": clean_env}, [terminal])
            return await asyncio.wait_for(future, timeout)
        except OSError as error:
            raise SpawnError(f"cannot reach the session starter: {error}") from None
        except TimeoutError:
            raise SpawnError("the session starter did not answer") from None
        finally:
            self._waiting.pop(request_id, None)

    def _post(self, message: dict[str, Any], fds: Sequence[int] = ()) -> None:
        """Queues a message for the zygote. A class arriving at once outruns the zygote's
        forking and fills the socket: the rest wait here until it is writable again. (The
        terminal's descriptor stays open until then: `spawn` awaits the answer.)"""
        self._outbox.append((json.dumps(message).encode(), list(fds)))
        self._flush_outbox()

    def _flush_outbox(self) -> None:
        sock = self._sock
        if sock is None or self._loop is None:
            return
        while self._outbox:
            data, fds = self._outbox[0]
            try:
                if fds:
                    socket.send_fds(sock, [data], fds)
                else:
                    sock.send(data)
            except BlockingIOError:
                self._loop.add_writer(sock.fileno(), self._flush_outbox)
                return
            except OSError:
                self._lost()
                return
            self._outbox.popleft()
        self._loop.remove_writer(sock.fileno())

    def exit_status(self, pid: int) -> asyncio.Future[int | None]:
        """Completes with the child's exit code once the zygote has reaped it (None if the
        zygote has gone and nobody will)."""
        assert self._loop is not None
        future = self._exits.setdefault(pid, self._loop.create_future())
        if self._sock is None and not future.done():
            future.set_result(None)
        return future

    def forget(self, pid: int) -> None:
        """The session is over: its exit status need not be kept."""
        self._exits.pop(pid, None)

    def signal(self, pid: int, number: int) -> None:
        """Signals the child's process group (only while the zygote knows it is alive)."""
        if self._sock is None:
            # The zygote is gone, so nothing reaps the child and its id cannot be reused yet.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, number)
            return
        self._post({"op": "signal", "pid": pid, "signal": int(number)})

    def _readable(self) -> None:
        assert self._sock is not None
        while True:
            try:
                message, fds = _receive(self._sock)
            except BlockingIOError:
                return
            except OSError:
                message, fds = None, []
            for fd in fds:
                os.close(fd)
            if message is None:
                self._lost()
                return
            self._handle(message)

    def _handle(self, message: dict[str, Any]) -> None:
        op = message.get("op")
        if op == "ready" and self._ready is not None and not self._ready.done():
            self.pid = int(message["pid"])
            self._ready.set_result(None)
        elif op in ("spawned", "failed"):
            future = self._waiting.get(int(message.get("id") or 0))
            if future is None or future.done():
                return
            if op == "spawned":
                future.set_result(int(message["pid"]))
            else:
                future.set_exception(SpawnError(str(message.get("error"))))
        elif op == "exited":
            status = self.exit_status(int(message["pid"]))
            if not status.done():
                status.set_result(int(message["status"]))

    def _lost(self) -> None:
        self._outbox.clear()
        if self._sock is not None and self._loop is not None:
            self._loop.remove_reader(self._sock.fileno())
            self._loop.remove_writer(self._sock.fileno())
            self._sock.close()
        self._sock = None
        error = SpawnError("the session starter stopped")
        for status in self._exits.values():
            if not status.done():
                status.set_result(None)
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(error)
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(error)
        if self.on_lost is not None:
            self.on_lost()

    def close(self, timeout: float = 5.0) -> None:
        """Stops the zygote, which hangs up on every child it still has."""
        self._outbox.clear()
        if self._sock is not None:
            if self._loop is not None:
                self._loop.remove_reader(self._sock.fileno())
                self._loop.remove_writer(self._sock.fileno())
            self._sock.close()
            self._sock = None
            for status in self._exits.values():
                if not status.done():
                    status.set_result(None)
        if self._process is not None:
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None


def set_window_size(fd: int, columns: int, rows: int) -> None:
    columns = max(1, min(int(columns or 80), 1000))
    rows = max(1, min(int(rows or 24), 1000))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def window_size(fd: int) -> tuple[int, int]:
    rows, columns, _, _ = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ,
                                                             b"\0" * 8))
    return columns, rows


class PtySession:
    """One student's process on its own PTY, seen from the server's event loop.

    `on_output` receives what the process writes; `ended` completes with its exit code (None
    if it could not be known) once the terminal is closed and the process has been reaped.
    """

    def __init__(self, zygote: Zygote, on_output: Callable[[bytes], None]) -> None:
        self.zygote = zygote
        self.on_output = on_output
        self.pid: int | None = None
        self.master: int | None = None
        self._loop = asyncio.get_running_loop()
        self.ended: asyncio.Future[int | None] = self._loop.create_future()
        self._pending_input = bytearray()
        self._reading = False
        self._paused = False
        self.started_at = time.monotonic()

    async def start(self, argv: Sequence[str], env: Mapping[str, str], columns: int,
                    rows: int) -> None:
        master, slave = os.openpty()
        try:
            set_window_size(master, columns, rows)
            os.set_blocking(master, False)
            self.master = master
            self.pid = await self.zygote.spawn(slave, argv, env)
        except BaseException:
            os.close(master)
            self.master = None
            raise
        finally:
            os.close(slave)
        self._resume_reading()

    # -- input --------------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        if self.master is None:
            return
        if len(self._pending_input) + len(data) > MAX_PENDING_INPUT:
            return  # the process is not reading: dropping keys beats growing without end
        self._pending_input += data
        self._flush_input()

    def _flush_input(self) -> None:
        if self.master is None:
            return
        while self._pending_input:
            try:
                written = os.write(self.master, self._pending_input)
            except BlockingIOError:
                self._loop.add_writer(self.master, self._flush_input)
                return
            except OSError:
                self._pending_input.clear()
                break
            del self._pending_input[:written]
        self._loop.remove_writer(self.master)

    def resize(self, columns: int, rows: int) -> None:
        if self.master is not None:
            set_window_size(self.master, columns, rows)

    # -- output -------------------------------------------------------------------------------

    def pause(self) -> None:
        """The client is behind: stop reading, so that the process blocks on its writes
        instead of the server buffering without end."""
        self._paused = True
        if self._reading and self.master is not None:
            self._loop.remove_reader(self.master)
            self._reading = False

    def resume(self) -> None:
        self._paused = False
        self._resume_reading()

    def _resume_reading(self) -> None:
        if self.master is not None and not self._reading and not self._paused:
            self._loop.add_reader(self.master, self._readable)
            self._reading = True

    def _readable(self) -> None:
        if self.master is None:
            return
        try:
            data = os.read(self.master, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError as error:
            # EIO: every holder of the terminal end has closed it, i.e. the process is gone.
            if error.errno not in (errno.EIO, errno.EBADF):
                raise
            data = b""
        if data:
            self.on_output(data)
            return
        self._closed()

    def _closed(self) -> None:
        if self.master is not None:
            self._loop.remove_reader(self.master)
            self._loop.remove_writer(self.master)
            os.close(self.master)
            self.master = None
            self._reading = False
        self._loop.create_task(self._reap())

    async def _reap(self) -> None:
        status: int | None = None
        if self.pid is not None and self._loop.is_running():
            try:
                status = await asyncio.wait_for(
                    asyncio.shield(self.zygote.exit_status(self.pid)), 5.0)
            except TimeoutError:
                status = None
        if self.pid is not None:
            self.zygote.forget(self.pid)
        if not self.ended.done():
            self.ended.set_result(status)

    # -- ending -------------------------------------------------------------------------------

    async def hangup(self, grace: float = 2.0) -> int | None:
        """Ends the process as a terminal closing would (SIGHUP to its group), and kills it if
        it is still there after `grace` seconds."""
        if self.ended.done():
            return self.ended.result()
        if self.pid is not None:
            self.zygote.signal(self.pid, signal.SIGHUP)
            # Textual puts the terminal in raw mode and may be blocked writing to it: keep
            # draining so that it can notice the hang-up and leave.
            self.pause_output_to_void()
            try:
                return await asyncio.wait_for(asyncio.shield(self.ended), grace)
            except TimeoutError:
                self.zygote.signal(self.pid, signal.SIGKILL)
        if self.master is not None and self.pid is None:
            self._closed()
        try:
            return await asyncio.wait_for(asyncio.shield(self.ended), grace + 5.0)
        except TimeoutError:
            return None

    def pause_output_to_void(self) -> None:
        """From now on, what the process writes is read and dropped (the student has gone)."""
        self.on_output = lambda _data: None
        self._paused = False
        self._resume_reading()


if __name__ == "__main__":  # pragma: no cover - the zygote is started with -c
    sys.exit(zygote_main(int(sys.argv[1]), sys.argv[2], sys.argv[3:]))
