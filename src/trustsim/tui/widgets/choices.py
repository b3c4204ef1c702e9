"""The numbered choices: arrows and Enter, a click, or the number keys (bound by the screen)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from trustsim.engine import Offer

DEBRIEF = "debrief"
CONTINUE = "continue"


class ChoiceList(OptionList):
    """An OptionList that leaves Page Up/Down to the screen, which scrolls the story with
    them: the choices are short, the story is what may need paging."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "select", "Choose", show=False),
    ]
    inherit_bindings = False
    DEFAULT_CSS: ClassVar[str] = """
    ChoiceList {
        height: auto;
        max-height: 50%;
        border: tall $border-blurred;
        padding: 0 1;
    }
    ChoiceList:focus {
        border: tall $border;
    }
    ChoiceList > .option-list--option {
        padding: 0 0 0 0;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._laid_out_width = -1

    def on_resize(self, event: events.Resize) -> None:
        # OptionList drops every option it has drawn on any resize. Only the width changes how
        # an option is drawn; the height changes with nearly every beat of a turn (a single
        # "Continue", then the next choices), and redrawing then would draw the list twice.
        event.prevent_default()
        width = self.scrollable_content_region.width
        if width != self._laid_out_width:
            self._laid_out_width = width
            self._clear_caches()

    def show_offers(self, offers: tuple[Offer, ...]) -> None:
        if not offers:
            self.set_options([Option(Text("No choice is available here: the scenario has no "
                                          "way on from this point."), disabled=True)])
            return
        self.set_options(
            Option(Text.assemble((f"{offer.number}. ", "bold"), offer.choice.text),
                   id=f"choice-{offer.number}")
            for offer in offers)
        self.highlighted = 0 if offers else None

    def show_continue(self) -> None:
        self.set_options([Option(Text("Continue  →"), id=CONTINUE)])
        self.highlighted = 0

    def show_debrief(self) -> None:
        self.set_options([Option(Text("See how it went: the debrief  →"), id=DEBRIEF)])
        self.highlighted = 0

    @staticmethod
    def number_of(option_id: str | None) -> int | None:
        if option_id and option_id.startswith("choice-"):
            return int(option_id.removeprefix("choice-"))
        return None
