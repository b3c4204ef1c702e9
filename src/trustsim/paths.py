"""Where trustsim keeps things: the bundled scenarios and the player's own folders."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "trustsim"


def bundled_scenarios() -> Path:
    return Path(__file__).resolve().parent / "scenarios"


def data_dir() -> Path:
    """The player's data folder; `TRUSTSIM_HOME` moves it (tests, classrooms, portable use)."""
    override = os.environ.get("TRUSTSIM_HOME")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_scenarios() -> Path:
    return data_dir() / "scenarios"


def saves_dir() -> Path:
    return data_dir() / "saves"


def library_folders() -> list[Path]:
    """The folders the app lists scenarios from: bundled first, then the player's own."""
    return [bundled_scenarios(), user_scenarios()]
