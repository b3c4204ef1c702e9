"""A class at once: 20 scripted students over SSH (asyncssh clients), all arriving together,
each playing to an ending; every result lands complete in the store."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable

import asyncssh

from .conftest import Server

CODE = "maple-42"
STUDENTS = 20
#: Each student's path: a mix, so the per-node counts are not all one option.
PATHS = ("111", "222", "121", "212")


class Terminal(asyncssh.SSHClientSession[bytes]):
    def __init__(self) -> None:
        self.output = bytearray()
        self.closed = asyncio.Event()

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self.output += data

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()


def store_rows(server: Server) -> dict[str, tuple[int, bool]]:
    db = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT student, steps, finished_at FROM plays").fetchall()
    except sqlite3.OperationalError:
        return {}
    finally:
        db.close()
    return {name: (steps, finished is not None) for name, steps, finished in rows}


async def until(check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def class_of(server: Server, count: int = STUDENTS, prefix: str = "student",
                   rows_of: Callable[[], dict[str, tuple[int, bool]]] | None = None
                   ) -> dict[str, tuple[int, bool]]:
    rows: dict[str, tuple[int, bool]] = {}
    done = asyncio.Event()

    read = rows_of or (lambda: store_rows(server))

    async def watch() -> None:
        while not done.is_set():
            rows.update(await asyncio.to_thread(read))
            await asyncio.sleep(0.1)

    async def student(number: int) -> None:
        name = f"{prefix}{number:02d}"
        async with asyncssh.connect("127.0.0.1", server.port, username=name, password=CODE,
                                    known_hosts=None, client_keys=None, agent_path=None,
                                    preferred_auth="password") as conn:
            chan, terminal = await conn.create_session(
                Terminal, term_type="xterm-256color", term_size=(100, 30), encoding=None)
            await until(lambda: b"ALPHA" in terminal.output, f"{name}'s first screen")
            for moves, key in enumerate(PATHS[number % len(PATHS)], start=1):
                chan.write(key.encode())
                await until(lambda m=moves: rows.get(name, (0, False))[0] >= m,
                            f"{name}'s choice {moves}")
                chan.write(b" ")  # "Continue" after the partner's reaction
            await until(lambda: rows.get(name, (0, False))[1], f"{name}'s ending")
            chan.close()

    watcher = asyncio.create_task(watch())
    try:
        await asyncio.wait_for(asyncio.gather(*(student(n) for n in range(count))), 150)
    finally:
        done.set()
        await watcher
    return read()


def test_twenty_students_at_once_all_land_complete_results(
        start_server: Callable[..., Server]) -> None:
    server = start_server("--class-code", CODE)
    rows = asyncio.run(class_of(server))
    assert len(rows) == STUDENTS
    assert all(rows[f"student{n:02d}"] == (3, True) for n in range(STUDENTS))
    db = sqlite3.connect(server.db)
    counts = dict(db.execute("SELECT ending_node, COUNT(*) FROM plays GROUP BY ending_node"))
    steps = db.execute("SELECT COUNT(*) FROM steps").fetchone()[0]
    db.close()
    assert counts == {"good": 10, "bad": 10} and steps == 3 * STUDENTS


def test_two_servers_share_one_class_through_postgresql(
        start_server: Callable[..., Server], postgres_url: str) -> None:
    from trustsim.store import open_store

    def pg_rows() -> dict[str, tuple[int, bool]]:
        with open_store(postgres_url) as store:
            return {p.student: (p.steps, p.finished) for p in store.plays()}

    first = start_server("--class-code", CODE, "--db", postgres_url)
    second = start_server("--class-code", CODE, "--db", postgres_url)

    async def both() -> None:
        await asyncio.gather(class_of(first, 3, "north", pg_rows),
                             class_of(second, 3, "south", pg_rows))

    asyncio.run(both())
    rows = pg_rows()
    assert sorted(rows) == [f"{side}{n:02d}" for side in ("north", "south") for n in range(3)]
    assert all(value == (3, True) for value in rows.values())
    first.wait_for(r"'north00' connected")
    assert "postgresql://trustsim" in "\n".join(first.lines)
