"""The command line as a user meets it: exit codes, one-line errors, JSON shapes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from trustsim import __version__
from trustsim.cli import build_parser, main

HERE = Path(__file__).parent
MINIMAL = HERE / "scenarios" / "minimal.toml"
BAD = HERE / "scenarios" / "bad"


def trustsim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "trustsim.cli", *args], capture_output=True,
                          text=True, timeout=60)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"trustsim {__version__}"


def command_names() -> list[str]:
    parser = build_parser()
    actions = [a for a in parser._actions if a.dest == "command"]
    return sorted(actions[0].choices)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", command_names())
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert f"trustsim {command}" in capsys.readouterr().out


def test_check_clean_file_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(MINIMAL)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "1 file checked: no problems" in captured.err


def test_check_folder_with_errors_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(BAD)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(": error[E030]: " in line for line in lines)
    assert all(line.startswith(str(BAD)) for line in lines)


def test_check_warnings_only_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(BAD / "unreachable.toml")]) == 0
    assert "warning[W040]" in capsys.readouterr().out


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "json", str(BAD / "unknown-node.toml")]) == 1
    [item] = json.loads(capsys.readouterr().out)
    assert item["code"] == "E030"
    assert item["line"] == 14
    assert item["severity"] == "error"
    assert {"file", "line", "column", "severity", "code", "message"} <= set(item)


def test_check_without_paths_is_a_usage_error() -> None:
    run = trustsim("check")
    assert run.returncode == 2
    assert "Traceback" not in run.stderr


def test_check_missing_file_is_an_error_not_a_traceback() -> None:
    run = trustsim("check", "no/such/file.toml")
    assert run.returncode == 1
    assert run.stdout.strip() == (
        "no/such/file.toml:1:1: error[E002]: cannot read the file: no such file or directory")
    assert "Traceback" not in run.stderr


def test_run_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(MINIMAL), "--choices", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["scenario"] == "minimal"
    assert report["ending"] == {"node": "hopeful", "title": "A Slow Start"}
    assert set(report["scores"]) == {"accountability", "consistency", "respect", "overall"}
    assert report["counts"]["accountability"] == 1
    assert report["trust"][0] == 30
    assert len(report["trust"]) == 2
    assert isinstance(report["mixed_signals"], int)


def test_run_other_ending(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(MINIMAL), "--choices", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ending"]["node"] == "guarded"


def test_run_unfinished_path_reports_no_ending(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(MINIMAL), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ending"] is None
    assert report["trust"] == [30]


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--choices", "3"], 1, "choice 1 (3): choice 3 is not on offer: choose 1-2"),
        (["--choices", "1,1"], 1, "the scenario has ended"),
        (["--choices", "x"], 2, '--choices: "x" is not a choice number'),
        (["--choices", "0"], 2, '--choices: "0" is not a choice number'),
    ],
)
def test_run_bad_choices_are_one_line_errors(args: list[str], status: int, message: str) -> None:
    run = trustsim("run", str(MINIMAL), *args)
    assert run.returncode == status
    assert message in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr


def test_run_broken_file_is_one_line() -> None:
    run = trustsim("run", str(BAD / "unknown-node.toml"))
    assert run.returncode == 1
    assert run.stderr.strip().endswith('goes to unknown node "ned" (did you mean "end"?)')
    assert len(run.stderr.strip().splitlines()) == 1


def test_run_unknown_scenario_id() -> None:
    run = trustsim("run", "no-such-scenario")
    assert run.returncode == 1
    assert 'no scenario with id "no-such-scenario"' in run.stderr


def test_run_missing_file() -> None:
    run = trustsim("run", "missing.toml")
    assert run.returncode == 1
    assert run.stderr.strip() == "trustsim: missing.toml: no such file"
