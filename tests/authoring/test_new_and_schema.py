"""`trustsim new` writes a scenario that checks clean; `trustsim schema` accepts every valid
scenario and rejects broken ones."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import tomli

from trustsim.authoring.scaffold import ScaffoldError, scaffold
from trustsim.authoring.schema import scenario_schema
from trustsim.cli import main
from trustsim.loader import check_text

HERE = Path(__file__).parent.parent
MINIMAL = HERE / "scenarios" / "minimal.toml"
BUNDLED = sorted((HERE.parent / "scenarios").glob("*.toml"))


def test_new_writes_a_scenario_that_checks_clean(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "my-scenario.toml"
    assert main(["new", "my-scenario", "-o", str(target), "--partner", 'Jo "J" \\ Smith',
                 "--title", "It's <b>mine</b>", "--author", "Me"]) == 0
    text = target.read_text(encoding="utf-8")
    assert text.count("#") > 30  # commented
    assert main(["check", str(target)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""  # no diagnostic at all, warnings included
    result = check_text(text)
    assert result.scenario is not None
    assert result.scenario.id == "my-scenario"
    assert result.scenario.partner.name == 'Jo "J" \\ Smith'
    assert result.scenario.title == "It's <b>mine</b>"
    assert result.scenario.tests and result.scenario.invariants


def test_new_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "taken"]) == 0
    (tmp_path / "taken.toml").write_text("mine", encoding="utf-8")
    capsys.readouterr()
    assert main(["new", "taken"]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and err.count("\n") == 1
    assert (tmp_path / "taken.toml").read_text(encoding="utf-8") == "mine"


def test_new_rejects_a_bad_id_and_prints_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "Not An Id"]) == 2
    assert "not a valid scenario id" in capsys.readouterr().err
    assert main(["new", "to-stdout", "-o", "-"]) == 0
    assert 'id = "to-stdout"' in capsys.readouterr().out
    with pytest.raises(ScaffoldError):
        scaffold("fine", partner="   ")


def validator() -> jsonschema.Draft202012Validator:
    schema = scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", [MINIMAL, *BUNDLED], ids=lambda p: p.name)
def test_every_valid_scenario_validates(path: Path) -> None:
    document = tomli.loads(path.read_text(encoding="utf-8"))
    errors = [e.message for e in validator().iter_errors(document)]
    assert errors == []


def test_the_scaffold_validates() -> None:
    assert list(validator().iter_errors(tomli.loads(scaffold("x")))) == []


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        document = document[key]
    if value is _DELETE:
        del document[path[-1]]
    else:
        document[path[-1]] = value


_DELETE = object()
BROKEN = {
    "unknown tag": (("nodes", "opening", "choices", 0, "tags"), ["excuses"]),
    "unknown signal": (("nodes", "opening", "choices", 0, "signal"), "hot"),
    "unknown key": (("nodes", "opening", "colour"), "red"),
    "missing text": (("nodes", "opening", "text"), _DELETE),
    "empty text": (("nodes", "pause", "text"), "   "),
    "control character": (("title",), "Red \x1b[31m"),
    "two shapes": (("nodes", "pause", "ending"), "Also an ending"),
    "no choices": (("nodes", "opening", "choices"), []),
    "wrong type": (("trust", "initial"), "thirty"),
    "bad format": (("format",), 2),
    "bad id": (("id",), "Not An Id"),
    "bad flag": (("nodes", "opening", "choices", 0, "set"), ["Owned It"]),
    "unknown weight": (("scoring",), {"weights": {"excus": 2}}),
    "missing partner": (("partner",), _DELETE),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_scenarios_fail_the_schema(case: str) -> None:
    document = tomli.loads(MINIMAL.read_text(encoding="utf-8"))
    broken = copy.deepcopy(document)
    path, value = BROKEN[case]
    _set(broken, path, value)
    assert list(validator().iter_errors(broken)), case
    # ... and `check` agrees that each is an error.
    import tomli_w

    result = check_text(tomli_w.dumps(broken))
    assert any(d.is_error for d in result.diagnostics), case


def test_schema_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == scenario_schema()
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    tags = printed["$defs"]["tag"]
    assert "accountability" in tags["enum"] and len(tags["x-taplo"]["docs"]["enumValues"]) == len(
        tags["enum"])
    assert printed["$defs"]["signal"]["enum"] == ["warm", "steady", "distant"]
    out = tmp_path / "trustsim.schema.json"
    assert main(["schema", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == printed
