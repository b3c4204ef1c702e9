"""A scenario's scoring settings, one choice as scoring sees it, and the dimension scores.

A dimension's score is the share of its weighted tags that were constructive, smoothed by one
imaginary constructive and one imaginary destructive tag (a Laplace prior):

    score = 100 * (p + 1) / (p + n + 2)

where `p` sums the weights of the constructive tags chosen in that dimension and `n` those of
the destructive ones (for consistency, every mixed signal counts as one `mixed_signal` tag,
tagged or not). `overall` pools the three dimensions. Sums are taken from the integer tag counts
in taxonomy order, never in the order the choices were made, so accountability and respect are
exactly the same for any order of the same choices.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from trustsim.scoring.taxonomy import (
    DIMENSIONS,
    MAX_WEIGHT,
    MIN_WEIGHT,
    TAGS,
    TAXONOMY,
    Dimension,
    Signal,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

#: The imaginary constructive and destructive tag each score starts with: an empty dimension is
#: exactly 50 and a single choice moves it to 33 or 67-ish rather than to 0 or 100.
PRIOR = 1.0

TAG_INDEX: Mapping[str, int] = MappingProxyType({t: i for i, t in enumerate(TAGS)})
MIXED_SIGNAL_INDEX = TAG_INDEX["mixed_signal"]

DimensionTable = tuple[tuple[tuple[int, float], ...], tuple[tuple[int, float], ...]]


def _suggest(name: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _number(value: object) -> float:
    # bool is an int to Python but never a trust level or a weight to an author.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {value!r}")
    return number


def _freeze_weights(weights: Mapping[str, object]) -> Mapping[str, float]:
    frozen_weights: dict[str, float] = {}
    for tag, value in weights.items():
        if tag not in TAXONOMY:
            raise ValueError(f'unknown tag "{tag}" in scoring weights{_suggest(tag, TAGS)}')
        weight = _number(value)
        if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
            raise ValueError(
                f'weight of "{tag}" must be between {MIN_WEIGHT:g} and {MAX_WEIGHT:g}, '
                f"got {value!r}"
            )
        frozen_weights[tag] = weight
    return MappingProxyType(frozen_weights)


@frozen
class ScoringRules:
    """The scenario's scoring settings: `[trust]` and `[scoring.weights]`."""

    initial_trust: float = field(default=30.0, converter=_number)
    ceiling: float = field(default=80.0, converter=_number)
    # A read-only mapping is not hashable; equality still compares it.
    weights: Mapping[str, float] = field(
        factory=dict, converter=_freeze_weights, hash=False
    )
    #: Weight of every tag in TAGS order, overrides applied.
    tag_weights: tuple[float, ...] = field(init=False, eq=False, hash=False, repr=False)
    #: (constructive, destructive) (tag index, weight) pairs per dimension, for the scores.
    dimension_tables: tuple[DimensionTable, ...] = field(
        init=False, eq=False, hash=False, repr=False
    )
    # Per-act derived numbers (see partner.compile_act), memoised because advance() is called
    # millions of times over the few distinct choices of a scenario.
    _compiled: dict[Act, Any] = field(init=False, factory=dict, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not 0.0 <= self.initial_trust <= 100.0:
            raise ValueError(f"initial trust must be between 0 and 100, got {self.initial_trust:g}")
        if not self.initial_trust <= self.ceiling <= 100.0:
            raise ValueError(
                f"trust ceiling must be between the initial trust ({self.initial_trust:g}) "
                f"and 100, got {self.ceiling:g}"
            )
        weights = tuple(self.weights.get(t, TAXONOMY[t].weight) for t in TAGS)
        object.__setattr__(self, "tag_weights", weights)
        object.__setattr__(self, "dimension_tables", _dimension_tables(weights))

    def weight(self, tag: str) -> float:
        """The weight of `tag` in this scenario (KeyError for an unknown tag)."""
        return self.tag_weights[TAG_INDEX[tag]]


def _signal(value: Signal | str) -> Signal:
    return Signal(value)


def _tags(value: Iterable[str]) -> tuple[str, ...]:
    tags = tuple(value)
    for tag in tags:
        if tag not in TAXONOMY:
            raise ValueError(f'unknown tag "{tag}"{_suggest(tag, TAGS)}')
    if len(set(tags)) != len(tags):
        raise ValueError(f"duplicate tags in {list(tags)}")
    return tags


# The hash is cached because compiled acts are looked up by act on every advance().
@frozen(cache_hash=True)
class Act:
    """One choice as scoring sees it."""

    tags: tuple[str, ...] = field(default=(), converter=_tags)
    signal: Signal = field(default=Signal.STEADY, converter=_signal)
    #: What the debrief calls the choice, e.g. its text.
    label: str = ""


def score_of(positive: float, negative: float) -> float:
    """100 * (p + 1) / (p + n + 2), written so that rounding can never break monotonicity.

    In this form every operation is monotone in its operands, so a larger `positive` or a
    smaller `negative` can never give a lower float, which the property tests check exactly.
    """
    return 100.0 / (1.0 + (negative + PRIOR) / (positive + PRIOR))


def _dimension_tables(weights: tuple[float, ...]) -> tuple[DimensionTable, ...]:
    def pairs(dimension: Dimension, constructive: bool) -> tuple[tuple[int, float], ...]:
        return tuple(
            (i, weights[i])
            for i, t in enumerate(TAGS)
            if TAXONOMY[t].dimension is dimension
            and TAXONOMY[t].constructive is constructive
            # Mixed signals are counted with the flips, in scores_of().
            and i != MIXED_SIGNAL_INDEX
        )

    return tuple((pairs(d, True), pairs(d, False)) for d in DIMENSIONS)


def dimension_sums(
    rules: ScoringRules, counts: Sequence[int], mixed_signals: int
) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float]]:
    """(p, n) of accountability, consistency and respect, from the tag counts (in TAGS order)
    and the mixed-signal count; always summed in the same order, so equal inputs give equal
    floats whatever path led to them."""
    # Unrolled by dimension: this runs for every score a condition reads.
    (a_pos, a_neg), (c_pos, c_neg), (r_pos, r_neg) = rules.dimension_tables
    pa = na = pc = nc = pr = nr = 0.0
    for i, w in a_pos:
        pa += counts[i] * w
    for i, w in a_neg:
        na += counts[i] * w
    for i, w in c_pos:
        pc += counts[i] * w
    for i, w in c_neg:
        nc += counts[i] * w
    for i, w in r_pos:
        pr += counts[i] * w
    for i, w in r_neg:
        nr += counts[i] * w
    # Every flip of the signal is a mixed signal too, tagged or not (SPEC section 3).
    nc += mixed_signals * rules.tag_weights[MIXED_SIGNAL_INDEX]
    return (pa, na), (pc, nc), (pr, nr)


def scores_of(
    rules: ScoringRules, counts: Sequence[int], mixed_signals: int
) -> tuple[float, float, float, float]:
    """Unrounded accountability, consistency, respect and overall, in SCORE_NAMES order."""
    (pa, na), (pc, nc), (pr, nr) = dimension_sums(rules, counts, mixed_signals)
    return (
        score_of(pa, na),
        score_of(pc, nc),
        score_of(pr, nr),
        score_of(pa + pc + pr, na + nc + nr),
    )
