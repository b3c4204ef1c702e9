"""The full report of a path: scores, counts, trajectories and what moved each score, and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from attrs import fields, frozen

from trustsim.scoring.partner import INITIAL_HURT, INITIAL_UNCERTAINTY, compile_act, step
from trustsim.scoring.rules import Act, ScoringRules, score_of, scores_of
from trustsim.scoring.taxonomy import DIMENSIONS, SCORE_NAMES, TAGS, TAXONOMY, Dimension, Signal

#: What a flip of the signal is called in a contribution, in place of a tag.
SIGNAL = "signal"


@frozen
class Contribution:
    """How one tag of one choice (or one flip of its signal) moved one dimension's score."""

    #: Index of the choice in the path, from 0.
    turn: int
    #: The choice's label (its text).
    label: str
    #: The tag, or SIGNAL for a flip of the signal.
    tag: str
    dimension: Dimension
    #: Change of the dimension's score, in points (negative: lowered it).
    delta: float
    #: The behaviour's principle, or what the flip was.
    reason: str

    def to_json(self) -> dict[str, object]:
        return {
            "turn": self.turn,
            "label": self.label,
            "tag": self.tag,
            "dimension": self.dimension.value,
            "delta": round(self.delta, 2),
            "reason": self.reason,
        }


@frozen
class Report:
    """The verdict on a whole path."""

    #: accountability, consistency, respect, overall: 0-100, rounded half up for display.
    scores: Mapping[str, int]
    #: Every tag, zeros included.
    counts: Mapping[str, int]
    #: Choices tagged mixed_signal plus every flip of the non-steady signal sequence.
    mixed_signals: int
    #: Initial value first, then one value per choice.
    trust: tuple[float, ...]
    hurt: tuple[float, ...]
    uncertainty: tuple[float, ...]
    contributions: tuple[Contribution, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "scores": dict(self.scores),
            "counts": dict(self.counts),
            "mixed_signals": self.mixed_signals,
            "trust": [round(v, 2) for v in self.trust],
            "hurt": [round(v, 2) for v in self.hurt],
            "uncertainty": [round(v, 2) for v in self.uncertainty],
            "contributions": [c.to_json() for c in self.contributions],
        }


def display_score(value: float) -> int:
    """A score as players see it: rounded half up (62.5 is 63, not Python's banker's 62)."""
    return int(value + 0.5)


_DIMENSION_INDEX = {d: i for i, d in enumerate(DIMENSIONS)}
# Per tag index: (tag, dimension index, dimension, constructive?, principle).
_TAG_INFO = tuple(
    (t, _DIMENSION_INDEX[TAXONOMY[t].dimension], TAXONOMY[t].dimension,
     TAXONOMY[t].constructive, TAXONOMY[t].principle)
    for t in TAGS
)
_CONSISTENCY = _DIMENSION_INDEX[Dimension.CONSISTENCY]
#: Reason of a flip, by the signal it flipped to.
_FLIP_REASONS = {
    Signal.WARM: "signal flipped from distant to warm: mixed signal",
    Signal.DISTANT: "signal flipped from warm to distant: mixed signal",
}

# As in partner.advance(): a report holds a Contribution per tag chosen, and attrs' frozen
# __init__ was a third of score_path(); filling the slots directly builds the same objects.
_new = object.__new__
(_set_turn, _set_label, _set_tag, _set_dimension, _set_delta, _set_reason) = (
    getattr(Contribution, name).__set__
    for name in ("turn", "label", "tag", "dimension", "delta", "reason")
)
if len(fields(Contribution)) != 6:  # pragma: no cover - a guard for whoever adds a field
    raise RuntimeError("score_path() must set every field of Contribution")


def _contribution(
    turn: int, label: str, tag: str, dimension: Dimension, delta: float, reason: str
) -> Contribution:
    new = _new(Contribution)
    _set_turn(new, turn)
    _set_label(new, label)
    _set_tag(new, tag)
    _set_dimension(new, dimension)
    _set_delta(new, delta)
    _set_reason(new, reason)
    return new


def score_path(rules: ScoringRules, acts: Sequence[Act]) -> Report:
    """Score a whole path; the same numbers as folding advance() from begin()."""
    ceiling = rules.ceiling
    weights = rules.tag_weights
    mixed_weight = rules.weight("mixed_signal")
    trust, hurt, uncertainty = rules.initial_trust, INITIAL_HURT, INITIAL_UNCERTAINTY
    streak = 0
    last: Signal | None = None
    counts = [0] * len(TAGS)
    mixed = 0
    trusts, hurts, uncertainties = [trust], [hurt], [uncertainty]
    # Running weights and score per dimension, to tell how much each tag moved its score. The
    # final scores are taken from the counts instead, which makes them order-independent.
    pos = [0.0, 0.0, 0.0]
    neg = [0.0, 0.0, 0.0]
    current = [50.0, 50.0, 50.0]
    contributions: list[Contribution] = []
    contribute = contributions.append
    compiled_acts = rules._compiled
    for turn, act in enumerate(acts):
        compiled = compiled_acts.get(act) or compile_act(rules, act)
        trust, hurt, uncertainty, streak, last, flipped = step(
            ceiling, trust, hurt, uncertainty, streak, last, compiled
        )
        trusts.append(trust)
        hurts.append(hurt)
        uncertainties.append(uncertainty)
        label = act.label
        for i in compiled[0]:
            counts[i] += 1
            tag, d, dimension, constructive, principle = _TAG_INFO[i]
            if constructive:
                pos[d] += weights[i]
            else:
                neg[d] += weights[i]
            after = score_of(pos[d], neg[d])
            contribute(_contribution(turn, label, tag, dimension, after - current[d], principle))
            current[d] = after
        mixed += compiled[10]
        if flipped:
            mixed += 1
            neg[_CONSISTENCY] += mixed_weight
            after = score_of(pos[_CONSISTENCY], neg[_CONSISTENCY])
            contribute(_contribution(
                turn, label, SIGNAL, Dimension.CONSISTENCY, after - current[_CONSISTENCY],
                _FLIP_REASONS[act.signal],
            ))
            current[_CONSISTENCY] = after
    final = scores_of(rules, counts, mixed)
    return Report(
        scores=MappingProxyType(
            {name: display_score(v) for name, v in zip(SCORE_NAMES, final, strict=True)}
        ),
        counts=MappingProxyType(dict(zip(TAGS, counts, strict=True))),
        mixed_signals=mixed,
        trust=tuple(trusts),
        hurt=tuple(hurts),
        uncertainty=tuple(uncertainties),
        contributions=tuple(contributions),
    )
