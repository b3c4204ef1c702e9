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
    weight: float
    description: str
    principle: str

    @property
    def constructive(self) -> bool:
        return self.kind is Kind.CONSTRUCTIVE


def _behaviours(*items: Behaviour) -> Mapping[str, Behaviour]:
    return MappingProxyType({b.tag: b for b in items})


_C, _D = Kind.CONSTRUCTIVE, Kind.DESTRUCTIVE
_A, _S, _R = Dimension.ACCOUNTABILITY, Dimension.CONSISTENCY, Dimension.RESPECT

TAXONOMY: Mapping[str, Behaviour] = _behaviours(
    Behaviour(
        "accountability", _C, _A, 1.0,
        "Names what you did and owns it, with no justification.",
        "Accept and acknowledge the mistake plainly, without elaborate justifications or "
        "shifting the blame: owning it shows you will face the consequences.",
    ),
    Behaviour(
        "acknowledge_hurt", _C, _A, 1.0,
        "Names and validates their feelings; regrets what it did to them.",
        "Acknowledge the hurt and express regret for what your actions did to them, "
        "rather than treating their pain as insignificant.",
    ),
    Behaviour(
        "consistent_action", _C, _S, 1.0,
        "A small, concrete act carried out: on time, a promise kept, being there.",
        "Trust is rebuilt by observable, consistent actions over time: being punctual, "
        "keeping small promises, being available when needed.",
    ),
    Behaviour(
        "clear_message", _C, _S, 1.0,
        "States your position calmly and plainly, and keeps it when pushed.",
        "Be unwavering in your message: state your position in calm, clear terms and "
        "repeat it steadily instead of sending ambiguous signals.",
    ),
    Behaviour(
        "respect_pace", _C, _R, 1.0,
        "Respects their timing and choices, with your availability left open.",
        "Recovery is slow and cannot be forced: respect their pace while staying "
        "predictable and reachable.",
    ),
    Behaviour(
        "realistic_expectations", _C, _R, 1.0,
        "Accepts that trust may not fully return; no promise to erase the past.",
        "Trust may never fully return, and the past cannot be erased: accepting this is "
        "part of taking responsibility and sets expectations you can meet.",
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
    ),
    Behaviour(
        "blame_shift", _D, _A, 1.2,
        "Puts the blame on a person: them or someone else.",
        "Shifting the blame refuses responsibility and shows you will not face the "
        "consequences of your own behaviour.",
    ),
    Behaviour(
        "minimise", _D, _A, 1.0,
        "Downplays the hurt or the act: 'it's not a big deal'.",
        "Saying 'it's not a big deal' or 'everyone makes mistakes' trivialises the breach "
        "and invalidates their experience.",
    ),
    Behaviour(
        "empty_promise", _D, _S, 1.0,
        "A promise about the future in place of action; a grand gesture.",
        "'I won't do it again' rarely changes deep hurt: trust is not rebuilt by words or "
        "grand gestures but by small actions over time.",
    ),
    Behaviour(
        "mixed_signal", _D, _S, 1.2,
        "An ambiguous signal or temporary concession; warmth and distance at once.",
        "Intermittent attention and temporary concessions deepen uncertainty and "
        "dependence; the message must not waver.",
    ),
    Behaviour(
        "pressure", _D, _R, 1.2,
        "Pushes for quick resolution or forgiveness; tells them how to feel.",
        "Forcing a quick resolution or suppressing their feelings triggers their defences "
        "and turns healing into confrontation.",
    ),
    Behaviour(
        "pity", _D, _R, 1.0,
        "Seeks pity to soften them.",
        "Using pity to soften their resistance is a manipulative tactic; it has the "
        "opposite effect of the trust it seeks.",
    ),
    Behaviour(
        "withdrawal", _D, _R, 1.0,
        "Space imposed without their asking, leaving no way to reach you.",
        "Sudden withdrawal and unavailability breed ambiguity and uncertainty rather than "
        "easing the hurt.",
    ),
)

TAGS: tuple[str, ...] = tuple(TAXONOMY)
