"""The review workbench end to end in chromium, in a copy of the project (STI_TARGETS_ROOT): register
a small plan with ``sti-targets add``, serve it with ``sti-targets review``, accept (by key and by
button), edit, pick an indicator by search, reject, resume after a reload, add a missed target by
its quote, see a commit refused (targets.csv byte-identical), fix it, commit; then ``sti-targets
check`` passes and ``sti-targets render --region fuliang`` shows the committed targets."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sti_targets.publish.dashboard import free_port

from .conftest import sti

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "fixtures" / "plans" / "fuliang_2024-2026_action_plan.txt"
DOC = "fuliang_2024_2026"
WIDGET_TIMEOUT = 180_000
PROGRESS = ".sti-progress"
STATUS = ".sti-status"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    (root / "reports").mkdir()
    options = json.loads((PLAN.parent / "fuliang_add_options.json").read_text(encoding="utf-8"))
    done = sti("add", str(PLAN), *options, env={"STI_TARGETS_ROOT": str(root)})
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture(scope="module")
def review_url(project, artifacts):
    """``sti-targets review DOC`` as a user starts it, on a free port: its printed URL."""
    env = {**os.environ, "STI_TARGETS_ROOT": str(project)}
    process = subprocess.Popen(
        [sys.executable, "-m", "sti_targets.cli", "review", DOC, "--port", str(free_port())],
        stdout=subprocess.PIPE,
        stderr=open(artifacts / "review-server.log", "wb"),  # noqa: SIM115 (the child owns it)
        text=True,
        env=env,
    )
    try:
        line = process.stdout.readline()  # "review of DOC: http://127.0.0.1:PORT/?token=..."
        assert line.startswith(f"review of {DOC}: http://127.0.0.1:"), line
        yield line.split(": ", 1)[1].strip()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)


def progress(page, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator(PROGRESS)).to_contain_text(text, timeout=30_000)


def key(page, letter: str, reviewed: int, total: int = 17) -> None:
    page.get_by_label("keys 快捷键").fill(letter)
    progress(page, f"{reviewed} of {total} reviewed")


def field(page, name: str):
    return page.get_by_label(name, exact=True).first


def test_review_end_to_end(page, project, review_url, artifacts):
    from playwright.sync_api import expect

    targets = project / "data" / "targets.csv"
    before = targets.read_bytes()
    line = before.count(b"\n") + 2  # c002, the second new row
    page.goto(review_url)
    page.wait_for_selector(PROGRESS, timeout=WIDGET_TIMEOUT)
    progress(page, "0 of 17 reviewed")
    expect(page.locator(".sti-ctx b")).to_have_text("2.2")  # the number highlighted in its sentence
    key(page, "a", 1)  # c001 accepted with the a key
    field(page, "value_high").fill("50")  # c002: an edit the commit must refuse (below value 60)
    field(page, "note").fill("edited in the browser")
    page.get_by_role("button", name="Accept 接受 (a)").click()
    progress(page, "2 of 17 reviewed")
    key(page, "r", 3)  # c003 rejected
    page.reload()  # resume: the review file kept every decision
    page.wait_for_selector(PROGRESS, timeout=WIDGET_TIMEOUT)
    progress(page, "3 of 17 reviewed")
    expect(page.locator(".sti-nb .cur")).to_contain_text("c004")
    for n in range(4, 9):  # c004..c008
        key(page, "a", n)
    # c009 引进高层次人才50名 has no indicator: pick one by searching the dictionary in Chinese
    page.get_by_label("指标 search").fill("科技创新人才")
    page.locator(".widget-select select").select_option(index=0)
    expect(field(page, "indicator_id")).to_have_value("st_innovation_talents")
    field(page, "category").select_option("talent")
    key(page, "a", 9)
    key(page, "r", 10)  # c010
    for n in range(11, 15):  # c011..c014
        key(page, "a", n)
    key(page, "r", 15)  # c015: a fund's size, not tech loans
    key(page, "r", 16)  # c016: no indicator for a budget line
    key(page, "a", 17)  # c017
    page.get_by_label("missed 遗漏").fill("建成院士工作站一家")
    page.get_by_role("button", name="Add missed target 添加").click()
    expect(page.locator(STATUS)).to_contain_text("added m001")
    progress(page, "17 of 18 reviewed")
    for name, value in (("value", "1"), ("unit", "家"), ("indicator_id", "academician_workstations")):
        field(page, name).fill(value)
    field(page, "category").select_option("platforms")
    field(page, "target_type").select_option("increment")
    field(page, "comparator").select_option("=")
    page.get_by_role("button", name="Accept 接受 (a)").click()
    progress(page, "18 of 18 reviewed")

    page.get_by_role("button", name="Commit 提交").click()
    expect(page.locator(STATUS)).to_contain_text("commit refused", timeout=60_000)
    expect(page.locator(STATUS)).to_contain_text("c002")
    expect(page.locator(STATUS)).to_contain_text(f"targets.csv, line {line}, column value_high")
    expect(page.locator(STATUS)).not_to_contain_text(str(project))  # no server path on the page
    assert targets.read_bytes() == before
    page.screenshot(path=str(artifacts / "review-refused.png"), full_page=True)

    page.get_by_label("候选 candidate").select_option(index=1)  # back to c002 to fix it
    expect(page.locator(".sti-nb .cur")).to_contain_text("c002")
    field(page, "value_high").fill("")
    page.get_by_role("button", name="Accept 接受 (a)").click()
    expect(page.locator(STATUS)).to_contain_text("c002: accept")
    page.get_by_role("button", name="Commit 提交").click()
    expect(page.locator(STATUS)).to_contain_text("committed 14 targets (fuliang-001 to fuliang-014)", timeout=60_000)
    page.screenshot(path=str(artifacts / "review-committed.png"), full_page=True)
    assert page.errors == []
    assert all(urlsplit(url).hostname == "127.0.0.1" for url in page.requests if not url.startswith("data:"))

    rows = targets.read_text(encoding="utf-8").splitlines()
    assert targets.read_bytes().startswith(before) and len(rows) == before.count(b"\n") + 14
    assert rows[-1].startswith("fuliang-014,") and ",建成院士工作站一家," in rows[-1]  # the missed target, last
    assert any("edited in the browser" in r for r in rows)
    env = {"STI_TARGETS_ROOT": str(project)}
    check = sti("check", env=env)
    assert check.returncode == 0, check.stderr
    started = time.monotonic()
    render = sti("render", "--region", "fuliang", env=env)
    assert render.returncode == 0, render.stderr + f" ({time.monotonic() - started:.0f} s)"
    report = (project / "reports" / "fuliang.html").read_text(encoding="utf-8")
    for quote in ("全社会研发经费投入强度达到2.2%以上", "建成院士工作站一家", "科技进步贡献率提高到60%"):
        assert quote in report
