"""Benchmark: `sti-targets render` (all regions + comparison, HTML included) against a loop of
one `papermill` CLI call per region (same notebook, .ipynb only), alternated in one session.

Then a profile of one region report: where its seconds go (kernel start and shutdown,
imports and data loading, the rest of the execution, saving, HTML export).

    python benchmarks/bench_render.py [--rounds 3]
"""

from __future__ import annotations

import argparse
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


def batch(out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([BIN / "sti-targets", "render", "--force", "--output", str(out)], check=True, capture_output=True)
    return time.perf_counter() - start


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
    """Seconds of one region report by phase."""
    import nbformat
    import papermill
    from sti_targets.atomic import atomic_write
    from sti_targets.dataset.loaders import Dataset
    from sti_targets.publish.pages import Site
    from sti_targets.publish.render import export_html, inputs_digest, plan_jobs

    book = Dataset.load()
    site = Site.of(book.regions, book.documents, inputs_digest())
    job = next(j for j in plan_jobs([region]) if j.name == region)

    with tempfile.TemporaryDirectory() as work:
        executed = Path(work) / "r.ipynb"
        t0 = time.perf_counter()
        papermill.execute_notebook(
            str(NOTEBOOKS / "region_report.ipynb"),
            str(executed),
            parameters={"region_id": region},
            progress_bar=False,
            request_save_on_cell_execute=False,
            cwd=str(PROJECT_ROOT),
        )
        total = time.perf_counter() - t0
        nb = nbformat.read(executed, as_version=4)
        cells = [c.metadata.get("papermill", {}).get("duration") or 0.0 for c in nb.cells]
        setup = cells[2]  # after the parameters and injected-parameters cells: imports + loading the data
        t1 = time.perf_counter()
        nbformat.write(nb, Path(work) / "copy.ipynb")
        save = time.perf_counter() - t1
        t2 = time.perf_counter()
        html = export_html(executed, job, site)
        export = time.perf_counter() - t2
        t3 = time.perf_counter()
        atomic_write(Path(work) / "r.html", html)
        write = time.perf_counter() - t3
    return {
        "kernel start + shutdown, papermill overhead": total - sum(cells),
        "imports + loading and validating the data (first cell)": setup,
        "the other cells (tables, figures)": sum(cells) - setup,
        "saving the executed notebook": save,
        "HTML export": export,
        "writing the HTML": write,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    batch_times, loop_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(rounds):
            out_a, out_b = Path(tmp) / f"a{i}", Path(tmp) / f"b{i}"
            out_b.mkdir()
            batch_times.append(batch(out_a))
            loop_times.append(loop(out_b))
            print(f"round {i + 1}: render {batch_times[-1]:.1f} s, papermill loop {loop_times[-1]:.1f} s", flush=True)
    b, lp = statistics.median(batch_times), statistics.median(loop_times)
    print(
        f"median: sti-targets render {b:.1f} s ({len(regions())} regions + comparison, HTML included); "
        f"papermill CLI loop {lp:.1f} s ({len(regions())} regions, .ipynb only); ratio {lp / b:.2f}x"
    )
    print("profile of one region report (ruijin), seconds:")
    for phase, seconds in profile().items():
        print(f"  {seconds:6.2f}  {phase}")


if __name__ == "__main__":
    main()
