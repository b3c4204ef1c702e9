"""Before a play: what the scenario is, its content notes, and an unfinished play to continue.

Answers through `on_choice`: "continue" (replay the save), "start" (from the beginning) or None
(back). A callback rather than a dismissal, because the intro is often the app's first screen,
and the first screen is never popped: the play replaces it.

Often the first screen `trustsim play` draws, so it is built from few widgets (the text is one
widget, its boxes drawn as glyphs): every widget costs style matching, layout and rendering
before the first frame, and the goal is a first frame about as fast as a bare Textual app's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from trustsim import tui
from trustsim.model import Scenario
from trustsim.saves import ResumeCheck, ResumeStatus
from trustsim.tui.screens.base import AppScreen
from trustsim.tui.widgets.blocks import Block, Blocks
from trustsim.tui.widgets.keyhints import KeyHints
from trustsim.tui.widgets.titlebar import TitleBar

IntroChoice = Literal["continue", "start"]


class IntroScreen(AppScreen[None]):
    # Focused as the screen is first shown, so no other widget takes and gives up the focus
    # (each change of focus restyles the widgets it touches).
    AUTO_FOCUS = "#actions"
    DEFAULT_CSS = tui.stylesheet(__file__, "intro.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "choose('start')", "Start"),
        Binding("c", "choose('continue')", "Continue"),
        Binding("escape,q", "back", "Back"),
    ]

    def __init__(self, scenario: Scenario, mode: str, resume: ResumeCheck | None = None,
                 notice: str | None = None, *,
                 on_choice: Callable[[IntroChoice | None], None]) -> None:
        super().__init__()
        self.on_choice = on_choice
        self.scenario = scenario
        self.mode = mode
        self.resume = resume
        self.notice = notice

    @property
    def can_continue(self) -> bool:
        return self.resume is not None and self.resume.can_replay

    def compose(self) -> ComposeResult:
        scenario = self.scenario
        yield TitleBar(f"trustsim · {scenario.title}")
        with VerticalScroll(id="intro"):
            yield Blocks(self.blocks(), id="intro-text")
        # Outside the scrolling text: what to do next is on screen at any size.
        yield OptionList(*self.actions(), id="actions")
        keys = [("↑↓ ⏎", "Choose"), ("s", "Start")]
        if self.can_continue:
            keys.append(("c", "Continue"))
        yield KeyHints(keys=[*keys, ("esc", "Back"), ("?", "Keys")], id="keys")

    def blocks(self) -> list[Block]:
        """What the scenario is, the saved play (in a box, red when the file has changed),
        the content notes (in a box), and how to leave: one widget draws them all."""
        scenario = self.scenario
        blocks = [Block(self.about())]
        if self.resume is not None:
            changed = self.resume.status is not ResumeStatus.SAME
            blocks.append(Block(Content(self.resume.explanation), frame="$error" if changed
                                else "$primary", box="round", pad=1))
        if scenario.content_notes:
            blocks.append(Block(Content.assemble(("Content notes: ", "bold"),
                                                 ", ".join(scenario.content_notes)),
                                frame="$warning", box="round", pad=1))
        blocks.append(Block(self.more(), gap=0))
        return blocks

    @property
    def text(self) -> str:
        """Everything the intro says, unwrapped."""
        return self.query_one("#intro-text", Blocks).text

    def about(self) -> Content:
        scenario = self.scenario
        parts: list[tuple[str, str] | str] = [(scenario.title, "bold"), "\n\n"]
        if scenario.summary:
            parts += [scenario.summary, "\n\n"]
        parts.append((f"About {scenario.minutes} minutes · with {scenario.partner.name} · "
                      f"{self.mode} mode", "dim"))
        return Content.assemble(*parts)

    def more(self) -> Content:
        parts: list[tuple[str, str] | str] = []
        if self.mode == "assess":
            parts.append(("Assessment: no meters, no coaching and no undo while you play; "
                          "everything is explained in the debrief.\n\n", "italic"))
        if self.notice:
            parts.append((self.notice + "\n\n", "italic"))
        parts.append(("You can leave at any moment: q asks, Ctrl+Q quits at once. Your play "
                      "is saved after every choice.", "dim"))
        return Content.assemble(*parts)

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
            self.on_choice(None)

    def action_choose(self, what: IntroChoice) -> None:
        if what == "continue" and not self.can_continue:
            return
        self.on_choice(what)

    def action_back(self) -> None:
        self.on_choice(None)
