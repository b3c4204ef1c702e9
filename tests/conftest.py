"""Every test runs with its own player data folder (TRUSTSIM_HOME), so no test sees
another's saves and none touches the real one."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("TRUSTSIM_HOME", str(folder))
    return folder
