"""The scenario model: immutable values built by the loader, read by everything else."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from attrs import field, frozen

from trustsim.conditions import Condition
from trustsim.scoring.taxonomy import Signal

FORMAT_VERSION = 1


def _frozen_mapping(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(value))


class NodeKind(enum.StrEnum):
    CHOICES = "choices"
    ROUTES = "routes"
    NEXT = "next"
    ENDING = "ending"


@frozen
class Choice:
    text: str
    goto: str
    tags: tuple[str, ...] = ()
    signal: Signal = Signal.STEADY
    reply: str | None = None
    feedback: str | None = None
    set_flags: tuple[str, ...] = ()
    clear_flags: tuple[str, ...] = ()
    condition: Condition | None = None


@frozen
class Route:
    goto: str
    condition: Condition | None = None


@frozen
class Node:
    id: str
    text: str
    speaker: str | None = None
    choices: tuple[Choice, ...] = ()
    routes: tuple[Route, ...] = ()
    next: str | None = None
    ending: str | None = None

    @property
    def kind(self) -> NodeKind:
        if self.ending is not None:
            return NodeKind.ENDING
        if self.next is not None:
            return NodeKind.NEXT
        if self.routes:
            return NodeKind.ROUTES
        return NodeKind.CHOICES

    @property
    def targets(self) -> tuple[str, ...]:
        """Every node this one can lead to, in file order."""
        if self.next is not None:
            return (self.next,)
        return tuple(c.goto for c in self.choices) + tuple(r.goto for r in self.routes)


@frozen
class Partner:
    name: str
    pronouns: str | None = None
    relationship: str | None = None


@frozen
class TrustSettings:
    initial: float = 30
    ceiling: float = 80


@frozen
class ScenarioTest:
    """An author's test: play these choices, expect this ending and these score bounds."""

    choices: tuple[int, ...]
    ending: str | None = None
    minimum: Mapping[str, float] = field(factory=dict, converter=_frozen_mapping)
    maximum: Mapping[str, float] = field(factory=dict, converter=_frozen_mapping)
    name: str | None = None


@frozen
class Invariant:
    """An author's rule that must hold at the end of every path."""

    never: Condition
    name: str | None = None


@frozen(eq=True)
class Scenario:
    id: str
    title: str
    start: str
    partner: Partner
    nodes: Mapping[str, Node] = field(converter=_frozen_mapping)
    summary: str = ""
    author: str = ""
    language: str = "en"
    minutes: int = 10
    content_notes: tuple[str, ...] = ()
    trust: TrustSettings = TrustSettings()
    weights: Mapping[str, float] = field(factory=dict, converter=_frozen_mapping)
    tests: tuple[ScenarioTest, ...] = ()
    invariants: tuple[Invariant, ...] = ()
    format: int = FORMAT_VERSION
    path: Path | None = field(default=None, eq=False)

    @property
    def endings(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes.values() if n.ending is not None)
