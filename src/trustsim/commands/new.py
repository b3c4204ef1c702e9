"""`trustsim new ID`: a commented, valid scenario file to start from."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from trustsim.commands import EXIT_OK, EXIT_USAGE, CommandError


def register(commands: Any) -> None:
    new = commands.add_parser(
        "new", help="write a new scenario file to start from",
        description="Write a small but complete scenario, every key explained in a comment, "
                    "that passes `trustsim check` with no warnings. Never overwrites a file.")
    new.add_argument("id", metavar="ID",
                     help="the scenario id: lower-case letters, digits and hyphens")
    new.add_argument("-o", "--output", default=None, metavar="FILE",
                     help="where to write it (default: ID.toml here; - for standard output)")
    new.add_argument("--title", default=None, help="its title (default: from the id)")
    new.add_argument("--partner", default="Sam", help="the partner's name (default: Sam)")
    new.add_argument("--author", default="", help="your name")
    new.set_defaults(handler=run_new)


def run_new(args: argparse.Namespace) -> int:
    from trustsim.authoring.scaffold import ScaffoldError, scaffold

    try:
        text = scaffold(args.id, title=args.title, partner=args.partner, author=args.author)
    except ScaffoldError as error:
        raise CommandError(str(error), EXIT_USAGE) from None
    if args.output == "-":
        print(text, end="")
        return EXIT_OK
    path = Path(args.output) if args.output is not None else Path(f"{args.id}.toml")
    try:
        # "x": created only if it does not exist, atomically, so no race can overwrite one.
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise CommandError(f"{path}: already exists; not overwriting it "
                           "(choose another name with --output)") from None
    except OSError as error:
        raise CommandError(f"{path}: cannot write: {error.strerror or error}") from None
    print(f"Wrote {path}. Next: trustsim check {path}", file=sys.stderr)
    return EXIT_OK
