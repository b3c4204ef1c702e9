"""The results store, against SQLite and a real PostgreSQL server alike, and the classroom
journal that writes to it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from trustsim.engine import Session
from trustsim.loader import load_scenario
from trustsim.store import (
    Progress,
    ResultsStore,
    StepRecord,
    StoreError,
    display_url,
    normalize_url,
    open_store,
)
from trustsim.store.classroom import (
    ResultsJournal,
    extra_journals,
    resume,
    saved_play,
    saved_steps,
)

from .conftest import SCENARIO


def scenario_session() -> Session:
    return Session(load_scenario(SCENARIO))


def step(seq: int, node: str = "one", index: int = 0) -> StepRecord:
    return StepRecord(seq, node, index, index + 1, f"choice {index}", ("accountability",))


def test_plays_steps_and_attempts(store_url: str) -> None:
    with open_store(store_url) as store:
        play = store.new_play("alice", "serve-test", "Serve Test", "coach", "one")
        assert play.attempt == 1 and not play.finished and play.steps == 0
        store.record_step(play.id, step(0), Progress("two", {"overall": 60}, 35.5))
        store.record_step(play.id, step(1, "two", 1), Progress("three", {"overall": 55}, 33))
        assert [s.node for s in store.steps(play.id)] == ["one", "two"]
        latest = store.latest_play("alice", "serve-test")
        assert latest is not None and latest.node == "three" and latest.steps == 2
        assert latest.scores == {"overall": 55} and latest.trust == 33
        # A choice made after going back replaces what followed it.
        store.record_step(play.id, step(1, "two", 0), Progress("three"))
        assert [s.index for s in store.steps(play.id)] == [0, 0]
        store.truncate(play.id, 1, Progress("two"))
        assert len(store.steps(play.id)) == 1
        store.finish(play.id, "good", "A Call at Eight", Progress("good", {"overall": 70}))
        done = store.latest_play("alice", "serve-test")
        assert done is not None and done.finished and done.ending_title == "A Call at Eight"
        second = store.new_play("alice", "serve-test", "Serve Test", "coach", "one")
        assert second.attempt == 2
        assert [p.attempt for p in store.plays("serve-test")] == [1, 2]
        assert store.plays("other") == []
        assert store.steps_of([play.id, second.id]) == {play.id: store.steps(play.id),
                                                          second.id: []}


def test_connections_revision_and_secrets(store_url: str) -> None:
    with open_store(store_url) as store:
        before = store.revision()
        first = store.connection_opened("alice", "host:2222", "127.0.0.1")
        store.connection_opened("bob", "host:2222", "127.0.0.2")
        assert store.revision() != before
        assert {c.student for c in store.connections(online_only=True)} == {"alice", "bob"}
        store.connection_closed(first, "left")
        assert [c.student for c in store.connections(online_only=True)] == ["bob"]
        assert store.close_stale_connections("host:2222", "server restarted") == 1
        assert store.connections(online_only=True) == []
        assert store.secret("pseudonyms") == store.secret("pseudonyms")
        assert store.secret("pseudonyms") != store.secret("xapi")
    with open_store(store_url) as again:
        assert len(again.connections()) == 2


def test_hundred_concurrent_writers_lose_nothing(store_url: str) -> None:
    """Writes are safe under 100 concurrent sessions: each writer has its own connection,
    as each student's process does."""
    with open_store(store_url):
        pass  # the schema exists before the stampede, as it does once a server runs
    writers, moves = 100, 5
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def student(number: int) -> None:
        try:
            with open_store(store_url) as store:
                start.wait(30)
                play = store.new_play(f"student{number}", "serve-test", "T", "coach", "one")
                for seq in range(moves):
                    store.record_step(play.id, step(seq), Progress("two", {"overall": seq}))
                store.finish(play.id, "good", "Good", Progress("good", {"overall": 99}))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=student, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    with open_store(store_url) as store:
        plays = store.plays()
        assert len(plays) == writers and all(p.finished for p in plays)
        steps = store.steps_of([p.id for p in plays])
        assert all(len(found) == moves for found in steps.values())


def test_same_student_new_attempts_never_collide(store_url: str) -> None:
    with open_store(store_url):
        pass
    numbers: list[int] = []
    lock = threading.Lock()

    def attempt() -> None:
        with open_store(store_url) as store:
            play = store.new_play("carol", "serve-test", "T", "coach", "one")
            with lock:
                numbers.append(play.attempt)

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(numbers) == list(range(1, 13))


def test_journal_writes_each_move_and_resumes(store_url: str) -> None:
    store = open_store(store_url)
    session = scenario_session()
    journal = ResultsJournal(store, "  dana  ", "assess")
    journal.started(session)
    journal.chose(session, session.choose(1))
    play = store.latest_play("dana", "serve-test")
    assert play is not None and play.steps == 1 and play.mode == "assess"
    assert play.node == "two" and play.scores["overall"] > 0
    journal.chose(session, session.choose(2))
    session.undo()
    journal.undid(session)
    assert saved_steps(store_url, "dana", "serve-test") == (0,)

    # The connection drops; the student comes back in a new process.
    again = scenario_session()
    args = type("Args", (), {"student": "dana", "results": store_url, "mode": "assess"})()
    assert resume(again, args) == 1  # type: ignore[arg-type]
    assert again.node.id == "two"
    [journal2] = extra_journals(args)  # type: ignore[arg-type]
    journal2.started(again)
    assert store.latest_play("dana", "serve-test").attempt == 1  # type: ignore[union-attr]
    journal2.chose(again, again.choose(1))
    journal2.chose(again, again.choose(1))
    journal2.finished(again)
    done = store.latest_play("dana", "serve-test")
    assert done is not None and done.finished and done.ending_node == "good"
    assert [s.index for s in store.steps(done.id)] == [0, 0, 0]
    assert saved_play(store, "dana", "serve-test") is None  # finished: nothing to resume

    # Playing again after the ending is a new attempt; the finished one is kept.
    again.restart()
    journal2.started(again)
    journal2.chose(again, again.choose(2))
    assert [p.attempt for p in store.plays()] == [1, 2]
    assert store.plays()[0].finished
    store.close()


def test_a_fresh_start_over_an_unfinished_play_is_a_new_attempt(store_url: str) -> None:
    store = open_store(store_url)
    first = scenario_session()
    journal = ResultsJournal(store, "erin")
    journal.started(first)
    journal.chose(first, first.choose(1))
    fresh = scenario_session()
    journal = ResultsJournal(store, "erin")
    journal.started(fresh)
    plays = store.plays()
    assert [p.attempt for p in plays] == [1, 2] and plays[0].steps == 1
    store.close()


def test_a_shell_ahead_of_the_store_catches_it_up(store_url: str) -> None:
    """The player's own save got a move the store did not (the process died in between):
    resuming writes the missing move to the same attempt."""
    store = open_store(store_url)
    session = scenario_session()
    journal = ResultsJournal(store, "finn")
    journal.started(session)
    journal.chose(session, session.choose(1))
    session.choose(2)  # made, but never written
    ResultsJournal(store, "finn").started(session)
    [play] = store.plays()
    assert [s.index for s in store.steps(play.id)] == [0, 1]
    store.close()


def test_failed_writes_are_kept_and_retried(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "r.sqlite3"))
    errors: list[StoreError] = []
    journal = ResultsJournal(store, "gus", on_error=errors.append)
    session = scenario_session()
    journal.started(session)
    real = store.record_step
    store.record_step = lambda *a: (_ for _ in ()).throw(StoreError("disk full"))  # type: ignore[method-assign]
    journal.chose(session, session.choose(1))
    journal.chose(session, session.choose(1))
    assert journal.pending == 2 and errors and journal.last_error is not None
    store.record_step = real  # type: ignore[method-assign]
    journal.chose(session, session.choose(1))
    assert journal.pending == 0
    [play] = store.plays()
    assert len(store.steps(play.id)) == 3
    store.close()


def test_a_store_down_at_the_start_is_opened_later(tmp_path: Path) -> None:
    attempts: list[int] = []

    def opener() -> ResultsStore:
        attempts.append(1)
        if len(attempts) < 3:
            raise StoreError("connection refused")
        return open_store(str(tmp_path / "late.sqlite3"))

    journal = ResultsJournal(opener, "hal")
    session = scenario_session()
    journal.started(session)
    journal.chose(session, session.choose(1))
    assert journal.pending == 2
    journal.chose(session, session.choose(2))
    assert journal.pending == 0
    [play] = journal.store.plays()
    assert [s.index for s in journal.store.steps(play.id)] == [0, 1]


def test_urls() -> None:
    assert normalize_url("/tmp/x.db") == "sqlite:///tmp/x.db"
    assert normalize_url("sqlite:////tmp/x.db") == "sqlite:///tmp/x.db"
    assert normalize_url("postgresql://u:p@h/db") == "postgresql://u:p@h/db"
    assert display_url("postgresql://u:secret@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert display_url("sqlite:///tmp/x.db") == "/tmp/x.db"
    assert normalize_url(None).endswith("classroom.sqlite3")


def test_unreachable_postgres_is_one_line() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://nobody:pw@127.0.0.1:1/none?connect_timeout=2")
    assert "pw" not in str(caught.value) and "\n" not in str(caught.value)


def test_unwritable_sqlite_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreError):
        open_store(str(tmp_path / "file" / "r.sqlite3"))
