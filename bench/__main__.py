"""`make bench`: every benchmark, each reported as ratios against a baseline from the same run."""

from __future__ import annotations

import importlib

BENCHMARKS = ("bench.bench_check", "bench.bench_scoring", "bench.bench_analyze", "bench.bench_tui",
              "bench.bench_serve")


def main() -> None:
    for name in BENCHMARKS:
        print(f"== {name}")
        importlib.import_module(name).main()
        print()


if __name__ == "__main__":
    main()
