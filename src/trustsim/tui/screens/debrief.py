"""The debrief: the ending, a bar per score, the partner's trajectory, every choice explained,
and what to do next (play again, go back to a choice, export the transcript)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Label, Static

from trustsim import tui
from trustsim.engine import Session
from trustsim.scoring import SCORE_NAMES, Report
from trustsim.transcript import tag_label, tag_notes
from trustsim.tui.screens.base import AppScreen
from trustsim.tui.widgets.chart import TrajectoryChart
from trustsim.tui.widgets.gauge import Gauge, Reading
from trustsim.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from trustsim.tui.app import TrustsimApp


class ChoiceReview(Vertical):
    """One choice as the debrief explains it: what you said, each tag with the score it
    moved and the principle behind it, and the coach's note."""

    def __init__(self, session: Session, report: Report, turn: int) -> None:
        super().__init__(classes="review")
        self.step = session.history[turn - 1]
        self.turn = turn
        self.notes = tag_notes(report, turn - 1)

    def compose(self) -> ComposeResult:
        choice = self.step.choice
        yield Static(Text(f"{self.turn}. You: {choice.text}"), classes="review-you")
        for tag, dimension, delta, reason in self.notes:
            better = delta >= 0
            yield Static(Text(f"{'▲' if better else '▼'} {tag_label(tag)}, {dimension} "
                              f"{delta:+.0f}"),
                         classes=f"review-tag {'better' if better else 'worse'}")
            yield Static(Text(f"Why: {reason}"), classes="review-why")
        if not self.notes:
            yield Static(Text("No behaviour tagged: this choice moved no score."),
                         classes="review-why")
        if choice.feedback:
            yield Static(Text(f"Coach: {choice.feedback}"), classes="review-coach")


class DebriefScreen(AppScreen[None]):
    DEFAULT_CSS = tui.stylesheet(__file__, "debrief.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "play_again", "Play again"),
        Binding("b", "go_back", "Go back"),
        Binding("e", "export", "Export"),
        Binding("q", "leave", "Quit"),
    ]

    def __init__(self, session: Session, mode: str) -> None:
        super().__init__()
        self.session = session
        self.mode = mode
        self.report = session.report()

    @property
    def trustsim(self) -> TrustsimApp:
        from trustsim.tui.app import TrustsimApp

        assert isinstance(self.app, TrustsimApp)
        return self.app

    def compose(self) -> ComposeResult:
        session, report = self.session, self.report
        ending = session.ending
        title = ending.ending if ending is not None and ending.ending else "Not finished"
        yield TitleBar(f"Debrief · {session.scenario.title}")
        with VerticalScroll(id="report"), Vertical(id="report-body"):
            yield Label(Text(f"Ending: {title}"), id="ending-title")
            if ending is not None:
                yield Static(Text(ending.text.strip("\n")), id="ending-text")
            yield Label("Scores", classes="section")
            for name in SCORE_NAMES:
                yield Gauge(Reading(name.capitalize(), report.scores[name], "$primary",
                                    label_width=15), classes=f"score {name}",
                            id=f"score-{name}")
            signals = report.mixed_signals
            yield Static(Text(f"Mixed signals: {signals}" + (
                " (warmth and distance in turn leave the partner unsure)" if signals else
                " (your message held steady)")), id="mixed")
            yield Label("Trust, hurt and uncertainty over the turns", classes="section")
            yield TrajectoryChart(report.trust, report.hurt, report.uncertainty, id="chart")
            yield Label("Your choices and the principles behind them", classes="section")
            for turn in range(1, len(session.history) + 1):
                yield ChoiceReview(session, report, turn)
            if not session.history:
                yield Static(Text("No choices were made."), classes="review")
        with Horizontal(id="actions", classes="buttons"):
            yield Button("Play again (p)", id="again", variant="primary", compact=True)
            if self.coach:
                yield Button("Go back (b)", id="back", compact=True)
            yield Button("Export (e)", id="export", compact=True)
            yield Button("Quit (q)", id="leave", compact=True)
        yield Static(id="exported")
        yield Footer()

    @property
    def coach(self) -> bool:
        return self.mode == "coach"

    def on_mount(self) -> None:
        self.query_one("#report", VerticalScroll).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Assessment means one honest attempt: no going back to improve a choice.
        if action == "go_back":
            return self.coach and bool(self.session.history)
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {"again": self.action_play_again, "back": self.action_go_back,
                   "export": self.action_export, "leave": self.action_leave}
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def action_play_again(self) -> None:
        self.trustsim.play_again()

    def action_go_back(self) -> None:
        if not self.coach or not self.session.history:
            return
        from trustsim.tui.screens.dialogs import RewindScreen

        def chosen(keep: int | None) -> None:
            if keep is not None:
                self.trustsim.rewind(keep)

        self.app.push_screen(RewindScreen(self.session.history), chosen)

    def action_export(self) -> None:
        from trustsim.transcript import export_transcript

        try:
            path = export_transcript(self.session, self.mode)
        except OSError as error:
            self.notify(f"Could not export the transcript: {error}", severity="error",
                        markup=False)
            return
        exported = self.query_one("#exported", Static)
        exported.update(Text(f"Transcript saved to {path}"))
        exported.display = True
        self.notify(f"Transcript saved to {path}", title="Exported", markup=False)

    def action_leave(self) -> None:
        self.trustsim.confirm_leave()
