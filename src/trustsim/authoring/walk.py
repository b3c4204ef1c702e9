"""Plays that choose by themselves: at random, or greedily for one score.

Used by `analyze --random` (random plays, like ChoiceScript's randomtest) and by `analyze`
when the state space is too large to search (random and greedy plays, labelled as sampled).
A play is deterministic given the random generator, so a seed reproduces a whole run.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from trustsim.authoring.compiled import AUTOMATIC, CChoice, CompiledScenario, Env, Kind
from trustsim.conditions import Condition
from trustsim.scoring import DIMENSIONS, TAXONOMY, Act, Signal, Tally, advance, begin

__all__ = ["Play", "Walker", "greedy", "net_gains"]

#: A finished (or abandoned) play: the node it stopped at, its tally, its moves as (choice
#: number as shown, flat choice id) when recorded, and whether it reached an ending.
Play = tuple[int, Tally, list[tuple[int, int]] | None, bool]

#: Picks one of the offers (index into the list) given the state before the move.
Picker = Callable[[Sequence[CChoice], Tally, random.Random], int]


class Walker:
    """Plays a compiled scenario, marking every node and choice reached."""

    def __init__(self, cs: CompiledScenario, max_turns: int,
                 watch: Sequence[Condition] = ()) -> None:
        self.cs = cs
        self.max_turns = max_turns
        #: Invariants to evaluate in every state a play passes through; the first play to
        #: break one is kept in `broken` (invariant number -> choice numbers up to the break).
        self.watch = tuple(watch)
        self.broken: dict[int, list[int]] = {}
        self.reached_nodes = bytearray(cs.size)
        self.reached_choices = bytearray(len(cs.choice_at))
        #: Moves made by all plays so far.
        self.steps = 0
        # Nodes where every choice is always offered need no condition evaluated.
        self._plain = tuple(all(c[0] is None for c in options) for options in cs.choices)

    def play(self, rng: random.Random, pick: Picker | None = None,
             record: bool = False) -> Play:
        """One play from the start: uniform among the offers, or by `pick`."""
        cs = self.cs
        rules = cs.rules
        kinds, choices, plain = cs.kinds, cs.choices, self._plain
        reached_nodes, reached_choices = self.reached_nodes, self.reached_choices
        randrange = rng.randrange
        tally = begin(rules)
        flags = 0
        env = Env(cs.bits, 0, tally)
        v = cs.follow(cs.start, env, reached_nodes)
        reached_nodes[v] = 1
        moves: list[tuple[int, int]] | None = [] if record or self.watch else None
        watching = len(self.broken) < len(self.watch)
        if watching:
            self._check(v, env, moves)
        turns = 0
        max_turns = self.max_turns
        while kinds[v] is Kind.CHOICES:
            if turns >= max_turns:
                self.steps += turns
                return v, tally, moves, False
            offers = choices[v]
            if not plain[v]:
                offers = tuple(c for c in offers if c[0] is None or c[0].evaluate(env))
            k = randrange(len(offers)) if pick is None else pick(offers, tally, rng)
            choice = offers[k]
            if moves is not None:
                moves.append((k + 1, choice[6]))
            reached_choices[choice[6]] = 1
            flags = (flags | choice[2]) & ~choice[3]
            tally = advance(rules, tally, choice[1])
            env.flags = flags
            env.tally = tally
            v = choice[4]
            if kinds[v] in AUTOMATIC:
                v = cs.follow(v, env, reached_nodes)
            reached_nodes[v] = 1
            turns += 1
            if watching:
                self._check(v, env, moves)
        self.steps += turns
        return v, tally, moves, kinds[v] is Kind.ENDING

    def _check(self, v: int, env: Env, moves: list[tuple[int, int]] | None) -> None:
        cs = self.cs
        env.ending = cs.ids[v] if cs.kinds[v] is Kind.ENDING else ""
        for i, condition in enumerate(self.watch):
            if i not in self.broken and condition.evaluate(env):
                self.broken[i] = [number for number, _ in moves or ()]
        env.ending = ""


def net_gains(cs: CompiledScenario) -> list[tuple[float, float, float, float]]:
    """Per flat choice: constructive minus destructive weight it adds to accountability,
    consistency, respect and overall (SCORE_NAMES order)."""
    rules = cs.rules
    gains: list[tuple[float, float, float, float]] = []
    by_act: dict[Act, tuple[float, float, float, float]] = {}
    for v, i in cs.choice_at:
        act = cs.choices[v][i][1]
        found = by_act.get(act)
        if found is None:
            per = [0.0, 0.0, 0.0]
            for tag in act.tags:
                behaviour = TAXONOMY[tag]
                weight = rules.weight(tag)
                per[DIMENSIONS.index(behaviour.dimension)] += (
                    weight if behaviour.constructive else -weight)
            found = by_act[act] = (per[0], per[1], per[2], per[0] + per[1] + per[2])
        gains.append(found)
    return gains


def greedy(cs: CompiledScenario, objective: int, best: bool,
           gains: Sequence[tuple[float, float, float, float]]) -> Picker:
    """A picker that chases score `objective` (index in SCORE_NAMES) up (or down): it takes
    the offer that adds most (least) constructive weight net of destructive weight in that
    score's dimensions (`net_gains`), a flip of the signal counting as a mixed signal, ties
    broken at random. A heuristic, cheap enough to make a greedy play cost what a random one
    does; it serves the sampling fallback, whose figures are labelled as bounds."""
    consistency = objective in (1, 3)
    flip_cost = cs.rules.weight("mixed_signal") if consistency else 0.0
    sign = 1.0 if best else -1.0

    def pick(offers: Sequence[CChoice], tally: Tally, rng: random.Random) -> int:
        last = tally.last_signal
        top: list[int] = []
        top_value = float("-inf")
        for k, choice in enumerate(offers):
            value = gains[choice[6]][objective]
            signal = choice[1].signal
            if (flip_cost and last is not None and signal is not Signal.STEADY
                    and signal is not last):
                value -= flip_cost
            value *= sign
            if value > top_value:
                top, top_value = [k], value
            elif value == top_value:
                top.append(k)
        return top[0] if len(top) == 1 else top[rng.randrange(len(top))]

    return pick
