"""`trustsim report`: the class's results from the results store."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from trustsim.commands import EXIT_OK, EXIT_USAGE, CommandError

if TYPE_CHECKING:
    from trustsim.store import ResultsStore

FORMATS = ("table", "csv", "json", "xapi")


def register(commands: Any) -> None:
    report = commands.add_parser(
        "report", help="show the class's results from the results store",
        description="Per student (scenario, ending, scores, finished or not) and per node "
                    "(how many chose each option), from the results store that "
                    "`trustsim serve` writes.")
    report.add_argument("--db", metavar="URL",
                        help="the results store: a SQLite file, sqlite:///PATH or "
                             "postgresql://... (default: the one `trustsim serve` uses)")
    report.add_argument("--by", choices=("student", "node", "both"), default=None,
                        help="per student, per node, or both (default: both for table and "
                             "json, student for csv)")
    report.add_argument("--format", choices=FORMATS, default="table",
                        help="table (default), csv, json, or xapi statements for a learning "
                             "record store")
    report.add_argument("--scenario", metavar="ID", help="only this scenario")
    report.add_argument("--anonymize", action="store_true",
                        help="stable pseudonyms in place of names")
    report.add_argument("--scenarios", metavar="DIR", default=None,
                        help="scenario folder, to list options nobody chose "
                             "(default: the bundled library and your own)")
    report.add_argument("--xapi-base", metavar="IRI", default=None,
                        help="base IRI of the activities and accounts in xAPI statements")
    report.set_defaults(handler=run_report)


def run_report(args: argparse.Namespace) -> int:
    from trustsim.store import StoreError
    from trustsim.store.formats import as_csv, as_json, as_table
    from trustsim.store.report import build_report
    from trustsim.store.xapi import DEFAULT_BASE, as_xapi

    by = args.by or ("student" if args.format == "csv" else "both")
    if args.format == "csv" and by == "both":
        raise CommandError("--format csv holds one table: choose --by student or --by node",
                           EXIT_USAGE)
    try:
        with open_results(args.db) as store:
            report = build_report(store, scenario=args.scenario, anonymize=args.anonymize,
                                  scenarios=_library(args.scenarios))
            secret = store.secret("xapi") if args.format == "xapi" else ""
    except StoreError as error:
        raise CommandError(str(error)) from None
    if args.format == "csv":
        text = as_csv(report, by)
    elif args.format == "json":
        text = as_json(report, by)
    elif args.format == "xapi":
        text = as_xapi(report, base=args.xapi_base or DEFAULT_BASE, secret=secret)
    else:
        text = as_table(report, by)
    print(text, end="")
    return EXIT_OK


def open_results(url: str | None) -> ResultsStore:
    """The results store to read, or a one-line error: reading must never create an empty
    store in place of the one the instructor meant."""
    from pathlib import Path

    from trustsim.store import (
        StoreError,
        default_db_path,
        is_postgres_url,
        normalize_url,
        open_store,
    )

    if url is None and not default_db_path().exists():
        raise CommandError(f"no results yet: {default_db_path()} does not exist "
                           "(start a class with `trustsim serve`, or give --db)")
    if url and not is_postgres_url(url):
        path = Path("/" + normalize_url(url).removeprefix("sqlite:///"))
        if not path.exists():
            raise CommandError(f"{url}: no such results store")
    try:
        return open_store(url)
    except StoreError as error:
        raise CommandError(str(error)) from None


def _library(folder: str | None) -> dict[str, Any]:
    """The scenarios at hand, by id; a report does without them when they are missing."""
    from pathlib import Path

    from trustsim.loader.library import load_library
    from trustsim.paths import library_folders

    folders = [Path(folder)] if folder else library_folders()
    library = load_library([f for f in folders if f.exists()])
    return {scenario.id: scenario for scenario in library.scenarios}
