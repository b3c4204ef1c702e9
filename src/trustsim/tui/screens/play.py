"""The play screen: the story, the choices, and (in coach mode) the partner's meters.

A turn has two beats. After a choice the screen shows how it landed (your line, the partner's
reply, the coach's note) with a single "Continue"; then the scene that follows, with the next
choices. Each beat fits an 80x24 terminal, and the feedback gets a moment of its own instead
of scrolling away under the next scene.

Everything shown is derived from the session, so undo, going back from the debrief and
resuming all draw the same thing as having played there directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, OptionList, Static

from trustsim.engine import PlayError, Session
from trustsim.journal import Journal
from trustsim.transcript import Kind, Said, conversation, reaction, scene
from trustsim.tui.widgets.choices import CONTINUE, DEBRIEF, ChoiceList
from trustsim.tui.widgets.gauge import Gauge
from trustsim.tui.widgets.keyhints import KeyHints
from trustsim.tui.widgets.lines import SaidView, history_text

if TYPE_CHECKING:
    from trustsim.tui.app import TrustsimApp

#: From this width the history pane is shown beside the story without asking.
WIDE = 110


class Pane(VerticalScroll, can_focus=False):
    """A scrolling pane that never takes the focus from the choices: a click on the story
    must not leave Enter and the arrows with nothing to do. Page Up/Down scroll it."""


class PlayScreen(Screen[None]):
    CSS_PATH = "play.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose(1)", "Choose", key_display="1-9"),
        # One line for all nine in the footer and the keys panel.
        *(Binding(str(n), f"choose({n})", show=False, system=True) for n in range(2, 10)),
        Binding("space", "continue", "Continue"),
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("h", "toggle_history", "History"),
        Binding("pageup", "scroll_story(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_story(1)", "Scroll down", show=False),
        Binding("q", "leave", "Quit"),
    ]

    def __init__(self, session: Session, mode: str, journal: Journal) -> None:
        super().__init__()
        self.session = session
        self.mode = mode
        self.journal = journal
        #: None: decided by the width; True/False: the player toggled it.
        self.history_open: bool | None = None
        #: True between a choice and "Continue": the screen shows how the choice landed.
        self.reacting = False
        self._history_stale = True

    @property
    def coach(self) -> bool:
        return self.mode == "coach"

    @property
    def trustsim(self) -> TrustsimApp:
        from trustsim.tui.app import TrustsimApp

        assert isinstance(self.app, TrustsimApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Label(id="play-title", classes="title-bar")
        if self.coach:
            with Horizontal(id="meters"):
                ceiling = self.session.scenario.trust.ceiling
                yield Gauge("Trust", ceiling=ceiling, id="trust", classes="trust")
                yield Gauge("Hurt", higher_is_better=False, id="hurt", classes="hurt")
                yield Gauge("Uncertainty", higher_is_better=False, id="uncertainty",
                            classes="uncertainty")
        with Horizontal(id="body"):
            with Pane(id="story"):
                # The reaction's three views keep their kinds, so a turn restyles nothing.
                with Vertical(id="reaction"):
                    for kind in (Kind.YOU, Kind.REPLY, Kind.FEEDBACK):
                        yield SaidView(Said(kind, ""))
                yield Vertical(id="scene")
            with Vertical(id="history"):
                yield Label("What was said", classes="pane-title")
                with Pane(id="history-scroll"):
                    yield Static(id="history-text")
        yield ChoiceList(id="choices")
        yield KeyHints(id="keys")

    def on_mount(self) -> None:
        self.journal.started(self.session)
        self.show_state()
        self.query_one(ChoiceList).focus()

    def on_screen_resume(self) -> None:
        # Back from the debrief (play again, go back to a choice): the session has moved.
        self.reacting = False
        self.show_state()

    def on_resize(self, event: events.Resize) -> None:
        self._place_history()

    # -- drawing ------------------------------------------------------------------------------

    def show_state(self) -> None:
        session = self.session
        scenario = session.scenario
        turn = len(session.history)
        if self.reacting:
            where = f"after choice {turn}"
        else:
            where = "the end" if session.is_over else f"choice {turn + 1}"
        self.query_one("#play-title", Label).update(Text(
            f"{scenario.title} · with {scenario.partner.name} · {self.mode} mode · {where}"))
        self._show_story()
        self._history_stale = True
        self._show_history()
        choices = self.query_one(ChoiceList)
        if self.reacting:
            choices.show_continue()
        elif session.is_over:
            choices.show_debrief()
        else:
            choices.show_offers(session.offers())
        if self.coach:
            self._show_meters()
        self._place_history()
        self._show_keys()

    def _show_story(self) -> None:
        session = self.session
        story = self.query_one("#story", Pane)
        reacting = self.reacting
        self.query_one("#reaction").display = reacting
        self.query_one("#scene").display = not reacting
        if reacting:
            lines = {said.kind: said for said in reaction(session, self.coach)}
            for view in self.query("#reaction > SaidView").results(SaidView):
                said = lines.get(view.said.kind)
                view.display = said is not None
                if said is not None:
                    view.show(said)
        else:
            now = scene(session)
            box = self.query_one("#scene", Vertical)
            views = list(box.query_children(SaidView))
            for view, said in zip(views, now, strict=False):
                view.show(said)
            if len(views) > len(now):
                box.remove_children(views[len(now):])
            elif len(now) > len(views):
                box.mount_all(SaidView(said) for said in now[len(views):])
        story.scroll_home(animate=False)

    def _show_keys(self) -> None:
        session = self.session
        undo = [("u", "Undo")] if self.coach and session.history else []
        if self.reacting:
            hints = [("space/⏎", "Continue"), *undo]
        elif session.is_over:
            hints = [("⏎", "Debrief"), *undo]
        else:
            hints = [("1-9", "Choose"), *undo]
        self.query_one(KeyHints).show([*hints, ("h", "History"), ("q", "Quit"), ("?", "Keys")])

    def _show_meters(self) -> None:
        history = self.session.history
        now = self.session.tally
        before = history[-2].after.tally if len(history) > 1 else None
        if history and before is None:
            before = Session(self.session.scenario).tally
        for name in ("trust", "hurt", "uncertainty"):
            value: float = getattr(now, name)
            delta = None
            if before is not None:
                delta = round(value) - round(getattr(before, name))
            self.query_one(f"#{name}", Gauge).show(value, delta)

    def _place_history(self) -> None:
        shown = self.history_open if self.history_open is not None else self.size.width >= WIDE
        self.query_one("#history").display = shown
        self._show_history()

    def _show_history(self) -> None:
        # Drawn only when on screen: a long play's history is the costliest thing to lay out.
        if not self._history_stale or not self.query_one("#history").display:
            return
        self._history_stale = False
        session = self.session
        everything = conversation(session, self.coach)
        # Everything before this turn's reaction: the pane repeats nothing on the screen.
        shown = reaction(session, self.coach) + scene(session)
        earlier = everything[: len(everything) - len(shown)]
        self.query_one("#history-text", Static).update(
            history_text(earlier) if earlier else Text("Nothing yet.", "italic"))
        self.query_one("#history-scroll", Pane).scroll_end(animate=False)

    # -- moves ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            if not self.coach:
                return False
            return True if self.session.history else None
        if action == "choose":
            # While a reaction is shown, a number would pick a choice not yet on screen.
            if self.reacting:
                return False
            if self.session.is_over:
                return parameters == (1,)
        if action == "continue":
            return self.reacting
        return True

    def action_choose(self, number: int) -> None:
        session = self.session
        if self.reacting:
            return
        if session.is_over:
            self.trustsim.open_debrief()
            return
        if not 1 <= number <= len(session.offers()):
            self.app.bell()
            return
        try:
            step = session.choose(number)
        except PlayError as error:
            # A route that fails at run time is the scenario's fault: say so, keep playing.
            self.notify(f"The scenario cannot go on from here: {error}", severity="error",
                        markup=False)
            return
        self.journal.chose(session, step)
        if session.is_over:
            self.journal.finished(session)
        self.reacting = True
        self.show_state()

    def action_continue(self) -> None:
        if self.reacting:
            self.reacting = False
            self.show_state()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == CONTINUE:
            self.action_continue()
            return
        if event.option.id == DEBRIEF:
            self.trustsim.open_debrief()
            return
        number = ChoiceList.number_of(event.option.id)
        if number is not None:
            self.action_choose(number)

    def action_undo(self) -> None:
        if not self.coach:
            return
        step = self.session.undo()
        if step is None:
            self.app.bell()
            return
        self.journal.undid(self.session)
        self.reacting = False
        self.show_state()
        self.notify(f"Took back: {step.choice.text}", title="Undo", markup=False, timeout=3)

    def action_toggle_history(self) -> None:
        shown = bool(self.query_one("#history").display)
        self.history_open = not shown
        self._place_history()

    def action_scroll_story(self, direction: int) -> None:
        story = self.query_one("#story", VerticalScroll)
        if direction < 0:
            story.scroll_page_up()
        else:
            story.scroll_page_down()

    def action_leave(self) -> None:
        self.trustsim.confirm_leave()
