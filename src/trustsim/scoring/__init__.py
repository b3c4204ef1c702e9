"""Scoring: the behaviour taxonomy, the partner model and the report (SPEC sections 3-4).

Pure functions, no I/O: `begin` and `advance` keep a running `Tally` as a play goes (cheap
enough for exhaustive search); `score_path` gives the full `Report` of a finished path.

The rules, the partner model and the report are imported when one of their names is first
asked for: loading a scenario needs only the taxonomy, and the app draws its first frame
without the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from trustsim.scoring.taxonomy import (
    DEFAULT_WEIGHTS,
    DIMENSIONS,
    MAX_WEIGHT,
    MIN_WEIGHT,
    SCORE_NAMES,
    TAGS,
    TAXONOMY,
    Behaviour,
    Dimension,
    Kind,
    Signal,
)

if TYPE_CHECKING:
    from trustsim.scoring.partner import ASYMMETRY_THRESHOLD, Tally, advance, begin
    from trustsim.scoring.report import Contribution, Report, display_score, score_path
    from trustsim.scoring.rules import Act, ScoringRules

__all__ = [
    "ASYMMETRY_THRESHOLD",
    "DEFAULT_WEIGHTS",
    "DIMENSIONS",
    "MAX_WEIGHT",
    "MIN_WEIGHT",
    "SCORE_NAMES",
    "TAGS",
    "TAXONOMY",
    "Act",
    "Behaviour",
    "Contribution",
    "Dimension",
    "Kind",
    "Report",
    "ScoringRules",
    "Signal",
    "Tally",
    "advance",
    "begin",
    "display_score",
    "score_path",
]

#: The names imported on first use, with the module that defines each.
_ON_FIRST_USE = {
    "ASYMMETRY_THRESHOLD": "partner", "Tally": "partner", "advance": "partner",
    "begin": "partner",
    "Contribution": "report", "Report": "report", "display_score": "report",
    "score_path": "report",
    "Act": "rules", "ScoringRules": "rules",
}


def __getattr__(name: str) -> object:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups find it without this function
    return value
