"""Tests for the condition language (SPEC section 2): examples, errors, limits and properties."""

from __future__ import annotations

import copy
import pickle
import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustsim.conditions import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NUMBER,
    NUMERIC_NAMES,
    Condition,
    ConditionError,
    MappingEnvironment,
    parse_condition,
)
from trustsim.scoring.taxonomy import SCORE_NAMES, TAGS

BASE_ENV: dict[str, float | bool | str] = {
    **dict.fromkeys(NUMERIC_NAMES, 0),
    "trust": 50,
    "hurt": 20,
    "uncertainty": 10.5,
    "turn": 3,
    "score.overall": 0.25,
    "count.excuse": 2,
    "flag.owned_it": True,
    "flag.lied_again": False,
}


def evaluate(source: str, allow_ending: bool = False, **overrides: float | bool | str) -> bool:
    values = dict(BASE_ENV)
    values.update({k.replace("__", "."): v for k, v in overrides.items()})
    return parse_condition(source, allow_ending=allow_ending).evaluate(MappingEnvironment(values))


def error(source: str, allow_ending: bool = False) -> ConditionError:
    with pytest.raises(ConditionError) as info:
        parse_condition(source, allow_ending=allow_ending)
    return info.value


# --------------------------------------------------------------------------- valid conditions


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # every comparison operator on numbers
        ("trust == 50", True),
        ("trust != 50", False),
        ("trust < 50", False),
        ("trust <= 50", True),
        ("trust > 49", True),
        ("trust >= 51", False),
        # every numeric name family
        ("hurt < trust", True),
        ("uncertainty == 10.5", True),
        ("turn >= 3", True),
        ("score.overall > 0.2", True),
        ("score.respect == 0", True),
        ("count.excuse == 2", True),
        ("count.pity == 0", True),
        # literals on either side, negatives, decimals, no spaces
        ("50 == trust", True),
        ("49 < trust", True),
        ("-1 < hurt", True),
        ("trust>-5", True),
        ("score.overall >= 0.25", True),
        ("1 < 2", True),
        ("2.5 <= -1", False),
        ("-0 == 0", True),
        # booleans
        ("true", True),
        ("false", False),
        ("flag.owned_it", True),
        ("flag.lied_again", False),
        ("flag.never_set", False),
        ("flag.owned_it == true", True),
        ("flag.owned_it != true", False),
        ("flag.lied_again == false", True),
        ("true == flag.owned_it", True),
        ("flag.owned_it == flag.lied_again", False),
        ("flag.owned_it != flag.lied_again", True),
        ("(trust > 10) == (hurt > 10)", True),
        ("(trust > 10) != flag.lied_again", True),
        ("true != false", True),
        # and / or / not
        ("not flag.lied_again", True),
        ("not not flag.owned_it", True),
        ("flag.owned_it and trust > 40", True),
        ("flag.owned_it and trust > 60", False),
        ("flag.lied_again or trust > 40", True),
        ("flag.lied_again or trust > 60", False),
        ("trust > 1 and hurt > 1 and turn > 1 and count.excuse > 1", True),
        ("trust > 1 and hurt > 1 and turn > 1 and count.excuse > 2", False),
        ("false or false or false or flag.owned_it", True),
        ("false or false or false", False),
        ("trust >= 45 and not flag.lied_again", True),
        # parentheses and whitespace
        ("((flag.owned_it))", True),
        ("( trust\t>\n40 )", True),
        ("(not flag.owned_it) or (trust == 50)", True),
    ],
)
def test_evaluates(source: str, expected: bool) -> None:
    result = evaluate(source)
    assert result is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # or < and: a or (b and c)
        ("flag.owned_it or flag.lied_again and false", True),
        ("(flag.owned_it or flag.lied_again) and false", False),
        # and < not: (not a) and b
        ("not flag.lied_again and flag.owned_it", True),
        ("not flag.owned_it and false", False),
        ("not (flag.owned_it and false)", True),
        # not < comparison: not (a > b), not (a == b)
        ("not trust > 60", True),
        ("not flag.owned_it == flag.lied_again", True),
        ("not false == false", False),
        # or of ands, both orders
        ("false and true or true", True),
        ("true or true and false", True),
        ("(true or true) and false", False),
    ],
)
def test_precedence(source: str, expected: bool) -> None:
    assert evaluate(source) is expected


def test_ending_in_invariants() -> None:
    cond = parse_condition("ending == 'hopeful' and count.excuse > 0", allow_ending=True)
    assert cond.names == {"ending", "count.excuse"}
    assert cond.endings == {"hopeful"}
    env = MappingEnvironment({**BASE_ENV, "ending": "hopeful"})
    assert cond.evaluate(env) is True
    assert cond.evaluate(MappingEnvironment({**BASE_ENV, "ending": "guarded"})) is False
    assert evaluate('ending != "hopeful"', allow_ending=True, ending="") is True
    assert evaluate("'a-b' == ending", allow_ending=True, ending="a-b") is True
    assert evaluate("ending == ''", allow_ending=True) is True  # "" while no ending is reached


def test_names_and_flags() -> None:
    cond = parse_condition("trust > 5 and (flag.owned_it or count.excuse == 0) and not flag.x_2")
    assert cond.names == {"trust", "flag.owned_it", "count.excuse", "flag.x_2"}
    assert cond.flags == {"owned_it", "x_2"}
    assert cond.endings == frozenset()
    assert parse_condition("true").names == frozenset()
    assert parse_condition("flag._").flags == {"_"}


def test_condition_value_semantics() -> None:
    cond = parse_condition("trust > 5")
    assert cond.source == "trust > 5"
    assert cond == parse_condition("trust > 5")
    assert hash(cond) == hash(parse_condition("trust > 5"))
    assert cond != parse_condition("trust > 6")
    assert "trust > 5" in repr(cond)
    # Closures do not pickle, so a Condition pickles as its source and is parsed again.
    invariant = parse_condition("ending == 'x'", allow_ending=True)
    for original in (cond, invariant):
        for clone in (pickle.loads(pickle.dumps(original)), copy.deepcopy(original)):
            assert clone == original
            assert clone.names == original.names
            assert clone.evaluate(MappingEnvironment({"trust": 9, "ending": "x"})) is True


def test_mapping_environment() -> None:
    env = MappingEnvironment({"trust": 3, "flag.a": True})
    assert env.lookup("trust") == 3
    assert env.lookup("flag.a") is True
    assert env.lookup("flag.b") is False
    assert env.lookup("ending") == ""
    with pytest.raises(KeyError):
        env.lookup("hurt")


def test_environment_protocol_is_all_evaluate_needs() -> None:
    class Recorder:
        def __init__(self) -> None:
            self.read: list[str] = []

        def lookup(self, name: str) -> float | bool | str:
            self.read.append(name)
            return True if name.startswith("flag.") else 7

    env = Recorder()
    assert parse_condition("turn == 7 and flag.a and hurt < 8").evaluate(env) is True
    assert env.read == ["turn", "flag.a", "hurt"]
    env.read.clear()
    # and/or short-circuit: later operands are not read once the answer is known
    assert parse_condition("turn == 0 and flag.a").evaluate(env) is False
    assert env.read == ["turn"]


def test_flags_normalised_to_bool() -> None:
    # The protocol says flags are bools; an environment handing back 1/0 still gets bools out.
    env = MappingEnvironment({"flag.a": 1, "flag.b": 0})
    assert parse_condition("flag.a").evaluate(env) is True
    assert parse_condition("flag.b or flag.a").evaluate(env) is True
    assert parse_condition("flag.a == true").evaluate(env) is True
    assert parse_condition("flag.b != true").evaluate(env) is True


def test_limits_accept_their_bounds() -> None:
    assert evaluate(f"trust < {MAX_NUMBER}") is True
    assert evaluate(f"trust > -{MAX_NUMBER}") is True
    assert evaluate("trust > 0.123456789") is True
    assert evaluate("(" * MAX_DEPTH + "true" + ")" * MAX_DEPTH) is True
    assert evaluate("not " * MAX_DEPTH + "true") is (MAX_DEPTH % 2 == 0)
    long = " or ".join(["flag.a"] * 190)
    source = long + " " * (MAX_LENGTH - len(long))
    assert len(source) == MAX_LENGTH
    assert evaluate(source) is False


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("source", "code", "at", "message", "hint"),
    [
        # unknown names, with suggestions
        ("trsut > 5", "unknown-name", "trsut", 'unknown name "trsut"', 'did you mean "trust"?'),
        ("TRUST > 5", "unknown-name", "TRUST", "unknown name", 'did you mean "trust"?'),
        (
            "hurt > 1 and uncertanity > 2",
            "unknown-name",
            "uncertanity",
            "unknown name",
            'did you mean "uncertainty"?',
        ),
        (
            "count.excuses > 0",
            "unknown-name",
            "count.excuses",
            'unknown name "count.excuses"',
            'did you mean "count.excuse"?',
        ),
        (
            "flags.owned_it",
            "unknown-name",
            "flags.owned_it",
            "unknown name",
            'did you mean "flag.owned_it"?',
        ),
        ("Flag.x", "unknown-name", "Flag.x", "unknown name", 'did you mean "flag.x"?'),
        ("fleg.x or true", "unknown-name", "fleg.x", "unknown name", 'did you mean "flag.x"?'),
        (
            "score.respekt > 1",
            "unknown-name",
            "score.respekt",
            "unknown name",
            'did you mean "score.respect"?',
        ),
        ("score.zzzzzzzz > 1", "unknown-name", "score.zzzzzzzz", "unknown name", "score."),
        ("count.qqqqqqqqq > 1", "unknown-name", "count.qqqqqqqqq", "unknown name", "behaviour tag"),
        ("True", "unknown-name", "True", "unknown name", 'did you mean "true"?'),
        ("owned_it", "unknown-name", "owned_it", "unknown name", '"flag.owned_it"'),
        ("trust.x > 1", "unknown-name", "trust.x", "unknown name", 'did you mean "trust"?'),
        ("ending == 'x'", "unknown-name", "ending", 'unknown name "ending"', "invariants"),
        # malformed flag names
        ("flag.", "syntax", "flag.", "flag name is missing", None),
        (
            "flag.Owned_It",
            "syntax",
            "flag.Owned_It",
            'invalid flag name "Owned_It"',
            'did you mean "flag.owned_it"?',
        ),
        ("flag.1st", "syntax", "flag.1st", 'invalid flag name "1st"', "digit"),
        ("flag.a.b", "syntax", "flag.a.b", 'invalid flag name "a.b"', None),
        # types
        (
            "trust",
            "syntax",
            "trust",
            "a condition must be true or false",
            "did you mean `trust > 0`?",
        ),
        (
            "(count.excuse)",
            "syntax",
            "(count.excuse)",
            "must be true or false",
            "`(count.excuse) > 0`",
        ),
        ("5", "syntax", "5", "must be true or false", "`5 > 0`"),
        (
            "trust and flag.a",
            "syntax",
            "trust and",
            "each side of `and` must be true or false",
            "did you mean `trust > 0`?",
        ),
        ("flag.a or hurt", "syntax", "hurt", "each side of `or` must be true or false", None),
        ("not turn", "syntax", "turn", "operand of `not` must be true or false", None),
        ("trust == true", "syntax", "== true", "cannot compare a number with true/false", None),
        ("flag.a > flag.b", "syntax", "> flag.b", "`>` needs numbers", '"=="'),
        ("true <= false", "syntax", "<= false", "`<=` needs numbers", None),
        ("(trust > 1) < 2", "syntax", "< 2", "cannot compare true/false with a number", None),
        ("1 < 2 < 3", "syntax", "< 3", "comparisons cannot be chained", "`1 < 2 and 2 < 3`"),
        ("trust == hurt == 3", "syntax", "== 3", "cannot be chained", None),
        # grammar
        ("", "syntax", "", "empty condition", "trust > 50"),
        ("  \n\t ", "syntax", "  \n", "empty condition", None),
        ("trust >", "syntax", "", "ends too early: expected a value after `>`", None),
        ("flag.a and", "syntax", "", "ends too early", None),
        ("(trust > 5", "syntax", "(trust", "`(` is never closed", None),
        ("trust > 5)", "syntax", ")", "unmatched `)`", None),
        ("()", "syntax", ")", "expected a value, found `)`", None),
        ("trust > 5 flag.a", "syntax", "flag.a", "expected an operator", "`and` or `or`"),
        ("trust > 5 adn hurt < 3", "syntax", "adn", "expected an operator", 'did you mean "and"?'),
        ("trust 5", "syntax", "5", "found `5`", "missing"),
        (
            "flag.a == not flag.b",
            "syntax",
            "not flag.b",
            "expected a value, found `not`",
            "parentheses",
        ),
        ("flag.a is true", "syntax", "is true", "found `is`", '"=="'),
        ("and flag.a", "syntax", "and", "expected a value, found `and`", None),
        # lexical
        ("trust = 5", "syntax", "= 5", '"=" is not an operator', 'use "=="'),
        ("trust =< 5", "syntax", "=< 5", '"=<"', '"<="'),
        ("trust => 5", "syntax", "=> 5", '"=>"', '">="'),
        ("trust <> 5", "syntax", "<> 5", '"<>"', '"!="'),
        ("!flag.a", "syntax", "!flag", '"!" is not an operator', '"not"'),
        ("flag.a && flag.b", "syntax", "&&", '"&&" is not an operator', 'use "and"'),
        ("flag.a || flag.b", "syntax", "||", '"||" is not an operator', 'use "or"'),
        ("trust > - 5", "syntax", "- 5", "minus sign", None),
        ("-trust < 5", "syntax", "-trust", "minus sign", None),
        ("trust > .5", "syntax", ".5", "unexpected '.'", "0.5"),
        ("trust > 5.", "syntax", ".", "decimal point must be followed by digits", None),
        ("trust > 1.2.3", "syntax", ".3", "at most one decimal point", None),
        ("trust > 5and flag.a", "syntax", "and", "cannot run into a word", None),
        ("trust > 1e3", "syntax", "e3", "exponents are not supported", None),
        ("trust > 1E-3", "syntax", "E-3", "exponents are not supported", None),
        ("trust > 1_000", "syntax", "_000", "cannot run into a word", None),
        ("trust > 0x10", "syntax", "x10", "cannot run into a word", None),
        ("trust > 12345678901", "syntax", "12345678901", "number is too long", None),
        (f"trust > {MAX_NUMBER + 1}", "syntax", str(MAX_NUMBER + 1), "number is too large", None),
        (f"trust > -{MAX_NUMBER + 1}", "syntax", "-", "number is too large", None),
        ("trust > 0.1234567891", "syntax", "0.123", "number is too long", None),
        ("trust > inf", "unknown-name", "inf", "unknown name", None),
        ("trust > nan", "unknown-name", "nan", "unknown name", None),
        ("trust @ 5", "syntax", "@", "unexpected character '@'", None),
        ("trust > 5 # note", "syntax", "#", "unexpected character", None),
        ("trust > ５", "syntax", "５", "unexpected character", None),
        ("trüst > 5", "syntax", "ü", "unexpected character", None),
        ("trust\x00", "syntax", "\x00", "U+0000", None),
        ("'hopeful'", "syntax", "'hopeful'", "quoted text is not allowed here", "invariants"),
    ],
)
def test_errors(source: str, code: str, at: str, message: str, hint: str | None) -> None:
    err = error(source)
    assert err.code == code
    assert message in err.message
    assert source[err.offset :].startswith(at), (err.offset, source[err.offset :])
    if hint is not None:
        assert err.hint is not None
        assert hint in err.hint
    assert "\n" not in err.message
    assert err.message in str(err)


@pytest.mark.parametrize(
    ("source", "at", "message", "hint"),
    [
        ("ending", "ending", "must be true or false", "ending == 'hopeful'"),
        ("endign == 'x'", "endign", "unknown name", 'did you mean "ending"?'),
        ("ending == 'x", "'x", "quoted text is not closed", "'"),
        ('ending == "x', '"x', "quoted text is not closed", '"'),
        ("ending == 'x\n'", "'x", "quoted text is not closed", None),
        ("ending < 'x'", "< 'x'", "`<` needs numbers", None),
        ("'a' == 'b'", "== 'b'", "can only be compared with `ending`", None),
        ("ending == ending", "== ending", "can only be compared with `ending`", None),
        ("ending == 3", "== 3", "cannot compare quoted text with a number", None),
        ("ending == flag.a", "== flag", "cannot compare quoted text with true/false", None),
        ("ending and true", "ending", "each side of `and`", "ending == 'hopeful'"),
        ("not 'x'", "'x'", "operand of `not`", "only be compared with `ending`"),
    ],
)
def test_ending_errors(source: str, at: str, message: str, hint: str | None) -> None:
    err = error(source, allow_ending=True)
    assert err.code == ("unknown-name" if "unknown" in message else "syntax")
    assert message in err.message
    assert source[err.offset :].startswith(at), (err.offset, source[err.offset :])
    if hint is not None:
        assert err.hint is not None and hint in err.hint


def test_reports_the_first_problem_in_the_source() -> None:
    # The tokenizer is lazy, so a later lexical error does not mask an earlier unknown name.
    assert error("trsut > 5 and x = 3").offset == 0
    assert error("trust > 5 and x = 3").offset == len("trust > 5 and ")


@pytest.mark.parametrize(
    "source",
    [
        "x" * 1_999,
        "flags." + "a" * 1_990,
        "(trust\n) and flag.a",
        "(" * 31 + "trust" + ")" * 31,
        "trust > 5 " + "b" * 1_900,
        "(trust >\n 5) < (hurt\n\n> 3)",
        "1 <\n2 < " + "z" * 1_900,
    ],
    ids=lambda s: repr(s[:20]),
)
def test_messages_stay_short_and_on_one_line(source: str) -> None:
    err = error(source)
    for text in (err.message, err.hint or ""):
        assert "\n" not in text
        assert len(text) < 200
    assert err.hint


def test_error_is_an_exception_with_fields() -> None:
    err = ConditionError("unknown name", 3, 'did you mean "trust"?', "unknown-name")
    assert (err.message, err.offset, err.hint, err.code) == (
        "unknown name",
        3,
        'did you mean "trust"?',
        "unknown-name",
    )
    assert str(err) == 'unknown name (at character 3); did you mean "trust"?'
    clone = pickle.loads(pickle.dumps(err))
    assert (clone.message, clone.offset, clone.hint, clone.code) == (
        err.message,
        err.offset,
        err.hint,
        err.code,
    )
    assert ConditionError("x", 0).code == "syntax"


def test_limits_reject_just_past_their_bounds() -> None:
    deep = "(" * (MAX_DEPTH + 1) + "true" + ")" * (MAX_DEPTH + 1)
    err = error(deep)
    assert "nested too deeply" in err.message
    assert err.offset == MAX_DEPTH  # the first `(` past the limit
    err = error("not " * (MAX_DEPTH + 1) + "true")
    assert "nested too deeply" in err.message
    assert err.offset == 4 * MAX_DEPTH
    # parentheses and `not` count together
    assert "nested" in error("not (" * (MAX_DEPTH // 2 + 1) + "true" + ")" * 20).message
    err = error("true" + " " * (MAX_LENGTH - 3))
    assert "too long" in err.message and err.offset == MAX_LENGTH


MALICIOUS = [
    "__import__('os').system('x')",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "trust.__class__",
    "lambda: 1",
    "exec('1')",
    "flag.a; import os",
    "`ls`",
    "$(ls)",
    "{{ 7*7 }}",
    "(" * 10_000,
    "(" * 10_000 + "true" + ")" * 10_000,
    "(" * 999 + "true" + ")" * 999,
    "not " * 10_000 + "true",
    "not " * 499 + "true",
    "trust > " + "9" * 10_000,
    "trust > " + "9" * 1_990,
    "trust > 0." + "9" * 1_990,
    "trust > 1e999",
    "trust > 1e308 * 10",
    "trust > -1e999",
    "'" + "x" * 10_000,
    "x" * 100_000,
    "flag." + "a" * 10_000,
    " and ".join(["flag.a"] * 10_000),
    "\x00\x01\x1b[31m",
    "\ud800",
]


@pytest.mark.parametrize("source", MALICIOUS, ids=lambda s: repr(s[:30]))
@pytest.mark.parametrize("allow_ending", [False, True])
def test_malicious_input_is_rejected_cleanly(source: str, allow_ending: bool) -> None:
    err = error(source, allow_ending)
    assert 0 <= err.offset <= len(source)
    assert err.code in ("syntax", "unknown-name")


# --------------------------------------------------------------------------- properties
#
# Well-typed trees are generated as tuples, rendered to source with random parentheses and
# spacing, and evaluated here by a reference interpreter that shares no code with the parser.

NUMERIC = sorted(NUMERIC_NAMES)
FLAGS = ["flag.a", "flag.b", "flag.owned_it", "flag._x9"]
ENDINGS = ["hopeful", "guarded", "a-b", ""]
SMALL = [-2, -1, 0, 1, 2, 3]
OPS = ["==", "!=", "<", "<=", ">", ">="]

Tree = tuple[Any, ...]

number_literals = st.one_of(
    st.sampled_from(SMALL).map(lambda v: ("num", str(v))),
    st.integers(-MAX_NUMBER, MAX_NUMBER).map(lambda v: ("num", str(v))),
    st.tuples(st.integers(-50, 50), st.integers(0, 99)).map(
        lambda p: ("num", f"{p[0]}.{p[1]:02d}")
    ),
    st.sampled_from(["0.5", "-0.5", "1.0", "-0.0"]).map(lambda t: ("num", t)),
)
numeric = st.one_of(st.sampled_from(NUMERIC).map(lambda n: ("name", n)), number_literals)
bool_leaf = st.one_of(
    st.sampled_from(FLAGS).map(lambda n: ("flag", n)),
    st.booleans().map(lambda b: ("bool", b)),
    st.tuples(st.sampled_from(OPS), numeric, numeric).map(lambda t: ("cmp", *t)),
)
ending_leaf = st.tuples(st.sampled_from(["==", "!="]), st.sampled_from(ENDINGS), st.booleans()).map(
    lambda t: ("ending", *t)
)


def bool_trees(depth: int, allow_ending: bool) -> st.SearchStrategy[Tree]:
    leaf = st.one_of(bool_leaf, ending_leaf) if allow_ending else bool_leaf
    if depth == 0:
        return leaf
    child = bool_trees(depth - 1, allow_ending)
    return st.one_of(
        leaf,
        child.map(lambda c: ("not", c)),
        st.lists(child, min_size=2, max_size=3).map(lambda cs: ("and", tuple(cs))),
        st.lists(child, min_size=2, max_size=3).map(lambda cs: ("or", tuple(cs))),
        st.tuples(st.sampled_from(["==", "!="]), child, child).map(lambda t: ("beq", *t)),
    )


def reference(tree: Tree, env: dict[str, Any]) -> Any:
    kind = tree[0]
    if kind == "num":
        return float(tree[1]) if "." in tree[1] else int(tree[1])
    if kind in ("name", "flag"):
        return env[tree[1]]
    if kind == "bool":
        return tree[1]
    if kind == "ending":
        _, op, text, _ = tree
        return (env["ending"] == text) == (op == "==")
    if kind == "not":
        return not reference(tree[1], env)
    if kind == "and":
        return all(reference(c, env) for c in tree[1])
    if kind == "or":
        return any(reference(c, env) for c in tree[1])
    op, left, right = tree[1], reference(tree[2], env), reference(tree[3], env)
    compare: dict[str, Callable[[Any, Any], bool]] = {
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }
    return compare[op](left, right)


def tree_names(tree: Tree) -> set[str]:
    kind = tree[0]
    if kind in ("name", "flag"):
        return {tree[1]}
    if kind == "ending":
        return {"ending"}
    if kind in ("num", "bool"):
        return set()
    if kind == "not":
        return tree_names(tree[1])
    if kind in ("and", "or"):
        return set().union(*(tree_names(c) for c in tree[1]))
    return tree_names(tree[2]) | tree_names(tree[3])


# Binding strength: the parser needs parentheses around a child weaker than its context.
LEVEL = {"or": 1, "and": 2, "not": 3, "cmp": 4, "beq": 4, "ending": 4}


def render(tree: Tree, rng: random.Random) -> list[str]:
    kind = tree[0]
    if kind in ("num", "name", "flag"):
        return [tree[1]]
    if kind == "bool":
        return ["true" if tree[1] else "false"]
    if kind == "ending":
        _, op, text, literal_first = tree
        quote = rng.choice("'\"")
        literal = f"{quote}{text}{quote}"
        return [literal, op, "ending"] if literal_first else ["ending", op, literal]
    if kind == "not":
        return ["not", *wrapped(tree[1], 3, rng)]
    if kind in ("and", "or"):
        tokens: list[str] = []
        for i, child in enumerate(tree[1]):
            if i:
                tokens.append(kind)
            # and/or are associative, so an unparenthesised same-level child is fine
            tokens += wrapped(child, LEVEL[kind], rng)
        return tokens
    return [*wrapped(tree[2], 5, rng), tree[1], *wrapped(tree[3], 5, rng)]


def wrapped(tree: Tree, context: int, rng: random.Random) -> list[str]:
    tokens = render(tree, rng)
    if LEVEL.get(tree[0], 5) < context or rng.random() < 0.15:
        return ["(", *tokens, ")"]
    return tokens


def join(tokens: list[str], rng: random.Random) -> str:
    out = rng.choice(["", " ", "\n "])
    word = set("abcdefghijklmnopqrstuvwxyz0123456789_.")
    for i, token in enumerate(tokens):
        if i:
            needs_space = out[-1] in word and token[0] in word | {"-"}
            space = rng.choice([" ", "  ", "\t", "\n"] if needs_space else ["", " ", " ", "\t"])
            out += space
        out += token
    return out + rng.choice(["", " ", "\n"])


def environments(names: set[str]) -> st.SearchStrategy[dict[str, Any]]:
    # Only the names the tree reads: drawing a value for every name costs more than the test.
    number = st.one_of(
        st.sampled_from(SMALL),
        st.integers(0, 100),
        st.sampled_from([0.5, -0.5, 2.25]),
    )
    strategies: dict[str, st.SearchStrategy[Any]] = {}
    for name in sorted(names):
        if name.startswith("flag."):
            strategies[name] = st.booleans()
        elif name == "ending":
            strategies[name] = st.sampled_from(ENDINGS)
        else:
            strategies[name] = number
    return st.fixed_dictionaries(strategies)


# Built once: building the nested strategies per example costs more than drawing from them.
TREES = {flag: bool_trees(4, flag) for flag in (False, True)}


@st.composite
def cases(draw: st.DrawFn) -> tuple[Tree, str, bool, dict[str, Any]]:
    allow_ending = draw(st.booleans())
    tree = draw(TREES[allow_ending])
    rng = random.Random(draw(st.integers(0, 2**32)))
    source = join(wrapped(tree, 0, rng), rng)
    return tree, source, allow_ending, draw(environments(tree_names(tree)))


@settings(max_examples=300, deadline=None)
@given(cases())
def test_evaluation_matches_reference(case: tuple[Tree, str, bool, dict[str, Any]]) -> None:
    tree, source, allow_ending, env = case
    cond = parse_condition(source, allow_ending=allow_ending)
    result = cond.evaluate(MappingEnvironment(env))
    assert type(result) is bool
    assert result == bool(reference(tree, env))
    assert cond.names == tree_names(tree)
    assert cond.flags == {n.removeprefix("flag.") for n in tree_names(tree) if "flag." in n}
    assert cond.source == source


# fmt: off
TOKENS = [
    "trust", "hurt", "uncertainty", "turn", "ending", "score.overall", "count.excuse",
    "flag.a", "flag.", "flags.a", "Flag.B", "trsut", "__import__", "x",
    "and", "or", "not", "true", "false", "True", "is",
    "==", "!=", "<", "<=", ">", ">=", "=", "!", "&&", "||", "=>", "-",
    "(", ")", "(", ")", ".", ",", "[", "]",
    "0", "1", "-3", "2.5", "1.", ".5", "1e5", "1e999", "99999999999", "0.0000000001",
    "'hopeful'", '"x"', "'", '"', "'a b'", "#", "\\", "\x00", "é", "５",
]
# fmt: on


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.booleans())
def test_arbitrary_text_only_raises_condition_error(source: str, allow_ending: bool) -> None:
    check_total(source, allow_ending)


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.sampled_from(TOKENS), max_size=25),
    st.lists(st.sampled_from(["", " ", " ", "\n"]), min_size=25, max_size=25),
    st.booleans(),
)
def test_shuffled_tokens_only_raise_condition_error(
    tokens: list[str], spaces: list[str], allow_ending: bool
) -> None:
    source = "".join(token + space for token, space in zip(tokens, spaces, strict=False))
    check_total(source, allow_ending)


FULL_ENV = MappingEnvironment({**dict.fromkeys(NUMERIC_NAMES, 1), "ending": "hopeful"})


def check_total(source: str, allow_ending: bool) -> None:
    try:
        cond = parse_condition(source, allow_ending=allow_ending)
    except ConditionError as err:
        assert err.message and "\n" not in err.message
        assert err.hint is None or (err.hint and "\n" not in err.hint)
        assert 0 <= err.offset <= len(source)
        assert err.code in ("syntax", "unknown-name")
        return
    assert isinstance(cond, Condition)
    assert type(cond.evaluate(FULL_ENV)) is bool
    assert cond.names <= NUMERIC_NAMES | {"ending"} | {f"flag.{f}" for f in cond.flags}


def test_every_tag_and_score_is_a_name() -> None:
    for tag in TAGS:
        assert parse_condition(f"count.{tag} >= 0").names == {f"count.{tag}"}
    for score in SCORE_NAMES:
        assert parse_condition(f"score.{score} >= 0").names == {f"score.{score}"}
