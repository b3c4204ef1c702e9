"""A library: every scenario file under some folders, each checked, ids unique across them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from attrs import frozen

from trustsim.loader import CheckResult, check_file
from trustsim.loader.diagnostics import Codes, Diagnostic
from trustsim.model import Scenario

SCENARIO_SUFFIX = ".toml"


@frozen
class Library:
    results: tuple[CheckResult, ...]
    #: Problems of the library as a whole (duplicate ids), beside each file's own.
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def scenarios(self) -> tuple[Scenario, ...]:
        duplicates = {d.file for d in self.diagnostics}
        return tuple(r.scenario for r in self.results
                     if r.scenario is not None and r.file not in duplicates)

    def all_diagnostics(self) -> list[Diagnostic]:
        found = [d for r in self.results for d in r.diagnostics]
        return found + list(self.diagnostics)

    def find(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)


def scenario_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, and every `.toml` file under the folders named, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob(f"*{SCENARIO_SUFFIX}") if p.is_file()))
        else:
            files.append(path)
    return files


def load_library(paths: Sequence[Path]) -> Library:
    results = tuple(check_file(f) for f in scenario_files(paths))
    return Library(results, tuple(_duplicate_ids(results)))


def _duplicate_ids(results: Iterable[CheckResult]) -> Iterable[Diagnostic]:
    first_file: dict[str, str] = {}
    for result in results:
        scenario = result.scenario
        if scenario is None:
            continue
        if scenario.id not in first_file:
            first_file[scenario.id] = result.file
            continue
        where = _position_of_id(result.file)
        yield Diagnostic(result.file, where[0], where[1], Codes.DUPLICATE_ID,
                         f'scenario id "{scenario.id}" is already used by '
                         f"{first_file[scenario.id]}", "give each scenario its own id")


def _position_of_id(file: str) -> tuple[int, int]:
    from trustsim.loader.positions import index_positions  # only for a duplicate id

    try:
        text = Path(file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError):
        return (1, 1)
    position = index_positions(text).key(("id",))
    return (position.line, position.column)
