"""`trustsim check PATH...`: every problem in scenario files, compiler style."""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustsim.commands import EXIT_OK, EXIT_PROBLEM

if TYPE_CHECKING:
    from trustsim.loader.diagnostics import Diagnostic
    from trustsim.loader.library import Library


def register(commands: Any) -> None:
    check = commands.add_parser(
        "check", help="check scenario files like a compiler",
        description="Report every problem in scenario files and folders. "
                    "Exit 0: no errors; 1: errors; 2: usage.")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                       help="scenario files, or folders to search for *.toml")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="output format (default: text)")
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    from trustsim.loader.diagnostics import Severity, sort_diagnostics
    from trustsim.loader.library import load_library, scenario_files

    paths: list[Path] = args.paths
    library = load_library(paths)
    diagnostics = sort_diagnostics([*library.all_diagnostics(), *scenario_tests(library)])
    if args.format == "json":
        print(json.dumps([d.to_json() for d in diagnostics], indent=2, ensure_ascii=False))
    else:
        for diagnostic in diagnostics:
            print(diagnostic.render())
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        warnings = len(diagnostics) - errors
        print(summary(len(scenario_files(paths)), errors, warnings), file=sys.stderr)
    return EXIT_PROBLEM if any(d.is_error for d in diagnostics) else EXIT_OK


def summary(files: int, errors: int, warnings: int) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    if not files:
        return "no scenario files found"
    if not errors and not warnings:
        return f"{plural(files, 'file')} checked: no problems"
    return (f"{plural(files, 'file')} checked: {plural(errors, 'error')}, "
            f"{plural(warnings, 'warning')}")


def scenario_tests(library: Library) -> list[Diagnostic]:
    """E060 for the `[[tests]]` and `[[invariants]]` of every file that loaded cleanly: a
    scenario's own tests are part of checking it, like a compiler running static asserts."""
    from trustsim.authoring.scenario_tests import scenario_diagnostics

    found: list[Diagnostic] = []
    for result in library.results:
        if result.scenario is not None:
            found += scenario_diagnostics(result.scenario, result.file,
                                          partial(Path(result.file).read_text, "utf-8-sig"))
    return found
