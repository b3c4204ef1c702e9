"""The loader never raises anything but its own error, whatever it is given."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from trustsim.loader import ScenarioError, check_file, check_text, load_scenario
from trustsim.model import Scenario
from trustsim.scoring.taxonomy import TAGS
from trustsim.serialize import scenario_to_toml

HERE = Path(__file__).parent
VALID_FILES = [HERE / "scenarios" / "minimal.toml",
               *sorted((HERE.parent / "scenarios").glob("*.toml"))]
VALID_TEXTS = [p.read_text(encoding="utf-8") for p in VALID_FILES]

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_clean_outcome(text: str) -> None:
    result = check_text(text, "fuzz.toml")
    if result.scenario is not None:
        assert isinstance(result.scenario, Scenario)
        assert not any(d.is_error for d in result.diagnostics)
    else:
        assert any(d.is_error for d in result.diagnostics)
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1
        assert "\n" not in diagnostic.render()


@FAST
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    assert_clean_outcome(text)


TOML_PIECES = st.sampled_from([
    "[nodes.a]", "[[nodes.a.choices]]", "[[nodes.a.routes]]", "[partner]", "[trust]",
    'text = "x"', 'goto = "a"', "goto = 3", 'if = "trust > 3"', 'if = "flag.x and"',
    "format = 1", 'start = "a"', 'id = "x"', 'title = "T"', 'ending = "E"', 'next = "a"',
    'tags = ["excuse", 1]', "choices = []", "routes = {}", "nodes = 3", 'signal = "hot"',
    "initial = 200", "ceiling = -1", '"""', "'''", "= =", "\n", "#", "a.b.c = 1",
    "[scoring.weights]", "excuse = 2.0", "excuse = true", "[[tests]]", "choices = [1, 2]",
    "[[invariants]]", "never = \"ending == 'a'\"", 'set = ["Bad Flag"]', "\x00", "\u202e",
])


@FAST
@given(st.lists(TOML_PIECES, max_size=40))
def test_text_made_of_scenario_pieces(pieces: list[str]) -> None:
    assert_clean_outcome("\n".join(pieces))


WRONG_VALUES = st.sampled_from([
    "3", "-1", "1e400", "true", "[]", "{}", '""', '"   "', "[1, [2]]", '"\\u0007"',
    "2026-11-29", '"' + "long " * 5000 + '"', '"ünïcödé ✓ 🎭"', '"[bold]x[/]"', "{ a = 1 }",
])


@st.composite
def mutated_scenario(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(VALID_TEXTS)).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "swap", "value", "duplicate", "unicode"]))
        if kind == "delete":
            del lines[i]
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "value" and "=" in lines[i]:
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {draw(WRONG_VALUES)}"
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        else:
            position = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:position] + draw(st.text(min_size=1, max_size=5)) + \
                lines[i][position:]
    return "\n".join(lines)


@FAST
@given(mutated_scenario())
def test_mutations_of_valid_scenarios(text: str) -> None:
    assert_clean_outcome(text)


@FAST
@given(mutated_scenario())
def test_load_raises_only_scenario_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            assert isinstance(load_scenario(path), Scenario)
        except ScenarioError as error:
            assert any(d.is_error for d in error.diagnostics)


# -- round trips ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", VALID_FILES, ids=[p.stem for p in VALID_FILES])
def test_valid_files_round_trip_through_the_model(path: Path) -> None:
    scenario = load_scenario(path)
    again = check_text(scenario_to_toml(scenario))
    assert again.scenario is not None, [d.render() for d in again.diagnostics]
    assert again.scenario == scenario


TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029"),
    min_size=1, max_size=60,
).filter(lambda s: s.strip() != "")
FLAGS = st.sampled_from(["owned_it", "lied_again", "kept_promise"])


@st.composite
def valid_document(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(2, 8))
    ids = [f"n{i}" for i in range(count)]
    nodes: dict[str, Any] = {}
    for i, node_id in enumerate(ids[:-1]):
        later = ids[i + 1:]
        choices = []
        for k in range(draw(st.integers(1, 4))):
            choice: dict[str, Any] = {
                "text": draw(TEXT),
                # The first choice always moves on, so every node stays reachable.
                "goto": later[0] if k == 0 else draw(st.sampled_from(later)),
                "tags": draw(st.lists(st.sampled_from(TAGS), unique=True, max_size=3)),
                "signal": draw(st.sampled_from(["warm", "steady", "distant"])),
                "set": draw(st.lists(FLAGS, unique=True, max_size=2)),
            }
            if draw(st.booleans()):
                choice["reply"] = draw(TEXT)
            if k > 0 and draw(st.booleans()):
                choice["if"] = draw(st.sampled_from(
                    ["trust > 20", "count.excuse >= 1 or hurt < 50", "score.overall != 50"]))
            choices.append(choice)
        nodes[node_id] = {"text": draw(TEXT), "choices": choices}
    nodes[ids[-1]] = {"text": draw(TEXT), "ending": draw(TEXT)}
    initial = draw(st.integers(0, 100))
    return {
        "format": 1, "id": "generated", "title": draw(TEXT), "start": "n0",
        "content_notes": draw(st.lists(TEXT, unique=True, max_size=3)),
        "partner": {"name": draw(TEXT)},
        "trust": {"initial": initial, "ceiling": draw(st.integers(initial, 100))},
        "nodes": nodes,
    }


@FAST
@given(valid_document())
def test_generated_valid_scenarios_load_and_round_trip(doc: dict[str, Any]) -> None:
    result = check_text(tomli_w.dumps(doc))
    assume(result.scenario is not None or any(d.code.id == "W016" for d in result.diagnostics))
    assert result.scenario is not None, [d.render() for d in result.diagnostics]
    again = check_text(scenario_to_toml(result.scenario))
    assert again.scenario == result.scenario


def test_load_scenario_raises_scenario_error_with_every_diagnostic(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('format = 1\nid = "Bad Id"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert len(caught.value.diagnostics) >= 3
    assert str(caught.value).startswith(str(path))
    assert check_file(path).diagnostics == caught.value.diagnostics
