"""The first screen of a class with several scenarios: the student picks one to play."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from trustsim.loader.library import load_library
from trustsim.model import Scenario
from trustsim.store.safe import one_line


class Picker(App[Path]):
    CSS = """
    Screen { padding: 1 2; }
    #greeting { margin-bottom: 1; }
    OptionList { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Leave"), Binding("escape", "quit", "Leave", show=False)]

    def __init__(self, scenarios: Sequence[Scenario], student: str) -> None:
        super().__init__()
        self.scenarios = list(scenarios)
        self.student = student

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Hello, {one_line(self.student, 40)}. Choose a scenario to play "
                          "(arrows and Enter):"), id="greeting")
        options = []
        for index, scenario in enumerate(self.scenarios):
            label = Text(one_line(scenario.title, 70), style="bold")
            label.append(f"  ·  about {scenario.minutes} min\n", style="dim")
            label.append(one_line(scenario.summary, 150))
            options.append(Option(label, id=str(index)))
        yield OptionList(*options)
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = self.scenarios[int(event.option.id or 0)]
        self.exit(chosen.path)


def pick(folders: Sequence[Path], student: str) -> Path | None:
    """The scenario file the student chose, or None if they left."""
    scenarios = [s for s in load_library(list(folders)).scenarios if s.path is not None]
    if not scenarios:
        return None
    if len(scenarios) == 1:
        return scenarios[0].path
    return Picker(scenarios, student).run()
