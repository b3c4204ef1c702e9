"""The condition language of scenario files (SPEC section 2).

Conditions appear in `if = "..."` on choices and routes and in `[[invariants]] never = "..."`.
They are parsed once, when a scenario is loaded, into nested closures; authoring tools then
evaluate them millions of times, so all checking (names, types, limits) happens in
`parse_condition` and `Condition.evaluate` does nothing but read values and compare them.

Grammar, loosest binding first::

    condition  := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := primary (("==" | "!=" | "<" | "<=" | ">" | ">=") primary)?
    primary    := NUMBER | STRING | NAME | "true" | "false" | "(" or ")"

The source is untrusted text from a scenario file: it is never handed to `eval`, and every
limit below exists so that hostile input ends in a `ConditionError` rather than a
`RecursionError`, `MemoryError` or a slow parse.
"""

from __future__ import annotations

import copy
import difflib
import enum
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple, NoReturn, Protocol, cast

from attrs import field, frozen

from trustsim.scoring.taxonomy import SCORE_NAMES, TAGS

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NUMBER",
    "NUMERIC_NAMES",
    "Condition",
    "ConditionError",
    "Environment",
    "MappingEnvironment",
    "parse_condition",
]

#: Longest accepted source, in characters.
MAX_LENGTH = 2000
#: Deepest accepted nesting of parentheses and `not`; it bounds the parser's recursion.
MAX_DEPTH = 32
#: Largest accepted magnitude of a number literal.
MAX_NUMBER = 1_000_000_000
# Digit limits are checked before any conversion, so a 10,000-digit literal never reaches
# int() (which raises ValueError past 4,300 digits) or float().
_MAX_INT_DIGITS = 10
_MAX_FRACTION_DIGITS = 9

#: Every numeric name a condition may read.
NUMERIC_NAMES: frozenset[str] = frozenset(
    (
        "trust",
        "hurt",
        "uncertainty",
        "turn",
        *(f"score.{s}" for s in SCORE_NAMES),
        *(f"count.{t}" for t in TAGS),
    )
)
_FLAG_PREFIX = "flag."
_FLAG_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_ENDING = "ending"
_KEYWORDS = frozenset(("and", "or", "not", "true", "false"))
_COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")

_DIGITS = frozenset("0123456789")
_WORD_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_WORD_CHARS = _WORD_START | _DIGITS
_WHITESPACE = frozenset(" \t\r\n")


class ConditionError(Exception):
    """A condition that cannot be parsed or names something unknown."""

    message: str
    offset: int
    hint: str | None
    code: str

    def __init__(
        self, message: str, offset: int, hint: str | None = None, code: str = "syntax"
    ) -> None:
        # All four go to Exception so that the error pickles and compares by its args.
        super().__init__(message, offset, hint, code)
        self.message = message
        self.offset = offset
        self.hint = hint
        self.code = code

    def __str__(self) -> str:
        text = f"{self.message} (at character {self.offset})"
        return f"{text}; {self.hint}" if self.hint else text


class Environment(Protocol):
    def lookup(self, name: str) -> float | bool | str:
        """Numeric names give int/float, `flag.x` gives bool, `ending` gives str."""
        ...


@frozen
class MappingEnvironment:
    """An environment over a mapping, for tests and tools.

    A missing `flag.*` reads as False and a missing `ending` as "" (no ending reached yet); any
    other missing name is a KeyError, since a numeric value cannot sensibly be defaulted.
    """

    values: Mapping[str, float | bool | str]

    def lookup(self, name: str) -> float | bool | str:
        try:
            return self.values[name]
        except KeyError:
            if name.startswith(_FLAG_PREFIX):
                return False
            if name == _ENDING:
                return ""
            raise


_Evaluator = Callable[[Environment], Any]


@frozen
class Condition:
    """A parsed condition; build one with `parse_condition`."""

    source: str
    _evaluate: Callable[[Environment], bool] = field(repr=False, eq=False)
    _names: frozenset[str] = field(repr=False, eq=False)
    _endings: frozenset[str] = field(repr=False, eq=False)
    _allow_ending: bool = field(default=False, repr=False, eq=False)

    def __reduce__(self) -> tuple[Callable[..., Condition], tuple[str, bool]]:
        # Closures do not pickle; the source does, and parsing it again is cheap. This lets
        # tools hand conditions to worker processes.
        return _reparse, (self.source, self._allow_ending)

    def evaluate(self, env: Environment) -> bool:
        return self._evaluate(env)

    @property
    def names(self) -> frozenset[str]:
        """Every name the condition reads, e.g. {"trust", "flag.owned_it", "count.excuse"}."""
        return self._names

    @property
    def flags(self) -> frozenset[str]:
        """The flag names read, without the "flag." prefix."""
        n = len(_FLAG_PREFIX)
        return frozenset(name[n:] for name in self._names if name.startswith(_FLAG_PREFIX))

    @property
    def endings(self) -> frozenset[str]:
        """The ending ids `ending` is compared with, so a loader can check they exist."""
        return self._endings


# --------------------------------------------------------------------------- tokens


class _Kind(enum.Enum):
    NAME = "name"  # includes the keywords and dotted names
    NUMBER = "number"
    STRING = "string"
    OP = "op"  # comparison operators and parentheses
    END = "end"


# Tokens and syntax-tree nodes are plain classes, not attrs ones: they never leave the parser,
# and each attrs class created at import adds to the app's start (about 0.4 ms each).
class _Token(NamedTuple):
    kind: _Kind
    text: str
    offset: int
    value: float | str | None = None


def _show(char: str) -> str:
    return repr(char) if char.isprintable() else f"U+{ord(char):04X}"


def _clip(text: str, limit: int = 40) -> str:
    """Source text as quoted in a message: one line, and short even if the source is not."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Python and C spellings people reach for, with what to write instead.
_FOREIGN_OPERATORS = {
    "&&": ('"&&" is not an operator', 'use "and"'),
    "||": ('"||" is not an operator', 'use "or"'),
    "=<": ('"=<" is not an operator', 'did you mean "<="?'),
    "=>": ('"=>" is not an operator', 'did you mean ">="?'),
    "<>": ('"<>" is not an operator', 'did you mean "!="?'),
}


def _tokenize(source: str) -> Iterator[_Token]:
    # A generator, pulled by the parser one token at a time, so that the error reported is the
    # first one in the source whether it is lexical (a stray `.`) or grammatical (an unknown name).
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c in _WHITESPACE:
            i += 1
        elif c in _WORD_START:
            start = i
            # Dots are taken greedily, with whatever follows them, so that `flag.`, `flag.1x`
            # and `score.a.b` arrive whole at the name check and get a message about the name.
            while i < n and (source[i] in _WORD_CHARS or source[i] == "."):
                i += 1
            if i < n and not source[i].isascii() and source[i].isalnum():
                # Otherwise `trüst` would be reported as the unknown name "tr".
                raise ConditionError(
                    f"unexpected character {_show(source[i])}",
                    i,
                    "names use only ASCII letters, digits, _ and .",
                )
            yield _Token(_Kind.NAME, source[start:i], start)
        elif c in _DIGITS or (c == "-" and i + 1 < n and source[i + 1] in _DIGITS):
            token = _scan_number(source, i)
            yield token
            i += len(token.text)
        elif c in "'\"":
            end = source.find(c, i + 1)
            newline = source.find("\n", i + 1)
            if end < 0 or 0 <= newline < end:
                raise ConditionError(
                    "quoted text is not closed", i, f"end it with {c} on the same line"
                )
            yield _Token(_Kind.STRING, source[i : end + 1], i, source[i + 1 : end])
            i = end + 1
        else:
            pair = source[i : i + 2]
            if pair in _FOREIGN_OPERATORS:
                message, hint = _FOREIGN_OPERATORS[pair]
                raise ConditionError(message, i, hint)
            if pair in ("==", "!=", "<=", ">="):
                yield _Token(_Kind.OP, pair, i)
                i += 2
            elif c in "<>()":
                yield _Token(_Kind.OP, c, i)
                i += 1
            elif c == "=":
                raise ConditionError('"=" is not an operator', i, 'use "==" to compare')
            elif c == "!":
                raise ConditionError(
                    '"!" is not an operator', i, 'use "not" to negate, or "!=" to compare'
                )
            elif c == "-":
                raise ConditionError(
                    "a minus sign must be written directly before a number", i, "e.g. -5"
                )
            elif c == ".":
                hint = (
                    "decimals need a digit before the point, e.g. 0.5"
                    if source[i + 1 : i + 2] in _DIGITS
                    else "there are no attributes or methods; `.` only joins names like flag.x"
                )
                raise ConditionError("unexpected '.'", i, hint)
            else:
                raise ConditionError(f"unexpected character {_show(c)}", i)
    yield _Token(_Kind.END, "", n)


def _scan_number(source: str, start: int) -> _Token:
    n = len(source)
    i = start + 1 if source[start] == "-" else start
    digits_start = i
    while i < n and source[i] in _DIGITS:
        i += 1
    int_digits = i - digits_start
    fraction_digits = 0
    if i < n and source[i] == ".":
        i += 1
        fraction_start = i
        while i < n and source[i] in _DIGITS:
            i += 1
        fraction_digits = i - fraction_start
        if fraction_digits == 0:
            raise ConditionError(
                "a decimal point must be followed by digits", i - 1, "e.g. 2.0 or 2"
            )
    if i < n and (source[i] in _WORD_CHARS or source[i] == "."):
        if source[i] in "eE" and re.match(r"[eE][+-]?[0-9]", source[i : i + 3]):
            raise ConditionError(
                "exponents are not supported", i, "write the number out, e.g. 1000 not 1e3"
            )
        if source[i] == ".":
            raise ConditionError("a number has at most one decimal point", i)
        raise ConditionError(
            "a number cannot run into a word", i, "put a space between the number and the word"
        )
    text = source[start:i]
    if int_digits > _MAX_INT_DIGITS or fraction_digits > _MAX_FRACTION_DIGITS:
        raise ConditionError(
            "number is too long",
            start,
            f"numbers may have at most {_MAX_INT_DIGITS} digits before the point and "
            f"{_MAX_FRACTION_DIGITS} after it",
        )
    value: float = float(text) if fraction_digits else int(text)
    if abs(value) > MAX_NUMBER:
        raise ConditionError(
            "number is too large", start, f"numbers must be between -{MAX_NUMBER} and {MAX_NUMBER}"
        )
    return _Token(_Kind.NUMBER, text, start, value)


# --------------------------------------------------------------------------- syntax tree


class _Type(enum.Enum):
    NUMBER = "a number"
    BOOL = "true/false"
    STRING = "quoted text"


class _Node:
    """A checked expression: its type and the span of source it came from. A plain class
    (see `_Token`), never changed once built."""

    __slots__ = ("end", "start", "type")

    def __init__(self, type: _Type, start: int, end: int) -> None:
        self.type = type
        self.start = start
        self.end = end


class _Const(_Node):
    __slots__ = ("value",)

    def __init__(self, type: _Type, start: int, end: int, value: float | bool | str) -> None:
        super().__init__(type, start, end)
        self.value = value


class _Name(_Node):
    __slots__ = ("name",)

    def __init__(self, type: _Type, start: int, end: int, name: str) -> None:
        super().__init__(type, start, end)
        self.name = name


class _Compare(_Node):
    __slots__ = ("left", "op", "right")

    def __init__(self, type: _Type, start: int, end: int, op: str, left: _Node,
                 right: _Node) -> None:
        super().__init__(type, start, end)
        self.op = op
        self.left = left
        self.right = right


class _Not(_Node):
    __slots__ = ("operand",)

    def __init__(self, type: _Type, start: int, end: int, operand: _Node) -> None:
        super().__init__(type, start, end)
        self.operand = operand


class _Logic(_Node):
    __slots__ = ("op", "operands")

    def __init__(self, type: _Type, start: int, end: int, op: str,
                 operands: tuple[_Node, ...]) -> None:
        super().__init__(type, start, end)
        self.op = op  # "and" | "or"
        self.operands = operands


# --------------------------------------------------------------------------- parser


def _valid_names(allow_ending: bool) -> list[str]:
    names = sorted(NUMERIC_NAMES)
    if allow_ending:
        names.append(_ENDING)
    return names


def _suggest(word: str, candidates: list[str]) -> str | None:
    # Case is compared separately: difflib scores "TRUST" against "trust" as no match at all.
    lowered = word.lower()
    if lowered != word and lowered in candidates:
        return lowered
    matches = difflib.get_close_matches(lowered, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None


_VALUE_TOKENS = (_Kind.NAME, _Kind.NUMBER, _Kind.STRING)


class _Parser:
    def __init__(self, source: str, allow_ending: bool) -> None:
        self.source = source
        self.allow_ending = allow_ending
        self.tokens = _tokenize(source)
        self.token = next(self.tokens)
        self.previous = self.token
        self.depth = 0
        self.names: set[str] = set()
        self.endings: set[str] = set()

    # -- helpers

    def advance(self) -> _Token:
        token = self.token
        if token.kind is not _Kind.END:
            self.previous = token
            self.token = next(self.tokens)
        return token

    def at_keyword(self, word: str) -> bool:
        return self.token.kind is _Kind.NAME and self.token.text == word

    def text(self, node: _Node) -> str:
        return _clip(self.source[node.start : node.end])

    def nest(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError(
                "condition is nested too deeply",
                token.offset,
                f"at most {MAX_DEPTH} levels of parentheses and `not`; split it up",
            )

    def require_bool(self, node: _Node, context: str) -> None:
        if node.type is _Type.BOOL:
            return
        raise ConditionError(
            f"{context} must be true or false, but `{self.text(node)}` is {node.type.value}",
            node.start,
            self.comparison_hint(node),
        )

    def comparison_hint(self, node: _Node) -> str:
        if node.type is _Type.NUMBER:
            return f"did you mean `{self.text(node)} > 0`?"
        if isinstance(node, _Name) and node.name == _ENDING:
            return "compare it with an ending id, e.g. `ending == 'hopeful'`"
        return "quoted text can only be compared with `ending`"

    # -- grammar

    def parse(self) -> _Node:
        if self.token.kind is _Kind.END:
            raise ConditionError(
                "empty condition", 0, "write a test such as `trust > 50`, or remove the key"
            )
        node = self.parse_or()
        token = self.token
        if token.kind is not _Kind.END:
            if token.text == ")":
                raise ConditionError("unmatched `)`", token.offset, "there is no `(` to close")
            self.unexpected_after_value(token)
        if node.type is not _Type.BOOL:
            raise ConditionError(
                "a condition must be true or false", node.start, self.comparison_hint(node)
            )
        return node

    def parse_logic(self, op: str, parse_operand: Callable[[], _Node]) -> _Node:
        first = parse_operand()
        if not self.at_keyword(op):
            return first
        operands = [first]
        while self.at_keyword(op):
            self.advance()
            operands.append(parse_operand())
        for operand in operands:
            self.require_bool(operand, f"each side of `{op}`")
        # n-ary, not a chain of binary nodes: a long `a and b and c ...` stays one closure deep.
        return _Logic(_Type.BOOL, first.start, operands[-1].end, op, tuple(operands))

    def parse_or(self) -> _Node:
        return self.parse_logic("or", self.parse_and)

    def parse_and(self) -> _Node:
        return self.parse_logic("and", self.parse_not)

    def parse_not(self) -> _Node:
        if not self.at_keyword("not"):
            return self.parse_comparison()
        token = self.advance()
        self.nest(token)
        operand = self.parse_not()
        self.depth -= 1
        self.require_bool(operand, "the operand of `not`")
        return _Not(_Type.BOOL, token.offset, operand.end, operand)

    def parse_comparison(self) -> _Node:
        left = self.parse_primary()
        token = self.token
        if not (token.kind is _Kind.OP and token.text in _COMPARISONS):
            return left
        self.advance()
        right = self.parse_primary()
        after = self.token
        if after.kind is _Kind.OP and after.text in _COMPARISONS:
            middle = self.text(right)
            try:
                self.advance()
                last = _clip(self.token.text) if self.token.kind in _VALUE_TOKENS else "..."
            except ConditionError:  # the hint is best effort; the chain is the error to report
                last = "..."
            raise ConditionError(
                "comparisons cannot be chained",
                after.offset,
                f"write `{self.text(left)} {token.text} {middle} and {middle} {after.text} {last}`",
            )
        self.check_comparison(token, left, right)
        return _Compare(_Type.BOOL, left.start, right.end, token.text, left, right)

    def check_comparison(self, op: _Token, left: _Node, right: _Node) -> None:
        equality = op.text in ("==", "!=")
        if left.type is not right.type:
            raise ConditionError(
                f"cannot compare {left.type.value} with {right.type.value}",
                op.offset,
                self.mismatch_hint(left, right),
            )
        if left.type is _Type.NUMBER:
            return
        if not equality:
            raise ConditionError(
                f"`{op.text}` needs numbers, but both sides are {left.type.value}",
                op.offset,
                'only "==" and "!=" compare true/false values and quoted text',
            )
        if left.type is _Type.STRING:
            names = [n for n in (left, right) if isinstance(n, _Name)]
            consts = [n for n in (left, right) if isinstance(n, _Const)]
            if len(names) != 1 or len(consts) != 1:
                raise ConditionError(
                    "quoted text can only be compared with `ending`",
                    op.offset,
                    "e.g. `ending == 'hopeful'`",
                )
            assert isinstance(consts[0].value, str)
            self.endings.add(consts[0].value)

    def mismatch_hint(self, left: _Node, right: _Node) -> str | None:
        for node in (left, right):
            if node.type is _Type.STRING:
                return "quoted text can only be compared with `ending`"
        return "numbers compare with numbers; true/false with flags or other tests"

    def parse_primary(self) -> _Node:
        token = self.token
        if token.kind is _Kind.NUMBER:
            self.advance()
            assert isinstance(token.value, (int, float))
            return _Const(_Type.NUMBER, token.offset, token.offset + len(token.text), token.value)
        if token.kind is _Kind.STRING:
            if not self.allow_ending:
                raise ConditionError(
                    "quoted text is not allowed here",
                    token.offset,
                    "only invariants may compare `ending` with quoted text",
                )
            self.advance()
            assert isinstance(token.value, str)
            return _Const(_Type.STRING, token.offset, token.offset + len(token.text), token.value)
        if token.kind is _Kind.NAME:
            # Checked before advancing: advancing lexes the next token, whose error would
            # otherwise be reported ahead of this name's.
            node = self.parse_name(token)
            self.advance()
            return node
        if token.text == "(":
            self.advance()
            self.nest(token)
            inner = self.parse_or()
            self.depth -= 1
            close = self.token
            if close.text != ")":
                if close.kind is _Kind.END:
                    raise ConditionError(
                        "`(` is never closed", token.offset, "add a `)` where the group ends"
                    )
                self.unexpected_after_value(close)
            self.advance()
            # The span includes the parentheses so hints quote the group as written.
            return _with_span(inner, token.offset, close.offset + 1)
        if token.kind is _Kind.END:
            what = self.previous.text
            raise ConditionError(
                f"condition ends too early: expected a value after `{_clip(what)}`", token.offset
            )
        raise ConditionError(f"expected a value, found `{token.text}`", token.offset)

    def parse_name(self, token: _Token) -> _Node:
        word, start, end = token.text, token.offset, token.offset + len(token.text)
        if word in ("true", "false"):
            return _Const(_Type.BOOL, start, end, word == "true")
        if word in _KEYWORDS:
            hint = "put `not ...` in parentheses to compare it" if word == "not" else None
            raise ConditionError(f"expected a value, found `{word}`", start, hint)
        if word in NUMERIC_NAMES:
            self.names.add(word)
            return _Name(_Type.NUMBER, start, end, word)
        if word.startswith(_FLAG_PREFIX):
            flag = word[len(_FLAG_PREFIX) :]
            if _FLAG_NAME.fullmatch(flag):
                self.names.add(word)
                return _Name(_Type.BOOL, start, end, word)
            raise self.bad_flag(flag, start)
        if word == _ENDING:
            if not self.allow_ending:
                raise ConditionError(
                    'unknown name "ending"',
                    start,
                    "`ending` can only be used in invariants",
                    "unknown-name",
                )
            self.names.add(word)
            return _Name(_Type.STRING, start, end, word)
        raise self.unknown_name(word, start)

    def bad_flag(self, flag: str, start: int) -> ConditionError:
        if not flag:
            return ConditionError(
                "a flag name is missing after `flag.`", start, "e.g. flag.owned_it"
            )
        lowered = flag.lower()
        hint = (
            f'did you mean "flag.{_clip(lowered)}"?'
            if _FLAG_NAME.fullmatch(lowered)
            else "flag names use a-z, 0-9 and _, and do not start with a digit"
        )
        return ConditionError(f'invalid flag name "{_clip(flag)}"', start, hint)

    def unknown_name(self, word: str, start: int) -> ConditionError:
        candidates = [*_valid_names(self.allow_ending), "true", "false"]
        prefix, dot, rest = word.partition(".")
        if dot and _FLAG_NAME.fullmatch(rest.lower()) and _suggest(prefix, ["flag"]):
            # A misspelt namespace (`flags.x`, `Flag.x`) should lead to the flag it meant.
            candidates.append(_FLAG_PREFIX + rest.lower())
        hint: str | None = None
        match = _suggest(word, candidates)
        if match is not None:
            hint = f'did you mean "{_clip(match)}"?'
        elif prefix == "count" and dot:
            hint = "`count.` takes a behaviour tag, e.g. count.excuse"
        elif prefix == "score" and dot:
            hint = "`score.` takes one of " + ", ".join(SCORE_NAMES)
        elif not dot and _FLAG_NAME.fullmatch(word):
            hint = f'flags are written with their prefix: did you mean "flag.{_clip(word)}"?'
        return ConditionError(f'unknown name "{_clip(word)}"', start, hint, "unknown-name")

    def unexpected_after_value(self, token: _Token) -> NoReturn:
        found = token.text
        hint: str | None = None
        if token.kind is _Kind.NAME:
            if found in ("is", "in"):
                hint = 'use "==" or "!=" to compare'
            else:
                match = _suggest(found, ["and", "or"])
                if match is not None and found not in _KEYWORDS:
                    hint = f'did you mean "{match}"?'
                else:
                    hint = "join tests with `and` or `or`"
        elif token.kind in (_Kind.NUMBER, _Kind.STRING):
            hint = "a comparison operator or `and`/`or` is missing"
        raise ConditionError(
            f"expected an operator, `and`, `or` or the end, found `{_clip(found)}`",
            token.offset,
            hint,
        )


def _with_span(node: _Node, start: int, end: int) -> _Node:
    spanned = copy.copy(node)
    spanned.start, spanned.end = start, end
    return spanned


# --------------------------------------------------------------------------- compiler
#
# Each node becomes a closure over its children and constants. The common shapes (a name
# against a literal, a bare flag, two-operand `and`/`or`) get closures of their own so that
# evaluating them costs one lookup and one comparison, with no dispatch on the operator.


def _compare_name_const(op: str, name: str, const: Any) -> _Evaluator:
    if op == "==":
        return lambda env: env.lookup(name) == const
    if op == "!=":
        return lambda env: env.lookup(name) != const
    if op == "<":
        return lambda env: env.lookup(name) < const
    if op == "<=":
        return lambda env: env.lookup(name) <= const
    if op == ">":
        return lambda env: env.lookup(name) > const
    return lambda env: env.lookup(name) >= const


def _compare(op: str, left: _Evaluator, right: _Evaluator) -> _Evaluator:
    if op == "==":
        return lambda env: left(env) == right(env)
    if op == "!=":
        return lambda env: left(env) != right(env)
    if op == "<":
        return lambda env: left(env) < right(env)
    if op == "<=":
        return lambda env: left(env) <= right(env)
    if op == ">":
        return lambda env: left(env) > right(env)
    return lambda env: left(env) >= right(env)


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_MIRRORED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _compile(node: _Node) -> _Evaluator:
    if isinstance(node, _Const):
        value = node.value
        return lambda env: value
    if isinstance(node, _Name):
        name = node.name
        if node.type is _Type.BOOL:
            # Normalised so `flag.x or ...` yields a bool even if an environment hands back 1/0.
            return lambda env: True if env.lookup(name) else False  # noqa: SIM210
        return lambda env: env.lookup(name)
    if isinstance(node, _Not):
        if isinstance(node.operand, _Name):  # `not flag.x`, the commonest negation
            flag = node.operand.name
            return lambda env: not env.lookup(flag)
        operand = _compile(node.operand)
        return lambda env: not operand(env)
    if isinstance(node, _Logic):
        return _compile_logic(node)
    assert isinstance(node, _Compare)
    return _compile_compare(node)


def _compile_compare(node: _Compare) -> _Evaluator:
    op, left, right = node.op, node.left, node.right
    if isinstance(left, _Const) and not isinstance(right, _Const):
        op, left, right = _MIRRORED[op], right, left
    if isinstance(right, _Const):
        if isinstance(left, _Const):
            result = _OPERATORS[op](left.value, right.value)
            return lambda env: result
        if isinstance(right.value, bool):
            # `x == true` is `x`, `x != true` is `not x`: one closure fewer, same answer.
            inner = _compile(left)
            if (op == "==") == right.value:
                return inner
            return lambda env: not inner(env)
        if isinstance(left, _Name):
            return _compare_name_const(op, left.name, right.value)
    return _compare(op, _compile(left), _compile(right))


def _compile_logic(node: _Logic) -> _Evaluator:
    parts = tuple(_compile(operand) for operand in node.operands)
    if node.op == "and":
        if len(parts) == 2:
            a, b = parts
            return lambda env: a(env) and b(env)

        # Plain loops: all()/any() over a generator cost a frame per call on this hot path.
        def all_of(env: Environment) -> bool:
            for part in parts:  # noqa: SIM110
                if not part(env):
                    return False
            return True

        return all_of
    if len(parts) == 2:
        a, b = parts
        return lambda env: a(env) or b(env)

    def any_of(env: Environment) -> bool:
        for part in parts:  # noqa: SIM110
            if part(env):
                return True
        return False

    return any_of


# --------------------------------------------------------------------------- entry point


def parse_condition(source: str, *, allow_ending: bool = False) -> Condition:
    """Parse and check `source`; raise ConditionError if it is not a valid condition.

    `allow_ending` is for invariants, which may also test `ending` (the id of the ending node
    reached, "" while none) against quoted text.
    """
    if len(source) > MAX_LENGTH:
        raise ConditionError(
            f"condition is too long ({len(source)} characters)",
            MAX_LENGTH,
            f"the limit is {MAX_LENGTH}; move the logic into flags set by choices",
        )
    parser = _Parser(source, allow_ending)
    tree = parser.parse()
    # The parser has checked that the tree is boolean, and every boolean closure returns a
    # real bool, so evaluate() can return the closure's result without converting it.
    evaluate = cast(Callable[[Environment], bool], _compile(tree))
    return Condition(
        source, evaluate, frozenset(parser.names), frozenset(parser.endings), allow_ending
    )


def _reparse(source: str, allow_ending: bool) -> Condition:
    return parse_condition(source, allow_ending=allow_ending)
