"""The play engine: choices on offer, routes and `next` followed, flags, endings, undo."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from trustsim.engine import PlayError, Session, play
from trustsim.loader import check_text, load_scenario
from trustsim.model import NodeKind, Scenario

HERE = Path(__file__).parent
MINIMAL = load_scenario(HERE / "scenarios" / "minimal.toml")
EXAMPLE_PATH = HERE.parent / "scenarios" / "missed-anniversary.toml"
#: Random plays of the example: enough to reach every node, choice, route and flag.
PLAYS = 3000


def example() -> Scenario:
    if not EXAMPLE_PATH.exists():
        pytest.skip("the example scenario is not written yet")
    return load_scenario(EXAMPLE_PATH)


def snapshot(session: Session) -> tuple[object, ...]:
    return (session.node.id, session.flags, session.tally, len(session.history),
            tuple(o.index for o in session.offers()))


def test_start_stops_at_the_first_choice_node() -> None:
    session = Session(MINIMAL)
    assert session.node.id == "opening"
    assert [o.number for o in session.offers()] == [1, 2]
    assert not session.is_over
    assert session.tally.trust == 30


def test_next_and_routes_are_followed_without_input() -> None:
    session = Session(MINIMAL)
    step = session.choose(1)
    assert step.after.passed == ("pause", "check")
    assert session.is_over
    assert session.ending is not None and session.ending.id == "hopeful"


def test_routes_read_flags_and_counts() -> None:
    assert play(MINIMAL, [1]).node.id == "hopeful"
    assert play(MINIMAL, [2]).node.id == "guarded"


def test_flags_are_set_and_cleared() -> None:
    text = (HERE / "scenarios" / "minimal.toml").read_text()
    text = text.replace('goto = "pause"\n\n[[nodes.opening.choices]]',
                        'goto = "pause"\n\n[[nodes.opening.choices]]\nclear = ["owned_it"]', 1)
    scenario = check_text(text).scenario
    assert scenario is not None
    session = Session(scenario)
    session.choose(1)
    assert session.flags == {"owned_it"}


def test_choice_conditions_hide_choices() -> None:
    text = (HERE / "scenarios" / "minimal.toml").read_text().replace(
        'text = "Work has been so stressful lately."',
        'text = "Work has been so stressful lately."\nif = "trust > 50"')
    scenario = check_text(text).scenario
    assert scenario is not None
    session = Session(scenario)
    assert [o.choice.text for o in session.offers()] == ["I lied to you. That's on me."]
    with pytest.raises(PlayError, match="choice 2 is not on offer: choose 1-1"):
        session.choose(2)


def test_undo_restores_the_previous_state() -> None:
    session = Session(MINIMAL)
    before = snapshot(session)
    session.choose(2)
    assert session.is_over
    undone = session.undo()
    assert undone is not None and undone.number == 2
    assert snapshot(session) == before
    assert session.undo() is None


def test_choosing_after_the_end_is_refused() -> None:
    session = play(MINIMAL, [1])
    with pytest.raises(PlayError, match="has ended"):
        session.choose(1)
    assert session.offers() == ()


def test_out_of_range_choice_names_the_turn() -> None:
    with pytest.raises(PlayError, match=r"choice 1 \(5\): choice 5 is not on offer"):
        play(MINIMAL, [5])


def test_rewind_and_choose_index_replay_a_play() -> None:
    session = play(MINIMAL, [2])
    indices = [s.index for s in session.history]
    session.rewind(0)
    assert session.node.id == "opening" and session.history == ()
    for index in indices:
        session.choose_index(index)
    assert session.node.id == "guarded"


def test_report_matches_the_tally() -> None:
    session = play(MINIMAL, [1])
    report = session.report()
    assert report.trust[0] == 30
    assert report.trust[-1] == pytest.approx(session.tally.trust)
    assert report.counts["accountability"] == 1


# -- the example scenario, explored at random ------------------------------------------------------

def random_plays(scenario: Scenario, seed: int) -> Iterator[Session]:
    """Seeded random plays; on every step, undo must restore the state from before it."""
    rng = random.Random(seed)
    while True:
        session = Session(scenario)
        while not session.is_over:
            before = snapshot(session)
            session.choose(rng.choice(session.offers()).number)
            session.undo()
            assert snapshot(session) == before
            session.choose(rng.choice(session.offers()).number)
        yield session


def test_example_every_route_next_flag_and_ending_is_exercised() -> None:
    scenario = example()
    visited_nodes: set[str] = set()
    chosen: set[tuple[str, int]] = set()
    endings: set[str] = set()
    flags_seen: set[str] = set()
    route_targets: set[tuple[str, str]] = set()
    session = Session(scenario)
    visited_nodes.add(session.node.id)
    for finished in itertools.islice(random_plays(scenario, seed=2), PLAYS):
        assert finished.ending is not None
        endings.add(finished.ending.id)
        for step in finished.history:
            chosen.add((step.node_id, step.index))
            visited_nodes.add(step.node_id)
            visited_nodes.update(step.after.passed)
            visited_nodes.add(step.after.node.id)
            flags_seen.update(step.after.flags)
            hops = [*step.after.passed, step.after.node.id]
            route_targets.update(itertools.pairwise(hops))
    assert visited_nodes == set(scenario.nodes)
    assert endings == {n.id for n in scenario.endings}
    assert len(endings) >= 3
    every_choice = {(n.id, i) for n in scenario.nodes.values() for i in range(len(n.choices))}
    assert chosen == every_choice
    for node in scenario.nodes.values():
        if node.kind is NodeKind.ROUTES:
            assert {(node.id, r.goto) for r in node.routes} <= route_targets, node.id
        if node.kind is NodeKind.NEXT:
            assert (node.id, node.next) in route_targets
    set_anywhere = {f for n in scenario.nodes.values() for c in n.choices for f in c.set_flags}
    assert set_anywhere <= flags_seen
