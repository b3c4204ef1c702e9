"""`trustsim play --watch`: the file edited under a running app (Pilot). An edit to the text
keeps the play where it was; removing the node a choice was made at cuts the play back, and
says so; a syntax error lists the problems and keeps the play; fixing the file clears them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from tui_support import TESTS, run_async, screen_text, until

from trustsim.cli import main as cli_main
from trustsim.tui import watch
from trustsim.tui.app import Launch, TrustsimApp
from trustsim.tui.screens.debrief import DebriefScreen
from trustsim.tui.screens.play import PlayScreen
from trustsim.tui.screens.watching import WaitingScreen
from trustsim.tui.watch import ScenarioWatcher
from trustsim.tui.widgets.problems import ProblemsPanel

SHORT = TESTS / "tui" / "scenarios" / "short.toml"
SIZE = (100, 30)


@pytest.fixture
def scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the short scenario to edit, watched ten times as often as for real."""
    monkeypatch.setattr(watch, "WATCH_INTERVAL", 0.05)
    path = tmp_path / "short.toml"
    shutil.copy(SHORT, path)
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def app_for(path: Path) -> TrustsimApp:
    return TrustsimApp(Launch(watch=path, cursor_blink=False, theme="textual-dark"))


def notifications(app: TrustsimApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def panel(app: TrustsimApp) -> ProblemsPanel | None:
    found = app.screen.query(ProblemsPanel)
    return found.first() if found else None


async def playing(pilot: Any) -> PlayScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, PlayScreen)
                and pilot.app.screen.is_mounted)
    screen = pilot.app.screen
    assert isinstance(screen, PlayScreen)
    return screen


async def choose(pilot: Any, screen: PlayScreen, *numbers: int) -> None:
    for number in numbers:
        turns = len(screen.session.history)
        await pilot.press(str(number))
        await until(pilot, lambda turns=turns: len(screen.session.history) == turns + 1)
        await pilot.press("space")
        await until(pilot, lambda: not screen.reacting)


@run_async
async def test_a_text_edit_keeps_the_position(scenario: Path, home: Path) -> None:
    app = app_for(scenario)
    async with app.run_test(size=SIZE) as pilot:
        screen = await playing(pilot)
        # Straight into the play (no intro), in coach mode, saying so in the title.
        assert "watching" in screen_text(app) and "Trust" in screen_text(app)
        await choose(pilot, screen, 1)
        before = screen.session
        assert before.node.id == "kitchen"

        edit(scenario, "So what happens next time", "And what happens next time")
        await until(pilot, lambda: screen.session is not before)
        await pilot.pause()
        assert screen.session.node.id == "kitchen"
        assert [s.node_id for s in screen.session.history] == ["hall"]
        assert app.session is screen.session
        assert "And what happens next time" in screen_text(app)
        assert any("1 choice replayed" in n for n in notifications(app))

        # A reworded choice is still the choice made there (by its place in the node).
        reloaded = screen.session
        edit(scenario, "I forgot. I said I'd be there", "I forgot. I promised I'd be there")
        await until(pilot, lambda: screen.session is not reloaded)
        assert screen.session.node.id == "kitchen"
        assert screen.session.history[0].choice.text.startswith("I forgot. I promised")
        assert panel(app) is None
    # Watch mode is an author's trial: nothing was saved.
    assert not (home / "saves").exists() or not any((home / "saves").iterdir())


@run_async
async def test_a_reaction_on_screen_stays_and_shows_the_new_words(scenario: Path) -> None:
    app = app_for(scenario)
    async with app.run_test(size=SIZE) as pilot:
        screen = await playing(pilot)
        await pilot.press("2")
        await until(pilot, lambda: screen.reacting)
        before = screen.session
        edit(scenario, "'Your phone was fine at lunch,'", "'Your phone was fine at noon,'")
        await until(pilot, lambda: screen.session is not before)
        await pilot.pause()
        assert screen.reacting
        assert "Your phone was fine at noon" in screen_text(app)


@run_async
async def test_removing_a_node_cuts_the_play_back(scenario: Path) -> None:
    app = app_for(scenario)
    async with app.run_test(size=SIZE) as pilot:
        screen = await playing(pilot)
        await choose(pilot, screen, 1, 1)
        assert screen.session.is_over

        # `kitchen` is gone (renamed), so the second choice, made there, cannot be replayed.
        text = scenario.read_text(encoding="utf-8")
        scenario.write_text(text.replace("kitchen", "garden"), encoding="utf-8")
        await until(pilot, lambda: len(screen.session.history) == 1)
        await pilot.pause()
        assert screen.session.node.id == "garden"
        assert not screen.session.is_over and not screen.reacting
        messages = notifications(app)
        assert any("cut back" in m and "Kept 1 of 2 choices" in m and '"kitchen"' in m
                   for m in messages), messages
        # The play goes on from there, on the new version.
        await choose(pilot, screen, 2)
        assert screen.session.is_over


@run_async
async def test_a_syntax_error_lists_the_problems_and_fixing_clears_them(scenario: Path) -> None:
    original = scenario.read_text(encoding="utf-8")
    app = app_for(scenario)
    async with app.run_test(size=SIZE) as pilot:
        screen = await playing(pilot)
        await choose(pilot, screen, 1)
        before = screen.session

        scenario.write_text(original.replace('title = "The Forgotten Pickup"',
                                             'title = "The Forgotten Pickup'), encoding="utf-8")
        await until(pilot, lambda: panel(app) is not None)
        await pilot.pause()
        text = screen_text(app)
        assert f"{scenario}:6:" in text and "error[E001]" in text
        found = panel(app)
        assert found is not None and found.has_class("errors")
        assert "playing the last version that loaded" in str(found.border_title)
        # The play is kept as it was, and goes on on the last version that loaded.
        assert screen.session is before and app.is_running
        await pilot.press("1")
        await until(pilot, lambda: screen.reacting)
        assert len(screen.session.history) == 2

        # A semantic error replaces the list, compiler style, with the line it is on.
        scenario.write_text(original.replace('goto = "verdict"', 'goto = "verdikt"', 1),
                            encoding="utf-8")
        await until(pilot, lambda: "E030" in screen_text(app))
        line = original.splitlines().index('goto = "verdict"') + 1
        assert f"{scenario}:{line}:" in screen_text(app)
        assert screen.session is before

        scenario.write_text(original, encoding="utf-8")
        await until(pilot, lambda: panel(app) is None)
        await pilot.pause()
        assert screen.session is not before
        assert [s.node_id for s in screen.session.history] == ["hall", "kitchen"]
        assert screen.reacting, "the reaction on screen is still the one shown"
        assert "error[" not in screen_text(app)


@run_async
async def test_warnings_are_listed_while_the_new_version_plays(scenario: Path) -> None:
    app = app_for(scenario)
    async with app.run_test(size=SIZE) as pilot:
        screen = await playing(pilot)
        before = screen.session
        # A node no path reaches: a warning, so the new version loads and plays.
        with scenario.open("a", encoding="utf-8") as file:
            file.write('\n[nodes.attic]\nending = "Attic"\ntext = "Dust."\n')
        await until(pilot, lambda: panel(app) is not None)
        assert screen.session is not before
        found = panel(app)
        assert found is not None and not found.has_class("errors")
        await until(pilot, lambda: "warning[W040]" in screen_text(app))


@run_async
async def test_the_debrief_follows_the_new_version(scenario: Path) -> None:
    app = app_for(scenario)
    async with app.run_test(size=SIZE) as pilot:
        screen = await playing(pilot)
        await choose(pilot, screen, 1, 1)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen))
        first = app.screen
        edit(scenario, 'ending = "See You Friday"', 'ending = "Until Friday"')
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen)
                    and app.screen is not first)
        await pilot.pause()
        assert "Ending: Until Friday" in screen_text(app)
        # A broken file goes back to the play, where its problems are listed.
        scenario.write_text("format = 1\n[nodes\n", encoding="utf-8")
        await until(pilot, lambda: app.screen is screen and panel(app) is not None)


@run_async
async def test_a_file_that_does_not_load_yet_waits_for_a_fix(scenario: Path) -> None:
    original = scenario.read_text(encoding="utf-8")
    scenario.write_text(original.replace('start = "door"', 'start = "front"'),
                        encoding="utf-8")
    app = app_for(scenario)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, WaitingScreen))
        await pilot.pause()
        assert "error[E030]" in screen_text(app)
        found = panel(app)
        assert found is not None and "save it without errors" in str(found.border_title)
        scenario.write_text(original, encoding="utf-8")
        screen = await playing(pilot)
        await until(pilot, lambda: "Alex comes in soaked" in screen_text(app))
        assert screen.session.history == ()
        assert panel(app) is None


def test_the_watcher_reports_changes_of_content_only(scenario: Path) -> None:
    watcher = ScenarioWatcher(scenario)
    first = watcher.poll()
    assert first is not None and first.scenario is not None
    assert watcher.poll() is None
    # Touched, or saved unchanged: nothing to reload.
    os.utime(scenario)
    scenario.write_bytes(scenario.read_bytes())
    assert watcher.poll() is None
    # Removed and written again by an editor between two looks: no problem shown.
    text = scenario.read_text(encoding="utf-8")
    scenario.unlink()
    assert watcher.poll() is None
    scenario.write_text(text + "\n# saved\n", encoding="utf-8")
    changed = watcher.poll()
    assert changed is not None and changed.scenario is not None
    # Gone for good: said once.
    scenario.unlink()
    assert watcher.poll() is None
    gone = watcher.poll()
    assert gone is not None and gone.scenario is None
    assert gone.diagnostics[0].code.id == "E002"
    assert watcher.poll() is None


@pytest.mark.parametrize("flags", [["--plain"], ["--resume"], ["--mode", "assess"]])
def test_watch_refuses_what_it_cannot_do(flags: list[str], scenario: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["play", str(scenario), "--watch", *flags]) == 2
    assert "--watch" in capsys.readouterr().err


def test_watch_needs_a_terminal_and_a_file(scenario: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    # pytest's stdin is not a terminal.
    assert cli_main(["play", str(scenario), "--watch"]) == 2
    assert "needs a terminal" in capsys.readouterr().err
