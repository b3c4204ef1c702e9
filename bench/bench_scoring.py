"""How fast scoring is: one 10,000-choice path and a batch of 100,000 ten-choice paths.

Run with `python -m bench.bench_scoring` (or `make bench`). Two ways of scoring are timed:

- fold: `begin`, then `advance` per choice, then the four scores, which is what the play engine
  and the authoring search do (millions of times);
- report: `score_path`, the full report with trajectories and contributions (the debrief and
  `run --json`).

Times are CPU time of this process (one core), so other work on a shared machine disturbs them
less than wall time; they are still noisy, so each is also given as a ratio to a baseline timed
in the same run over the same choices: a bare loop that sums the choices' tag weights. Every
timing is the best of a few repeats.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence
from functools import partial

from trustsim.scoring import TAGS, Act, ScoringRules, Signal, advance, begin, score_path

GOAL = 20_000  # ten-choice paths per second, on one core


def make_choices(rng: random.Random, count: int = 60) -> list[Act]:
    """The distinct choices of an imaginary large scenario: 0-3 tags, any signal."""
    return [
        Act(tuple(rng.sample(TAGS, rng.choice((0, 1, 1, 1, 2, 2, 3)))),
            rng.choice(tuple(Signal)), f"choice {i}")
        for i in range(count)
    ]


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def fold(rules: ScoringRules, paths: Sequence[Sequence[Act]]) -> None:
    for path in paths:
        tally = begin(rules)
        for act in path:
            tally = advance(rules, tally, act)
        tally.scores()


def report(rules: ScoringRules, paths: Sequence[Sequence[Act]]) -> None:
    for path in paths:
        score_path(rules, path)


def baseline(rules: ScoringRules, paths: Sequence[Sequence[Act]]) -> None:
    weight = rules.weight
    for path in paths:
        total = 0.0
        for act in path:
            for tag in act.tags:
                total += weight(tag)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_scoring", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paths", type=int, default=100_000, help="short paths in the batch")
    parser.add_argument("--length", type=int, default=10, help="choices per short path")
    parser.add_argument("--long", type=int, default=10_000, help="choices in the long path")
    parser.add_argument("--repeat", type=int, default=3, help="timings to take the best of")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    choices = make_choices(rng)
    rules = ScoringRules(initial_trust=30, ceiling=80, weights={"excuse": 1.5})
    long_path = [rng.choice(choices) for _ in range(args.long)]
    paths = [[rng.choice(choices) for _ in range(args.length)] for _ in range(args.paths)]
    # Warm the per-rules memo of compiled choices, as any real session would have.
    score_path(rules, choices)

    print(f"scoring benchmark: best of {args.repeat}, {len(choices)} distinct choices")
    base_long = best_of(args.repeat, partial(baseline, rules, [long_path]))
    print(f"\none path of {args.long:,} choices")
    for name, run in (("fold", fold), ("report", report)):
        took = best_of(args.repeat, partial(run, rules, [long_path]))
        print(f"  {name:<8} {took * 1e3:8.1f} ms  {args.long / took:12,.0f} choices/s"
              f"  {took / base_long:6.1f} x baseline")
    print(f"  {'baseline':<8} {base_long * 1e3:8.1f} ms")

    base = best_of(args.repeat, partial(baseline, rules, paths))
    print(f"\n{args.paths:,} paths of {args.length} choices")
    for name, run in (("fold", fold), ("report", report)):
        took = best_of(args.repeat, partial(run, rules, paths))
        rate = args.paths / took
        verdict = "" if args.length != 10 else (
            f"  goal {GOAL:,}/s {'met' if rate >= GOAL else 'NOT met'}"
        )
        print(f"  {name:<8} {took:8.2f} s   {rate:12,.0f} paths/s"
              f"  {took / base:6.1f} x baseline{verdict}")
    print(f"  {'baseline':<8} {base:8.2f} s   {args.paths / base:12,.0f} paths/s")


if __name__ == "__main__":
    main()
