"""The classroom's results store: every choice of every student, written as it is made.

One interface (`ResultsStore`), two backends behind it: SQLite in WAL mode in the user data
folder (the default: one server, nothing to install) and PostgreSQL (`postgresql://...`: several
servers sharing one class). `open_store(url)` picks the backend from the URL; the heavy driver
(psycopg) is imported only when a PostgreSQL URL is given.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from attrs import field, frozen

from trustsim.paths import data_dir

DEFAULT_DB_NAME = "classroom.sqlite3"


class StoreError(Exception):
    """The store cannot be opened or written: a one-line reason, for the command line."""


def _frozen_scores(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(value))


@frozen
class StepRecord:
    """One choice as the store keeps it: enough to replay it and to report it without the
    scenario file at hand."""

    seq: int
    node: str
    #: The choice's index in its node's own list (what `Session.choose_index` replays).
    index: int
    #: The number the player saw (1-based among the choices shown then).
    number: int
    text: str
    tags: tuple[str, ...] = ()
    signal: str = "steady"
    at: float = 0.0


@frozen
class Progress:
    """Where a play stands after a move: the node it waits at and the scores so far."""

    node: str
    scores: Mapping[str, int] = field(factory=dict, converter=_frozen_scores)
    trust: float | None = None


@frozen
class PlayRecord:
    """One attempt of one student at one scenario."""

    id: int
    student: str
    scenario: str
    title: str
    mode: str
    attempt: int
    started_at: float
    updated_at: float
    node: str
    steps: int = 0
    finished_at: float | None = None
    ending_node: str | None = None
    ending_title: str | None = None
    scores: Mapping[str, int] = field(factory=dict, converter=_frozen_scores)
    trust: float | None = None

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


@frozen
class ConnectionRecord:
    """One SSH session as the server saw it (for the dashboard's "who is here")."""

    id: int
    student: str
    server: str
    address: str
    connected_at: float
    disconnected_at: float | None = None
    reason: str = ""

    @property
    def online(self) -> bool:
        return self.disconnected_at is None


class ResultsStore(abc.ABC):
    """Where plays are written as they happen and read back for resuming and reporting.

    Every write is one short transaction, so that a crash between two choices loses nothing
    that was already chosen, and a hundred sessions writing at once wait for each other
    briefly instead of failing.
    """

    #: The URL the store was opened from (passwords included: never print it as is).
    url: str

    # -- plays ----------------------------------------------------------------------------------

    @abc.abstractmethod
    def latest_play(self, student: str, scenario: str) -> PlayRecord | None:
        """The student's most recent attempt at the scenario."""

    @abc.abstractmethod
    def new_play(self, student: str, scenario: str, title: str, mode: str,
                 node: str) -> PlayRecord:
        """A new attempt, numbered after the student's previous ones."""

    @abc.abstractmethod
    def record_step(self, play_id: int, step: StepRecord, progress: Progress) -> None:
        """Writes `step` at its `seq`, dropping any later steps (a choice made after going
        back replaces what followed)."""

    @abc.abstractmethod
    def truncate(self, play_id: int, keep: int, progress: Progress) -> None:
        """Keeps only the first `keep` steps (undo); the play is no longer finished."""

    @abc.abstractmethod
    def finish(self, play_id: int, ending_node: str, ending_title: str,
               progress: Progress) -> None:
        """Marks the play as having reached an ending."""

    @abc.abstractmethod
    def steps(self, play_id: int) -> list[StepRecord]:
        """The play's steps in order."""

    @abc.abstractmethod
    def plays(self, scenario: str | None = None) -> list[PlayRecord]:
        """Every attempt (of one scenario, or all), oldest first."""

    @abc.abstractmethod
    def steps_of(self, play_ids: Sequence[int]) -> dict[int, list[StepRecord]]:
        """The steps of many plays at once (reports, the dashboard)."""

    # -- connections ----------------------------------------------------------------------------

    @abc.abstractmethod
    def connection_opened(self, student: str, server: str, address: str) -> int:
        """Records a student's SSH session starting; returns its id."""

    @abc.abstractmethod
    def connection_closed(self, connection_id: int, reason: str = "") -> None:
        """Records the session ending."""

    @abc.abstractmethod
    def close_stale_connections(self, server: str, reason: str) -> int:
        """Closes the sessions a previous run of `server` left open (it crashed or was killed)."""

    @abc.abstractmethod
    def connections(self, online_only: bool = False) -> list[ConnectionRecord]:
        """The sessions recorded, newest first."""

    # -- housekeeping ---------------------------------------------------------------------------

    @abc.abstractmethod
    def revision(self) -> tuple[float, ...]:
        """Changes whenever anything is written: the dashboard polls this, not the tables."""

    @abc.abstractmethod
    def secret(self, name: str) -> str:
        """A random value made once per store and kept (the pseudonyms' key)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Releases the connection."""

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def default_db_path() -> Path:
    return data_dir() / DEFAULT_DB_NAME


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def normalize_url(url: str | None) -> str:
    """A URL any process can open the same store from: absolute SQLite paths, PostgreSQL
    URLs as given. None means the default SQLite file in the data folder."""
    if not url:
        return "sqlite:///" + str(default_db_path()).lstrip("/")
    if is_postgres_url(url):
        return url
    path = url.removeprefix("sqlite://") if url.startswith("sqlite://") else url
    if path.startswith("//"):
        # sqlite:////abs/path (SQLAlchemy's spelling) and sqlite:///abs/path mean the same.
        path = "/" + path.lstrip("/")
    return "sqlite:///" + str(Path(path).expanduser().resolve()).lstrip("/")


def display_url(url: str) -> str:
    """The URL with any password hidden, for printing; a SQLite store as its file's path."""
    if not is_postgres_url(url):
        return "/" + url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def open_store(url: str | None = None) -> ResultsStore:
    """The store at `url` (see `normalize_url`), created on first use."""
    url = normalize_url(url)
    if is_postgres_url(url):
        from trustsim.store.postgres import PostgresStore

        return PostgresStore(url)
    from trustsim.store.sqlite import SQLiteStore

    return SQLiteStore(Path("/" + url.removeprefix("sqlite:///")))
