"""Limits, and what `trustsim serve` / `dashboard` say about bad arguments (one line each)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustsim.cli import main
from trustsim.serve import limits
from trustsim.serve.limits import FailedLogins, Limits

from .conftest import SCENARIO


def test_failed_logins_shut_an_address_out_for_a_while() -> None:
    failed = FailedLogins(Limits(max_failed_logins=3, failure_window=60, block_time=120))
    assert failed.failed("10.0.0.1", now=0) == 0
    assert failed.failed("10.0.0.1", now=1) == 0
    assert failed.blocked_for("10.0.0.1", now=2) == 0
    assert failed.failed("10.0.0.1", now=2) == 120
    assert failed.blocked_for("10.0.0.1", now=3) == 119
    assert failed.blocked_for("10.0.0.2", now=3) == 0  # others are not affected
    assert failed.blocked_for("10.0.0.1", now=200) == 0


def test_old_failures_fall_out_of_the_window() -> None:
    failed = FailedLogins(Limits(max_failed_logins=2, failure_window=10))
    failed.failed("a", now=0)
    assert failed.failed("a", now=20) == 0  # the first is too old to count
    failed.forget_old(now=100)
    assert failed.failed("a", now=100) == 0


def test_messages_name_the_limit() -> None:
    rules = Limits(max_sessions=30, idle_time=600, session_time=3600)
    assert "30 students" in limits.class_full(rules)
    assert "10 minutes" in limits.idle(rules) and "saved" in limits.idle(rules)
    assert "60 minutes" in limits.too_long(rules)
    assert "Wait 1 minute," in limits.too_many_failures(30)


@pytest.mark.parametrize(("args", "status", "fragment"), [
    ([], 2, "choose how students log in"),
    (["--open", "--scenario", "no-such-id"], 1, 'no scenario "no-such-id"'),
    (["--open", "--scenarios", "/nonexistent"], 1, "no such folder"),
    (["--authorized-keys", "/nonexistent"], 1, "no such file"),
    (["--class-code", "abc"], 2, "at least 4 characters"),
    (["--open", "--port", "70000"], 2, "not a port number"),
    (["--open", "--idle-minutes", "0"], 2, "more than 0"),
])
def test_serve_argument_errors_are_one_line(args: list[str], status: int, fragment: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", *args]) == status
    err = capsys.readouterr().err
    assert fragment in err and len(err.strip().splitlines()) <= 2


def test_a_bad_authorized_keys_file_is_refused(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    keys = tmp_path / "keys"
    keys.write_text("this is not a key\n")
    assert main(["serve", "--authorized-keys", str(keys)]) == 1
    assert "--authorized-keys" in capsys.readouterr().err


def test_a_port_in_use_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(["serve", "--open", "--host", "127.0.0.1", "--port", str(port),
                       "--scenario", str(SCENARIO), "--db", str(tmp_path / "r.sqlite3")])
    assert status == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_dashboard_needs_a_positive_interval(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dashboard", "--interval", "0"]) == 2
