"""Exhaustive search of the play state, with memoisation.

A play's state is (node, flags, tally). Two plays in states that no future condition can tell
apart have the same futures: the same choices on offer, the same endings, the same additions to
every tag count. So the search keys a state on what can still matter from its node on, and
merges plays with equal keys. The key of a play stopped at node `v` is:

- `v`;
- the flags that some condition at or after `v` reads (or any invariant);
- the last non-steady signal, for the best and worst scores (whether the next warm or distant
  choice is a flip, a mixed signal that costs consistency, depends on it), and whenever
  uncertainty, trust or the mixed-signal count is kept (a flip moves them);
- the parts of the tally those conditions read, closed under what they depend on: `trust`
  brings in hurt, uncertainty and the constructive streak (trust's next step reads them all);
  `uncertainty` and `hurt` bring themselves; `turn` the turn; `count.<tag>` that count;
  `score.<dimension>` the counts of that dimension's tags (and the mixed-signal count for
  consistency and overall);
- a count or the turn that conditions only ever compare with constants is capped at the
  largest constant plus one (`count_caps`): past it, no condition tells values apart.

"At or after" is computed per node over the graph (conditions ignored), so once a play has
passed the last route that reads `trust`, trust leaves the key and plays that differ only in it
merge. Scores need not be in the key: the search keeps, per state, what the rest of a play can
add to the counts, and combines it with what came before at the start (see `extremes`).

Trust, hurt and uncertainty are real numbers that differ on almost every path, so a scenario
whose late conditions read them has about as many states as paths. `plan_keys` bounds the
number of states from the graph before searching; the caller falls back to sampling when the
bound or the search exceeds its budget. Past the last node whose key holds a real number, the
search carries a `LightTally` (counts only), which costs a fraction of the partner model.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from operator import attrgetter, itemgetter
from typing import Any

from attrs import frozen

from trustsim.authoring.compiled import AUTOMATIC, CompiledScenario, Env, Kind
from trustsim.authoring.graph_facts import GraphFacts, longest_turns, prefix_counts
from trustsim.conditions import Condition
from trustsim.scoring import (
    SCORE_NAMES,
    TAGS,
    TAXONOMY,
    Act,
    Dimension,
    ScoringRules,
    Signal,
    Tally,
    advance,
    begin,
)
from trustsim.scoring.partner import compile_act
from trustsim.scoring.rules import TAG_INDEX, scores_of

__all__ = ["KeyPlan", "StateGraph", "explore", "plan_keys"]

#: Where estimates stop counting: anything this large is "too many" for any budget.
ESTIMATE_CAP = 10**18

_DIMENSION_TAGS = {
    d.value: tuple(TAG_INDEX[t] for t in TAGS if TAXONOMY[t].dimension is d) for d in Dimension
}


@frozen
class _Spec:
    """What the key of a state at some node holds besides the node."""

    flag_mask: int
    #: Tally attributes kept as they are.
    attributes: tuple[str, ...]
    #: (tag index, cap) of the counts kept; cap 0 keeps the count as it is.
    counts: tuple[tuple[int, int], ...]
    #: The turn is kept when not None: capped, or as it is when 0.
    turn: int | None
    #: Reads trust, hurt or uncertainty: real numbers, distinct on almost every path.
    real: bool


def _spec(names: frozenset[str], bits: Mapping[str, int], caps: Mapping[str, int],
          signal: bool) -> _Spec:
    flag_mask = 0
    attributes: list[str] = []
    counts: dict[int, int] = {}
    turn: int | None = None
    real = False

    def count(index: int, cap: int) -> None:
        # Uncapped (0) wins over any cap: some reading needs the exact value.
        old = counts.get(index)
        counts[index] = cap if old is None else 0 if 0 in (old, cap) else max(old, cap)

    for name in names:
        if name.startswith("flag."):
            flag_mask |= bits.get(name, 0)
        elif name == "trust":
            attributes += ["trust", "hurt", "uncertainty", "streak"]
            real = True
        elif name in ("hurt", "uncertainty"):
            attributes.append(name)
            real = True
        elif name == "turn":
            turn = caps.get(name, 0)
        elif name.startswith("count."):
            count(TAG_INDEX[name[6:]], caps.get(name, 0))
        elif name.startswith("score."):
            dimension = name[6:]
            for index in (range(len(TAGS)) if dimension == "overall"
                          else _DIMENSION_TAGS[dimension]):
                count(index, 0)
            if dimension in ("consistency", "overall"):
                attributes.append("mixed_signals")
    # The last non-steady signal decides whether the next choice flips it: a mixed signal,
    # which moves uncertainty (so trust), the mixed-signal count and the consistency score.
    if signal or {"uncertainty", "mixed_signals"} & set(attributes):
        attributes.insert(0, "last_signal")
    ordered = tuple(dict.fromkeys(attributes))
    return _Spec(flag_mask, ordered, tuple(sorted(counts.items())), turn, real)


Projection = Callable[[Any], Hashable]


def _projection(spec: _Spec) -> Projection:
    read: Callable[[Any], Any] = (attrgetter(*spec.attributes) if spec.attributes
                                    else lambda tally: None)
    turn = spec.turn
    if not spec.counts and turn is None:
        return read
    indices = tuple(i for i, _ in spec.counts)
    caps = tuple(cap if cap else 2**62 for _, cap in spec.counts)
    turn_cap = turn if turn else 2**62
    if not any(cap < 2**62 for cap in caps):
        pick = itemgetter(*indices) if indices else (lambda counts: None)
        if turn is None:
            return lambda tally: (read(tally), pick(tally.tag_counts))
        return lambda tally: (read(tally), pick(tally.tag_counts), min(tally.turn, turn_cap))

    def project(tally: AnyTally) -> Hashable:
        counts = tally.tag_counts
        capped = tuple(counts[i] if counts[i] < cap else cap
                       for i, cap in zip(indices, caps, strict=True))
        return (read(tally), capped,
                None if turn is None else min(tally.turn, turn_cap))

    return project


# A whole number compared only with constants (`count.excuse >= 2`, `3 > turn`) can be capped
# in the key: past the largest constant plus one, no comparison tells its values apart.
_TOKEN = re.compile(
    r"""\s*(?:(?P<number>-?\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][\w.]*)"""
    r"""|(?P<op>==|!=|<=|>=|<|>)|'[^']*'|"[^"]*"|.)"""
)
_WHOLE = re.compile(r"count\.\w+|turn")


def _readings(source: str) -> list[tuple[str, float | None]]:
    """Each reading of `turn` or a count in `source`, with the constant it is compared with
    (None when it is not compared with a constant)."""
    tokens = [(m.lastgroup, m.group(m.lastgroup) if m.lastgroup else m.group().strip())
              for m in _TOKEN.finditer(source)]
    found: list[tuple[str, float | None]] = []
    for i, (kind, text) in enumerate(tokens):
        if kind != "name" or not _WHOLE.fullmatch(text):
            continue
        constant: float | None = None
        if i + 2 < len(tokens) and tokens[i + 1][0] == "op" and tokens[i + 2][0] == "number":
            constant = float(tokens[i + 2][1])
        elif i >= 2 and tokens[i - 1][0] == "op" and tokens[i - 2][0] == "number":
            constant = float(tokens[i - 2][1])
        found.append((text, constant))
    return found


def count_caps(conditions: Iterable[Condition]) -> dict[str, int]:
    """For `turn` and each `count.<tag>` read: the value past which conditions cannot tell
    values apart, when every reading compares it with a constant. Names read any other way
    (compared with another name, or in parentheses) get no cap."""
    largest: dict[str, float] = {}
    uncapped: set[str] = set()
    for source in {condition.source for condition in conditions}:
        for name, constant in _readings(source):
            if constant is None:
                uncapped.add(name)
            else:
                largest[name] = max(largest.get(name, float("-inf")), constant)
    return {name: max(0, math.floor(value)) + 1 for name, value in largest.items()
            if name not in uncapped}


@frozen(eq=False)
class KeyPlan:
    """How to key states at each node, and what the graph says about their number."""

    flag_masks: tuple[int, ...]
    projections: tuple[Projection, ...]
    #: Per node: do its key, or any later one, hold trust, hurt or uncertainty? Where not,
    #: the search tracks counts only (`LightTally`), which is much cheaper.
    reals: tuple[bool, ...]
    #: An upper bound on the number of distinct states (capped at ESTIMATE_CAP).
    bound: int
    #: The part of `bound` at nodes whose key holds real numbers: there it is less a bound
    #: than an estimate, since such plays almost never coincide.
    real_estimate: int

    def key(self, v: int, flags: int, tally: AnyTally) -> Hashable:
        return (v, flags & self.flag_masks[v], self.projections[v](tally))


def _all_conditions(cs: CompiledScenario) -> list[Condition]:
    found: list[Condition] = []
    for v in range(cs.size):
        found += [c[0] for c in cs.choices[v] if c[0] is not None]
        found += [c for c, _ in cs.routes[v] if c is not None]
    return found


def _names_at(cs: CompiledScenario, v: int) -> set[str]:
    names: set[str] = set()
    for choice in cs.choices[v]:
        if choice[0] is not None:
            names |= choice[0].names
    for condition, _ in cs.routes[v]:
        if condition is not None:
            names |= condition.names
    return names


def plan_keys(cs: CompiledScenario, facts: GraphFacts,
              invariants: Sequence[Condition] = (), *, signal: bool = True) -> KeyPlan:
    """Per node, the names read at or after it, and from them the key of its states.

    `signal` keeps the last signal in every key, which the best and worst scores need (a
    flip costs consistency); checking invariants alone does not, unless something read
    depends on it.
    """
    caps = count_caps([*_all_conditions(cs), *invariants])
    everywhere: set[str] = set()
    for condition in invariants:
        everywhere |= condition.names
    universe: dict[str, int] = {}

    def bits_of(names: set[str]) -> int:
        mask = 0
        for name in names:
            mask |= universe.setdefault(name, 1 << len(universe))
        return mask

    always = bits_of(everywhere)
    future = [always] * cs.size
    for number, component in enumerate(facts.components):
        mask = always
        for v in component:
            mask |= bits_of(_names_at(cs, v))
            for w in facts.successors[v]:
                if facts.component_of[w] != number:
                    mask |= future[w]
        for v in component:
            future[v] = mask
    names_of = {bit: name for name, bit in universe.items()}
    specs: dict[int, _Spec] = {}
    projections: dict[_Spec, Projection] = {}
    flag_masks = [0] * cs.size
    node_projection: list[Projection] = [attrgetter("last_signal")] * cs.size
    node_spec: list[_Spec | None] = [None] * cs.size
    for v in range(cs.size):
        mask = future[v]
        spec = specs.get(mask)
        if spec is None:
            names = frozenset(names_of[1 << i] for i in range(mask.bit_length())
                              if mask >> i & 1)
            spec = specs[mask] = _spec(names, cs.bits, caps, signal)
        projection = projections.get(spec)
        if projection is None:
            projection = projections[spec] = _projection(spec)
        flag_masks[v] = spec.flag_mask
        node_projection[v] = projection
        node_spec[v] = spec
    bound, real = _estimate(cs, facts, node_spec)
    reals = tuple(spec is not None and spec.real for spec in node_spec)
    return KeyPlan(tuple(flag_masks), tuple(node_projection), reals, bound, real)


def _estimate(cs: CompiledScenario, facts: GraphFacts,
              specs: Sequence[_Spec | None]) -> tuple[int, int]:
    """A bound on the states at each stopping node: the paths that reach it, or, for keys of
    whole numbers, how many values the key can take, whichever is smaller."""
    prefix = prefix_counts(cs, facts, ESTIMATE_CAP)
    turns = longest_turns(cs, facts)
    bound = real = 0
    for v in facts.sink_first():
        if cs.kinds[v] in AUTOMATIC:
            continue
        spec = specs[v]
        assert spec is not None
        here = prefix[v]
        if spec.real:
            real = min(ESTIMATE_CAP, real + here)
        else:
            # Three last signals (none, warm, distant) times the flag combinations, times
            # the values each whole number kept can take: up to its cap, or 0..turns.
            values = (3 if "last_signal" in spec.attributes else 1) * 2 ** bin(
                spec.flag_mask).count("1")
            numbers = [cap for _, cap in spec.counts]
            if spec.turn is not None:
                numbers.append(spec.turn)
            if "mixed_signals" in spec.attributes:
                numbers.append(0)
            for cap in numbers:
                if cap:
                    values *= cap + 1
                elif turns is None:
                    values = ESTIMATE_CAP
                else:
                    values *= 2 * turns + 1
                values = min(values, ESTIMATE_CAP)
            here = min(here, values)
        bound = min(ESTIMATE_CAP, bound + here)
    return bound, real


class LightTally:
    """The part of a tally that counts: turn, tag counts, mixed signals, last signal.

    Once no condition ahead reads trust, hurt or uncertainty, the search needs none of the
    partner model, and this is what it carries instead: the same numbers `advance` would
    give for these fields, without the floating-point model behind trust.
    """

    __slots__ = ("last_signal", "mixed_signals", "rules", "tag_counts", "turn")

    def __init__(self, turn: int, tag_counts: tuple[int, ...], mixed_signals: int,
                 last_signal: Signal | None, rules: ScoringRules) -> None:
        self.turn = turn
        self.tag_counts = tag_counts
        self.mixed_signals = mixed_signals
        self.last_signal = last_signal
        self.rules = rules

    @classmethod
    def of(cls, tally: Tally) -> LightTally:
        return cls(tally.turn, tally.tag_counts, tally.mixed_signals, tally.last_signal,
                   tally.rules)

    def advance(self, act: Act) -> LightTally:
        rules = self.rules
        compiled = rules._compiled.get(act) or compile_act(rules, act)
        indices, signal = compiled[0], compiled[11]
        last = self.last_signal
        flipped = 0
        if signal is not Signal.STEADY:
            # As in partner.step: steady acts neither flip nor reset the last signal.
            if last is not None and last is not signal:
                flipped = 1
            last = signal
        counts = self.tag_counts
        if indices:
            bumped = list(counts)
            for i in indices:
                bumped[i] += 1
            counts = tuple(bumped)
        return LightTally(self.turn + 1, counts, self.mixed_signals + compiled[10] + flipped,
                          last, rules)

    def scores(self) -> tuple[float, float, float, float]:
        return scores_of(self.rules, self.tag_counts, self.mixed_signals)

    def score(self, name: str) -> float:
        return self.scores()[SCORE_NAMES.index(name)]


AnyTally = Tally | LightTally


@frozen(eq=False)
class StateGraph:
    """The states found by `explore` and the moves between them.

    State 0 is the start. `edges[s]` lists, for every choice offered in state s:
    (number as shown, flat choice id, next state, mixed signals the move adds).
    """

    cs: CompiledScenario
    node: list[int]
    flags: list[int]
    tally: list[AnyTally]
    parent: list[int]
    via: list[int]
    edges: list[tuple[tuple[int, int, int, int], ...]]
    #: False when the search stopped at its limit: then only what was found is certain.
    complete: bool
    reached_nodes: bytearray
    reached_choices: bytearray
    #: Invariant number -> the first (so, with breadth-first search, a shortest) state
    #: where it fails.
    violations: dict[int, int]

    @property
    def size(self) -> int:
        return len(self.node)

    def path_to(self, state: int) -> list[int]:
        """The choice numbers, as shown, that lead from the start to `state`."""
        numbers: list[int] = []
        while state > 0:
            numbers.append(self.via[state])
            state = self.parent[state]
        numbers.reverse()
        return numbers


def explore(cs: CompiledScenario, plan: KeyPlan, limit: int,
            invariants: Sequence[Condition] = ()) -> StateGraph:
    """Every state a play can reach, breadth first, merging states with equal keys; stops
    when more than `limit` states are found."""
    rules = cs.rules
    kinds, choices, ids = cs.kinds, cs.choices, cs.ids
    key = plan.key
    reals = plan.reals
    reached_nodes = bytearray(cs.size)
    reached_choices = bytearray(len(cs.choice_at))
    env = Env(cs.bits, 0, begin(rules))
    # Reused for every route followed: conditions read it only while being evaluated.
    scratch = Env(cs.bits, 0, env.tally)
    start = cs.follow(cs.start, env, reached_nodes)
    nodes = [start]
    flag_list = [0]
    tallies: list[AnyTally] = [env.tally if reals[start] else LightTally.of(env.tally)]
    parent = [-1]
    via = [0]
    edges: list[tuple[tuple[int, int, int, int], ...]] = []
    seen: dict[Hashable, int] = {key(start, 0, env.tally): 0}
    violations: dict[int, int] = {}
    pending = list(range(len(invariants)))
    complete = True
    reached_nodes[start] = 1

    def check(state: int) -> None:
        v = nodes[state]
        probe = Env(cs.bits, flag_list[state], tallies[state],
                    ids[v] if kinds[v] is Kind.ENDING else "")
        for i in list(pending):
            if invariants[i].evaluate(probe):
                violations[i] = state
                pending.remove(i)

    if pending:
        check(0)
    s = 0
    while s < len(nodes):
        v = nodes[s]
        if kinds[v] is Kind.ENDING:
            edges.append(())
            s += 1
            continue
        flags = flag_list[s]
        tally = tallies[s]
        light = type(tally) is LightTally
        env.flags = flags
        env.tally = tally
        mixed = tally.mixed_signals
        out: list[tuple[int, int, int, int]] = []
        number = 0
        for condition, act, set_mask, clear_mask, target, _, flat in choices[v]:
            if condition is not None and not condition.evaluate(env):
                continue
            number += 1
            reached_choices[flat] = 1
            next_flags = (flags | set_mask) & ~clear_mask
            next_tally: AnyTally = (tally.advance(act) if isinstance(tally, LightTally)
                                    else advance(rules, tally, act))
            stop = target
            if kinds[target] in AUTOMATIC:
                scratch.flags = next_flags
                scratch.tally = next_tally
                stop = cs.follow(target, scratch, reached_nodes)
            k = key(stop, next_flags, next_tally)
            child = seen.get(k)
            if child is None:
                if len(nodes) >= limit:
                    complete = False
                    break
                child = seen[k] = len(nodes)
                nodes.append(stop)
                reached_nodes[stop] = 1
                flag_list.append(next_flags)
                if not light and not reals[stop] and isinstance(next_tally, Tally):
                    next_tally = LightTally.of(next_tally)
                tallies.append(next_tally)
                parent.append(s)
                via.append(number)
                if pending:
                    check(child)
            out.append((number, flat, child, next_tally.mixed_signals - mixed))
        if not complete:
            break
        edges.append(tuple(out))
        s += 1
    return StateGraph(cs, nodes, flag_list, tallies, parent, via, edges, complete,
                      reached_nodes, reached_choices, violations)


def postorder(graph: StateGraph) -> list[int] | None:
    """Every state after all the states it leads to; None when the states form a loop (a
    play can return to a state it was in, so there are infinitely many plays)."""
    edges = graph.edges
    colour = bytearray(graph.size)  # 0 new, 1 on the current path, 2 done
    order: list[int] = []
    colour[0] = 1
    work: list[tuple[int, Any]] = [(0, iter(edges[0]))]
    while work:
        s, children = work[-1]
        for edge in children:
            child = edge[2]
            if colour[child] == 0:
                colour[child] = 1
                work.append((child, iter(edges[child])))
                break
            if colour[child] == 1:
                return None
        else:
            work.pop()
            colour[s] = 2
            order.append(s)
    return order
