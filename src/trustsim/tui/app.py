"""The trustsim app: which screen comes when, and the play's session and journals.

Screens are imported when first shown, so `trustsim play` draws its first frame without
loading the library or the debrief.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path, PurePath
from typing import ClassVar

from attrs import field, frozen
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from trustsim.engine import Session
from trustsim.journal import Journal, Journals
from trustsim.model import Scenario
from trustsim.saves import (
    ResumeCheck,
    ResumeStatus,
    SavedPlay,
    SaveError,
    SaveJournal,
    SaveStore,
    check_resume,
    replay,
)

DEFAULT_THEME = "textual-dark"


@frozen
class Launch:
    """What the app was asked to do."""

    #: The scenario to play; None opens the library.
    scenario: Scenario | None = None
    #: "coach" or "assess"; None: coach, or the mode a resumed play was saved in.
    mode: str | None = None
    #: Continue the saved play without asking (`trustsim play --resume`).
    resume: bool = False
    #: The library's folders with what to call them; empty: the bundled and the player's.
    folders: tuple[tuple[Path, str], ...] = ()
    #: Journals besides the save file (the classroom's results store).
    journals: tuple[Journal, ...] = field(default=(), eq=False)
    #: Off for snapshots, so the same frame is drawn every time.
    cursor_blink: bool = True
    #: None: the theme the player chose last time (the command palette changes it).
    theme: str | None = None


class TrustsimApp(App[int]):
    CSS_PATH: ClassVar[str | PurePath | list[str | PurePath] | None] = [
        "app.tcss", "widgets/widgets.tcss"]
    TITLE = "trustsim"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "toggle_keys", "Keys", key_display="?"),
        Binding("f1", "toggle_keys", "Keys", show=False),
    ]

    def __init__(self, launch: Launch | None = None, store: SaveStore | None = None) -> None:
        super().__init__()
        self.launch = Launch() if launch is None else launch
        self.store = SaveStore() if store is None else store
        theme = self.launch.theme or saved_theme()
        self.theme = theme if theme in self.available_themes else DEFAULT_THEME
        self.session: Session | None = None
        self.mode = self.launch.mode or "coach"
        self.journal: Journal = Journals()

    @property
    def in_library(self) -> bool:
        return self.launch.scenario is None

    def on_mount(self) -> None:
        if self.launch.theme is None:
            self.theme_changed_signal.subscribe(self, lambda theme: save_theme(theme.name))
        if self.launch.scenario is None:
            self.open_library()
        else:
            self.open_scenario(self.launch.scenario, resume=self.launch.resume)

    # -- moving between screens -----------------------------------------------------------------

    def open_library(self) -> None:
        from trustsim.paths import bundled_scenarios, user_scenarios
        from trustsim.tui.screens.library import LibraryScreen

        user = user_scenarios()
        folders = self.launch.folders or ((bundled_scenarios(), "bundled"), (user, "yours"))
        user_folder = next((f for f, origin in folders if origin == "yours"), user)
        self.push_screen(LibraryScreen(folders, user_folder, self.store))

    def open_scenario(self, scenario: Scenario, resume: bool = False) -> None:
        """Shows the intro (content notes, a save to continue) when there is one to show,
        else starts playing."""
        record = self.store.read(scenario.id)
        if record.problem:
            self.notify(record.problem, title="Save ignored", severity="warning", markup=False)
        mode = self.launch.mode or "coach"
        check: ResumeCheck | None = None
        notice = None
        if record.play is not None:
            check = check_resume(Session(scenario), record.play)
            mode = record.play.mode
            if self.launch.mode and self.launch.mode != mode:
                notice = (f"Your unfinished play was made in {mode} mode; continuing it keeps "
                          f"that mode. Starting again uses {self.launch.mode} mode.")
        elif resume:
            notice = "There is no unfinished play of this scenario to continue."
        if resume and check is not None and check.status is ResumeStatus.SAME:
            self.start_play(scenario, mode, check.play)
            return
        if not self.in_library and check is None and not scenario.content_notes \
                and notice is None:
            self.start_play(scenario, mode)
            return
        from trustsim.tui.screens.intro import IntroChoice, IntroScreen

        def decided(choice: IntroChoice | None) -> None:
            if choice == "continue" and check is not None:
                self.start_play(scenario, check.play.mode, check.play)
            elif choice == "start":
                self.store.forget_play(scenario.id)
                self.start_play(scenario, self.launch.mode or "coach")
            elif not self.in_library:
                self.exit(0)

        self.push_screen(IntroScreen(scenario, mode, check, notice), decided)

    def start_play(self, scenario: Scenario, mode: str, play: SavedPlay | None = None) -> None:
        from trustsim.tui.screens.play import PlayScreen

        session = Session(scenario)
        if play is not None:
            try:
                replay(session, play)
            except SaveError as error:
                session.restart()
                self.notify(f"Your saved play could not be replayed ({error}); "
                            "starting from the beginning.", severity="warning", markup=False)
        self.session = session
        self.mode = mode
        journals: list[Journal] = [SaveJournal(mode, self.store, on_error=self.save_failed)]
        journals.extend(self.launch.journals)
        self.journal = Journals(journals)
        self.push_screen(PlayScreen(session, mode, self.journal))

    def save_failed(self, message: str) -> None:
        self.notify(message, title="Not saved", severity="error", markup=False)

    def open_debrief(self) -> None:
        from trustsim.tui.screens.debrief import DebriefScreen

        assert self.session is not None
        self.push_screen(DebriefScreen(self.session, self.mode))

    def play_again(self) -> None:
        assert self.session is not None
        self.session.restart()
        self.journal.started(self.session)
        self.pop_screen()

    def rewind(self, keep: int) -> None:
        assert self.session is not None
        self.session.rewind(keep)
        self.journal.undid(self.session)
        self.pop_screen()

    def confirm_leave(self) -> None:
        from trustsim.tui.screens.dialogs import ConfirmScreen

        session = self.session
        if session is not None and session.is_over:
            message = "The play is finished and its result recorded."
        else:
            message = ("Your play is saved: choose it in the library, or run "
                       f"`trustsim play {session.scenario.id if session else ''} --resume`, "
                       "to continue where you left off.")
        where = "Back to the library?" if self.in_library else "Quit trustsim?"

        def answered(leave: bool | None) -> None:
            if leave:
                self.leave_play()

        self.push_screen(ConfirmScreen(where, message, yes="Leave", no="Stay"), answered)

    def leave_play(self) -> None:
        if not self.in_library:
            self.exit(0)
            return
        from trustsim.tui.screens.library import LibraryScreen

        while not isinstance(self.screen, LibraryScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        self.session = None

    # -- keys and commands ----------------------------------------------------------------------

    def action_toggle_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        light = self.theme.endswith("-light")
        yield SystemCommand("Light theme" if not light else "Dark theme",
                            "Switch between the light and the dark theme",
                            self.action_switch_theme)
        for binding, title, help_text in _screen_commands(screen):
            yield SystemCommand(title, help_text, _runner(screen, binding))

    def action_switch_theme(self) -> None:
        self.theme = "textual-dark" if self.theme.endswith("-light") else "textual-light"


def _settings_path() -> Path:
    from trustsim.paths import data_dir

    return data_dir() / "settings.toml"


def saved_theme() -> str | None:
    import tomli

    try:
        theme = tomli.loads(_settings_path().read_text(encoding="utf-8")).get("theme")
    except (OSError, UnicodeError, tomli.TOMLDecodeError):
        return None
    return theme if isinstance(theme, str) else None


def save_theme(name: str) -> None:
    import contextlib

    import tomli_w

    from trustsim.saves import atomic_write

    if name == saved_theme():
        return
    # A preference that cannot be written is not worth interrupting a play for.
    with contextlib.suppress(OSError):
        atomic_write(_settings_path(), tomli_w.dumps({"theme": name}))


def _screen_commands(screen: Screen[object]) -> Sequence[tuple[str, str, str]]:
    """The screen's own actions offered in the command palette: (action, title, help)."""
    table = {
        "PlayScreen": [("undo", "Undo", "Take back your last choice (coach mode)"),
                       ("toggle_history", "History", "Show or hide what was said")],
        "DebriefScreen": [("play_again", "Play again", "Start the scenario from the beginning"),
                          ("go_back", "Go back to a choice", "Try another way from there"),
                          ("export", "Export transcript", "Write the play as Markdown")],
    }
    commands = table.get(type(screen).__name__, [])
    return [c for c in commands if screen.check_action(c[0], ()) is not False]


def _runner(screen: Screen[object], action: str) -> Callable[[], object]:
    def run() -> object:
        method: Callable[[], object] = getattr(screen, f"action_{action}")
        return method()

    return run


def run_app(launch: Launch) -> int:
    result = TrustsimApp(launch).run()
    return result if isinstance(result, int) else 0
