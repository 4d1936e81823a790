"""Benchmark: load + validate targets.csv at scale, on SYNTHETIC data in a temporary folder, never in data/.

Generates a synthetic project (sti_targets.dataset.synthetic, REGIONS x 50 targets; 3,000 regions =
150,000 targets) and prints the median wall time of:

- load_targets with its reference tables given (what the explorer and reports pay per load),
- the same with the three reference tables loaded too,
- each stage of loading targets.csv: reading the CSV into strings, checking the cells, typing the
  columns, checking the relations between columns, and the derived columns (the rest).

    python benchmarks/bench_load.py [--regions 3000] [--targets 50] [--runs 7] [--project ROOT]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from pathlib import Path


def timed(function, runs: int) -> tuple[float, list[float], float]:
    """Median wall seconds of ``runs`` calls, every run's wall seconds, and the median CPU seconds of
    this process (all its threads): on a machine shared with other work, wall time also counts the
    time the process waited for a core."""
    times, cpu = [], []
    for _ in range(runs):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), times, statistics.median(cpu)


def load_average() -> str:
    """The machine's load average over 1 minute, and its cores (other work slows every figure)."""
    return f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=3000)
    parser.add_argument("--targets", type=int, default=50, help="targets per region")
    parser.add_argument("--runs", type=int, default=7, help="runs per timing (the median is shown)")
    parser.add_argument(
        "--project",
        type=Path,
        help="a synthetic project made before (python -m sti_targets.dataset.synthetic ROOT ...), not generated again",
    )
    args = parser.parse_args()

    from sti_targets.dataset import loaders
    from sti_targets.dataset.synthetic import generate

    with tempfile.TemporaryDirectory() as tmp:
        data = (args.project or generate(Path(tmp) / "project", args.regions, args.targets)) / "data"
        regions = loaders.load_regions(data / "regions.csv")
        indicators = loaders.load_indicators(data / "indicators.csv")
        documents = loaders.load_documents(data / "documents.csv", regions=regions)
        path = data / "targets.csv"

        def load():
            return loaders.load_targets(path, regions=regions, indicators=indicators, documents=documents)

        def load_all():
            r = loaders.load_regions(data / "regions.csv")
            i = loaders.load_indicators(data / "indicators.csv")
            d = loaders.load_documents(data / "documents.csv", regions=r)
            return loaders.load_targets(path, regions=r, indicators=i, documents=d)

        rows = len(load())
        median, runs, cpu = timed(load, args.runs)
        size = path.stat().st_size / 1e6
        print(f"{rows:,} targets, {size:.1f} MB; median of {args.runs} runs; load {load_average()}")
        print(
            f"load_targets (reference tables given): {median:.3f} s wall, {cpu:.3f} s CPU "
            f"(runs: {', '.join(f'{t:.3f}' for t in runs)})"
        )
        median, _, cpu = timed(load_all, args.runs)
        print(f"all four tables:                       {median:.3f} s wall, {cpu:.3f} s CPU")

        # Stages: time each by wrapping the loader's own functions (the same calls, in the same order).
        stages = {"read CSV": "read_table", "check cells": "validate_text", "type columns": "to_typed"}
        stages["check rows"] = "validate_rows"
        spent = dict.fromkeys(stages, 0.0)
        originals = {label: getattr(loaders, name) for label, name in stages.items()}

        def wrap(label):
            def call(*a, **k):
                start = time.perf_counter()
                try:
                    return originals[label](*a, **k)
                finally:
                    spent[label] += time.perf_counter() - start

            return call

        per_run = []
        try:
            for label, name in stages.items():
                setattr(loaders, name, wrap(label))
            for _ in range(args.runs):
                spent.update(dict.fromkeys(stages, 0.0))
                gc.collect()
                start = time.perf_counter()
                load()
                total = time.perf_counter() - start
                per_run.append({**spent, "derived columns (rest)": total - sum(spent.values())})
        finally:
            for label, name in stages.items():
                setattr(loaders, name, originals[label])
        print("stages of load_targets (median s):")
        for label in per_run[0]:
            print(f"  {statistics.median(r[label] for r in per_run):.3f}  {label}")


if __name__ == "__main__":
    main()
