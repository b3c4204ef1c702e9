"""One bad file per diagnostic: each marks the lines it expects with `#~ CODE`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from trustsim.loader import check_file, check_text
from trustsim.loader.diagnostics import Codes
from trustsim.loader.library import load_library

HERE = Path(__file__).parent
BAD = sorted((HERE / "scenarios" / "bad").glob("*.toml"))
MARKER = re.compile(r"#~\s*([EW]\d{3})")


def expected_markers(path: Path) -> set[tuple[int, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {(n, m.group(1)) for n, line in enumerate(lines, start=1)
            for m in MARKER.finditer(line)}


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_file_reports_exactly_its_marked_diagnostics(path: Path) -> None:
    result = check_file(path)
    found = {(d.line, d.code.id) for d in result.diagnostics}
    assert found == expected_markers(path), [d.render() for d in result.diagnostics]


def test_every_diagnostic_code_has_a_bad_file() -> None:
    covered = {code for path in BAD for _, code in expected_markers(path)}
    # Codes proven by their own tests below rather than by a marked file.
    covered |= {"E002", "E050", "E060"}
    assert {c.id for c in Codes.all()} <= covered


def test_minimal_scenario_is_clean() -> None:
    result = check_file(HERE / "scenarios" / "minimal.toml")
    assert result.ok
    assert result.diagnostics == ()


def test_diagnostics_render_compiler_style() -> None:
    result = check_file(HERE / "scenarios" / "bad" / "unknown-node.toml")
    [diagnostic] = result.diagnostics
    assert diagnostic.render() == (
        f'{HERE / "scenarios" / "bad" / "unknown-node.toml"}:14:1: error[E030]: '
        'goes to unknown node "ned" (did you mean "end"?)'
    )


def test_unknown_condition_name_points_inside_the_condition() -> None:
    result = check_file(HERE / "scenarios" / "bad" / "unknown-name.toml")
    [diagnostic] = result.diagnostics
    assert (diagnostic.line, diagnostic.column) == (14, 7)
    assert diagnostic.hint == 'did you mean "trust"?'


def test_unknown_flag_suggests_a_flag_that_is_set() -> None:
    [diagnostic] = check_file(HERE / "scenarios" / "bad" / "unknown-flag.toml").diagnostics
    assert diagnostic.hint == 'did you mean "flag.owned_it"?'


def test_all_problems_in_a_file_are_reported_in_one_run() -> None:
    text = (HERE / "scenarios" / "minimal.toml").read_text()
    text = text.replace('goto = "pause"', 'goto = "paws"').replace('["excuse"]', '["excuses"]')
    text = text.replace("minutes = 2", 'minutes = "two"')
    codes = sorted(d.code.id for d in check_text(text).diagnostics)
    assert codes == ["E013", "E030", "E030", "E031"]


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'format = 1\ntitle = "caf\xe9"\n')
    [diagnostic] = check_file(path).diagnostics
    assert (diagnostic.code.id, diagnostic.line, diagnostic.column) == ("E002", 2, 13)


def test_missing_file(tmp_path: Path) -> None:
    [diagnostic] = check_file(tmp_path / "nowhere.toml").diagnostics
    assert diagnostic.code.id == "E002"
    assert "no such file" in diagnostic.message


def test_duplicate_ids_in_a_library(tmp_path: Path) -> None:
    text = (HERE / "scenarios" / "minimal.toml").read_text()
    (tmp_path / "a.toml").write_text(text)
    (tmp_path / "b.toml").write_text("# the same scenario again\n" + text)
    library = load_library([tmp_path])
    [diagnostic] = library.diagnostics
    assert (diagnostic.code.id, diagnostic.file, diagnostic.line) == (
        "E050", str(tmp_path / "b.toml"), 3)
    assert [s.id for s in library.scenarios] == ["minimal"]


def test_json_form_has_the_spec_keys() -> None:
    [diagnostic] = check_file(HERE / "scenarios" / "bad" / "unknown-tag.toml").diagnostics
    data = json.loads(json.dumps(diagnostic.to_json()))
    assert {"file", "line", "column", "severity", "code", "message"} <= set(data)
    assert data["severity"] == "error"
