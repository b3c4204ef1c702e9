"""`trustsim schema`: a JSON Schema (draft 2020-12) of scenario format 1, for editors.

Taplo (and the Even Better TOML extension built on it) validates and completes TOML files
against a JSON Schema: with this one, authors get completion of keys, tags and signals,
hover documentation and errors as they type. It is generated from the same constants the
loader checks against (key lists, id patterns, the taxonomy), so the two cannot drift.

The schema states what a single file's structure must be. What needs the whole file (that a
`goto` names a node that exists, reachability, condition syntax, route order, trust initial
below its ceiling) is left to `trustsim check`, which says it better. Only keywords that
Taplo understands as well as draft 2020-12 are used (no `prefixItems`, no `$dynamicRef`).
"""

from __future__ import annotations

from typing import Any

from trustsim.loader.structure import (
    CHOICE_KEYS,
    INVARIANT_KEYS,
    MAX_CHOICES,
    NODE_KEYS,
    PARTNER_KEYS,
    ROUTE_KEYS,
    TEST_KEYS,
    TOP_KEYS,
    TRUST_KEYS,
)
from trustsim.model import FORMAT_VERSION
from trustsim.scoring import MAX_WEIGHT, MIN_WEIGHT, SCORE_NAMES, TAGS, TAXONOMY, Signal

__all__ = ["SCHEMA_ID", "scenario_schema"]

SCHEMA_ID = f"urn:trustsim:scenario-format-{FORMAT_VERSION}"

# Unicode control characters except tab and newline: the loader rejects them in text (E003).
_CONTROL = "\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f"
#: Text without control characters.
_TEXT = f"^[^{_CONTROL}]*$"
#: The same, and not only white space (the loader calls that empty, E015).
_NONEMPTY_TEXT = f"^[^{_CONTROL}]*[^\\s{_CONTROL}][^{_CONTROL}]*$"

_SIGNAL_DOCS = {
    Signal.WARM: "Warm: reads as closeness or affection.",
    Signal.STEADY: "Steady: neither warmer nor cooler (the default). Never a flip.",
    Signal.DISTANT: "Distant: reads as coolness or pulling away.",
}

_CONDITION_HELP = (
    "A condition, e.g. `trust >= 45 and not flag.lied_again`. Names: trust, hurt, "
    "uncertainty, turn, score.<accountability|consistency|respect|overall>, count.<tag>, "
    "flag.<name>; numbers, true/false; == != < <= > >=, and, or, not, parentheses."
)


def _closed(properties: dict[str, Any], keys: tuple[str, ...], **extra: Any) -> dict[str, Any]:
    """A table with exactly these keys allowed (the loader reports any other, E012)."""
    assert set(properties) == set(keys), (sorted(properties), sorted(keys))
    return {"type": "object", "properties": properties, "additionalProperties": False, **extra}


def _text(description: str, *, nonempty: bool = True) -> dict[str, Any]:
    return {"type": "string", "pattern": _NONEMPTY_TEXT if nonempty else _TEXT,
            "description": description}


def _ref(name: str, description: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"$ref": f"#/$defs/{name}"}
    if description:
        found["description"] = description
    return found


def _flags(description: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref("flagName"), "uniqueItems": True,
            "description": description}


def _score_bounds(description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "propertyNames": {"enum": list(SCORE_NAMES)},
        "additionalProperties": {"type": "number", "minimum": 0, "maximum": 100},
        "description": description,
    }


def scenario_schema() -> dict[str, Any]:
    tags = list(TAGS)
    signals = [s.value for s in Signal]
    defs: dict[str, Any] = {
        "nodeId": {
            "type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$",
            "description": "A node id: letters, digits, - and _ (at most 64).",
        },
        "flagName": {
            "type": "string", "pattern": "^[a-z_][a-z0-9_]{0,63}$",
            "description": "A flag: lower-case letters, digits and _, not starting with a "
                           "digit. Read it in conditions as flag.<name>.",
        },
        "tag": {
            "enum": tags,
            "description": "A behaviour from the taxonomy (what a reader sees in the words).",
            "x-taplo": {"docs": {"enumValues": [
                f"{TAXONOMY[t].kind.value}, {TAXONOMY[t].dimension.value}: "
                f"{TAXONOMY[t].description}" for t in tags
            ]}},
        },
        "signal": {
            "enum": signals,
            "default": Signal.STEADY.value,
            "description": "How the choice reads emotionally. A warm choice after a distant one "
                           "(or the reverse) is a mixed signal, even untagged.",
            "x-taplo": {"docs": {"enumValues": [_SIGNAL_DOCS[Signal(s)] for s in signals]}},
        },
        "condition": {"type": "string", "minLength": 1, "description": _CONDITION_HELP},
        "choice": _closed({
            "text": _text("What the player says or does."),
            "goto": _ref("nodeId", "The node this choice leads to."),
            "tags": {"type": "array", "items": _ref("tag"), "uniqueItems": True,
                     "description": "Behaviours this choice shows."},
            "signal": _ref("signal"),
            "reply": _text("The partner's immediate reaction."),
            "feedback": _text("A coaching note, shown in coach mode and the debrief."),
            "set": _flags("Flags this choice raises."),
            "clear": _flags("Flags this choice lowers (after `set`)."),
            "if": _ref("condition", "Offer this choice only when the condition holds."),
        }, CHOICE_KEYS, required=["text", "goto"]),
        "route": _closed({
            "goto": _ref("nodeId", "Where the play goes when this route applies."),
            "if": _ref("condition", "The route applies when this holds; the last route has "
                                    "no `if` (the fallback)."),
        }, ROUTE_KEYS, required=["goto"]),
        "node": _closed({
            "text": _text("What happens or is said at this node."),
            "speaker": _text("Who speaks the text; omit for narration."),
            "choices": {"type": "array", "items": _ref("choice"), "minItems": 1,
                        "maxItems": MAX_CHOICES,
                        "description": f"1-{MAX_CHOICES} choices offered to the player."},
            "routes": {"type": "array", "items": _ref("route"), "minItems": 1,
                       "description": "Automatic branching: the first route whose `if` "
                                      "holds is taken."},
            "next": _ref("nodeId", "Go on to this node without a choice."),
            "ending": _text("Makes this an ending node; its title."),
        }, NODE_KEYS, required=["text"],
            oneOf=[{"required": [k]} for k in ("choices", "routes", "next", "ending")],
            description="A node: `text` and exactly one of choices, routes, next or ending."),
        "test": _closed({
            "name": _text("What the test is about."),
            "choices": {"type": "array",
                        "items": {"type": "integer", "minimum": 1, "maximum": MAX_CHOICES},
                        "description": "Choice numbers to play, 1-based as shown."},
            "ending": _ref("nodeId", "The ending node the play must reach."),
            "min": _score_bounds("Scores the play must reach at least, e.g. overall = 70."),
            "max": _score_bounds("Scores the play must stay at or below."),
        }, TEST_KEYS, required=["choices"]),
        "invariant": _closed({
            "name": _text("What the invariant protects."),
            "never": _ref("condition", "Must never hold, in any state of any play. May also "
                                       "compare `ending` with a quoted node id."),
        }, INVARIANT_KEYS, required=["never"]),
    }
    properties: dict[str, Any] = {
        "format": {"const": FORMAT_VERSION, "description": "Scenario format version."},
        "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
               "description": "Unique id in a library: lower-case letters, digits, hyphens."},
        "title": _text("The title players see in the library."),
        "summary": _text("One or two sentences shown before play.", nonempty=False),
        "author": _text("Who wrote the scenario.", nonempty=False),
        "language": {**_text("Language of the text, e.g. en."), "default": "en"},
        "minutes": {"type": "integer", "minimum": 1, "maximum": 600, "default": 10,
                    "description": "Estimated play time in minutes."},
        "content_notes": {"type": "array", "uniqueItems": True,
                          "items": _text("A content note, e.g. lying."),
                          "description": "Shown before play starts."},
        "start": _ref("nodeId", "The id of the first node."),
        "partner": _closed({
            "name": _text("The partner's name."),
            "pronouns": _text("e.g. she/her."),
            "relationship": _text("e.g. partner of six years."),
        }, PARTNER_KEYS, required=["name"]),
        "trust": _closed({
            "initial": {"type": "number", "minimum": 0, "maximum": 100, "default": 30,
                        "description": "The partner's trust when play starts, 0-100."},
            "ceiling": {"type": "number", "minimum": 0, "maximum": 100, "default": 80,
                        "description": "The most trust that can come back (at least "
                                       "`initial`)."},
        }, TRUST_KEYS),
        "scoring": _closed({
            "weights": {
                "type": "object",
                "propertyNames": _ref("tag"),
                "additionalProperties": {"type": "number", "minimum": MIN_WEIGHT,
                                         "maximum": MAX_WEIGHT},
                "description": "Per-scenario weights of behaviour tags.",
            },
        }, ("weights",)),
        "nodes": {
            "type": "object",
            "propertyNames": _ref("nodeId"),
            "additionalProperties": _ref("node"),
            "minProperties": 1,
            "description": "Every node of the scenario, by id.",
        },
        "tests": {"type": "array", "items": _ref("test"),
                  "description": "The author's tests, run by `trustsim check`."},
        "invariants": {"type": "array", "items": _ref("invariant"),
                       "description": "Rules that must hold on every play."},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"trustsim scenario (format {FORMAT_VERSION})",
        "description": "A branching scenario for trustsim. Check a file with "
                       "`trustsim check FILE`; see docs/authoring.md.",
        **_closed(properties, TOP_KEYS, required=["format", "id", "title", "start", "partner",
                                                  "nodes"]),
        "x-taplo": {"initKeys": ["format", "id", "title", "start"]},
        "$defs": defs,
    }
