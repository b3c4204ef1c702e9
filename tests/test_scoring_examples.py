"""Examples that pin what a reader of the essay expects, and the scoring API's edges."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence

import attrs
import pytest

from trustsim.scoring import (
    ASYMMETRY_THRESHOLD,
    DEFAULT_WEIGHTS,
    SCORE_NAMES,
    TAGS,
    TAXONOMY,
    Act,
    Contribution,
    Dimension,
    Report,
    ScoringRules,
    Signal,
    Tally,
    advance,
    begin,
    display_score,
    score_path,
)

RULES = ScoringRules(initial_trust=30, ceiling=80)
WARM, STEADY, DISTANT = Signal.WARM, Signal.STEADY, Signal.DISTANT


def act(*tags: str, signal: Signal = STEADY, label: str = "") -> Act:
    return Act(tags, signal, label)


def fold(path: Sequence[Act], rules: ScoringRules = RULES) -> Tally:
    tally = begin(rules)
    for a in path:
        tally = advance(rules, tally, a)
    return tally


# A node where the player has just been caught out, reached the same way in every example.
BEFORE = [act("acknowledge_hurt", label="You're right to be angry.")]
AFTER = [act("respect_pace", label="Take the time you need; I'm around.")]


def test_owning_the_mistake_beats_an_excuse_on_the_same_node() -> None:
    owned = score_path(RULES, [*BEFORE, act("accountability", label="I lied. That's on me."),
                               *AFTER])
    excused = score_path(RULES, [*BEFORE, act("excuse", label="Work was insane this week."),
                                 *AFTER])
    assert owned.scores["accountability"] > excused.scores["accountability"]
    assert owned.scores["overall"] > excused.scores["overall"]
    assert owned.trust[-1] > excused.trust[-1]
    assert owned.hurt[-1] < excused.hurt[-1]


def test_i_wont_do_it_again_scores_below_a_kept_small_promise() -> None:
    promised = score_path(RULES, [*BEFORE, act("empty_promise", label="I won't do it again."),
                                  *AFTER])
    kept = score_path(RULES, [*BEFORE, act("consistent_action", label="You're home at six."),
                              *AFTER])
    assert promised.scores["consistency"] < 50 < kept.scores["consistency"]
    assert promised.scores["overall"] < kept.scores["overall"]
    assert promised.trust[-1] < kept.trust[-1]


@pytest.mark.parametrize("tags", [(), ("clear_message",), ("respect_pace",)])
def test_warm_distant_warm_distant_scores_below_warm_warm_distant_distant(
    tags: tuple[str, ...],
) -> None:
    alternating = score_path(RULES, [act(*tags, signal=s) for s in (WARM, DISTANT) * 2])
    grouped = score_path(RULES, [act(*tags, signal=s) for s in (WARM, WARM, DISTANT, DISTANT)])
    assert (alternating.mixed_signals, grouped.mixed_signals) == (3, 1)
    assert alternating.scores["consistency"] < grouped.scores["consistency"]
    assert alternating.scores["overall"] < grouped.scores["overall"]
    assert alternating.uncertainty[-1] > grouped.uncertainty[-1]


def test_steady_choices_do_not_reset_the_signal_pattern() -> None:
    report = score_path(RULES, [act(signal=WARM), act(), act(signal=DISTANT), act(),
                                act(signal=DISTANT), act(signal=WARM)])
    assert report.mixed_signals == 2
    assert [c.reason for c in report.contributions] == [
        "signal flipped from warm to distant: mixed signal",
        "signal flipped from distant to warm: mixed signal",
    ]
    assert [(c.turn, c.tag, c.dimension) for c in report.contributions] == [
        (2, "signal", Dimension.CONSISTENCY), (5, "signal", Dimension.CONSISTENCY)
    ]


def test_best_path_beats_worst_by_far() -> None:
    best = score_path(RULES, [act("accountability"), act("acknowledge_hurt"),
                              act("consistent_action"), act("respect_pace"),
                              act("clear_message")])
    worst = score_path(RULES, [act("excuse"), act("minimise"), act("empty_promise"),
                               act("pressure"), act("withdrawal")])
    assert best.scores["overall"] - worst.scores["overall"] >= 40
    assert all(best.scores[n] > 50 > worst.scores[n] for n in SCORE_NAMES)
    assert best.trust[-1] > RULES.initial_trust > worst.trust[-1]


def test_a_dimension_with_no_tagged_choices_stays_neutral() -> None:
    report = score_path(RULES, [act("accountability"), act("excuse"), act("acknowledge_hurt")])
    assert report.scores["consistency"] == report.scores["respect"] == 50


def test_trust_is_slow_to_build_and_quick_to_lose() -> None:
    tally = fold([act("accountability"), act("acknowledge_hurt")])
    built = tally.trust - RULES.initial_trust
    lost = tally.trust - advance(RULES, tally, act("excuse")).trust
    assert 0 < built < lost


def test_a_streak_of_constructive_choices_grows_faster() -> None:
    trust = score_path(RULES, [act("consistent_action")] * 6).trust
    gains = [b - a for a, b in itertools.pairwise(trust)]
    # Each gain is a share of a shrinking distance to the ceiling, yet the first ones grow.
    assert gains[0] < gains[1] < gains[2]
    broken = score_path(RULES, [act("consistent_action"), act("consistent_action"),
                                act("excuse"), act("consistent_action")]).trust
    assert broken[4] - broken[3] < gains[2]


def test_trust_approaches_but_never_passes_the_ceiling() -> None:
    trust = score_path(RULES, [act("consistent_action", "clear_message")] * 300).trust
    assert trust[-1] <= RULES.ceiling and trust[-1] > RULES.ceiling - 1
    assert list(trust) == sorted(trust)


def test_hurt_rises_most_with_dismissive_acts_and_eases_slowly_with_acknowledgement() -> None:
    start = begin(RULES).hurt
    rises = {t: fold([act(t)]).hurt - start for t in TAGS if not TAXONOMY[t].constructive}
    dismissive = {"minimise", "blame_shift", "pressure"}
    assert min(rises[t] for t in dismissive) > max(
        r for t, r in rises.items() if t not in dismissive
    )
    hurt = score_path(RULES, [act("minimise"), act("acknowledge_hurt"),
                              act("acknowledge_hurt")]).hurt
    assert hurt[1] > hurt[2] > hurt[3]
    # Slowly: one acknowledgement heals less than one dismissal wounds.
    assert hurt[2] > hurt[0]


def test_mixed_signals_and_withdrawal_raise_uncertainty_steadiness_lowers_it() -> None:
    start = begin(RULES).uncertainty
    assert fold([act("mixed_signal")]).uncertainty > start
    assert fold([act("withdrawal")]).uncertainty > start
    assert fold([act(signal=WARM), act(signal=DISTANT)]).uncertainty > start
    assert fold([act("consistent_action")]).uncertainty < start
    assert fold([act("clear_message")]).uncertainty < start


def test_asymmetry_threshold_is_needed() -> None:
    # With little trust left there is little to lose, and a good act can win back more.
    rules = ScoringRules(initial_trust=5, ceiling=100)
    tally = attrs.evolve(begin(rules), hurt=0.0, uncertainty=0.0, streak=50)
    loss = tally.trust - advance(rules, tally, act("excuse")).trust
    gain = advance(rules, tally, act("acknowledge_hurt")).trust - tally.trust
    assert gain > loss
    # At the threshold, in the worst case for it, losing is quicker again.
    tally = attrs.evolve(tally, trust=ASYMMETRY_THRESHOLD)
    loss = tally.trust - advance(rules, tally, act("excuse")).trust
    gain = advance(rules, tally, act("acknowledge_hurt")).trust - tally.trust
    assert loss > gain


def test_weights_change_what_a_tag_costs() -> None:
    heavy = ScoringRules(initial_trust=30, ceiling=80, weights={"excuse": 3})
    path = [act("accountability"), act("excuse")]
    assert score_path(heavy, path).scores["accountability"] < score_path(
        RULES, path).scores["accountability"]
    assert score_path(heavy, path).trust[-1] < score_path(RULES, path).trust[-1]
    assert heavy.weight("excuse") == 3.0 and heavy.weight("pity") == DEFAULT_WEIGHTS["pity"]


# API ----------------------------------------------------------------------------------------

def test_report_json() -> None:
    report = score_path(RULES, [act("accountability", signal=WARM, label="I lied."),
                                act("excuse", signal=DISTANT, label="But work...")])
    data = report.to_json()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"scores", "counts", "mixed_signals", "trust", "hurt", "uncertainty",
                         "contributions"}
    assert data["scores"] == dict(report.scores)
    assert data["counts"] == {t: int(t in {"accountability", "excuse"}) for t in TAGS}
    assert data["mixed_signals"] == 1
    assert data["trust"] == [round(v, 2) for v in report.trust]
    assert data["trust"][0] == 30
    contributions = data["contributions"]
    assert isinstance(contributions, list)
    assert contributions[0] == {
        "turn": 0, "label": "I lied.", "tag": "accountability", "dimension": "accountability",
        "delta": round(report.contributions[0].delta, 2),
        "reason": TAXONOMY["accountability"].principle,
    }
    assert [(c["turn"], c["tag"]) for c in contributions] == [
        (0, "accountability"), (1, "excuse"), (1, "signal")
    ]
    assert isinstance(report, Report) and isinstance(report.contributions[0], Contribution)


def test_display_rounds_half_up() -> None:
    assert [display_score(v) for v in (0.0, 49.5, 50.0, 62.5, 99.49, 100.0)] == [
        0, 50, 50, 63, 99, 100
    ]


def test_lookup_names_for_conditions() -> None:
    tally = fold([act("accountability"), act("excuse", signal=WARM),
                  act("excuse", signal=DISTANT)])
    assert tally.lookup("trust") == tally.trust
    assert tally.lookup("hurt") == tally.hurt
    assert tally.lookup("uncertainty") == tally.uncertainty
    assert tally.lookup("turn") == 3
    assert tally.lookup("count.excuse") == 2 == tally.counts["excuse"]
    assert tally.lookup("count.pity") == 0
    for name in SCORE_NAMES:
        assert tally.lookup(f"score.{name}") == tally.score(name)
    assert tally.mixed_signals == 1
    for bad in ("trusts", "score.", "score.trust", "count.excuses", "flag.x", ""):
        with pytest.raises(KeyError):
            tally.lookup(bad)
    with pytest.raises(KeyError):
        tally.score("honesty")


def test_rules_validation() -> None:
    assert ScoringRules() == ScoringRules(30, 80, {})
    assert hash(ScoringRules()) == hash(ScoringRules(30.0, 80.0))
    ScoringRules(initial_trust=0, ceiling=0)
    ScoringRules(initial_trust=100, ceiling=100, weights={"pity": 0.1, "excuse": 10})
    with pytest.raises(ValueError, match="ceiling"):
        ScoringRules(initial_trust=50, ceiling=40)
    with pytest.raises(ValueError, match="ceiling"):
        ScoringRules(initial_trust=50, ceiling=101)
    with pytest.raises(ValueError, match="initial"):
        ScoringRules(initial_trust=-1)
    with pytest.raises(ValueError, match='did you mean "excuse"'):
        ScoringRules(weights={"excsue": 2.0})
    for bad in (0, 0.05, 11, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            ScoringRules(weights={"excuse": bad})
    with pytest.raises(TypeError):
        ScoringRules(weights={"excuse": True})
    with pytest.raises(TypeError):
        ScoringRules(initial_trust="30")
    with pytest.raises(KeyError):
        ScoringRules().weight("honesty")
    rules = ScoringRules(weights={"excuse": 2})
    with pytest.raises(TypeError):
        rules.weights["excuse"] = 3  # type: ignore[index]


def test_act_validation() -> None:
    assert Act(["excuse"], "warm") == Act(("excuse",), Signal.WARM)
    with pytest.raises(ValueError, match='did you mean "minimise"'):
        Act(("minimize",))
    with pytest.raises(ValueError, match="duplicate"):
        Act(("excuse", "excuse"))
    with pytest.raises(ValueError):
        Act((), "lukewarm")


def test_taxonomy_rests_on_the_essay() -> None:
    for tag, behaviour in TAXONOMY.items():
        assert behaviour.tag == tag
        assert behaviour.description and behaviour.principle
        assert behaviour.weight == DEFAULT_WEIGHTS[tag]
        assert 0 <= behaviour.hurt <= 1 and 0 <= behaviour.uncertainty <= 1
    assert set(SCORE_NAMES) == {"accountability", "consistency", "respect", "overall"}
