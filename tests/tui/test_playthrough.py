"""Playthroughs through the real screens with the Pilot, at 80x24: every ending in both modes,
by number keys, arrows and Enter, and the mouse; undo; a crash and a resume; the debrief's
actions; leaving; keys help and the command palette."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomli
from attrs import evolve
from tui_support import (
    MARKUP,
    MINIMAL,
    ending_paths,
    example_path,
    load,
    run_async,
    screen_text,
    until,
)

from trustsim.engine import Session
from trustsim.saves import SaveStore, play_of, scenario_digest
from trustsim.transcript import Kind
from trustsim.tui.app import Launch, TrustsimApp
from trustsim.tui.screens.debrief import DebriefScreen
from trustsim.tui.screens.dialogs import ConfirmScreen, RewindScreen
from trustsim.tui.screens.intro import IntroScreen
from trustsim.tui.screens.play import PlayScreen
from trustsim.tui.widgets.choices import ChoiceList
from trustsim.tui.widgets.lines import StoryView

SIZE = (80, 24)
EXAMPLE = example_path()
ENDINGS = ending_paths(EXAMPLE)


def app_for(path: Path, **launch: Any) -> TrustsimApp:
    return TrustsimApp(Launch(scenario=load(path), cursor_blink=False, **launch))


async def start(pilot: Any) -> PlayScreen:
    """Past the intro (content notes) into the play screen."""
    await until(pilot, lambda: isinstance(pilot.app.screen, IntroScreen | PlayScreen))
    if isinstance(pilot.app.screen, IntroScreen):
        await pilot.press("s")
        await until(pilot, lambda: isinstance(pilot.app.screen, PlayScreen))
    screen = pilot.app.screen
    assert isinstance(screen, PlayScreen)
    return screen


async def click_option(pilot: Any, index: int) -> None:
    choices = pilot.app.screen.query_one(ChoiceList)
    line = choices._index_to_line[index]
    choices.scroll_to(y=line, animate=False, immediate=True)
    await pilot.pause()
    y = 1 + line - round(choices.scroll_offset.y)
    assert await pilot.click(ChoiceList, offset=(4, y))


async def choose(pilot: Any, number: int, how: str = "keys") -> None:
    """Makes choice `number` with the keys, the arrows, or a click on it: the reaction
    to it is then on screen."""
    if how == "keys":
        await pilot.press(str(number))
    elif how == "arrows":
        await pilot.press("home", *["down"] * (number - 1), "enter")
    else:
        await click_option(pilot, number - 1)
    await pilot.pause()
    assert pilot.app.screen.reacting


async def go_on(pilot: Any, how: str = "keys") -> None:
    """Past the reaction to the scene it leads to (space, Enter, or a click on Continue)."""
    if how == "keys":
        await pilot.press("space")
    elif how == "arrows":
        await pilot.press("enter")
    else:
        await click_option(pilot, 0)
    await pilot.pause()
    assert not pilot.app.screen.reacting


async def play_turns(pilot: Any, numbers: tuple[int, ...]) -> None:
    for number in numbers:
        await pilot.press(str(number), "space")


def story(screen: PlayScreen) -> str:
    """The story pane's text, all of it, scrolled into view or not."""
    return screen.story_text


def feedback_shown(screen: PlayScreen) -> bool:
    return any(said.kind is Kind.FEEDBACK for said in screen.query_one(StoryView).said)


def saved(home: Path, scenario_id: str) -> dict[str, Any]:
    path = home / "saves" / f"{scenario_id}.toml"
    return tomli.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@pytest.mark.parametrize("mode", ["coach", "assess"])
@run_async
async def test_every_ending_in_both_modes(mode: str, home: Path) -> None:
    """One app per mode plays to each ending in turn, with "Play again" in between."""
    scenario = load(EXAMPLE)
    app = app_for(EXAMPLE, mode=mode)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        # Coach mode shows the meters; assess mode shows neither them nor feedback.
        assert ("Trust " in screen_text(app)) == (mode == "coach")
        for played, (ending, numbers) in enumerate(sorted(ENDINGS.items()), start=1):
            for turn, number in enumerate(numbers):
                assert not screen.session.is_over
                if played == 1:
                    # Every way to choose, once each, then keys.
                    how = ("arrows", "mouse")[turn] if turn < 2 else "keys"
                    await choose(pilot, number, how)
                else:
                    # Later endings go through the same screen by its actions, one frame a
                    # turn: key handling is proven above, frames are what cost test time.
                    screen.action_choose(number)
                    await pilot.pause()
                assert len(screen.session.history) == turn + 1, f"{ending}: choice {turn + 1}"
                step = screen.session.history[-1]
                assert step.choice.text in story(screen)
                if mode == "assess":
                    assert not feedback_shown(screen)
                else:
                    assert feedback_shown(screen) == bool(step.choice.feedback)
                    if step.choice.feedback:
                        assert "Coach" in story(screen)
                if turn == 0 and played == 1:
                    # A number while the reaction is shown chooses nothing.
                    await pilot.press("1")
                    assert len(screen.session.history) == 1
                if played == 1:
                    await go_on(pilot, how)
                else:
                    screen.action_continue()
                if turn < len(numbers) - 1:
                    # Saved after every choice, before anything else happens.
                    assert len(saved(home, scenario.id)["play"]["steps"]) == turn + 1
            await pilot.pause()
            assert screen.session.node.id == ending
            title = scenario.nodes[ending].ending
            assert f"The end: {title}" in story(screen)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, DebriefScreen))
            text = screen_text(app)
            assert f"Ending: {title}" in text
            assert "Accountability" in text
            # The finished play leaves its best result and no unfinished play behind.
            record = saved(home, scenario.id)
            assert "play" not in record
            assert record["best"]["plays"] == played
            await pilot.press("p")
            await until(pilot, lambda: app.screen is screen)
            assert screen.session.history == ()


@run_async
async def test_undo_in_coach_mode_and_none_in_assess(home: Path) -> None:
    numbers = next(iter(ENDINGS.values()))
    app = app_for(EXAMPLE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        first = screen.session.node.id
        await play_turns(pilot, numbers[:2])
        assert len(screen.session.history) == 2
        await pilot.press("u")
        await pilot.pause()
        assert len(screen.session.history) == 1
        assert len(saved(home, screen.session.scenario.id)["play"]["steps"]) == 1
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.session.history == ()
        assert screen.session.node.id == first
        # Nothing left to undo: the key does nothing (and the save holds no play).
        await pilot.press("u")
        assert "play" not in saved(home, screen.session.scenario.id)

    app = app_for(EXAMPLE, mode="assess")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await play_turns(pilot, numbers[:1])
        await pilot.press("u", "ctrl+z")
        await pilot.pause()
        assert len(screen.session.history) == 1
        assert "Undo" not in screen_text(app)


@run_async
async def test_resume_after_a_crash_mid_play(home: Path) -> None:
    numbers = max(ENDINGS.values(), key=len)
    half = max(1, len(numbers) // 2)
    app = app_for(EXAMPLE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await play_turns(pilot, numbers[:half])
        before = [(s.node_id, s.index) for s in screen.session.history]
        tally = screen.session.tally
    # The app is gone without a goodbye (as after a crash or a dropped connection): all that
    # is left is what was written after each choice.
    app = app_for(EXAMPLE, resume=True)
    async with app.run_test(size=SIZE) as pilot:
        # --resume goes straight back into the play.
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        assert [(s.node_id, s.index) for s in screen.session.history] == before
        assert screen.session.tally == tally
        await play_turns(pilot, numbers[half:])
        assert screen.session.is_over


@run_async
async def test_without_resume_the_intro_offers_to_continue(home: Path) -> None:
    numbers = next(iter(ENDINGS.values()))
    async with app_for(EXAMPLE).run_test(size=SIZE) as pilot:
        await start(pilot)
        await play_turns(pilot, numbers[:1])
    app = app_for(EXAMPLE)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, IntroScreen))
        assert "unfinished play" in screen_text(app)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        assert len(app.screen.session.history) == 1


@run_async
async def test_a_changed_scenario_is_explained_not_silently_applied(
        home: Path, tmp_path: Path) -> None:
    path = tmp_path / "minimal.toml"
    original = MINIMAL.read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    session = Session(load(path))
    session.choose(1)
    store = SaveStore()
    # A save as the journal writes it mid-play (minimal.toml ends after one choice, so the
    # journal itself would already have recorded the finish).
    unfinished = play_of(session, "coach", scenario_digest(session))
    store.write(evolve(store.read("minimal"), play=unfinished))

    # An edit that keeps the choices: explained, and the player may replay them.
    path.write_text(original + "\n# a comment changes the file\n", encoding="utf-8")
    app = app_for(path, resume=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, IntroScreen))
        text = screen_text(app)
        assert "Replay my choices" in text
        assert "has changed" in app.screen.text
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        assert len(app.screen.session.history) == 1

    # An edit that removes the choice made: explained, and only starting again is offered.
    store.write(evolve(store.read("minimal"), play=unfinished))
    path.write_text(original.replace("I lied to you. That's on me.", "I'm sorry."),
                    encoding="utf-8")
    app = app_for(path, resume=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, IntroScreen))
        text = screen_text(app)
        assert "no longer offered" in app.screen.text
        assert "Replay" not in text and "Continue" not in text
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, IntroScreen))
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        assert app.screen.session.history == ()


async def finish(pilot: Any, numbers: tuple[int, ...]) -> PlayScreen:
    screen = await start(pilot)
    await play_turns(pilot, numbers)
    assert screen.session.is_over
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, DebriefScreen))
    return screen


@run_async
async def test_debrief_export_go_back_and_play_again(home: Path) -> None:
    numbers = min(ENDINGS.values(), key=len)
    app = app_for(EXAMPLE)
    async with app.run_test(size=SIZE) as pilot:
        play = await finish(pilot, numbers)
        debrief = app.screen
        await pilot.press("e")
        await pilot.pause()
        exported = sorted((home / "transcripts").glob("*.md"))
        assert len(exported) == 1
        assert str(exported[0]) in str(debrief.query_one("#exported").render())
        markdown = exported[0].read_text(encoding="utf-8")
        assert play.session.scenario.title in markdown
        assert play.session.history[0].choice.text[:30] in markdown

        # Go back to the second choice: the play stands where it was before it.
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, RewindScreen))
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is play
        assert len(play.session.history) == 1
        assert not play.session.is_over
        assert len(saved(home, play.session.scenario.id)["play"]["steps"]) == 1

        await play_turns(pilot, numbers[1:])
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen))
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is play
        assert play.session.history == ()
        assert saved(home, play.session.scenario.id)["best"]["plays"] == 2


@run_async
async def test_assess_debrief_offers_no_going_back(home: Path) -> None:
    app = app_for(EXAMPLE, mode="assess")
    async with app.run_test(size=SIZE) as pilot:
        await finish(pilot, next(iter(ENDINGS.values())))
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen))
        assert "Go back" not in screen_text(app)
        # Feedback held back while playing is in the debrief.
        assert "Coach:" in str(app.screen.query_one(".review-coach").render())


@run_async
async def test_quit_asks_first(home: Path) -> None:
    app = app_for(MINIMAL)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "saved" in screen_text(app)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        await pilot.press("q", "y")
        await pilot.pause()
    assert app.return_value == 0


@run_async
async def test_intro_back_leaves_and_content_notes_come_first(home: Path) -> None:
    app = app_for(MINIMAL)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, IntroScreen))
        assert "Content notes: lying" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_value == 0


@run_async
async def test_keys_help_and_command_palette(home: Path) -> None:
    app = app_for(MINIMAL)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        await pilot.press("question_mark")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        await pilot.press(*"light theme", "enter")
        await until(pilot, lambda: app.theme == "textual-light")
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        await pilot.press("1")
        await pilot.pause()
        assert app.screen.session.is_over
    # The theme chosen is the one the app opens with next time.
    again = app_for(MINIMAL)
    assert again.theme == "textual-light"


@run_async
async def test_markup_in_scenario_text_is_shown_literally(home: Path) -> None:
    app = app_for(MARKUP)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[bold]Not bold[/] and [link=https://example.com]no link[/link]" in text
        assert "[red]markup[/red]" in text
        await pilot.press("s")
        await pilot.pause()
        text = screen_text(app)
        assert "[b]Sam[/b]" in text
        assert "[bold]You said[/bold] [@click=app.quit]you'd call[/]." in text
        assert "[@click=app.quit]Quit?[/] It's no big deal." in text
        # Clicking where the would-be links are does nothing but choose.
        await pilot.click("#story", offset=(10, 2))
        await pilot.click("#story", offset=(30, 2))
        await pilot.pause()
        assert app.is_running
        await pilot.press("2")
        await pilot.pause()
        text = screen_text(app)
        assert "[dim]Sam looks away.[/dim]" in text
        assert "[b]Downplaying[/b] it hurts." in text
        await pilot.press("enter")
        await pilot.pause()
        assert "The end: [bold]The End[/]" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert "Ending: [bold]The End[/]" in screen_text(app)


@run_async
async def test_resizes_and_the_history_pane(home: Path) -> None:
    numbers = max(ENDINGS.values(), key=len)
    app = app_for(EXAMPLE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await play_turns(pilot, numbers[:2])
        # At 80 columns the pane is not even built until it is asked for.
        assert not screen.query("#history") and not screen.history_shown
        await pilot.press("h")
        await until(pilot, lambda: "Choice 1" in str(
            screen.query_one("#history-text").render()))
        assert screen.history_shown
        assert "What was said" in screen_text(app)
        await pilot.press("h")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not screen.history_shown, "the player's choice holds across a resize"
        screen.history_open = None
        await pilot.resize_terminal(121, 40)
        await pilot.pause()
        assert screen.history_shown
        for size in ((60, 16), (80, 24), (200, 60)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert screen.session.scenario.title in screen_text(app)
        await play_turns(pilot, numbers[2:3])
        assert len(screen.session.history) == 3


@run_async
async def test_a_choice_is_saved_before_the_screen_shows_it(home: Path) -> None:
    """Write-ahead: a process killed the instant after a choice (no frame drawn, no exit
    handler run) has already saved it."""
    numbers = next(iter(ENDINGS.values()))
    app = app_for(EXAMPLE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        screen.action_choose(numbers[0])
        record = saved(home, screen.session.scenario.id)
        assert len(record["play"]["steps"]) == 1
