"""Scenarios checked ahead of time (the classroom server's, before it forks a process per
student) are reused only while their file is unchanged."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import trustsim.loader
from trustsim.loader import check_file, keep_checked, load_scenario

MINIMAL = Path(__file__).parent / "scenarios" / "minimal.toml"


@pytest.fixture(autouse=True)
def nothing_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trustsim.loader, "_kept", {})


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "minimal.toml"
    shutil.copyfile(MINIMAL, path)
    return path


def test_a_kept_file_is_not_read_again(scenario_file: Path) -> None:
    keep_checked([str(scenario_file)])
    first = check_file(scenario_file)
    assert check_file(str(scenario_file)) is first
    assert load_scenario(scenario_file) is first.scenario


def test_an_edited_file_is_checked_again(scenario_file: Path) -> None:
    keep_checked([scenario_file])
    before = load_scenario(scenario_file)
    text = scenario_file.read_text(encoding="utf-8")
    scenario_file.write_text(text.replace(f'title = "{before.title}"', 'title = "Edited"'),
                             encoding="utf-8")
    assert load_scenario(scenario_file).title == "Edited"


def test_a_file_rewritten_to_the_same_size_is_checked_again(scenario_file: Path) -> None:
    keep_checked([scenario_file])
    before = load_scenario(scenario_file)
    stat = scenario_file.stat()
    text = scenario_file.read_text(encoding="utf-8")
    same_size = "X" * len(before.title)
    scenario_file.write_text(text.replace(f'title = "{before.title}"', f'title = "{same_size}"'),
                             encoding="utf-8")
    assert scenario_file.stat().st_size == stat.st_size
    # The same size, but a later modification time.
    os.utime(scenario_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert load_scenario(scenario_file).title == same_size


def test_a_removed_file_is_reported_not_served_from_memory(scenario_file: Path) -> None:
    keep_checked([scenario_file])
    scenario_file.unlink()
    result = check_file(scenario_file)
    assert result.scenario is None
    assert "cannot read" in result.diagnostics[0].message


def test_a_broken_file_stays_broken(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("id = \n", encoding="utf-8")
    keep_checked([broken, tmp_path / "missing.toml"])
    assert check_file(broken).scenario is None
    assert check_file(tmp_path / "missing.toml").scenario is None
