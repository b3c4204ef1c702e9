"""What runs in a student's process: pick a scenario (unless the class has one pinned), then
`trustsim play` it with the student's name and the results store.

The zygote calls `main(argv)` after forking; argv is built by the server, never by the student.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import attrs

from trustsim.journal import Journal
from trustsim.model import Scenario

#: Modules the zygote imports before forking, so that no child pays for them. Missing ones are
#: skipped (the play TUI may live elsewhere in an older checkout).
PRELOAD = (
    "trustsim.cli",
    "trustsim.commands.*",
    "trustsim.tui.*",
    "trustsim.store.classroom",
    "trustsim.store.sqlite",
    "trustsim.serve.picker",
    "textual.app",
)


#: The scenario the zygote warms up with (the class's pinned one, if any).
WARM_SCENARIO_ENV = "TRUSTSIM_WARM_SCENARIO"
#: The library folders students choose from when no scenario is pinned (os.pathsep between).
WARM_LIBRARY_ENV = "TRUSTSIM_WARM_LIBRARY"


def share_parsed_css() -> None:
    """Textual parses every stylesheet again for each App (its parse cache lives in the App's
    Stylesheet), a fifth of a student's start-up. Parsing is a pure function of the CSS text,
    where it came from and the theme's variables, so one memo for the process, filled by the
    warm-up before the fork, serves every student's App from pages they all share."""
    from textual.css.stylesheet import Stylesheet

    original = Stylesheet._parse_rules
    if getattr(original, "shared_memo", False):
        return
    memo: dict[tuple[object, ...], object] = {}

    def parse_rules(self: Stylesheet, css: str, read_from: object,
                    is_default_rules: bool = False, tie_breaker: int = 0,
                    scope: str = "") -> object:
        key = (css, read_from, is_default_rules, tie_breaker, scope,
               tuple(sorted(self._variables.items())))
        found = memo.get(key)
        if found is None:
            found = memo[key] = original(self, css, read_from,  # type: ignore[arg-type]
                                         is_default_rules, tie_breaker, scope)
        return found

    parse_rules.shared_memo = True  # type: ignore[attr-defined]
    Stylesheet._parse_rules = parse_rules  # type: ignore[assignment,method-assign]


def warm_up() -> None:
    """Once, in the zygote: checks the class's scenarios (kept for every student's process,
    see `keep_checked`), and plays a few moves headless, so that Textual's CSS and style
    caches and the screens' code are warm and shared by every student's process. Nothing is
    saved."""
    import asyncio
    import os
    import tempfile

    from trustsim.loader import keep_checked
    from trustsim.loader.library import load_library, scenario_files
    from trustsim.paths import bundled_scenarios

    pinned = os.environ.get(WARM_SCENARIO_ENV)
    folders = [Path(folder) for folder
               in os.environ.get(WARM_LIBRARY_ENV, "").split(os.pathsep) if folder]
    if pinned:
        keep_checked([pinned])
    elif folders:
        keep_checked(scenario_files(folders))
    library = load_library([Path(pinned)] if pinned else folders or [bundled_scenarios()])
    scenario = next(iter(library.scenarios), None)
    if scenario is None:
        return
    share_parsed_css()
    home = os.environ.get("TRUSTSIM_HOME")
    with tempfile.TemporaryDirectory(prefix="trustsim-warm-") as folder:
        os.environ["TRUSTSIM_HOME"] = folder
        try:
            asyncio.run(asyncio.wait_for(_rehearse(scenario), 30))
        finally:
            if home is None:
                os.environ.pop("TRUSTSIM_HOME", None)
            else:
                os.environ["TRUSTSIM_HOME"] = home


async def _rehearse(scenario: Scenario) -> None:
    from trustsim.tui.app import Launch, TrustsimApp

    app = TrustsimApp(Launch(scenario=scenario, mode="coach", cursor_blink=False))
    # With tooltips and notifications as a student's app has them (run_test leaves them out),
    # so that their widgets' stylesheets are parsed here too, not in every child.
    async with app.run_test(size=(100, 30), tooltips=True, notifications=True) as pilot:
        # Start (past the intro), choose, continue past the reaction, choose again.
        for key in ("s", "1", "space", "1", "space"):
            await pilot.press(key)
        await pilot.pause()


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="trustsim-session", add_help=False)
    parser.add_argument("--scenario", type=Path, default=None)
    parser.add_argument("--library", type=Path, action="append", default=[])
    parser.add_argument("--mode", default="coach")
    parser.add_argument("--student", required=True)
    parser.add_argument("--results", required=True)
    return parser.parse_args(argv)


def play_argv(scenario: Path, args: argparse.Namespace, resume: bool = False) -> list[str]:
    argv = ["play", str(scenario), "--mode", args.mode, "--student", args.student,
            "--results", args.results]
    return [*argv, "--resume"] if resume else argv


def seed_local_save(scenario_path: Path, args: argparse.Namespace) -> bool:
    """Makes the student's own save (in their own data folder) say what the results store
    says, so that `play --resume` carries on from the store: the store is the record, and with
    PostgreSQL the student may have played their last choice on another server. Returns
    whether there is a play to resume."""
    from trustsim.loader import ScenarioError, load_scenario
    from trustsim.saves import SavedPlay, SavedStep, SaveStore, scenario_digest
    from trustsim.store import StoreError
    from trustsim.store.classroom import saved_play, store_for

    try:
        scenario_id = load_scenario(scenario_path).id
        found = saved_play(store_for(args.results), args.student, scenario_id)
    except (ScenarioError, StoreError):
        return False
    saves = SaveStore()
    record = saves.read(scenario_id)
    if found is None or not found.steps:
        if record.play is not None:
            saves.forget_play(scenario_id)
        return False
    steps = tuple(SavedStep(s.node, s.index, s.text) for s in found.steps)
    play = SavedPlay(scenario_id, str(scenario_path), scenario_digest(scenario_path),
                     args.mode, steps)
    saves.write(attrs.evolve(record, play=play, problem=None))
    return True


def wire_results_journal() -> None:
    """Makes sure `play` writes to the results store: its `extra_journals` hook gets the
    classroom journal unless it already gives one."""
    from trustsim.commands import play as play_command
    from trustsim.store.classroom import ResultsJournal, extra_journals

    original = play_command.extra_journals
    if getattr(original, "classroom_wired", False):
        return

    def with_results(args: argparse.Namespace) -> list[Journal]:
        journals = list(original(args))
        if not any(isinstance(j, ResultsJournal) for j in journals):
            journals.extend(extra_journals(args))
        return journals

    with_results.classroom_wired = True  # type: ignore[attr-defined]
    play_command.extra_journals = with_results


def main(argv: list[str]) -> int:
    args = parse(argv)
    wire_results_journal()
    scenario = args.scenario
    if scenario is None:
        from trustsim.serve.picker import pick

        scenario = pick(args.library, args.student)
        if scenario is None:
            return 0
    from trustsim.cli import main as cli_main

    return cli_main(play_argv(scenario, args, resume=seed_local_save(scenario, args)))
