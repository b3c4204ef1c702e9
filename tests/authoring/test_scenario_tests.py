"""A scenario's own `[[tests]]` and `[[invariants]]`, run by `trustsim check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trustsim.authoring.scenario_tests import check_invariants, run_tests
from trustsim.cli import main
from trustsim.loader import check_text

HERE = Path(__file__).parent.parent
MINIMAL = HERE / "scenarios" / "minimal.toml"

FAILING = """
[[tests]]
name = "owning it"
choices = [1]
ending = "guarded"

[[tests]]
choices = [2]
ending = "Guarded"

[[tests]]
choices = [3]

[[tests]]
choices = [1]
ending = "hopeful"
min.overall = 90
max = { accountability = 10 }

[[tests]]
name = "passes"
choices = [2]
ending = "guarded"
max.accountability = 40

[[invariants]]
never = "ending == 'hopeful' and count.accountability > 0"

[[invariants]]
name = "never above the ceiling"
never = "trust > 80"
"""


def lines_of(text: str, needle: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]


def test_failures_are_e060_at_the_line_of_the_failing_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = MINIMAL.read_text(encoding="utf-8") + FAILING
    path = tmp_path / "tested.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path), "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert {d["code"] for d in found} == {"E060"}
    by_line = {d["line"]: d["message"] for d in found}
    endings = lines_of(text, "ending = ")
    assert 'ends at "hopeful"' in by_line[endings[-4]]  # owning it: expected guarded
    assert "not an ending node" in by_line[endings[-3]]
    assert "cannot be played" in by_line[lines_of(text, "choices = [3]")[0]]
    assert "overall at least 90" in by_line[lines_of(text, "min.overall = 90")[0]]
    assert "accountability at most 10" in by_line[lines_of(text, "max = {")[0]]
    invariant_line = lines_of(text, "never = \"ending == 'hopeful'")[0]
    assert "after choosing 1" in by_line[invariant_line]
    assert len(found) == 6  # the passing test and the invariant that holds say nothing
    hint = next(d["hint"] for d in found if d["line"] == invariant_line)
    assert hint.endswith("--choices 1")


def test_a_title_in_place_of_the_ending_id_gets_a_hint() -> None:
    result = check_text(MINIMAL.read_text(encoding="utf-8") + FAILING)
    assert result.scenario is not None
    failure = next(f for f in run_tests(result.scenario) if "not an ending" in f.message)
    assert failure.hint == 'name the ending node, "guarded", not its title'


def test_invariants_are_checked_on_every_state_not_only_endings() -> None:
    extra = '\n[[invariants]]\nnever = "turn == 1 and not flag.owned_it"\n'
    result = check_text(MINIMAL.read_text(encoding="utf-8") + extra)
    assert result.scenario is not None
    failures, exhaustive = check_invariants(result.scenario)
    assert exhaustive
    (failure,) = failures
    assert failure.path == ("invariants", 0, "never")
    assert "after choosing 2" in failure.message and 'ends at "guarded"' in failure.message


def test_invariants_fall_back_to_sampling_when_the_state_space_is_too_large() -> None:
    extra = '\n[[invariants]]\nnever = "ending == \'guarded\' and trust < 100"\n'
    result = check_text(MINIMAL.read_text(encoding="utf-8") + extra)
    assert result.scenario is not None
    failures, exhaustive = check_invariants(result.scenario, max_states=0)
    assert not exhaustive
    assert len(failures) == 1  # a sampled play still finds the break


def test_clean_tests_say_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.toml"
    path.write_text(MINIMAL.read_text(encoding="utf-8") + """
[[tests]]
choices = [1]
ending = "hopeful"
min.accountability = 60

[[invariants]]
never = "ending == 'hopeful' and count.excuse > 0"
""", encoding="utf-8")
    assert main(["check", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "no problems" in captured.err
