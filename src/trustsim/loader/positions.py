"""Where each key of a TOML document was written, found by scanning the raw text.

tomli records no positions, so diagnostics about a parsed document are addressed by key path
and mapped back to the source here. The scan follows the parser's own rules for what a path
means (`[[a]]` appends an element, `[a.b]` after `[[a]]` refers to the last element, dotted
keys create tables) but does not validate: on invalid TOML it recovers at the next line, and
it never raises. It runs only when there is something to report, and it is lazy: the text is
scanned on the first query.

Speed comes from letting regular expressions consume whole strings, comments and the usual
`bare_key = scalar` statement in one match, so Python code runs per statement, not per
character. Leaves are stored as plain offsets, not objects of their own, and line numbers are
worked out only for the positions asked for, to keep the index small for scenario files of
tens of megabytes.
"""

from __future__ import annotations

import contextlib
import re
import sys

import attrs

__all__ = ["KeyPath", "Position", "PositionIndex", "index_positions"]

KeyPath = tuple[str | int, ...]


@attrs.frozen
class Position:
    line: int  # 1-based
    column: int  # 1-based, counted in characters (code points)


_START = Position(1, 1)
# Newlines are counted per block of this many characters: a query then counts within one
# block, and the table stays a few thousand entries even for a 60 MB file.
_BLOCK = 1 << 14

# Possessive quantifiers throughout: the scan runs on untrusted text, and none of these
# patterns ever needs to give characters back, so backtracking could only cost time.
_BASIC = r'"(?:[^"\\\n]++|\\[^\n])*+"'
_LITERAL = r"'[^'\n]*+'"
# A closing delimiter may be preceded by up to two quotes that belong to the content, so the
# body stops only at a run of three and the close takes three to five.
_ML_BASIC = r'"""(?:[^"\\]++|\\[\s\S]|""?+(?!"))*+"{3,5}+'
_ML_LITERAL = r"'''(?:[^']++|''?+(?!'))*+'{3,5}+"
# Scalars need no validation, only their extent. A space may appear inside a date-time
# (`1979-05-27 07:32:00`) and nowhere else.
_SCALAR = r"""[^\s,\[\]{}#"'=]++(?: (?=\d\d:)[^\s,\[\]{}#"'=]++)?+"""
_STRING_OR_SCALAR = f"{_ML_BASIC}|{_BASIC}|{_ML_LITERAL}|{_LITERAL}|{_SCALAR}"
_SIMPLE_KEY = rf"[A-Za-z0-9_-]++|{_BASIC}|{_LITERAL}"
_TRIVIA = r"(?:[ \t\r\n]++|#[^\n]*+)*+"

# The common statements in one match: a header's opening bracket (group 1) and, when it is
# written without blanks or quotes, its key (group 2) and closing bracket (group 3); or a
# bare key (group 4) with its `=` and, unless it opens an array or inline table, its value
# (group 5).
_STATEMENT = re.compile(
    rf"{_TRIVIA}(?:"
    r"(\[\[?+)(?:([A-Za-z0-9_-]++(?:\.[A-Za-z0-9_-]++)*+)(\]\]?+))?+"
    rf"|([A-Za-z0-9_-]++)[ \t]*+=[ \t]*+({_STRING_OR_SCALAR})?+"
    r")?+"
)
_VALUE = re.compile(_STRING_OR_SCALAR)
_SIMPLE = re.compile(_SIMPLE_KEY)
_DOTTED = re.compile(rf"(?:{_SIMPLE_KEY})(?:[ \t]*+\.[ \t]*+(?:{_SIMPLE_KEY}))*+")
_BLANKS = re.compile(r"[ \t]*+")
_EQUALS = re.compile(r"[ \t]*+=[ \t]*+")
# Inside arrays and inline tables: commas too, and newlines and comments (TOML 1.1 allows
# them in inline tables, and the tomli in use accepts that).
_SEPARATORS = re.compile(r"(?:[ \t\r\n,]++|#[^\n]*+)*+")
_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}|.)")
_SHORT_ESCAPES = {
    "b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b", '"': '"', "\\": "\\",
}


class _Table:
    """A table or array in the scanned document.

    `pos` is where its key (or header, or element) was written; `vpos` where its value began
    (`[` or `{`), or -1 for tables made by headers or dotted keys. Arrays key their children
    by index. `explicit` is False only for tables that a header created on the way to its
    last segment, so that a later header naming them takes over their position.
    """

    __slots__ = ("array", "children", "explicit", "pos", "vpos")

    def __init__(self, pos: int, vpos: int = -1, *, array: bool = False,
                 explicit: bool = True) -> None:
        self.pos = pos
        self.vpos = vpos
        self.array = array
        self.explicit = explicit
        self.children: dict[str | int, _Table | int] = {}


def _skip(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where a pattern that may match nothing ends."""
    m = pattern.match(text, pos)
    return pos if m is None else m.end()


def _unquote(segment: str) -> str:
    if segment[0] == "'":
        return segment[1:-1]
    if segment[0] == '"':
        return _ESCAPE.sub(_unescape, segment[1:-1])
    return sys.intern(segment)


def _unescape(match: re.Match[str]) -> str:
    escape = match.group()
    kind = escape[1]
    if kind in "uUx" and len(escape) > 2:
        code = int(escape[2:], 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else escape
    return _SHORT_ESCAPES.get(kind, escape)


def _child_table(table: _Table, segment: str | int, pos: int, *, explicit: bool) -> _Table:
    """The table at `segment` under `table`, created at `pos` if it does not exist yet.

    Arrays stand for their last element, which is how TOML resolves `[a.b]` after `[[a]]`.
    """
    child = table.children.get(segment)
    if isinstance(child, _Table):
        if child.array:
            last = child.children.get(len(child.children) - 1)
            if isinstance(last, _Table):
                return last
            # An array of scalars (invalid to extend); keep the scan going inside it.
            return child
        return child
    # Missing, or a scalar being extended (invalid TOML): a table from here on.
    new = _Table(pos if child is None else child, explicit=explicit)
    table.children[segment] = new
    return new


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.root = _Table(0)

    def segments(self, start: int, end: int) -> list[tuple[str, int]]:
        text = self.text
        return [(_unquote(m.group()), m.start()) for m in _SIMPLE.finditer(text, start, end)]

    def run(self, start: int) -> None:
        text = self.text
        size = len(text)
        current = self.root
        children = current.children
        statement = _STATEMENT.match
        intern = sys.intern
        pos = start
        while pos < size:
            m = statement(text, pos)
            if m is None:  # cannot happen: every part of the pattern is optional
                break
            # The last group that matched tells the statement apart in one attribute read.
            last_group = m.lastindex
            if last_group == 5:
                # The common case, a bare key and a string or scalar: done in one match.
                children[intern(m[4])] = m.start(4)
                pos = m.end()
                continue
            if last_group == 4:
                pos = self.value(m.end(), children, intern(m[4]), m.start(4))
                continue
            if last_group == 3 and len(m[3]) == len(m[1]):
                segments = [intern(s) for s in m[2].split(".")]
                current = self.table(m.start(1), segments, len(m[1]) == 2)
                children = current.children
                pos = m.end()
                continue
            if last_group is not None:
                found = self.header(m.start(1), m.end(1), len(m[1]) == 2)
                if found is not None:
                    current, pos = found
                    children = current.children
                    continue
            pos = m.end()
            if pos >= size:
                break
            if last_group is None:
                dotted = _DOTTED.match(text, pos)
                if dotted is not None:
                    equals = _EQUALS.match(text, dotted.end())
                    if equals is not None:
                        table = current
                        *parents, (last, last_pos) = self.segments(pos, dotted.end())
                        for segment, segment_pos in parents:
                            table = _child_table(table, segment, segment_pos, explicit=True)
                        pos = self.value(equals.end(), table.children, last, last_pos)
                        continue
            # Not a statement: resume at the next line.
            newline = text.find("\n", pos)
            pos = size if newline < 0 else newline + 1

    def header(self, start: int, pos: int, is_array: bool) -> tuple[_Table, int] | None:
        text = self.text
        pos = _skip(_BLANKS, text, pos)
        dotted = _DOTTED.match(text, pos)
        if dotted is None:
            return None
        end = _skip(_BLANKS, text, dotted.end())
        close = "]]" if is_array else "]"
        if not text.startswith(close, end):
            return None
        segments = [segment for segment, _ in self.segments(pos, dotted.end())]
        return self.table(start, segments, is_array), end + len(close)

    def table(self, start: int, segments: list[str], is_array: bool) -> _Table:
        """The table that the header at `start` naming `segments` opens."""
        *parents, last = segments
        table = self.root
        for segment in parents:
            table = _child_table(table, segment, start, explicit=False)
        child = table.children.get(last)
        if is_array:
            if not isinstance(child, _Table):
                child = _Table(start, array=True)
                table.children[last] = child
            element = _Table(start)
            child.children[len(child.children)] = element
            return element
        if isinstance(child, _Table):
            if not child.explicit:
                child.pos = start
                child.explicit = True
            return child
        new = _Table(start)
        table.children[last] = new
        return new

    def value(self, pos: int, children: dict[str | int, _Table | int], key: str | int,
              key_pos: int) -> int:
        """Record the value at `pos` (and everything inside it) under `children[key]`.

        Iterative rather than recursive, because arbitrary text may nest ten thousand deep.
        Returns where the value ends, or where scanning gave up on it.
        """
        text = self.text
        size = len(text)
        stack: list[_Table] = []
        while True:
            char = text[pos] if pos < size else ""
            if char == "[" or char == "{":
                container = _Table(key_pos, pos, array=char == "[")
                children[key] = container
                stack.append(container)
                pos += 1
            else:
                m = _VALUE.match(text, pos)
                if m is None:
                    return pos
                children[key] = key_pos
                pos = m.end()
            # Find the next value to read, closing the containers that end before it.
            while stack:
                top = stack[-1]
                pos = _skip(_SEPARATORS, text, pos)
                char = text[pos] if pos < size else ""
                if char == ("]" if top.array else "}"):
                    stack.pop()
                    pos += 1
                    continue
                if top.array:
                    children = top.children
                    key = len(children)
                    key_pos = pos
                    break
                dotted = _DOTTED.match(text, pos)
                equals = None if dotted is None else _EQUALS.match(text, dotted.end())
                if dotted is None or equals is None:
                    return pos
                table = top
                *parents, (key, key_pos) = self.segments(pos, dotted.end())
                for segment, segment_pos in parents:
                    table = _child_table(table, segment, segment_pos, explicit=True)
                children = table.children
                pos = equals.end()
                break
            else:
                return pos


class PositionIndex:
    """Positions of the keys and values of one TOML text; every query is total."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._start = 1 if text.startswith("\ufeff") else 0
        self._root: _Table | None = None
        # Per block of text: lines before it, and the last newline before it.
        self._blocks: tuple[list[int], list[int]] | None = None

    def key(self, path: KeyPath) -> Position:
        """Where the key or array element at `path` was written, or its nearest written
        ancestor when it was not; `Position(1, 1)` when nothing of it was."""
        try:
            found, _ = self._find(path)
            if found is None:
                return _START
            return self._position(found.pos if isinstance(found, _Table) else found)
        except Exception:
            # Positions only decorate a diagnostic; failing here would hide the diagnostic.
            return _START

    def value(self, path: KeyPath) -> Position | None:
        """Where the value of `key = value` at `path` begins (a string's opening quote), or
        None when `path` was not written as a key with a value."""
        try:
            found, exact = self._find(path)
            if found is None or not exact:
                return None
            if isinstance(found, _Table):
                return None if found.vpos < 0 else self._position(found.vpos)
            if isinstance(path[-1], int):
                return self._position(found)
            key = _SIMPLE.match(self._text, found)
            if key is None:
                return None
            equals = _EQUALS.match(self._text, key.end())
            return None if equals is None else self._position(equals.end())
        except Exception:
            return None

    def _find(self, path: KeyPath) -> tuple[_Table | int | None, bool]:
        """The deepest written node along `path`, and whether it is the whole path."""
        if self._root is None:
            scanner = _Scanner(self._text)
            # A scanner bug must not cost the diagnostic; what was indexed still helps.
            with contextlib.suppress(Exception):
                scanner.run(self._start)
            self._root = scanner.root
        node: _Table | int = self._root
        found: _Table | int | None = None
        for depth, segment in enumerate(path):
            child = node.children.get(segment) if isinstance(node, _Table) else None
            if child is None:
                return found, False
            found = node = child
            if isinstance(child, int):
                return child, depth == len(path) - 1
        return found, True

    def _position(self, offset: int) -> Position:
        text = self._text
        if self._blocks is None:
            self._blocks = self._count_lines()
        lines_before, last_newline = self._blocks
        block = offset // _BLOCK
        block_start = block * _BLOCK
        line = lines_before[block] + text.count("\n", block_start, offset) + 1
        newline = text.rfind("\n", block_start, offset)
        if newline < 0:
            newline = last_newline[block]
        line_start = newline + 1 if newline >= 0 else self._start
        return Position(line, offset - line_start + 1)

    def _count_lines(self) -> tuple[list[int], list[int]]:
        """Lines before each block, and the last newline before it (found block by block, so
        that a file of very long lines costs no more)."""
        text = self._text
        lines_before: list[int] = []
        last_newline: list[int] = []
        lines = 0
        newline = -1
        for block_start in range(0, len(text) + 1, _BLOCK):
            lines_before.append(lines)
            last_newline.append(newline)
            block_end = block_start + _BLOCK
            lines += text.count("\n", block_start, block_end)
            found = text.rfind("\n", block_start, block_end)
            if found >= 0:
                newline = found
        return lines_before, last_newline


def index_positions(text: str) -> PositionIndex:
    """An index of where each key of `text` was written; cheap until first queried."""
    return PositionIndex(text)
