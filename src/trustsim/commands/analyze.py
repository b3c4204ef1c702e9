"""`trustsim analyze SCENARIO`: path counts, reachable endings, exact best and worst scores,
unreached nodes and choices; `--random N --seed S` adds random playthroughs."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trustsim.commands import EXIT_OK, EXIT_USAGE, CommandError
from trustsim.commands.scenarios import resolve_scenario

if TYPE_CHECKING:
    from trustsim.authoring.analyze import Analysis
    from trustsim.authoring.randomtest import RandomReport


def register(commands: Any) -> None:
    analyze = commands.add_parser(
        "analyze", help="count paths, find reachable endings and the best and worst scores",
        description="Analyse every play of a scenario: the number of paths (exact, however "
                    "large), the endings a play can reach, the exact best and worst score of "
                    "each dimension with the choices that reach it, and the nodes and choices "
                    "no play reaches. When the play state is too large to search, the "
                    "analysis says so and samples instead.")
    analyze.add_argument("scenario", metavar="SCENARIO", help="a scenario file or id")
    analyze.add_argument("--json", action="store_true", help="print the analysis as JSON")
    analyze.add_argument("--random", type=_count, default=0, metavar="N",
                         help="also play N random playthroughs and show how they end")
    analyze.add_argument("--seed", type=int, default=0, metavar="S",
                         help="seed of the random playthroughs (default 0): the same seed "
                              "gives the same plays")
    analyze.add_argument("--max-states", type=_count, default=None, metavar="N",
                         help="states the exact search may visit before it samples instead "
                              "(default 200,000)")
    analyze.add_argument("--max-turns", type=_count, default=None, metavar="N",
                         help="with loops: count and search plays of at most N choices "
                              "(default twice the number of choice nodes)")
    analyze.set_defaults(handler=run_analyze)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" is not a whole number') from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def run_analyze(args: argparse.Namespace) -> int:
    from trustsim.authoring.analyze import analyze
    from trustsim.authoring.randomtest import random_playthroughs

    if args.max_turns == 0:
        raise CommandError("--max-turns must be at least 1", EXIT_USAGE)
    scenario = resolve_scenario(args.scenario)
    analysis = analyze(scenario, max_states=args.max_states, max_choices=args.max_turns)
    report = None
    if args.random:
        progress = None if args.json or not sys.stderr.isatty() else ProgressBar(sys.stderr)
        report = random_playthroughs(scenario, args.random, args.seed,
                                     max_turns=args.max_turns, progress=progress)
        if progress is not None:
            progress.close()
    if args.json:
        result = analysis.to_json()
        if report is not None:
            result["random"] = report.to_json()
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(render_analysis(analysis), end="")
    if report is not None:
        print()
        print(render_random(report), end="")
    return EXIT_OK


class ProgressBar:
    """A one-line bar on a terminal, redrawn in place and erased when done."""

    def __init__(self, stream: Any, width: int = 30) -> None:
        self.stream = stream
        self.width = width

    def __call__(self, done: int, total: int) -> None:
        filled = self.width * done // total
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {100 * done // total:3d}%  {done:,}/{total:,} plays")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\r\x1b[K")
        self.stream.flush()


# -- text -------------------------------------------------------------------------------------


#: Longest play whose choice numbers the text report shows in full (--json has them all).
NUMBERS_SHOWN = 20


def _numbers(numbers: Sequence[int]) -> str:
    if not numbers:
        return "(none)"
    if len(numbers) <= NUMBERS_SHOWN:
        return ",".join(map(str, numbers))
    shown = ",".join(map(str, numbers[:NUMBERS_SHOWN]))
    return f"{shown},... ({len(numbers):,} choices)"


def _table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)
                               ).rstrip() for row in rows]


def _safe(text: str) -> str:
    # Scenario text is data: shown as typed, but never with escapes the terminal would obey.
    return "".join(c if c.isprintable() else " " for c in text)


def _count_lines(label: str, align: str, why_infinite: str, count: int | None,
                 bounded: int | None, max_choices: int | None) -> list[str]:
    """A count of paths or plays: exact, or infinite with the count of bounded length."""
    from trustsim.authoring.graph_facts import describe_count

    if count is not None:
        return [f"  {label} {align}{describe_count(count)}"]
    assert bounded is not None
    return [f"  {label} infinite ({why_infinite});",
            f"    {describe_count(bounded)} of at most {max_choices} choices"]


def render_analysis(analysis: Analysis) -> str:

    search = analysis.search
    out = [f"{_safe(analysis.title)} ({analysis.scenario})",
           f"  {analysis.nodes:,} nodes, {analysis.choices:,} choices", "", "Paths"]
    paths = analysis.paths
    out += _count_lines("through the graph (conditions ignored):", "",
                        "a loop through choices", paths.count, paths.bounded, paths.max_choices)
    plays = analysis.plays
    if plays is not None:
        out += _count_lines("playable (conditions applied):", " " * 9,
                            "a play can return to a state it was in",
                            plays.count, plays.bounded, plays.max_choices)
    if search.exact:
        out.append(f"  search: exact, every play covered ({search.states:,} distinct states)")
    else:
        out.append("  search: NOT EXACT - the play state is too large to search:")
        out.append(f"    {search.reason}")
        out.append(f"    what follows comes from {search.sampled_plays:,} sampled plays "
                   "(random, and greedy for each score);")
        out.append("    raise --max-states to search further")
    out += ["", "Endings"]
    rows = []
    for ending in analysis.endings:
        if ending.reachable:
            status = "reachable"
            detail = (f"e.g. choices {_numbers(ending.example)}"
                      if ending.example is not None else "")
        elif ending.reachable is False:
            status, detail = "UNREACHABLE", ending.reason or ""
        else:
            status, detail = "not found", ending.reason or ""
        rows.append([ending.node, f'"{_safe(ending.title)}"', status, detail])
    out += _table(rows) if rows else ["  (none)"]
    out += ["", "Scores" + ("" if search.exact else " (found by sampling: the true worst may be "
                                                    "lower and the true best higher)")]
    if analysis.extremes:
        rows = [["", "worst", "best"]]
        from trustsim.scoring import SCORE_NAMES

        for name in SCORE_NAMES:
            worst, best = analysis.extreme(name, False), analysis.extreme(name, True)
            rows.append([name, str(worst.value) if worst else "-",
                         str(best.value) if best else "-"])
        out += _table(rows)
        out += ["", "  plays reaching them (choice numbers as `trustsim run --choices` takes "
                    "them):"]
        rows = []
        for extreme in analysis.extremes:
            word = "best" if extreme.best else "worst"
            rows.append([f"{word} {extreme.score}", str(extreme.value),
                         _numbers(extreme.path.choices), f"-> {extreme.path.ending}"])
        out += _table(rows, "    ")
    else:
        out.append("  no play reaches an ending")
    if search.max_choices is not None:
        out.append(f"  (the states loop: plays of at most {search.max_choices} choices)")
    out += ["", "Never reached"]
    if not analysis.unreached_nodes and not analysis.unreached_choices:
        out.append("  every node and every choice is reached by some play")
    reasons = {"no-path": "no path leads here", "conditions": "conditions never allow it",
               "not-found": "not reached by sampled plays"}
    unknown_nodes = [lost for lost in analysis.unreached_nodes if lost.reason == "not-found"]
    unknown_choices = [lost for lost in analysis.unreached_choices
                       if lost.reason == "not-found"]
    for lost in analysis.unreached_nodes:
        if lost.reason != "not-found":
            out.append(f"  node {lost.node}: {reasons[lost.reason]}")
    for lost in analysis.unreached_choices:
        if lost.reason != "not-found":
            out.append(f'  choice {lost.choice} of {lost.node} ("{_safe(_short(lost.text))}"):'
                       f" {reasons[lost.reason]}")
    if unknown_nodes or unknown_choices:
        # Sampling leaves most of a huge scenario unvisited: a list would drown the rest.
        shown = ", ".join(lost.node for lost in unknown_nodes[:UNKNOWN_SHOWN])
        more = " ..." if len(unknown_nodes) > UNKNOWN_SHOWN else ""
        out.append(f"  {len(unknown_nodes):,} nodes and {len(unknown_choices):,} choices not "
                   "reached by sampled plays (not proven unreachable; all are in --json)")
        if shown:
            out.append(f"    {shown}{more}")
    if analysis.invariants:
        out += ["", "Invariants"]
        for invariant in analysis.invariants:
            label = f'"{_safe(invariant.name)}"' if invariant.name else _safe(invariant.source)
            if invariant.holds:
                out.append(f"  holds on every play: {label}")
            elif invariant.holds is False:
                assert invariant.counterexample is not None
                out.append(f"  BROKEN: {label}, by choices {_numbers(invariant.counterexample)}")
            else:
                out.append(f"  not broken by sampled plays (not proven): {label}")
    return "\n".join(out) + "\n"


#: Nodes listed by name in the text report when sampling did not reach them.
UNKNOWN_SHOWN = 10


def _short(text: str | None) -> str:
    from trustsim.authoring.graph import short

    return short(text or "", 50)


_BINS = [(0, 9), (10, 19), (20, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 79),
         (80, 89), (90, 100)]


def render_random(report: RandomReport) -> str:
    from trustsim.scoring import SCORE_NAMES

    out = [f"Random playthroughs: {report.plays:,} plays, seed {report.seed}", "", "Endings"]
    finished = report.plays - report.unfinished
    top = max([c for _, _, c in report.endings] + [report.unfinished, 1])
    rows = []
    for node, title, count in report.endings:
        rows.append([node, f'"{_safe(title)}"', f"{count:,}", _percent(count, report.plays),
                     _bar(count, top, 30)])
    if report.unfinished:
        rows.append(["(unfinished)", f"after {report.max_turns} choices",
                     f"{report.unfinished:,}", _percent(report.unfinished, report.plays),
                     _bar(report.unfinished, top, 30)])
    out += _table(rows)
    out += ["", f"Scores of the {finished:,} finished plays (count per band)"]
    bands = {name: [sum(report.scores[name][low:high + 1]) for low, high in _BINS]
             for name in SCORE_NAMES}
    peaks = {name: max([*bands[name], 1]) for name in SCORE_NAMES}
    rows = [["score", *SCORE_NAMES]]
    for index in reversed(range(len(_BINS))):
        low, high = _BINS[index]
        rows.append([f"{low}-{high}", *(
            f"{_bar(bands[n][index], peaks[n], 10):<10} {bands[n][index]:>6,}"
            for n in SCORE_NAMES)])
    means = [report.mean(name) for name in SCORE_NAMES]
    rows.append(["mean", *(f"{m:.1f}" if m is not None else "-" for m in means)])
    out += _table(rows)
    if report.mean_trust is not None:
        out.append(f"  mean final trust: {report.mean_trust:.1f}")
    out += ["", "Coverage"]
    if not report.unreached_nodes and not report.unreached_choices:
        out.append("  every node and every choice was reached by random play")
    else:
        if report.unreached_nodes:
            out.append("  nodes never reached: " + ", ".join(report.unreached_nodes))
        for node, number, text in report.unreached_choices:
            out.append(f'  choice {number} of {node} never taken ("{_safe(_short(text))}")')
    return "\n".join(out) + "\n"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "-"


def _bar(value: int, peak: int, width: int) -> str:
    if not value:
        return ""
    return "#" * max(1, round(width * value / peak))
