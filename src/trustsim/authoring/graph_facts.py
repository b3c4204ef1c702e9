"""Facts about a scenario's graph, conditions ignored: components, order, path counts.

Everything here is linear in the size of the graph (path counts add big integers, so they are
linear in nodes times the length of the count), which is what lets `analyze` stay within a
small factor of `check` on scenarios of 100,000 nodes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from attrs import field, frozen

from trustsim.authoring.compiled import AUTOMATIC, CompiledScenario, Kind

__all__ = [
    "GraphFacts",
    "PathCount",
    "count_paths",
    "default_max_choices",
    "graph_facts",
    "strongly_connected",
    "turn_limit",
]


def strongly_connected(start: int, successors: Sequence[Sequence[int]]) -> list[list[int]]:
    """The strongly connected components reachable from `start` (Tarjan, iterative: a
    scenario may be far deeper than Python's stack), sinks first: every component comes
    after all the components it leads to."""
    size = len(successors)
    index = [-1] * size
    low = [0] * size
    on_stack = bytearray(size)
    index[start] = low[start] = 0
    on_stack[start] = 1
    stack = [start]
    work: list[tuple[int, Iterator[int]]] = [(start, iter(successors[start]))]
    components: list[list[int]] = []
    counter = 1
    while work:
        vertex, children = work[-1]
        for child in children:
            if index[child] < 0:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack[child] = 1
                work.append((child, iter(successors[child])))
                break
            if on_stack[child] and index[child] < low[vertex]:
                low[vertex] = index[child]
        else:
            work.pop()
            if work:
                parent = work[-1][0]
                if low[vertex] < low[parent]:
                    low[parent] = low[vertex]
            if low[vertex] == index[vertex]:
                component: list[int] = []
                while True:
                    member = stack.pop()
                    on_stack[member] = 0
                    component.append(member)
                    if member == vertex:
                        break
                components.append(component)
    return components


@frozen(eq=False)
class GraphFacts:
    """The reachable part of the graph, as components in sink-first order."""

    #: Successors of every node (choices once each, so a node may repeat).
    successors: tuple[tuple[int, ...], ...]
    components: tuple[tuple[int, ...], ...]
    #: Component number of every reachable node; -1 for unreachable ones.
    component_of: tuple[int, ...]
    #: Per component: does it hold a cycle (more than one node, or a node leading to itself)?
    looping: tuple[bool, ...]
    #: Results derived from these facts, computed once (see `longest_turns`).
    derived: dict[str, int | None] = field(factory=dict)

    @property
    def cyclic(self) -> bool:
        return any(self.looping)

    def reachable(self, v: int) -> bool:
        return self.component_of[v] >= 0

    def sink_first(self) -> Iterator[int]:
        for component in self.components:
            yield from component

    def source_first(self) -> Iterator[int]:
        for component in reversed(self.components):
            yield from component


def graph_facts(cs: CompiledScenario) -> GraphFacts:
    successors = cs.targets
    components = strongly_connected(cs.start, successors)
    component_of = [-1] * cs.size
    for number, component in enumerate(components):
        for v in component:
            component_of[v] = number
    looping = tuple(
        len(c) > 1 or c[0] in successors[c[0]] for c in components
    )
    return GraphFacts(successors, tuple(tuple(c) for c in components), tuple(component_of),
                      looping)


@frozen
class PathCount:
    """How many distinct paths lead from the start to an ending.

    `count` is None when there are infinitely many (a loop through choices); `bounded` then
    counts those of at most `max_choices` choices.
    """

    count: int | None
    bounded: int | None = None
    max_choices: int | None = None

    @property
    def infinite(self) -> bool:
        return self.count is None


def _edges(cs: CompiledScenario, v: int) -> tuple[int, ...]:
    """Edges counted as distinct paths: every choice (two choices to one node are two ways
    to play), but routes once per distinct target (the player cannot tell two routes to one
    node apart)."""
    kind = cs.kinds[v]
    if kind is Kind.ROUTES:
        return tuple(dict.fromkeys(r[1] for r in cs.routes[v]))
    return tuple(cs.successors(v))


def count_paths(cs: CompiledScenario, facts: GraphFacts, max_choices: int) -> PathCount:
    """Paths through the graph, every condition taken as possibly true.

    A path is the sequence of nodes visited and choices made from the start to an ending.
    Without loops the count is exact, by dynamic programming over the nodes, sinks first.
    With a loop through choices there are infinitely many; then paths of at most
    `max_choices` choices are counted, layer by layer.
    """
    if not facts.cyclic:
        counts = [0] * cs.size
        for v in facts.sink_first():
            if cs.kinds[v] is Kind.ENDING:
                counts[v] = 1
            else:
                total = 0
                for w in _edges(cs, v):
                    total += counts[w]
                counts[v] = total
        return PathCount(counts[cs.start])
    return PathCount(None, bounded_paths(cs, facts, max_choices), max_choices)


def bounded_paths(cs: CompiledScenario, facts: GraphFacts, max_choices: int) -> int:
    """Paths of at most `max_choices` choices: f_k(v) counts those from v with at most k."""
    order = automatic_order(cs, facts)
    reachable = [v for v in facts.sink_first()]
    stops = [v for v in reachable if cs.kinds[v] not in AUTOMATIC]
    edges = [_edges(cs, v) if facts.reachable(v) else () for v in range(cs.size)]
    previous = [0] * cs.size
    current = [0] * cs.size
    for layer in range(max_choices + 1):
        current = [0] * cs.size
        for v in stops:
            if cs.kinds[v] is Kind.ENDING:
                current[v] = 1
            elif layer > 0:
                total = 0
                for w in edges[v]:
                    total += previous[w]
                current[v] = total
        for v in order:
            total = 0
            for w in edges[v]:
                total += current[w]
            current[v] = total
        previous = current
    return current[cs.start]


def automatic_order(cs: CompiledScenario, facts: GraphFacts) -> list[int]:
    """Reachable `next` and routing nodes, each after every automatic node it leads to (the
    loader guarantees they form no loop)."""
    order: list[int] = []
    done = bytearray(cs.size)
    for root in facts.sink_first():
        if cs.kinds[root] not in AUTOMATIC or done[root]:
            continue
        work = [(root, iter(facts.successors[root]))]
        done[root] = 1
        while work:
            v, children = work[-1]
            for w in children:
                if cs.kinds[w] in AUTOMATIC and not done[w]:
                    done[w] = 1
                    work.append((w, iter(facts.successors[w])))
                    break
            else:
                work.pop()
                order.append(v)
    return order


def longest_turns(cs: CompiledScenario, facts: GraphFacts) -> int | None:
    """The most choices any path from the start makes; None with a loop through choices."""
    if "longest" in facts.derived:
        return facts.derived["longest"]
    found = _longest(cs, facts)
    facts.derived["longest"] = found
    return found


def _longest(cs: CompiledScenario, facts: GraphFacts) -> int | None:
    if facts.cyclic:
        return None
    depth = [0] * cs.size
    for v in facts.source_first():
        here = depth[v] + (1 if cs.kinds[v] is Kind.CHOICES else 0)
        for w in facts.successors[v]:
            if here > depth[w]:
                depth[w] = here
    return max(depth[v] for v in facts.sink_first())


def default_max_choices(cs: CompiledScenario, facts: GraphFacts) -> int:
    """The bound on plays counted when loops make them infinite: twice the number of
    reachable choice nodes (every choice node visited about twice), at least 10."""
    choice_nodes = sum(1 for v in facts.sink_first() if cs.kinds[v] is Kind.CHOICES)
    return max(10, 2 * choice_nodes)


def turn_limit(cs: CompiledScenario, facts: GraphFacts) -> int:
    """How long a sampled play may go on before it is abandoned as unfinished: the longest
    play when there are no loops; otherwise ten times the number of choice nodes."""
    longest = longest_turns(cs, facts)
    if longest is not None:
        return longest
    choice_nodes = sum(1 for v in facts.sink_first() if cs.kinds[v] is Kind.CHOICES)
    return max(200, 10 * choice_nodes)


def prefix_counts(cs: CompiledScenario, facts: GraphFacts, cap: int) -> list[int]:
    """For every node, how many paths lead to it from the start (conditions ignored), capped
    at `cap`; nodes on or after a loop get `cap`."""
    prefix = [0] * cs.size
    prefix[cs.start] = 1
    for number in range(len(facts.components) - 1, -1, -1):
        component = facts.components[number]
        if facts.looping[number]:
            for v in component:
                prefix[v] = cap
        for v in component:
            here = prefix[v]
            for w in facts.successors[v]:
                total = prefix[w] + here
                prefix[w] = total if total < cap else cap
    return prefix


def describe_count(n: int) -> str:
    """A count for people: exact with thousands separators up to 30 digits, else the
    leading digits and the number of digits (the exact value is in `--json`)."""
    digits = decimal_digits(n)
    if digits <= 30:
        return f"{n:,}"
    mantissa, exponent = scientific(n)
    return f"about {mantissa} x 10^{exponent} ({digits:,} digits)"


def decimal_digits(n: int) -> int:
    if n < 10:
        return 1
    # bit_length gives the digit count within one; one comparison with a power of ten settles
    # it without converting the whole number to decimal.
    guess = int((n.bit_length() - 1) * 0.30102999566398120) + 1
    return guess + 1 if n >= 10**guess else guess


def scientific(n: int, places: int = 2) -> tuple[str, int]:
    """`n` as (mantissa with `places` decimals, power of ten), exact in its leading digits."""
    digits = decimal_digits(n)
    exponent = digits - 1
    keep = places + 1
    lead = n // 10 ** (exponent - keep + 1) if exponent >= keep else n * 10 ** (keep - 1 - exponent)
    text = str(lead)
    return f"{text[0]}.{text[1:keep]}", exponent


def exact_decimal(n: int) -> str:
    """`n` in decimal, however many digits (Python's own conversion refuses past 4,300 digits
    by default, as a guard against slow conversions of untrusted input; this number is ours).
    Divide and conquer keeps it well below quadratic time in practice."""
    if n < 0:
        return "-" + exact_decimal(-n)
    if n < 10**4000:
        return str(n)
    digits = decimal_digits(n)
    half = digits // 2
    high, low = divmod(n, 10**half)
    return exact_decimal(high) + exact_decimal(low).rjust(half, "0")
