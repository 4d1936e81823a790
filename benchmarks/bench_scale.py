"""Benchmark: scale, on SYNTHETIC data (sti_targets.dataset.synthetic) in a temporary folder, never in data/.

1. Load + validate (load_targets with its reference tables), all data checks (run_checks, with
   every quote's provenance), and a filter update in the explorer's model (TargetFilter.filter),
   for a doubling series of regions x 50 targets up to 3,000 regions (150,000 targets), with the
   growth ratio per doubling.
2. `sti-targets render --jobs J` over N regions of a small synthetic project (N = 4, 8, 12; J = 1, 2):
   seconds per report and reports per minute from the slope of wall time over N; then the cost
   of one report and the per-run costs on the 3,000-region project, and from both the time for
   ~3,000 county-level regions on this machine.
3. With --probe-sizes N...: on a project of each size, a few region reports as a render worker
   runs them (warm kernel, the run's dataset cache), the worker's and its kernel's peak memory, and
   the per-report slope over N extrapolated to 3,000 regions.

    python benchmarks/bench_scale.py [--max-regions 3000] [--runs 5] [--no-render | --render-only]
                                     [--with-comparison] [--probe-sizes 300 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_load import timed  # (median wall seconds first; this script's folder is on sys.path)

BIN = Path(sys.executable).parent
FILTERS = (
    ("one region", {"regions": ["syn0001"]}),
    ("three categories", {"categories": ["platforms", "talent", "enterprises"]}),
    ("two types, one year", {"types": ["increment", "level"], "years": (2025, 2025)}),
    ("search 研发 (R&D)", {"text": "研发"}),
    ("search 'loan'", {"text": "loan"}),
    ("two categories + search 企业", {"categories": ["enterprises", "platforms"], "text": "企业"}),
)
LOG_LINE = re.compile(r"^\[\d+/\d+\] (\S+)\s+(\w+)\s+([\d.]+) s", re.M)


def series(largest: int) -> list[int]:
    """A doubling series ending at ``largest``: 94, 188, 375, 750, 1500, 3000."""
    return [round(largest / 2**k) for k in range(5, -1, -1) if round(largest / 2**k) >= 1]


def measure_data(root: Path, runs: int) -> dict:
    from sti_targets.analysis.explorer import TargetFilter
    from sti_targets.dataset.checks import run_checks
    from sti_targets.dataset.loaders import load_documents, load_indicators, load_regions, load_targets

    data = root / "data"

    def load_refs():
        regions = load_regions(data / "regions.csv")
        return (
            regions,
            load_indicators(data / "indicators.csv"),
            load_documents(data / "documents.csv", regions=regions),
        )

    regions, indicators, documents = load_refs()

    def load():
        return load_targets(data / "targets.csv", regions=regions, indicators=indicators, documents=documents)

    out = {"targets": len(load()), "load": timed(load, runs)[0]}
    out["load_all"] = timed(lambda: (load_refs(), load()), runs)[0]
    out["cached_load"] = cached_load(data, runs)
    out["checks"] = timed(lambda: run_checks(data), max(1, min(runs, 3)))[0]
    targets = load()
    start = time.perf_counter()
    model = TargetFilter(targets, regions)
    out["filter_init"] = time.perf_counter() - start
    out["filters"] = {label: timed(lambda kw=kw: model.filter(**kw), runs)[0] for label, kw in FILTERS}
    return out


def cached_load(data: Path, runs: int) -> float:
    """Seconds of Dataset.load from the cache render writes once per run: what a kernel pays for its
    first report (later ones in the same kernel reuse the tables it read)."""
    from sti_targets.dataset import loaders

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "dataset.pickle"
        loaders.Dataset.load(data).save(cache)
        os.environ[loaders.DATASET_CACHE] = str(cache)
        try:
            return timed(lambda: (loaders._READ.clear(), loaders.Dataset.load()), runs)[0]
        finally:
            del os.environ[loaders.DATASET_CACHE]


def ratio(values: list[float], i: int) -> str:
    return "" if i == 0 else f"{values[i] / values[i - 1]:.2f}x"


def part_one(work: Path, largest: int, targets: int, runs: int, measure: bool = True) -> Path:
    from sti_targets.dataset.synthetic import generate

    if not measure:
        return generate(work / f"regions{largest}", largest, targets)
    rows = []
    for n in series(largest):
        start = time.perf_counter()
        root = generate(work / f"regions{n}", n, targets)
        made = time.perf_counter() - start
        m = measure_data(root, runs)
        m["regions"], m["generate"] = n, made
        rows.append(m)
        filters = list(m["filters"].values())
        print(
            f"{n:5d} regions, {m['targets']:6d} targets: generated in {made:.1f} s; load+validate {m['load']:.3f} s; "
            f"filter median {statistics.median(filters) * 1000:.1f} ms",
            flush=True,
        )
    load = [r["load"] for r in rows]
    load_all = [r["load_all"] for r in rows]
    checks = [r["checks"] for r in rows]
    fmed = [statistics.median(r["filters"].values()) for r in rows]
    fmax = [max(r["filters"].values()) for r in rows]
    print(
        "\n| regions | targets | load+validate targets.csv (s) | growth | all 4 tables (s) | all checks (s) | growth "
        "| filter update, median (ms) | growth | slowest filter (ms) | cached load (s) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for i, r in enumerate(rows):
        print(
            f"| {r['regions']} | {r['targets']:,} | {load[i]:.3f} | {ratio(load, i)} | {load_all[i]:.3f} "
            f"| {checks[i]:.2f} | {ratio(checks, i)} | {fmed[i] * 1000:.1f} | {ratio(fmed, i)} | {fmax[i] * 1000:.1f} "
            f"| {r['cached_load']:.3f} |"
        )
    last = rows[-1]
    print(
        f"\nfilter updates at {last['targets']:,} targets (median of {runs}); "
        f"the model is built once, in {last['filter_init']:.2f} s:"
    )
    for label, seconds in last["filters"].items():
        print(f"  {seconds * 1000:7.1f} ms  {label}")
    return work / f"regions{rows[-1]['regions']}"


def render(root: Path, regions: list[str], jobs: int, output: Path) -> tuple[float, list[float]]:
    """Wall seconds of `sti-targets render` and the seconds of each region report (from its log)."""
    command = [str(BIN / "sti-targets"), "render", "--force", "--jobs", str(jobs), "--output", str(output)]
    for region in regions:
        command += ["--region", region]
    env = dict(os.environ, STI_TARGETS_ROOT=str(root))
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    per_report = [
        float(s)
        for name, status, s in LOG_LINE.findall(result.stderr)
        if name != "compare" and not name.startswith("sources/") and status == "ok"
    ]
    if len(per_report) != len(regions):
        raise SystemExit(f"render failed:\n{result.stderr}")
    return wall, per_report


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least-squares a + b·n through (n, seconds)."""
    ns, ts = zip(*points)
    mn, mt = statistics.fmean(ns), statistics.fmean(ts)
    b = sum((n - mn) * (t - mt) for n, t in points) / sum((n - mn) ** 2 for n in ns)
    return mt - b * mn, b


PROBE = """
import json, sys, time
from sti_targets.dataset import checks
from sti_targets.publish import render
out = {}
t = time.perf_counter(); jobs = render.plan_jobs(sys.argv[1:]); out["plan"] = time.perf_counter() - t
t = time.perf_counter(); problems, book = checks.check_and_load(); out["checks"] = time.perf_counter() - t
assert not problems, problems[:3]
from concurrent.futures import ThreadPoolExecutor
with ThreadPoolExecutor(max_workers=1) as pool:  # the pages' two font subsets, as render makes them
    t = time.perf_counter(); font = render.PageFont(pool, book); font._css.result(); font._source_css.result()
    out["page_text"] = time.perf_counter() - t
t = time.perf_counter(); digest = render.inputs_digest(); out["fingerprint"] = time.perf_counter() - t
from sti_targets.publish.pages import Site, region_summaries
import os, tempfile
from sti_targets.dataset.loaders import DATASET_CACHE
site = Site.of(book.regions, book.documents, digest)
t = time.perf_counter(); region_summaries(book.regions, book.documents, book.targets, site)
out["plan"] += time.perf_counter() - t
cache = tempfile.mkdtemp() + "/dataset.pickle"; book.save(cache); os.environ[DATASET_CACHE] = cache
reports = [job for job in jobs if job.name != "compare" and not job.is_source]
out["report"] = [render.render_one(job, 900, site)[0].seconds for job in reports]

def peak(pid):  # peak resident memory, MB
    status = open(f"/proc/{pid}/status").read()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024
out["worker_mb"] = peak(os.getpid())
out["kernel_mb"] = peak(render._warm["km"].provisioner.process.pid)
if __import__("os").environ.get("BENCH_COMPARISON"):
    outcome = render.render_one(jobs[-1], 1800, site)[0]
    out["comparison"] = [outcome.seconds, outcome.status, outcome.error[:80]]
print(json.dumps(out))
"""


def probe(root: Path, regions: list[str], comparison: bool = False) -> dict:
    """Per-run and per-report costs of render on a project: plan, checks, page text, one
    fingerprint, and each region report's seconds (render_one, as a worker runs it)."""
    env = dict(os.environ, STI_TARGETS_ROOT=str(root))
    if comparison:
        env["BENCH_COMPARISON"] = "1"
    result = subprocess.run(
        [str(BIN / "python"), "-c", PROBE, *regions], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise SystemExit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def part_two(work: Path, full: Path, sizes: list[int], jobs_values: list[int], comparison: bool) -> None:
    from sti_targets.dataset.synthetic import generate, region_id

    small = generate(work / "render", max(sizes), 50)
    print(
        f"\nrender on a {max(sizes)}-region synthetic project (the comparison notebook runs in each render "
        "too: a constant, in the intercept):"
    )
    slopes, intercepts, mean_report = {}, {}, {}
    for jobs in jobs_values:
        points = []
        per_report = []
        for n in sizes:
            wall, seconds = render(small, [region_id(i) for i in range(1, n + 1)], jobs, work / f"out-{jobs}-{n}")
            points.append((n, wall))
            per_report += seconds
            print(
                f"  --jobs {jobs}, {n} regions: {wall:6.1f} s wall; {statistics.fmean(seconds):.1f} s per report "
                "in its worker",
                flush=True,
            )
        intercepts[jobs], slopes[jobs] = fit(points)
        mean_report[jobs] = statistics.fmean(per_report)
        print(f"  --jobs {jobs}: wall = {intercepts[jobs]:.1f} s + {slopes[jobs]:.2f} s x regions")
    print("\n| --jobs | seconds per report (marginal wall) | reports per minute | speed-up |")
    print("|---:|---:|---:|---:|")
    first = jobs_values[0]
    for jobs in jobs_values:
        print(f"| {jobs} | {slopes[jobs]:.2f} | {60 / slopes[jobs]:.1f} | {slopes[first] / slopes[jobs]:.2f}x |")

    n_full = len(list((full / "data" / "sources").glob("*.txt")))
    few = [region_id(1), region_id(2)]
    p_small = probe(small, few)
    p_full = probe(full, few, comparison)
    print("\none region report, run as a render worker runs it (render_one; first, second), seconds:")
    print(
        f"  {max(sizes)}-region project: {', '.join(f'{s:.1f}' for s in p_small['report'])}; "
        f"{n_full}-region project: {', '.join(f'{s:.1f}' for s in p_full['report'])} (each kernel loads all targets)"
    )
    print(
        f"per-run costs on the {n_full}-region project: plan and index rows {p_full['plan']:.1f} s, data "
        f"checks {p_full['checks']:.1f} s, the pages' fonts {p_full['page_text']:.1f} s; fingerprint "
        f"{p_full['fingerprint']:.3f} s per run (it hashes every data and source file once)"
    )
    if "comparison" in p_full:
        seconds, status, error = p_full["comparison"]
        print(f"comparison notebook on {n_full} regions: {seconds:.0f} s, {status} {error}")

    jobs = max(jobs_values)
    # A report on the full project costs what one on the small project does, times the ratio of their
    # seconds in a warm worker (render_one, the fastest of two); the marginal wall per report with
    # --jobs J on the small project carries the parallel speed-up and the parent's work per page.
    small_report, report = min(p_small["report"]), min(p_full["report"])
    per_report = slopes[jobs] * report / small_report
    reports = n_full * per_report
    per_run = ("plan", "checks", "page_text", "fingerprint")
    fixed = intercepts[jobs] + sum(p_full[k] - p_small[k] for k in per_run)
    total = reports + fixed
    print(
        f"\nestimate for {n_full} regions, --jobs {jobs} on this {os.cpu_count()}-core machine:\n"
        f"  reports: {n_full} x {slopes[jobs]:.2f} s (marginal wall per report, --jobs {jobs}) x {report:.1f} / "
        f"{small_report:.1f} (one report at {n_full} / {max(sizes)} regions) = {n_full} x {per_report:.2f} s = "
        f"{reports / 3600:.2f} h\n"
        f"  per run (start-up, plan, checks, page text, inputs fingerprint): {fixed:.0f} s\n"
        f"  total: {total / 3600:.2f} h (the comparison notebook not included)"
    )


def part_three(work: Path, sizes: list[int], targets: int) -> None:
    """Per-report cost and peak memory on projects of each size, and the extrapolation to 3,000."""
    from sti_targets.dataset.synthetic import generate, region_id

    print("\nregion reports as a render worker runs them (warm kernel, dataset cache), by project size:")
    print("| regions | first report (s, new kernel) | next reports (s, warm) | worker peak (MB) | kernel peak (MB) |")
    print("|---:|---:|---:|---:|---:|")
    points = []
    for n in sizes:
        root = generate(work / f"probe{n}", n, targets)
        p = probe(root, [region_id(i) for i in range(1, 5)])
        warm = statistics.median(p["report"][1:])
        points.append((n, warm))
        print(f"| {n} | {p['report'][0]:.1f} | {warm:.2f} | {p['worker_mb']:.0f} | {p['kernel_mb']:.0f} |", flush=True)
    if len(points) > 1:
        a, b = fit(points)
        per_report = a + b * 3000
        print(
            f"warm report = {a:.2f} s + {b * 1000:.3f} ms x regions; at 3,000 regions {per_report:.2f} s per report, "
            f"so 3,000 reports on 2 workers ~ {3000 * per_report / 2 / 60:.0f} min (CPU-bound: 2 cores)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-regions", type=int, default=3000)
    parser.add_argument("--targets", type=int, default=50, help="targets per region")
    parser.add_argument("--runs", type=int, default=5, help="runs per timing (the median is shown)")
    parser.add_argument(
        "--render-regions",
        type=int,
        nargs="+",
        default=[4, 8, 12],
        help="region counts to render; from 4 up, so that the comparison job, which runs beside the region "
        "reports, adds the same to each (default: 4 8 12)",
    )
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-render", action="store_true", help="skip the render part")
    parser.add_argument("--render-only", action="store_true", help="skip the data figures (part 1)")
    parser.add_argument("--with-comparison", action="store_true", help="also time the comparison notebook at full size")
    parser.add_argument("--probe-sizes", type=int, nargs="*", default=[], help="project sizes for part 3")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="sti-scale-") as tmp:
        work = Path(tmp)
        full = part_one(work, args.max_regions, args.targets, args.runs, measure=not args.render_only)
        if not args.no_render:
            part_two(work, full, args.render_regions, args.jobs, args.with_comparison)
        if args.probe_sizes:
            part_three(work, args.probe_sizes, args.targets)


if __name__ == "__main__":
    main()
