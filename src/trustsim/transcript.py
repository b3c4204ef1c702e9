"""What was said in a play, in order, and the Markdown transcript made from it.

The conversation is derived from the session alone (its steps and the nodes they passed), so
every shell (the TUI, plain mode, the exported file) tells the same story, and undo or rewind
needs no bookkeeping of its own.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from pathlib import Path

from attrs import frozen

from trustsim.engine import Position, Session, Step
from trustsim.model import Node
from trustsim.scoring import SCORE_NAMES, TAXONOMY, Report
from trustsim.scoring.report import SIGNAL


class Kind(enum.StrEnum):
    NARRATION = "narration"
    SPEECH = "speech"
    YOU = "you"
    REPLY = "reply"
    FEEDBACK = "feedback"
    ENDING = "ending"


@frozen
class Said:
    """One thing in the conversation, as a reader meets it."""

    kind: Kind
    text: str
    #: Who says it: the node's speaker, the partner for a reply, "You" for the player.
    speaker: str | None = None
    #: How many choices had been made when it was said (0: before the first).
    turn: int = 0
    #: The ending's title, for Kind.ENDING.
    title: str | None = None


YOU = "You"


def node_lines(node: Node, turn: int) -> list[Said]:
    text = node.text.strip("\n")
    if node.ending is not None:
        return [Said(Kind.ENDING, text, node.speaker, turn, node.ending)]
    if node.speaker:
        return [Said(Kind.SPEECH, text, node.speaker, turn)]
    return [Said(Kind.NARRATION, text, None, turn)]


def arrival(session: Session, position: Position, turn: int) -> list[Said]:
    """The texts met on arriving at `position`: the automatic nodes passed, then the node."""
    nodes = session.scenario.nodes
    lines: list[Said] = []
    for node_id in position.passed:
        lines.extend(node_lines(nodes[node_id], turn))
    lines.extend(node_lines(position.node, turn))
    return lines


def exchange(session: Session, step: Step, turn: int, feedback: bool = True) -> list[Said]:
    """The player's line, the partner's reply and (in coach mode) the coach's note."""
    choice = step.choice
    lines = [Said(Kind.YOU, choice.text, YOU, turn)]
    if choice.reply:
        lines.append(Said(Kind.REPLY, choice.reply, session.scenario.partner.name, turn))
    if feedback and choice.feedback:
        lines.append(Said(Kind.FEEDBACK, choice.feedback, None, turn))
    return lines


def opening(session: Session) -> list[Said]:
    # A fresh session's position is where the start led, automatic nodes included.
    return arrival(session, Session(session.scenario).position, 0)


def moment(session: Session, feedback: bool = True) -> list[Said]:
    """What the player sees now: the last exchange and where it led (or the opening)."""
    return reaction(session, feedback) + scene(session)


def reaction(session: Session, feedback: bool = True) -> list[Said]:
    """The last exchange: what the player said and how it landed (empty before any)."""
    history = session.history
    if not history:
        return []
    return exchange(session, history[-1], len(history), feedback)


def scene(session: Session) -> list[Said]:
    """Where the play stands: the texts met since the last choice, up to its node."""
    history = session.history
    if not history:
        return opening(session)
    return arrival(session, history[-1].after, len(history))


def conversation(session: Session, feedback: bool = True) -> list[Said]:
    """Everything said from the start to now."""
    lines = opening(session)
    for turn, step in enumerate(session.history, start=1):
        lines.extend(exchange(session, step, turn, feedback))
        lines.extend(arrival(session, step.after, turn))
    return lines


# -- Markdown -----------------------------------------------------------------------------------

_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])", re.MULTILINE)


def markdown_escape(text: str) -> str:
    """Scenario text shown literally in Markdown: `[bold]` stays `[bold]`, `*` stays `*`."""
    text = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def _said_markdown(said: Said) -> str:
    text = markdown_escape(said.text)
    if said.kind is Kind.NARRATION:
        return text
    if said.kind is Kind.ENDING:
        return f"### Ending: {markdown_escape(said.title or '')}\n\n{text}"
    if said.kind is Kind.FEEDBACK:
        return _quote(f"**Coach:** {text}")
    return f"**{markdown_escape(said.speaker or '')}:** {text}"


def tag_notes(report: Report, turn_index: int) -> list[tuple[str, str, float, str]]:
    """(tag, dimension, score change, principle) for each tag of one choice, flips included."""
    return [(c.tag, c.dimension.value, c.delta, c.reason)
            for c in report.contributions if c.turn == turn_index]


def tag_label(tag: str) -> str:
    if tag == SIGNAL:
        return "mixed signal (flip)"
    behaviour = TAXONOMY.get(tag)
    sign = "+" if behaviour is not None and behaviour.constructive else "-"
    return f"{tag.replace('_', ' ')} ({sign})"


def transcript_markdown(session: Session, mode: str = "coach") -> str:
    scenario = session.scenario
    report = session.report()
    ending = session.ending
    out: list[str] = [f"# {markdown_escape(scenario.title)}: transcript", ""]
    facts = [f"Partner: {markdown_escape(scenario.partner.name)}", f"Mode: {mode}",
             f"Choices made: {len(session.history)}"]
    facts.append(f"Ending: {markdown_escape(ending.ending or '')}" if ending is not None
                 else "Not finished")
    out += [" · ".join(facts), "", "## The conversation", ""]
    for said in conversation(session):
        out += [_said_markdown(said), ""]
    out += ["## Scores", "", "| dimension | score |", "|---|---:|"]
    out += [f"| {name} | {report.scores[name]} |" for name in SCORE_NAMES]
    out += ["", f"Mixed signals: {report.mixed_signals}", "",
            "## Trust, hurt and uncertainty over the turns", "",
            "| after choice | trust | hurt | uncertainty |", "|---:|---:|---:|---:|"]
    for turn, values in enumerate(zip(report.trust, report.hurt, report.uncertainty,
                                      strict=True)):
        out.append(f"| {turn or 'start'} | " + " | ".join(f"{v:.0f}" for v in values) + " |")
    out += ["", "## Your choices and the principles behind them", ""]
    for turn, step in enumerate(session.history, start=1):
        out.append(f"{turn}. **You:** {markdown_escape(step.choice.text)}")
        if step.choice.feedback:
            out.append(f"   - Coach: {markdown_escape(step.choice.feedback)}")
        for tag, dimension, delta, reason in tag_notes(report, turn - 1):
            out.append(f"   - {tag_label(tag)}, {dimension} {delta:+.0f}: "
                       f"{markdown_escape(reason)}")
        if not step.choice.tags and not tag_notes(report, turn - 1):
            out.append("   - No behaviour tagged: this choice moved no score.")
    if not session.history:
        out.append("No choices were made.")
    return "\n".join(out).rstrip() + "\n"


def transcripts_dir() -> Path:
    from trustsim.paths import data_dir

    return data_dir() / "transcripts"


def export_transcript(session: Session, mode: str = "coach",
                      folder: Path | None = None) -> Path:
    """Writes the transcript to a new numbered file (never overwriting one) and returns it."""
    folder = transcripts_dir() if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    text = transcript_markdown(session, mode)
    for number in _numbers(1):
        path = folder / f"{session.scenario.id}-{number}.md"
        try:
            # "x": two exports at once (two windows) must each get their own file.
            with open(path, "x", encoding="utf-8") as file:
                file.write(text)
        except FileExistsError:
            continue
        return path.resolve()
    raise AssertionError("unreachable")


def _numbers(first: int) -> Iterable[int]:
    number = first
    while True:
        yield number
        number += 1
