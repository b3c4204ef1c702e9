"""`trustsim graph`: DOT that a real parser reads, Mermaid that is well formed, and labels
that survive any scenario text."""

from __future__ import annotations

import re
from pathlib import Path

import pydot
import pytest
import tomli_w

from trustsim.authoring.graph import edges, short, to_dot, to_mermaid
from trustsim.cli import main
from trustsim.loader import check_text, load_scenario
from trustsim.model import Scenario

# pydot's parser is written against an older pyparsing API.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HERE = Path(__file__).parent.parent
MINIMAL = HERE / "scenarios" / "minimal.toml"
FILES = [MINIMAL, *sorted((HERE.parent / "scenarios").glob("*.toml"))]

# Text meant to break out of labels: quotes, backslashes and Graphviz escapes, Mermaid
# entities, comments and markup, brackets of every kind.
NASTY = r'She said "no" \n \l \N & <b>bold</b> #quot; %% done | [x] {y} (z) `code` ; -->'

NASTY_SCENARIO = tomli_w.dumps({
    "format": 1, "id": "nasty", "title": NASTY, "start": "start",
    "partner": {"name": "Sam"},
    "nodes": {
        "start": {
            "text": NASTY, "speaker": 'Sam "the" man',
            "choices": [
                {"text": NASTY, "tags": ["accountability", "excuse"], "goto": "route"},
                {"text": "Plain.", "if": "flag.x or trust > 3", "set": ["x"], "goto": "route"},
            ],
        },
        "route": {"text": "Routing.",
                  "routes": [{"if": "flag.x", "goto": "end"}, {"goto": "end"}]},
        "end": {"ending": NASTY, "text": "."},
    },
})


def nasty() -> Scenario:
    result = check_text(NASTY_SCENARIO)
    assert result.scenario is not None, [d.render() for d in result.diagnostics]
    return result.scenario


def dot_unquote(value: str) -> str:
    """A DOT quoted string's text: escaped quotes and backslashes restored, DOT's own line
    break `\\n` read as a newline, any other escape kept as written."""
    assert value.startswith('"') and value.endswith('"')
    return re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n" else m.group(1)
                  if m.group(1) in '"\\' else m.group(0), value[1:-1])


# pydot's parser takes a second or so per bundled scenario: two files cover the shapes.
@pytest.mark.parametrize("path", FILES[:2], ids=lambda p: p.name)
def test_dot_parses_with_every_node_and_edge(path: Path) -> None:
    scenario = load_scenario(path)
    (graph,) = pydot.graph_from_dot_data(to_dot(scenario))
    names = {dot_unquote(n.get_name()) for n in graph.get_nodes()
             if n.get_name() not in ("node", "edge", "graph")}
    assert names == set(scenario.nodes)
    assert len(graph.get_edges()) == sum(1 for _ in edges(scenario))
    for node in scenario.endings:
        (found,) = graph.get_node(f'"{node.id}"')
        assert found.get("peripheries") == "2"


def test_dot_labels_keep_hostile_text_as_data() -> None:
    scenario = nasty()
    (graph,) = pydot.graph_from_dot_data(to_dot(scenario))
    assert len(graph.get_edges()) == 4
    first = graph.get_edges()[0]
    lines = dot_unquote(first.get("label")).split("\n")
    assert lines[0] == "1. " + short(NASTY)
    assert lines[1] == "+accountability -excuse"
    (defaults,) = graph.get_graph_defaults()
    assert dot_unquote(defaults["label"]) == NASTY
    # Every backslash in the text is doubled, so none can start a Graphviz escape.
    assert "\\\\n" in first.get("label") and "\\\\l" in first.get("label")


def test_edges_show_kind_and_tags() -> None:
    scenario = load_scenario(MINIMAL)
    found = list(edges(scenario))
    assert found[0].kind.value == "constructive" and "+accountability" in found[0].lines
    assert found[1].kind.value == "destructive" and "-excuse" in found[1].lines
    kinds = {e.kind.value for e in found}
    assert {"route", "next"} <= kinds
    dot = to_dot(scenario)
    assert "style=dashed" in dot and "style=dotted" in dot


NODE = re.compile(r'  (n\d+)(\["[^"]*"\]|\(\["[^"]*"\]\)|\{\{"[^"]*"\}\})')
EDGE = re.compile(r'  (n\d+) (-->|-\.->|==>)(\|"[^"]*"\|)? (n\d+)')
STYLE = re.compile(
    r"  linkStyle (\d+) stroke:#[0-9a-f]{6},stroke-width:2px(,stroke-dasharray:6 4)?")
CLASS = re.compile(r"  class (n\d+(?:,n\d+)*) (ending|automatic|start)")
CLASSDEF = re.compile(r"  classDef (ending|automatic|start) [^\n]+")


def parse_mermaid(text: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """A structural parse: every line is one of the statements we write; labels are quoted
    and hold no quote; every edge joins declared nodes; every linkStyle names an edge."""
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    nodes: dict[str, str] = {}
    links: list[tuple[str, str, str]] = []
    styled: set[int] = set()
    classed: set[str] = set()
    for line in lines[1:]:
        if line.startswith("  %%"):
            continue
        if match := NODE.fullmatch(line):
            nodes[match.group(1)] = match.group(2)
        elif match := EDGE.fullmatch(line):
            links.append((match.group(1), match.group(4), match.group(3) or ""))
        elif match := STYLE.fullmatch(line):
            styled.add(int(match.group(1)))
        elif match := CLASS.fullmatch(line):
            classed.update(match.group(1).split(","))
        else:
            assert CLASSDEF.fullmatch(line), line
    for source, target, _ in links:
        assert source in nodes and target in nodes
    assert styled == set(range(len(links)))
    assert classed <= set(nodes)
    return nodes, links


def unentity(text: str) -> str:
    named = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}
    return re.sub(r"#(\w+);", lambda m: named.get(m.group(1)) or chr(int(m.group(1))), text)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_mermaid_is_well_formed(path: Path) -> None:
    scenario = load_scenario(path)
    nodes, links = parse_mermaid(to_mermaid(scenario))
    assert len(nodes) == len(scenario.nodes)
    assert len(links) == sum(1 for _ in edges(scenario))
    stadiums = [n for n, shape in nodes.items() if shape.startswith("([")]
    assert len(stadiums) == len(scenario.endings)


def test_mermaid_labels_keep_hostile_text_as_data() -> None:
    text = to_mermaid(nasty())
    nodes, links = parse_mermaid(text)
    label = links[0][2][2:-2]  # inside |"...."|
    first, tags = label.split("<br/>")[:2]
    assert unentity(first) == "1. " + short(NASTY)
    assert tags == "+accountability -excuse"
    for raw in ('"', "<b>", "%%", "|", "`"):
        assert raw not in label.replace("<br/>", "")
    assert any("ending: " in unentity(shape) for shape in nodes.values())


def test_cli_writes_both_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", str(MINIMAL)]) == 0
    assert capsys.readouterr().out.startswith('digraph "minimal" {')
    out = tmp_path / "g.mmd"
    assert main(["graph", str(MINIMAL), "--format", "mermaid", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("flowchart TD")
    with pytest.raises(SystemExit) as exit_:
        main(["graph", str(MINIMAL), "--format", "svg"])
    assert exit_.value.code == 2
