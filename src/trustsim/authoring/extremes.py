"""Exact best and worst scores over every finished play, on a complete state graph.

A dimension's score is 100 * (p + 1) / (p + n + 2): it rises with p (weight of constructive
tags) and falls with n (destructive ones, mixed signals included for consistency). It is not a
sum over the path, so the best rest-of-play from a state depends on what came before and a
single "best value" per state would be wrong. What is exact is the set of (p, n) pairs the rest
of a play can add: for the best score only the pairs that no other pair beats in both p and n
can matter (the Pareto frontier), and for the worst only those no other pair is worse in both.

Each state keeps those frontiers, for the three dimensions and overall, built from its
successors', sinks first. Points carry whole tag counts, and p and n are computed from them
exactly as `score_path` does, so the best and worst reported are the very numbers a player
on that path gets. Every point remembers the move that produced it, so the path to each
extreme comes for free.

With a loop in the state graph there are infinitely many plays; the frontiers are then built
layer by layer for plays of at most a given number of choices.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from attrs import frozen

from trustsim.authoring.compiled import Kind
from trustsim.authoring.search import StateGraph, postorder
from trustsim.scoring import SCORE_NAMES, TAGS
from trustsim.scoring.rules import TAG_INDEX, dimension_sums, score_of

__all__ = ["Extreme", "PlayCount", "count_plays", "extremes"]

# Tag counts and the mixed-signal count are packed into one integer, a field of _FIELD bits
# each (mixed signals last), so that adding a move's counts is one addition and equal counts
# are one dictionary key. A field cannot overflow: no play makes 2**32 choices.
_FIELD = 32
_MASK = (1 << _FIELD) - 1
_MIXED_SHIFT = _FIELD * len(TAGS)

# A point is a tuple: the 8 sums (p, n) of accountability, consistency, respect and overall,
# the same 8 negated (so that C-level itemgetters can sort on them), then the packed counts,
# the state, the index of its first move in that state's edges (-1 at an ending), and the
# point it continues with (None at an ending).
Point = tuple[Any, ...]
_PACKED, _STATE, _EDGE, _CHILD = 16, 17, 18, 19
_BEST_ORDER = tuple(itemgetter(8 + 2 * o, 2 * o + 1) for o in range(len(SCORE_NAMES)))
_WORST_ORDER = tuple(itemgetter(2 * o, 8 + 2 * o + 1) for o in range(len(SCORE_NAMES)))


def _unpack(packed: int) -> tuple[tuple[int, ...], int]:
    counts = tuple((packed >> (_FIELD * i)) & _MASK for i in range(len(TAGS)))
    return counts, packed >> _MIXED_SHIFT


def _score(point: Point, objective: int) -> float:
    return score_of(point[2 * objective], point[2 * objective + 1])


def _frontier(points: Sequence[Point]) -> list[Point]:
    """The points on any of the eight frontiers (best and worst of each score), in a stable
    order; a point on none of them can never be part of an extreme."""
    kept: dict[int, Point] = {}
    for objective in range(len(SCORE_NAMES)):
        n = 2 * objective + 1
        # Best: highest p first, then lowest n; keep a point only if its n beats every point
        # with at least its p.
        lowest = float("inf")
        for point in sorted(points, key=_BEST_ORDER[objective]):
            if point[n] < lowest:
                lowest = point[n]
                kept.setdefault(id(point), point)
        # Worst: lowest p first, then highest n.
        highest = float("-inf")
        for point in sorted(points, key=_WORST_ORDER[objective]):
            if point[n] > highest:
                highest = point[n]
                kept.setdefault(id(point), point)
    return list(kept.values())


@frozen
class Extreme:
    """The best or worst value of one score, and one play that reaches it."""

    score: str
    best: bool
    #: Unrounded, as computed by the scoring engine.
    value: float
    #: Choice numbers as shown at each choice (what `trustsim run --choices` takes).
    choices: tuple[int, ...]
    #: (node id, flat choice id) of every move, in order.
    moves: tuple[tuple[str, int], ...]
    ending: str


class _Builder:
    def __init__(self, graph: StateGraph) -> None:
        self.graph = graph
        self.rules = graph.cs.rules
        cs = graph.cs
        self.deltas: list[int] = []
        for v, i in cs.choice_at:
            packed = 0
            for tag in cs.choices[v][i][1].tags:
                packed += 1 << (_FIELD * TAG_INDEX[tag])
            self.deltas.append(packed)
        # Many states' rests of play add the same counts: compute their sums once.
        self.sums: dict[int, tuple[float, ...]] = {}

    def values(self, packed: int) -> tuple[float, ...]:
        found = self.sums.get(packed)
        if found is None:
            counts, mixed = _unpack(packed)
            (pa, na), (pc, nc), (pr, nr) = dimension_sums(self.rules, counts, mixed)
            # The same additions, in the same order, as scores_of: equal counts, equal floats.
            sums = (pa, na, pc, nc, pr, nr, pa + pc + pr, na + nc + nr)
            found = self.sums[packed] = sums + tuple(-x for x in sums)
        return found

    def ending_point(self, state: int) -> Point:
        return (*self.values(0), 0, state, -1, None)

    def combine(self, state: int, children: Sequence[Sequence[Point]]) -> list[Point]:
        """The frontier of `state` from its successors' (`children[k]` for edge k)."""
        values = self.values
        deltas = self.deltas
        candidates: dict[int, Point] = {}
        for k, (_, flat, _, mixed) in enumerate(self.graph.edges[state]):
            delta = deltas[flat] + (mixed << _MIXED_SHIFT)
            for child in children[k]:
                packed = child[_PACKED] + delta
                # Equal counts give equal scores: one representative is enough.
                if packed not in candidates:
                    candidates[packed] = (*values(packed), packed, state, k, child)
        if len(candidates) == 1:
            return list(candidates.values())
        return _frontier(list(candidates.values()))


def extremes(graph: StateGraph, max_choices: int) -> tuple[list[Extreme], bool] | None:
    """The best and worst of every score over all finished plays, as (extremes, bounded):
    `bounded` is True when the states loop and only plays of at most `max_choices` choices
    were considered. None when no play can finish."""
    if not graph.complete:
        raise ValueError("extremes need a complete state graph")
    builder = _Builder(graph)
    kinds = graph.cs.kinds
    order = postorder(graph)
    edges = graph.edges
    bounded = order is None
    if order is not None:
        fronts: list[list[Point]] = [[] for _ in range(graph.size)]
        for s in order:
            if kinds[graph.node[s]] is Kind.ENDING:
                fronts[s] = [builder.ending_point(s)]
            else:
                fronts[s] = builder.combine(s, [fronts[e[2]] for e in edges[s]])
        root = fronts[0]
    else:
        endings = [builder.ending_point(s) if kinds[graph.node[s]] is Kind.ENDING else None
                   for s in range(graph.size)]
        layer: list[list[Point]] = [[p] if p is not None else [] for p in endings]
        for _ in range(max_choices):
            layer = [
                [point] if point is not None
                else builder.combine(s, [layer[e[2]] for e in edges[s]])
                for s, point in enumerate(endings)
            ]
        root = layer[0]
    if not root:
        return None
    found: list[Extreme] = []
    for objective, name in enumerate(SCORE_NAMES):
        for best in (True, False):
            chosen = root[0]
            for point in root[1:]:
                value, current = _score(point, objective), _score(chosen, objective)
                if (value > current) if best else (value < current):
                    chosen = point
            found.append(_extreme(graph, name, best, chosen, _score(chosen, objective)))
    return found, bounded


def _extreme(graph: StateGraph, name: str, best: bool, point: Point,
             value: float) -> Extreme:
    numbers: list[int] = []
    moves: list[tuple[str, int]] = []
    cs = graph.cs
    current: Point | None = point
    last_state = 0
    while current is not None:
        last_state = current[_STATE]
        if current[_EDGE] < 0:
            break
        number, flat, _, _ = graph.edges[last_state][current[_EDGE]]
        numbers.append(number)
        moves.append((cs.ids[graph.node[last_state]], flat))
        current = current[_CHILD]
    return Extreme(name, best, value, tuple(numbers), tuple(moves),
                   cs.ids[graph.node[last_state]])


@frozen
class PlayCount:
    """How many distinct plays (sequences of choices, conditions applied) finish.

    `count` is None when the states loop (infinitely many); `bounded` then counts those of at
    most `max_choices` choices.
    """

    count: int | None
    bounded: int | None = None
    max_choices: int | None = None


def count_plays(graph: StateGraph, max_choices: int) -> PlayCount:
    if not graph.complete:
        raise ValueError("counting plays needs a complete state graph")
    kinds = graph.cs.kinds
    ending = [kinds[v] is Kind.ENDING for v in graph.node]
    order = postorder(graph)
    edges = graph.edges
    if order is not None:
        counts = [0] * graph.size
        for s in order:
            if ending[s]:
                counts[s] = 1
            else:
                total = 0
                for e in edges[s]:
                    total += counts[e[2]]
                counts[s] = total
        return PlayCount(counts[0])
    layer = [1 if e else 0 for e in ending]
    for _ in range(max_choices):
        layer = [1 if ending[s] else sum(layer[e[2]] for e in edges[s])
                 for s in range(graph.size)]
    return PlayCount(None, layer[0], max_choices)
