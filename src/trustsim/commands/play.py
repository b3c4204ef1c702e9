"""`trustsim play SCENARIO [--mode coach|assess] [--resume] [--plain] [--watch]`: play in the
terminal.

The TUI is imported inside the handler only, so no other command pays for Textual. Without a
terminal (a pipe, a script, a screen reader's dumb terminal) the play falls back to plain
line mode.

`--watch` is the author's way to play: the file is loaded again whenever it is saved, the play
keeps its place as far as the new version allows, and problems are listed in the app.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from trustsim.commands import EXIT_OK, EXIT_USAGE, CommandError, warn

if TYPE_CHECKING:
    from pathlib import Path

    from trustsim.journal import Journal
    from trustsim.model import Scenario

MODES = ("coach", "assess")


def register(commands: Any) -> None:
    play = commands.add_parser(
        "play", help="play a scenario in the terminal",
        description="Play a scenario: read, choose what to say, see how it lands, and get a "
                    "debrief. Your play is saved after every choice.")
    play.add_argument("scenario", metavar="SCENARIO", help="a scenario file or a scenario id")
    play.add_argument("--mode", choices=MODES, default=None,
                      help="coach (default): meters, feedback and undo while you play; "
                           "assess: none of them until the debrief")
    play.add_argument("--resume", action="store_true",
                      help="continue your unfinished play of this scenario")
    play.add_argument("--plain", action="store_true",
                      help="line mode: numbered text on stdout, one number per line on stdin "
                           "(screen readers, dumb terminals, scripts)")
    play.add_argument("--watch", action="store_true",
                      help="for authors: load the file again whenever it is saved, keep your "
                           "place as far as the new version allows, and list its problems in "
                           "the app (coach mode; nothing is saved)")
    # The classroom server passes these; a classroom journal will use them.
    play.add_argument("--student", default=None, help=argparse.SUPPRESS)
    play.add_argument("--results", default=None, help=argparse.SUPPRESS)
    play.set_defaults(handler=run_play)


def extra_journals(args: argparse.Namespace) -> list[Journal]:
    """Journals besides the player's save file: the classroom's results store, when
    `--student` and `--results` ask for it."""
    if not (getattr(args, "student", None) and getattr(args, "results", None)):
        return []
    from trustsim.store.classroom import extra_journals as classroom_journals

    return classroom_journals(args)


def run_play(args: argparse.Namespace) -> int:
    from trustsim.commands.scenarios import resolve_scenario

    if args.watch:
        return watch_play(args)
    scenario = resolve_scenario(args.scenario)
    journals = extra_journals(args)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if args.plain or not interactive:
        if not args.plain:
            warn("not a terminal: playing in plain line mode (--plain)")
        return play_plain(args, scenario, journals)
    from trustsim.tui.app import Launch, run_app

    return run_app(Launch(scenario=scenario, mode=args.mode, resume=args.resume,
                          journals=tuple(journals)))


def watch_play(args: argparse.Namespace) -> int:
    """`--watch`: the app loads the file itself (and keeps loading it), so a file with errors
    opens on its problems instead of refusing to start."""
    clashes = [flag for flag, given in (("--plain", args.plain), ("--resume", args.resume),
                                        ("--mode assess", args.mode == "assess"),
                                        ("--student", args.student)) if given]
    if clashes:
        raise CommandError(f"--watch plays in coach mode and saves nothing: it does not go "
                           f"with {', '.join(clashes)}", EXIT_USAGE)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CommandError("--watch needs a terminal", EXIT_USAGE)
    path = watched_file(args.scenario)
    from trustsim.tui.app import Launch, run_app

    return run_app(Launch(watch=path))


def watched_file(name: str) -> Path:
    """The file to watch: a path as given, or the file of the scenario with this id."""
    import os
    from pathlib import Path

    path = Path(name)
    if path.suffix == ".toml" or path.exists() or os.sep in name:
        if not path.is_file():
            raise CommandError(f"{name}: no such file" if not path.exists()
                               else f"{name}: not a file")
        return path
    from trustsim.commands.scenarios import resolve_scenario

    scenario = resolve_scenario(name)
    if scenario.path is None:
        raise CommandError(f'scenario "{name}" has no file to watch')
    return scenario.path


def play_plain(args: argparse.Namespace, scenario: Scenario, journals: list[Journal]) -> int:
    from trustsim.engine import Session
    from trustsim.journal import Journals
    from trustsim.plain import PlainPlay
    from trustsim.saves import SaveJournal, SaveStore, check_resume

    store = SaveStore()
    record = store.read(scenario.id)
    if record.problem:
        warn(record.problem)
    mode = args.mode or "coach"
    saved = record.play
    if saved is not None and args.resume:
        if args.mode and args.mode != saved.mode:
            warn(f"continuing in {saved.mode} mode, the mode this play was started in")
        mode = saved.mode
    session = Session(scenario)
    journal = Journals([SaveJournal(mode, store, on_error=warn), *journals])
    hint = f"; continue it with: trustsim play {scenario.id} --plain --resume"
    plain = PlainPlay(session, journal, mode, sys.stdin, sys.stdout, hint)
    if args.resume:
        if saved is None:
            plain.say("There is no unfinished play of this scenario; starting from the "
                      "beginning.")
        else:
            try:
                plain.resume(check_resume(session, saved))
            except KeyboardInterrupt:
                return EXIT_OK
    elif saved is not None:
        plain.say("(You have an unfinished play of this scenario; --resume continues it. "
                  "A new choice here replaces it.)")
        plain.say()
    return plain.run()
