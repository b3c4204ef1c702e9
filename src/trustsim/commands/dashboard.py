"""`trustsim dashboard`: the instructor's live view of a class."""

from __future__ import annotations

import argparse
from typing import Any

from trustsim.commands import EXIT_OK, CommandError


def register(commands: Any) -> None:
    dashboard = commands.add_parser(
        "dashboard", help="watch a class live: who is playing, where, how they choose",
        description="A live view of the results store that `trustsim serve` writes: who is "
                    "connected, where each student is, and how the class is choosing at "
                    "each node. Refreshes as results arrive; q quits.")
    dashboard.add_argument("--db", metavar="URL",
                           help="the results store (default: the one `trustsim serve` uses)")
    dashboard.add_argument("--scenario", metavar="ID", help="only this scenario")
    dashboard.add_argument("--anonymize", action="store_true",
                           help="stable pseudonyms in place of names (for a projector)")
    dashboard.add_argument("--interval", type=float, default=1.0, metavar="SECONDS",
                           help="how often to look for new results (default 1)")
    dashboard.set_defaults(handler=run_dashboard)


def run_dashboard(args: argparse.Namespace) -> int:
    from trustsim.commands.report import open_results
    from trustsim.dashboard.app import Dashboard

    if args.interval <= 0:
        raise CommandError("--interval must be more than 0", 2)
    with open_results(args.db) as store:
        Dashboard(store, scenario=args.scenario, anonymize=args.anonymize,
                  interval=args.interval).run()
    return EXIT_OK
