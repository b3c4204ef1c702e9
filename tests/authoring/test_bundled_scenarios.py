"""Every bundled scenario's own `[[tests]]` and `[[invariants]]` hold (so `make test` runs
them), its invariants checked over every play where the state space allows."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustsim.authoring.scenario_tests import check_invariants, run_tests
from trustsim.loader import check_file

HERE = Path(__file__).parent.parent
LIBRARY = HERE.parent / "scenarios"
FILES = [HERE / "scenarios" / "minimal.toml", *sorted(LIBRARY.glob("*.toml"))]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_scenario_tests_and_invariants_hold(path: Path) -> None:
    result = check_file(path)
    assert result.scenario is not None, [d.render() for d in result.diagnostics]
    assert [f.message for f in run_tests(result.scenario)] == []
    failures, _ = check_invariants(result.scenario)
    assert [f.message for f in failures] == []
