"""Scenario files -> the model, with compiler-style diagnostics.

`load_scenario` is what players' tools call; `check_text`/`check_file` never raise and return
every diagnostic, for `trustsim check`. Nothing here raises anything but `ScenarioError`.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs
import tomli
from attrs import frozen

from trustsim.loader.diagnostics import (
    Codes,
    Diagnostic,
    ScenarioError,
    has_errors,
    sort_diagnostics,
)
from trustsim.loader.problems import Problems
from trustsim.loader.reachability import check_graph
from trustsim.loader.structure import read_document
from trustsim.model import Scenario

__all__ = [
    "CheckResult",
    "Diagnostic",
    "ScenarioError",
    "check_file",
    "check_text",
    "keep_checked",
    "load_scenario",
]

#: Files checked ahead of time by `keep_checked`: by path, with the (mtime, size, inode) they
#: had then.
_kept: dict[str, tuple[tuple[int, int, int], CheckResult]] = {}


@frozen
class CheckResult:
    """A checked file: the scenario when it has no errors, and every diagnostic found."""

    file: str
    scenario: Scenario | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return self.scenario is not None

    def first_error(self) -> Diagnostic | None:
        return next((d for d in self.diagnostics if d.is_error), None)


def check_text(text: str, file: str = "<scenario>", path: Path | None = None) -> CheckResult:
    with _collector_paused():
        return _check_text(text, file, path)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    # Loading builds a large tree of objects that holds no reference cycles: the cyclic
    # garbage collector would only walk it again and again (a third of the time on big files).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _check_text(text: str, file: str, path: Path | None) -> CheckResult:
    problems = Problems()
    try:
        document = tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        message = error.msg[:1].lower() + error.msg[1:]
        return _failed(file, Diagnostic(file, error.lineno, error.colno, Codes.TOML_SYNTAX,
                                        f"invalid TOML: {message}"))
    except RecursionError:
        return _failed(file, Diagnostic(file, 1, 1, Codes.TOML_SYNTAX,
                                        "invalid TOML: arrays or tables nested too deeply"))
    scenario = read_document(document, problems)
    if scenario is not None:
        check_graph(scenario, problems)
    diagnostics = sort_diagnostics(problems.to_diagnostics(file, text))
    if scenario is None or has_errors(diagnostics):
        return CheckResult(file, None, tuple(diagnostics))
    return CheckResult(file, attrs.evolve(scenario, path=path), tuple(diagnostics))


def keep_checked(paths: Iterable[Path | str]) -> None:
    """Checks these files now, and has `check_file` answer with that result for as long as a
    file is unchanged. For a process that forks workers (the classroom server): every
    student's process then shares the class's scenarios instead of reading and checking the
    same files again, a tenth of its start-up."""
    for path in map(Path, paths):
        signature = _signature(path)
        if signature is not None:
            _kept[str(path)] = (signature, _check_file(path))


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def check_file(path: Path | str) -> CheckResult:
    path = Path(path)
    if _kept:
        kept = _kept.get(str(path))
        if kept is not None and kept[0] == _signature(path):
            return kept[1]
    return _check_file(path)


def _check_file(path: Path) -> CheckResult:
    file = str(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        return _failed(file, Diagnostic(file, 1, 1, Codes.UNREADABLE, "is a folder, not a file"))
    except OSError as error:
        reason = error.strerror or str(error)
        return _failed(file, Diagnostic(file, 1, 1, Codes.UNREADABLE,
                                        f"cannot read the file: {reason.lower()}"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return _failed(file, Diagnostic(file, line, column, Codes.UNREADABLE,
                                        "the file is not valid UTF-8",
                                        "save it with UTF-8 encoding"))
    return check_text(text, file, path)


def load_scenario(path: Path | str) -> Scenario:
    """The scenario at `path`, or `ScenarioError` with every diagnostic."""
    result = check_file(path)
    if result.scenario is None:
        raise ScenarioError(result.diagnostics)
    return result.scenario


def _failed(file: str, diagnostic: Diagnostic) -> CheckResult:
    return CheckResult(file, None, (diagnostic,))
