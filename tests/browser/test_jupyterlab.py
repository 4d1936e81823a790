"""The analyst's path: `make lab`, each notebook opened in JupyterLab, Run > Run All Cells, in chromium.

JupyterLab is started by `make lab` itself (a free port, a token of this test's, 127.0.0.1) with
settings of this test's own (no autosave, every cell in the page, no news fetched), so the checkout's
notebooks are never written; the test checks they are unchanged. Screenshots go to tests/artifacts/
(jupyterlab-<notebook>-*.png); chromium here has no Chinese system font, which is the case to see.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from sti_targets.analysis.explorer import TargetFilter
from sti_targets.chinese.fonts import FAMILY
from sti_targets.dataset.loaders import load_documents, load_indicators, load_regions, load_targets
from sti_targets.paths import KERNEL_DISPLAY_NAME, NOTEBOOKS, PROJECT_ROOT

RUN_TIMEOUT = 300_000  # ms: kernel start and every cell
SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}
ERROR_OUTPUTS = (
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
)
NOTEBOOK_FILES = ("region_report.ipynb", "compare_regions.ipynb", "explore.ipynb")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def digests() -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(NOTEBOOKS.glob("*.ipynb"))}


@pytest.fixture(scope="module")
def lab(browser, artifacts, tmp_path_factory):
    """`make lab` on a free port with this test's token and settings: the base URL and token."""
    home = tmp_path_factory.mktemp("jupyterlab")
    for plugin, values in SETTINGS.items():
        path = home / "settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), hashlib.sha256(os.urandom(16)).hexdigest()[:32]
    env = {
        **os.environ,
        "JUPYTER_TOKEN": token,
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    before = digests()
    log = (artifacts / "jupyterlab.log").open("w")
    process = subprocess.Popen(
        ["make", "-s", "lab", f"PORT={port}"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"make lab did not serve: {(artifacts / 'jupyterlab.log').read_text()[-2000:]}")
            time.sleep(0.5)
    yield base, token
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()
    assert digests() == before, "JupyterLab wrote a notebook of the checkout"


@pytest.fixture(scope="module")
def model() -> TargetFilter:
    regions = load_regions()
    targets = load_targets(regions=regions, indicators=load_indicators(), documents=load_documents(regions=regions))
    return TargetFilter(targets, regions)


def test_make_lab_prints_the_url_and_listens_on_localhost_only(lab, artifacts):
    base, _ = lab
    log = (artifacts / "jupyterlab.log").read_text()
    assert f"{base}/lab?token=" in log  # (a token given in JUPYTER_TOKEN, as here, is printed as "...")
    if os.geteuid() == 0:
        assert "running as root" in log and "--allow-root" in log
    port = int(base.rsplit(":", 1)[1])
    addresses = [a for a in socket.getaddrinfo(socket.gethostname(), port) if a[0] == socket.AF_INET]
    outside = next((a[4][0] for a in addresses if not a[4][0].startswith("127.")), None)
    if outside:
        with pytest.raises(OSError), socket.create_connection((outside, port), timeout=2):
            pass


def open_notebook(page, lab, name: str) -> None:
    base, token = lab
    page.goto(f"{base}/lab/tree/{name}?reset&token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
    kernel = page.locator(".jp-NotebookPanel-toolbar .jp-Toolbar-kernelName")
    kernel.filter(has_text=KERNEL_DISPLAY_NAME).wait_for(timeout=60_000)  # the notebook's kernel, no chooser
    page.locator(".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
        timeout=120_000
    )


def run_all_cells(page) -> None:
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
        }""",
        timeout=RUN_TIMEOUT,
    )


def screenshots(page, artifacts: Path, name: str) -> None:
    stem = name.removesuffix(".ipynb")
    page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer").evaluate("e => e.scrollTo(0, 0)")
    page.screenshot(path=artifacts / f"jupyterlab-{stem}-top.png")
    outputs = page.locator(
        ".jp-NotebookPanel .jp-OutputArea-output:has(table), .jp-NotebookPanel .jp-OutputArea-output:has(img)"
    )
    for i in range(min(outputs.count(), 12)):
        outputs.nth(i).scroll_into_view_if_needed()
        page.screenshot(path=artifacts / f"jupyterlab-{stem}-{i + 1:02d}.png")


def cjk_font_loaded(page) -> bool:
    return page.evaluate(
        "(family) => document.fonts.ready.then(() => [...document.fonts].some("
        "f => f.family.replace(/\"/g, '') === family && f.status === 'loaded'))",
        FAMILY,
    )


@pytest.mark.parametrize("name", NOTEBOOK_FILES)
def test_run_all_cells_shows_no_error_and_chinese_in_the_web_font(page, lab, artifacts, name):
    open_notebook(page, lab, name)
    run_all_cells(page)
    errors = page.locator(ERROR_OUTPUTS)
    assert errors.count() == 0, f"{name}: {errors.first.inner_text()[:1000]}"
    assert page.locator(".jp-NotebookPanel .jp-OutputArea-output").count() > 0
    assert cjk_font_loaded(page), f"{name}: the CJK web font is not in use"
    screenshots(page, artifacts, name)


def test_explorer_is_ready_on_open_and_its_widgets_filter_once_run(page, lab, model, artifacts):
    open_notebook(page, lab, "explore.ipynb")
    region = page.locator(".widget-select-multiple", has=page.locator("label", has_text="地区 region"))
    region.wait_for(timeout=60_000)  # the saved widget state, before anything runs
    page.screenshot(path=artifacts / "jupyterlab-explore-on-open.png")
    run_all_cells(page)
    count = page.locator(".jp-NotebookPanel .sti-count b")
    count.filter(has_text=str(len(model.targets))).wait_for(timeout=60_000)
    expected = model.filter(regions=["jiangxi"]).rows
    page.locator(".widget-select-multiple", has=page.locator("label", has_text="地区 region")).last.locator(
        "select"
    ).select_option(label=model.labels["jiangxi"])
    count.filter(has_text=str(len(expected))).wait_for(timeout=60_000)
    rows = page.locator(".jp-NotebookPanel table.sti-table tbody tr")
    assert rows.count() == len(expected)
    assert page.locator(ERROR_OUTPUTS).count() == 0
    page.screenshot(path=artifacts / "jupyterlab-explore-filtered.png")
