"""`trustsim play --watch` on a file that does not load yet: its problems, until it is saved
without errors (the app then starts the play)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from trustsim.loader import CheckResult
from trustsim.tui.screens.base import AppScreen
from trustsim.tui.widgets.keyhints import KeyHints
from trustsim.tui.widgets.problems import ProblemsPanel
from trustsim.tui.widgets.titlebar import TitleBar


class WaitingScreen(AppScreen[None]):
    DEFAULT_CSS = """
    #waiting-note { padding: 1 1 0 1; }
    WaitingScreen ProblemsPanel { max-height: 1fr; margin: 1 0 0 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", "Quit")]

    def __init__(self, result: CheckResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        yield TitleBar(f"trustsim · watching {self.result.file}")
        yield Static(Text("The play starts as soon as the file is saved without errors."),
                     id="waiting-note", classes="muted")
        yield ProblemsPanel(self.result.file, self.result.diagnostics, kept=False,
                            id="problems")
        yield KeyHints([("q", "Quit"), ("?", "Keys")], id="keys")

    def show(self, result: CheckResult) -> None:
        self.result = result
        self.query_one(ProblemsPanel).show(result.file, result.diagnostics, kept=False)
