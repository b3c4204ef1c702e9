"""`trustsim play` on the example scenario against a minimal Textual app (a Label and an
OptionList), both started in a real pseudo-terminal (TERM=xterm, 80x24) in the same run:
time from process start to the first frame on screen, and resident memory after it.

Goal (issue 4): at most 1.3x the minimal app's time to first frame, and at most 1.3x its RSS.
A frame counts as drawn when its last line (the footer; the last option) is on the emulated
screen, so both apps are measured the same way.

Both apps start with their bytecode cached, as an installed program does from its second run
on: the children share a bytecode cache in the run's temporary folder (PYTHONPYCACHEPREFIX),
filled by one untimed start of each. (With PYTHONDONTWRITEBYTECODE set and no cache, every
start would compile trustsim's own modules afresh, while Textual's come precompiled from its
wheel: a cost no installed trustsim pays.)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPEATS = 7
SIZE = (24, 80)
EXAMPLE = Path(__file__).resolve().parent.parent / "scenarios" / "missed-anniversary.toml"

MINIMAL_APP = '''
from textual.app import App, ComposeResult
from textual.widgets import Label, OptionList


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("A minimal Textual app")
        yield OptionList("First option", "Second option", "Last option")


Minimal().run()
'''


def first_frame(argv: list[str], marker: str, home: str,
                pycache: str) -> tuple[float, int, float]:
    """Seconds from spawn until `marker` is on screen, the child's RSS (KiB) then, and the
    CPU seconds it had used (less disturbed than wall time on a busy machine)."""
    import pexpect
    import pyte

    screen = pyte.Screen(SIZE[1], SIZE[0])
    stream = pyte.ByteStream(screen)
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "COLORTERM")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(TERM="xterm", TRUSTSIM_HOME=home, LANG="C.UTF-8", PYTHONPYCACHEPREFIX=pycache)
    start = time.perf_counter()
    child = pexpect.spawn(argv[0], argv[1:], dimensions=SIZE, env=env)
    child.delaybeforesend = None
    try:
        while True:
            try:
                stream.feed(child.read_nonblocking(65536, timeout=10))
            except pexpect.TIMEOUT:
                raise RuntimeError(f"{argv}: no frame after 10 s") from None
            if any(marker in line for line in screen.display):
                elapsed = time.perf_counter() - start
                return elapsed, rss_kib(child.pid), cpu_seconds(child.pid)
    finally:
        child.close(force=True)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    # schedstat's first field is the time spent on a CPU in nanoseconds (stat's utime and
    # stime come in 10 ms ticks, too coarse for a ratio of two ~200 ms figures).
    with open(f"/proc/{pid}/schedstat", encoding="ascii") as schedstat:
        return int(schedstat.read().split()[0]) / 1e9


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.bench_tui [REPEATS]`: more repeats steady the medians on a busy
    machine."""
    args = sys.argv[1:] if argv is None and __name__ == "__main__" else (argv or [])
    repeats = int(args[0]) if args else REPEATS
    trustsim = Path(sys.executable).parent / "trustsim"
    if not EXAMPLE.exists() or not trustsim.exists():
        print("bench_tui: needs the installed trustsim and scenarios/missed-anniversary.toml")
        return
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "minimal_app.py"
        script.write_text(MINIMAL_APP, encoding="utf-8")
        pycache = str(Path(folder) / "pycache")
        apps = {"minimal": ([sys.executable, str(script)], "Last option"),
                "trustsim": ([str(trustsim), "play", str(EXAMPLE)], "palette")}
        for app_argv, marker in apps.values():
            first_frame(app_argv, marker, folder, pycache)  # fills the bytecode cache
        runs: dict[str, list[tuple[float, int, float]]] = {name: [] for name in apps}
        # Interleaved, so a burst of load elsewhere on the machine hits both alike.
        for _ in range(repeats):
            for name, (app_argv, marker) in apps.items():
                runs[name].append(first_frame(app_argv, marker, folder, pycache))
    print(f"TUI first frame in a PTY (TERM=xterm, 80x24), median of {repeats}; "
          "goal: ratios <= 1.3")
    print(f"{'app':>10} {'first frame':>12} {'RSS':>9} {'CPU to frame':>13}")
    medians = {}
    for name, values in runs.items():
        seconds = statistics.median(v[0] for v in values)
        rss = statistics.median(v[1] for v in values)
        cpu = statistics.median(v[2] for v in values)
        medians[name] = (seconds, rss, cpu)
        print(f"{name:>10} {seconds * 1000:>9.0f} ms {rss / 1024:>6.1f} MB "
              f"{cpu * 1000:>10.0f} ms")
    (base_s, base_rss, base_cpu) = medians["minimal"]
    (ours_s, ours_rss, ours_cpu) = medians["trustsim"]
    print(f"{'ratio':>10} {ours_s / base_s:>11.2f}x {ours_rss / base_rss:>8.2f}x "
          f"{ours_cpu / base_cpu:>12.2f}x")


if __name__ == "__main__":
    main()
