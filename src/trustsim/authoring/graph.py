"""`trustsim graph`: the branching of a scenario as Graphviz DOT or Mermaid.

Edges from choices carry the choice's number, a short form of its text and its tags (`+` for
constructive, `-` for destructive), and are drawn by kind: constructive green and solid,
destructive red and dashed, both at once orange, neither grey. The signs keep the difference
readable without colour. Routes are dotted and labelled with their condition; endings are
drawn double-bordered with their titles; the start node has a bold border.

Scenario text is data: every label is escaped for its format (and the node names of Mermaid
are generated, since ids there are syntax), so no text can end a label or inject a statement.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator

from attrs import frozen

from trustsim.model import Choice, Node, NodeKind, Scenario
from trustsim.scoring import TAXONOMY

__all__ = ["Edge", "EdgeKind", "edges", "short", "to_dot", "to_mermaid"]

#: Longest text shown on an edge before it is cut (with an ellipsis) at a word boundary.
SHORT_TEXT = 40


class EdgeKind(enum.StrEnum):
    CONSTRUCTIVE = "constructive"
    DESTRUCTIVE = "destructive"
    MIXED = "mixed"
    NEUTRAL = "neutral"
    ROUTE = "route"
    NEXT = "next"


_COLOURS = {
    EdgeKind.CONSTRUCTIVE: "#2e7d32",
    EdgeKind.DESTRUCTIVE: "#c62828",
    EdgeKind.MIXED: "#ef6c00",
    EdgeKind.NEUTRAL: "#757575",
    EdgeKind.ROUTE: "#1565c0",
    EdgeKind.NEXT: "#424242",
}


@frozen
class Edge:
    source: str
    target: str
    kind: EdgeKind
    #: Label lines, unescaped.
    lines: tuple[str, ...]


def short(text: str, limit: int = SHORT_TEXT) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


def _kind(choice: Choice) -> EdgeKind:
    constructive = any(TAXONOMY[t].constructive for t in choice.tags)
    destructive = any(not TAXONOMY[t].constructive for t in choice.tags)
    if constructive and destructive:
        return EdgeKind.MIXED
    if constructive:
        return EdgeKind.CONSTRUCTIVE
    if destructive:
        return EdgeKind.DESTRUCTIVE
    return EdgeKind.NEUTRAL


def _tags(choice: Choice) -> str:
    return " ".join(("+" if TAXONOMY[t].constructive else "-") + t for t in choice.tags)


def edges(scenario: Scenario) -> Iterator[Edge]:
    """Every edge of the graph, in file order."""
    for node in scenario.nodes.values():
        for number, choice in enumerate(node.choices, start=1):
            lines = [f"{number}. {short(choice.text)}"]
            if choice.tags:
                lines.append(_tags(choice))
            if choice.condition is not None:
                lines.append("if " + short(choice.condition.source))
            yield Edge(node.id, choice.goto, _kind(choice), tuple(lines))
        for route in node.routes:
            label = ("if " + short(route.condition.source) if route.condition is not None
                     else "otherwise")
            yield Edge(node.id, route.goto, EdgeKind.ROUTE, (label,))
        if node.next is not None:
            yield Edge(node.id, node.next, EdgeKind.NEXT, ())


def _node_lines(node: Node) -> tuple[str, ...]:
    if node.kind is NodeKind.ENDING:
        return (node.id, f"ending: {short(node.ending or '')}")
    who = f"{node.speaker}: " if node.speaker else ""
    return (node.id, short(who + node.text, 30))


# -- DOT ----------------------------------------------------------------------------------


def dot_string(text: str) -> str:
    """A DOT quoted string. Backslashes are doubled first, so that no escape sequence of
    Graphviz's (`\\n`, `\\l`, `\\N`, `\\G`...) can come from the text itself."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _dot_label(lines: tuple[str, ...]) -> str:
    # Escape each line, then join with DOT's own centred line break.
    return '"' + "\\n".join(dot_string(line)[1:-1] for line in lines) + '"'


_DOT_STYLE = {
    EdgeKind.CONSTRUCTIVE: "solid",
    EdgeKind.DESTRUCTIVE: "dashed",
    EdgeKind.MIXED: "bold",
    EdgeKind.NEUTRAL: "solid",
    EdgeKind.ROUTE: "dotted",
    EdgeKind.NEXT: "solid",
}


def to_dot(scenario: Scenario) -> str:
    out = [
        f"digraph {dot_string(scenario.id)} {{",
        f"  graph [label={dot_string(scenario.title)}, labelloc=t, rankdir=TB];",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for node in scenario.nodes.values():
        attributes = [f"label={_dot_label(_node_lines(node))}"]
        if node.kind is NodeKind.ENDING:
            attributes += ["shape=box", "peripheries=2", 'style="rounded,filled"',
                           'fillcolor="#e8f5e9"']
        elif node.kind in (NodeKind.ROUTES, NodeKind.NEXT):
            attributes += ["shape=diamond" if node.kind is NodeKind.ROUTES else "shape=box",
                           'style="rounded,dashed"']
        if node.id == scenario.start:
            attributes.append("penwidth=3")
        out.append(f"  {dot_string(node.id)} [{', '.join(attributes)}];")
    for edge in edges(scenario):
        attributes = [f'color="{_COLOURS[edge.kind]}"', f'fontcolor="{_COLOURS[edge.kind]}"',
                      f"style={_DOT_STYLE[edge.kind]}"]
        if edge.lines:
            attributes.insert(0, f"label={_dot_label(edge.lines)}")
        if edge.kind in (EdgeKind.DESTRUCTIVE, EdgeKind.CONSTRUCTIVE, EdgeKind.MIXED):
            attributes.append("penwidth=2")
        out.append(f"  {dot_string(edge.source)} -> {dot_string(edge.target)} "
                   f"[{', '.join(attributes)}];")
    out.append("}")
    return "\n".join(out) + "\n"


# -- Mermaid ------------------------------------------------------------------------------

# Mermaid reads `#name;` and `#123;` in quoted labels as entities, so every character that
# could end the label or be taken as markup is written as one, and `#` itself first.
_MERMAID_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "|": "#124;",
    "`": "#96;",
    # `%%` starts a comment in Mermaid; no run of text should be able to look like one.
    "%": "#37;",
    "\n": " ",
    "\t": " ",
}


def mermaid_text(text: str) -> str:
    return "".join(_MERMAID_ENTITIES.get(c, c) for c in text)


def _mermaid_label(lines: tuple[str, ...]) -> str:
    return '"' + "<br/>".join(mermaid_text(line) for line in lines) + '"'


_MERMAID_ARROW = {
    EdgeKind.ROUTE: "-.->",
    EdgeKind.MIXED: "==>",
}


def to_mermaid(scenario: Scenario) -> str:
    # Node ids become n0, n1, ...: Mermaid gives some words (`end`, `graph`...) meaning.
    names = {node_id: f"n{i}" for i, node_id in enumerate(scenario.nodes)}
    out = ["flowchart TD", f"  %% {mermaid_text(scenario.id)}: {mermaid_text(scenario.title)}"]
    endings: list[str] = []
    automatic: list[str] = []
    for node in scenario.nodes.values():
        name = names[node.id]
        label = _mermaid_label(_node_lines(node))
        if node.kind is NodeKind.ENDING:
            out.append(f"  {name}([{label}])")
            endings.append(name)
        elif node.kind is NodeKind.ROUTES:
            out.append(f"  {name}{{{{{label}}}}}")
            automatic.append(name)
        else:
            out.append(f"  {name}[{label}]")
            if node.kind is NodeKind.NEXT:
                automatic.append(name)
    styles: list[str] = []
    for number, edge in enumerate(edges(scenario)):
        arrow = _MERMAID_ARROW.get(edge.kind, "-->")
        label = f"|{_mermaid_label(edge.lines)}|" if edge.lines else ""
        out.append(f"  {names[edge.source]} {arrow}{label} {names[edge.target]}")
        colour = _COLOURS[edge.kind]
        dash = ",stroke-dasharray:6 4" if edge.kind is EdgeKind.DESTRUCTIVE else ""
        styles.append(f"  linkStyle {number} stroke:{colour},stroke-width:2px{dash}")
    out += styles
    out.append("  classDef ending fill:#e8f5e9,stroke:#2e7d32,stroke-width:3px")
    out.append("  classDef automatic stroke-dasharray:4 3")
    out.append("  classDef start stroke-width:4px")
    if endings:
        out.append(f"  class {','.join(endings)} ending")
    if automatic:
        out.append(f"  class {','.join(automatic)} automatic")
    out.append(f"  class {names[scenario.start]} start")
    return "\n".join(out) + "\n"
