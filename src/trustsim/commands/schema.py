"""`trustsim schema`: the JSON Schema of the scenario format, for editors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from trustsim.commands import EXIT_OK, emit


def register(commands: Any) -> None:
    schema = commands.add_parser(
        "schema", help="JSON Schema of the scenario format, for editors",
        description="Print a JSON Schema (draft 2020-12) of scenario format 1. Save it and "
                    "point Taplo / Even Better TOML at it (a `#:schema ./trustsim.schema.json` "
                    "first line, or a .taplo.toml rule) for completion and checking as you "
                    "type.")
    schema.add_argument("-o", "--output", type=Path, default=None, metavar="FILE",
                        help="write to FILE instead of standard output")
    schema.set_defaults(handler=run_schema)


def run_schema(args: argparse.Namespace) -> int:
    from trustsim.authoring.schema import scenario_schema

    text = json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
    emit(text, args.output)
    return EXIT_OK
