"""The installed `trustsim` command in a real pseudo-terminal, read through a terminal emulator
(pyte): start, choose, resize mid-play, reach an ending, see the debrief, quit. TERM=xterm, so
the app draws with 16 colours as on a plain SSH login."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pexpect
import pyte
import pytest
from tui_support import ending_paths, example_path, load

TRUSTSIM = Path(sys.executable).parent / "trustsim"
EXAMPLE = example_path()

pytestmark = pytest.mark.skipif(not TRUSTSIM.exists(), reason="trustsim is not installed")


class Terminal:
    """A child process on a PTY, and what a terminal of that size would show."""

    def __init__(self, args: list[str], home: Path, rows: int = 24, cols: int = 80) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        env = {key: value for key, value in os.environ.items()
               if key not in ("COLUMNS", "LINES", "COLORTERM", "TEXTUAL")}
        env.update(TERM="xterm", TRUSTSIM_HOME=str(home), LANG="C.UTF-8")
        self.child = pexpect.spawn(str(TRUSTSIM), args, dimensions=(rows, cols), env=env)
        # Without this every send waits 50 ms.
        self.child.delaybeforesend = None

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                self.stream.feed(self.child.read_nonblocking(65536, timeout=0.05))
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                return

    def wait_for(self, text: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.text:
            if time.monotonic() > deadline or (not self.child.isalive() and text not in self.text):
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.text}")
            self.pump(0.05)

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def resize(self, rows: int, cols: int) -> None:
        self.screen.resize(rows, cols)
        self.child.setwinsize(rows, cols)


def test_play_in_a_real_terminal_with_a_resize(tmp_path: Path) -> None:
    ending, numbers = max(ending_paths(EXAMPLE).items(), key=lambda item: len(item[1]))
    scenario = load(EXAMPLE)
    title = scenario.nodes[ending].ending
    terminal = Terminal(["play", str(EXAMPLE)], tmp_path / "home")
    try:
        if scenario.content_notes:
            terminal.wait_for("Content notes")
            terminal.send("s")
        terminal.wait_for("1-9 Choose")
        for turn, number in enumerate(numbers, start=1):
            if turn == 3:
                terminal.resize(32, 110)
                # The wider layout shows the history pane beside the story.
                terminal.wait_for("What was said")
                assert len(terminal.screen.display[0]) == 110
            terminal.send(str(number))
            terminal.wait_for(f"after choice {turn}")
            terminal.send(" " if turn % 2 else "\r")
            terminal.wait_for("the end" if turn == len(numbers) else f"choice {turn + 1}")
        terminal.wait_for("See how it went")
        terminal.send("\r")
        terminal.wait_for(f"Ending: {title}")
        assert "Scores" in terminal.text
        terminal.send("q")
        terminal.wait_for("Quit trustsim?")
        terminal.send("y")
        terminal.child.expect(pexpect.EOF, timeout=30)
    finally:
        terminal.child.close(force=True)
    assert terminal.child.exitstatus == 0
    # Everything was written down as it happened.
    assert (tmp_path / "home" / "saves" / f"{scenario.id}.toml").exists()


def test_no_command_opens_the_library(tmp_path: Path) -> None:
    terminal = Terminal([], tmp_path / "home")
    try:
        terminal.wait_for("scenario library")
        terminal.wait_for(load(EXAMPLE).title if EXAMPLE.parent.name == "scenarios"
                          else "Your own scenarios")
        terminal.send("\x1b")
        terminal.child.expect(pexpect.EOF, timeout=30)
    finally:
        terminal.child.close(force=True)
    assert terminal.child.exitstatus == 0


def test_watch_reloads_the_file_in_a_real_terminal(tmp_path: Path) -> None:
    scenario = tmp_path / "short.toml"
    original = (Path(__file__).parent / "scenarios" / "short.toml").read_text(encoding="utf-8")
    scenario.write_text(original, encoding="utf-8")
    terminal = Terminal(["play", "--watch", str(scenario)], tmp_path / "home")
    try:
        terminal.wait_for("watching")
        terminal.send("1")
        terminal.wait_for("after choice 1")
        terminal.send(" ")
        terminal.wait_for("So what happens next time")
        scenario.write_text(original.replace("So what happens", "Then what happens"),
                            encoding="utf-8")
        terminal.wait_for("Then what happens next time")
        assert "choice 2" in terminal.text
        scenario.write_text(original.replace("[partner]", "[partner"), encoding="utf-8")
        terminal.wait_for("error[E001]")
        scenario.write_text(original, encoding="utf-8")
        terminal.wait_for("So what happens next time")
        terminal.pump(0.3)
        assert "error[E001]" not in terminal.text and "choice 2" in terminal.text
        terminal.send("q")
        terminal.wait_for("Quit trustsim?")
        terminal.send("y")
        terminal.child.expect(pexpect.EOF, timeout=30)
    finally:
        terminal.child.close(force=True)
    assert terminal.child.exitstatus == 0
