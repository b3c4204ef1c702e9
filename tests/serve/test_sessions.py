"""The session starter: a zygote that forks one process per student on its own PTY."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from trustsim.serve.sessions import PtySession, Zygote

HERE = Path(__file__).resolve().parent


class Screen:
    def __init__(self) -> None:
        self.data = bytearray()

    def feed(self, data: bytes) -> None:
        self.data += data

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")

    async def wait(self, needle: str, timeout: float = 10) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while needle not in self.text():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"never saw {needle!r} in {self.text()!r}")
            await asyncio.sleep(0.02)


def with_zygote(test: Callable[[Zygote], Awaitable[None]]) -> None:
    async def run() -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")])
        env["COLUMNS"] = "999"  # must never reach a child
        zygote = Zygote("children:echo", ["textual.app"], env=env)
        await zygote.start()
        try:
            await asyncio.wait_for(test(zygote), 60)
        finally:
            zygote.close()

    asyncio.run(run())


async def start(zygote: Zygote, screen: Screen, columns: int = 100, rows: int = 30,
                term: str = "xterm-test") -> PtySession:
    session = PtySession(zygote, screen.feed)
    env = {"TERM": term, "PATH": os.environ.get("PATH", ""), "COLUMNS": "1",
           "PYTHONPATH": str(HERE)}
    await session.start(["--student", "alice"], env, columns, rows)
    return session


def test_terminal_size_term_and_controlling_tty() -> None:
    async def test(zygote: Zygote) -> None:
        screen = Screen()
        session = await start(zygote, screen)
        await screen.wait("PID=")
        line = screen.text()
        assert "ARGV=--student alice" in line and "TERM=xterm-test" in line
        assert "SIZE=100x30" in line and "CTTY=yes" in line and "COLUMNS=None" in line
        session.resize(120, 40)
        await screen.wait("RESIZED=120x40")
        session.write(b"hello\r")
        await screen.wait("GOT=hello")
        session.write(b"exit 3\r")
        assert await session.ended == 3
        assert session.master is None

    with_zygote(test)


def test_a_crash_harms_no_other_session() -> None:
    async def test(zygote: Zygote) -> None:
        first, second = Screen(), Screen()
        one = await start(zygote, first)
        two = await start(zygote, second)
        await first.wait("PID=")
        await second.wait("PID=")
        one.write(b"crash\r")
        assert await one.ended == 70
        assert "RuntimeError: boom" in first.text()
        two.write(b"still there?\r")
        await second.wait("GOT=still there?")
        two.write(b"exit 0\r")
        assert await two.ended == 0

    with_zygote(test)


def test_hangup_ends_even_a_stuck_process() -> None:
    async def test(zygote: Zygote) -> None:
        screen = Screen()
        session = await start(zygote, screen)
        await screen.wait("PID=")
        session.write(b"hang\r")
        await screen.wait("HANGING")
        status = await session.hangup(grace=0.3)
        assert status == -9  # SIGHUP was ignored, so it was killed

        calm = Screen()
        polite = await start(zygote, calm)
        await calm.wait("PID=")
        assert await polite.hangup(grace=5) == -1  # SIGHUP's default: it ends

    with_zygote(test)


def test_many_sessions_start_quickly_from_the_warm_parent() -> None:
    async def test(zygote: Zygote) -> None:
        screens = [Screen() for _ in range(12)]
        loop = asyncio.get_running_loop()
        began = loop.time()
        sessions = await asyncio.gather(*(start(zygote, s) for s in screens))
        await asyncio.gather(*(s.wait("PID=") for s in screens))
        elapsed = loop.time() - began
        pids = {s.pid for s in sessions}
        assert len(pids) == 12
        for session in sessions:
            session.write(b"exit 0\r")
        assert await asyncio.gather(*(s.ended for s in sessions)) == [0] * 12
        assert elapsed < 10

    with_zygote(test)


def test_closing_the_zygote_ends_its_children() -> None:
    async def run() -> None:
        env = {**os.environ, "PYTHONPATH": str(HERE)}
        zygote = Zygote("children:echo", env=env)
        await zygote.start()
        screen = Screen()
        session = await start(zygote, screen)
        await screen.wait("PID=")
        zygote.close()
        assert await asyncio.wait_for(session.ended, 10) in (-1, None)

    asyncio.run(run())


def test_a_burst_that_fills_the_starters_socket_waits_instead_of_failing() -> None:
    """A whole class at once outruns the zygote: requests queue until it reads them."""
    import socket

    async def test(zygote: Zygote) -> None:
        assert zygote._sock is not None
        zygote._sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        screens = [Screen() for _ in range(20)]
        padding = {"PADDING": "x" * 3000}

        async def one(screen: Screen) -> PtySession:
            session = PtySession(zygote, screen.feed)
            env = {"TERM": "xterm", "PYTHONPATH": str(HERE), **padding}
            await session.start([], env, 80, 24)
            return session

        sessions = await asyncio.gather(*(one(s) for s in screens))
        await asyncio.gather(*(s.wait("PID=") for s in screens))
        for session in sessions:
            session.write(b"exit 0\r")
        assert await asyncio.gather(*(s.ended for s in sessions)) == [0] * 20

    with_zygote(test)
