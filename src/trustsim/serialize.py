"""The model back to a scenario file (format 1): what the loader reads, the writer writes."""

from __future__ import annotations

from typing import Any

import tomli_w

from trustsim.model import Choice, Node, Scenario
from trustsim.scoring.taxonomy import Signal


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": scenario.format,
        "id": scenario.id,
        "title": scenario.title,
        "summary": scenario.summary,
        "author": scenario.author,
        "language": scenario.language,
        "minutes": scenario.minutes,
        "content_notes": list(scenario.content_notes),
        "start": scenario.start,
        "partner": _without_none({
            "name": scenario.partner.name,
            "pronouns": scenario.partner.pronouns,
            "relationship": scenario.partner.relationship,
        }),
        "trust": {"initial": scenario.trust.initial, "ceiling": scenario.trust.ceiling},
    }
    if scenario.weights:
        doc["scoring"] = {"weights": dict(scenario.weights)}
    doc["nodes"] = {node_id: _node(node) for node_id, node in scenario.nodes.items()}
    if scenario.tests:
        doc["tests"] = [
            _without_none({
                "name": t.name, "choices": list(t.choices), "ending": t.ending,
                "min": dict(t.minimum) or None, "max": dict(t.maximum) or None,
            })
            for t in scenario.tests
        ]
    if scenario.invariants:
        doc["invariants"] = [_without_none({"name": i.name, "never": i.never.source})
                             for i in scenario.invariants]
    return doc


def scenario_to_toml(scenario: Scenario) -> str:
    return tomli_w.dumps(scenario_to_dict(scenario), multiline_strings=True)


def _node(node: Node) -> dict[str, Any]:
    table = _without_none({"speaker": node.speaker, "text": node.text,
                           "next": node.next, "ending": node.ending})
    if node.choices:
        table["choices"] = [_choice(c) for c in node.choices]
    if node.routes:
        table["routes"] = [
            _without_none({"if": r.condition.source if r.condition else None, "goto": r.goto})
            for r in node.routes
        ]
    return table


def _choice(choice: Choice) -> dict[str, Any]:
    table = _without_none({
        "text": choice.text,
        "if": choice.condition.source if choice.condition else None,
        "tags": list(choice.tags) or None,
        "signal": None if choice.signal is Signal.STEADY else str(choice.signal),
        "reply": choice.reply,
        "feedback": choice.feedback,
        "set": list(choice.set_flags) or None,
        "clear": list(choice.clear_flags) or None,
        "goto": choice.goto,
    })
    return table


def _without_none(table: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in table.items() if v is not None}
