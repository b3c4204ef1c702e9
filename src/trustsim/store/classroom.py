"""The classroom side of a play: the journal that writes each move to the results store the
moment it is made, and the saved steps that let a reconnecting student carry on.

`trustsim play --student NAME --results URL` wires these in: `extra_journals(args)` gives the
journal, `resume(session, args)` (or `saved_steps`) replays what the store already holds.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

from attrs import frozen

from trustsim.engine import PlayError, Session, Step
from trustsim.journal import Journal
from trustsim.store import (
    PlayRecord,
    Progress,
    ResultsStore,
    StepRecord,
    StoreError,
    normalize_url,
    open_store,
)

#: Longest student name kept; SSH allows far longer, and names are shown in narrow columns.
MAX_NAME = 64

_stores: dict[str, ResultsStore] = {}


def store_for(url: str | None) -> ResultsStore:
    """One open store per URL per process: the journal and the resume share a connection."""
    key = normalize_url(url)
    if key not in _stores:
        _stores[key] = open_store(key)
    return _stores[key]


def clean_name(name: str) -> str:
    """The student's name as stored: trimmed and bounded. Escapes are kept as data and made
    harmless where they are shown (`trustsim.store.safe`)."""
    return name.strip()[:MAX_NAME]


def progress_of(session: Session) -> Progress:
    report = session.report()
    return Progress(session.node.id, dict(report.scores), report.trust[-1])


def step_record(seq: int, step: Step) -> StepRecord:
    choice = step.choice
    return StepRecord(seq=seq, node=step.node_id, index=step.index, number=step.number,
                      text=choice.text, tags=tuple(choice.tags), signal=str(choice.signal),
                      at=time.time())


@frozen
class SavedPlay:
    """A student's unfinished attempt, as the store holds it."""

    play: PlayRecord
    steps: tuple[StepRecord, ...]

    @property
    def indices(self) -> tuple[int, ...]:
        return tuple(step.index for step in self.steps)


def saved_play(store: ResultsStore, student: str, scenario_id: str) -> SavedPlay | None:
    """The student's latest attempt at the scenario if it is unfinished; None otherwise (a
    finished play is not resumed: connecting again starts a new attempt)."""
    play = store.latest_play(clean_name(student), scenario_id)
    if play is None or play.finished:
        return None
    return SavedPlay(play, tuple(store.steps(play.id)))


def saved_steps(url: str | None, student: str, scenario_id: str) -> tuple[int, ...]:
    """The choice indices (for `Session.choose_index`) of the student's unfinished attempt."""
    found = saved_play(store_for(url), student, scenario_id)
    return found.indices if found else ()


def replay(session: Session, indices: Sequence[int]) -> int:
    """Replays saved choices into a fresh session; stops at the first that no longer applies
    (the scenario file changed). Returns how many were replayed."""
    done = 0
    for index in indices:
        try:
            session.choose_index(index)
        except PlayError:
            break
        done += 1
    return done


def resume(session: Session, args: argparse.Namespace) -> int:
    """What `play` calls before it starts: the student's saved choices replayed into `session`.
    A no-op outside the classroom (no `--student` / `--results`)."""
    student, url = getattr(args, "student", None), getattr(args, "results", None)
    if not student or not url or session.history:
        return 0
    try:
        indices = saved_steps(url, student, session.scenario.id)
    except StoreError:
        return 0  # the store is down: play from the start; the journal keeps trying
    return replay(session, indices)


def extra_journals(args: argparse.Namespace) -> list[Journal]:
    """The journals `play` adds for the classroom: the results store's, when it is asked for."""
    student, url = getattr(args, "student", None), getattr(args, "results", None)
    if not student or not url:
        return []
    return [ResultsJournal(lambda: store_for(url), student,
                           str(getattr(args, "mode", "") or ""))]


class ResultsJournal:
    """Writes every move to the results store as it happens.

    A write that fails (the database restarting, a network blip) is kept and retried with the
    next move, so a play never stops for the store and loses nothing while the process lives.
    """

    def __init__(self, store: ResultsStore | Callable[[], ResultsStore], student: str,
                 mode: str = "", on_error: Callable[[StoreError], None] | None = None) -> None:
        # A store, or how to open one: a database that is down when the play starts is
        # tried again with every move, like any other failed write.
        self._store = store if isinstance(store, ResultsStore) else None
        self._opener = None if isinstance(store, ResultsStore) else store
        self.student = clean_name(student)
        self.mode = mode
        self.play: PlayRecord | None = None
        self._pending: list[Callable[[], None]] = []
        self._on_error = on_error
        self.last_error: StoreError | None = None

    @property
    def store(self) -> ResultsStore:
        if self._store is None:
            assert self._opener is not None
            self._store = self._opener()
        return self._store

    @property
    def pending(self) -> int:
        return len(self._pending)

    # -- the Journal protocol -------------------------------------------------------------------

    def started(self, session: Session) -> None:
        scenario = session.scenario
        history = session.history
        indices = tuple(step.index for step in history)
        records = [step_record(seq, step) for seq, step in enumerate(history)]
        progress = progress_of(session)
        start_node = scenario.start
        self.play = None
        self._pending.clear()

        def open_play() -> None:
            # Retried as a whole after a failed write: a play opened on an earlier try is kept.
            write_from = 0
            if self.play is None:
                saved = saved_play(self.store, self.student, scenario.id)
                stored = saved.indices if saved is not None else ()
                if saved is not None and indices[:len(stored)] == stored:
                    # The shell resumed this play (perhaps with moves the store had not yet
                    # got): carry on with it.
                    self.play, write_from = saved.play, len(stored)
                elif saved is not None and indices and stored[:len(indices)] == indices:
                    # The shell resumed an earlier point of it: the play is what it shows.
                    self.play, write_from = saved.play, len(indices)
                    self.store.truncate(saved.play.id, len(indices), progress)
                else:
                    # Nothing saved, or a fresh start over an unfinished play: a new attempt,
                    # so that an earlier one is never overwritten.
                    self.play = self.store.new_play(self.student, scenario.id, scenario.title,
                                                    self.mode, start_node)
            for record in records[write_from:]:
                last = record.seq == len(records) - 1
                self.store.record_step(self.play.id, record,
                                       progress if last else Progress(record.node))

        self._write(open_play)
        if session.is_over:
            self.finished(session)

    def chose(self, session: Session, step: Step) -> None:
        record = step_record(len(session.history) - 1, step)
        progress = progress_of(session)
        self._write(lambda: self.store.record_step(self._play().id, record, progress))

    def undid(self, session: Session) -> None:
        keep, progress = len(session.history), progress_of(session)
        self._write(lambda: self.store.truncate(self._play().id, keep, progress))

    def finished(self, session: Session) -> None:
        ending = session.ending
        if ending is None:
            return
        node, title, progress = ending.id, ending.ending or ending.id, progress_of(session)
        self._write(lambda: self.store.finish(self._play().id, node, title, progress))

    # -- writing --------------------------------------------------------------------------------

    def flush(self) -> bool:
        """Writes what is pending, in order; False if something is still waiting."""
        while self._pending:
            try:
                self._pending[0]()
            except StoreError as error:
                self.last_error = error
                if self._on_error is not None:
                    self._on_error(error)
                return False
            self._pending.pop(0)
        self.last_error = None
        return True

    def _write(self, operation: Callable[[], None]) -> None:
        self._pending.append(operation)
        self.flush()

    def _play(self) -> PlayRecord:
        # Pending writes run in order, and the first is always the one that opens the play.
        if self.play is None:
            raise RuntimeError("ResultsJournal: a move was journalled before `started`")
        return self.play
