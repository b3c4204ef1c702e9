"""docs/authoring.md stays a complete reference: every key, tag, signal, condition name and
diagnostic code the code knows appears in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustsim.conditions import NUMERIC_NAMES
from trustsim.loader.diagnostics import Codes
from trustsim.loader.structure import (
    CHOICE_KEYS,
    INVARIANT_KEYS,
    NODE_KEYS,
    PARTNER_KEYS,
    ROUTE_KEYS,
    TEST_KEYS,
    TOP_KEYS,
    TRUST_KEYS,
)
from trustsim.scoring import TAGS, Signal

DOC = (Path(__file__).parent.parent.parent / "docs" / "authoring.md").read_text(
    encoding="utf-8")

KEYS = sorted({*TOP_KEYS, *PARTNER_KEYS, *TRUST_KEYS, *NODE_KEYS, *CHOICE_KEYS, *ROUTE_KEYS,
               *TEST_KEYS, *INVARIANT_KEYS})


@pytest.mark.parametrize("key", KEYS)
def test_every_key_is_documented(key: str) -> None:
    assert f"`{key}" in DOC or f"[{key}" in DOC or f"[[{key}" in DOC


@pytest.mark.parametrize("name", [*TAGS, *(s.value for s in Signal)])
def test_every_tag_and_signal_is_documented(name: str) -> None:
    assert f"| `{name}` |" in DOC


def test_every_condition_name_and_code_is_documented() -> None:
    for name in sorted(NUMERIC_NAMES):
        if name.startswith("count."):
            continue  # documented as count.<tag>, with the tags listed
        assert f"`{name}`" in DOC, name
    assert "`count.<tag>`" in DOC and "`flag.<name>`" in DOC and "`ending`" in DOC
    for code in Codes.all():
        assert f"| {code.id} |" in DOC, code.id
