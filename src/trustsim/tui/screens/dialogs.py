"""Small modal dialogs: confirm leaving, pick a choice to go back to, a broken file's problems."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from trustsim.engine import Step
from trustsim.loader.diagnostics import Diagnostic

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    """A card in the middle of the dimmed screen it opens over."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        background: $background 60%;
    }
    Dialog > .card {
        width: 70;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    Dialog .card-title {
        text-style: bold;
        margin: 0 0 1 0;
    }
    """


class ConfirmScreen(Dialog[bool]):
    """A yes/no question; Escape and `n` say no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, message: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="card"):
            yield Label(Text(self.title_text), classes="card-title")
            yield Static(Text(self.message))
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="primary", compact=True)
                yield Button(f"{self.no} (n)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class RewindScreen(Dialog[int | None]):
    """Which earlier choice to go back to; dismisses with how many choices to keep."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, steps: Sequence[Step]) -> None:
        super().__init__()
        self.steps = tuple(steps)

    def compose(self) -> ComposeResult:
        with Vertical(classes="card"):
            yield Label("Go back to which choice?", classes="card-title")
            yield Static(Text("You will stand where you were before it, free to choose "
                              "another way. Escape cancels."), classes="muted")
            yield OptionList(*(
                Option(Text.assemble((f"{turn}. ", "bold"), step.choice.text),
                       id=f"turn-{turn}")
                for turn, step in enumerate(self.steps, start=1)), id="rewind-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        turn = int((event.option.id or "turn-1").removeprefix("turn-"))
        self.dismiss(turn - 1)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ProblemsScreen(Dialog[None]):
    """Why a scenario in the library cannot be played."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, file: str, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__()
        self.file = file
        self.diagnostics = tuple(diagnostics)

    def compose(self) -> ComposeResult:
        with Vertical(classes="card"):
            yield Label(Text(f"{self.file} cannot be played"), classes="card-title")
            with VerticalScroll(id="problems"):
                yield Static(Text("\n".join(d.render() for d in self.diagnostics[:50])))
            yield Static(Text(f"Fix the file and reopen the library; `trustsim check "
                              f"{self.file}` lists every problem."), classes="muted")
            with Horizontal(classes="buttons"):
                yield Button("Close", id="close", compact=True, variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
