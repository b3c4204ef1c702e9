"""The partner model: trust, hurt and uncertainty after every choice, and the running tally.

Every rule here rests on a passage of the essay; `docs/scoring.md` gives them in plain words.
Each update is written as a chain of float operations that are each monotone in their operands
(`C - (C - T) * stay` rather than `T + (C - T) * g`, `1 - 1 / (x + 1)` rather than
`x / (x + 1)`): then a better choice can never give a worse float, not even by one rounding
step, which is what the monotonicity and ceiling properties demand of generated inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from attrs import fields, frozen

from trustsim.scoring.rules import TAG_INDEX, Act, ScoringRules, scores_of
from trustsim.scoring.taxonomy import SCORE_NAMES, TAGS, TAXONOMY, Signal

# Trust --------------------------------------------------------------------------------------
# An act's weight x (the sum of its constructive, or of its destructive, tags' weights) acts
# through its share 1 - 1/(x + 1): 0.5 for one tag of weight 1, saturating towards 1, so piling
# tags onto one line cannot move trust without bound.

#: A destructive act of weight x keeps trust * (1 - LOSS * share(x)): one excuse (x = 1) costs
#: 35 % of the trust there is ("quick to lose").
LOSS = 0.7
#: A constructive act of weight x closes rate * share(x) * barrier of the distance left to the
#: ceiling, where rate grows with the streak of constructive acts behind it, from GAIN_FIRST
#: towards GAIN_STREAK ("built slowly"; "small, consistent behaviors"), and the barrier is
#: below (BARRIER).
GAIN_FIRST = 0.09
GAIN_STREAK = 0.16
#: Streak length at which the gain is half-way from GAIN_FIRST to GAIN_STREAK.
STREAK_HALF = 2
#: The gain rates for a streak of 0, 1, 2, ... acts; longer streaks use the last.
GAIN_BY_STREAK: tuple[float, ...] = tuple(
    GAIN_FIRST + (GAIN_STREAK - GAIN_FIRST) * s / (s + STREAK_HALF) for s in range(64)
)
_LONGEST = len(GAIN_BY_STREAK) - 1
#: From this much trust up, one destructive act of weight w costs more trust than one
#: constructive act of weight w gains, whatever the ceiling, streak, hurt or uncertainty.
#: Loss is LOSS * share * T, gain at most GAIN_STREAK * share * (100 - T), so this holds
#: exactly when T > 100 * GAIN_STREAK / (LOSS + GAIN_STREAK) = 18.6; 20 leaves a margin.
ASYMMETRY_THRESHOLD = 20.0

# Hurt and uncertainty -----------------------------------------------------------------------
#: Where they start: the scenario opens just after the breach.
INITIAL_HURT = 50.0
INITIAL_UNCERTAINTY = 25.0
#: A rise of x (weight times the tag's factor) closes x / (x + RISE) of the gap to 100.
RISE = 3.0
#: An easing of y keeps EASE / (EASE + y) of the level: acknowledgement heals, slowly.
EASE = 6.0
#: Uncertainty factor of a flip of the signal, per unit of the mixed_signal weight: the same
#: as a choice tagged mixed_signal, since the essay names both "mixed signals".
FLIP_UNCERTAINTY = TAXONOMY["mixed_signal"].uncertainty
#: Gains are multiplied by 1 - (hurt + uncertainty) / BARRIER (between 0.5 and 1): a hurt,
#: unsure partner holds a "defensive barrier that is not easily dismantled".
BARRIER = 400.0

_STEADY = Signal.STEADY

#: What an act means to the model under given rules, derived once per (rules, act):
#: tag indices, destructive?, constructive?, trust kept on loss, gain share, hurt kept-gap
#: on rise, hurt kept on easing, uncertainty kept-gap on rise (without, with a flip),
#: uncertainty kept on easing, 1 if tagged mixed_signal, signal.
Compiled = tuple[
    tuple[int, ...], bool, bool, float, float, float, float, float, float, float, int, Signal
]


def _share(x: float) -> float:
    return 1.0 - 1.0 / (x + 1.0)


def _rise_stay(x: float) -> float:
    return RISE / (x + RISE)


def _ease_keep(y: float) -> float:
    return EASE / (y + EASE)


def compile_act(rules: ScoringRules, act: Act) -> Compiled:
    """The act's numbers under `rules`, memoised on the rules."""
    compiled = rules._compiled.get(act)
    if compiled is not None:
        return compiled  # type: ignore[no-any-return]
    weights = rules.tag_weights
    indices = tuple(TAG_INDEX[t] for t in act.tags)
    x_c = x_d = hurt_up = hurt_down = unsure_up = unsure_down = 0.0
    # Summed in taxonomy order, so the order an author lists tags in cannot move a float.
    for i in sorted(indices):
        behaviour = TAXONOMY[TAGS[i]]
        w = weights[i]
        if behaviour.constructive:
            x_c += w
            hurt_down += w * behaviour.hurt
            unsure_down += w * behaviour.uncertainty
        else:
            x_d += w
            hurt_up += w * behaviour.hurt
            unsure_up += w * behaviour.uncertainty
    flip_up = unsure_up + rules.weight("mixed_signal") * FLIP_UNCERTAINTY
    compiled = (
        indices,
        x_d > 0.0,
        x_c > 0.0,
        1.0 - LOSS * _share(x_d),
        _share(x_c),
        _rise_stay(hurt_up),
        _ease_keep(hurt_down),
        _rise_stay(unsure_up),
        _rise_stay(flip_up),
        _ease_keep(unsure_down),
        1 if "mixed_signal" in act.tags else 0,
        act.signal,
    )
    # A scenario has few distinct choices; a caller inventing acts without end must not make
    # the memo grow without end.
    if len(rules._compiled) > 65536:
        rules._compiled.clear()
    rules._compiled[act] = compiled
    return compiled


def step(
    ceiling: float,
    trust: float,
    hurt: float,
    uncertainty: float,
    streak: int,
    last: Signal | None,
    compiled: Compiled,
) -> tuple[float, float, float, int, Signal | None, bool]:
    """One act: (trust, hurt, uncertainty, streak, last non-steady signal, flipped)."""
    (_, destructive, constructive, trust_keep, share, hurt_stay, hurt_keep,
     unsure_stay, unsure_stay_flip, unsure_keep, _, signal) = compiled
    flipped = False
    if signal is not _STEADY:
        # Steady acts are skipped, not resets: warm, steady, distant is still a flip.
        flipped = last is not None and last is not signal
        last = signal
    # The rises skip a zero rise and take max() so that no act moves a level the wrong way by
    # a rounding step: 100 - (100 - h) is not always h.
    if hurt_stay != 1.0:
        hurt = max(hurt, 100.0 - (100.0 - hurt) * hurt_stay)
    hurt *= hurt_keep
    stay = unsure_stay_flip if flipped else unsure_stay
    if stay != 1.0:
        uncertainty = max(uncertainty, 100.0 - (100.0 - uncertainty) * stay)
    uncertainty *= unsure_keep
    if destructive:
        trust *= trust_keep
        streak = 0
    if constructive:
        rate = GAIN_BY_STREAK[streak if streak < _LONGEST else _LONGEST]
        g = rate * share * (1.0 - (hurt + uncertainty) / BARRIER)
        # max(): C - (C - T) * (1 - g) could round a hair below T when g is tiny.
        trust = max(trust, ceiling - (ceiling - trust) * (1.0 - g))
        if not destructive:
            streak += 1
    return trust, hurt, uncertainty, streak, last, flipped


@frozen
class Tally:
    """The running state after some acts; immutable. Make one with begin() and advance()."""

    turn: int
    trust: float
    hurt: float
    uncertainty: float
    #: Count of every tag, in TAGS order.
    tag_counts: tuple[int, ...]
    mixed_signals: int
    #: Constructive acts in a row just before now (untagged acts neither extend nor break it).
    streak: int
    #: The last warm or distant signal, to detect flips.
    last_signal: Signal | None
    rules: ScoringRules

    @property
    def counts(self) -> Mapping[str, int]:
        return MappingProxyType(dict(zip(TAGS, self.tag_counts, strict=True)))

    def scores(self) -> tuple[float, float, float, float]:
        """Unrounded scores so far, in SCORE_NAMES order."""
        return scores_of(self.rules, self.tag_counts, self.mixed_signals)

    def score(self, name: str) -> float:
        """The score `name` (one of SCORE_NAMES) so far, 0-100, unrounded."""
        try:
            index = SCORE_NAMES.index(name)
        except ValueError:
            raise KeyError(f"unknown score {name!r}") from None
        return self.scores()[index]

    def lookup(self, name: str) -> float:
        """A value for scenario conditions: trust, hurt, uncertainty, turn, score.<dimension>,
        count.<tag> (KeyError for any other name)."""
        if name == "trust":
            return self.trust
        if name == "hurt":
            return self.hurt
        if name == "uncertainty":
            return self.uncertainty
        if name == "turn":
            return self.turn
        kind, _, rest = name.partition(".")
        if kind == "score" and rest in SCORE_NAMES:
            return self.score(rest)
        if kind == "count" and rest in TAG_INDEX:
            return self.tag_counts[TAG_INDEX[rest]]
        raise KeyError(f"unknown name {name!r}")


_NO_COUNTS = (0,) * len(TAGS)


def begin(rules: ScoringRules) -> Tally:
    """The state before any choice."""
    return Tally(0, rules.initial_trust, INITIAL_HURT, INITIAL_UNCERTAINTY, _NO_COUNTS, 0, 0,
                 None, rules)


# attrs' generated __init__ for a frozen class sets each field through a bound
# object.__setattr__, which made up half the cost of advance(). advance() fills the slots with
# their descriptors instead: the same object, built about twice as fast.
_new = object.__new__
(_set_turn, _set_trust, _set_hurt, _set_uncertainty, _set_tag_counts, _set_mixed_signals,
 _set_streak, _set_last_signal, _set_rules) = (
    getattr(Tally, name).__set__
    for name in ("turn", "trust", "hurt", "uncertainty", "tag_counts", "mixed_signals",
                 "streak", "last_signal", "rules")
)
if len(fields(Tally)) != 9:  # pragma: no cover - a guard for whoever adds a field
    raise RuntimeError("advance() must set every field of Tally")


def advance(rules: ScoringRules, tally: Tally, act: Act) -> Tally:
    """The state after `act`; pure."""
    compiled = rules._compiled.get(act) or compile_act(rules, act)
    trust, hurt, uncertainty, streak, last, flipped = step(
        rules.ceiling, tally.trust, tally.hurt, tally.uncertainty, tally.streak,
        tally.last_signal, compiled,
    )
    counts = tally.tag_counts
    indices = compiled[0]
    if indices:
        bumped = list(counts)
        for i in indices:
            bumped[i] += 1
        counts = tuple(bumped)
    new = _new(Tally)
    _set_turn(new, tally.turn + 1)
    _set_trust(new, trust)
    _set_hurt(new, hurt)
    _set_uncertainty(new, uncertainty)
    _set_tag_counts(new, counts)
    _set_mixed_signals(new, tally.mixed_signals + compiled[10] + flipped)
    _set_streak(new, streak)
    _set_last_signal(new, last)
    _set_rules(new, rules)
    return new
