"""Faults during a render lose nothing: a notebook that raises, a kernel killed mid-run, Ctrl-C,
and an output folder that cannot be written. Each leaves earlier reports intact and no
half-written file, marks the failure, exits non-zero, and a second run renders what is missing.

The faults are injected through a test copy of the region notebook with one extra cell that
obeys the STI_FAULT environment variable (``raise:<region>``, ``kill:<region>``, ``sleep:<region>``);
the product's notebooks have no such cell. Every fault is tried on both executors: the local
process pool and Dask distributed (``--scheduler local``: a LocalCluster of two workers).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

FAULT_CELL = """import os, time
fault = os.environ.get("STI_FAULT", "")
if fault == "raise:" + region_id:
    raise RuntimeError("deliberate failure for " + region_id)
if fault == "kill:" + region_id:
    os.kill(os.getpid(), 9)
if fault == "sleep:" + region_id:
    time.sleep(300)"""
OLD = "<html><body>previous report of jiangxi</body></html>"
ENGINES = {"pool": [], "dask": ["--scheduler", "local"]}


@pytest.fixture(params=sorted(ENGINES))
def engine(request) -> list[str]:
    """The extra arguments that choose the executor."""
    return ENGINES[request.param]


@pytest.fixture
def faulty(project_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A project copy whose region notebook obeys STI_FAULT, and an output folder holding a
    previous report of jiangxi."""
    path = project_copy / "notebooks" / "region_report.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = nbformat.v4.new_code_cell(FAULT_CELL)
    cell.id = "fault-injection"
    nb.cells.insert(2, cell)
    nbformat.write(nb, path)
    out = tmp_path / "reports"
    out.mkdir()
    (out / "jiangxi.html").write_text(OLD, encoding="utf-8")
    return project_copy, out


def render(
    root: Path, out: Path, fault: str = "", engine: list[str] = [], **popen
) -> subprocess.CompletedProcess | subprocess.Popen:
    args = [
        sys.executable,
        "-m",
        "sti_targets.cli",
        "render",
        "--region",
        "jiangxi",
        "--region",
        "ruijin",
        "--output",
        str(out),
        "--jobs",
        "2",
        *engine,
    ]
    env = {**os.environ, "STI_TARGETS_ROOT": str(root), "STI_FAULT": fault}
    if popen:
        return subprocess.Popen(args, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)


def assert_nothing_lost(out: Path) -> None:
    assert (out / "jiangxi.html").read_text(encoding="utf-8") == OLD
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")], "a temporary file was left behind"


def status(out: Path, name: str) -> str:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))[name]["status"]


@pytest.mark.parametrize(
    "fault,error", [("raise", "RuntimeError: deliberate failure for jiangxi"), ("kill", "DeadKernelError")]
)
def test_failing_region_keeps_its_previous_report_and_others_render(faulty, fault, error, engine):
    root, out = faulty
    result = render(root, out, f"{fault}:jiangxi", engine)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "summary: 2 rendered, 1 FAILED" in result.stdout and error in result.stdout
    assert_nothing_lost(out)
    assert (out / "ruijin.html").stat().st_size > 100_000
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "FAILED — previous report kept" in index
    assert status(out, "jiangxi") == "failed"
    again = render(root, out, engine=engine)
    assert again.returncode == 0, again.stderr
    assert "summary: 1 rendered, 2 up to date" in again.stdout  # only the failed region
    assert "previous report of jiangxi" not in (out / "jiangxi.html").read_text(encoding="utf-8")


def test_ctrl_c_keeps_previous_reports_and_writes_no_half_file(faulty, engine):
    root, out = faulty
    process = render(root, out, "sleep:jiangxi", engine, start_new_session=True)
    deadline = time.monotonic() + 240
    progress = ""
    ruijin_done = re.compile(r"\] ruijin\s")  # its report's line, not its source page's
    while not ruijin_done.search(progress) and time.monotonic() < deadline:  # ruijin done, jiangxi sleeping
        progress += process.stderr.readline()
    assert ruijin_done.search(progress), progress
    time.sleep(2)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends to the whole group
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert "never retrieved" not in stderr and "DeadKernelError" not in stderr  # one clear line, no asyncio noise
    said = [line for line in stderr.splitlines() if line.strip() and not line.startswith("[")]  # but progress
    assert len(said) == 1 and said[0].startswith("interrupted: "), stderr
    assert_nothing_lost(out)
    assert status(out, "jiangxi") in ("interrupted", "failed")
    assert "INTERRUPTED" in (out / "index.html").read_text(encoding="utf-8") or status(out, "jiangxi") == "failed"
    again = render(root, out, engine=engine)
    assert again.returncode == 0, again.stderr
    assert "jiangxi      ok" in again.stderr
    assert not re.search(r"\] ruijin\s", again.stderr)  # ruijin's report had finished (its source page is another line)
    assert "previous report of jiangxi" not in (out / "jiangxi.html").read_text(encoding="utf-8")


def test_output_that_cannot_be_written_is_refused_before_any_work(faulty, tmp_path, engine):
    root, out = faulty
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = render(root, blocker / "reports", engine=engine)
    assert result.returncode == 1
    assert "cannot be written" in result.stderr and "Traceback" not in result.stderr
    if os.geteuid() != 0:  # root writes through permission bits
        out.chmod(0o555)
        try:
            result = render(root, out, engine=engine)
            assert result.returncode == 1 and "cannot be written" in result.stderr
        finally:
            out.chmod(0o755)
        assert_nothing_lost(out)
