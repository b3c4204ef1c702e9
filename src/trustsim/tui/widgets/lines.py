"""One thing said in the story: narration, a speaker's line, the player's, the coach's note.

Scenario text always goes in as `rich.text.Text`, never as a markup string, so `[bold]`, `[/]`
or `[@click=app.quit]` in a scenario is shown as typed and does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static

from trustsim.transcript import Kind, Said

#: What labels each kind of line, besides its speaker's name.
HEADINGS = {Kind.FEEDBACK: "Coach", Kind.NARRATION: ""}


def heading(said: Said) -> str:
    if said.kind is Kind.ENDING:
        return f"The end: {said.title or ''}"
    return said.speaker or HEADINGS.get(said.kind, "")


class SaidView(Vertical):
    """A line of the story, styled by its kind (the class names are Kind values).

    Views are reused from one moment to the next (`show`): restyling a view costs far less
    than mounting a new one, and a choice should redraw at once even over a slow link.
    """

    def __init__(self, said: Said) -> None:
        super().__init__(classes=f"said {said.kind.value}")
        self.said = said

    def compose(self) -> ComposeResult:
        name = heading(self.said)
        yield Label(Text(name), classes="who")
        yield Static(Text(self.said.text), classes="words")

    def on_mount(self) -> None:
        self.query_one(".who").display = bool(heading(self.said))

    def show(self, said: Said) -> None:
        if said == self.said:
            return
        if said.kind is not self.said.kind:
            self.remove_class(self.said.kind.value)
            self.add_class(said.kind.value)
        self.said = said
        name = heading(said)
        who = self.query_one(".who", Label)
        who.update(Text(name))
        who.display = bool(name)
        self.query_one(".words", Static).update(Text(said.text))


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
