"""The behaviour taxonomy (SPEC section 3): every tag a choice may carry, and why it matters.

Each behaviour rests on a passage of the essay in `shared/source/regaining-trust-essay.txt`;
`principle` paraphrases that passage for the debrief.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

from attrs import frozen


class Kind(enum.StrEnum):
    CONSTRUCTIVE = "constructive"
    DESTRUCTIVE = "destructive"


class Dimension(enum.StrEnum):
    ACCOUNTABILITY = "accountability"
    CONSISTENCY = "consistency"
    RESPECT = "respect"


class Signal(enum.StrEnum):
    WARM = "warm"
    STEADY = "steady"
    DISTANT = "distant"


DIMENSIONS: tuple[Dimension, ...] = tuple(Dimension)
#: The names a report scores: the three dimensions and their combination.
SCORE_NAMES: tuple[str, ...] = (*(d.value for d in Dimension), "overall")


@frozen
class Behaviour:
    tag: str
    kind: Kind
    dimension: Dimension
    #: Default weight in the scores and the partner model; a scenario may override it.
    weight: float
    description: str
    principle: str
    #: How strongly, per unit of weight, it raises (destructive) or eases (constructive) the
    #: partner's hurt; zero: no effect.
    hurt: float = 0.0
    #: The same for the partner's uncertainty.
    uncertainty: float = 0.0

    @property
    def constructive(self) -> bool:
        return self.kind is Kind.CONSTRUCTIVE


def _behaviours(*items: Behaviour) -> Mapping[str, Behaviour]:
    return MappingProxyType({b.tag: b for b in items})


_C, _D = Kind.CONSTRUCTIVE, Kind.DESTRUCTIVE
_A, _S, _R = Dimension.ACCOUNTABILITY, Dimension.CONSISTENCY, Dimension.RESPECT

# Weights start at 1.0. The essay calls owning the mistake "a crucial step" and "essential", and
# rests the whole recovery on "observable, consistent actions over time", so accountability and
# consistent_action weigh 1.2. Blame-shifting, mixed signals and pressure are the errors it warns
# against most (blame and pressure trigger defences, mixed signals "deepen her uncertainty"), so
# they weigh 1.2 too. The hurt factors follow "especially minimise, blame_shift, pressure": the
# acts that dismiss or suppress the partner's feelings wound the most.
TAXONOMY: Mapping[str, Behaviour] = _behaviours(
    Behaviour(
        "accountability", _C, _A, 1.2,
        "Names what you did and owns it, with no justification.",
        "Accept and acknowledge the mistake plainly, without elaborate justifications or "
        "shifting the blame: owning it shows you will face the consequences.",
        hurt=0.6,
    ),
    Behaviour(
        "acknowledge_hurt", _C, _A, 1.0,
        "Names and validates their feelings; regrets what it did to them.",
        "Acknowledge the hurt and express regret for what your actions did to them, "
        "rather than treating their pain as insignificant.",
        hurt=1.0,
    ),
    Behaviour(
        "consistent_action", _C, _S, 1.2,
        "A small, concrete act carried out: on time, a promise kept, being there.",
        "Trust is rebuilt by observable, consistent actions over time: being punctual, "
        "keeping small promises, being available when needed.",
        uncertainty=0.8,
    ),
    Behaviour(
        "clear_message", _C, _S, 1.0,
        "States your position calmly and plainly, and keeps it when pushed.",
        "Be unwavering in your message: state your position in calm, clear terms and "
        "repeat it steadily instead of sending ambiguous signals.",
        uncertainty=0.8,
    ),
    Behaviour(
        "respect_pace", _C, _R, 1.0,
        "Respects their timing and choices, with your availability left open.",
        "Recovery is slow and cannot be forced: respect their pace while staying "
        "predictable and reachable.",
        hurt=0.2, uncertainty=0.3,
    ),
    Behaviour(
        "realistic_expectations", _C, _R, 1.0,
        "Accepts that trust may not fully return; no promise to erase the past.",
        "Trust may never fully return, and the past cannot be erased: accepting this is "
        "part of taking responsibility and sets expectations you can meet.",
        uncertainty=0.3,
    ),
    Behaviour(
        "support_independence", _C, _R, 1.0,
        "Encourages their other relationships, interests or professional help.",
        "Encourage their other relationships, interests and, where it helps, their own "
        "therapy: healthy independence eases reliance on one person.",
    ),
    Behaviour(
        "excuse", _D, _A, 1.0,
        "Justifies or rationalises: work, tiredness, a dead phone.",
        "Excuses and rationalisations trigger defensiveness and stall healing; admit it "
        "without piling up justifications.",
        hurt=0.6,
    ),
    Behaviour(
        "blame_shift", _D, _A, 1.2,
        "Puts the blame on a person: them or someone else.",
        "Shifting the blame refuses responsibility and shows you will not face the "
        "consequences of your own behaviour.",
        hurt=1.0,
    ),
    Behaviour(
        "minimise", _D, _A, 1.0,
        "Downplays the hurt or the act: 'it's not a big deal'.",
        "Saying 'it's not a big deal' or 'everyone makes mistakes' trivialises the breach "
        "and invalidates their experience.",
        hurt=1.0,
    ),
    Behaviour(
        "empty_promise", _D, _S, 1.0,
        "A promise about the future in place of action; a grand gesture.",
        "'I won't do it again' rarely changes deep hurt: trust is not rebuilt by words or "
        "grand gestures but by small actions over time.",
        hurt=0.3, uncertainty=0.3,
    ),
    Behaviour(
        "mixed_signal", _D, _S, 1.2,
        "An ambiguous signal or temporary concession; warmth and distance at once.",
        "Intermittent attention and temporary concessions deepen uncertainty and "
        "dependence; the message must not waver.",
        hurt=0.3, uncertainty=1.0,
    ),
    Behaviour(
        "pressure", _D, _R, 1.2,
        "Pushes for quick resolution or forgiveness; tells them how to feel.",
        "Forcing a quick resolution or suppressing their feelings triggers their defences "
        "and turns healing into confrontation.",
        hurt=1.0,
    ),
    Behaviour(
        "pity", _D, _R, 1.0,
        "Seeks pity to soften them.",
        "Using pity to soften their resistance is a manipulative tactic; it has the "
        "opposite effect of the trust it seeks.",
        hurt=0.5,
    ),
    Behaviour(
        "withdrawal", _D, _R, 1.0,
        "Space imposed without their asking, leaving no way to reach you.",
        "Sudden withdrawal and unavailability breed ambiguity and uncertainty rather than "
        "easing the hurt.",
        hurt=0.5, uncertainty=0.8,
    ),
)

TAGS: tuple[str, ...] = tuple(TAXONOMY)

#: Default weight of every tag; a scenario's `[scoring.weights]` overrides some of them.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({t: b.weight for t, b in TAXONOMY.items()})

#: Range of a weight a scenario may set. Zero is excluded on purpose: a tag that weighs nothing
#: could not make alternating signals cost consistency, nor a destructive act cost trust.
#: (Here rather than in `rules`, so that the loader can check weights without the rules.)
MIN_WEIGHT = 0.1
MAX_WEIGHT = 10.0
