"""The seven properties of SPEC section 4, each proven over generated paths and settings.

Every test draws the scenario settings too (initial trust, ceiling, weight overrides), so the
properties hold for any scenario an author may write, not just the defaults. Strict
inequalities are checked on the unrounded scores (`Tally.score`); the rounded report scores can
only tie there, and are checked with the non-strict form.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import attrs
from hypothesis import assume, given, settings, target
from hypothesis import strategies as st

from trustsim.scoring import (
    ASYMMETRY_THRESHOLD,
    MAX_WEIGHT,
    MIN_WEIGHT,
    SCORE_NAMES,
    TAGS,
    TAXONOMY,
    Act,
    ScoringRules,
    Signal,
    Tally,
    advance,
    begin,
    score_path,
)

# Applied test by test rather than as a profile, which would change every other test file too.
checked = settings(deadline=None, max_examples=100)

CONSTRUCTIVE = tuple(t for t in TAGS if TAXONOMY[t].constructive)
DESTRUCTIVE = tuple(t for t in TAGS if not TAXONOMY[t].constructive)
NON_STEADY = (Signal.WARM, Signal.DISTANT)

weights = st.floats(MIN_WEIGHT, MAX_WEIGHT)


@st.composite
def scoring_rules(draw: st.DrawFn, min_initial: float = 0.0) -> ScoringRules:
    initial = draw(st.floats(min_initial, 100.0))
    ceiling = draw(st.floats(initial, 100.0))
    overrides = draw(st.dictionaries(st.sampled_from(TAGS), weights))
    return ScoringRules(initial_trust=initial, ceiling=ceiling, weights=overrides)


def tag_sets(pool: Sequence[str], min_size: int = 0) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(pool), min_size=min_size, max_size=3, unique=True).map(tuple)


def acts(
    pool: Sequence[str] = TAGS, min_tags: int = 0, signals: Sequence[Signal] = tuple(Signal)
) -> st.SearchStrategy[Act]:
    return st.builds(
        Act, tags=tag_sets(pool, min_tags), signal=st.sampled_from(signals),
        label=st.sampled_from(["", "a choice"]),
    )


paths = st.lists(acts(), max_size=25)
constructive_acts = acts(CONSTRUCTIVE, min_tags=1)


def fold(rules: ScoringRules, path: Sequence[Act], tally: Tally | None = None) -> Tally:
    tally = begin(rules) if tally is None else tally
    for act in path:
        tally = advance(rules, tally, act)
    return tally


def outcome(rules: ScoringRules, path: Sequence[Act]) -> tuple[float, ...]:
    """Every unrounded score, then the final trust."""
    tally = fold(rules, path)
    return (*tally.scores(), tally.trust)


def rounded(rules: ScoringRules, path: Sequence[Act]) -> tuple[int, ...]:
    return tuple(score_path(rules, path).scores[name] for name in SCORE_NAMES)


def at_least(better: Sequence[float], worse: Sequence[float]) -> bool:
    return all(b >= w for b, w in zip(better, worse, strict=True))


# 1. Bounds and determinism ------------------------------------------------------------------

@checked
@given(scoring_rules(), paths)
def test_bounds_and_determinism(rules: ScoringRules, path: list[Act]) -> None:
    report = score_path(rules, path)
    # A rebuilt, equal input gives an equal report, down to the last bit and the JSON.
    again = score_path(attrs.evolve(rules), [attrs.evolve(act) for act in path])
    assert again == report
    assert again.to_json() == report.to_json()

    assert all(0 <= report.scores[name] <= 100 for name in SCORE_NAMES)
    assert all(0.0 <= v <= rules.ceiling for v in report.trust)
    assert all(0.0 <= v <= 100.0 for v in report.hurt + report.uncertainty)
    assert len(report.trust) == len(report.hurt) == len(report.uncertainty) == len(path) + 1

    tally = begin(rules)
    for act in path:
        tally = advance(rules, tally, act)
        assert all(0.0 <= tally.score(name) <= 100.0 for name in SCORE_NAMES)
        assert 0.0 <= tally.trust <= rules.ceiling
        assert 0.0 <= tally.hurt <= 100.0 and 0.0 <= tally.uncertainty <= 100.0


@checked
@given(scoring_rules(), paths)
def test_advance_agrees_with_score_path(rules: ScoringRules, path: list[Act]) -> None:
    report = score_path(rules, path)
    tallies = [begin(rules)]
    for act in path:
        tallies.append(advance(rules, tallies[-1], act))
    final = tallies[-1]
    assert tuple(t.trust for t in tallies) == report.trust
    assert tuple(t.hurt for t in tallies) == report.hurt
    assert tuple(t.uncertainty for t in tallies) == report.uncertainty
    assert dict(final.counts) == dict(report.counts)
    assert final.mixed_signals == report.mixed_signals
    assert final.turn == len(path)
    assert {name: int(final.score(name) + 0.5) for name in SCORE_NAMES} == dict(report.scores)


@checked
@given(scoring_rules(), paths)
def test_mixed_signals_are_tags_plus_flips(rules: ScoringRules, path: list[Act]) -> None:
    signals = [act.signal for act in path if act.signal is not Signal.STEADY]
    flips = sum(a is not b for a, b in itertools.pairwise(signals))
    tagged = sum("mixed_signal" in act.tags for act in path)
    assert score_path(rules, path).mixed_signals == tagged + flips


@checked
@given(scoring_rules(), paths)
def test_contributions_explain_the_scores(rules: ScoringRules, path: list[Act]) -> None:
    report = score_path(rules, path)
    final = fold(rules, path)
    for dimension in ("accountability", "consistency", "respect"):
        moved = [c.delta for c in report.contributions if c.dimension == dimension]
        assert abs(50.0 + sum(moved) - final.score(dimension)) < 1e-6
    for c in report.contributions:
        assert c.label == path[c.turn].label
        if c.tag == "signal":
            assert c.delta < 0 and "mixed signal" in c.reason
        else:
            assert c.tag in path[c.turn].tags
            assert (c.delta > 0) == TAXONOMY[c.tag].constructive
            assert c.reason == TAXONOMY[c.tag].principle


# 2. Neutral start ---------------------------------------------------------------------------

@checked
@given(scoring_rules())
def test_neutral_start(rules: ScoringRules) -> None:
    report = score_path(rules, [])
    assert dict(report.scores) == dict.fromkeys(SCORE_NAMES, 50)
    assert report.trust == (rules.initial_trust,)
    assert len(report.hurt) == len(report.uncertainty) == 1
    assert set(report.counts.values()) == {0} and set(report.counts) == set(TAGS)
    assert report.mixed_signals == 0 and report.contributions == ()
    tally = begin(rules)
    assert [tally.score(name) for name in SCORE_NAMES] == [50.0] * 4
    assert tally.trust == rules.initial_trust


@checked
@given(scoring_rules(), st.lists(acts(signals=(Signal.STEADY,)), max_size=10), st.data())
def test_untouched_dimension_stays_neutral(
    rules: ScoringRules, path: list[Act], data: st.DataObject
) -> None:
    dimension = data.draw(st.sampled_from(["accountability", "consistency", "respect"]))
    path = [
        attrs.evolve(a, tags=tuple(t for t in a.tags if TAXONOMY[t].dimension != dimension))
        for a in path
    ]
    assert fold(rules, path).score(dimension) == 50.0


# 3. Monotone --------------------------------------------------------------------------------

def _swap(act: Act, keep_constructive: bool, new: tuple[str, ...]) -> Act:
    kept = tuple(t for t in act.tags if TAXONOMY[t].constructive is keep_constructive)
    return attrs.evolve(act, tags=kept + tuple(t for t in new if t not in kept))


@checked
@given(scoring_rules(), paths.filter(bool), tag_sets(CONSTRUCTIVE, 1), st.data())
def test_monotone_constructive_instead_of_destructive(
    rules: ScoringRules, path: list[Act], better_tags: tuple[str, ...], data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(path) - 1))
    better = [*path[:i], _swap(path[i], True, better_tags), *path[i + 1:]]
    assert at_least(outcome(rules, better), outcome(rules, path))
    assert at_least(rounded(rules, better), rounded(rules, path))


@checked
@given(scoring_rules(), paths.filter(bool), tag_sets(DESTRUCTIVE, 1), st.data())
def test_monotone_destructive_mirror(
    rules: ScoringRules, path: list[Act], worse_tags: tuple[str, ...], data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(path) - 1))
    worse = [*path[:i], _swap(path[i], False, worse_tags), *path[i + 1:]]
    assert at_least(outcome(rules, path), outcome(rules, worse))
    assert at_least(rounded(rules, path), rounded(rules, worse))


@checked
@given(scoring_rules(), paths, tag_sets(CONSTRUCTIVE, 1), tag_sets(DESTRUCTIVE, 1))
def test_monotone_appending(
    rules: ScoringRules, path: list[Act], good: tuple[str, ...], bad: tuple[str, ...]
) -> None:
    with_good = [*path, Act(good, Signal.STEADY)]
    with_bad = [*path, Act(bad, Signal.STEADY)]
    assert at_least(outcome(rules, with_good), outcome(rules, path))
    assert at_least(rounded(rules, with_good), rounded(rules, path))
    assert at_least(outcome(rules, path), outcome(rules, with_bad))
    assert at_least(rounded(rules, path), rounded(rules, with_bad))


# 4. Order -----------------------------------------------------------------------------------

@checked
@given(scoring_rules(), paths, st.data())
def test_order_accountability_and_respect_do_not_depend_on_order(
    rules: ScoringRules, path: list[Act], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(path))
    a, b = fold(rules, path), fold(rules, shuffled)
    for name in ("accountability", "respect"):
        assert a.score(name) == b.score(name)
        assert score_path(rules, path).scores[name] == score_path(rules, shuffled).scores[name]


@checked
@given(scoring_rules(), paths, st.data())
def test_order_of_tags_within_a_choice_does_not_matter(
    rules: ScoringRules, path: list[Act], data: st.DataObject
) -> None:
    reordered = [attrs.evolve(a, tags=tuple(data.draw(st.permutations(a.tags)))) for a in path]
    assert fold(rules, reordered) == fold(rules, path)


@checked
@given(
    scoring_rules(),
    st.lists(acts(signals=(Signal.WARM,)), min_size=2, max_size=6),
    st.lists(acts(signals=(Signal.DISTANT,)), min_size=2, max_size=6),
    st.lists(acts(signals=(Signal.STEADY,)), max_size=6),
    st.data(),
)
def test_order_alternating_beats_grouped_in_mixed_signals_and_loses_consistency(
    rules: ScoringRules, warm: list[Act], distant: list[Act], steady: list[Act],
    data: st.DataObject,
) -> None:
    grouped = warm + distant
    alternating = [a for pair in zip(warm, distant, strict=False) for a in pair]
    pairs = min(len(warm), len(distant))
    alternating += warm[pairs:] + distant[pairs:]
    # Steady choices go to the same places in both orders: they neither flip nor reset.
    slots = data.draw(st.permutations([True] * len(grouped) + [False] * len(steady)))

    def place(non_steady: list[Act]) -> list[Act]:
        moving, still = iter(non_steady), iter(steady)
        return [next(moving) if slot else next(still) for slot in slots]

    g, a = place(grouped), place(alternating)
    assert sorted(map(repr, g)) == sorted(map(repr, a))  # the same choices
    g_report, a_report = score_path(rules, g), score_path(rules, a)
    assert a_report.mixed_signals > g_report.mixed_signals
    assert fold(rules, a).score("consistency") < fold(rules, g).score("consistency")
    assert a_report.scores["consistency"] <= g_report.scores["consistency"]


# 5. Asymmetry -------------------------------------------------------------------------------

@st.composite
def states(draw: st.DrawFn, rules: ScoringRules, min_trust: float = 0.0) -> Tally:
    """Any state at all, reachable or not: the worst case (no hurt, no uncertainty, a long
    streak, trust just at the threshold under a ceiling of 100) is rare on random paths."""
    return attrs.evolve(
        fold(rules, draw(st.lists(acts(), max_size=4))),
        trust=draw(st.floats(min_trust, rules.ceiling)),
        hurt=draw(st.floats(0.0, 100.0)),
        uncertainty=draw(st.floats(0.0, 100.0)),
        streak=draw(st.integers(0, 200)),
        last_signal=draw(st.sampled_from([None, *Signal])),
    )


def _loss_and_gain(rules: ScoringRules, tally: Tally, bad: Act, good: Act) -> tuple[float, float]:
    loss = tally.trust - advance(rules, tally, bad).trust
    gain = advance(rules, tally, good).trust - tally.trust
    # Steer the search towards the states where building comes closest to losing.
    target(gain / loss if loss > 0 else 1e9)
    return loss, gain


@checked
@given(
    scoring_rules(min_initial=ASYMMETRY_THRESHOLD),
    st.sampled_from(CONSTRUCTIVE),
    st.sampled_from(DESTRUCTIVE),
    weights,
    st.sampled_from(tuple(Signal)),
    st.sampled_from(tuple(Signal)),
    st.data(),
)
def test_asymmetry_losing_is_quicker_than_building(
    rules: ScoringRules, good: str, bad: str, w: float, good_signal: Signal, bad_signal: Signal,
    data: st.DataObject,
) -> None:
    rules = attrs.evolve(rules, weights={**rules.weights, good: w, bad: w})
    tally = data.draw(states(rules, min_trust=ASYMMETRY_THRESHOLD))
    loss, gain = _loss_and_gain(rules, tally, Act((bad,), bad_signal), Act((good,), good_signal))
    assert loss > gain


@checked
@given(
    scoring_rules(min_initial=ASYMMETRY_THRESHOLD),
    st.lists(acts(), max_size=12),
    constructive_acts,
    acts(DESTRUCTIVE, min_tags=1),
)
def test_asymmetry_on_played_paths_for_acts_of_several_tags(
    rules: ScoringRules, path: list[Act], good: Act, bad: Act
) -> None:
    # The weight of an act with several tags is the sum of their weights.
    assume(sum(map(rules.weight, bad.tags)) >= sum(map(rules.weight, good.tags)))
    tally = fold(rules, path)
    assume(tally.trust >= ASYMMETRY_THRESHOLD)
    loss, gain = _loss_and_gain(rules, tally, bad, good)
    assert loss > gain


# 6. Compounding -----------------------------------------------------------------------------

@checked
@given(
    scoring_rules(),
    st.lists(acts(), max_size=12),
    st.lists(constructive_acts, min_size=1, max_size=8),
    constructive_acts,
)
def test_compounding_a_streak_gains_more(
    rules: ScoringRules, path: list[Act], streak: list[Act], act: Act
) -> None:
    on_streak = fold(rules, path + streak)
    assert on_streak.streak >= 1
    # The same state (trust, hurt, uncertainty, signals), only with no streak behind it.
    fresh = attrs.evolve(on_streak, streak=0)
    # Below the ceiling by more than rounding noise: a hair below it, no gain can show.
    assume(rules.ceiling - on_streak.trust > 1e-9)
    gain_on_streak = advance(rules, on_streak, act).trust - on_streak.trust
    gain_fresh = advance(rules, fresh, act).trust - fresh.trust
    assert gain_on_streak > gain_fresh > 0


@checked
@given(scoring_rules(), constructive_acts, st.integers(1, 500), st.data())
def test_compounding_from_any_state(
    rules: ScoringRules, act: Act, streak: int, data: st.DataObject
) -> None:
    fresh = attrs.evolve(data.draw(states(rules)), streak=0)
    assume(rules.ceiling - fresh.trust > 1e-9)
    on_streak = attrs.evolve(fresh, streak=streak)
    gain_on_streak = advance(rules, on_streak, act).trust - on_streak.trust
    gain_fresh = advance(rules, fresh, act).trust - fresh.trust
    assert gain_on_streak > gain_fresh > 0


# 7. Ceiling ---------------------------------------------------------------------------------

@checked
@given(scoring_rules(), st.lists(acts(CONSTRUCTIVE, min_tags=1), max_size=80), paths)
def test_ceiling_is_never_passed(
    rules: ScoringRules, good_only: list[Act], path: list[Act]
) -> None:
    for p in (good_only, path, path + good_only):
        assert max(score_path(rules, p).trust) <= rules.ceiling
