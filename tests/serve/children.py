"""Tiny session programs for the session-starter tests: run in children forked by the zygote."""

from __future__ import annotations

import os
import signal
import sys
import time


def echo(argv: list[str]) -> int:
    """Says what it was given, then obeys lines: `exit N`, `crash`, `hang`, anything else is
    echoed back. Prints the new size on every SIGWINCH."""

    def size() -> str:
        columns, rows = os.get_terminal_size(0)
        return f"{columns}x{rows}"

    signal.signal(signal.SIGWINCH, lambda *_: print(f"RESIZED={size()}", flush=True))
    controlling = os.tcgetpgrp(0) == os.getpgrp()
    print(f"ARGV={' '.join(argv)} TERM={os.environ.get('TERM')} SIZE={size()} "
          f"CTTY={'yes' if controlling else 'no'} COLUMNS={os.environ.get('COLUMNS')} "
          f"PID={os.getpid()}", flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command.startswith("exit"):
            return int(command.split()[1])
        if command == "crash":
            raise RuntimeError("boom")
        if command == "hang":
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
            print("HANGING", flush=True)
            while True:
                time.sleep(1)
        print(f"GOT={command}", flush=True)
    return 0
