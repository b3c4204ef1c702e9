"""Checks on the shape of the story graph: references, reachability, dead ends and loops.

Conditions are ignored here (every edge counts as possible): these checks find what is
wrong on every play; the authoring tools search the play state for the rest.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from trustsim.loader.diagnostics import Codes
from trustsim.loader.problems import Problems, did_you_mean
from trustsim.model import Node, NodeKind, Scenario

if TYPE_CHECKING:
    # Typing only: positions are worked out only when there is a problem to place.
    from trustsim.loader.positions import KeyPath

_Successors = Callable[[str], Iterable[str]]


def check_graph(scenario: Scenario, problems: Problems) -> None:
    nodes = scenario.nodes
    edges, broken = _check_references(scenario, problems)
    if scenario.start not in nodes:
        return
    reachable = _reachable(scenario.start, edges)
    # A wrong reference hides where the author meant to go: reports of unreachable nodes and
    # dead ends would then be guesses that cascade from the one real mistake.
    for node_id in nodes if not broken else ():
        if node_id not in reachable:
            problems.add(("nodes", node_id), Codes.UNREACHABLE,
                         f"node `{node_id}` is never reached from `{scenario.start}`",
                         "point a choice, route or `next` at it, or remove it")
    endings = [n for n in nodes if nodes[n].kind is NodeKind.ENDING]
    if not endings:
        problems.add(("nodes",), Codes.NO_ENDING, "the scenario has no ending",
                     'give at least one node `ending = "Its title"`')
        return
    _check_dead_ends(nodes, edges, reachable, [*endings, *broken], problems)
    _check_automatic_loops(nodes, edges, reachable, problems)


def _check_references(scenario: Scenario, problems: Problems
                      ) -> tuple[dict[str, list[str]], set[str]]:
    """Reports every reference to a missing node; returns the edges that do resolve, and
    the nodes with a reference that does not."""
    nodes = scenario.nodes
    if scenario.start and scenario.start not in nodes:
        problems.add(("start",), Codes.UNKNOWN_NODE,
                     f'`start` names unknown node "{scenario.start}"',
                     did_you_mean(scenario.start, nodes))
    edges: dict[str, list[str]] = {}
    broken: set[str] = set()
    for node_id, node in nodes.items():
        targets: list[str] = []
        for path, target in _references(node):
            if target in nodes:
                targets.append(target)
            elif target:
                broken.add(node_id)
                problems.add(path, Codes.UNKNOWN_NODE, f'goes to unknown node "{target}"',
                             did_you_mean(target, nodes))
        edges[node_id] = targets
    return edges, broken


def _references(node: Node) -> Iterable[tuple[KeyPath, str]]:
    base: KeyPath = ("nodes", node.id)
    for i, choice in enumerate(node.choices):
        yield (*base, "choices", i, "goto"), choice.goto
    for i, route in enumerate(node.routes):
        yield (*base, "routes", i, "goto"), route.goto
    if node.next is not None:
        yield (*base, "next"), node.next


def _reachable(start: str, edges: Mapping[str, Sequence[str]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for target in edges[queue.popleft()]:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _check_dead_ends(nodes: Mapping[str, Node], edges: Mapping[str, Sequence[str]],
                     reachable: set[str], endings: list[str], problems: Problems) -> None:
    reverse: dict[str, list[str]] = {n: [] for n in nodes}
    for source, targets in edges.items():
        for target in targets:
            reverse[target].append(source)
    finishing = _reachable_from_many(endings, reverse)
    dead = [n for n in nodes if n in reachable and n not in finishing]
    if not dead:
        return
    dead_set = set(dead)
    in_loop: set[str] = set()
    order = {n: i for i, n in enumerate(nodes)}
    for component in strongly_connected(dead, lambda n: [t for t in edges[n] if t in dead_set]):
        if len(component) > 1 or component[0] in edges[component[0]]:
            in_loop.update(component)
            first = min(component, key=order.__getitem__)
            cycle = " -> ".join([*component, component[0]]) if len(component) <= 6 else (
                f"{len(component)} nodes starting at `{first}`")
            problems.add(("nodes", first), Codes.TRAPPED_LOOP,
                         f"loop with no way out: {cycle}",
                         "give one of these nodes a choice or route that leads to an ending")
    for node_id in dead:
        if node_id not in in_loop:
            problems.add(("nodes", node_id), Codes.DEAD_END,
                         f"no ending can be reached from node `{node_id}`",
                         "every path from here must lead to a node with `ending`")


def _reachable_from_many(starts: Iterable[str], edges: Mapping[str, Sequence[str]]) -> set[str]:
    seen = set(starts)
    queue = deque(seen)
    while queue:
        for target in edges[queue.popleft()]:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _check_automatic_loops(nodes: Mapping[str, Node], edges: Mapping[str, Sequence[str]],
                           reachable: set[str], problems: Problems) -> None:
    # Following `next` and routes changes no state, so a loop of them, once entered on
    # the same state, never ends.
    automatic = [n for n in nodes
                 if n in reachable and nodes[n].kind in (NodeKind.NEXT, NodeKind.ROUTES)]
    auto_set = set(automatic)

    def successors(node_id: str) -> list[str]:
        return [t for t in edges[node_id] if t in auto_set]

    for component in strongly_connected(automatic, successors):
        if len(component) > 1 or component[0] in edges[component[0]]:
            cycle = " -> ".join([*component, component[0]])
            problems.add(("nodes", component[0]), Codes.AUTOMATIC_LOOP,
                         f"`next` and routes loop without a choice: {cycle}",
                         "put a node with choices in the loop")


def strongly_connected(vertices: Sequence[str], successors: _Successors) -> list[list[str]]:
    """Tarjan's algorithm, iteratively (scenarios may have 100k nodes, deeper than the stack).

    Each component lists its vertices in an order that follows edges where it can, so a
    two-node loop reads `a -> b -> a`.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in vertices:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(successors(root)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            vertex, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors(child))))
                    advanced = True
                    break
                if child in on_stack:
                    low[vertex] = min(low[vertex], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[vertex])
            if low[vertex] == index[vertex]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == vertex:
                        break
                component.reverse()
                components.append(component)
    return components
