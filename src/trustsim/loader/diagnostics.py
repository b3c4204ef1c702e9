"""Diagnostics: what is wrong with a scenario file, where, and how to fix it.

Codes are stable: tools and tests depend on them. Never renumber; retire a code instead.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence

from attrs import frozen


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@frozen
class Code:
    id: str
    severity: Severity
    summary: str


def _e(id: str, summary: str) -> Code:
    return Code(id, Severity.ERROR, summary)


def _w(id: str, summary: str) -> Code:
    return Code(id, Severity.WARNING, summary)


class Codes:
    """Every diagnostic the loader and checker can produce."""

    TOML_SYNTAX = _e("E001", "the file is not valid TOML")
    UNREADABLE = _e("E002", "the file cannot be read or is not UTF-8")
    CONTROL_CHARACTER = _e("E003", "text contains a control character")
    BAD_FORMAT = _e("E010", "missing or unsupported `format`")
    MISSING_KEY = _e("E011", "a required key is missing")
    UNKNOWN_KEY = _e("E012", "a key that the format does not define")
    WRONG_TYPE = _e("E013", "a value of the wrong type")
    BAD_VALUE = _e("E014", "a value outside what the format allows")
    EMPTY_TEXT = _e("E015", "text that must not be empty is empty")
    LONG_TEXT = _w("W016", "text longer than a player will read on one screen")
    NODE_SHAPE = _e("E020", "a node needs exactly one of choices, routes, next or ending")
    ROUTE_ORDER = _e("E021", "routes need a fallback last, and only last")
    UNKNOWN_NODE = _e("E030", "a reference to a node that does not exist")
    UNKNOWN_TAG = _e("E031", "a behaviour tag that the taxonomy does not define")
    CONDITION_SYNTAX = _e("E032", "a condition that cannot be parsed")
    UNKNOWN_NAME = _e("E033", "a condition names something unknown")
    UNKNOWN_FLAG = _e("E034", "a condition reads a flag that no choice sets")
    UNREACHABLE = _w("W040", "a node that no path reaches")
    DEAD_END = _e("E041", "a node from which no ending can be reached")
    TRAPPED_LOOP = _e("E042", "a loop with no way out")
    AUTOMATIC_LOOP = _e("E043", "routes and next form a loop that no choice breaks")
    NO_ENDING = _e("E044", "the scenario has no ending")
    DUPLICATE_ID = _e("E050", "two scenarios in one library share an id")
    SCENARIO_TEST_FAILED = _e("E060", "an author's test or invariant does not hold")

    @classmethod
    def all(cls) -> tuple[Code, ...]:
        return tuple(v for v in vars(cls).values() if isinstance(v, Code))


@frozen
class Diagnostic:
    file: str
    line: int
    column: int
    code: Code
    message: str
    hint: str | None = None

    @property
    def severity(self) -> Severity:
        return self.code.severity

    @property
    def is_error(self) -> bool:
        return self.code.severity is Severity.ERROR

    def render(self) -> str:
        """One line, compiler style: `file:line:col: error[E030]: message (hint)`."""
        text = f"{self.file}:{self.line}:{self.column}: {self.severity}[{self.code.id}]: "
        text += _one_line(self.message)
        if self.hint:
            text += f" ({_one_line(self.hint)})"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": str(self.severity),
            "code": self.code.id,
            "message": self.message,
            "hint": self.hint,
        }


def _one_line(text: str) -> str:
    # Messages quote what a user wrote; a newline or escape in it must not break the line
    # or reach the terminal raw.
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=lambda d: (d.file, d.line, d.column, d.code.id))


def has_errors(diagnostics: Sequence[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


class ScenarioError(Exception):
    """A scenario that cannot be loaded; carries every diagnostic found, errors first."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        first = next((d for d in self.diagnostics if d.is_error), None)
        super().__init__(first.render() if first else "invalid scenario")
