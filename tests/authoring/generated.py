"""Small scenarios generated for property tests, valid by construction, and brute force.

Nodes are laid out in a line: each leads at least to the next (so every node is reachable
and can reach an ending), endings come last, routes and `next` only go forward (so there is
no automatic loop) and loops, when asked for, only go back through choices.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import tomli_w
from attrs import frozen
from hypothesis import strategies as st

from trustsim.engine import Session
from trustsim.model import Scenario
from trustsim.scoring import display_score

TAGS = ("accountability", "acknowledge_hurt", "consistent_action", "respect_pace", "excuse",
        "minimise", "mixed_signal", "pressure", "empty_promise")
SIGNALS = ("warm", "steady", "distant")
CONDITIONS = ("flag.a", "not flag.a", "flag.b and not flag.a", "trust >= 30", "trust < 25",
              "count.excuse == 0", "count.accountability >= 1", "score.overall >= 50",
              "turn >= 2", "hurt < 55", "uncertainty > 30", "score.consistency < 50", "true")


@st.composite
def scenario_texts(draw: st.DrawFn, *, max_inner: int = 6, loops: bool = False,
                   conditions: bool = True, weights: bool = True) -> str:
    inner = draw(st.integers(1, max_inner))
    n_endings = draw(st.integers(1, 3))
    names = [f"n{i}" for i in range(inner)] + [f"end{e}" for e in range(n_endings)]
    kinds = [draw(st.sampled_from(("choices", "choices", "choices", "routes", "next")))
             for _ in range(inner)]
    required: list[list[str]] = [[names[i + 1]] for i in range(inner)]
    for e in range(1, n_endings):
        required[draw(st.integers(0, inner - 1))].append(f"end{e}")
    nodes: dict[str, Any] = {}
    flags_set: set[str] = set()

    def condition() -> str:
        return draw(st.sampled_from(CONDITIONS))

    for i in range(inner):
        forward = names[i + 1:]
        targets = list(required[i])
        kind = kinds[i]
        if kind == "next" and len(targets) > 1:
            kind = "choices"
        if kind == "next":
            nodes[names[i]] = {"text": f"Node {i}.", "next": targets[0]}
            continue
        extra = draw(st.integers(0, 3 - min(3, len(targets) - 1)))
        for _ in range(extra):
            pool = forward + (names[: i + 1] if loops and kind == "choices" else [])
            targets.append(draw(st.sampled_from(pool)))
        order = draw(st.permutations(range(len(targets))))
        targets = [targets[k] for k in order]
        if kind == "routes":
            routes = []
            for k, target in enumerate(targets):
                route: dict[str, Any] = {"goto": target}
                if k < len(targets) - 1:
                    route["if"] = condition() if conditions else "true"
                routes.append(route)
            nodes[names[i]] = {"text": f"Node {i}.", "routes": routes}
            continue
        choices = []
        for k, target in enumerate(targets):
            choice: dict[str, Any] = {"text": f"Choice {k + 1} of node {i}.", "goto": target}
            tags = draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True))
            if tags:
                choice["tags"] = tags
            signal = draw(st.sampled_from(SIGNALS))
            if signal != "steady":
                choice["signal"] = signal
            sets = draw(st.lists(st.sampled_from(("a", "b")), max_size=1))
            if sets:
                choice["set"] = sets
                flags_set.update(sets)
            if draw(st.integers(0, 5)) == 0:
                choice["clear"] = ["a"]
            # The first choice stays unconditional: a node must always offer one.
            if k > 0 and conditions and draw(st.booleans()):
                choice["if"] = condition()
            choices.append(choice)
        nodes[names[i]] = {"text": f"Node {i}.", "choices": choices}
    for e in range(n_endings):
        nodes[f"end{e}"] = {"text": "It ends.", "ending": f"Ending {e}"}
    # A condition may read only flags some choice sets (the loader's rule).
    for table in nodes.values():
        for item in table.get("choices", []) + table.get("routes", []):
            source = item.get("if", "")
            if ("flag.a" in source and "a" not in flags_set) or (
                    "flag.b" in source and "b" not in flags_set):
                item["if"] = "true"
    initial = draw(st.integers(10, 50))
    doc: dict[str, Any] = {
        "format": 1, "id": "generated", "title": "Generated", "start": "n0",
        "partner": {"name": "Sam"},
        "trust": {"initial": initial, "ceiling": draw(st.integers(max(initial, 60), 100))},
    }
    if weights and draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True))
        doc["scoring"] = {"weights": {t: draw(st.sampled_from((0.5, 0.7, 1.3, 2.0, 3.3)))
                                      for t in chosen}}
    doc["nodes"] = nodes
    return tomli_w.dumps(doc)


@frozen
class Played:
    numbers: tuple[int, ...]
    ending: str
    raw: tuple[float, ...]

    @property
    def display(self) -> tuple[int, ...]:
        return tuple(display_score(v) for v in self.raw)


@frozen
class BruteForce:
    plays: tuple[Played, ...]
    nodes: frozenset[str]
    choices: frozenset[tuple[str, int]]


def brute_force(scenario: Scenario, max_turns: int | None = None) -> BruteForce:
    """Every play the engine allows (of at most `max_turns` choices), by trying them all."""
    plays: list[Played] = []
    nodes: set[str] = set()
    choices: set[tuple[str, int]] = set()
    session = Session(scenario)

    def visit(numbers: list[int]) -> None:
        position = session.position
        nodes.add(position.node.id)
        nodes.update(position.passed)
        if session.is_over:
            plays.append(Played(tuple(numbers), position.node.id, session.tally.scores()))
            return
        if max_turns is not None and len(numbers) >= max_turns:
            return
        for offer in session.offers():
            choices.add((position.node.id, offer.index + 1))
            session.choose(offer.number)
            numbers.append(offer.number)
            visit(numbers)
            numbers.pop()
            session.undo()

    visit([])
    return BruteForce(tuple(plays), frozenset(nodes), frozenset(choices))


def graph_paths(scenario: Scenario, max_choices: int | None = None) -> Iterator[list[str]]:
    """Every path of the graph, conditions ignored: choices each count, routes once per
    distinct target; with `max_choices`, those of at most that many choices."""
    def walk(node_id: str, path: list[str], made: int) -> Iterator[list[str]]:
        node = scenario.nodes[node_id]
        path.append(node_id)
        if node.ending is not None:
            yield list(path)
        elif node.next is not None:
            yield from walk(node.next, path, made)
        elif node.routes:
            for target in dict.fromkeys(r.goto for r in node.routes):
                yield from walk(target, path, made)
        elif max_choices is None or made < max_choices:
            for choice in node.choices:
                yield from walk(choice.goto, path, made + 1)
        path.pop()

    yield from walk(scenario.start, [], 0)
