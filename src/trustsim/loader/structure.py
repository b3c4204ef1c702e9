"""From the parsed TOML document to the scenario model, reporting every structural problem.

Validation happens here, at the boundary: the model's values are trusted everywhere else.
Each reader returns a best-effort value even after a problem, so that one run finds them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from trustsim.conditions import Condition, ConditionError, parse_condition
from trustsim.loader.diagnostics import Code, Codes
from trustsim.loader.problems import Problems, did_you_mean
from trustsim.model import (
    FORMAT_VERSION,
    Choice,
    Invariant,
    Node,
    Partner,
    Route,
    Scenario,
    ScenarioTest,
    TrustSettings,
)
from trustsim.scoring.taxonomy import MAX_WEIGHT, MIN_WEIGHT, SCORE_NAMES, TAGS, Signal

if TYPE_CHECKING:
    # Typing only: positions are worked out only when there is a problem to place.
    from trustsim.loader.positions import KeyPath

SCENARIO_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
NODE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")
FLAG_NAME = re.compile(r"[a-z_][a-z0-9_]{0,63}\Z")

#: Longest text, in characters, before a warning: about what fits on one 80x24 screen.
LONG_TEXT = {"node": 1600, "choice": 240, "line": 800, "title": 80}
MAX_CHOICES = 9

TOP_KEYS = (
    "format", "id", "title", "summary", "author", "language", "minutes", "content_notes",
    "start", "partner", "trust", "scoring", "nodes", "tests", "invariants",
)
PARTNER_KEYS = ("name", "pronouns", "relationship")
TRUST_KEYS = ("initial", "ceiling")
SCORING_KEYS = ("weights",)
NODE_KEYS = ("text", "speaker", "choices", "routes", "next", "ending")
CHOICE_KEYS = ("text", "goto", "tags", "signal", "reply", "feedback", "set", "clear", "if")
ROUTE_KEYS = ("goto", "if")
TEST_KEYS = ("name", "choices", "ending", "min", "max")
INVARIANT_KEYS = ("name", "never")

_TYPE_NAMES = {
    str: "a string", int: "an integer", float: "a number", dict: "a table", list: "an array",
    bool: "true or false",
}


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


class Reader:
    """Reads one document, recording problems by key path."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.flags_set: set[str] = set()
        #: Conditions that read flags, to check once every `set` is known.
        self.flag_reads: list[tuple[KeyPath, Condition]] = []

    # -- generic helpers ------------------------------------------------------------------

    def report(self, path: KeyPath, code: Code, message: str, hint: str | None = None) -> None:
        self.problems.add(path, code, message, hint)

    def table(self, value: Any, path: KeyPath, what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.report(path, Codes.WRONG_TYPE, f"{what} must be a table, not {_type_name(value)}")
        return None

    def known_keys(self, table: Mapping[str, Any], allowed: tuple[str, ...], path: KeyPath,
                   where: str) -> None:
        for key in table:
            if key not in allowed:
                self.report(
                    (*path, key), Codes.UNKNOWN_KEY, f"unknown key `{key}` in {where}",
                    did_you_mean(key, allowed) or f"allowed: {', '.join(allowed)}",
                )

    def required(self, table: Mapping[str, Any], key: str, path: KeyPath, where: str) -> bool:
        if key in table:
            return True
        self.report(path, Codes.MISSING_KEY, f"{where} is missing the required key `{key}`")
        return False

    def string(self, table: Mapping[str, Any], key: str, path: KeyPath, *, required: bool,
               where: str, default: str = "", limit: int | None = None,
               nonempty: bool = True) -> str:
        if key not in table:
            if required:
                self.required(table, key, path, where)
            return default
        value = table[key]
        here = (*path, key)
        if not isinstance(value, str):
            self.report(here, Codes.WRONG_TYPE,
                        f"`{key}` must be a string, not {_type_name(value)}")
            return default
        self.text_content(value, here, key, limit=limit, nonempty=nonempty)
        return value

    def text_content(self, value: str, path: KeyPath, key: str, *, limit: int | None,
                     nonempty: bool = True) -> None:
        bad = _control_character(value)
        if bad is not None:
            self.report(path, Codes.CONTROL_CHARACTER,
                        f"`{key}` contains the control character U+{ord(bad):04X}",
                        "only newline and tab are allowed in text")
        if nonempty and not value.strip():
            self.report(path, Codes.EMPTY_TEXT, f"`{key}` is empty")
        elif limit is not None and len(value) > limit:
            self.report(path, Codes.LONG_TEXT,
                        f"`{key}` is {len(value)} characters long (more than {limit})",
                        "split it across nodes with `next`")

    def string_list(self, table: Mapping[str, Any], key: str, path: KeyPath,
                    check: Callable[[str, KeyPath], bool] | None = None) -> tuple[str, ...]:
        if key not in table:
            return ()
        value = table[key]
        here = (*path, key)
        if not isinstance(value, list):
            self.report(here, Codes.WRONG_TYPE,
                        f"`{key}` must be an array of strings, not {_type_name(value)}")
            return ()
        items: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.report((*here, i), Codes.WRONG_TYPE,
                            f"`{key}` must hold strings, not {_type_name(item)}")
                continue
            if item in items:
                self.report((*here, i), Codes.BAD_VALUE, f'"{item}" is listed twice in `{key}`')
                continue
            if check is None:
                self.text_content(item, (*here, i), key, limit=LONG_TEXT["title"])
            elif not check(item, (*here, i)):
                continue
            items.append(item)
        return tuple(items)

    def number(self, table: Mapping[str, Any], key: str, path: KeyPath, *, low: float,
               high: float, default: float, integer: bool = False) -> float:
        if key not in table:
            return default
        value = table[key]
        here = (*path, key)
        wanted = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, wanted):
            kind = "an integer" if integer else "a number"
            self.report(here, Codes.WRONG_TYPE, f"`{key}` must be {kind}, not {_type_name(value)}")
            return default
        if not low <= value <= high:
            self.report(here, Codes.BAD_VALUE,
                        f"`{key}` is {value}, outside {_fmt(low)}-{_fmt(high)}")
            return default
        return value

    def condition(self, table: Mapping[str, Any], key: str, path: KeyPath, *,
                  allow_ending: bool = False) -> Condition | None:
        if key not in table:
            return None
        value = table[key]
        here = (*path, key)
        if not isinstance(value, str):
            self.report(here, Codes.WRONG_TYPE,
                        f"`{key}` must be a condition in a string, not {_type_name(value)}")
            return None
        try:
            parsed = parse_condition(value, allow_ending=allow_ending)
        except ConditionError as error:
            code = Codes.UNKNOWN_NAME if error.code == "unknown-name" else Codes.CONDITION_SYNTAX
            self.problems.add(here, code, f"in condition: {error.message}", error.hint,
                              value_offset=error.offset)
            return None
        if parsed.flags:
            self.flag_reads.append((here, parsed))
        return parsed

    def flag_names(self, table: Mapping[str, Any], key: str, path: KeyPath) -> tuple[str, ...]:
        def valid(name: str, where: KeyPath) -> bool:
            if FLAG_NAME.match(name):
                return True
            self.report(where, Codes.BAD_VALUE, f'flag name "{name}" is not valid',
                        "use lower-case letters, digits and _, starting with a letter")
            return False

        return self.string_list(table, key, path, valid)

    # -- the document ---------------------------------------------------------------------

    def scenario(self, doc: Mapping[str, Any]) -> Scenario | None:
        root: KeyPath = ()
        self.known_keys(doc, TOP_KEYS, root, "the scenario")
        self.format_version(doc)
        where = "the scenario"
        scenario_id = self.string(doc, "id", root, required=True, where=where)
        if scenario_id and not SCENARIO_ID.match(scenario_id):
            self.report(("id",), Codes.BAD_VALUE, f'scenario id "{scenario_id}" is not valid',
                        "use lower-case letters, digits and single hyphens, "
                        "like missed-anniversary")
        title = self.string(doc, "title", root, required=True, where=where,
                            limit=LONG_TEXT["title"])
        summary = self.string(doc, "summary", root, required=False, where=where,
                              limit=LONG_TEXT["line"], nonempty=False)
        author = self.string(doc, "author", root, required=False, where=where, nonempty=False)
        language = self.string(doc, "language", root, required=False, where=where, default="en")
        minutes = int(self.number(doc, "minutes", root, low=1, high=600, default=10,
                                  integer=True))
        notes = self.string_list(doc, "content_notes", root)
        start = self.string(doc, "start", root, required=True, where=where)
        partner = self.partner(doc)
        trust = self.trust(doc)
        weights = self.weights(doc)
        nodes = self.nodes(doc)
        tests = self.tests(doc)
        invariants = self.invariants(doc)
        if nodes is None:
            return None
        return Scenario(
            id=scenario_id, title=title, start=start, partner=partner, nodes=nodes,
            summary=summary, author=author, language=language, minutes=minutes,
            content_notes=notes, trust=trust, weights=weights, tests=tests,
            invariants=invariants,
        )

    def format_version(self, doc: Mapping[str, Any]) -> None:
        if "format" not in doc:
            self.report((), Codes.BAD_FORMAT, "the scenario has no `format`",
                        f"add `format = {FORMAT_VERSION}` at the top")
            return
        value = doc["format"]
        if value != FORMAT_VERSION or isinstance(value, bool):
            self.report(("format",), Codes.BAD_FORMAT,
                        f"unsupported format {value!r}: this trustsim reads format "
                        f"{FORMAT_VERSION}", f"set `format = {FORMAT_VERSION}`")

    def partner(self, doc: Mapping[str, Any]) -> Partner:
        path: KeyPath = ("partner",)
        if not self.required(doc, "partner", (), "the scenario"):
            return Partner("")
        table = self.table(doc["partner"], path, "`partner`")
        if table is None:
            return Partner("")
        self.known_keys(table, PARTNER_KEYS, path, "[partner]")
        where = "[partner]"
        name = self.string(table, "name", path, required=True, where=where,
                           limit=LONG_TEXT["title"])
        pronouns = self.string(table, "pronouns", path, required=False, where=where) or None
        relationship = (self.string(table, "relationship", path, required=False, where=where)
                        or None)
        return Partner(name, pronouns, relationship)

    def trust(self, doc: Mapping[str, Any]) -> TrustSettings:
        path: KeyPath = ("trust",)
        default = TrustSettings()
        if "trust" not in doc:
            return default
        table = self.table(doc["trust"], path, "`trust`")
        if table is None:
            return default
        self.known_keys(table, TRUST_KEYS, path, "[trust]")
        initial = self.number(table, "initial", path, low=0, high=100, default=default.initial)
        ceiling = self.number(table, "ceiling", path, low=0, high=100, default=default.ceiling)
        if initial > ceiling:
            self.report((*path, "initial"), Codes.BAD_VALUE,
                        f"trust starts at {_fmt(initial)}, above its ceiling {_fmt(ceiling)}",
                        "the ceiling is the most trust that can come back; raise it or lower "
                        "`initial`")
            return TrustSettings(min(initial, ceiling), ceiling)
        return TrustSettings(initial, ceiling)

    def weights(self, doc: Mapping[str, Any]) -> dict[str, float]:
        if "scoring" not in doc:
            return {}
        scoring = self.table(doc["scoring"], ("scoring",), "`scoring`")
        if scoring is None:
            return {}
        self.known_keys(scoring, SCORING_KEYS, ("scoring",), "[scoring]")
        if "weights" not in scoring:
            return {}
        path: KeyPath = ("scoring", "weights")
        table = self.table(scoring["weights"], path, "`scoring.weights`")
        if table is None:
            return {}
        weights: dict[str, float] = {}
        for tag in table:
            if tag not in TAGS:
                self.report((*path, tag), Codes.UNKNOWN_TAG, f'unknown behaviour tag "{tag}"',
                            did_you_mean(tag, TAGS))
                continue
            weights[tag] = self.number(table, tag, path, low=MIN_WEIGHT, high=MAX_WEIGHT,
                                       default=1.0)
        return weights

    def nodes(self, doc: Mapping[str, Any]) -> dict[str, Node] | None:
        if not self.required(doc, "nodes", (), "the scenario"):
            return None
        table = self.table(doc["nodes"], ("nodes",), "`nodes`")
        if table is None:
            return None
        if not table:
            self.report(("nodes",), Codes.NO_ENDING, "the scenario has no nodes")
        nodes: dict[str, Node] = {}
        for node_id, value in table.items():
            node = self.node(node_id, value)
            if node is not None:
                nodes[node_id] = node
        return nodes

    def node(self, node_id: str, value: Any) -> Node | None:
        path: KeyPath = ("nodes", node_id)
        if not NODE_ID.match(node_id):
            self.report(path, Codes.BAD_VALUE, f'node id "{node_id}" is not valid',
                        "use letters, digits, - and _ (at most 64)")
        table = self.table(value, path, f"node `{node_id}`")
        if table is None:
            return None
        where = f"node `{node_id}`"
        self.known_keys(table, NODE_KEYS, path, where)
        text = self.string(table, "text", path, required=True, where=where,
                           limit=LONG_TEXT["node"])
        speaker = self.string(table, "speaker", path, required=False, where=where,
                              limit=LONG_TEXT["title"]) or None
        shape = [k for k in ("choices", "routes", "next", "ending") if k in table]
        if len(shape) != 1:
            found = " and ".join(f"`{k}`" for k in shape) if shape else "none of them"
            self.report(path, Codes.NODE_SHAPE,
                        f"node `{node_id}` needs exactly one of `choices`, `routes`, `next` or "
                        f"`ending`; it has {found}")
        choices = self.choices(table, path) if "choices" in table else ()
        routes = self.routes(table, path) if "routes" in table else ()
        next_id = self.string(table, "next", path, required=False, where=where) or None
        ending = None
        if "ending" in table:
            ending = self.string(table, "ending", path, required=False, where=where,
                                 limit=LONG_TEXT["title"]) or ""
        return Node(id=node_id, text=text, speaker=speaker, choices=choices, routes=routes,
                    next=next_id, ending=ending)

    def array_of_tables(self, table: Mapping[str, Any], key: str, path: KeyPath
                        ) -> list[tuple[KeyPath, dict[str, Any]]]:
        value = table[key]
        here = (*path, key)
        if not isinstance(value, list):
            self.report(here, Codes.WRONG_TYPE,
                        f"`{key}` must be an array of tables ([[...{key}]]), not "
                        f"{_type_name(value)}")
            return []
        items = []
        for i, item in enumerate(value):
            checked = self.table(item, (*here, i), f"each of `{key}`")
            if checked is not None:
                items.append(((*here, i), checked))
        return items

    def choices(self, table: Mapping[str, Any], path: KeyPath) -> tuple[Choice, ...]:
        items = self.array_of_tables(table, "choices", path)
        count = len(table["choices"]) if isinstance(table["choices"], list) else 0
        if isinstance(table["choices"], list) and not 1 <= count <= MAX_CHOICES:
            self.report((*path, "choices"), Codes.BAD_VALUE,
                        f"a node offers 1-{MAX_CHOICES} choices; this one has {count}",
                        "split the node" if count else "add a choice, or use `next`")
        choices = tuple(self.choice(item_path, item) for item_path, item in items)
        if choices and all(c.condition is not None for c in choices):
            self.report((*path, "choices"), Codes.NODE_SHAPE,
                        "every choice here has an `if`: when none holds, the player is stuck",
                        "leave at least one choice without `if`")
        return choices

    def choice(self, path: KeyPath, table: Mapping[str, Any]) -> Choice:
        where = "a choice"
        self.known_keys(table, CHOICE_KEYS, path, where)
        text = self.string(table, "text", path, required=True, where=where,
                           limit=LONG_TEXT["choice"])
        goto = self.string(table, "goto", path, required=True, where=where)
        tags = self.string_list(table, "tags", path, self.valid_tag)
        signal = Signal.STEADY
        if "signal" in table:
            raw = self.string(table, "signal", path, required=False, where=where)
            try:
                signal = Signal(raw)
            except ValueError:
                if raw:
                    self.report((*path, "signal"), Codes.BAD_VALUE,
                                f'unknown signal "{raw}"',
                                did_you_mean(raw, [s.value for s in Signal])
                                or "use warm, steady or distant")
        reply = self.string(table, "reply", path, required=False, where=where,
                            limit=LONG_TEXT["line"]) or None
        feedback = self.string(table, "feedback", path, required=False, where=where,
                               limit=LONG_TEXT["line"]) or None
        set_flags = self.flag_names(table, "set", path)
        clear_flags = self.flag_names(table, "clear", path)
        self.flags_set.update(set_flags)
        condition = self.condition(table, "if", path)
        return Choice(text=text, goto=goto, tags=tags, signal=signal, reply=reply,
                      feedback=feedback, set_flags=set_flags, clear_flags=clear_flags,
                      condition=condition)

    def valid_tag(self, tag: str, path: KeyPath) -> bool:
        if tag in TAGS:
            return True
        self.report(path, Codes.UNKNOWN_TAG, f'unknown behaviour tag "{tag}"',
                    did_you_mean(tag, TAGS) or "see `trustsim schema` or docs/scoring.md")
        return False

    def routes(self, table: Mapping[str, Any], path: KeyPath) -> tuple[Route, ...]:
        items = self.array_of_tables(table, "routes", path)
        if isinstance(table["routes"], list) and not table["routes"]:
            self.report((*path, "routes"), Codes.BAD_VALUE, "`routes` is empty",
                        "add a route, or use `next`")
        routes: list[Route] = []
        for number, (item_path, item) in enumerate(items, start=1):
            self.known_keys(item, ROUTE_KEYS, item_path, "a route")
            goto = self.string(item, "goto", item_path, required=True, where="a route")
            condition = self.condition(item, "if", item_path)
            last = number == len(items)
            if last and "if" in item:
                self.report((*item_path, "if"), Codes.ROUTE_ORDER,
                            "the last route has an `if`: when no route applies, the play stops",
                            "end with a route without `if`, the fallback")
            elif not last and "if" not in item:
                self.report(item_path, Codes.ROUTE_ORDER,
                            "this route has no `if`, so the routes after it are never taken",
                            "move the fallback route last")
            routes.append(Route(goto=goto, condition=condition))
        return tuple(routes)

    def tests(self, doc: Mapping[str, Any]) -> tuple[ScenarioTest, ...]:
        if "tests" not in doc:
            return ()
        tests: list[ScenarioTest] = []
        for path, table in self.array_of_tables(doc, "tests", ()):
            where = "a test"
            self.known_keys(table, TEST_KEYS, path, where)
            name = self.string(table, "name", path, required=False, where=where) or None
            choices: list[int] = []
            if self.required(table, "choices", path, where):
                value = table["choices"]
                if isinstance(value, list) and all(
                    isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= MAX_CHOICES
                    for n in value
                ):
                    choices = value
                else:
                    self.report((*path, "choices"), Codes.WRONG_TYPE,
                                f"`choices` must be an array of choice numbers 1-{MAX_CHOICES}")
            ending = self.string(table, "ending", path, required=False, where=where) or None
            bounds = [self.score_bounds(table, key, path) for key in ("min", "max")]
            tests.append(ScenarioTest(tuple(choices), ending, bounds[0], bounds[1], name))
        return tuple(tests)

    def score_bounds(self, table: Mapping[str, Any], key: str, path: KeyPath
                     ) -> dict[str, float]:
        if key not in table:
            return {}
        bounds = self.table(table[key], (*path, key), f"`{key}`")
        if bounds is None:
            return {}
        result: dict[str, float] = {}
        for name in bounds:
            if name not in SCORE_NAMES:
                self.report((*path, key, name), Codes.UNKNOWN_KEY, f'unknown score "{name}"',
                            did_you_mean(name, SCORE_NAMES))
                continue
            result[name] = self.number(bounds, name, (*path, key), low=0, high=100, default=0)
        return result

    def invariants(self, doc: Mapping[str, Any]) -> tuple[Invariant, ...]:
        if "invariants" not in doc:
            return ()
        invariants: list[Invariant] = []
        for path, table in self.array_of_tables(doc, "invariants", ()):
            self.known_keys(table, INVARIANT_KEYS, path, "an invariant")
            name = self.string(table, "name", path, required=False, where="an invariant") or None
            if self.required(table, "never", path, "an invariant"):
                condition = self.condition(table, "never", path, allow_ending=True)
                if condition is not None:
                    invariants.append(Invariant(condition, name))
        return tuple(invariants)

    def check_flag_reads(self) -> None:
        for path, condition in self.flag_reads:
            for flag in sorted(condition.flags - self.flags_set):
                hint = did_you_mean(flag, self.flags_set)
                self.report(path, Codes.UNKNOWN_FLAG,
                            f'condition reads flag "{flag}", which no choice sets',
                            hint.replace('"', '"flag.', 1) if hint else
                            f'add `set = ["{flag}"]` to the choice that should raise it')


#: Unicode's control characters (category Cc) except newline and tab.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _control_character(text: str) -> str | None:
    found = _CONTROL.search(text)
    return found.group() if found else None


def _fmt(value: float) -> str:
    return f"{value:g}"


def read_document(doc: Mapping[str, Any], problems: Problems) -> Scenario | None:
    reader = Reader(problems)
    scenario = reader.scenario(doc)
    reader.check_flag_reads()
    return scenario
