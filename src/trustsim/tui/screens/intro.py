"""Before a play: what the scenario is, its content notes, and an unfinished play to continue.

Dismisses with "continue" (replay the save), "start" (from the beginning) or None (back).

Often the first screen `trustsim play` draws, so it is built from few widgets: every widget
costs style matching before the first frame, and the goal is a first frame about as fast as
a bare Textual app's.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from trustsim.model import Scenario
from trustsim.saves import ResumeCheck, ResumeStatus
from trustsim.tui.widgets.keyhints import KeyHints

IntroChoice = Literal["continue", "start"]


class IntroScreen(Screen[IntroChoice | None]):
    CSS_PATH = "intro.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "choose('start')", "Start"),
        Binding("c", "choose('continue')", "Continue"),
        Binding("escape,q", "back", "Back"),
    ]

    def __init__(self, scenario: Scenario, mode: str, resume: ResumeCheck | None = None,
                 notice: str | None = None) -> None:
        super().__init__()
        self.scenario = scenario
        self.mode = mode
        self.resume = resume
        self.notice = notice

    @property
    def can_continue(self) -> bool:
        return self.resume is not None and self.resume.can_replay

    def compose(self) -> ComposeResult:
        scenario = self.scenario
        yield Label(Text(f"trustsim · {scenario.title}"), classes="title-bar")
        with VerticalScroll(id="intro"):
            yield Static(self.about(), id="about")
            if self.resume is not None:
                changed = self.resume.status is not ResumeStatus.SAME
                yield Static(Text(self.resume.explanation), id="resume-note",
                             classes="changed" if changed else "")
            if scenario.content_notes:
                yield Static(Text.assemble(("Content notes: ", "bold"),
                                           ", ".join(scenario.content_notes)),
                             id="content-notes")
            yield Static(self.more(), id="more")
        # Outside the scrolling text: what to do next is on screen at any size.
        yield OptionList(*self.actions(), id="actions")
        keys = [("↑↓ ⏎", "Choose"), ("s", "Start")]
        if self.can_continue:
            keys.append(("c", "Continue"))
        yield KeyHints(keys=[*keys, ("esc", "Back"), ("?", "Keys")], id="keys")

    def about(self) -> Text:
        scenario = self.scenario
        text = Text()
        text.append(scenario.title + "\n\n", "bold")
        if scenario.summary:
            text.append(scenario.summary + "\n\n")
        text.append(f"About {scenario.minutes} minutes · with {scenario.partner.name} · "
                    f"{self.mode} mode", "dim")
        return text

    def more(self) -> Text:
        text = Text()
        if self.mode == "assess":
            text.append("Assessment: no meters, no coaching and no undo while you play; "
                        "everything is explained in the debrief.\n\n", "italic")
        if self.notice:
            text.append(self.notice + "\n\n", "italic")
        text.append("You can leave at any moment: q asks, Ctrl+Q quits at once. Your play is "
                    "saved after every choice.", "dim")
        return text

    def actions(self) -> list[Option]:
        options = []
        if self.can_continue:
            assert self.resume is not None
            label = "Continue" if self.resume.status is ResumeStatus.SAME \
                else "Replay my choices"
            options.append(Option(Text(f"▶ {label}  (c)"), id="continue"))
        again = "Start again" if self.resume is not None else "Start"
        options.append(Option(Text(f"▶ {again}  (s)"), id="start"))
        options.append(Option(Text("◀ Back  (esc)"), id="back"))
        return options

    def on_mount(self) -> None:
        self.query_one("#actions", OptionList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters == ("continue",):
            return self.can_continue
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == "continue":
            self.action_choose("continue")
        elif event.option.id == "start":
            self.action_choose("start")
        else:
            self.dismiss(None)

    def action_choose(self, what: IntroChoice) -> None:
        if what == "continue" and not self.can_continue:
            return
        self.dismiss(what)

    def action_back(self) -> None:
        self.dismiss(None)
