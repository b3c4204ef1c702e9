"""Fixtures for the classroom tests: a data folder of their own, a real PostgreSQL server, a
`trustsim serve` process on a free loopback port, and a real OpenSSH client with a screen."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "scenarios" / "serve-test.toml"
POSTGRES_ENV = "TRUSTSIM_TEST_POSTGRES"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder (results store, host key, saves)."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("TRUSTSIM_HOME", str(folder))
    from trustsim.store import classroom

    classroom._stores.clear()
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- PostgreSQL ---------------------------------------------------------------------------------


def _postgres_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(versions[-1]) if versions else None


class _LocalPostgres:
    """A throwaway PostgreSQL server on loopback, for a test session without one."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.pg_ctl = _postgres_binary("pg_ctl")
        initdb = _postgres_binary("initdb")
        if self.pg_ctl is None or initdb is None:
            raise RuntimeError("initdb/pg_ctl not found")
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: run it as an ordinary account.
            user = "postgres" if _user_exists("postgres") else "nobody"
            shutil.chown(folder, user)
            os.chmod(folder, 0o755)
            self.prefix = ["runuser", "-u", user, "--"]
        subprocess.run([*self.prefix, initdb, "-D", str(self.data), "-A", "trust",
                        "-U", "trustsim", "-E", "UTF8", "--no-sync"],
                       check=True, capture_output=True, timeout=120)
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {folder} -c fsync=off "
                   "-c max_connections=300 -c full_page_writes=off")
        subprocess.run([*self.prefix, self.pg_ctl, "-D", str(self.data), "-o", options,
                        "-l", str(folder / "log"), "-w", "-t", "60", "start"],
                       check=True, capture_output=True, timeout=120)
        self.url = f"postgresql://trustsim@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run([*self.prefix, str(self.pg_ctl), "-D", str(self.data), "-m", "immediate",
                        "stop"], capture_output=True, timeout=60)


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL server's URL: the one `.ci/run` started, or one started here."""
    url = os.environ.get(POSTGRES_ENV)
    if url:
        yield url
        return
    if _postgres_binary("initdb") is None:
        pytest.skip(f"PostgreSQL tests need a server: set {POSTGRES_ENV} (as .ci/run does) "
                    "or install PostgreSQL (initdb/pg_ctl)")
    folder = Path(tempfile_dir()) / f"trustsim-pg-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    try:
        server = _LocalPostgres(folder)
    except (RuntimeError, subprocess.SubprocessError, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        pytest.skip(f"could not start PostgreSQL for the tests: {error} "
                    f"{detail.decode(errors='replace')[:300]}")
    try:
        yield server.url
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def tempfile_dir() -> str:
    import tempfile

    return tempfile.gettempdir()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A schema of this test's own on the shared server, as a URL."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in postgres_server else "?"
    yield f"{postgres_server}{separator}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(postgres_server, autocommit=True) as db:
        db.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs against both backends."""
    if request.param == "sqlite":
        return str(tmp_path / "results.sqlite3")
    return str(request.getfixturevalue("postgres_url"))


# -- the server ---------------------------------------------------------------------------------


class Server:
    """A `trustsim serve` process, and what it printed."""

    def __init__(self, args: list[str], home: Path, env: dict[str, str] | None = None) -> None:
        self.home = home
        self.lines: list[str] = []
        self.db = home / "classroom.sqlite3"
        environment = {**os.environ, "TRUSTSIM_HOME": str(home), **(env or {})}
        command = [sys.executable, "-c", "import sys; from trustsim.cli import main; "
                   "sys.exit(main())", "serve", "--host", "127.0.0.1", "--port", "0", *args]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, env=environment)
        self._seen = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        line = self.wait_for(r"listening on 127\.0\.0\.1:(\d+)", timeout=60)
        self.port = int(re.search(r":(\d+)", line).group(1))  # type: ignore[union-attr]
        fingerprint = self.wait_for(r"host key\s+(SHA256:\S+)")
        self.fingerprint = fingerprint.split()[2]

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._seen:
                self.lines.append(line.rstrip("\n"))
                self._seen.notify_all()

    def wait_for(self, pattern: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        compiled = re.compile(pattern)
        with self._seen:
            while True:
                for line in self.lines:
                    if compiled.search(line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(f"server never printed {pattern!r}:\n"
                                         + "\n".join(self.lines))
                self._seen.wait(min(left, 0.2))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(5)


def launch(home: Path, *args: str, scenario: Path | None = SCENARIO,
           env: dict[str, str] | None = None) -> Server:
    """`trustsim serve` on a free loopback port, with its own data folder."""
    home.mkdir(parents=True, exist_ok=True)
    extra = ["--scenario", str(scenario)] if scenario is not None else []
    return Server([*extra, *args], home, env)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(*args: str, **kwargs: object) -> Server:
        server = launch(tmp_path / f"server{len(servers)}", *args, **kwargs)  # type: ignore[arg-type]
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def results(server: Server, student: str) -> tuple[int, int, bool]:
    """(attempts, choices in the latest, finished?) for a student, read from the store."""
    from trustsim.store import open_store

    with open_store(str(server.db)) as store:
        plays = [p for p in store.plays() if p.student == student]
    if not plays:
        return (0, 0, False)
    latest = plays[-1]
    return (len(plays), latest.steps, latest.finished)


# -- a real OpenSSH client with a screen --------------------------------------------------------


class SSH:
    """OpenSSH's `ssh` in a pseudo-terminal (pexpect), its output kept on a pyte screen."""

    def __init__(self, port: int, user: str, *options: str, command: list[str] | None = None,
                 size: tuple[int, int] = (100, 30)) -> None:
        import pexpect
        import pyte

        self.columns, self.rows = size
        self.screen = pyte.Screen(*size)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.eof = False
        argv = ["-p", str(port), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "BatchMode=no", "-F", "/dev/null", *options, f"{user}@127.0.0.1",
                *(command or [])]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm-256color",
               "HOME": os.environ.get("HOME", "/tmp")}
        self.child = pexpect.spawn("ssh", argv, dimensions=(self.rows, self.columns), env=env)
        self.child.delaybeforesend = None

    def pump(self, seconds: float = 0.0) -> None:
        import pexpect

        deadline = time.monotonic() + seconds
        while not self.eof:
            try:
                data = self.child.read_nonblocking(65536, timeout=0.05)
            except pexpect.TIMEOUT:
                if time.monotonic() >= deadline:
                    return
                continue
            except pexpect.EOF:
                self.eof = True
                return
            self.raw += data
            self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def output(self) -> str:
        return self.raw.decode("utf-8", "replace")

    def wait_text(self, needle: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text() and needle not in self.output():
            if self.eof or time.monotonic() > deadline:
                raise AssertionError(f"never saw {needle!r}; screen:\n{self.text()}\n"
                                     f"output: {self.output()[-2000:]!r}")
            self.pump(0.05)

    def login(self, password: str) -> None:
        deadline = time.monotonic() + 20
        while "password:" not in self.output():
            if self.eof or time.monotonic() > deadline:
                raise AssertionError(f"no password prompt: {self.output()!r}")
            self.pump(0.05)
        self.raw.clear()
        self.child.sendline(password)

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def wait_exit(self, timeout: float = 20) -> int | None:
        deadline = time.monotonic() + timeout
        while not self.eof and time.monotonic() < deadline:
            self.pump(0.1)
        self.child.close()
        return self.child.exitstatus

    def kill(self) -> None:
        """The connection drops: the client dies without a goodbye."""
        import signal

        self.child.kill(signal.SIGKILL)
        self.child.close(force=True)


@pytest.fixture
def ssh_clients() -> Iterator[Callable[..., SSH]]:
    if shutil.which("ssh") is None:
        pytest.skip("the OpenSSH client (ssh) is not installed")
    clients: list[SSH] = []

    def connect(*args: object, **kwargs: object) -> SSH:
        client = SSH(*args, **kwargs)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield connect
    for client in clients:
        if client.child.isalive():
            client.child.close(force=True)


@pytest.fixture
def client_key(tmp_path: Path) -> Path:
    """An ed25519 key pair for the client, made with ssh-keygen."""
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    key = tmp_path / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "student",
                    "-f", str(key)], check=True, timeout=30)
    return key


def wait_until(condition: Callable[[], object], timeout: float = 20,
               message: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(0.05)
