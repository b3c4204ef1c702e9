"""What `trustsim report` and the dashboard show: the class's results, per student and per node.

Built from the store alone (it keeps the choice text and scores), so a report can be made on a
machine that does not have the scenario files; when they are at hand, options nobody chose are
listed too, in the file's order.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType

from attrs import define, field, frozen

from trustsim.model import NodeKind, Scenario
from trustsim.store import PlayRecord, ResultsStore, StepRecord

SCORE_ORDER = ("accountability", "consistency", "respect", "overall")


def _frozen(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(value))


@frozen
class StudentRow:
    """One student's latest attempt at one scenario."""

    student: str
    scenario: str
    title: str
    mode: str
    attempt: int
    attempts: int
    finished: bool
    node: str
    ending: str | None
    ending_node: str | None
    scores: Mapping[str, int] = field(converter=_frozen)
    trust: float | None
    choices: int
    started_at: float
    updated_at: float
    finished_at: float | None

    def to_json(self) -> dict[str, object]:
        return {
            "student": self.student, "scenario": self.scenario, "title": self.title,
            "mode": self.mode, "attempt": self.attempt, "attempts": self.attempts,
            "finished": self.finished, "node": self.node,
            "ending": ({"node": self.ending_node, "title": self.ending}
                       if self.ending_node else None),
            "scores": {k: self.scores[k] for k in SCORE_ORDER if k in self.scores},
            "trust": None if self.trust is None else round(self.trust, 2),
            "choices": self.choices, "started_at": iso_time(self.started_at),
            "updated_at": iso_time(self.updated_at),
            "finished_at": None if self.finished_at is None else iso_time(self.finished_at),
        }


@frozen
class OptionRow:
    """How many students chose one option at one node (latest attempts only)."""

    scenario: str
    node: str
    #: The option's place in its node, from 1 (the file's order, not the order shown).
    option: int
    text: str
    count: int
    #: Students who made a choice at this node: the denominator of `share`.
    reached: int
    tags: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        return self.count / self.reached if self.reached else 0.0

    def to_json(self) -> dict[str, object]:
        return {"scenario": self.scenario, "node": self.node, "option": self.option,
                "text": self.text, "tags": list(self.tags), "count": self.count,
                "reached": self.reached, "share": round(self.share, 4)}


@frozen
class ClassReport:
    students: tuple[StudentRow, ...]
    options: tuple[OptionRow, ...]
    #: The plays and their steps the rows were made from (the xAPI export needs every step).
    plays: tuple[PlayRecord, ...] = ()
    steps: Mapping[int, Sequence[StepRecord]] = field(factory=dict)
    names: Mapping[str, str] = field(factory=dict)


def iso_time(seconds: float) -> str:
    import datetime

    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def pseudonym(secret: str, name: str) -> str:
    """A stable stand-in for `name`: the same name always gives the same pseudonym with the
    same store, and without the store's secret nobody can test guesses against it."""
    digest = hmac.new(secret.encode(), name.encode("utf-8", "surrogatepass"),
                      hashlib.sha256).digest()
    return "anon-" + base64.b32encode(digest[:5]).decode().lower()


def latest_plays(plays: Iterable[PlayRecord]) -> dict[tuple[str, str], tuple[PlayRecord, int]]:
    """Per (student, scenario): the latest attempt, and how many attempts there were."""
    found: dict[tuple[str, str], tuple[PlayRecord, int]] = {}
    for play in plays:
        key = (play.student, play.scenario)
        previous = found.get(key)
        if previous is None or play.attempt > previous[0].attempt:
            found[key] = (play, (previous[1] if previous else 0) + 1)
        else:
            found[key] = (previous[0], previous[1] + 1)
    return found


def build_report(store: ResultsStore, *, scenario: str | None = None,
                 anonymize: bool = False,
                 scenarios: Mapping[str, Scenario] | None = None) -> ClassReport:
    plays = store.plays(scenario)
    return report_from(plays, store.steps_of([p.id for p in plays]),
                       names=_namer(store, anonymize), scenarios=scenarios or {})


def _namer(store: ResultsStore, anonymize: bool) -> Callable[[str], str]:
    if not anonymize:
        return lambda name: name
    secret = store.secret("pseudonyms")
    return lambda name: pseudonym(secret, name)


def report_from(plays: Sequence[PlayRecord], steps: Mapping[int, Sequence[StepRecord]], *,
                names: Callable[[str], str] = lambda name: name,
                scenarios: Mapping[str, Scenario] | None = None) -> ClassReport:
    latest = latest_plays(plays)
    shown = {play.student: names(play.student) for play in plays}
    students = tuple(sorted(
        (_student_row(play, attempts, shown[play.student], len(steps.get(play.id, ())))
         for play, attempts in latest.values()),
        key=lambda row: (row.scenario, row.student.casefold(), row.student)))
    options = _option_rows([play for play, _ in latest.values()], steps, scenarios or {})
    return ClassReport(students, options, tuple(plays), dict(steps), shown)


def _student_row(play: PlayRecord, attempts: int, name: str, choices: int) -> StudentRow:
    return StudentRow(
        student=name, scenario=play.scenario, title=play.title, mode=play.mode,
        attempt=play.attempt, attempts=attempts, finished=play.finished, node=play.node,
        ending=play.ending_title, ending_node=play.ending_node, scores=play.scores,
        trust=play.trust, choices=choices, started_at=play.started_at,
        updated_at=play.updated_at, finished_at=play.finished_at)


@define
class _Option:
    count: int
    text: str
    tags: tuple[str, ...]


def _option_rows(plays: Sequence[PlayRecord], steps: Mapping[int, Sequence[StepRecord]],
                 scenarios: Mapping[str, Scenario]) -> tuple[OptionRow, ...]:
    # (scenario, node) -> option index -> tally; and which plays made a choice there.
    counts: dict[tuple[str, str], dict[int, _Option]] = {}
    reached: dict[tuple[str, str], set[int]] = {}
    first_seen: dict[tuple[str, str], tuple[int, float]] = {}
    for play in plays:
        for step in steps.get(play.id, ()):
            key = (play.scenario, step.node)
            option = counts.setdefault(key, {}).setdefault(
                step.index, _Option(0, step.text, step.tags))
            option.count += 1
            reached.setdefault(key, set()).add(play.id)
            first_seen[key] = min(first_seen.get(key, (step.seq, step.at)), (step.seq, step.at))
    rows: list[OptionRow] = []
    for scenario_id in sorted({key[0] for key in counts}):
        known = scenarios.get(scenario_id)
        seen = [key[1] for key in counts if key[0] == scenario_id]
        if known is not None:
            # The file's order, options nobody chose included; then anything the store has
            # that the file no longer does (it was edited since).
            node_ids = [n.id for n in known.nodes.values() if n.kind is NodeKind.CHOICES]
            node_ids += sorted(n for n in seen if n not in known.nodes)
        else:
            node_ids = sorted(seen, key=lambda n: first_seen[(scenario_id, n)])
        for node_id in node_ids:
            key = (scenario_id, node_id)
            if key not in counts:
                continue  # nobody has been there: nothing to say about its options yet
            options = dict(counts[key])
            node = known.nodes.get(node_id) if known is not None else None
            if node is not None:
                for index, choice in enumerate(node.choices):
                    tally = options.setdefault(index, _Option(0, choice.text, choice.tags))
                    tally.text, tally.tags = choice.text, tuple(choice.tags)
            total = len(reached.get(key, ()))
            rows.extend(OptionRow(scenario_id, node_id, index + 1, option.text, option.count,
                                  total, option.tags)
                        for index, option in sorted(options.items()))
    return tuple(rows)
