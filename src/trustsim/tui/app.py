"""The trustsim app: which screen comes when, and the play's session and journals.

Screens are imported when first shown, so `trustsim play` draws its first frame without
loading the library or the debrief.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from attrs import field, frozen
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from trustsim import tui
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

if TYPE_CHECKING:
    # The engine is imported when a play is set up: the first frame (the intro) needs none.
    from trustsim.engine import Session
    from trustsim.tui.screens.play import PlayScreen
    from trustsim.tui.watch import Watch

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
    #: `trustsim play --watch`: the scenario file to play (coach mode, nothing saved) and to
    #: load again whenever it is saved; `scenario` is then unused.
    watch: Path | None = None


class TrustsimApp(App[int]):
    # The styles every screen shares. Like each screen's and widget's own, they are default
    # CSS (see `trustsim.tui.stylesheet`), so all of them rank by specificity alone.
    DEFAULT_CSS = tui.stylesheet(__file__, "app.tcss")
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
        #: Notifications raised before the app had a screen to show them on.
        self._told: list[tuple[str, dict[str, Any]]] | None = []
        self._watch: Watch | None = None

    @property
    def in_library(self) -> bool:
        return self.launch.scenario is None and self.launch.watch is None

    @property
    def watching(self) -> bool:
        return self.launch.watch is not None

    def get_default_screen(self) -> Screen[Any]:
        # The first screen the player sees is the app's base screen, not a screen pushed over
        # a blank one: one screen fewer to build, style and lay out before the first frame.
        if self.launch.watch is not None:
            from trustsim.tui.watch import Watch

            self._watch = Watch(self, self.launch.watch)
            return self._watch.first_screen()
        if self.launch.scenario is None:
            return self.library_screen()
        return self.scenario_screen(self.launch.scenario, resume=self.launch.resume)

    def on_mount(self) -> None:
        if self.launch.theme is None:
            self.theme_changed_signal.subscribe(self, lambda theme: save_theme(theme.name))
        told, self._told = self._told or [], None
        for message, options in told:
            self.notify(message, markup=False, **options)
        if self._watch is not None:
            self._watch.start()

    def tell(self, message: str, **options: Any) -> None:
        """`notify`, also while the first screen is being chosen (shown once it is up)."""
        if self._told is not None:
            self._told.append((message, options))
        else:
            self.notify(message, markup=False, **options)

    # -- moving between screens -----------------------------------------------------------------

    def library_screen(self) -> Screen[Any]:
        from trustsim.paths import bundled_scenarios, user_scenarios
        from trustsim.tui.screens.library import LibraryScreen

        user = user_scenarios()
        folders = self.launch.folders or ((bundled_scenarios(), "bundled"), (user, "yours"))
        user_folder = next((f for f, origin in folders if origin == "yours"), user)
        return LibraryScreen(folders, user_folder, self.store)

    def open_scenario(self, scenario: Scenario) -> None:
        """From the library: the scenario's intro."""
        self.push_screen(self.scenario_screen(scenario))

    def scenario_screen(self, scenario: Scenario, resume: bool = False) -> Screen[Any]:
        """The intro (content notes, a save to continue) when there is one to show, else the
        play itself."""
        record = self.store.read(scenario.id)
        if record.problem:
            self.tell(record.problem, title="Save ignored", severity="warning")
        mode = self.launch.mode or "coach"
        check: ResumeCheck | None = None
        notice = None
        if record.play is not None:
            from trustsim.engine import Session

            check = check_resume(Session(scenario), record.play)
            mode = record.play.mode
            if self.launch.mode and self.launch.mode != mode:
                notice = (f"Your unfinished play was made in {mode} mode; continuing it keeps "
                          f"that mode. Starting again uses {self.launch.mode} mode.")
        elif resume:
            notice = "There is no unfinished play of this scenario to continue."
        if resume and check is not None and check.status is ResumeStatus.SAME:
            return self.play_screen(scenario, mode, check.play)
        if not self.in_library and check is None and not scenario.content_notes \
                and notice is None:
            return self.play_screen(scenario, mode)
        from trustsim.tui.screens.intro import IntroChoice, IntroScreen

        def decided(choice: IntroChoice | None) -> None:
            if choice == "continue" and check is not None:
                self.replace_screen(self.play_screen(scenario, check.play.mode, check.play))
            elif choice == "start":
                self.store.forget_play(scenario.id)
                self.replace_screen(self.play_screen(scenario, self.launch.mode or "coach"))
            elif self.in_library:
                self.pop_screen()
            else:
                self.exit(0)

        return IntroScreen(scenario, mode, check, notice, on_choice=decided)

    def replace_screen(self, screen: Screen[Any]) -> None:
        """Shows `screen` in place of the current one: leaving it leads where leaving the
        current one did. (The app's first screen cannot be switched out, so a screen taking
        its place is pushed over it; nothing leaves that screen but quitting.)"""
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def play_screen(self, scenario: Scenario, mode: str,
                    play: SavedPlay | None = None) -> PlayScreen:
        """A play of `scenario` (the saved `play` replayed), ready to be shown."""
        from trustsim.engine import Session
        from trustsim.tui.screens.play import PlayScreen

        session = Session(scenario)
        if play is not None:
            try:
                replay(session, play)
            except SaveError as error:
                session.restart()
                self.tell(f"Your saved play could not be replayed ({error}); starting from "
                          "the beginning.", severity="warning")
        self.session = session
        self.mode = mode
        journals: list[Journal] = []
        if not self.watching:
            # An author's trial runs under --watch are not the player's plays: nothing saved.
            journals.append(SaveJournal(mode, self.store, on_error=self.save_failed))
        journals.extend(self.launch.journals)
        self.journal = Journals(journals)
        return PlayScreen(session, mode, self.journal, watching=self.watching)

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
        if self.watching:
            message = "Watch mode keeps no save: this play ends with the app."
        elif session is not None and session.is_over:
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
