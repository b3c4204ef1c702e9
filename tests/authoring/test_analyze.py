"""`analyze` against brute force: path counts, playable plays, reachable endings, unreached
nodes and choices, and the exact best and worst of every score."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring.generated import brute_force, graph_paths, scenario_texts
from trustsim.authoring.analyze import analyze
from trustsim.authoring.compiled import compile_scenario
from trustsim.authoring.graph_facts import (
    count_paths,
    decimal_digits,
    describe_count,
    exact_decimal,
    graph_facts,
    scientific,
)
from trustsim.cli import main
from trustsim.loader import check_text
from trustsim.model import Scenario
from trustsim.scoring import SCORE_NAMES, display_score

PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def load(text: str) -> Scenario:
    result = check_text(text, "generated.toml")
    assert result.scenario is not None, [d.render() for d in result.diagnostics]
    return result.scenario


@PROPERTY
@given(scenario_texts(max_inner=7, loops=False, conditions=False), st.integers(1, 6))
def test_graph_path_count_matches_enumeration(text: str, bound: int) -> None:
    scenario = load(text)
    cs = compile_scenario(scenario)
    count = count_paths(cs, graph_facts(cs), bound)
    assert count.count == sum(1 for _ in graph_paths(scenario))


@PROPERTY
@given(scenario_texts(max_inner=5, loops=True, conditions=False), st.integers(1, 5))
def test_bounded_path_count_with_loops_matches_enumeration(text: str, bound: int) -> None:
    scenario = load(text)
    cs = compile_scenario(scenario)
    facts = graph_facts(cs)
    count = count_paths(cs, facts, bound)
    expected = sum(1 for _ in graph_paths(scenario, bound if facts.cyclic else None))
    if facts.cyclic:
        assert count.count is None
        assert count.bounded == expected
        assert count.max_choices == bound
    else:
        assert count.count == expected


def check_against_brute_force(scenario: Scenario, bound: int) -> None:
    analysis = analyze(scenario, max_choices=bound, max_states=2_000)
    if not analysis.search.exact:
        return
    looped = analysis.search.max_choices is not None
    brute = brute_force(scenario, bound if looped else None)
    plays = brute.plays
    assert analysis.plays is not None
    if looped:
        assert analysis.plays.bounded == len(plays)
    else:
        assert analysis.plays.count == len(plays)
    reached = {p.ending for p in plays}
    found = {e.node for e in analysis.endings if e.reachable}
    lost_nodes = {u.node for u in analysis.unreached_nodes}
    every_choice = {(n.id, i + 1) for n in scenario.nodes.values()
                    for i in range(len(n.choices))}
    lost_choices = {(u.node, u.choice) for u in analysis.unreached_choices}
    if looped:
        # Reachability covers plays of any length; the bounded brute force sees fewer.
        assert reached <= found
        assert lost_nodes <= set(scenario.nodes) - brute.nodes
        assert lost_choices <= every_choice - brute.choices
    else:
        assert found == reached
        assert lost_nodes == set(scenario.nodes) - brute.nodes
        assert lost_choices == every_choice - brute.choices
    assert all(e.reachable is False for e in analysis.endings if e.node not in found)
    if not plays:
        assert analysis.extremes == ()
        return
    for k, name in enumerate(SCORE_NAMES):
        best, worst = analysis.extreme(name, True), analysis.extreme(name, False)
        assert best is not None and worst is not None
        top = max(p.raw[k] for p in plays)
        bottom = min(p.raw[k] for p in plays)
        assert math.isclose(best.raw, top, abs_tol=1e-9)
        assert math.isclose(worst.raw, bottom, abs_tol=1e-9)
        assert best.value == display_score(top)
        assert worst.value == display_score(bottom)
        # The play shown really scores that (it was replayed with the engine).
        assert best.path.scores[name] == best.value
        assert worst.path.scores[name] == worst.value
        assert best.path.ending in reached
        assert len(best.path.choices) <= bound or not looped


@PROPERTY
@given(scenario_texts(max_inner=6))
def test_exact_extremes_match_brute_force(text: str) -> None:
    check_against_brute_force(load(text), 6)


@PROPERTY
@given(scenario_texts(max_inner=4, loops=True), st.integers(1, 4))
def test_exact_extremes_with_loops_match_bounded_brute_force(text: str, bound: int) -> None:
    check_against_brute_force(load(text), bound)


LOOP = """
format = 1
id = "loop"
title = "Loop"
start = "ask"

[partner]
name = "Sam"

[nodes.ask]
text = "Again?"

[[nodes.ask.choices]]
text = "Ask again."
tags = ["pressure"]
goto = "ask"

[[nodes.ask.choices]]
text = "Stop."
tags = ["respect_pace"]
goto = "done"

[nodes.done]
ending = "Done"
text = "Done."
"""


def test_a_loop_through_choices_makes_the_count_infinite() -> None:
    analysis = analyze(load(LOOP), max_choices=5)
    assert analysis.paths.count is None
    assert analysis.paths.bounded == 5  # stop after 0..4 repeats (at most 5 choices)
    assert analysis.plays is not None and analysis.plays.count is None
    assert analysis.plays.bounded == 5
    assert analysis.search.exact and analysis.search.max_choices == 5
    worst = analysis.extreme("respect", False)
    assert worst is not None and worst.path.choices == (1, 1, 1, 1, 2)


def test_huge_counts_are_exact() -> None:
    # 120 nodes in a row, each with three choices to the next: 3**120 paths.
    lines = ['format = 1\nid = "wide"\ntitle = "Wide"\nstart = "n0"\n[partner]\nname = "S"\n']
    for i in range(120):
        target = f"n{i + 1}" if i < 119 else "end"
        lines.append(f"[nodes.n{i}]\ntext = \"{i}\"\n")
        for k in range(3):
            lines.append(f"[[nodes.n{i}.choices]]\ntext = \"c{k}\"\ngoto = \"{target}\"\n")
    lines.append('[nodes.end]\nending = "End"\ntext = "."\n')
    analysis = analyze(load("\n".join(lines)))
    assert analysis.paths.count == 3**120
    assert analysis.plays is not None and analysis.plays.count == 3**120
    result = analysis.to_json()
    assert json.loads(json.dumps(result))["paths"]["graph"]["count"] == str(3**120)


def test_count_helpers_handle_numbers_past_the_str_limit() -> None:
    n = 7**20000  # 16,902 digits: str() refuses it by default
    text = exact_decimal(n)
    assert len(text) == decimal_digits(n) == 16902
    assert int(text[:50]) == n // 10 ** (16902 - 50)
    mantissa, exponent = scientific(n)
    assert exponent == 16901 and mantissa == f"{text[0]}.{text[1:3]}"
    assert describe_count(n).startswith(f"about {mantissa} x 10^16901")
    assert describe_count(12345) == "12,345"
    for small in (0, 1, 9, 10, 99, 100, 10**30 - 1, 10**30):
        assert decimal_digits(small) == len(str(small))


CONDITIONAL = """
format = 1
id = "gate"
title = "Gate"
start = "a"

[partner]
name = "Sam"

[nodes.a]
text = "A."

[[nodes.a.choices]]
text = "Own it."
tags = ["accountability"]
set = ["owned"]
goto = "b"

[[nodes.a.choices]]
text = "Excuse."
tags = ["excuse"]
goto = "b"

[nodes.b]
text = "B."

[[nodes.b.choices]]
text = "Go on."
goto = "gate"

[[nodes.b.choices]]
text = "Only when owned and excused."
if = "flag.owned and count.excuse > 0"
goto = "secret"

[nodes.gate]
text = "Gate."

[[nodes.gate.routes]]
if = "count.excuse > 5"
goto = "never"

[[nodes.gate.routes]]
goto = "end"

[nodes.secret]
ending = "Secret"
text = "."

[nodes.never]
ending = "Never"
text = "."

[nodes.end]
ending = "End"
text = "."

[[invariants]]
name = "no excuse ends well"
never = "ending == 'end' and count.excuse > 0"
"""


def test_conditions_decide_reachability() -> None:
    analysis = analyze(load(CONDITIONAL))
    assert analysis.search.exact
    reach = {e.node: e.reachable for e in analysis.endings}
    assert reach == {"secret": False, "never": False, "end": True}
    assert {u.node: u.reason for u in analysis.unreached_nodes} == {
        "secret": "conditions", "never": "conditions"}
    assert [(u.node, u.choice, u.reason) for u in analysis.unreached_choices] == [
        ("b", 2, "conditions")]
    assert analysis.paths.count == 6  # the graph ignores conditions: 2 * (2 + 1)
    assert analysis.plays is not None and analysis.plays.count == 2
    (invariant,) = analysis.invariants
    assert invariant.holds is False and invariant.counterexample == (2, 1)


def test_too_large_a_state_space_is_sampled_and_says_so(
        capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    # Trust read at the end of a long line of three-way choices: one state per path.
    lines = ['format = 1\nid = "deep"\ntitle = "Deep"\nstart = "n0"\n[partner]\nname = "S"\n']
    tags = ("accountability", "excuse", "pressure")
    for i in range(40):
        target = f"n{i + 1}" if i < 39 else "gate"
        lines.append(f"[nodes.n{i}]\ntext = \"{i}\"\n")
        for k in range(3):
            lines.append(f"[[nodes.n{i}.choices]]\ntext = \"c{k}\"\ntags = [\"{tags[k]}\"]\n"
                         f"goto = \"{target}\"\n")
    lines.append('[nodes.gate]\ntext = "."\n[[nodes.gate.routes]]\nif = "trust > 70"\n'
                 'goto = "high"\n[[nodes.gate.routes]]\ngoto = "low"\n')
    lines.append('[nodes.high]\nending = "High"\ntext = "."\n')
    lines.append('[nodes.low]\nending = "Low"\ntext = "."\n')
    scenario = load("\n".join(lines))
    analysis = analyze(scenario)
    assert not analysis.search.exact
    assert "trust" in (analysis.search.reason or "")
    assert analysis.search.sampled_plays > 0
    assert analysis.plays is None
    assert all(not e.exact for e in analysis.extremes)
    best = analysis.extreme("accountability", True)
    assert best is not None and best.value > 90  # the greedy play finds all-accountability
    assert {e.node: e.reachable for e in analysis.endings}["low"] is True
    assert analysis.to_json()["search"]["method"] == "sampled"  # type: ignore[index]
    # A second run gives the same report: sampling is seeded.
    assert analyze(scenario).to_json() == analysis.to_json()


def test_cli_text_and_json(capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    path = tmp_path / "gate.toml"
    path.write_text(CONDITIONAL, encoding="utf-8")
    assert main(["analyze", str(path)]) == 0
    out = capsys.readouterr()
    assert "search: exact" in out.out and "UNREACHABLE" in out.out
    assert "BROKEN" in out.out
    assert main(["analyze", str(path), "--json"]) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert data["scenario"] == "gate"
    assert data["paths"]["graph"]["count"] == "6"
    assert data["scores"]["overall"]["best"]["exact"] is True
    assert out.err == ""


def test_cli_rejects_a_broken_file_in_one_line(capsys: pytest.CaptureFixture[str],
                                               tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    path = tmp_path / "broken.toml"
    path.write_text(CONDITIONAL.replace('goto = "end"', 'goto = "ned"'), encoding="utf-8")
    assert main(["analyze", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "E030" in err
