"""`trustsim run SCENARIO --choices 2,1,3 --json`: a headless play and its report."""

from __future__ import annotations

import argparse
import json
from typing import Any

from trustsim.commands import EXIT_OK, EXIT_USAGE, CommandError
from trustsim.commands.scenarios import resolve_scenario


def register(commands: Any) -> None:
    run = commands.add_parser(
        "run", help="play given choices headless and print the report",
        description="Play the given choices (1-based, as shown at each choice) and print "
                    "the report. `next` and routes are followed without a number.")
    run.add_argument("scenario", metavar="SCENARIO", help="a scenario file or a scenario id")
    run.add_argument("--choices", default="", metavar="N,N,...",
                     help="comma-separated choice numbers, e.g. 2,1,3")
    run.add_argument("--json", action="store_true", help="print the report as JSON")
    run.set_defaults(handler=run_run)


def run_run(args: argparse.Namespace) -> int:
    from trustsim.engine import PlayError, play

    numbers = parse_choices(args.choices)
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


def parse_choices(text: str) -> list[int]:
    numbers: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if not part.isdigit() or int(part) < 1:
            raise CommandError(f'--choices: "{part}" is not a choice number (1, 2, 3, ...)',
                               EXIT_USAGE)
        numbers.append(int(part))
    return numbers
