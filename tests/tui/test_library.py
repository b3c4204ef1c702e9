"""The library screen: bundled and own scenarios, filtering by typing, broken files listed
with their first problem, and the way into a play and back out."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tui_support import BROKEN, MARKUP, MINIMAL, TESTS, run_async, screen_text, until

from trustsim.tui.app import Launch, TrustsimApp
from trustsim.tui.screens.dialogs import ConfirmScreen, ProblemsScreen
from trustsim.tui.screens.intro import IntroScreen
from trustsim.tui.screens.library import LibraryList, LibraryScreen, shown_path
from trustsim.tui.screens.play import PlayScreen

SHORT = TESTS / "tui" / "scenarios" / "short.toml"


def library_app(home: Path) -> TrustsimApp:
    bundled, yours = home / "bundled", home / "scenarios"
    bundled.mkdir(parents=True)
    yours.mkdir(parents=True)
    shutil.copy(SHORT, bundled)
    shutil.copy(MINIMAL, bundled)
    shutil.copy(MARKUP, yours)
    shutil.copy(BROKEN, yours)
    return TrustsimApp(Launch(cursor_blink=False, folders=((bundled, "bundled"),
                                                          (yours, "yours"))))


def listed(app: Any) -> list[str]:
    return [entry.name for entry in app.screen.shown]


@run_async
async def test_lists_every_file_with_its_facts(home: Path) -> None:
    app = library_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        assert sorted(listed(app)) == sorted([
            "A Minimal Scenario", "The Forgotten Pickup", "broken.toml",
            "[bold]Not bold[/] and [link=https://example.com]no link[/link]"])
        text = screen_text(app)
        assert "3 min · bundled" in text
        assert "not played yet" in text
        # A broken file is listed with its first problem, not hidden.
        assert "cannot be played" in text
        assert "line 9: the scenario has no ending" in text
        folder = str(app.screen.query_one("#folder").render())
        assert f"Your own scenarios: {shown_path(home / 'scenarios')}" in folder


@run_async
async def test_typing_filters_and_escape_clears(home: Path) -> None:
    app = library_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"pickup")
        assert listed(app) == ["The Forgotten Pickup"]
        await pilot.press("escape")
        assert len(listed(app)) == 4
        await pilot.press(*"no such thing")
        assert listed(app) == []
        assert 'No scenario matches "no such thing"' in screen_text(app)
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_value == 0


@run_async
async def test_a_broken_file_shows_its_problems(home: Path) -> None:
    app = library_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"broken.toml", "enter")
        await until(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        text = screen_text(app)
        assert "error[E030]" in text and "nowhere" in text
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen))


@run_async
async def test_from_the_library_into_a_play_and_back(home: Path) -> None:
    app = library_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"pickup", "enter")
        await until(pilot, lambda: isinstance(app.screen, IntroScreen))
        assert "Content notes: broken promise" in screen_text(app)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        await pilot.press("1", "space")
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Back to the library?" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        # The library offers to continue the play just left.
        assert "unfinished play: 1 choice made" in screen_text(app)
        await pilot.press("escape", *"pickup", "enter")
        await until(pilot, lambda: isinstance(app.screen, IntroScreen))
        assert "unfinished play" in screen_text(app)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        assert len(app.screen.session.history) == 1
        await pilot.press("2", "space", "enter")
        await pilot.pause()
        await pilot.press("q", "y")
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        assert "best " in screen_text(app)


@run_async
async def test_arrows_and_clicks_choose_in_the_list(home: Path) -> None:
    app = library_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listing = app.screen.query_one(LibraryList)
        first = listing.highlighted
        await pilot.press("down")
        assert listing.highlighted != first
        await pilot.press("up")
        assert listing.highlighted == first
        assert await pilot.click(LibraryList, offset=(5, 2))
        await until(pilot, lambda: isinstance(app.screen, IntroScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen))
