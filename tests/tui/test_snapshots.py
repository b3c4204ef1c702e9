"""Snapshots of every screen at 80x24 and 120x40 (pytest-textual-snapshot).

Deterministic by construction: test-owned scenarios (not the bundled example, which its
author keeps improving), a fixed player folder path (the library shows it), a fixed theme,
no cursor blink and no clock anywhere on screen. After an intended change of the screens,
review and accept with `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tui_support import BROKEN, MARKUP, MINIMAL, TESTS, load

from trustsim.engine import Session
from trustsim.saves import SaveStore
from trustsim.tui.app import Launch, TrustsimApp

SHORT = TESTS / "tui" / "scenarios" / "short.toml"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
#: Shown on the library screen, so it must be the same path on every run and machine.
FIXED_HOME = Path("/tmp/trustsim-snapshots")

Compare = Callable[..., bool]


@pytest.fixture
def fixed_home(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    name = request.node.name.replace("[", "-").replace("]", "")
    home = FIXED_HOME / name
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    monkeypatch.setenv("TRUSTSIM_HOME", str(home))
    yield home
    shutil.rmtree(home, ignore_errors=True)


def app(path: Path | None = None, **launch: Any) -> TrustsimApp:
    scenario = load(path) if path is not None else None
    return TrustsimApp(Launch(scenario=scenario, cursor_blink=False, theme="textual-dark",
                              **launch))


@pytest.mark.parametrize("size", SIZES)
def test_library(snap_compare: Compare, fixed_home: Path, size: tuple[int, int]) -> None:
    bundled, yours = fixed_home / "bundled", fixed_home / "scenarios"
    bundled.mkdir()
    yours.mkdir()
    shutil.copy(SHORT, bundled)
    shutil.copy(MINIMAL, bundled)
    shutil.copy(MARKUP, yours)
    shutil.copy(BROKEN, yours)
    # A best result and an unfinished play, as the library reports them.
    session = Session(load(SHORT))
    session.choose(1)
    session.choose(1)
    SaveStore().finish(session)
    SaveStore().save_play(Session(load(MINIMAL)), "coach")
    library = app(folders=((bundled, "bundled"), (yours, "yours")))
    assert snap_compare(library, terminal_size=size, press=["down"])


@pytest.mark.parametrize("size", SIZES)
def test_intro(snap_compare: Compare, fixed_home: Path, size: tuple[int, int]) -> None:
    assert snap_compare(app(SHORT), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_play_coach(snap_compare: Compare, fixed_home: Path, size: tuple[int, int]) -> None:
    assert snap_compare(app(SHORT), terminal_size=size, press=["s", "1"])


@pytest.mark.parametrize("size", SIZES)
def test_play_assess(snap_compare: Compare, fixed_home: Path, size: tuple[int, int]) -> None:
    assert snap_compare(app(SHORT, mode="assess"), terminal_size=size,
                        press=["s", "2", "space"])


@pytest.mark.parametrize("size", SIZES)
def test_debrief(snap_compare: Compare, fixed_home: Path, size: tuple[int, int]) -> None:
    assert snap_compare(app(SHORT), terminal_size=size,
                        press=["s", "2", "space", "2", "space", "enter"])


def test_play_light_theme(snap_compare: Compare, fixed_home: Path) -> None:
    light = TrustsimApp(Launch(scenario=load(SHORT), cursor_blink=False, theme="textual-light"))
    assert snap_compare(light, terminal_size=(80, 24), press=["s", "1"])


def test_confirm_quit(snap_compare: Compare, fixed_home: Path) -> None:
    assert snap_compare(app(SHORT), terminal_size=(80, 24), press=["s", "q"])
