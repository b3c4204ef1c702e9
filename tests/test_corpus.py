"""A peer's corpus: the 499 documents that toml-test lists as invalid TOML 1.0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from trustsim.loader import check_file

CORPUS = Path(__file__).parent / "corpus" / "toml-test" / "invalid"
FILES = sorted(CORPUS.rglob("*.toml"))


def test_the_corpus_is_all_there() -> None:
    assert len(FILES) == 499


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES])
def test_each_invalid_document_is_an_error_with_a_line(path: Path) -> None:
    result = check_file(path)
    assert not result.ok
    error = result.first_error()
    assert error is not None
    assert error.file == str(path)
    assert error.line >= 1 and error.column >= 1
    assert "\n" not in error.render()


def test_check_over_the_whole_corpus_exits_1_without_a_traceback() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "trustsim.cli", "check", str(CORPUS)],
        capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=120,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    named = {line.split(":", 1)[0] for line in run.stdout.splitlines()}
    assert named == {str(p) for p in FILES}
    for line in run.stdout.splitlines():
        _, line_no, column, rest = line.split(":", 3)
        assert line_no.isdigit() and column.isdigit(), line
        assert rest.startswith(" error[") or rest.startswith(" warning["), line
