"""The instructor's live view: who is playing, where, and how the class chooses."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import DataTable, Static

from trustsim.dashboard.app import Dashboard
from trustsim.engine import Session
from trustsim.loader import load_scenario
from trustsim.store import ResultsStore, open_store
from trustsim.store.classroom import ResultsJournal

from .conftest import SCENARIO

EVIL = "eve\x1b[2J\x1b]0;pwned\x07"


def play(store: ResultsStore, student: str, numbers: list[int]) -> None:
    session = Session(load_scenario(SCENARIO))
    journal = ResultsJournal(store, student)
    journal.started(session)
    for number in numbers:
        journal.chose(session, session.choose(number))
    if session.is_over:
        journal.finished(session)


def cells(table: DataTable[object]) -> list[list[str]]:
    return [[str(getattr(c, "plain", c)) for c in table.get_row_at(i)]
            for i in range(table.row_count)]


async def wait_for(app: Dashboard, pilot: object, condition: object, timeout: float = 10
                   ) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "the dashboard never updated"
        await pilot.pause(0.05)  # type: ignore[attr-defined]


def test_the_dashboard_shows_the_class_and_follows_it(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "class.sqlite3"))
    play(store, "alice", [1, 1, 1])
    play(store, EVIL, [2])
    connection = store.connection_opened(EVIL, "here:2222", "127.0.0.1")

    async def run() -> None:
        app = Dashboard(store, interval=0.1)
        async with app.run_test(size=(120, 40)) as pilot:
            students = app.query_one("#students", DataTable)
            await wait_for(app, pilot, lambda: students.row_count == 2)
            rows = cells(students)
            # The connected student comes first; the escapes are shown, not obeyed.
            assert rows[0][0] == "●" and rows[0][1].startswith("eve\\x1b[2J")
            assert "\x1b" not in "".join(map("".join, rows))
            assert rows[1][1] == "alice" and rows[1][3] == "ended: A Call at Eight"
            choices = cells(app.query_one("#choices", DataTable))
            assert choices[0][:4] == ["serve-test", "one", "1", "1/2"]
            summary = str(app.query_one("#summary", Static).render())
            assert "1 connected" in summary and "2 plays" in summary

            # Results arrive while the instructor watches.
            before = app.refreshes
            play(store, "bob", [1, 2])
            store.connection_closed(connection, "left")
            await wait_for(app, pilot, lambda: app.refreshes > before
                           and students.row_count == 3)
            rows = cells(students)
            assert all(row[0] == "○" for row in rows)
            assert any(row[1] == "bob" and row[3] == "at three" for row in rows)

            await pilot.press("a")
            await wait_for(app, pilot, lambda: all(
                row[1].startswith("anon-") for row in cells(students)))
            await pilot.press("q")

    asyncio.run(run())
    store.close()
