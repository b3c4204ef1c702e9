"""One module per command. Each defines `register(commands)`, adding its parser with a
`handler`; modules import what their handler needs inside it, so `trustsim --help` and the
light commands never pay for the heavy ones (Textual, asyncssh)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2

#: The commands in the order `trustsim --help` lists them.
COMMANDS = ("play", "check", "run", "analyze", "graph", "new", "schema", "serve", "report",
            "dashboard")


class CommandError(Exception):
    """A failure to report in one line, with the exit status it deserves."""

    def __init__(self, message: str, status: int = EXIT_PROBLEM) -> None:
        super().__init__(message)
        self.status = status


class Parser(argparse.ArgumentParser):
    """Usage errors exit 2 with one line and a pointer to --help."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n"
                              f"Try '{self.prog} --help' for more.\n")


def emit(text: str, output: Path | None) -> None:
    """A command's output: to stdout, or to the file `--output` names."""
    if output is None:
        print(text, end="")
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CommandError(f"{output}: cannot write: {error.strerror or error}") from None


def warn(message: str) -> None:
    print(f"trustsim: {message}", file=sys.stderr)
