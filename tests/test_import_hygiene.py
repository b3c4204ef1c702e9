"""The core loads no UI or network library: `check` and `run` start fast, and the core stays
reusable outside the terminal app."""

from __future__ import annotations

import json
import subprocess
import sys

CORE = [
    "trustsim.model", "trustsim.conditions", "trustsim.loader", "trustsim.loader.library",
    "trustsim.engine", "trustsim.scoring", "trustsim.serialize", "trustsim.cli",
]
FORBIDDEN = ("textual", "rich", "asyncssh", "psycopg", "pexpect", "curses", "socket",
             "ssl", "http", "urllib3", "requests", "asyncio")


def test_core_imports_no_ui_or_network_library() -> None:
    program = (
        "import importlib, json, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         check=True)
    loaded = json.loads(run.stdout)
    offenders = [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert offenders == []
