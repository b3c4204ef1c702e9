"""`trustsim graph SCENARIO --format dot|mermaid`: the branching as a graph."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from trustsim.commands import EXIT_OK, emit
from trustsim.commands.scenarios import resolve_scenario


def register(commands: Any) -> None:
    graph = commands.add_parser(
        "graph", help="the branching as Graphviz DOT or Mermaid",
        description="Print the scenario's branching as a graph: endings marked, each choice's "
                    "edge labelled with its number, short text and tags (+ constructive, "
                    "- destructive), constructive edges green and solid, destructive red and "
                    "dashed. Render DOT with e.g. `dot -Tsvg`; paste Mermaid into Markdown.")
    graph.add_argument("scenario", metavar="SCENARIO", help="a scenario file or id")
    graph.add_argument("--format", choices=("dot", "mermaid"), default="dot",
                       help="output format (default: dot)")
    graph.add_argument("-o", "--output", type=Path, default=None, metavar="FILE",
                       help="write to FILE instead of standard output")
    graph.set_defaults(handler=run_graph)


def run_graph(args: argparse.Namespace) -> int:
    from trustsim.authoring.graph import to_dot, to_mermaid

    scenario = resolve_scenario(args.scenario)
    text = to_dot(scenario) if args.format == "dot" else to_mermaid(scenario)
    emit(text, args.output)
    return EXIT_OK
