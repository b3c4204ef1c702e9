"""A play session: the state machine that walks a loaded scenario one choice at a time.

The session only ever stops at a node with choices or at an ending: `next` and routes are
followed as soon as they are reached. Every step is kept, so undo is a pop.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from trustsim.model import Choice, Node, NodeKind, Scenario
from trustsim.scoring import Act, Report, ScoringRules, Tally, advance, begin, score_path


class PlayError(Exception):
    """A move the session cannot make: a choice number not on offer, a play already over."""


@frozen
class Offer:
    """A choice as the player sees it now: `number` is 1-based among the choices shown."""

    number: int
    index: int
    choice: Choice


@frozen
class Position:
    """Where a play stands: the node it waits at, and the state that conditions read."""

    node: Node
    flags: frozenset[str]
    tally: Tally
    #: The automatic nodes (`next`, routes) passed through to arrive at `node`.
    passed: tuple[str, ...] = ()


@frozen
class Step:
    """One choice made, and where it led."""

    node_id: str
    number: int
    index: int
    choice: Choice
    after: Position

    def act(self) -> Act:
        return Act(self.choice.tags, self.choice.signal, self.choice.text)


class StateEnvironment:
    """The play state as conditions see it."""

    __slots__ = ("_ending", "_flags", "_tally")

    def __init__(self, flags: frozenset[str], tally: Tally, ending: str = "") -> None:
        self._flags = flags
        self._tally = tally
        self._ending = ending

    def lookup(self, name: str) -> float | bool | str:
        if name.startswith("flag."):
            return name[5:] in self._flags
        if name == "ending":
            return self._ending
        return self._tally.lookup(name)


def rules_for(scenario: Scenario) -> ScoringRules:
    return ScoringRules(initial_trust=scenario.trust.initial, ceiling=scenario.trust.ceiling,
                        weights=scenario.weights)


class Session:
    """One player's play of one scenario."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.rules = rules_for(scenario)
        self._start = self._arrive(scenario.start, frozenset(), begin(self.rules))
        self._steps: list[Step] = []

    # -- reading the state ------------------------------------------------------------------

    @property
    def position(self) -> Position:
        return self._steps[-1].after if self._steps else self._start

    @property
    def node(self) -> Node:
        return self.position.node

    @property
    def flags(self) -> frozenset[str]:
        return self.position.flags

    @property
    def tally(self) -> Tally:
        return self.position.tally

    @property
    def history(self) -> tuple[Step, ...]:
        return tuple(self._steps)

    @property
    def is_over(self) -> bool:
        return self.node.kind is NodeKind.ENDING

    @property
    def ending(self) -> Node | None:
        return self.node if self.is_over else None

    def offers(self) -> tuple[Offer, ...]:
        """The choices available now, numbered as the player sees them."""
        if self.is_over:
            return ()
        env = StateEnvironment(self.flags, self.tally)
        shown = [(i, c) for i, c in enumerate(self.node.choices)
                 if c.condition is None or c.condition.evaluate(env)]
        return tuple(Offer(n, i, c) for n, (i, c) in enumerate(shown, start=1))

    def acts(self) -> tuple[Act, ...]:
        return tuple(step.act() for step in self._steps)

    def report(self) -> Report:
        return score_path(self.rules, self.acts())

    # -- moving -------------------------------------------------------------------------------

    def choose(self, number: int) -> Step:
        """Makes the choice shown as `number` (1-based) and follows where it leads."""
        if self.is_over:
            raise PlayError("the scenario has ended; there is nothing more to choose")
        offers = self.offers()
        if not offers:
            raise PlayError(f"no choice is available at node `{self.node.id}`")
        if not 1 <= number <= len(offers):
            raise PlayError(f"choice {number} is not on offer: choose 1-{len(offers)}")
        offer = offers[number - 1]
        return self._take(offer)

    def choose_index(self, index: int) -> Step:
        """Makes the choice at `index` in the node's own list (how saves record a play)."""
        for offer in self.offers():
            if offer.index == index:
                return self._take(offer)
        raise PlayError(f"choice #{index + 1} of node `{self.node.id}` is not available now")

    def undo(self) -> Step | None:
        """Takes back the last choice; None when there is nothing to take back."""
        return self._steps.pop() if self._steps else None

    def restart(self) -> None:
        self._steps.clear()

    def rewind(self, steps: int) -> None:
        """Keeps only the first `steps` choices: going back to try another way."""
        del self._steps[max(0, steps):]

    def _take(self, offer: Offer) -> Step:
        choice = offer.choice
        here = self.position
        flags = (here.flags | set(choice.set_flags)) - set(choice.clear_flags)
        tally = advance(self.rules, here.tally, Act(choice.tags, choice.signal, choice.text))
        step = Step(self.node.id, offer.number, offer.index, choice,
                    self._arrive(choice.goto, frozenset(flags), tally))
        self._steps.append(step)
        return step

    def _arrive(self, node_id: str, flags: frozenset[str], tally: Tally) -> Position:
        nodes = self.scenario.nodes
        passed: list[str] = []
        node = nodes[node_id]
        env = StateEnvironment(flags, tally)
        while node.kind in (NodeKind.NEXT, NodeKind.ROUTES):
            if node.id in passed:
                raise PlayError(f"routes loop at node `{node.id}` without a choice")
            passed.append(node.id)
            node = nodes[_follow(node, env)]
        return Position(node, flags, tally, tuple(passed))


def _follow(node: Node, env: StateEnvironment) -> str:
    if node.next is not None:
        return node.next
    for route in node.routes:
        if route.condition is None or route.condition.evaluate(env):
            return route.goto
    raise PlayError(f"no route applies at node `{node.id}`")


def play(scenario: Scenario, numbers: Sequence[int]) -> Session:
    """A session after choosing `numbers` in turn (1-based as shown)."""
    session = Session(scenario)
    for turn, number in enumerate(numbers, start=1):
        try:
            session.choose(number)
        except PlayError as error:
            raise PlayError(f"choice {turn} ({number}): {error}") from None
    return session
