"""The library: every bundled scenario and the player's own, filtered by typing.

A file with errors is listed with its first problem, not hidden: an author dropping a broken
file into the folder should see why it does not play.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from attrs import frozen
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from trustsim import tui
from trustsim.loader.diagnostics import Diagnostic
from trustsim.model import Scenario
from trustsim.saves import SaveRecord, SaveStore
from trustsim.tui.screens.base import AppScreen
from trustsim.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from trustsim.tui.app import TrustsimApp


@frozen
class Entry:
    """One file of the library as the player sees it."""

    file: str
    #: "bundled" or "yours".
    origin: str
    scenario: Scenario | None
    diagnostics: tuple[Diagnostic, ...] = ()
    record: SaveRecord | None = None

    @property
    def name(self) -> str:
        return self.scenario.title if self.scenario is not None else Path(self.file).name

    def matches(self, words: Sequence[str]) -> bool:
        scenario = self.scenario
        haystack = [self.file, self.origin]
        if scenario is not None:
            haystack += [scenario.id, scenario.title, scenario.summary, scenario.partner.name,
                         *scenario.content_notes]
        joined = " ".join(haystack).casefold()
        return all(word in joined for word in words)

    def prompt(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        scenario = self.scenario
        if scenario is None:
            text.append("⚠ ", "bold")
            text.append(Path(self.file).name, "bold")
            text.append(f" · {self.origin} · cannot be played\n", "dim")
            first = next((d for d in self.diagnostics if d.is_error), None)
            if first is None and self.diagnostics:
                first = self.diagnostics[0]
            if first is not None:
                text.append(f"  line {first.line}: {first.message}\n")
            text.append("  Enter shows every problem", "dim italic")
            return text
        text.append(scenario.title, "bold")
        text.append(f" · {scenario.minutes} min · {self.origin}\n", "dim")
        text.append("  " + " ".join(scenario.summary.split()) + "\n")
        record = self.record
        status: list[str] = []
        if record is not None and record.play is not None:
            made = len(record.play.steps)
            status.append(f"▶ unfinished play: {made} choice{'' if made == 1 else 's'} made")
        if record is not None and record.best is not None:
            best = record.best
            status.append(f"best {best.overall}/100 · {best.ending} · played {best.plays}×")
        if not status:
            status.append("not played yet")
        text.append("  " + " · ".join(status), "italic")
        return text


def load_entries(folders: Sequence[tuple[Path, str]], store: SaveStore) -> list[Entry]:
    from trustsim.loader.library import load_library

    existing = [folder for folder, _ in folders if folder.is_dir()]
    library = load_library(existing)
    duplicates: dict[str, list[Diagnostic]] = {}
    for diagnostic in library.diagnostics:
        duplicates.setdefault(diagnostic.file, []).append(diagnostic)

    def origin_of(file: str) -> str:
        for folder, origin in folders:
            if file.startswith(str(folder)):
                return origin
        return "yours"

    entries = []
    for result in library.results:
        scenario = result.scenario if result.file not in duplicates else None
        diagnostics = tuple(duplicates.get(result.file, ())) + result.diagnostics
        record = store.read(scenario.id) if scenario is not None else None
        entries.append(Entry(result.file, origin_of(result.file), scenario, diagnostics, record))
    return entries


def shown_path(path: Path) -> str:
    """A path as the player would type it: under their home folder, with `~`."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


class FilterInput(Input):
    """The filter field. It keeps the focus, so the keys that move through the list and open
    a scenario are its own (an Input would otherwise take the arrows to scroll itself)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "screen.move(1)", "Move", key_display="↑↓"),
        Binding("up", "screen.move(-1)", "Up", show=False),
        Binding("pagedown", "screen.move(5)", "Page down", show=False),
        Binding("pageup", "screen.move(-5)", "Page up", show=False),
        Binding("enter", "submit", "Open"),
    ]


class LibraryList(OptionList):
    """The list never takes focus: typing always goes to the filter, and the screen moves
    the highlight with the arrow keys. A click still selects."""

    can_focus = False


class LibraryScreen(AppScreen[None]):
    DEFAULT_CSS = tui.stylesheet(__file__, "library.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_or_quit", "Clear filter / quit"),
        # `?` types into the filter here, so the keys help is on F1.
        Binding("f1", "app.toggle_keys", "Keys"),
    ]

    def __init__(self, folders: Sequence[tuple[Path, str]], user_folder: Path,
                 store: SaveStore) -> None:
        super().__init__()
        self.folders = tuple(folders)
        self.user_folder = user_folder
        self.store = store
        self.entries: list[Entry] = []
        self.shown: list[Entry] = []

    @property
    def trustsim(self) -> TrustsimApp:
        from trustsim.tui.app import TrustsimApp

        assert isinstance(self.app, TrustsimApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield TitleBar("trustsim · scenario library")
        yield FilterInput(placeholder="Type to filter the scenarios…", id="filter")
        yield LibraryList(id="scenarios")
        yield Static(Text.assemble(("Your own scenarios: ", "bold"), shown_path(self.user_folder),
                                   (" (put .toml files there)", "dim")), id="folder")
        yield Footer()

    def on_mount(self) -> None:
        field = self.query_one("#filter", Input)
        field.cursor_blink = self.trustsim.launch.cursor_blink
        field.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        # Back from a play: its save and best result have changed.
        self.reload()

    def reload(self) -> None:
        # The folder is created so the player can find the place the screen points to.
        with contextlib.suppress(OSError):
            self.user_folder.mkdir(parents=True, exist_ok=True)
        self.entries = load_entries(self.folders, self.store)
        self.apply_filter()

    def apply_filter(self) -> None:
        query = self.query_one("#filter", Input).value
        words = query.casefold().split()
        self.shown = [e for e in self.entries if e.matches(words)]
        options: list[Option | None] = []
        for index, entry in enumerate(self.shown):
            if index:
                options.append(None)
            options.append(Option(entry.prompt(), id=f"entry-{index}"))
        if not self.shown:
            message = (f'No scenario matches "{query}". Escape clears the filter.' if query
                       else "No scenarios found.")
            options.append(Option(Text(message, "italic"), disabled=True))
        listing = self.query_one(LibraryList)
        highlighted = listing.highlighted
        listing.set_options(options)
        if self.shown:
            listing.highlighted = min(highlighted or 0, len(options) - 1)
            if listing.highlighted_option is not None and listing.highlighted_option.disabled:
                listing.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.apply_filter()
        self.query_one(LibraryList).highlighted = 0 if self.shown else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.open_option(event.option.id)

    def action_move(self, by: int) -> None:
        listing = self.query_one(LibraryList)
        for _ in range(abs(by)):
            if by > 0:
                listing.action_cursor_down()
            else:
                listing.action_cursor_up()

    def action_open(self) -> None:
        option = self.query_one(LibraryList).highlighted_option
        if option is not None:
            self.open_option(option.id)

    def open_option(self, option_id: str | None) -> None:
        if not option_id or not option_id.startswith("entry-"):
            return
        entry = self.shown[int(option_id.removeprefix("entry-"))]
        if entry.scenario is None:
            from trustsim.tui.screens.dialogs import ProblemsScreen

            self.app.push_screen(ProblemsScreen(entry.file, entry.diagnostics))
            return
        self.trustsim.open_scenario(entry.scenario)

    def action_clear_or_quit(self) -> None:
        field = self.query_one("#filter", Input)
        if field.value:
            field.value = ""
        else:
            self.app.exit(0)
