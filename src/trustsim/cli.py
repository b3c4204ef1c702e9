"""Command line: argument parsing only; every command calls the core.

Exit codes: 0 success, 1 a problem with what was given (a broken file, a bad choice),
2 a usage error. Every failure is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from trustsim import __version__

if TYPE_CHECKING:
    from trustsim.model import Scenario

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A failure to report in one line, with the exit status it deserves."""

    def __init__(self, message: str, status: int = EXIT_PROBLEM) -> None:
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n"
                              f"Try '{self.prog} --help' for more.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="trustsim",
        description="Practise rebuilding trust after you have broken it. "
                    "With no command, opens the scenario library.",
    )
    parser.add_argument("--version", action="version", version=f"trustsim {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser(
        "check", help="check scenario files like a compiler",
        description="Report every problem in scenario files and folders. "
                    "Exit 0: no errors; 1: errors; 2: usage.")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                       help="scenario files, or folders to search for *.toml")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="output format (default: text)")
    check.set_defaults(handler=_check)

    run = commands.add_parser(
        "run", help="play given choices headless and print the report",
        description="Play the given choices (1-based, as shown at each choice) and print "
                    "the report. `next` and routes are followed without a number.")
    run.add_argument("scenario", metavar="SCENARIO", help="a scenario file or a scenario id")
    run.add_argument("--choices", default="", metavar="N,N,...",
                     help="comma-separated choice numbers, e.g. 2,1,3")
    run.add_argument("--json", action="store_true", help="print the report as JSON")
    run.set_defaults(handler=_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    try:
        if handler is None:
            return _open_library(args)
        return handler(args)
    except CommandError as error:
        print(f"trustsim: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`trustsim check | head`): nothing left to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PROBLEM
    except Exception as error:
        # The last line of defence: a user never sees a traceback.
        if os.environ.get("TRUSTSIM_DEBUG"):
            raise
        print(f"trustsim: internal error: {type(error).__name__}: {error} "
              "(set TRUSTSIM_DEBUG=1 for details)", file=sys.stderr)
        return 70


def _open_library(args: argparse.Namespace) -> int:
    build_parser().print_help()
    return EXIT_OK


# -- check ----------------------------------------------------------------------------------

def _check(args: argparse.Namespace) -> int:
    from trustsim.loader.diagnostics import Severity, sort_diagnostics
    from trustsim.loader.library import load_library, scenario_files

    paths: list[Path] = args.paths
    library = load_library(paths)
    diagnostics = sort_diagnostics(library.all_diagnostics())
    if args.format == "json":
        print(json.dumps([d.to_json() for d in diagnostics], indent=2, ensure_ascii=False))
    else:
        for diagnostic in diagnostics:
            print(diagnostic.render())
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        warnings = len(diagnostics) - errors
        files = len(scenario_files(paths))
        print(_summary(files, errors, warnings), file=sys.stderr)
    return EXIT_PROBLEM if any(d.is_error for d in diagnostics) else EXIT_OK


def _summary(files: int, errors: int, warnings: int) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    if not files:
        return "no scenario files found"
    if not errors and not warnings:
        return f"{plural(files, 'file')} checked: no problems"
    return f"{plural(files, 'file')} checked: {plural(errors, 'error')}, " \
           f"{plural(warnings, 'warning')}"


# -- run ------------------------------------------------------------------------------------

def _run(args: argparse.Namespace) -> int:
    from trustsim.engine import PlayError, play

    numbers = _parse_choices(args.choices)
    scenario = resolve_scenario(args.scenario)
    try:
        session = play(scenario, numbers)
    except PlayError as error:
        raise CommandError(f"{scenario.id}: {error}") from None
    report = session.report()
    ending = session.ending
    result: dict[str, object] = {
        "scenario": scenario.id,
        "ending": {"node": ending.id, "title": ending.ending} if ending else None,
        "finished": ending is not None,
        **report.to_json(),
        "path": [
            {"node": step.node_id, "choice": step.number, "text": step.choice.text,
             "tags": list(step.choice.tags), "signal": str(step.choice.signal)}
            for step in session.history
        ],
    }
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{scenario.title} ({scenario.id})")
    if ending is not None:
        print(f"Ending: {ending.ending}")
    else:
        print(f"Not finished: waiting at `{session.node.id}` with "
              f"{len(session.offers())} choices on offer")
    for name, value in report.scores.items():
        print(f"  {name:<15}{value:>4}")
    return EXIT_OK


def _parse_choices(text: str) -> list[int]:
    numbers: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if not part.isdigit() or int(part) < 1:
            raise CommandError(f'--choices: "{part}" is not a choice number (1, 2, 3, ...)',
                               EXIT_USAGE)
        numbers.append(int(part))
    return numbers


def resolve_scenario(name: str) -> Scenario:
    """A scenario by file path, or by id among the library folders."""
    from trustsim.loader import ScenarioError, load_scenario
    from trustsim.loader.library import load_library
    from trustsim.paths import library_folders

    path = Path(name)
    if path.suffix == ".toml" or path.exists() or os.sep in name:
        if not path.exists():
            raise CommandError(f"{name}: no such file")
        try:
            return load_scenario(path)
        except ScenarioError as error:
            count = sum(d.is_error for d in error.diagnostics)
            more = f" (and {count - 1} more; run `trustsim check {name}`)" if count > 1 else ""
            raise CommandError(f"{error}{more}") from None
    folders = [f for f in library_folders() if f.is_dir()]
    found = load_library(folders).find(name)
    if found is None:
        raise CommandError(f'no scenario with id "{name}" in {", ".join(map(str, folders))}')
    return found


if __name__ == "__main__":
    sys.exit(main())
