"""Helpers the TUI, plain-mode and save tests share: the example scenario, a search for a path
to each ending, and the screen as text."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from trustsim.engine import Offer, Session
from trustsim.loader import check_file
from trustsim.model import Scenario
from trustsim.scoring import TAXONOMY

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
MINIMAL = TESTS / "scenarios" / "minimal.toml"
MARKUP = TESTS / "tui" / "scenarios" / "markup.toml"
BROKEN = TESTS / "tui" / "scenarios" / "broken.toml"
EXAMPLE = REPO / "scenarios" / "missed-anniversary.toml"


@cache
def example_path() -> Path:
    """The bundled example scenario while it loads cleanly; minimal.toml until then."""
    if EXAMPLE.exists() and check_file(EXAMPLE).ok:
        return EXAMPLE
    return MINIMAL


def load(path: Path) -> Scenario:
    result = check_file(path)
    assert result.scenario is not None, [d.render() for d in result.diagnostics]
    return result.scenario


def _value(offer: Offer) -> int:
    return sum(1 if TAXONOMY[t].constructive else -1 for t in offer.choice.tags)


@cache
def ending_paths(path: Path) -> dict[str, tuple[int, ...]]:
    """A sequence of choice numbers reaching each ending of the scenario, found by search.

    Depth-first with memo, first with the most constructive choices first, then the most
    destructive, then random orders, each on a budget: endings follow from the pattern of
    play, so these orders find them all in a fraction of a full search.
    """
    scenario = load(path)
    wanted = {node.id for node in scenario.endings}
    found: dict[str, tuple[int, ...]] = {}
    rng = random.Random(4)
    orders: list[Callable[[Offer], float]] = [lambda o: -_value(o), _value]
    for attempt in range(200):
        order = orders[attempt] if attempt < len(orders) else (lambda o: rng.random())
        session = Session(scenario)
        seen: set[Any] = set()
        budget = [5000]

        def walk(path: list[int], session: Session = session, seen: set[Any] = seen,
                 order: Callable[[Offer], float] = order, budget: list[int] = budget) -> None:
            budget[0] -= 1
            if budget[0] < 0 or found.keys() == wanted:
                return
            if session.is_over:
                found.setdefault(session.node.id, tuple(path))
                return
            position = session.position
            tally = position.tally
            key = (position.node.id, position.flags, tally.tag_counts, tally.mixed_signals,
                   tally.streak, tally.last_signal, round(tally.trust, 6))
            if key in seen:
                return
            seen.add(key)
            for offer in sorted(session.offers(), key=order):
                session.choose(offer.number)
                path.append(offer.number)
                walk(path)
                path.pop()
                session.undo()

        walk([])
        if found.keys() == wanted:
            break
    missing = wanted - found.keys()
    assert not missing, f"no path found to {sorted(missing)}"
    return found


def screen_text(app: Any) -> str:
    """What the terminal shows now, as plain text (the same render a screenshot takes)."""
    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False,
                      safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


def run_async(test: Callable[..., Any]) -> Callable[..., None]:
    """Runs an async test function to completion (no pytest-asyncio needed)."""
    import asyncio
    import functools

    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return wrapper


async def until(pilot: Any, condition: Callable[[], object], timeout: float = 15.0) -> None:
    """Waits for `condition` (a screen pushed, a save written).

    The Pilot's own waits judge idleness by CPU time, which on a loaded machine can call the
    app idle while it is merely starved; tests that check a transition poll for it instead.
    """
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await pilot.pause(0.02)
