"""The conversation model and the Markdown transcript: complete, in order, literal, and
written to a new file every time."""

from __future__ import annotations

import re
from pathlib import Path

from trustsim.engine import Session
from trustsim.scoring import TAXONOMY
from trustsim.transcript import (
    Kind,
    conversation,
    export_transcript,
    markdown_escape,
    moment,
    transcript_markdown,
)
from tui.tui_support import MARKUP, MINIMAL, ending_paths, example_path, load

EXAMPLE = example_path()


def finished(path: Path, ending: str | None = None) -> Session:
    paths = ending_paths(path)
    numbers = paths[ending] if ending else max(paths.values(), key=len)
    session = Session(load(path))
    for number in numbers:
        session.choose(number)
    return session


def test_conversation_follows_the_play_including_automatic_nodes() -> None:
    session = Session(load(MINIMAL))
    assert [s.kind for s in conversation(session)] == [Kind.SPEECH]
    session.choose(1)
    said = conversation(session)
    assert [s.kind for s in said] == [Kind.SPEECH, Kind.YOU, Kind.REPLY, Kind.FEEDBACK,
                                      Kind.NARRATION, Kind.NARRATION, Kind.ENDING]
    assert said[4].text == "A quiet minute passes."
    assert said[-1].title == "A Slow Start"
    assert moment(session) == said[1:]
    assert all(s.kind is not Kind.FEEDBACK for s in conversation(session, feedback=False))


def test_the_transcript_has_everything_the_debrief_has() -> None:
    session = finished(EXAMPLE)
    markdown = transcript_markdown(session, "coach")
    assert markdown.startswith(f"# {markdown_escape(session.scenario.title)}: transcript")
    report = session.report()
    for name, value in report.scores.items():
        assert f"| {name} | {value} |" in markdown
    assert f"Mixed signals: {report.mixed_signals}" in markdown
    assert markdown.count("\n| ") >= len(session.history) + 1 + 4
    for step in session.history:
        assert markdown_escape(step.choice.text) in markdown
        for tag in step.choice.tags:
            assert markdown_escape(TAXONOMY[tag].principle) in markdown
    assert f"Ending: {markdown_escape(session.node.ending or '')}" in markdown


def test_markdown_shows_markup_literally() -> None:
    session = Session(load(MARKUP))
    session.choose(1)
    markdown = transcript_markdown(session)
    assert r"\[bold\]I didn't call.\[/\] That's on me." in markdown
    assert "[link=" not in markdown.replace(r"\[link=", "")
    assert markdown_escape("# not a heading\n- not a list\n1. nor this") == (
        "\\# not a heading\n\\- not a list\n\\1. nor this")


def test_export_writes_a_new_numbered_file_each_time(home: Path) -> None:
    session = finished(MINIMAL, "hopeful")
    first = export_transcript(session, "coach")
    second = export_transcript(session, "assess")
    assert first != second
    assert first.parent == home / "transcripts"
    assert re.fullmatch(r"minimal-1\.md", first.name) and second.name == "minimal-2.md"
    assert "Mode: assess" in second.read_text(encoding="utf-8")
    assert first.read_text(encoding="utf-8") == transcript_markdown(session, "coach")


def test_an_unfinished_play_can_be_exported(home: Path) -> None:
    session = Session(load(EXAMPLE))
    markdown = transcript_markdown(session)
    assert "Not finished" in markdown and "No choices were made." in markdown
