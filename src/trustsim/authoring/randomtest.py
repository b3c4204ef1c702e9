"""Random playthroughs (`trustsim analyze --random N --seed S`), like ChoiceScript's
randomtest: N plays that pick uniformly among the choices on offer, and what they show.

The whole run is a function of (scenario, N, seed): one `random.Random(seed)` drives every
play in turn, so the same seed reproduces every play, and so the same report.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping

from attrs import frozen

from trustsim.authoring.compiled import Kind, collector_paused, compile_scenario
from trustsim.authoring.graph_facts import graph_facts, turn_limit
from trustsim.authoring.walk import Walker
from trustsim.model import Scenario
from trustsim.scoring import SCORE_NAMES, display_score

__all__ = ["RandomReport", "random_playthroughs"]

#: Called as progress(done, total) about a hundred times in a run.
Progress = Callable[[int, int], None]


@frozen
class RandomReport:
    scenario: str
    plays: int
    seed: int
    #: Plays abandoned after this many choices (only scenarios with loops can need it).
    max_turns: int
    #: (ending node id, title, plays that ended there), in file order, zeros included.
    endings: tuple[tuple[str, str, int], ...]
    unfinished: int
    #: Per score name: how many plays ended with each score 0..100 (as players see it).
    scores: Mapping[str, tuple[int, ...]]
    #: Mean final trust of the finished plays (None when none finished).
    mean_trust: float | None
    #: Nodes no play reached.
    unreached_nodes: tuple[str, ...]
    #: Choices no play took: (node id, position in its node's list from 1, text).
    unreached_choices: tuple[tuple[str, int, str], ...]

    def mean(self, score: str) -> float | None:
        bins = self.scores[score]
        total = sum(bins)
        return sum(v * n for v, n in enumerate(bins)) / total if total else None

    def to_json(self) -> dict[str, object]:
        return {
            "scenario": self.scenario,
            "plays": self.plays,
            "seed": self.seed,
            "max_turns": self.max_turns,
            "endings": [{"node": n, "title": t, "plays": c} for n, t, c in self.endings],
            "unfinished": self.unfinished,
            "scores": {
                name: {
                    "mean": _round(self.mean(name)),
                    "histogram": {str(v): c for v, c in enumerate(bins) if c},
                }
                for name, bins in self.scores.items()
            },
            "mean_trust": _round(self.mean_trust),
            "coverage": {
                "unreached_nodes": list(self.unreached_nodes),
                "unreached_choices": [{"node": n, "choice": i, "text": t}
                                      for n, i, t in self.unreached_choices],
            },
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def random_playthroughs(scenario: Scenario, plays: int, seed: int, *,
                        max_turns: int | None = None,
                        progress: Progress | None = None) -> RandomReport:
    with collector_paused():
        return _random_playthroughs(scenario, plays, seed, max_turns, progress)


def _random_playthroughs(scenario: Scenario, plays: int, seed: int, max_turns: int | None,
                         progress: Progress | None) -> RandomReport:
    cs = compile_scenario(scenario)
    facts = graph_facts(cs)
    limit = max_turns if max_turns is not None else turn_limit(cs, facts)
    walker = Walker(cs, limit)
    rng = random.Random(seed)
    ended = [0] * cs.size
    bins = [[0] * 101 for _ in SCORE_NAMES]
    unfinished = 0
    trust_total = 0.0
    every = max(1, plays // 100)
    for done in range(plays):
        v, tally, _, finished = walker.play(rng)
        if not finished:
            unfinished += 1
        else:
            ended[v] += 1
            trust_total += tally.trust
            for k, value in enumerate(tally.scores()):
                bins[k][display_score(value)] += 1
        if progress is not None and (done + 1) % every == 0:
            progress(done + 1, plays)
    finished_plays = plays - unfinished
    endings = tuple(
        (node_id, scenario.nodes[node_id].ending or "", ended[v])
        for v, node_id in enumerate(cs.ids) if cs.kinds[v] is Kind.ENDING
    )
    lost_choices = []
    for flat, (v, i) in enumerate(cs.choice_at):
        if not walker.reached_choices[flat]:
            node_id = cs.ids[v]
            lost_choices.append((node_id, i + 1, scenario.nodes[node_id].choices[i].text))
    return RandomReport(
        scenario=scenario.id, plays=plays, seed=seed, max_turns=limit, endings=endings,
        unfinished=unfinished,
        scores={name: tuple(bins[k]) for k, name in enumerate(SCORE_NAMES)},
        mean_trust=trust_total / finished_plays if finished_plays else None,
        unreached_nodes=tuple(cs.ids[v] for v in range(cs.size)
                              if not walker.reached_nodes[v]),
        unreached_choices=tuple(lost_choices),
    )
