"""Finding the scenario a command names: a file path, or an id in the library folders."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from trustsim.commands import CommandError

if TYPE_CHECKING:
    # The model pulls in attrs, the condition language and scoring: too much for `--help`.
    from trustsim.model import Scenario


def resolve_scenario(name: str) -> Scenario:
    from trustsim.loader import ScenarioError, load_scenario

    path = Path(name)
    if path.suffix == ".toml" or path.exists() or os.sep in name:
        if not path.exists():
            raise CommandError(f"{name}: no such file")
        try:
            return load_scenario(path)
        except ScenarioError as error:
            count = sum(d.is_error for d in error.diagnostics)
            more = f" (and {count - 1} more; run `trustsim check {name}`)" if count > 1 else ""
            raise CommandError(f"{error}{more}") from None
    # Imported here: a scenario named by its file (the common start) needs no library.
    from trustsim.loader.library import load_library
    from trustsim.paths import library_folders

    folders = [f for f in library_folders() if f.is_dir()]
    found = load_library(folders).find(name)
    if found is None:
        raise CommandError(f'no scenario with id "{name}" in {", ".join(map(str, folders))}')
    return found
