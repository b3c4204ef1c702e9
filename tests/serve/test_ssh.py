"""`trustsim serve` with the real OpenSSH client over loopback."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from trustsim.serve.ssh import load_or_create_host_key, student_home
from trustsim.store import open_store

from .conftest import HERE, SCENARIO, SSH, Server, launch, results, wait_until

CODE = "maple-42"


@pytest.fixture(scope="module")
def classroom(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One class-code server shared by the tests that do not change its settings."""
    server = launch(tmp_path_factory.mktemp("class"), "--class-code", CODE)
    yield server
    server.stop()


def play_through(client: SSH, server: Server, student: str, numbers: str,
                 already: int = 0) -> None:
    """Presses each number, waits for the choice to reach the results store, then presses
    space (the play screen's "Continue" after a reaction; nothing where there is none)."""
    for done, key in enumerate(numbers, start=already + 1):
        client.send(key)
        wait_until(lambda d=done: results(server, student)[1] >= d or client.pump(0.05),
                   message=f"choice {done} of {student} in the store")
        client.send(" ")


def test_class_code_login_and_play_to_an_ending(classroom: Server,
                                                ssh_clients: Callable[..., SSH]) -> None:
    client = ssh_clients(classroom.port, "alice")
    client.login(CODE)
    client.wait_text("ALPHA")
    play_through(client, classroom, "alice", "111")
    wait_until(lambda: results(classroom, "alice")[2], message="alice's ending")
    assert results(classroom, "alice") == (1, 3, True)
    with open_store(str(classroom.db)) as store:
        [play] = [p for p in store.plays() if p.student == "alice"]
        assert play.ending_title == "A Call at Eight" and play.mode == "coach"
        assert [s.index for s in store.steps(play.id)] == [0, 0, 0]
    classroom.wait_for(r"'alice' connected from 127\.0\.0\.1 \(xterm-256color 100x30\)")
    client.kill()
    classroom.wait_for(r"'alice' (left|connection lost)")


def test_wrong_code_is_refused(classroom: Server, ssh_clients: Callable[..., SSH]) -> None:
    client = ssh_clients(classroom.port, "mallory", "-o", "NumberOfPasswordPrompts=1")
    client.login("not-the-code")
    assert client.wait_exit() == 255
    assert "Permission denied" in client.output()
    classroom.wait_for(r"wrong class code for 'mallory'")
    assert results(classroom, "mallory") == (0, 0, False)


def test_commands_are_refused_with_a_reason(classroom: Server,
                                            ssh_clients: Callable[..., SSH]) -> None:
    client = ssh_clients(classroom.port, "bob", command=["ls", "-la"])
    client.login(CODE)
    assert client.wait_exit() == 1
    assert "runs no commands" in client.output()
    assert client.output().count("\n") <= 2  # one line, not a screen


def test_a_session_without_a_terminal_is_refused(classroom: Server,
                                                 ssh_clients: Callable[..., SSH]) -> None:
    client = ssh_clients(classroom.port, "bob", "-T")
    client.login(CODE)
    assert client.wait_exit() == 1
    assert "needs a terminal" in client.output()


def test_forwarding_and_sftp_are_refused(classroom: Server,
                                         ssh_clients: Callable[..., SSH]) -> None:
    forward = ssh_clients(classroom.port, "bob", "-N", "-o", "ExitOnForwardFailure=yes",
                          "-R", "0:127.0.0.1:9")
    forward.login(CODE)
    assert forward.wait_exit() == 255
    assert "forwarding failed" in forward.output()
    sftp = ssh_clients(classroom.port, "bob", "-s", command=["sftp"])
    sftp.login(CODE)
    assert sftp.wait_exit() != 0
    assert "subsystem request failed" in sftp.output()


def test_a_dropped_connection_resumes_with_no_choice_lost(
        classroom: Server, ssh_clients: Callable[..., SSH]) -> None:
    first = ssh_clients(classroom.port, "carol")
    first.login(CODE)
    first.wait_text("ALPHA")
    play_through(first, classroom, "carol", "2")
    first.kill()  # the Wi-Fi goes: no goodbye
    classroom.wait_for(r"'carol' (connection lost|left)")

    again = ssh_clients(classroom.port, "carol")
    again.login(CODE)
    again.wait_text("BRAVO")  # straight back at the second choice
    assert "ALPHA" not in again.text()
    play_through(again, classroom, "carol", "12", already=1)
    wait_until(lambda: results(classroom, "carol")[2], message="carol's ending")
    with open_store(str(classroom.db)) as store:
        plays = [p for p in store.plays() if p.student == "carol"]
        assert len(plays) == 1  # the same attempt, resumed
        assert [s.index for s in store.steps(plays[0].id)] == [1, 0, 1]
        assert plays[0].ending_node == "bad"


def test_connecting_again_closes_the_older_window(classroom: Server,
                                                  ssh_clients: Callable[..., SSH]) -> None:
    old = ssh_clients(classroom.port, "dave")
    old.login(CODE)
    old.wait_text("ALPHA")
    new = ssh_clients(classroom.port, "dave")
    new.login(CODE)
    new.wait_text("ALPHA")
    old.wait_text("You connected again")
    assert old.wait_exit() == 0


@pytest.fixture
def keys_file(tmp_path: Path, client_key: Path) -> Path:
    path = tmp_path / "authorized_keys"
    path.write_text(client_key.with_suffix(".pub").read_text())
    return path


def test_authorized_keys(start_server: Callable[..., Server], keys_file: Path,
                         client_key: Path, tmp_path: Path,
                         ssh_clients: Callable[..., SSH]) -> None:
    server = start_server("--authorized-keys", str(keys_file))
    only_keys = ["-o", "IdentitiesOnly=yes", "-o", "PasswordAuthentication=no",
                 "-o", "KbdInteractiveAuthentication=no"]
    known = ssh_clients(server.port, "erin", *only_keys, "-i", str(client_key))
    known.wait_text("ALPHA")
    known.kill()

    other = tmp_path / "other"
    os.system(f"ssh-keygen -q -t ed25519 -N '' -f {other}")
    unknown = ssh_clients(server.port, "erin", *only_keys, "-i", str(other))
    assert unknown.wait_exit() == 255
    assert "Permission denied (publickey)" in unknown.output()


def test_terminal_type_size_resizes_and_crashes_over_ssh(
        start_server: Callable[..., Server], ssh_clients: Callable[..., SSH]) -> None:
    """With a stand-in player that reports what it was given: TERM and the window size come
    from the client, resizes arrive, and a crashing session harms no other."""
    server = start_server("--open", "--player", "children:echo",
                          env={"PYTHONPATH": str(HERE)})
    first = ssh_clients(server.port, "frank", size=(90, 33))
    first.wait_text("SIZE=90x33")
    assert "TERM=xterm-256color" in first.output() and "CTTY=yes" in first.output()
    assert "COLUMNS=None" in first.output()
    assert "--student frank" in first.output()
    first.child.setwinsize(40, 120)
    first.wait_text("RESIZED=120x40")

    second = ssh_clients(server.port, "grace")
    second.wait_text("PID=")
    first.send("crash\r")
    first.wait_text("ended unexpectedly (status 70)")
    assert first.wait_exit() == 70
    second.send("hello\r")
    second.wait_text("GOT=hello")
    second.send("exit 0\r")
    assert second.wait_exit() == 0


def test_idle_sessions_are_closed_with_a_message(start_server: Callable[..., Server],
                                                 ssh_clients: Callable[..., SSH]) -> None:
    server = start_server("--open", "--idle-minutes", "0.03")
    client = ssh_clients(server.port, "heidi")
    client.wait_text("ALPHA")
    client.wait_text("without a key press", timeout=30)
    assert client.wait_exit() == 0
    server.wait_for(r"'heidi' idle")


def test_class_full_and_failed_login_limits(start_server: Callable[..., Server],
                                            ssh_clients: Callable[..., SSH]) -> None:
    server = start_server("--class-code", CODE, "--max-sessions", "1",
                          "--max-failed-logins", "2")
    first = ssh_clients(server.port, "ivan")
    first.login(CODE)
    first.wait_text("ALPHA")
    second = ssh_clients(server.port, "judy")
    second.login(CODE)
    assert second.wait_exit() == 1
    assert "The class is full" in second.output()

    for _ in range(2):
        wrong = ssh_clients(server.port, "mallory", "-o", "NumberOfPasswordPrompts=1")
        wrong.login("guess")
        wrong.wait_exit()
    shut_out = ssh_clients(server.port, "judy")
    assert shut_out.wait_exit() == 255
    assert "Too many failed logins" in shut_out.output()


def test_host_key_is_made_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "serve" / "key"
    first = load_or_create_host_key(path)
    second = load_or_create_host_key(path)
    assert first.get_fingerprint() == second.get_fingerprint()
    assert first.algorithm == b"ssh-ed25519"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_each_student_has_a_data_folder_of_their_own(tmp_path: Path) -> None:
    a, b = student_home(tmp_path, "Ann Lee"), student_home(tmp_path, "ann/lee")
    assert a != b and a.parent == b.parent == tmp_path
    assert "/" not in b.name and student_home(tmp_path, "\x1b[2J").name.isprintable()
    assert student_home(tmp_path, "...").name.startswith("student-")


def test_without_a_pinned_scenario_students_pick_one(start_server: Callable[..., Server],
                                                     tmp_path: Path,
                                                     ssh_clients: Callable[..., SSH]) -> None:
    library = tmp_path / "library"
    library.mkdir()
    (library / "a.toml").write_text(SCENARIO.read_text())
    (library / "b.toml").write_text(SCENARIO.read_text().replace('id = "serve-test"',
                                                                 'id = "other-test"')
                                    .replace('title = "Serve Test"', 'title = "Other Test"'))
    server = start_server("--open", "--scenarios", str(library), scenario=None)
    server.wait_for(r"each student picks from 2 scenarios")
    client = ssh_clients(server.port, "kim")
    client.wait_text("Choose a scenario")
    assert "Other Test" in client.text() and "Serve Test" in client.text()
    client.send("\r")
    client.wait_text("ALPHA")
    play_through(client, server, "kim", "1")
    with open_store(str(server.db)) as store:
        [play] = store.plays()
        assert play.scenario in ("serve-test", "other-test") and play.steps == 1
