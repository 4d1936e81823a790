"""The rendered HTML reports in chromium: the index links every report, each page's figures
load, Chinese text is there, no error output or traceback shows; and text from the data is
shown as text (a ``<script>`` in a note or a region's name does not run)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from sti_targets import paths
from sti_targets.dataset.loaders import load_regions

from .conftest import sti

REGIONS = ("changde", "jiangxi", "jingdezhen", "ruijin", "yancheng")
PAGES = {f"{r}.html" for r in REGIONS} | {"compare.html"}
CJK = re.compile(r"[\u4e00-\u9fff]")
PAYLOAD = "<script>window.__pwned=1</script>"
LOAD_TIMEOUT = 60_000


@pytest.fixture(scope="session")
def reports(tmp_path_factory, browser) -> Path:
    """Every report rendered once for the session (``sti-targets render --output DIR``)."""
    out = tmp_path_factory.mktemp("reports")
    result = sti("render", "--output", str(out))
    assert result.returncode == 0, f"sti-targets render failed:\n{result.stdout}\n{result.stderr}"
    return out


def check_page(page, name: str) -> dict:
    """What every page must satisfy; returns a few facts for the caller."""
    page.wait_for_load_state("load", timeout=LOAD_TIMEOUT)
    page.evaluate("document.fonts.ready.then(() => true)")
    facts = page.evaluate(
        """() => {
            const imgs = [...document.images];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const texts = [];
            for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n.nodeValue);
            return {
                images: imgs.length,
                broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80)),
                texts,
                body: document.body.innerText,
                errorOutputs: document.querySelectorAll(
                    '[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output.jp-mod-error'
                    + ', [data-mime-type="application/vnd.jupyter.error"]').length,
                fontErrors: [...document.fonts].filter(f => f.status === 'error').map(f => f.family),
            };
        }"""
    )
    assert not facts["broken"], f"{name}: figures that did not load: {facts['broken']}"
    assert "Traceback" not in facts["body"], f"{name}: a traceback shows"
    assert facts["errorOutputs"] == 0, f"{name}: {facts['errorOutputs']} error/stderr output area(s)"
    assert not facts["fontErrors"], f"{name}: fonts that failed to load: {facts['fontErrors']}"
    assert any(CJK.search(t) for t in facts["texts"]), f"{name}: no Chinese text node"
    assert not page.errors, f"{name}: JavaScript errors: {page.errors}"
    local = [(u, why) for u, why in page.failed if u.startswith(("file:", "data:"))]
    assert not local, f"{name}: resources of the page that failed to load: {local}"
    return facts


def test_index_links_every_report_and_every_report_renders(page, reports, artifacts):
    page.goto((reports / "index.html").as_uri())
    check_page(page, "index.html")
    page.screenshot(path=artifacts / "report-index.png", full_page=True)
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert set(hrefs) == PAGES, f"the index links {sorted(hrefs)}"
    assert "FAILED" not in page.inner_text("body")
    regions = load_regions()
    names = dict(zip(regions["region_id"].astype(str), regions["name_zh"].astype(str)))

    for href in sorted(hrefs):
        page.errors.clear()
        page.failed.clear()
        page.click(f'a[href="{href}"]')
        page.wait_for_url(f"**/{href}", timeout=LOAD_TIMEOUT)
        facts = check_page(page, href)
        assert facts["images"] >= 1, f"{href}: no figure"
        if href != "compare.html":
            name_zh = names[href.removesuffix(".html")]
            assert name_zh in facts["body"], f"{href}: the region's name {name_zh} is not on the page"
        stem = href.removesuffix(".html")
        page.screenshot(path=artifacts / f"report-{stem}.png", full_page=False)
        page.locator("img").first.screenshot(path=artifacts / f"report-{stem}-figure.png")
        page.go_back()
        page.wait_for_url("**/index.html", timeout=LOAD_TIMEOUT)


# HTML safety: a copy of the project whose data carry a <script> in a target's note and in a
# region's English name (the quotes stay verbatim: they are checked against the sources).


def _edit_csv(path: Path, edit) -> None:
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        edit(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory, browser) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(paths.DATA, root / "data")
    shutil.copytree(paths.NOTEBOOKS, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy2(paths.PROJECT_ROOT / "pyproject.toml", root / "pyproject.toml")

    noted = []

    def note(row):  # the first Jiangxi target that the report lists under its notes (no conflict)
        if row["region_id"] == "jiangxi" and row["note"] and not row["conflict"] and not noted:
            row["note"] = f"{PAYLOAD} {row['note']}"
            noted.append(row["target_id"])

    def name(row):
        if row["region_id"] == "jiangxi":
            row["name_en"] = f"Jiangxi {PAYLOAD}"

    _edit_csv(root / "data" / "targets.csv", note)
    _edit_csv(root / "data" / "regions.csv", name)
    assert noted, "no Jiangxi target with a note to edit"
    out = root / "out"
    result = sti("render", "--region", "jiangxi", "--output", str(out), env={"STI_TARGETS_ROOT": str(root)})
    assert result.returncode == 0, f"render of the edited copy failed:\n{result.stdout}\n{result.stderr}"
    return out, noted[0]


@pytest.mark.parametrize("name", ["jiangxi.html", "index.html", "compare.html"])
def test_script_in_the_data_shows_as_text(page, hostile_reports, artifacts, name):
    out, target_id = hostile_reports
    page.goto((out / name).as_uri())
    page.wait_for_load_state("load", timeout=LOAD_TIMEOUT)
    assert page.evaluate("typeof window.__pwned") == "undefined", f"{name}: a <script> from the data ran"
    body = page.inner_text("body")
    assert PAYLOAD in body, f"{name}: the text {PAYLOAD} is not shown"
    if name == "jiangxi.html":
        assert body.count(PAYLOAD) >= 2, "the note and the region's name should both show the text"
        row = page.locator("tr", has_text=target_id).filter(has_text=PAYLOAD)
        assert row.count() >= 1, f"the note of {target_id} does not show the text"
        row.first.scroll_into_view_if_needed()
        page.screenshot(path=artifacts / "safety-jiangxi-note.png", full_page=False)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=artifacts / "safety-jiangxi-top.png", full_page=False)
    assert page.locator("script", has_text="__pwned").count() == 0, f"{name}: a <script> element from the data"
