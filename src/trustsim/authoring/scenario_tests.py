"""A scenario's own tests: `[[tests]]` (play these choices, expect this) and `[[invariants]]`
(this must never hold, on any play), run by `trustsim check` after a clean load.

Tests are played with the engine, exactly as `trustsim run --choices` would. Invariants are
evaluated in every state of every play (the start, after each choice, and at the ending, where
`ending` names the ending node; before that it is ""), by the exhaustive state search of
`search` when the state space allows, and otherwise on sampled plays (then a break is still
certain, but its absence is not proven).
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Callable, Sequence

from attrs import frozen

from trustsim.authoring.compiled import Kind, collector_paused, compile_scenario
from trustsim.authoring.graph_facts import graph_facts, turn_limit
from trustsim.authoring.search import explore, plan_keys
from trustsim.authoring.walk import Walker
from trustsim.conditions import Condition
from trustsim.engine import PlayError, play
from trustsim.loader.diagnostics import Codes, Diagnostic
from trustsim.loader.positions import KeyPath, index_positions
from trustsim.model import Scenario, ScenarioTest
from trustsim.scoring import SCORE_NAMES

__all__ = ["Failure", "check_invariants", "run_tests", "scenario_diagnostics"]

#: States the invariant search may visit before falling back to sampled plays.
MAX_STATES = 200_000
#: Plays sampled when the search cannot be exhaustive, and the most moves they may make.
SAMPLED_PLAYS = 2_000
SAMPLED_MOVES = 100_000


@frozen
class Failure:
    """A test or invariant that does not hold, addressed by key path (for the line)."""

    path: KeyPath
    message: str
    hint: str | None = None


def _label(test: ScenarioTest, i: int) -> str:
    return f'test "{test.name}"' if test.name else f"test #{i + 1}"


def _numbers(numbers: Sequence[int]) -> str:
    return "choosing " + ", ".join(map(str, numbers)) if numbers else "no choice"


def run_tests(scenario: Scenario) -> list[Failure]:
    """Plays every `[[tests]]` entry; one failure per expectation that does not hold."""
    failures: list[Failure] = []
    endings = {n.id: n for n in scenario.endings}
    for i, test in enumerate(scenario.tests):
        base: KeyPath = ("tests", i)
        label = _label(test, i)
        if test.ending is not None and test.ending not in endings:
            titles = {n.ending: n.id for n in scenario.endings}
            if test.ending in titles:
                hint = f'name the ending node, "{titles[test.ending]}", not its title'
            else:
                close = difflib.get_close_matches(test.ending, list(endings), n=1)
                hint = (f'did you mean "{close[0]}"?' if close
                        else "endings: " + ", ".join(endings))
            failures.append(Failure((*base, "ending"),
                                    f'{label} expects ending "{test.ending}", which is not an '
                                    f"ending node", hint))
            continue
        try:
            session = play(scenario, test.choices)
        except PlayError as error:
            failures.append(Failure((*base, "choices"), f"{label} cannot be played: {error}"))
            continue
        reached = session.ending
        if test.ending is not None:
            if reached is None:
                failures.append(Failure(
                    (*base, "ending"),
                    f'{label} expects ending "{test.ending}", but after '
                    f"{_numbers(test.choices)} the play waits at node `{session.node.id}`",
                    "add the choices that lead on to the ending"))
                continue
            if reached.id != test.ending:
                failures.append(Failure(
                    (*base, "ending"),
                    f'{label} expects ending "{test.ending}", but the play ends at '
                    f'"{reached.id}"'))
        scores = session.report().scores
        for key, bounds, low in (("min", test.minimum, True), ("max", test.maximum, False)):
            for name in SCORE_NAMES:
                if name not in bounds:
                    continue
                bound, value = bounds[name], scores[name]
                if (value < bound) if low else (value > bound):
                    word = "at least" if low else "at most"
                    failures.append(Failure(
                        (*base, key, name),
                        f"{label} expects {name} {word} {bound:g}, but the play scores {value}"))
    return failures


def check_invariants(scenario: Scenario, max_states: int = MAX_STATES,
                     sampled_plays: int = SAMPLED_PLAYS) -> tuple[list[Failure], bool]:
    """Failures of `[[invariants]]`, and whether every play was covered (exhaustive)."""
    invariants = [inv.never for inv in scenario.invariants]
    if not invariants:
        return [], True
    with collector_paused():
        return _check_invariants(scenario, invariants, max_states, sampled_plays)


def _check_invariants(scenario: Scenario, invariants: list[Condition], max_states: int,
                      sampled_plays: int) -> tuple[list[Failure], bool]:
    cs = compile_scenario(scenario)
    facts = graph_facts(cs)
    plan = plan_keys(cs, facts, invariants, signal=False)
    broken: dict[int, tuple[list[int], int]] = {}
    exhaustive = False
    if plan.real_estimate <= max_states:
        graph = explore(cs, plan, min(max_states, plan.bound + 1), invariants)
        exhaustive = graph.complete
        for i, state in graph.violations.items():
            broken[i] = (graph.path_to(state), graph.node[state])
    if not exhaustive:
        walker = Walker(cs, turn_limit(cs, facts), invariants)
        rng = random.Random(0)
        for _ in range(sampled_plays):
            walker.play(rng, record=True)
            # Plays of a huge scenario are long: the moves, not the plays, bound the work.
            if len(walker.broken) == len(invariants) or walker.steps > SAMPLED_MOVES:
                break
        for i, numbers in walker.broken.items():
            if i not in broken:
                # Replayed to learn where the break happened, for the message.
                session = play(scenario, numbers)
                broken[i] = (numbers, cs.index[session.node.id])
    failures = []
    for i, (numbers, v) in sorted(broken.items()):
        invariant = scenario.invariants[i]
        label = f'invariant "{invariant.name}"' if invariant.name else f"invariant #{i + 1}"
        where = (f'the play ends at "{cs.ids[v]}"' if cs.kinds[v] is Kind.ENDING
                 else f"the play is at node `{cs.ids[v]}`")
        failures.append(Failure(
            ("invariants", i, "never"),
            f"{label} is broken: after {_numbers(numbers)}, {where} and "
            f"`{invariant.never.source}` holds",
            f"try it: trustsim run {scenario.path or scenario.id} "
            f"--choices {','.join(map(str, numbers))}"
            if numbers else None))
    return failures, exhaustive


def scenario_diagnostics(scenario: Scenario, file: str,
                         read_text: Callable[[], str]) -> list[Diagnostic]:
    """E060 diagnostics for every failing test and invariant, at the line of the failing
    key. `read_text` is called only when something fails: positions need the source."""
    if not scenario.tests and not scenario.invariants:
        return []
    failures = run_tests(scenario) + check_invariants(scenario)[0]
    if not failures:
        return []
    try:
        index = index_positions(read_text())
    except (OSError, UnicodeError):
        index = index_positions("")
    diagnostics = []
    for failure in failures:
        where = index.key(failure.path)
        diagnostics.append(Diagnostic(file, where.line, where.column,
                                      Codes.SCENARIO_TEST_FAILED, failure.message,
                                      failure.hint))
    return diagnostics
