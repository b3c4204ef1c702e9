"""`trustsim serve` under a class: 10, 30 and 60 students over SSH (asyncssh clients on
loopback), once all arriving at the same moment and once spread over 30 seconds, each playing
the bundled scenario to its end at a human pace.

Per level it prints: time to first screen (median, p95), keypress to updated screen (median,
p95), proportional memory (PSS) per session and in total, whether every result was stored,
and the CPU time per session of the student's process, of the server and of the bench's own
SSH client (on this machine too: a burst's first screens wait for all three). The baseline
is the same play in a local PTY with no SSH and no server, in the same run.

Goals (issue 7), at 60 students on a 2-core machine: p95 first screen under 2 s even when they
all arrive at once; p95 keypress-to-screen under 50 ms at their own pace; under 20 MiB PSS per
session; every result stored.

Run alone: `python -m bench.bench_serve [--levels 10,30,60] [--spread 30] [--think 1,4]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import asyncssh
from attrs import define, field

from trustsim.engine import Session
from trustsim.loader.library import load_library
from trustsim.paths import bundled_scenarios

SCENARIO_ID = "missed-anniversary"
#: On the first screen of the bundled scenario (its intro): what "drawn" means.
FIRST_SCREEN = b"Missed Anniversary"
CODE = "bench-class"
#: A key that has changed nothing on screen after this long is counted as missed.
KEY_TIMEOUT = 5.0
SIZE = (100, 30)


def the_scenario_path() -> tuple[Path, list[str]]:
    """The bundled scenario, and the keys that play it to an ending: the intro's start key
    (it has content notes), then always the first choice and "Continue"."""
    scenario = load_library([bundled_scenarios()]).find(SCENARIO_ID)
    assert scenario is not None and scenario.path is not None
    session = Session(scenario)
    keys = ["s"]
    while not session.is_over:
        session.choose(1)
        # The choice, then "Continue" past the partner's reaction.
        keys += ["1", " "]
    return scenario.path, keys


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    found = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) if found else 0


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


@define
class Memory:
    sessions: int = 0
    per_session_mib: float = 0.0
    sessions_mib: float = 0.0
    total_mib: float = 0.0


@define
class Cpu:
    """CPU seconds used so far by the students' processes (those ended and reaped), by the
    server, and by this bench's own SSH clients, which share the machine."""

    sessions: float = 0.0
    server: float = 0.0
    clients: float = 0.0

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(self.sessions - other.sessions, self.server - other.server,
                   self.clients - other.clients)

    def __truediv__(self, count: int) -> Cpu:
        return Cpu(self.sessions / count, self.server / count, self.clients / count)


def cpu_of(pid: int) -> tuple[float, float]:
    """(own, reaped children's) CPU seconds of a process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


@define
class Server:
    process: subprocess.Popen[str]
    port: int
    db: Path
    log: list[str] = field(factory=list)

    @property
    def zygote(self) -> int | None:
        found = children_of(self.process.pid)
        return found[0] if found else None

    def memory(self) -> Memory:
        zygote = self.zygote
        sessions = children_of(zygote) if zygote else []
        values = [pss_kib(pid) for pid in sessions]
        base = pss_kib(self.process.pid) + (pss_kib(zygote) if zygote else 0)
        total = sum(values)
        return Memory(len(values), total / len(values) / 1024 if values else 0.0,
                      total / 1024, (total + base) / 1024)

    def cpu(self, settle: bool = False) -> Cpu:
        """CPU used so far; `settle`: first wait (a while) for every student's process to end,
        so that all of them are counted."""
        zygote = self.zygote
        deadline = time.monotonic() + 10
        while settle and zygote and children_of(zygote) and time.monotonic() < deadline:
            time.sleep(0.1)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return Cpu(cpu_of(zygote)[1] if zygote else 0.0, cpu_of(self.process.pid)[0],
                   usage.ru_utime + usage.ru_stime)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(home: Path, scenario: Path) -> Server:
    env = {**os.environ, "TRUSTSIM_HOME": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from trustsim.cli import main; sys.exit(main())",
         "serve", "--host", "127.0.0.1", "--port", "0", "--class-code", CODE,
         "--scenario", str(scenario), "--max-sessions", "500"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if found:
            server = Server(process, int(found.group(1)), home / "classroom.sqlite3")

            def drain(log: list[str] = server.log) -> None:
                # Keep reading its log, so that it never blocks on a full pipe.
                for line in process.stdout or ():
                    log.append(line.rstrip("\n"))

            threading.Thread(target=drain, daemon=True).start()
            return server
    raise RuntimeError("the server did not start")


class Terminal(asyncssh.SSHClientSession[bytes]):
    def __init__(self) -> None:
        self.output = bytearray()
        self.arrived = asyncio.Event()

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self.output += data
        self.arrived.set()

    async def next_output(self) -> None:
        self.arrived.clear()
        await self.arrived.wait()


@define
class Outcome:
    first_screen: float | None = None
    keys: list[float] = field(factory=list)
    missed: int = 0
    error: str | None = None


async def student(port: int, name: str, keys: Sequence[str], delay: float,
                  think: tuple[float, float], rng: random.Random,
                  drawn: asyncio.Event | None = None) -> Outcome:
    outcome = Outcome()
    await asyncio.sleep(delay)
    loop = asyncio.get_running_loop()
    began = loop.time()
    stage = "connecting"
    terminal: Terminal | None = None
    try:
        async with asyncssh.connect("127.0.0.1", port, username=name, password=CODE,
                                    known_hosts=None, client_keys=None, agent_path=None,
                                    preferred_auth="password") as conn:
            stage = "opening a terminal"
            chan, session = await conn.create_session(
                Terminal, term_type="xterm-256color", term_size=SIZE, encoding=None)
            terminal = cast(Terminal, session)
            stage = "waiting for the first screen"
            while FIRST_SCREEN not in terminal.output:
                await asyncio.wait_for(terminal.next_output(), 60)
            outcome.first_screen = loop.time() - began
            if drawn is not None:
                drawn.set()
            stage = "playing"
            for key in keys:
                await asyncio.sleep(rng.uniform(*think))
                # The screen is still: the next output is the answer to this key.
                pressed = loop.time()
                waiting = asyncio.ensure_future(terminal.next_output())
                chan.write(key.encode())
                try:
                    await asyncio.wait_for(waiting, KEY_TIMEOUT)
                except TimeoutError:
                    outcome.missed += 1  # the key changed nothing on screen
                    continue
                outcome.keys.append(loop.time() - pressed)
            await asyncio.sleep(0.5)  # the last choice reaches the store
            chan.close()
    except (OSError, asyncssh.Error, TimeoutError) as error:
        outcome.error = f"{name} {stage}: {type(error).__name__}: {error}"
        if terminal is not None:
            outcome.error += f" (after {len(terminal.output)} bytes)"
    return outcome


def stored(db: Path, names: Sequence[str], steps: int) -> tuple[int, int]:
    """(complete results, students) for these names."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            f"SELECT student, steps, finished_at FROM plays WHERE student IN "
            f"({','.join('?' * len(names))})", list(names)).fetchall()
    complete = {name for name, count, done in rows if count == steps and done is not None}
    return len(complete), len(names)


async def run_level(server: Server, count: int, spread: float, keys: Sequence[str],
                    think: tuple[float, float], label: str) -> dict[str, object]:
    rng = random.Random(count * 1000 + int(spread))
    log_start = len(server.log)
    names = [f"{label}-{count}-{n:03d}" for n in range(count)]
    delays = [0.0] * count if spread == 0 else sorted(rng.uniform(0, spread)
                                                      for _ in range(count))
    drawn = [asyncio.Event() for _ in range(count)]
    peak = Memory()

    async def sample() -> None:
        nonlocal peak
        while True:
            memory = await asyncio.to_thread(server.memory)
            if memory.sessions >= peak.sessions:
                peak = memory
            await asyncio.sleep(0.5)

    if spread == 0:
        # Memory is read once, when every first screen is up: reading smaps of every process
        # while they start would itself load the machine the first screens are timed on.
        async def all_drawn() -> None:
            await asyncio.gather(*(event.wait() for event in drawn))
            nonlocal peak
            peak = await asyncio.to_thread(server.memory)

        sampler = asyncio.create_task(all_drawn())
    else:
        sampler = asyncio.create_task(sample())
    cpu_before = server.cpu()
    outcomes = await asyncio.gather(*(
        student(server.port, name, keys, delay, think, random.Random(rng.random()), event)
        for name, delay, event in zip(names, delays, drawn, strict=True)))
    sampler.cancel()
    cpu = server.cpu(settle=True) - cpu_before
    choices = sum(key.isdigit() for key in keys)
    complete, total = await asyncio.to_thread(stored, server.db, names, choices)
    firsts = [o.first_screen for o in outcomes if o.first_screen is not None]
    presses = [k for o in outcomes for k in o.keys]
    errors = [o.error for o in outcomes if o.error]
    missed = sum(o.missed for o in outcomes)
    if missed:
        errors.append(f"{missed} key presses changed nothing on screen within {KEY_TIMEOUT}s")
    problems = [line for line in server.log[log_start:]
                if re.search(r"could not|error|Traceback|store", line, re.I)]
    return {"firsts": firsts, "keys": presses, "memory": peak, "complete": complete,
            "total": total, "errors": errors, "problems": problems, "cpu": cpu / count}


async def baseline(scenario: Path, keys: Sequence[str], think: tuple[float, float],
                   home: Path) -> tuple[float, list[float], float]:
    """The same play in a local PTY: a fresh `trustsim play`, no SSH, no server."""
    loop = asyncio.get_running_loop()
    master, slave = os.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "TRUSTSIM_HOME": str(home / "baseline")}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    began = loop.time()
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from trustsim.cli import main; sys.exit(main())",
         "play", str(scenario)], stdin=slave, stdout=slave, stderr=slave, env=env,
        start_new_session=True)
    os.close(slave)
    output = bytearray()
    arrived = asyncio.Event()

    def readable() -> None:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b""
        if not data:
            loop.remove_reader(master)
        output.extend(data)
        arrived.set()

    loop.add_reader(master, readable)
    while FIRST_SCREEN not in output:
        arrived.clear()
        await asyncio.wait_for(arrived.wait(), 60)
    first = loop.time() - began
    presses = []
    rng = random.Random(7)
    for key in keys:
        await asyncio.sleep(rng.uniform(*think))
        arrived.clear()
        pressed = loop.time()
        os.write(master, key.encode())
        try:
            await asyncio.wait_for(arrived.wait(), KEY_TIMEOUT)
        except TimeoutError:
            continue
        presses.append(loop.time() - pressed)
    await asyncio.sleep(0.3)
    memory = pss_kib(process.pid) / 1024
    process.terminate()
    process.wait(10)
    loop.remove_reader(master)
    os.close(master)
    return first, presses, memory


def show(label: str, count: int, result: dict[str, object], base_key: float) -> None:
    firsts = result["firsts"]
    keys = result["keys"]
    memory = result["memory"]
    assert isinstance(firsts, list) and isinstance(keys, list) and isinstance(memory, Memory)
    key_median = statistics.median(keys) * 1000 if keys else float("nan")
    print(f"{count:>4} {label:>7} "
          f"{statistics.median(firsts) if firsts else float('nan'):>8.2f} "
          f"{percentile(firsts, 0.95):>7.2f} "
          f"{key_median:>8.1f} {percentile(keys, 0.95) * 1000:>7.1f} "
          f"{key_median / (base_key * 1000):>6.2f} "
          f"{memory.per_session_mib:>8.1f} {memory.total_mib:>8.1f} {memory.sessions:>5} "
          f"{result['complete']}/{result['total']}", flush=True)
    cpu = result["cpu"]
    assert isinstance(cpu, Cpu)
    print(f"     CPU per session: student's process {cpu.sessions * 1000:.0f} ms, server "
          f"{cpu.server * 1000:.0f} ms, this bench's SSH client {cpu.clients * 1000:.0f} ms")
    errors = result["errors"]
    assert isinstance(errors, list)
    for error in errors[:3]:
        print(f"     ! {error}")
    problems = result.get("problems")
    assert isinstance(problems, list)
    for line in problems[:5]:
        print(f"     server: {line}")


async def bench(levels: Sequence[int], spread: float, think: tuple[float, float],
                phases: Sequence[str] = ("burst", "spread")) -> None:
    scenario, keys = the_scenario_path()
    with tempfile.TemporaryDirectory(prefix="trustsim-bench-") as folder:
        home = Path(folder)
        first, presses, memory = await baseline(scenario, keys, think, home)
        base_key = statistics.median(presses)
        print(f"serve: {len(keys)} keys per play ({SCENARIO_ID}); think time "
              f"{think[0]}-{think[1]} s; spread phase over {spread:.0f} s")
        print(f"baseline, one local `trustsim play` in a PTY (no SSH): first screen "
              f"{first:.2f} s, keypress median {base_key * 1000:.1f} ms / p95 "
              f"{percentile(presses, 0.95) * 1000:.1f} ms, PSS {memory:.1f} MiB")
        print("goals at 60: first-screen p95 < 2 s (burst); keypress p95 < 50 ms (spread); "
              "< 20 MiB PSS per session; all stored")
        print(f"{'n':>4} {'arrive':>7} {'first/s':>8} {'p95':>7} {'key/ms':>8} {'p95':>7} "
              f"{'x base':>6} {'PSS/MiB':>8} {'all/MiB':>8} {'live':>5} stored")
        server = start_server(home, scenario)
        try:
            for count in levels:
                for label, over in (("burst", 0.0), ("spread", spread)):
                    if label not in phases:
                        continue
                    result = await run_level(server, count, over, keys, think, label)
                    show(label, count, result, base_key)
        finally:
            server.stop()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench_serve")
    parser.add_argument("--levels", default="10,30,60")
    parser.add_argument("--spread", type=float, default=30.0,
                        help="seconds the spread phase's arrivals are spread over")
    parser.add_argument("--phases", default="burst,spread",
                        help="which arrivals to run: burst, spread or both")
    parser.add_argument("--think", default="1,4",
                        help="a student's pause before each key, min,max seconds")
    args = parser.parse_args(list(argv or ()))
    levels = [int(n) for n in args.levels.split(",") if n]
    low, high = (float(v) for v in args.think.split(","))
    asyncio.run(bench(levels, args.spread, (low, high), args.phases.split(",")))


if __name__ == "__main__":
    main(sys.argv[1:])
