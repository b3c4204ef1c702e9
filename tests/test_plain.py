"""Plain line mode driven through stdin: every ending, bad input re-asked, quitting, undo,
assessment mode, resuming, and the real command with no terminal at all."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trustsim.engine import Session
from trustsim.journal import Journals
from trustsim.plain import PlainPlay, printable
from trustsim.saves import SaveJournal, SaveStore
from tui.tui_support import MARKUP, MINIMAL, ending_paths, example_path, load

EXAMPLE = example_path()


def play(path: Path, lines: list[str], mode: str = "coach") -> tuple[int, str, Session]:
    session = Session(load(path))
    out = io.StringIO()
    journal = Journals([SaveJournal(mode, SaveStore())])
    plain = PlainPlay(session, journal, mode, io.StringIO("".join(f"{x}\n" for x in lines)),
                      out)
    return plain.run(), out.getvalue(), session


@pytest.mark.parametrize("ending", sorted(ending_paths(EXAMPLE)))
def test_every_ending_with_the_debrief_at_the_end(ending: str) -> None:
    numbers = ending_paths(EXAMPLE)[ending]
    status, out, session = play(EXAMPLE, [str(n) for n in numbers])
    assert status == 0
    assert session.node.id == ending
    title = session.scenario.nodes[ending].ending
    assert f"The end: {title}" in out
    debrief = out[out.index("== Debrief =="):]
    assert f"Ending: {title}" in debrief
    for name in ("accountability", "consistency", "respect", "overall"):
        assert f"  {name}: {session.report().scores[name]}" in debrief
    assert "trust: " in debrief
    for turn, step in enumerate(session.history, start=1):
        assert f"{turn}. You: " in debrief
        assert step.choice.text.split()[0] in debrief
    # Choices are offered as numbered lines, one per choice.
    first_offers = Session(session.scenario).offers()
    for offer in first_offers:
        assert f"  {offer.number}. " in out


def test_bad_input_is_asked_again() -> None:
    numbers = ending_paths(MINIMAL)["hopeful"]
    status, out, session = play(MINIMAL, ["", "x", "0", "9", "1.5", "-1", *map(str, numbers)])
    assert status == 0 and session.is_over
    assert out.count("is not a choice here. Type a number from 1 to 2") == 6
    assert out.count("Your choice (1-2") == 7


def test_q_quits_and_keeps_the_save(home: Path) -> None:
    numbers = max(ending_paths(EXAMPLE).values(), key=len)
    status, out, session = play(EXAMPLE, [str(numbers[0]), "q"])
    assert status == 0
    assert "Stopped. Your play is saved" in out
    assert "== Debrief ==" not in out
    play_saved = SaveStore().read(session.scenario.id).play
    assert play_saved is not None and len(play_saved.steps) == 1


def test_end_of_input_stops_cleanly() -> None:
    status, out, session = play(EXAMPLE, [])
    assert status == 0 and not session.history
    assert "Stopped." in out


def test_undo_in_coach_mode_only() -> None:
    numbers = max(ending_paths(EXAMPLE).values(), key=len)
    _status, out, session = play(EXAMPLE, [str(numbers[0]), "u", *map(str, numbers)])
    assert session.is_over and len(session.history) == len(numbers)
    assert "Took back: " in out
    _, out, session = play(EXAMPLE, [str(numbers[0]), "u", *map(str, numbers[1:])],
                                mode="assess")
    assert session.is_over
    assert "Took back" not in out
    assert "'u' is not a choice" in out.replace('"', "'")


def test_assess_mode_shows_no_feedback_or_meters_until_the_debrief() -> None:
    numbers = max(ending_paths(EXAMPLE).values(), key=len)
    _status, out, session = play(EXAMPLE, [str(n) for n in numbers], mode="assess")
    before, debrief = out.split("== Debrief ==")
    assert "Coach:" not in before and "Trust " not in before
    assert "Coach:" in debrief or not any(s.choice.feedback for s in session.history)
    _, out, session = play(EXAMPLE, [str(n) for n in numbers], mode="coach")
    before, _ = out.split("== Debrief ==")
    assert "Trust " in before


def test_markup_and_control_characters_are_printed_as_text() -> None:
    _, out, _ = play(MARKUP, ["1"])
    assert "[bold]You said[/bold] [@click=app.quit]you'd call[/]." in out
    assert printable("a\x1b[31mred\x07") == "a\\x1b[31mred\\x07"


def run_cli(*args: str, stdin: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRUSTSIM_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "trustsim.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=60, env=env)


def test_the_command_with_no_terminal_falls_back_to_plain(home: Path) -> None:
    numbers = ending_paths(MINIMAL)["guarded"]
    run = run_cli("play", str(MINIMAL), stdin="oops\n" + "\n".join(map(str, numbers)) + "\n",
                  home=home)
    assert run.returncode == 0, run.stderr
    assert "plain line mode" in run.stderr
    assert '"oops" is not a choice here' in run.stdout
    assert "Ending: Guarded" in run.stdout


def test_plain_resume_continues_the_saved_play(home: Path) -> None:
    numbers = max(ending_paths(EXAMPLE).values(), key=len)
    first = run_cli("play", "--plain", str(EXAMPLE), stdin=f"{numbers[0]}\n{numbers[1]}\nq\n",
                    home=home)
    assert first.returncode == 0, first.stderr
    assert "--plain --resume" in first.stdout
    rest = "\n".join(map(str, numbers[2:])) + "\n"
    second = run_cli("play", "--plain", "--resume", str(EXAMPLE), stdin=rest, home=home)
    assert second.returncode == 0, second.stderr
    assert "unfinished play" in second.stdout
    assert "== Debrief ==" in second.stdout
    assert f"{len(numbers)}. You: " in second.stdout


def test_plain_resume_of_a_changed_file_asks(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "example.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    numbers = max(ending_paths(EXAMPLE).values(), key=len)
    session = Session(load(path))
    journal = SaveJournal("coach")
    journal.started(session)
    journal.chose(session, session.choose(numbers[0]))
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    rest = "\n".join(map(str, numbers[1:])) + "\n"
    run = run_cli("play", "--plain", "--resume", str(path), stdin="7\n1\n" + rest, home=home)
    assert run.returncode == 0, run.stderr
    assert "has changed" in run.stdout
    assert '"7" is not one of the choices' in run.stdout
    assert "== Debrief ==" in run.stdout
    assert f"{len(numbers)}. You: " in run.stdout
