"""`trustsim analyze` against `trustsim check` of the same generated file, and random
playthroughs of a bundled scenario.

Goals (issue 6): analyze without --random takes at most 1.5x check at every size (all the
work after the parse grows linearly); 10,000 random playthroughs of a bundled scenario take
under 2 seconds.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.generate import scenario_text
from trustsim.authoring.analyze import analyze
from trustsim.authoring.randomtest import random_playthroughs
from trustsim.loader import check_file, load_scenario

SIZES = ((1_000, 9), (10_000, 5), (100_000, 3))
BUNDLED = Path(__file__).resolve().parent.parent / "scenarios"
PLAYS = 10_000


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def paired_medians(first: Callable[[], object], second: Callable[[], object],
                   repeats: int) -> tuple[float, float]:
    """Median times of two actions, run in alternation so that both see the same load."""
    a, b = [], []
    for _ in range(repeats):
        a.append(seconds(first))
        b.append(seconds(second))
    return statistics.median(a), statistics.median(b)


def analyze_file(path: Path) -> None:
    result = check_file(path)
    if result.scenario is not None:
        analyze(result.scenario)


def main() -> None:
    print("analyze: median seconds, and ratio to check of the same file (goal <= 1.5)")
    print(f"{'nodes':>8} {'variant':>8} {'MB':>6} {'check':>9} {'analyze':>9} {'ratio':>7}"
          f"  method")
    with tempfile.TemporaryDirectory() as folder:
        for nodes, repeats in SIZES:
            for broken in (False, True):
                text = scenario_text(nodes, broken=broken)
                path = Path(folder) / f"s{nodes}.toml"
                path.write_text(text, encoding="utf-8")
                result = check_file(path)
                assert result.ok != broken, [d.render() for d in result.diagnostics[:3]]
                method = "-"
                if result.scenario is not None:
                    method = "exact" if analyze(result.scenario).search.exact else "sampled"
                base, ours = paired_medians(lambda path=path: check_file(path),
                                            lambda path=path: analyze_file(path), repeats)
                variant = "broken" if broken else "valid"
                print(f"{nodes:>8} {variant:>8} {len(text) / 1e6:>6.1f} {base:>9.3f} "
                      f"{ours:>9.3f} {ours / base:>7.2f}  {method}", flush=True)
    print()
    print(f"random playthroughs: {PLAYS:,} plays of each bundled scenario (goal < 2 s)")
    for file in sorted(BUNDLED.glob("*.toml")):
        scenario = load_scenario(file)
        taken = statistics.median(
            seconds(lambda scenario=scenario: random_playthroughs(scenario, PLAYS, 0))
            for _ in range(3))
        print(f"  {scenario.id:<32} {taken:6.2f} s", flush=True)


if __name__ == "__main__":
    main()
