"""`trustsim check` against the standard library's bare TOML parse of the same file.

Goal (issue 2): the whole check costs less than `tomllib.loads` alone, at every size.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

from bench.generate import scenario_text
from trustsim.loader import check_file

SIZES = ((1_000, 7), (10_000, 5), (100_000, 1))


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    print("check: median seconds, and ratio to tomllib.loads of the same file (goal < 1.0)")
    print(f"{'nodes':>8} {'variant':>8} {'MB':>6} {'tomllib':>9} {'check':>9} {'ratio':>7}")
    with tempfile.TemporaryDirectory() as folder:
        for nodes, repeats in SIZES:
            for broken in (False, True):
                text = scenario_text(nodes, broken=broken)
                path = Path(folder) / f"s{nodes}.toml"
                path.write_text(text, encoding="utf-8")
                result = check_file(path)
                assert result.ok != broken, [d.render() for d in result.diagnostics[:3]]
                base = median_seconds(lambda p=path: tomllib.loads(p.read_text("utf-8")),
                                      repeats)
                ours = median_seconds(lambda p=path: check_file(p), repeats)
                variant = "broken" if broken else "valid"
                print(f"{nodes:>8} {variant:>8} {len(text) / 1e6:>6.1f} {base:>9.3f} "
                      f"{ours:>9.3f} {ours / base:>7.2f}", flush=True)


if __name__ == "__main__":
    main()
