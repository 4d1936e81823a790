"""Time ``extract`` on the largest source document, in-process.

Run: .venv/bin/python benchmarks/bench_extract.py [REPEATS]

The first call also loads the OpenCC converter, data/indicators.csv and the keyword table
(data/lexicon/indicator_keywords.csv) and is reported apart; the figure to quote is the median of
the repeats after it.
"""

from __future__ import annotations

import statistics
import sys
import time

from sti_targets import load_documents
from sti_targets.extract import extract_targets, read_plan
from sti_targets.paths import DATA


def time_call(raw: str) -> tuple[float, int]:
    """Seconds taken by one extraction, and the number of candidates found."""
    start = time.perf_counter()
    found = extract_targets(raw)
    return time.perf_counter() - start, len(found)


def main(repeats: int = 7) -> None:
    files = [DATA / f for f in load_documents()["file"].astype(str)]
    largest = max(files, key=lambda path: path.stat().st_size)
    raw = read_plan(largest)
    cold, found = time_call(raw)
    timings = [time_call(raw)[0] for _ in range(repeats)]
    print(f"{largest.name}: {largest.stat().st_size / 1024:.0f} KB, {len(raw)} characters, {found} candidates")
    print(f"first call (loads converter, indicators and keywords): {cold * 1000:.0f} ms")
    print(
        f"median of {repeats}: {statistics.median(timings) * 1000:.0f} ms "
        f"(min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
