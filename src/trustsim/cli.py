"""Command line: argument parsing only; every command calls the core.

Exit codes: 0 success, 1 a problem with what was given (a broken file, a bad choice),
2 a usage error. Every failure is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from trustsim import __version__
from trustsim.commands import COMMANDS, CommandError, Parser, warn


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with every command, or only `command` when it names one: each command's
    module is imported to register it, and a start (`trustsim play`) should not pay for the
    others. Usage errors and `trustsim --help` list all of them."""
    parser = Parser(
        prog="trustsim",
        description="Practise rebuilding trust after you have broken it. "
                    "With no command, opens the scenario library.",
    )
    parser.add_argument("--version", action="version", version=f"trustsim {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in (command,) if command in COMMANDS else COMMANDS:
        importlib.import_module(f"trustsim.commands.{name}").register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(words[0] if words else None)
    args = parser.parse_args(words)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    try:
        if handler is None:
            return open_library(args)
        return handler(args)
    except CommandError as error:
        warn(str(error))
        return error.status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`trustsim check | head`): nothing left to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:
        # The last line of defence: a user never sees a traceback.
        if os.environ.get("TRUSTSIM_DEBUG"):
            raise
        warn(f"internal error: {type(error).__name__}: {error} "
             "(set TRUSTSIM_DEBUG=1 for details)")
        return 70


def open_library(args: argparse.Namespace) -> int:
    """No command: the library in the TUI, or the help when there is no terminal to draw on."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        build_parser().print_help()
        return 0
    from trustsim.tui.app import Launch, run_app

    return run_app(Launch())


if __name__ == "__main__":
    sys.exit(main())
