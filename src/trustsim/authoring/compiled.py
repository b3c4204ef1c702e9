"""A scenario compiled for the authoring tools: nodes as integers, flags as bits.

The analysis, random playthroughs and invariant checks walk a scenario millions of times, so
they do not go through `engine.Session` (which keeps every step for undo and builds objects
the player sees). They use this flat form instead, which follows the very same rules:

- the choices offered are those whose `if` holds in the state at the node, numbered from 1
  in file order;
- a choice sets its `set` flags, then removes its `clear` flags, and advances the tally with
  `scoring.advance`;
- `next` and routes are followed at once, the first route whose `if` holds (or that has no
  `if`) being taken, in the state just reached.

`tests/authoring` checks that walking here and playing with the engine agree.
"""

from __future__ import annotations

import contextlib
import enum
import gc
from collections.abc import Callable, Iterator, Mapping, MutableSequence
from operator import attrgetter
from typing import Any, Final

from attrs import frozen

from trustsim.conditions import Condition
from trustsim.engine import rules_for
from trustsim.model import NodeKind, Scenario
from trustsim.scoring import SCORE_NAMES, TAGS, Act, ScoringRules, Signal, Tally

__all__ = [
    "AUTOMATIC",
    "CChoice",
    "CompiledScenario",
    "Env",
    "Kind",
    "collector_paused",
    "compile_scenario",
]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Runs the block with Python's cyclic garbage collector paused.

    The tools build millions of small tuples next to a loaded scenario of millions of objects;
    every few thousand allocations the collector would scan them all, which made the analysis
    of a 100,000-node scenario twice as slow and no longer linear. What they build holds no
    reference cycles, so nothing is lost by collecting once, afterwards.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Kind(enum.IntEnum):
    CHOICES = 0
    ROUTES = 1
    NEXT = 2
    ENDING = 3


AUTOMATIC: Final = (Kind.ROUTES, Kind.NEXT)

_KINDS = {
    NodeKind.CHOICES: Kind.CHOICES,
    NodeKind.ROUTES: Kind.ROUTES,
    NodeKind.NEXT: Kind.NEXT,
    NodeKind.ENDING: Kind.ENDING,
}


def _score_getter(name: str) -> Callable[[Tally], float]:
    return lambda tally: tally.score(name)


# Conditions look names up on every evaluation, millions of times in a search: counts are
# read by index straight from the tally, the rest through getters, never by parsing the name.
_COUNT_INDEX: Mapping[str, int] = {f"count.{tag}": i for i, tag in enumerate(TAGS)}
_GETTERS: Mapping[str, Callable[[Tally], float]] = {
    "trust": attrgetter("trust"),
    "hurt": attrgetter("hurt"),
    "uncertainty": attrgetter("uncertainty"),
    "turn": attrgetter("turn"),
    **{f"score.{name}": _score_getter(name) for name in SCORE_NAMES},
}


class Env:
    """The play state as conditions see it, with flags as a bit mask.

    Mutable on purpose: walkers reuse one and move it along, since conditions read it only
    while they are being evaluated.
    """

    __slots__ = ("bits", "ending", "flags", "tally")

    def __init__(self, bits: Mapping[str, int], flags: int, tally: Any,
                 ending: str = "") -> None:
        # `tally` is a scoring Tally, or the search's LightTally where nothing ahead reads
        # trust, hurt or uncertainty (then only counts, turn and scores are looked up).
        self.bits = bits
        self.flags = flags
        self.tally = tally
        self.ending = ending

    def lookup(self, name: str) -> float | bool | str:
        index = _COUNT_INDEX.get(name)
        if index is not None:
            count: int = self.tally.tag_counts[index]
            return count
        bit = self.bits.get(name)
        if bit is not None:
            return (self.flags & bit) != 0
        getter = _GETTERS.get(name)
        if getter is not None:
            return getter(self.tally)
        if name == "ending":
            return self.ending
        # A flag no choice sets is a load error; reading it as unset keeps this total.
        return False


#: One choice: condition, act, set mask, clear mask, target node, index in its node's list,
#: index among all choices of the scenario.
CChoice = tuple[Condition | None, Act, int, int, int, int, int]
#: One route: condition, target node.
CRoute = tuple[Condition | None, int]


@frozen
class CompiledScenario:
    scenario: Scenario
    rules: ScoringRules
    ids: tuple[str, ...]
    index: Mapping[str, int]
    kinds: tuple[Kind, ...]
    choices: tuple[tuple[CChoice, ...], ...]
    routes: tuple[tuple[CRoute, ...], ...]
    #: Target of a `next` node, -1 elsewhere.
    nexts: tuple[int, ...]
    start: int
    #: "flag.<name>" -> its bit.
    bits: Mapping[str, int]
    #: Per flat choice id: (node, index in the node's list).
    choice_at: tuple[tuple[int, int], ...]
    #: Every node each node may lead to, conditions ignored; choices once each, in file
    #: order (so a node may repeat).
    targets: tuple[tuple[int, ...], ...]

    def choice_text(self, flat: int) -> str:
        v, i = self.choice_at[flat]
        return self.scenario.nodes[self.ids[v]].choices[i].text

    @property
    def size(self) -> int:
        return len(self.ids)

    def successors(self, v: int) -> tuple[int, ...]:
        """Every node `v` may lead to, conditions ignored; choices once each, in file order."""
        return self.targets[v]

    def env(self, flags: int, tally: Tally, ending: str = "") -> Env:
        return Env(self.bits, flags, tally, ending)

    def follow(self, v: int, env: Env, mark: MutableSequence[int] | None = None) -> int:
        """The node where a play arriving at `v` in state `env` stops: `v` itself, or where
        its `next` and routes lead. Nodes passed through are marked in `mark`."""
        kinds, routes, nexts = self.kinds, self.routes, self.nexts
        steps = 0
        while True:
            kind = kinds[v]
            if kind is Kind.NEXT:
                if mark is not None:
                    mark[v] = 1
                v = nexts[v]
            elif kind is Kind.ROUTES:
                if mark is not None:
                    mark[v] = 1
                for condition, target in routes[v]:
                    if condition is None or condition.evaluate(env):
                        v = target
                        break
                else:
                    raise ValueError(f"no route applies at node `{self.ids[v]}`")
            else:
                return v
            steps += 1
            if steps > len(kinds):
                # The loader rejects such loops (E043); never spin on a scenario built by hand.
                raise ValueError(f"routes loop at node `{self.ids[v]}` without a choice")

    def offers(self, v: int, env: Env) -> list[CChoice]:
        """The choices shown at choice node `v`, in the order they are numbered."""
        return [c for c in self.choices[v] if c[0] is None or c[0].evaluate(env)]


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """The flat form of a scenario that loaded without errors."""
    ids = tuple(scenario.nodes)
    index = {node_id: i for i, node_id in enumerate(ids)}
    flag_names: dict[str, int] = {}
    # By bare name too: masks are built for every choice, and most name no flag at all.
    bit_of: dict[str, int] = {}

    def mask(names: tuple[str, ...]) -> int:
        bits = 0
        for name in names:
            bit = bit_of.get(name)
            if bit is None:
                bit = bit_of[name] = flag_names[f"flag.{name}"] = 1 << len(flag_names)
            bits |= bit
        return bits

    kinds: list[Kind] = []
    choices: list[tuple[CChoice, ...]] = []
    routes: list[tuple[CRoute, ...]] = []
    nexts: list[int] = []
    choice_at: list[tuple[int, int]] = []
    # Acts without labels: scoring reads only tags and signal, and a scenario has few distinct
    # pairs of them, so few acts to build and to compile.
    acts: dict[tuple[tuple[str, ...], Signal], Act] = {}
    targets: list[tuple[int, ...]] = []
    read: set[str] = set()
    for v, node in enumerate(scenario.nodes.values()):
        kind = _KINDS[node.kind]
        kinds.append(kind)
        compiled: list[CChoice] = []
        for i, choice in enumerate(node.choices):
            key = (choice.tags, choice.signal)
            act = acts.get(key)
            if act is None:
                act = acts[key] = Act(choice.tags, choice.signal)
            compiled.append((choice.condition, act,
                             mask(choice.set_flags) if choice.set_flags else 0,
                             mask(choice.clear_flags) if choice.clear_flags else 0,
                             index[choice.goto], i, len(choice_at)))
            choice_at.append((v, i))
            if choice.condition is not None:
                read |= choice.condition.flags
        choices.append(tuple(compiled))
        node_routes = tuple((r.condition, index[r.goto]) for r in node.routes)
        routes.append(node_routes)
        for condition, _ in node_routes:
            if condition is not None:
                read |= condition.flags
        nexts.append(index[node.next] if node.next is not None else -1)
        if kind is Kind.CHOICES:
            targets.append(tuple(c[4] for c in compiled))
        elif kind is Kind.ROUTES:
            targets.append(tuple(target for _, target in node_routes))
        elif kind is Kind.NEXT:
            targets.append((nexts[-1],))
        else:
            targets.append(())
    for invariant in scenario.invariants:
        read |= invariant.never.flags
    # Flags that conditions read but no choice sets (an error the loader reports) still get a
    # bit, so that lookups of them are answered by the mask like any other flag.
    for flag in sorted(read):
        flag_names.setdefault(f"flag.{flag}", 1 << len(flag_names))
    return CompiledScenario(
        scenario=scenario, rules=rules_for(scenario), ids=ids, index=index,
        kinds=tuple(kinds), choices=tuple(choices), routes=tuple(routes), nexts=tuple(nexts),
        start=index[scenario.start], bits=flag_names, choice_at=tuple(choice_at),
        targets=tuple(targets),
    )
