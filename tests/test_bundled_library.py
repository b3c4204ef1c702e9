"""The bundled library as a whole: clean, varied, and worth playing well."""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from pathlib import Path

import pytest

from trustsim.authoring.analyze import analyze
from trustsim.engine import Session
from trustsim.loader import check_file
from trustsim.loader.library import load_library
from trustsim.model import Scenario
from trustsim.scoring.taxonomy import TAGS, Signal

LIBRARY = Path(__file__).parent.parent / "scenarios"
FILES = sorted(LIBRARY.glob("*.toml"))


def scenarios() -> list[Scenario]:
    return list(load_library([LIBRARY]).scenarios)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_bundled_scenario_loads_without_any_diagnostic(path: Path) -> None:
    result = check_file(path)
    assert result.ok
    assert [d.render() for d in result.diagnostics] == []
    assert result.scenario is not None and result.scenario.id == path.stem


def test_the_library_has_eight_scenarios_with_unique_ids() -> None:
    library = load_library([LIBRARY])
    assert library.diagnostics == ()
    assert len(library.scenarios) >= 8


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_scenario_is_rich_enough_to_teach_with(path: Path) -> None:
    scenario = check_file(path).scenario
    assert scenario is not None
    choices = [c for n in scenario.nodes.values() for c in n.choices]
    tags = {t for c in choices for t in c.tags}
    signals = {c.signal for c in choices}
    assert len(scenario.nodes) >= 15
    assert len(scenario.endings) >= 3
    assert len(tags) >= 8, sorted(tags)
    assert {Signal.WARM, Signal.DISTANT} <= signals
    assert all(c.feedback for c in choices), "coaching feedback on every choice"
    assert scenario.content_notes
    assert scenario.tests, "the scenario pins its key paths with [[tests]]"
    conditions = [c.condition for c in choices if c.condition] + [
        r.condition for n in scenario.nodes.values() for r in n.routes if r.condition]
    remembers = [c for c in conditions
                 if any(name.split(".")[0] in ("count", "flag", "trust") for name in c.names)]
    assert len(remembers) >= 2, "the partner remembers the pattern in at least two places"


def test_every_tag_is_used_somewhere_in_the_library() -> None:
    used = {t for s in scenarios() for n in s.nodes.values() for c in n.choices for t in c.tags}
    assert used == set(TAGS)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_playing_well_beats_playing_badly(path: Path) -> None:
    scenario = check_file(path).scenario
    assert scenario is not None
    analysis = analyze(scenario)
    best = analysis.extreme("overall", best=True)
    worst = analysis.extreme("overall", best=False)
    assert best is not None and worst is not None
    assert best.value - worst.value >= 40
    assert best.path.ending != worst.path.ending
    # "Better" by how plays that end there score on average, not by the author's word.
    assert best.path.ending is not None and worst.path.ending is not None
    scores: dict[str, list[int]] = defaultdict(list)
    scores[best.path.ending].append(best.value)
    scores[worst.path.ending].append(worst.value)
    mean = mean_overall_by_ending(scenario, 400, scores)
    assert mean[best.path.ending] > mean[worst.path.ending]


def mean_overall_by_ending(scenario: Scenario, plays: int,
                           scores: dict[str, list[int]]) -> dict[str, float]:
    rng = random.Random(7)
    for _ in range(plays):
        session = Session(scenario)
        while not session.is_over:
            session.choose(rng.choice(session.offers()).number)
        assert session.ending is not None
        scores[session.ending.id].append(session.report().scores["overall"])
    return {ending: statistics.mean(values) for ending, values in scores.items()}
