"""The play screen: the story, the choices, and (in coach mode) the partner's meters.

A turn has two beats. After a choice the screen shows how it landed (your line, the partner's
reply, the coach's note) with a single "Continue"; then the scene that follows, with the next
choices. Each beat fits an 80x24 terminal, and the feedback gets a moment of its own instead
of scrolling away under the next scene.

Everything shown is derived from the session, so undo, going back from the debrief and
resuming all draw the same thing as having played there directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, OptionList, Static

from trustsim import tui
from trustsim.engine import PlayError, Session
from trustsim.journal import Journal
from trustsim.loader.diagnostics import Diagnostic
from trustsim.transcript import conversation, reaction, scene
from trustsim.tui.screens.base import AppScreen
from trustsim.tui.widgets.choices import CONTINUE, DEBRIEF, ChoiceList
from trustsim.tui.widgets.gauge import Meters, Reading
from trustsim.tui.widgets.keyhints import KeyHints
from trustsim.tui.widgets.lines import StoryView, history_text
from trustsim.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from trustsim.tui.app import TrustsimApp

#: From this width the history pane is shown beside the story without asking.
WIDE = 110
#: The partner's meters in coach mode: (tally name, label, style of the filled part).
METERS = (("trust", "Trust", "$success"), ("hurt", "Hurt", "$error"),
          ("uncertainty", "Uncertainty", "$warning"))


class Pane(VerticalScroll, can_focus=False):
    """A scrolling pane that never takes the focus from the choices: a click on the story
    must not leave Enter and the arrows with nothing to do. Page Up/Down scroll it."""


class HistoryPane(Vertical):
    """What was said before this turn, beside the story."""

    def compose(self) -> ComposeResult:
        yield Label("What was said", classes="pane-title")
        with Pane(id="history-scroll"):
            yield Static(id="history-text")

    def on_mount(self) -> None:
        screen = self.screen
        if isinstance(screen, PlayScreen):
            self.call_after_refresh(screen._show_history)


class PlayScreen(AppScreen[None]):
    # The choices have the focus from the first frame: no other widget takes it first (each
    # change of focus restyles what it touches).
    AUTO_FOCUS = "#choices"
    DEFAULT_CSS = tui.stylesheet(__file__, "play.tcss")
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

    def __init__(self, session: Session, mode: str, journal: Journal,
                 watching: bool = False) -> None:
        super().__init__()
        self.session = session
        self.mode = mode
        self.journal = journal
        #: `play --watch`: the scenario is reloaded under the play when its file is saved.
        self.watching = watching
        #: The watched file's name and its problems (none: no panel).
        self.problems: tuple[str, tuple[Diagnostic, ...]] = ("", ())
        #: None: decided by the width; True/False: the player toggled it.
        self.history_open: bool | None = None
        #: True between a choice and "Continue": the screen shows how the choice landed.
        self.reacting = False
        self._history_stale = True
        self._suspended = False
        self._title = ""

    @property
    def coach(self) -> bool:
        return self.mode == "coach"

    @property
    def trustsim(self) -> TrustsimApp:
        from trustsim.tui.app import TrustsimApp

        assert isinstance(self.app, TrustsimApp)
        return self.app

    def compose(self) -> ComposeResult:
        # Few widgets, each updated in place: a choice changes text, never the widget tree.
        yield TitleBar(id="play-title")
        if self.coach:
            yield Meters(id="meters")
        with Horizontal(id="body"), Pane(id="story"):
            yield StoryView(id="story-text")
        yield ChoiceList(id="choices")
        yield KeyHints(id="keys")

    def on_mount(self) -> None:
        # Every move is written to the journal (the save file, the classroom's store) before
        # the screen shows it: whatever the player has seen is kept, even if the process is
        # killed, or the connection dropped, in the very next instant.
        self.journal.started(self.session)
        self.show_state()
        self._show_problems()

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self) -> None:
        # Back from the debrief (play again, go back to a choice): the session has moved.
        # (The first resume comes with the first frame, which on_mount has drawn already.)
        if self._suspended:
            self._suspended = False
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
        mode = "watching" if self.watching else f"{self.mode} mode"
        title = f"{scenario.title} · with {scenario.partner.name} · {mode} · {where}"
        if title != self._title:
            self._title = title
            self.query_one("#play-title", TitleBar).update(title)
        self._show_story()
        choices = self.query_one(ChoiceList)
        if self.reacting:
            choices.show_continue()
        elif session.is_over:
            choices.show_debrief()
        else:
            choices.show_offers(session.offers())
        if self.coach:
            self._show_meters()
        self._history_stale = True
        self._place_history()
        self._show_keys()

    def _show_story(self) -> None:
        session = self.session
        said = reaction(session, self.coach) if self.reacting else scene(session)
        story = self.query_one("#story-text", StoryView)
        if tuple(said) != story.said:
            story.show_said(said)
            pane = self.query_one("#story", Pane)
            if pane.scroll_offset.y:
                pane.scroll_home(animate=False)

    @property
    def story_text(self) -> str:
        """The story on screen now (scrolled into view or not): names and words, unwrapped."""
        return self.query_one("#story-text", StoryView).text

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
        session = self.session
        history = session.history
        now = session.tally
        before = history[-2].after.tally if len(history) > 1 else None
        if history and before is None:
            before = Session(session.scenario).tally
        readings = []
        for name, label, fill in METERS:
            value: float = getattr(now, name)
            delta = None
            if before is not None:
                delta = round(value) - round(getattr(before, name))
            readings.append(Reading(
                label, value, fill, delta,
                ceiling=session.scenario.trust.ceiling if name == "trust" else None,
                higher_is_better=name == "trust"))
        self.query_one(Meters).show(readings)

    def _place_history(self) -> None:
        shown = self.history_open if self.history_open is not None else self.size.width >= WIDE
        panes = self.query("#history")
        if panes:
            panes.first().display = shown
        elif shown:
            # Built the first time it is shown: most plays at 80 columns never need it.
            self.query_one("#body").mount(HistoryPane(id="history"))
            return
        self._show_history()

    @property
    def history_shown(self) -> bool:
        panes = self.query("#history")
        return bool(panes) and bool(panes.first().display)

    def _show_history(self) -> None:
        # Drawn only when on screen: a long play's history is the costliest thing to lay out.
        texts = self.query("#history-text")
        if not self._history_stale or not self.history_shown or not texts:
            return
        self._history_stale = False
        session = self.session
        everything = conversation(session, self.coach)
        # Everything before this turn's reaction: the pane repeats nothing on the screen.
        shown = reaction(session, self.coach) + scene(session)
        earlier = everything[: len(everything) - len(shown)]
        texts.first(Static).update(
            history_text(earlier) if earlier else Text("Nothing yet.", "italic"))
        self.query_one("#history-scroll", Pane).scroll_end(animate=False)

    # -- watch mode ------------------------------------------------------------------------------

    def replace_session(self, session: Session, keep_reaction: bool) -> None:
        """Plays on with `session` (the scenario reloaded, the choices replayed onto it);
        `keep_reaction`: every choice still applies, so a reaction on screen stays there."""
        self.session = session
        self.reacting = self.reacting and keep_reaction and bool(session.history)
        self.journal.started(session)
        self.show_state()

    def show_problems(self, file: str, diagnostics: Sequence[Diagnostic]) -> None:
        """Lists a watched file's problems above the choices; none removes the list."""
        self.problems = (file, tuple(diagnostics))
        if self.is_mounted:
            self._show_problems()

    def _show_problems(self) -> None:
        from trustsim.tui.widgets.problems import ProblemsPanel

        file, diagnostics = self.problems
        panels = self.query(ProblemsPanel)
        if not diagnostics:
            panels.remove()
        elif panels:
            panels.first().show(file, diagnostics)
        else:
            self.mount(ProblemsPanel(file, diagnostics, id="problems"), before="#choices")

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
        self.history_open = not self.history_shown
        self._place_history()

    def action_scroll_story(self, direction: int) -> None:
        story = self.query_one("#story", VerticalScroll)
        if direction < 0:
            story.scroll_page_up()
        else:
            story.scroll_page_down()

    def action_leave(self) -> None:
        self.trustsim.confirm_leave()
