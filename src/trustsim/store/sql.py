"""What the SQLite and PostgreSQL stores share: the schema and every query, written once.

Queries use `?` placeholders; the PostgreSQL store rewrites them to `%s`. Timestamps are Unix
seconds as double precision, so that both engines sort and compare them the same way.
"""

from __future__ import annotations

import abc
import json
import secrets
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from trustsim.store import (
    ConnectionRecord,
    PlayRecord,
    Progress,
    ResultsStore,
    StepRecord,
)

SCHEMA_VERSION = 1

#: `{id}` is the engine's spelling of an auto-numbered key.
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS plays (
    id {id},
    student TEXT NOT NULL,
    scenario TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL DEFAULT '',
    attempt INTEGER NOT NULL,
    started_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    node TEXT NOT NULL,
    steps INTEGER NOT NULL DEFAULT 0,
    finished_at DOUBLE PRECISION,
    ending_node TEXT,
    ending_title TEXT,
    scores TEXT NOT NULL DEFAULT '{{}}',
    trust DOUBLE PRECISION,
    UNIQUE (student, scenario, attempt)
);
CREATE INDEX IF NOT EXISTS plays_updated ON plays (updated_at);
CREATE TABLE IF NOT EXISTS steps (
    play_id BIGINT NOT NULL REFERENCES plays (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    node TEXT NOT NULL,
    choice_index INTEGER NOT NULL,
    choice_number INTEGER NOT NULL,
    choice_text TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '',
    signal TEXT NOT NULL DEFAULT 'steady',
    at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (play_id, seq)
);
CREATE TABLE IF NOT EXISTS connections (
    id {id},
    student TEXT NOT NULL,
    server TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    connected_at DOUBLE PRECISION NOT NULL,
    disconnected_at DOUBLE PRECISION,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS connections_open ON connections (server, disconnected_at);
"""

PLAY_COLUMNS = ("id, student, scenario, title, mode, attempt, started_at, updated_at, node, "
                "steps, finished_at, ending_node, ending_title, scores, trust")
STEP_COLUMNS = "seq, node, choice_index, choice_number, choice_text, tags, signal, at"
CONNECTION_COLUMNS = "id, student, server, address, connected_at, disconnected_at, reason"


class Cursor(Protocol):
    """The part of a DB-API cursor the queries use (sqlite3's and psycopg's alike)."""

    def execute(self, sql: Any, params: Any = ..., /) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


def play_from_row(row: Sequence[Any]) -> PlayRecord:
    return PlayRecord(
        id=int(row[0]), student=row[1], scenario=row[2], title=row[3], mode=row[4],
        attempt=int(row[5]), started_at=float(row[6]), updated_at=float(row[7]), node=row[8],
        steps=int(row[9]), finished_at=None if row[10] is None else float(row[10]),
        ending_node=row[11], ending_title=row[12], scores=_scores(row[13]),
        trust=None if row[14] is None else float(row[14]))


def step_from_row(row: Sequence[Any]) -> StepRecord:
    return StepRecord(seq=int(row[0]), node=row[1], index=int(row[2]), number=int(row[3]),
                      text=row[4], tags=tuple(t for t in row[5].split(",") if t),
                      signal=row[6], at=float(row[7]))


def connection_from_row(row: Sequence[Any]) -> ConnectionRecord:
    return ConnectionRecord(id=int(row[0]), student=row[1], server=row[2], address=row[3],
                            connected_at=float(row[4]),
                            disconnected_at=None if row[5] is None else float(row[5]),
                            reason=row[6])


def _scores(text: str) -> dict[str, int]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): int(v) for k, v in value.items() if isinstance(v, int | float)}


def _progress_params(progress: Progress) -> tuple[str, str, float | None]:
    return (progress.node, json.dumps(dict(progress.scores), sort_keys=True), progress.trust)


class SQLStore(ResultsStore):
    """Every query of the store; a backend supplies connections and transactions."""

    #: How the engine spells an auto-numbered primary key.
    id_column = "INTEGER PRIMARY KEY AUTOINCREMENT"

    @abc.abstractmethod
    def _transaction(self, write: bool = True) -> AbstractContextManager[Cursor]:
        """A cursor inside one transaction: committed on success, rolled back on error.
        `write=False` promises only reads, which SQLite can run beside a writer."""

    def _lock_student(self, cursor: Cursor, student: str, scenario: str) -> None:
        """Serializes numbering attempts for one student and scenario (SQLite needs nothing:
        its write transactions are already serial)."""

    def _lock_schema(self, cursor: Cursor) -> None:
        """Keeps two processes from creating the tables at once (SQLite's write lock does)."""

    def _create_schema(self) -> None:
        with self._transaction() as cursor:
            self._lock_schema(cursor)
            for statement in SCHEMA.format(id=self.id_column).split(";"):
                if statement.strip():
                    cursor.execute(statement)
            cursor.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                           "ON CONFLICT (key) DO NOTHING",
                           ("schema_version", str(SCHEMA_VERSION)))

    # -- plays ----------------------------------------------------------------------------------

    def latest_play(self, student: str, scenario: str) -> PlayRecord | None:
        with self._transaction(write=False) as cursor:
            cursor.execute(f"SELECT {PLAY_COLUMNS} FROM plays WHERE student = ? "
                           "AND scenario = ? ORDER BY attempt DESC LIMIT 1",
                           (student, scenario))
            row = cursor.fetchone()
        return None if row is None else play_from_row(row)

    def new_play(self, student: str, scenario: str, title: str, mode: str,
                 node: str) -> PlayRecord:
        now = time.time()
        with self._transaction() as cursor:
            self._lock_student(cursor, student, scenario)
            cursor.execute("SELECT COALESCE(MAX(attempt), 0) FROM plays "
                           "WHERE student = ? AND scenario = ?", (student, scenario))
            attempt = int(cursor.fetchone()[0]) + 1
            cursor.execute(
                "INSERT INTO plays (student, scenario, title, mode, attempt, started_at, "
                f"updated_at, node) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {PLAY_COLUMNS}",
                (student, scenario, title, mode, attempt, now, now, node))
            return play_from_row(cursor.fetchone())

    def record_step(self, play_id: int, step: StepRecord, progress: Progress) -> None:
        now = time.time()
        with self._transaction() as cursor:
            cursor.execute("DELETE FROM steps WHERE play_id = ? AND seq >= ?",
                           (play_id, step.seq))
            cursor.execute(
                f"INSERT INTO steps (play_id, {STEP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (play_id, step.seq, step.node, step.index, step.number, step.text,
                 ",".join(step.tags), step.signal, step.at or now))
            cursor.execute(
                "UPDATE plays SET node = ?, scores = ?, trust = ?, steps = ?, updated_at = ?, "
                "finished_at = NULL, ending_node = NULL, ending_title = NULL WHERE id = ?",
                (*_progress_params(progress), step.seq + 1, now, play_id))

    def truncate(self, play_id: int, keep: int, progress: Progress) -> None:
        with self._transaction() as cursor:
            cursor.execute("DELETE FROM steps WHERE play_id = ? AND seq >= ?", (play_id, keep))
            cursor.execute(
                "UPDATE plays SET node = ?, scores = ?, trust = ?, steps = ?, updated_at = ?, "
                "finished_at = NULL, ending_node = NULL, ending_title = NULL WHERE id = ?",
                (*_progress_params(progress), keep, time.time(), play_id))

    def finish(self, play_id: int, ending_node: str, ending_title: str,
               progress: Progress) -> None:
        now = time.time()
        with self._transaction() as cursor:
            cursor.execute(
                "UPDATE plays SET node = ?, scores = ?, trust = ?, updated_at = ?, "
                "finished_at = ?, ending_node = ?, ending_title = ? WHERE id = ?",
                (*_progress_params(progress), now, now, ending_node, ending_title, play_id))

    def steps(self, play_id: int) -> list[StepRecord]:
        return self.steps_of([play_id]).get(play_id, [])

    def plays(self, scenario: str | None = None) -> list[PlayRecord]:
        where, params = ("WHERE scenario = ?", (scenario,)) if scenario else ("", ())
        with self._transaction(write=False) as cursor:
            cursor.execute(f"SELECT {PLAY_COLUMNS} FROM plays {where} "
                           "ORDER BY started_at, id", params)
            return [play_from_row(row) for row in cursor.fetchall()]

    def steps_of(self, play_ids: Sequence[int]) -> dict[int, list[StepRecord]]:
        found: dict[int, list[StepRecord]] = {int(i): [] for i in play_ids}
        ids = list(found)
        with self._transaction(write=False) as cursor:
            # In slices: SQLite caps the number of parameters in one statement.
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                marks = ", ".join("?" * len(chunk))
                cursor.execute(f"SELECT play_id, {STEP_COLUMNS} FROM steps "
                               f"WHERE play_id IN ({marks}) ORDER BY play_id, seq", chunk)
                for row in cursor.fetchall():
                    found[int(row[0])].append(step_from_row(row[1:]))
        return found

    # -- connections ----------------------------------------------------------------------------

    def connection_opened(self, student: str, server: str, address: str) -> int:
        with self._transaction() as cursor:
            cursor.execute("INSERT INTO connections (student, server, address, connected_at) "
                           "VALUES (?, ?, ?, ?) RETURNING id",
                           (student, server, address, time.time()))
            return int(cursor.fetchone()[0])

    def connection_closed(self, connection_id: int, reason: str = "") -> None:
        with self._transaction() as cursor:
            cursor.execute("UPDATE connections SET disconnected_at = ?, reason = ? "
                           "WHERE id = ? AND disconnected_at IS NULL",
                           (time.time(), reason, connection_id))

    def close_stale_connections(self, server: str, reason: str) -> int:
        with self._transaction() as cursor:
            cursor.execute("UPDATE connections SET disconnected_at = ?, reason = ? "
                           "WHERE server = ? AND disconnected_at IS NULL",
                           (time.time(), reason, server))
            count = getattr(cursor, "rowcount", 0)
        return max(0, int(count))

    def connections(self, online_only: bool = False) -> list[ConnectionRecord]:
        where = "WHERE disconnected_at IS NULL" if online_only else ""
        with self._transaction(write=False) as cursor:
            cursor.execute(f"SELECT {CONNECTION_COLUMNS} FROM connections {where} "
                           "ORDER BY connected_at DESC, id DESC")
            return [connection_from_row(row) for row in cursor.fetchall()]

    # -- housekeeping ---------------------------------------------------------------------------

    def revision(self) -> tuple[float, ...]:
        with self._transaction(write=False) as cursor:
            cursor.execute(
                "SELECT (SELECT COALESCE(MAX(updated_at), 0) FROM plays), "
                "(SELECT COUNT(*) FROM plays), "
                "(SELECT COALESCE(MAX(COALESCE(disconnected_at, connected_at)), 0) "
                "FROM connections), "
                "(SELECT COUNT(*) FROM connections WHERE disconnected_at IS NULL)")
            row = cursor.fetchone()
        return tuple(float(v) for v in row)

    def secret(self, name: str) -> str:
        key = f"secret:{name}"
        with self._transaction() as cursor:
            cursor.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                           "ON CONFLICT (key) DO NOTHING", (key, secrets.token_hex(32)))
            cursor.execute("SELECT value FROM meta WHERE key = ?", (key,))
            return str(cursor.fetchone()[0])

