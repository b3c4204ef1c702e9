"""Scoring: the behaviour taxonomy, the partner model and the report (SPEC sections 3-4).

Pure functions, no I/O: `begin` and `advance` keep a running `Tally` as a play goes (cheap
enough for exhaustive search); `score_path` gives the full `Report` of a finished path.
"""

from trustsim.scoring.partner import ASYMMETRY_THRESHOLD, Tally, advance, begin
from trustsim.scoring.report import Contribution, Report, display_score, score_path
from trustsim.scoring.rules import MAX_WEIGHT, MIN_WEIGHT, Act, ScoringRules
from trustsim.scoring.taxonomy import (
    DEFAULT_WEIGHTS,
    DIMENSIONS,
    SCORE_NAMES,
    TAGS,
    TAXONOMY,
    Behaviour,
    Dimension,
    Kind,
    Signal,
)

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
