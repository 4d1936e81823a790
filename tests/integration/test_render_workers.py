"""Render's workers, for real: a warm kernel leaks nothing from one report into the next, Dask
distributed writes the pool's pages byte for byte (and refuses a worker with other inputs),
workers and kernels die with the parent, and two renders into one folder both stay in its index."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from .test_render_faults import faulty, render, status  # noqa: F401 (faulty: the fixture, used by name)

BIN = Path(sys.executable).parent


def sti(*args: str, env: dict | None = None, **popen) -> subprocess.CompletedProcess | subprocess.Popen:
    command = [sys.executable, "-m", "sti_targets.cli", *args]
    environment = {**os.environ, **(env or {})}
    if popen:
        return subprocess.Popen(command, env=environment, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=900)


def pages(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def read_until(process: subprocess.Popen, text: str, seconds: float = 300) -> str:
    """The parent's stderr up to the first line holding ``text``."""
    seen, deadline = "", time.monotonic() + seconds
    while text not in seen and time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            break
        seen += line
    assert text in seen, seen
    return seen


def test_a_warm_kernel_leaks_nothing_between_reports(tmp_path):
    """yancheng rendered alone, and after changde and jiangxi in the same kernel: the same bytes."""
    alone = tmp_path / "alone"
    first = sti("render", "--region", "yancheng", "--output", str(alone), "--jobs", "1")
    assert first.returncode == 0, first.stderr
    three = ("--region", "changde", "--region", "jiangxi", "--region", "yancheng")
    after = sti("render", *three, "--output", str(tmp_path / "after"), "--jobs", "1")
    assert after.returncode == 0, after.stderr
    assert after.stderr.count("(new kernel)") == 1, after.stderr  # one kernel: changde, jiangxi, yancheng, compare
    for name in ("yancheng.html", "compare.html"):
        assert (alone / name).read_bytes() == (tmp_path / "after" / name).read_bytes(), name


def test_dask_local_cluster_writes_the_pools_pages_byte_for_byte(tmp_path):
    pool, dask = tmp_path / "pool", tmp_path / "dask"
    on_pool = sti("render", "--region", "ruijin", "--output", str(pool), "--jobs", "2")
    assert on_pool.returncode == 0, on_pool.stderr
    on_dask = sti("render", "--region", "ruijin", "--output", str(dask), "--jobs", "2", "--scheduler", "local")
    assert on_dask.returncode == 0, on_dask.stderr
    assert "on Dask (local)" in on_dask.stderr and "Traceback" not in on_dask.stderr
    expected, got = pages(pool), pages(dask)
    assert sorted(got) == sorted(expected) and "ruijin.html" in got
    assert [name for name in expected if got[name] != expected[name]] == []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_dask_worker_with_other_inputs_is_refused(project_copy, tmp_path):
    """A worker started on a copy of the project whose notebook differs: its digest differs."""
    notebook = project_copy / "notebooks" / "region_report.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("report.title()", "report.title()\\n"))
    address = f"tcp://127.0.0.1:{free_port()}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
        **quiet,
    )
    worker = None
    try:
        env = {**os.environ, "STI_TARGETS_ROOT": str(project_copy)}
        worker = subprocess.Popen(
            [BIN / "dask", "worker", address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"],
            env=env,
            **quiet,
        )
        time.sleep(15)  # (the worker registers)
        result = sti("render", "--region", "ruijin", "--output", str(tmp_path / "out"), "--scheduler", address)
        assert result.returncode == 1, result.stderr
        assert "refused: its inputs' digest" in result.stderr and "Traceback" not in result.stderr
        assert not (tmp_path / "out" / "ruijin.html").exists()
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.terminate()
                process.wait(timeout=60)


def kernels_and_workers(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "kill"])
def test_workers_and_kernels_die_with_the_parent(faulty, sig):  # noqa: F811 (the imported fixture)
    root, out = faulty
    process = render(root, out, "sleep:jiangxi", start_new_session=True)
    read_until(process, "] ruijin ")  # ruijin done; jiangxi's kernel sleeps
    children = kernels_and_workers(process.pid)
    assert any("ipykernel" in " ".join(c.cmdline()) for c in children), children
    os.kill(process.pid, sig)  # the parent alone, not its group
    _, stderr = process.communicate(timeout=120)
    _, alive = psutil.wait_procs(children, timeout=30)
    assert alive == [], [" ".join(p.cmdline()) for p in alive]
    if sig == signal.SIGTERM:  # handled like Ctrl-C
        assert process.returncode == 143, stderr
        assert "interrupted" in stderr and "Traceback" not in stderr
        assert status(out, "jiangxi") == "interrupted"
        assert "INTERRUPTED" in (out / "index.html").read_text(encoding="utf-8")


def test_two_renders_into_one_folder_both_stay_in_the_index(tmp_path):
    """The second waits for the first; it then renders its other region and keeps the shared one."""
    out = tmp_path / "reports"
    first = sti("render", "--region", "jiangxi", "--output", str(out), "--jobs", "1", popen=True)
    read_until(first, "rendering ")
    second = sti("render", "--region", "jiangxi", "--region", "ruijin", "--output", str(out), popen=True)
    out_1, err_1 = first.communicate(timeout=900)
    out_2, err_2 = second.communicate(timeout=900)
    assert first.returncode == 0 and second.returncode == 0, err_1 + err_2
    assert "waiting for the other render into" in err_2
    assert "summary: 1 rendered, 2 up to date" in out_2  # ruijin; jiangxi and the comparison were just made
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["ruijin"]["status"] == "ok" and manifest["jiangxi"]["status"] == "kept"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="jiangxi.html"' in index and 'href="ruijin.html"' in index
