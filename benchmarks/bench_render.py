"""Benchmark: three ways to make the reports, alternated in one session.

(a) a loop of one `papermill` CLI call per region (same notebook, .ipynb only);
(b) `sti-targets render --force` (every region, the comparison and the source pages, HTML included);
(c) the floor: the notebooks' own library calls, for the same regions and the comparison, in one
    plain Python process (figures to PNG, tables to HTML: what the pages show, without kernels),
    with the data checked and cached once and no font in the outputs, as in render's kernels.

Prints the medians and b/c (aim: within 2x) and a/b (aim: 3 or more), the seconds render's
workers spent on source pages (part of b, not of a or c), then a profile of one region report.

    python benchmarks/bench_render.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sti_targets.paths import NOTEBOOKS, PROJECT_ROOT

BIN = Path(sys.executable).parent


def regions() -> list[str]:
    from sti_targets.dataset.loaders import load_documents

    return sorted(set(load_documents()["region_id"].astype(str)))


def batch(out: Path) -> tuple[float, float]:
    """Seconds of the render, and the seconds its workers spent on source pages."""
    start = time.perf_counter()
    result = subprocess.run(
        [BIN / "sti-targets", "render", "--force", "--output", str(out)], check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    sources = sum(float(s) for s in re.findall(r"\] sources/\S+\s+ok\s+([\d.]+) s", result.stderr))
    return seconds, sources


def floor(out: Path) -> float:
    """Seconds of (c), in a fresh process: python bench_render.py --floor OUT."""
    start = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--floor", str(out)], check=True, cwd=PROJECT_ROOT)
    return time.perf_counter() - start


def run_cells(notebook: str, parameters: dict, out: Path) -> None:
    """Each code cell of the notebook (but its parameters cell), its last expression shown as a
    page shows it: _repr_html_, a figure as PNG, printed text as it is; the parts into out."""
    import matplotlib.pyplot as plt
    import nbformat
    from matplotlib.figure import Figure

    namespace = dict(parameters)
    parts = []
    for cell in nbformat.read(NOTEBOOKS / notebook, as_version=4).cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        tree = ast.parse(cell.source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(tree, notebook, "exec"), namespace)
            value = eval(compile(ast.Expression(last.value), notebook, "eval"), namespace) if last else None
        parts.append(printed.getvalue())
        if isinstance(value, Figure):
            png = io.BytesIO()
            value.savefig(png, format="png")
            plt.close(value)
            parts.append(f"<img src='data:image/png;base64,{len(png.getvalue())}'>")
        elif hasattr(value, "_repr_html_"):
            parts.append(value._repr_html_())
        elif value is not None:
            parts.append(repr(value))
    out.write_text("\n".join(parts), encoding="utf-8")


def floor_process(out: Path) -> None:
    """(c): the calls render's kernels make, as they make them: the data checked and cached once
    (every report reads the cache), and no font in the notebook's output (render embeds one per run,
    in the parent)."""
    import os

    from sti_targets.dataset.checks import check_and_load
    from sti_targets.dataset.loaders import DATASET_CACHE
    from sti_targets.paths import NOTEBOOK_FONT_ENV

    out.mkdir(parents=True, exist_ok=True)
    problems, book = check_and_load()
    assert not problems, problems[:3]
    book.save(out / "dataset.pickle")
    os.environ.update({DATASET_CACHE: str(out / "dataset.pickle"), NOTEBOOK_FONT_ENV: "off"})
    for region in regions():
        run_cells("region_report.ipynb", {"region_id": region}, out / f"{region}.html")
    run_cells("compare_regions.ipynb", {}, out / "compare.html")


def loop(out: Path) -> float:
    start = time.perf_counter()
    for region in regions():
        subprocess.run(
            [
                BIN / "papermill",
                str(NOTEBOOKS / "region_report.ipynb"),
                str(out / f"{region}.ipynb"),
                "-r",
                "region_id",
                region,
                "--log-level",
                "ERROR",
            ],
            check=True,
            capture_output=True,
            cwd=PROJECT_ROOT,
        )
    return time.perf_counter() - start


def profile(region: str = "ruijin") -> dict[str, float]:
    """Seconds of one region report by phase, as a render worker runs it after its first report
    (warm kernel, the run's dataset cache)."""
    import os

    from sti_targets.atomic import atomic_write
    from sti_targets.dataset.checks import check_and_load
    from sti_targets.dataset.loaders import DATASET_CACHE
    from sti_targets.publish import render
    from sti_targets.publish.pages import Site

    problems, book = check_and_load()
    assert not problems, problems[:3]
    site = Site.of(book.regions, book.documents, render.inputs_digest())
    job = next(j for j in render.plan_jobs([region], book) if j.name == region)
    with tempfile.TemporaryDirectory() as work:
        book.save(Path(work) / "dataset.pickle")
        os.environ[DATASET_CACHE] = str(Path(work) / "dataset.pickle")
        t0 = time.perf_counter()
        render._warm_kernel()
        warm_up = time.perf_counter() - t0
        t1 = time.perf_counter()
        first_nb, _ = render._execute(job, 600)  # the first report in the kernel
        render.export_html(first_nb, job, site)  # (and the worker's first export: its templates load)
        first = time.perf_counter() - t1
        t2 = time.perf_counter()
        nb, _ = render._execute(job, 600)
        total = time.perf_counter() - t2
        cells = [c.metadata.get("papermill", {}).get("duration") or 0.0 for c in nb.cells]
        t3 = time.perf_counter()
        html = render.export_html(nb, job, site)
        export = time.perf_counter() - t3
        t4 = time.perf_counter()
        atomic_write(Path(work) / "r.html", html)
        write = time.perf_counter() - t4
        render._drop_kernel()
    return {
        "kernel start and library import (once per worker, during the checks)": warm_up,
        "first report in the kernel (execute and export)": first,
        "a later report: its cells (tables, figures)": sum(cells),
        "a later report: papermill and kernel round trips": total - sum(cells),
        "a later report: HTML export": export,
        "a later report: writing the HTML": write,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)  # (c)'s own process
    args = parser.parse_args()
    if args.floor:
        return floor_process(args.floor)
    times = {"a": [], "b": [], "c": [], "sources": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rounds):
            (Path(tmp) / f"a{i}").mkdir()
            times["a"].append(loop(Path(tmp) / f"a{i}"))
            seconds, sources = batch(Path(tmp) / f"b{i}")
            times["b"].append(seconds)
            times["sources"].append(sources)
            times["c"].append(floor(Path(tmp) / f"c{i}"))
            print(
                f"round {i + 1}: (a) papermill loop {times['a'][-1]:.1f} s, (b) render {times['b'][-1]:.1f} s "
                f"(source pages {sources:.1f} worker-s), (c) floor {times['c'][-1]:.1f} s",
                flush=True,
            )
    a, b, c, sources = (statistics.median(times[k]) for k in ("a", "b", "c", "sources"))
    n = len(regions())
    print(f"median (a) papermill CLI loop: {a:.1f} s ({n} regions, .ipynb only)")
    print(f"median (b) sti-targets render --force: {b:.1f} s ({n} regions + comparison + source pages, HTML)")
    print(f"median (c) floor, one process: {c:.1f} s ({n} regions + comparison, PNG + HTML)")
    print(f"b/c {b / c:.2f} (aim <= 2); a/b {a / b:.2f} (aim >= 3); source pages {sources:.1f} worker-seconds of b")
    print("profile of one region report (ruijin) in a render worker, seconds:")
    for phase, seconds in profile().items():
        print(f"  {seconds:6.2f}  {phase}")


if __name__ == "__main__":
    main()
