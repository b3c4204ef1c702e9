"""One thing said in the story: narration, a speaker's line, the player's, the coach's note.

Scenario text always goes in as `Content` or `rich.text.Text` made from the plain string, never
as a markup string, so `[bold]`, `[/]` or `[@click=app.quit]` in a scenario is shown as typed
and does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.content import Content

from trustsim.transcript import Kind, Said
from trustsim.tui.widgets.blocks import Block, Blocks

#: What labels each kind of line, besides its speaker's name.
HEADINGS = {Kind.FEEDBACK: "Coach", Kind.NARRATION: ""}


def heading(said: Said) -> str:
    if said.kind is Kind.ENDING:
        return f"The end: {said.title or ''}"
    return said.speaker or HEADINGS.get(said.kind, "")


#: How each kind of line is framed and its heading styled: what the play screen's story looked
#: like as a widget per line (a bar on the left for anyone speaking, a box for the coach's
#: note and the ending), in the theme's colours.
FRAMES: dict[Kind, tuple[str | None, str | None, str]] = {
    # kind: (frame style, box, heading style)
    Kind.NARRATION: (None, None, "bold"),
    Kind.SPEECH: ("$accent", None, "bold $text-accent"),
    Kind.REPLY: ("$accent", None, "bold $text-accent"),
    Kind.YOU: ("$primary", None, "bold $text-primary"),
    Kind.FEEDBACK: ("$success", "round", "bold $text-success"),
    Kind.ENDING: ("$secondary", "double", "bold reverse $text-secondary"),
}


def said_block(said: Said) -> Block:
    frame, box, heading_style = FRAMES[said.kind]
    name = heading(said)
    if said.kind is Kind.NARRATION:
        body = Content.styled(said.text, "italic $foreground")
    else:
        body = Content(said.text)
    return Block(body, Content.styled(name, heading_style) if name else None, frame, box,
                 pad=1 if said.kind in (Kind.NARRATION, Kind.FEEDBACK, Kind.ENDING) else 0)


class StoryView(Blocks):
    """The lines of the story on screen now, one block each (see `FRAMES`)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.said: tuple[Said, ...] = ()

    def show_said(self, said: Sequence[Said]) -> None:
        said = tuple(said)
        if said != self.said:
            self.said = said
            self.show([said_block(line) for line in said])


def history_text(lines: Iterable[Said]) -> Text:
    """The compact history pane: who said what, turn by turn, as one Text."""
    text = Text()
    turn = -1
    for said in lines:
        if said.kind is Kind.FEEDBACK:
            continue
        if said.turn != turn:
            turn = said.turn
            if text:
                text.append("\n")
            text.append("Opening\n" if turn == 0 else f"Choice {turn}\n", "bold underline")
        if said.kind is Kind.NARRATION:
            text.append(said.text.strip() + "\n", "italic dim")
        else:
            text.append(heading(said) + ": ", "bold")
            text.append(said.text.strip() + "\n")
    return text
