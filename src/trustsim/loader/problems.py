"""Problems found while loading, addressed by key path until positions are known.

Positions are resolved only when a problem exists, so a valid file never pays for the
scan of its raw text.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, NamedTuple

from trustsim.loader.diagnostics import Code, Diagnostic

if TYPE_CHECKING:
    # The positions module (its regular expressions) is imported only when a problem has to
    # be placed: loading a valid file never needs it.
    from trustsim.loader.positions import KeyPath, PositionIndex


class Problem(NamedTuple):
    # A NamedTuple, not an attrs class: it never leaves the loader, and each attrs class
    # created at import adds to the app's start (about 0.4 ms each).
    path: KeyPath
    code: Code
    message: str
    hint: str | None = None
    #: Offset into the string value at `path` (for condition errors), when known.
    value_offset: int | None = None


class Problems:
    """Collects every problem in a file, so that one run reports them all."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(
        self,
        path: KeyPath,
        code: Code,
        message: str,
        hint: str | None = None,
        value_offset: int | None = None,
    ) -> None:
        self.items.append(Problem(path, code, message, hint, value_offset))

    def __bool__(self) -> bool:
        return bool(self.items)

    def to_diagnostics(self, file: str, text: str) -> list[Diagnostic]:
        if not self.items:
            return []
        from trustsim.loader.positions import index_positions

        index = index_positions(text)
        # Only "\n" ends a line in TOML (and in the positions): not U+2028 and kin.
        lines = text.split("\n")
        return [_locate(p, file, index, lines) for p in self.items]


def _locate(problem: Problem, file: str, index: PositionIndex, lines: list[str]) -> Diagnostic:
    where = index.key(problem.path)
    line, column = where.line, where.column
    if problem.value_offset is not None:
        start = index.value(problem.path)
        if start is not None and _value_is_verbatim(start.line, start.column, lines):
            line, column = start.line, start.column + 1 + problem.value_offset
    return Diagnostic(file, line, column, problem.code, problem.message, problem.hint)


def _value_is_verbatim(line: int, column: int, lines: list[str]) -> bool:
    """True when the string at this position is one-line and without escapes, so an offset
    into its value is also an offset into the line."""
    if not 0 < line <= len(lines):
        return False
    rest = lines[line - 1][column - 1 :]
    if rest[:3] in ('"""', "'''"):
        return False
    return rest[:1] == "'" or (rest[:1] == '"' and "\\" not in rest)


#: Above this many candidates, a full fuzzy comparison with each costs more than the check.
_MANY = 256
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_-"


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A suggestion for a misspelt name, or None when nothing is close."""
    # Mappings and sets are searched in place: copying 100k node ids per problem would cost
    # more than the whole check.
    names: Collection[str] = (
        candidates if isinstance(candidates, Collection) else list(candidates))
    if len(names) > _MANY:
        # Big generated scenarios: try the one-edit neighbours of the word first (fast set
        # look-ups), then fuzzy-compare only names of about the same length.
        close = next((w for w in _one_edit_away(word) if w in names), None)
        if close is not None:
            return f'did you mean "{close}"?'
        names = [n for n in names if abs(len(n) - len(word)) <= 1][:_MANY]
    matches = difflib.get_close_matches(word, list(names), n=1, cutoff=0.6)
    return f'did you mean "{matches[0]}"?' if matches else None


def _one_edit_away(word: str) -> Iterable[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for left, right in splits:
        if right:
            yield left + right[1:]
            for char in _ALPHABET:
                yield left + char + right[1:]
        if len(right) > 1:
            yield left + right[1] + right[0] + right[2:]
        for char in _ALPHABET:
            yield left + char + right
