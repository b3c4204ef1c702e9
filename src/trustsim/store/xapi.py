"""The class's results as xAPI (Experience API 1.0.3) statements, for an LMS or a learning
record store: one `attempted` per play, one `answered` per choice, one `completed` (with the
scores) per play that reached an ending.

Statement ids are UUIDs derived from the store's own secret and the play, so exporting twice
gives the same ids and a record store that already has a statement ignores it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from trustsim.store import PlayRecord, StepRecord
from trustsim.store.report import SCORE_ORDER, ClassReport, iso_time
from trustsim.store.safe import json_text

DEFAULT_BASE = "https://trustsim.invalid"
VERBS = {
    "attempted": "http://adlnet.gov/expapi/verbs/attempted",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
}
ACTIVITY_SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
ACTIVITY_INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"


def statements(report: ClassReport, *, base: str = DEFAULT_BASE,
               namespace: uuid.UUID = uuid.NAMESPACE_URL) -> list[dict[str, Any]]:
    base = base.rstrip("/")
    found: list[dict[str, Any]] = []
    for play in report.plays:
        found.extend(_play_statements(play, report.steps.get(play.id, ()),
                                      report.names.get(play.student, play.student), base,
                                      namespace))
    return found


def as_xapi(report: ClassReport, *, base: str = DEFAULT_BASE, secret: str = "") -> str:
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"{base}#{secret}")
    document = statements(report, base=base, namespace=namespace)
    return json_text(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def _scenario_iri(base: str, scenario: str) -> str:
    return f"{base}/scenarios/{quote(scenario, safe='')}"


def _play_statements(play: PlayRecord, steps: Any, name: str, base: str,
                     namespace: uuid.UUID) -> Iterator[dict[str, Any]]:
    scenario_iri = _scenario_iri(base, play.scenario)
    key = f"{play.student}\x00{play.scenario}\x00{play.attempt}"
    registration = str(uuid.uuid5(namespace, key))
    actor = {"objectType": "Agent", "name": name,
             "account": {"homePage": base, "name": name}}
    scenario_activity = {
        "objectType": "Activity", "id": scenario_iri,
        "definition": {"type": ACTIVITY_SIMULATION,
                       "name": {"en": play.title or play.scenario}},
    }
    context = {
        "registration": registration,
        "platform": "trustsim",
        "extensions": {f"{base}/xapi/mode": play.mode or "coach",
                       f"{base}/xapi/attempt": play.attempt},
    }

    def statement(kind: str, suffix: str, timestamp: float, obj: dict[str, Any],
                  **extra: Any) -> dict[str, Any]:
        return {
            "id": str(uuid.uuid5(namespace, f"{key}\x00{suffix}")),
            "actor": actor,
            "verb": {"id": VERBS[kind], "display": {"en-US": kind}},
            "object": obj,
            "timestamp": iso_time(timestamp),
            "context": context if obj is scenario_activity else {
                **context, "contextActivities": {"parent": [{"id": scenario_iri}]}},
            **extra,
        }

    yield statement("attempted", "attempted", play.started_at, scenario_activity)
    for step in steps:
        yield statement("answered", f"step{step.seq}", step.at, _node_activity(base, play, step),
                        result={"response": f"option-{step.index + 1}",
                                "extensions": {f"{base}/xapi/tags": list(step.tags),
                                               f"{base}/xapi/choice-text": step.text}})
    if play.finished_at is not None:
        overall = play.scores.get("overall")
        result: dict[str, Any] = {
            "completion": True,
            "extensions": {
                f"{base}/xapi/scores": {k: play.scores[k] for k in SCORE_ORDER
                                        if k in play.scores},
                f"{base}/xapi/ending": {"node": play.ending_node, "title": play.ending_title},
            },
        }
        if overall is not None:
            result["score"] = {"scaled": round(overall / 100, 4), "raw": overall,
                               "min": 0, "max": 100}
        yield statement("completed", "completed", play.finished_at, scenario_activity,
                        result=result)


def _node_activity(base: str, play: PlayRecord, step: StepRecord) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"{_scenario_iri(base, play.scenario)}/nodes/{quote(step.node, safe='')}",
        "definition": {
            "type": ACTIVITY_INTERACTION,
            "name": {"en": f"{play.title or play.scenario}: {step.node}"},
            "interactionType": "choice",
        },
    }
