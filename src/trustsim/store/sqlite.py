"""The default results store: one SQLite file in WAL mode.

WAL lets the instructor's report and dashboard read while students write, and every student's
process writes through its own connection: write transactions queue on SQLite's lock (with a
generous busy timeout) instead of failing, which is what makes a hundred sessions safe.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from trustsim.store import StoreError
from trustsim.store.sql import Cursor, SQLStore

#: How long a write waits for another process's transaction before giving up. Transactions
#: here last well under a millisecond, so only a wedged disk ever waits this long.
BUSY_TIMEOUT_MS = 30_000


class SQLiteStore(SQLStore):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = "sqlite:///" + str(path).lstrip("/")
        # The server's event loop hands store calls to worker threads: one lock keeps them
        # from sharing the connection at once.
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000,
                                       isolation_level=None, check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{path}: cannot use write-ahead logging here "
                                 f"(journal mode stays {mode}); put the results on a local disk")
            # NORMAL with WAL never corrupts the file and keeps every committed choice through
            # a crash of the process or of the server; only a power cut can take the last one.
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._create_schema()
        except (sqlite3.Error, OSError) as error:
            reason = getattr(error, "strerror", None) or error
            raise StoreError(f"{path}: cannot open the results store: {reason}") from None

    @contextmanager
    def _transaction(self, write: bool = True) -> Iterator[Cursor]:
        with self._lock:
            cursor = self._db.cursor()
            try:
                # IMMEDIATE takes the write lock up front: a deferred transaction that reads
                # and then writes can deadlock against another writer and fail at once.
                cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield cursor
                except BaseException:
                    self._db.rollback()
                    raise
                cursor.execute("COMMIT")
            except sqlite3.Error as error:
                if self._db.in_transaction:
                    self._db.rollback()
                raise StoreError(f"{self.path}: {error}") from None
            finally:
                cursor.close()

    def close(self) -> None:
        with self._lock:
            self._db.close()
