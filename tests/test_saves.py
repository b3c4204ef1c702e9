"""Save and resume: the file written after every move, atomic writes, damaged files, changed
scenarios, best results; and a stateful property: whatever the moves, resuming from the save
gives the same play."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import hypothesis.strategies as st
import pytest
from attrs import evolve
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from trustsim.engine import Session
from trustsim.journal import Journals
from trustsim.saves import (
    ResumeStatus,
    SavedStep,
    SaveJournal,
    SaveStore,
    atomic_write,
    check_resume,
    play_of,
    replay,
    replay_steps,
    scenario_digest,
)
from tui.tui_support import MINIMAL, ending_paths, example_path, load

EXAMPLE = example_path()


def state(session: Session) -> tuple[object, ...]:
    """Everything a play is: where it stands and how it got there."""
    return (session.node.id, tuple((s.node_id, s.index) for s in session.history),
            session.flags, session.tally)


def test_journal_writes_after_every_move_and_clears_at_the_end(home: Path) -> None:
    scenario = load(EXAMPLE)
    numbers = max(ending_paths(EXAMPLE).values(), key=len)
    session = Session(scenario)
    journal = SaveJournal("coach")
    journal.started(session)
    store = SaveStore()
    assert store.read(scenario.id).play is None, "nothing to save before the first choice"
    for turn, number in enumerate(numbers[:-1], start=1):
        journal.chose(session, session.choose(number))
        play = store.read(scenario.id).play
        assert play is not None and len(play.steps) == turn
        assert play.digest == scenario_digest(session)
    session.undo()
    journal.undid(session)
    record = store.read(scenario.id)
    assert record.play is not None and len(record.play.steps) == len(numbers) - 2
    for number in numbers[-2:]:
        session.choose(number)
    journal.finished(session)
    record = store.read(scenario.id)
    assert record.play is None
    assert record.best is not None and record.best.node == session.node.id
    assert record.best.overall == session.report().scores["overall"]
    assert record.best.plays == 1


def test_best_result_keeps_the_best_and_counts_plays(home: Path) -> None:
    scenario = load(EXAMPLE)
    paths = ending_paths(EXAMPLE)
    store = SaveStore()
    results = []
    for numbers in paths.values():
        session = Session(scenario)
        for number in numbers:
            session.choose(number)
        store.finish(session)
        results.append(session.report().scores["overall"])
    best = store.read(scenario.id).best
    assert best is not None
    assert best.overall == max(results)
    assert best.plays == len(paths)


def test_the_save_is_toml_a_person_can_read(home: Path) -> None:
    session = Session(load(EXAMPLE))
    session.choose(2)
    SaveStore().save_play(session, "assess")
    text = (home / "saves" / f"{session.scenario.id}.toml").read_text(encoding="utf-8")
    assert 'mode = "assess"' in text
    assert f'node = "{session.history[0].node_id}"' in text
    assert "choice = " in text and "text = " in text


def test_atomic_write_leaves_the_old_file_when_the_rename_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "save.toml"
    atomic_write(target, "old = 1\n")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, "new = 2\n")
    assert target.read_text(encoding="utf-8") == "old = 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["save.toml"], "no temporary file left"


def test_a_failed_save_is_reported_not_raised(home: Path) -> None:
    errors: list[str] = []
    home.mkdir(parents=True)
    (home / "saves").write_text("a file where the folder should be", encoding="utf-8")
    session = Session(load(MINIMAL))
    journal = SaveJournal("coach", on_error=errors.append)
    journal.started(session)
    journal.chose(session, session.choose(1))
    journal.finished(session)
    assert errors and all("could not save" in e for e in errors)


@pytest.mark.parametrize("damage", [
    "not toml [[[", 'format = 99\nscenario = "minimal"\n', 'format = 1\nscenario = "other"\n',
    'format = 1\nscenario = "minimal"\n[play]\nmode = "party"\nfile = ""\ndigest = ""\nsteps = []',
    'format = 1\nscenario = "minimal"\n[best]\noverall = "high"\nending = "x"\nnode = "x"\n',
])
def test_a_damaged_save_is_ignored_with_a_reason(home: Path, damage: str) -> None:
    (home / "saves").mkdir(parents=True)
    (home / "saves" / "minimal.toml").write_text(damage, encoding="utf-8")
    record = SaveStore().read("minimal")
    assert record.play is None and record.best is None
    assert record.problem is not None and "ignored" in record.problem


def test_a_changed_scenario_is_detected_and_explained(tmp_path: Path) -> None:
    path = tmp_path / "example.toml"
    shutil.copy(EXAMPLE, path)
    numbers = max(ending_paths(EXAMPLE).values(), key=len)
    session = Session(load(path))
    for number in numbers[:3]:
        session.choose(number)
    play = play_of(session, "coach", scenario_digest(session))

    check = check_resume(Session(load(path)), play)
    assert check.status is ResumeStatus.SAME and check.can_replay

    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    check = check_resume(Session(load(path)), play)
    assert check.status is ResumeStatus.CHANGED_FITS and check.can_replay
    assert "has changed" in check.explanation and "still offered" in check.explanation
    assert state(replay(Session(load(path)), play)) == state(session)

    second = session.history[1].choice.text
    path.write_text(path.read_text(encoding="utf-8").replace(second, "Something else."),
                    encoding="utf-8")
    check = check_resume(Session(load(path)), play)
    assert check.status is ResumeStatus.CHANGED_BROKEN and not check.can_replay
    assert "choice 2" in check.explanation and "no longer offered" in check.explanation


def test_replay_steps_goes_as_far_as_the_steps_fit(tmp_path: Path) -> None:
    """Watch mode's replay: strict (as a save) or lenient (an author rewording a choice);
    either way it stops at the first step that no longer fits, keeping those before it."""
    path = tmp_path / "minimal.toml"
    shutil.copy(MINIMAL, path)
    scenario = load(path)
    numbers = max(ending_paths(path).values(), key=len)
    session = Session(scenario)
    for number in numbers:
        session.choose(number)
    steps = [SavedStep(s.node_id, s.index, s.choice.text) for s in session.history]
    fresh = Session(scenario)
    assert replay_steps(fresh, steps).kept == len(steps)
    assert state(fresh) == state(session)

    first = steps[0]
    reworded = [SavedStep(first.node, first.index, first.text + " (old words)"), *steps[1:]]
    strict = replay_steps(Session(scenario), reworded)
    assert strict.kept == 0 and strict.problem is not None
    assert "no longer offered" in strict.problem
    lenient = Session(scenario)
    assert replay_steps(lenient, reworded, lenient=True).kept == len(steps)
    assert state(lenient) == state(session)

    elsewhere = [*steps, SavedStep("nowhere", 0, "text")]
    cut = Session(scenario)
    replayed = replay_steps(cut, elsewhere, lenient=True)
    assert replayed.kept == len(steps) and replayed.problem is not None
    assert len(cut.history) == len(steps)


class PlaySessions(RuleBasedStateMachine):
    """Random plays with saving on every move (through the journal, as the shells do),
    crashes (the live session dropped) and resumes (a new session from the file alone)."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="trustsim-saves-"))
        self.store = SaveStore(self.folder)
        self.scenario = load(EXAMPLE)
        self.mode = "coach"
        self.session = Session(self.scenario)
        self.journal = Journals([SaveJournal(self.mode, self.store)])
        self.journal.started(self.session)

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def resumed(self) -> Session:
        session = Session(self.scenario)
        play = self.store.read(self.scenario.id).play
        if play is not None:
            check = check_resume(session, play)
            assert check.status is ResumeStatus.SAME
            replay(session, play)
        return session

    @precondition(lambda self: not self.session.is_over)
    @rule(pick=st.integers(min_value=0, max_value=8))
    def choose(self, pick: int) -> None:
        offers = self.session.offers()
        step = self.session.choose(offers[pick % len(offers)].number)
        self.journal.chose(self.session, step)
        if self.session.is_over:
            self.journal.finished(self.session)

    @rule()
    def undo(self) -> None:
        if self.session.undo() is not None:
            self.journal.undid(self.session)

    @precondition(lambda self: self.session.is_over)
    @rule(keep=st.integers(min_value=0, max_value=20))
    def go_back(self, keep: int) -> None:
        self.session.rewind(keep)
        self.journal.undid(self.session)

    @precondition(lambda self: self.session.is_over)
    @rule()
    def play_again(self) -> None:
        self.session.restart()
        self.journal.started(self.session)

    @rule()
    def crash_and_resume(self) -> None:
        if self.session.is_over:
            return
        self.session = self.resumed()
        self.journal = Journals([SaveJournal(self.mode, self.store)])
        self.journal.started(self.session)

    @invariant()
    def the_save_gives_back_the_same_play(self) -> None:
        record = self.store.read(self.scenario.id)
        assert record.problem is None
        if self.session.is_over:
            assert record.play is None
            assert record.best is not None
        else:
            assert state(self.resumed()) == state(self.session)


PlaySessions.TestCase.settings = settings(
    max_examples=20, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_play_sessions = PlaySessions.TestCase


def test_unfinished_record_keeps_best(home: Path) -> None:
    scenario = load(MINIMAL)
    store = SaveStore()
    session = Session(scenario)
    session.choose(1)
    store.finish(session)
    fresh = Session(scenario)
    record = store.read("minimal")
    store.write(evolve(record, play=play_of(session, "coach", scenario_digest(fresh))))
    record = store.read("minimal")
    assert record.best is not None and record.play is not None
    store.forget_play("minimal")
    record = store.read("minimal")
    assert record.best is not None and record.play is None
