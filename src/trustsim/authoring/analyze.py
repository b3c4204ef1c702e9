"""`trustsim analyze`: what every play of a scenario can do, computed rather than sampled.

- **Paths through the graph** (conditions ignored) are counted exactly by dynamic programming
  over the nodes, however large the number; with a loop through choices they are infinite,
  and those of at most `max_choices` choices are counted instead.
- **The play state** is searched exhaustively (`search`), which gives the endings that can
  really be reached, the nodes and choices that no play reaches, the exact number of distinct
  plays and the exact best and worst of every score with a play reaching each (`extremes`).
- When the state space is too large for that (the graph's estimate, or the search itself,
  passes `max_states`), the analysis says so and falls back to sampling: random plays and
  plays that greedily chase each best and worst score. Everything it then reports is
  labelled as found by sampling: a bound, not an exact value.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from attrs import frozen

from trustsim.authoring.compiled import (
    CompiledScenario,
    Kind,
    collector_paused,
    compile_scenario,
)
from trustsim.authoring.extremes import PlayCount, count_plays, extremes
from trustsim.authoring.graph_facts import (
    GraphFacts,
    PathCount,
    count_paths,
    decimal_digits,
    default_max_choices,
    exact_decimal,
    graph_facts,
    scientific,
    turn_limit,
)
from trustsim.authoring.search import ESTIMATE_CAP, StateGraph, explore, plan_keys
from trustsim.authoring.walk import Walker, greedy, net_gains
from trustsim.engine import play
from trustsim.model import Scenario
from trustsim.scoring import SCORE_NAMES, Tally, display_score

__all__ = [
    "DEFAULT_MAX_STATES",
    "Analysis",
    "EndingReach",
    "Extreme",
    "Unreached",
    "analyze",
    "count_to_json",
    "default_max_choices",
]

#: States the exact search may visit before giving up, unless told otherwise. About a
#: second or two of search here; the graph's estimate usually decides before any is spent.
DEFAULT_MAX_STATES = 200_000
#: Sampling, when the exact search is out of reach, makes about this many moves, plus
#: SAMPLE_STEPS_PER_CHOICE per choice of the scenario: linear in its size, and a small part
#: of the time the parse takes. The greedy plays for the best and worst overall score are
#: made whatever they cost (a play is at most as long as the scenario).
SAMPLE_STEPS = 500
SAMPLE_STEPS_PER_CHOICE = 0.5
#: Longest play whose every step (node, choice, text) the report lists.
MAX_STEPS_SHOWN = 200
#: Seed of the sampling fallback: the same scenario always gives the same report.
SAMPLE_SEED = 0


@frozen
class Path:
    """A play the report points at."""

    choices: tuple[int, ...]
    #: (node id, choice number as shown, choice text) of every move; None for plays longer
    #: than MAX_STEPS_SHOWN, whose texts would swamp the report.
    steps: tuple[tuple[str, int, str], ...] | None
    ending: str | None
    scores: Mapping[str, int]

    def to_json(self) -> dict[str, object]:
        return {
            "choices": list(self.choices),
            "steps": (None if self.steps is None else
                      [{"node": n, "choice": c, "text": t} for n, c, t in self.steps]),
            "ending": self.ending,
            "scores": dict(self.scores),
        }


@frozen
class EndingReach:
    node: str
    title: str
    #: True: a play reaches it; False: none can; None: sampling did not find one.
    reachable: bool | None
    reason: str | None = None
    #: The shortest play that reaches it (exact search) or one that does (sampling).
    example: tuple[int, ...] | None = None

    def to_json(self) -> dict[str, object]:
        return {"node": self.node, "title": self.title, "reachable": self.reachable,
                "reason": self.reason,
                "example": list(self.example) if self.example is not None else None}


@frozen
class Extreme:
    score: str
    best: bool
    #: As a player sees it (rounded); `raw` unrounded.
    value: int
    raw: float
    #: True when no play does better (best) or worse (worst); False when found by sampling.
    exact: bool
    path: Path

    def to_json(self) -> dict[str, object]:
        return {"value": self.value, "raw": round(self.raw, 6), "exact": self.exact,
                **self.path.to_json()}


@frozen
class Unreached:
    node: str
    #: Position of the choice in its node's list, from 1 (as in the file); None for a node.
    choice: int | None
    text: str | None
    #: "no-path": nothing in the graph leads there; "conditions": the conditions never let a
    #: play through; "not-found": sampling did not get there (the search was not exhaustive).
    reason: str

    def to_json(self) -> dict[str, object]:
        found: dict[str, object] = {"node": self.node}
        if self.choice is not None:
            found["choice"] = self.choice
            found["text"] = self.text
        found["reason"] = self.reason
        return found


@frozen
class InvariantResult:
    source: str
    name: str | None
    #: True: holds on every play; False: a play breaks it; None: sampling found no break.
    holds: bool | None
    counterexample: tuple[int, ...] | None = None

    def to_json(self) -> dict[str, object]:
        return {"never": self.source, "name": self.name, "holds": self.holds,
                "counterexample": (list(self.counterexample)
                                   if self.counterexample is not None else None)}


@frozen
class Search:
    exact: bool
    states: int
    max_states: int
    #: The graph's upper bound on the number of states (capped).
    estimate: int
    #: Why the search was not exhaustive.
    reason: str | None
    #: Plays sampled in its place.
    sampled_plays: int
    #: With a loop in the states: best/worst and play counts cover plays of at most this
    #: many choices.
    max_choices: int | None


@frozen
class Analysis:
    scenario: str
    title: str
    nodes: int
    choices: int
    paths: PathCount
    plays: PlayCount | None
    endings: tuple[EndingReach, ...]
    extremes: tuple[Extreme, ...]
    unreached_nodes: tuple[Unreached, ...]
    unreached_choices: tuple[Unreached, ...]
    invariants: tuple[InvariantResult, ...]
    search: Search

    def extreme(self, score: str, best: bool) -> Extreme | None:
        return next((e for e in self.extremes if e.score == score and e.best is best), None)

    def to_json(self) -> dict[str, object]:
        scores: dict[str, dict[str, object]] = {}
        for extreme in self.extremes:
            scores.setdefault(extreme.score, {})["best" if extreme.best else "worst"] = (
                extreme.to_json())
        search = self.search
        return {
            "scenario": self.scenario,
            "title": self.title,
            "nodes": self.nodes,
            "choices": self.choices,
            "paths": {
                "graph": count_to_json(self.paths.count, self.paths.bounded,
                                       self.paths.max_choices),
                "plays": (count_to_json(self.plays.count, self.plays.bounded,
                                        self.plays.max_choices)
                          if self.plays is not None else None),
            },
            "search": {
                "method": "exact" if search.exact else "sampled",
                "states": search.states,
                "max_states": search.max_states,
                "estimate": exact_decimal(search.estimate),
                "reason": search.reason,
                "sampled_plays": search.sampled_plays,
                "max_choices": search.max_choices,
            },
            "endings": [e.to_json() for e in self.endings],
            "scores": scores,
            "unreached": {
                "nodes": [u.to_json() for u in self.unreached_nodes],
                "choices": [u.to_json() for u in self.unreached_choices],
            },
            "invariants": [i.to_json() for i in self.invariants],
        }


def count_to_json(count: int | None, bounded: int | None,
                  max_choices: int | None) -> dict[str, object]:
    """A count that may be astronomically large: exact decimal digits as a string (JSON
    numbers lose precision past 2**53 in most readers), with its size and a short form."""
    def number(n: int) -> dict[str, object]:
        mantissa, exponent = scientific(n)
        return {"count": exact_decimal(n), "digits": decimal_digits(n),
                "approx": f"{mantissa}e{exponent}"}

    if count is not None:
        return {"infinite": False, **number(count)}
    return {"infinite": True, "max_choices": max_choices,
            "bounded": number(bounded) if bounded is not None else None}


def analyze(scenario: Scenario, *, max_states: int | None = None,
            max_choices: int | None = None) -> Analysis:
    """Analyse a scenario that loaded without errors."""
    with collector_paused():
        return _analyze(scenario, max_states, max_choices)


def _analyze(scenario: Scenario, max_states: int | None, max_choices: int | None
             ) -> Analysis:
    cs = compile_scenario(scenario)
    facts = graph_facts(cs)
    bound = max_choices if max_choices is not None else default_max_choices(cs, facts)
    limit = max_states if max_states is not None else DEFAULT_MAX_STATES
    paths = count_paths(cs, facts, bound)
    invariants = [i.never for i in scenario.invariants]
    plan = plan_keys(cs, facts, invariants)
    graph: StateGraph | None = None
    reason: str | None = None
    if plan.bound <= limit:
        # The bound is proven, so this search cannot be cut short.
        graph = explore(cs, plan, plan.bound + 1, invariants)
    elif plan.real_estimate > limit:
        reason = (f"{_rough(plan.real_estimate)} states: conditions read trust, hurt or "
                  f"uncertainty, which differ on almost every path")
    else:
        graph = explore(cs, plan, limit, invariants)
        if not graph.complete:
            reason = f"more than {limit:,} states"
    if graph is not None and graph.complete:
        return _exact(scenario, cs, facts, paths, graph, plan.bound, limit, bound)
    return _sampled(scenario, cs, facts, paths, graph, plan.bound, limit, reason or "")


def _rough(n: int) -> str:
    if n >= ESTIMATE_CAP:
        return f"more than 10^{decimal_digits(ESTIMATE_CAP) - 1}"
    if decimal_digits(n) <= 6:
        return f"about {n:,}"
    mantissa, exponent = scientific(n, 1)
    return f"about {mantissa} x 10^{exponent}"


def _path(scenario: Scenario, numbers: Sequence[int]) -> Path:
    """Replays `numbers` with the engine: the report shows exactly what a player would get."""
    session = play(scenario, numbers)
    steps = tuple((s.node_id, s.number, s.choice.text) for s in session.history)
    ending = session.ending.id if session.ending is not None else None
    return Path(tuple(numbers), steps, ending, dict(session.report().scores))


def _choice_text(cs: CompiledScenario, flat: int) -> tuple[str, int, str]:
    v, i = cs.choice_at[flat]
    return cs.ids[v], i + 1, cs.choice_text(flat)


def _unreached(cs: CompiledScenario, facts: GraphFacts, nodes: bytearray,
               choices: bytearray, exact: bool) -> tuple[tuple[Unreached, ...],
                                                         tuple[Unreached, ...]]:
    missed = "conditions" if exact else "not-found"
    lost_nodes = tuple(
        Unreached(cs.ids[v], None, None, "no-path" if not facts.reachable(v) else missed)
        for v in range(cs.size) if not nodes[v]
    )
    lost_choices = []
    for flat, (v, _) in enumerate(cs.choice_at):
        if choices[flat]:
            continue
        node, number, text = _choice_text(cs, flat)
        reason = "no-path" if not facts.reachable(v) else missed
        lost_choices.append(Unreached(node, number, text, reason))
    return lost_nodes, tuple(lost_choices)


def _exact(scenario: Scenario, cs: CompiledScenario, facts: GraphFacts, paths: PathCount,
           graph: StateGraph, estimate: int, limit: int, bound: int) -> Analysis:
    first_at: dict[int, int] = {}
    for state, v in enumerate(graph.node):
        if cs.kinds[v] is Kind.ENDING and v not in first_at:
            first_at[v] = state
    endings = []
    for v, node_id in enumerate(cs.ids):
        if cs.kinds[v] is not Kind.ENDING:
            continue
        title = scenario.nodes[node_id].ending or ""
        if v in first_at:
            endings.append(EndingReach(node_id, title, True, None,
                                       tuple(graph.path_to(first_at[v]))))
        else:
            why = ("no path in the graph leads here" if not facts.reachable(v)
                   else "the conditions on the way never let a play through")
            endings.append(EndingReach(node_id, title, False, why))
    found = extremes(graph, bound)
    extreme_list: list[Extreme] = []
    looped = False
    if found is not None:
        items, looped = found
        for item in items:
            path = _path(scenario, item.choices)
            extreme_list.append(Extreme(item.score, item.best, display_score(item.value),
                                        item.value, True, path))
    plays = count_plays(graph, bound)
    lost_nodes, lost_choices = _unreached(cs, facts, graph.reached_nodes,
                                          graph.reached_choices, True)
    invariants = tuple(
        InvariantResult(inv.never.source, inv.name, i not in graph.violations,
                        tuple(graph.path_to(graph.violations[i]))
                        if i in graph.violations else None)
        for i, inv in enumerate(scenario.invariants)
    )
    return Analysis(
        scenario.id, scenario.title, cs.size, len(cs.choice_at), paths, plays,
        tuple(endings), tuple(extreme_list), lost_nodes, lost_choices, invariants,
        Search(True, graph.size, limit, estimate, None, 0,
               bound if looped or plays.count is None else None),
    )


def _walked(cs: CompiledScenario, moves: Sequence[tuple[int, int]], v: int,
            tally: Tally) -> Path:
    """A sampled play as the report shows it (no replay: the walk is the play)."""
    steps = None
    if len(moves) <= MAX_STEPS_SHOWN:
        steps = tuple((node, number, text) for number, flat in moves
                      for node, _, text in (_choice_text(cs, flat),))
    scores = {name: display_score(value)
              for name, value in zip(SCORE_NAMES, tally.scores(), strict=True)}
    return Path(tuple(number for number, _ in moves), steps, cs.ids[v], scores)


def _sampled(scenario: Scenario, cs: CompiledScenario, facts: GraphFacts, paths: PathCount,
             partial: StateGraph | None, estimate: int, limit: int,
             reason: str) -> Analysis:
    invariants = scenario.invariants
    walker = Walker(cs, turn_limit(cs, facts), [i.never for i in invariants])
    if partial is not None:
        # What the cut-short search found is certain; sampling adds to it.
        walker.reached_nodes[:] = partial.reached_nodes
        walker.reached_choices[:] = partial.reached_choices
    rng = random.Random(SAMPLE_SEED)
    budget = SAMPLE_STEPS + SAMPLE_STEPS_PER_CHOICE * len(cs.choice_at)
    gains = net_gains(cs)
    # Overall first: when the budget allows few greedy plays, those matter most.
    pickers = [greedy(cs, objective, best, gains)
               for objective in (3, 0, 1, 2) for best in (True, False)]
    # Best and worst found so far, per (objective, best): (raw score, moves, end, tally).
    found: dict[tuple[int, bool], tuple[float, list[tuple[int, int]], int, Tally]] = {}
    ending_example: dict[int, tuple[int, ...]] = {}
    plays = 0
    # The first two greedy plays always happen, the rest while the budget lasts; random
    # plays take what is left of it (a play counts as one step at least: a start that routes
    # straight to an ending makes plays of no move).
    while plays < 2 or walker.steps + plays < budget:
        picker = pickers[plays] if plays < len(pickers) else None
        plays += 1
        v, tally, moves, finished = walker.play(rng, picker, record=True)
        assert moves is not None
        if not finished:
            continue
        if v not in ending_example:
            ending_example[v] = tuple(number for number, _ in moves)
        scores = tally.scores()
        for objective in range(len(SCORE_NAMES)):
            value = scores[objective]
            for best in (True, False):
                current = found.get((objective, best))
                if current is None or (value > current[0] if best else value < current[0]):
                    found[objective, best] = (value, moves, v, tally)
    broken = dict(walker.broken)
    if partial is not None:
        for i, state in partial.violations.items():
            broken.setdefault(i, partial.path_to(state))
    endings = []
    for v, node_id in enumerate(cs.ids):
        if cs.kinds[v] is not Kind.ENDING:
            continue
        title = scenario.nodes[node_id].ending or ""
        if v in ending_example:
            endings.append(EndingReach(node_id, title, True, None, ending_example[v]))
        elif walker.reached_nodes[v]:
            endings.append(EndingReach(node_id, title, True))
        elif not facts.reachable(v):
            endings.append(EndingReach(node_id, title, False,
                                       "no path in the graph leads here"))
        else:
            endings.append(EndingReach(node_id, title, None, "not reached by sampled plays"))
    extreme_list = []
    for objective, name in enumerate(SCORE_NAMES):
        for best in (True, False):
            if (objective, best) in found:
                value, moves, v, tally = found[objective, best]
                extreme_list.append(Extreme(name, best, display_score(value), value, False,
                                            _walked(cs, moves, v, tally)))
    lost_nodes, lost_choices = _unreached(cs, facts, walker.reached_nodes,
                                          walker.reached_choices, False)
    invariant_results = tuple(
        InvariantResult(inv.never.source, inv.name, False if i in broken else None,
                        tuple(broken[i]) if i in broken else None)
        for i, inv in enumerate(invariants)
    )
    return Analysis(
        scenario.id, scenario.title, cs.size, len(cs.choice_at), paths, None,
        tuple(endings), tuple(extreme_list), lost_nodes, lost_choices, invariant_results,
        Search(False, partial.size if partial is not None else 0, limit, estimate, reason,
               plays, None),
    )
