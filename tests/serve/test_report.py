"""`trustsim report`: per student and per node, as a table, CSV, JSON and xAPI; pseudonyms;
and nothing a student typed reaches the instructor's terminal raw."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from pathlib import Path

import pytest

from trustsim.cli import main
from trustsim.engine import Session
from trustsim.loader import load_scenario
from trustsim.store import open_store
from trustsim.store.classroom import ResultsJournal
from trustsim.store.formats import cell_width, fit
from trustsim.store.report import build_report, pseudonym
from trustsim.store.safe import json_text, one_line, terminal_safe

from .conftest import SCENARIO

EVIL = "eve\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J\x9b31m\u202egnp.exe"
#: What a terminal acts on: ESC, BEL, the 8-bit CSI, a bidi override.
RAW = re.compile("[\x1b\x07\x9b\u202e]")


def play(store_url: str, student: str, numbers: list[int], mode: str = "coach") -> None:
    store = open_store(store_url)
    session = Session(load_scenario(SCENARIO))
    journal = ResultsJournal(store, student, mode)
    journal.started(session)
    for number in numbers:
        journal.chose(session, session.choose(number))
    if session.is_over:
        journal.finished(session)
    store.close()


@pytest.fixture
def results(tmp_path: Path) -> str:
    url = str(tmp_path / "class.sqlite3")
    play(url, "alice", [1, 1, 1])
    play(url, "bob", [2, 2, 2])
    play(url, "carol", [1, 2])
    play(url, EVIL, [1])
    return url


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["report", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_table_per_student_and_per_node(results: str, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    status, out, _ = run(capsys, "--db", results, "--scenarios", str(SCENARIO.parent))
    assert status == 0
    assert "Students: 4 (2 finished)" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line[:1].isalpha()}
    assert "ended: A Call at Eight" in lines["alice"]
    assert "ended: Still Waiting" in lines["bob"]
    assert "at three" in lines["carol"]
    # Per node: at `one`, 3 of 4 chose option 1; nobody's choices are lost or doubled.
    one = [line for line in out.splitlines() if re.search(r"\bone\s+[12]\b", line)]
    assert any(re.search(r"\b3/4\s+75%", line) for line in one)
    assert any(re.search(r"\b1/4\s+25%", line) for line in one)
    assert not RAW.search(out)
    assert "\\x1b]52" in out  # the escape is shown, not obeyed


def test_csv(results: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--db", results, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["student"] for r in rows} >= {"alice", "bob", "carol"}
    alice = next(r for r in rows if r["student"] == "alice")
    assert alice["finished"] == "yes" and alice["ending_node"] == "good"
    assert int(alice["overall"]) > int(next(r for r in rows if r["student"] == "bob")["overall"])
    assert not RAW.search(out)
    _, nodes, _ = run(capsys, "--db", results, "--format", "csv", "--by", "node")
    option_rows = list(csv.DictReader(io.StringIO(nodes)))
    first = {r["option"]: r for r in option_rows if r["node"] == "one"}
    assert first["1"]["count"] == "3" and first["2"]["count"] == "1"
    assert first["1"]["reached"] == "4"


def test_csv_cells_cannot_become_formulas(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    url = str(tmp_path / "r.sqlite3")
    play(url, "=HYPERLINK(\"http://x\")", [1])
    _, out, _ = run(capsys, "--db", url, "--format", "csv")
    assert "'=HYPERLINK" in out


def test_json(results: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--db", results, "--format", "json")
    document = json.loads(out)
    students = {s["student"]: s for s in document["students"]}
    assert students["alice"]["ending"] == {"node": "good", "title": "A Call at Eight"}
    assert students["carol"]["finished"] is False and students["carol"]["node"] == "three"
    assert set(students["alice"]["scores"]) == {"accountability", "consistency", "respect",
                                                "overall"}
    assert EVIL in students  # the data is intact...
    assert not RAW.search(out)  # ...and escaped on the way out
    assert {n["node"] for n in document["nodes"]} == {"one", "two", "three"}


def test_anonymize_gives_stable_pseudonyms(results: str, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    _, first, _ = run(capsys, "--db", results, "--format", "json", "--anonymize")
    _, second, _ = run(capsys, "--db", results, "--format", "json", "--anonymize")
    assert first == second
    names = [s["student"] for s in json.loads(first)["students"]]
    assert all(re.fullmatch(r"anon-[a-z2-7]{8}", n) for n in names)
    assert len(set(names)) == 4
    assert "alice" not in first and "bob" not in first
    _, xapi, _ = run(capsys, "--db", results, "--format", "xapi", "--anonymize")
    assert "alice" not in xapi and names[0] in xapi
    # Another store (another class) gives other pseudonyms to the same name.
    with open_store(results) as store:
        assert pseudonym(store.secret("pseudonyms"), "alice") in names
    assert pseudonym("another secret", "alice") not in names


def test_xapi_statements(results: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--db", results, "--format", "xapi", "--xapi-base",
                    "https://school.example/trustsim")
    statements = json.loads(out)
    assert not RAW.search(out)
    verbs = [s["verb"]["display"]["en-US"] for s in statements]
    # 4 plays attempted, 3+3+2+1 choices answered, 2 completed.
    assert verbs.count("attempted") == 4
    assert verbs.count("answered") == 9
    assert verbs.count("completed") == 2
    for statement in statements:
        uuid.UUID(statement["id"])
        uuid.UUID(statement["context"]["registration"])
        assert statement["actor"]["account"]["homePage"] == "https://school.example/trustsim"
        assert statement["verb"]["id"].startswith("http://adlnet.gov/expapi/verbs/")
        assert statement["object"]["id"].startswith("https://school.example/trustsim/")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", statement["timestamp"])
    completed = [s for s in statements if s["verb"]["display"]["en-US"] == "completed"]
    alice = next(s for s in completed if s["actor"]["name"] == "alice")
    assert alice["result"]["completion"] is True
    assert 0 <= alice["result"]["score"]["scaled"] <= 1
    # Exporting twice gives the same statement ids: a record store drops the repeats.
    _, again, _ = run(capsys, "--db", results, "--format", "xapi", "--xapi-base",
                      "https://school.example/trustsim")
    assert [s["id"] for s in json.loads(again)] == [s["id"] for s in statements]


def test_one_scenario_and_errors(results: str, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--db", results, "--scenario", "nothing-here")
    assert status == 0 and "No plays recorded yet." in out
    status, _, err = run(capsys, "--db", str(tmp_path / "missing.sqlite3"))
    assert status == 1 and "no such results store" in err and err[-1] == "\n"
    status, _, err = run(capsys, "--db", results, "--format", "csv", "--by", "both")
    assert status == 2
    status, _, err = run(capsys)
    assert status == 1 and "no results yet" in err


def test_build_report_uses_scenarios_to_list_unchosen_options(results: str) -> None:
    scenario = load_scenario(SCENARIO)
    with open_store(results) as store:
        bare = build_report(store)
        full = build_report(store, scenarios={scenario.id: scenario})
    bare_two = [o for o in bare.options if o.node == "two"]
    assert len(bare_two) == 2  # both were chosen by someone
    full_three = [o for o in full.options if o.node == "three"]
    assert [(o.option, o.count, o.reached) for o in full_three] == [(1, 1, 2), (2, 1, 2)]


def test_safe_text() -> None:
    assert terminal_safe("a\x1b[31mb") == "a\\x1b[31mb"
    assert terminal_safe("x\u202ey") == "x\\u202ey"
    assert terminal_safe("line\nnext", keep_newlines=True) == "line\nnext"
    assert one_line("a\n\tb  c") == "a b c"
    assert one_line("abcdef", 4) == "abc…"
    document = json.dumps({"k": "\x9b\x7f"}, ensure_ascii=False)
    assert json.loads(json_text(document)) == {"k": "\x9b\x7f"}
    assert not RAW.search(json_text(document))
    assert cell_width("日本") == 4 and fit("日本語テキスト", 6) == "日本…"
