"""The rendered HTML pages in chromium, as an analyst uses them: the index links every page,
every page has the header and its title and loads nothing from outside, figures load and
Chinese text is there; tables sort, filter and download as CSV; a source page's anchor shows its
quote highlighted; printing fits A4; and text from the data is shown as text (a ``<script>``, a
Markdown link or image in a region's or document's name neither runs, links nor loads)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from sti_targets import paths
from sti_targets.dataset.loaders import Dataset
from sti_targets.publish.pages import workbook_version

from .conftest import edit_csv, sti

REGIONS = ("changde", "jiangxi", "jingdezhen", "ruijin", "yancheng")
DOCUMENTS = ("changde_2022_2025", "jiangxi_2021", "jingdezhen_2023_2025", "ruijin_2021_2025", "yancheng_2023")
SOURCES = {f"sources/{d}.html" for d in DOCUMENTS}
PAGES = {f"{r}.html" for r in REGIONS} | {"compare.html"}
CJK = re.compile(r"[\u4e00-\u9fff]")
PAYLOAD = "<script>window.__pwned=1</script>"
MARKDOWN = "[x](javascript:alert(1)) ![b](http://example.invalid/x.png)"
LOAD_TIMEOUT = 60_000
A4_WIDTH_PX = 718  # 210 mm less the print stylesheet's 2 x 10 mm margins, at 96 px per inch


@pytest.fixture(scope="session")
def reports(tmp_path_factory, browser) -> Path:
    """Every page rendered once for the session (``sti-targets render --output DIR``)."""
    out = tmp_path_factory.mktemp("reports")
    result = sti("render", "--output", str(out))
    assert result.returncode == 0, f"sti-targets render failed:\n{result.stdout}\n{result.stderr}"
    return out


@pytest.fixture(scope="session")
def book() -> Dataset:
    return Dataset.load()


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load", timeout=LOAD_TIMEOUT)
    page.evaluate("document.fonts.ready.then(() => true)")


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
                tables: document.querySelectorAll('table.dataframe, table.sti-table').length,
                enhanced: document.querySelectorAll('table.sti-enhanced').length,
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
    assert facts["tables"] >= 1 and facts["enhanced"] == facts["tables"], f"{name}: tables without controls: {facts}"
    return facts


def test_index_links_every_report_and_every_report_renders(page, reports, artifacts, book):
    page.goto((reports / "index.html").as_uri())
    check_page(page, "index.html")
    page.screenshot(path=artifacts / "report-index.png", full_page=True)
    hrefs = set(page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))"))
    assert hrefs == PAGES | SOURCES, f"the index links {sorted(hrefs)}"
    assert "FAILED" not in page.inner_text("body")
    names = dict(zip(book.regions["region_id"].astype(str), book.regions["name_zh"].astype(str)))
    # the landing table: per region, its targets by lever and its contradictions
    ruijin = page.locator("#regions tbody tr", has_text="瑞金市 Ruijin").inner_text()
    conflicts = book.targets.loc[book.targets["region_id"].astype(str) == "ruijin", "conflict"].dropna().nunique()
    assert re.search(rf"\b{conflicts}\b", ruijin) and "瑞金市“十四五”科技创新发展规划" in ruijin

    for href in sorted(PAGES):
        page.errors.clear()
        page.failed.clear()
        page.click(f'main a[href="{href}"]')
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


def expected_title(name: str, book: Dataset) -> str:
    regions = book.regions.set_index(book.regions["region_id"].astype(str))
    docs = book.documents.set_index(book.documents["doc_id"].astype(str))
    if name == "index.html":
        return "科技创新目标工作簿 STI Targets Workbook"
    if name == "compare.html":
        return "地区比较 Comparison of regions — 科技创新目标 STI targets"
    if name.startswith("sources/"):
        doc = docs.loc[name.removeprefix("sources/").removesuffix(".html")]
        region = regions.loc[str(doc["region_id"])]
        return f"{region['name_zh']} {region['name_en']} 原文 source: {doc['title_zh']} — 科技创新目标 STI targets"
    region = regions.loc[name.removesuffix(".html")]
    return f"{region['name_zh']} {region['name_en']} — 科技创新目标 STI targets"


def test_every_page_has_the_header_its_title_and_requests_nothing_outside(page, requests, reports, book):
    version = workbook_version()
    for name in sorted({"index.html"} | PAGES | SOURCES):
        page.errors.clear()
        open_page(page, (reports / name).as_uri())
        assert page.title() == expected_title(name, book), name
        assert page.evaluate("document.documentElement.lang") == "zh-Hans", name
        header = page.locator("header.sti-nav")
        assert header.count() == 1, f"{name}: no header"
        links = header.locator("a").evaluate_all("links => links.map(a => [a.href, a.innerText])")
        targets = {Path(href.removeprefix("file://")).resolve(): text for href, text in links}
        for page_name in ["index.html", "compare.html"] + [f"{r}.html" for r in REGIONS]:
            assert (reports / page_name).resolve() in targets, f"{name}: the header does not link {page_name}"
        for region in book.regions.itertuples():
            if str(region.region_id) in REGIONS:
                assert targets[(reports / f"{region.region_id}.html").resolve()] == f"{region.name_zh} {region.name_en}"
        identity = header.locator(".sti-identity").inner_text()
        assert version in identity and re.search(r"inputs 输入摘要 [0-9a-f]{12}\b", identity), identity
        assert not page.errors, f"{name}: JavaScript errors: {page.errors}"
    outside = [u for u in requests if not u.startswith(("file:", "data:", "blob:"))]
    assert not outside, f"requests that leave the machine: {outside[:5]}"


def table_rows(table) -> list[list[str]]:
    """The rows the table shows now (after filtering and sorting), as normalised cell texts."""
    return table.evaluate(
        """t => [...t.tBodies[0].rows].filter(r => !r.querySelector('td.dt-empty'))
               .map(r => [...r.cells].map(c => c.innerText.split(/\\s+/).join(' ').trim()))"""
    )


def download_csv(page, container) -> tuple[bytes, list[list[str]]]:
    with page.expect_download() as info:
        container.locator("button.buttons-csv").click()
    data = Path(info.value.path()).read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return data, [[" ".join(cell.split()) for cell in row] for row in rows]


def test_tables_sort_filter_and_download_what_they_show(page, requests, reports, artifacts):
    open_page(page, (reports / "ruijin.html").as_uri())
    # the longest listing of targets (the lever tables list each target once, with its quote and offset)
    containers = page.locator("div.dt-container")
    heads = [containers.nth(i).locator("thead").inner_text() for i in range(containers.count())]
    listings = [i for i, head in enumerate(heads) if "target_id" in head and "offset" in head]
    sizes = [containers.nth(i).locator("tbody tr").count() for i in listings]
    container = containers.nth(listings[sizes.index(max(sizes))])
    table = container.locator("table")
    before = table_rows(table)
    assert len(before) == max(sizes) >= 5

    headers = table.locator("thead th")
    column = next(i for i in range(headers.count()) if "offset" in headers.nth(i).inner_text())
    headers.nth(column).click()  # ascending
    headers.nth(column).click()  # descending
    offsets = [int(row[column]) for row in table_rows(table)]
    assert offsets == sorted(offsets, reverse=True) and offsets != [int(r[column]) for r in before]

    data, rows = download_csv(page, container)
    assert data.startswith(b"\xef\xbb\xbf"), "the CSV has no UTF-8 byte order mark"
    assert rows[1:] == table_rows(table), "the CSV's rows are not the table's rows"
    assert rows[0] == [" ".join(h.split()) for h in headers.all_inner_texts()]

    wanted = before[0][0]  # one target's id
    container.locator(".dt-search input").fill(wanted)
    shown = table_rows(table)
    assert 0 < len(shown) < len(before) and all(wanted in " ".join(row) for row in shown)
    container.screenshot(path=artifacts / "report-ruijin-filtered.png")
    _, rows = download_csv(page, container)
    assert rows[1:] == shown, "the CSV of a filtered table holds other rows than it shows"
    assert not [u for u in requests if not u.startswith(("file:", "data:", "blob:"))]


def test_source_anchor_shows_its_quote_highlighted_with_row_and_header(page, reports, artifacts):
    open_page(page, (reports / "sources" / "ruijin_2021_2025.html").as_uri() + "#ruijin-005")
    mark = page.locator("mark#ruijin-005")
    assert mark.inner_text() == "2.6"
    assert page.evaluate("document.querySelector(':target')?.id") == "ruijin-005"
    assert mark.evaluate("m => getComputedStyle(m).backgroundColor") == "rgb(255, 179, 0)"
    box, viewport = mark.bounding_box(), page.viewport_size
    assert box and 0 <= box["y"] <= viewport["height"] - box["height"], f"the mark is out of view: {box}"
    label = page.locator('.tag[data-target="ruijin-005"]')
    assert "2025年目标值" in label.inner_text() and "全社会研发投入占地区生产总值比重" in label.inner_text()
    assert label.locator("a", has_text="report").get_attribute("href") == "../ruijin.html#ruijin-005"
    assert page.locator(".src-line.band").count() == 8 * 7  # eight rows of four cells and their blank lines
    page.screenshot(path=artifacts / "source-ruijin.png")

    open_page(page, (reports / "sources" / "changde_2022_2025.html").as_uri() + "#changde-016")
    line = page.locator(".src-line", has=page.locator("mark#changde-016"))
    assert "國家級" in line.locator(".txt").first.inner_text()
    assert "国家级" in line.locator(".txt.simplified").inner_text()  # the Simplified reading beside it
    page.screenshot(path=artifacts / "source-changde.png")


def test_every_target_has_its_anchor_and_region_links_reach_it(page, reports, book):
    for doc_id in DOCUMENTS:
        open_page(page, (reports / "sources" / f"{doc_id}.html").as_uri())
        ids = set(page.eval_on_selector_all("mark[id]", "marks => marks.map(m => m.id)"))
        expected = set(book.targets.loc[book.targets["doc_id"].astype(str) == doc_id, "target_id"].astype(str))
        assert ids == expected, f"{doc_id}: marks {sorted(ids ^ expected)} differ from its targets"
    # a page in reports/ linking a target as the region and comparison pages do
    link = '<a href="sources/ruijin_2021_2025.html#ruijin-012">ruijin-012</a>'
    (reports / "link-check.html").write_text(f"<html><body>{link}</body></html>", encoding="utf-8")
    try:
        open_page(page, (reports / "link-check.html").as_uri())
        page.click("a")
        page.wait_for_url("**/ruijin_2021_2025.html#ruijin-012", timeout=LOAD_TIMEOUT)
        assert page.locator("mark#ruijin-012").is_visible()
        assert page.evaluate("document.querySelector(':target')?.id") == "ruijin-012"
    finally:
        (reports / "link-check.html").unlink()
    # and every such link the region pages hold reaches a mark
    for name in sorted(PAGES):
        open_page(page, (reports / name).as_uri())
        for href in page.eval_on_selector_all("a[href^='sources/']", "links => links.map(a => a.getAttribute('href'))"):
            source, _, target = href.partition("#")
            html = (reports / source).read_text(encoding="utf-8")
            if not target:  # the document card links the whole source page
                assert "<mark" in html, f"{name}: {href} is not a source page"
                continue
            assert f'<mark class="quote" id="{target}">' in html, f"{name}: {href} leads nowhere"


def test_print_fits_a4_without_controls_or_clipped_columns(page, reports, artifacts):
    page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1000})
    for name in ("ruijin.html", "compare.html", "index.html", "sources/ruijin_2021_2025.html"):
        open_page(page, (reports / name).as_uri())
        page.emulate_media(media="print")
        facts = page.evaluate(
            """() => ({
                controls: [...document.querySelectorAll('.dt-search, .dt-buttons, .sti-nav nav')]
                    .filter(e => getComputedStyle(e).display !== 'none').length,
                wide: [...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().right)
                    .filter(right => right > innerWidth + 1).map(Math.round),
                page: document.documentElement.scrollWidth,
            })"""
        )
        assert facts["controls"] == 0, f"{name}: table controls or navigation show in print"
        assert not facts["wide"] and facts["page"] <= A4_WIDTH_PX + 1, f"{name}: wider than A4 in print: {facts}"
        if name == "ruijin.html":
            page.pdf(path=artifacts / "report-ruijin-print.pdf", format="A4", print_background=True)
        page.emulate_media(media="screen")


# HTML safety: a copy of the project whose data carry a <script> in a target's note, and a
# <script>, a Markdown link and a Markdown image in a region's English name and in a document's
# English title (the quotes stay verbatim: they are checked against the sources).


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
            row["name_en"] = f"Jiangxi {PAYLOAD} {MARKDOWN}"

    def title(row):
        if row["region_id"] == "jiangxi":
            row["title_en"] = f"{PAYLOAD} {MARKDOWN}"

    edit_csv(root / "data" / "targets.csv", note)
    edit_csv(root / "data" / "regions.csv", name)
    edit_csv(root / "data" / "documents.csv", title)
    assert noted, "no Jiangxi target with a note to edit"
    out = root / "out"
    result = sti("render", "--region", "jiangxi", "--output", str(out), env={"STI_TARGETS_ROOT": str(root)})
    assert result.returncode == 0, f"render of the edited copy failed:\n{result.stdout}\n{result.stderr}"
    return out, noted[0]


def assert_inert(page, scope: str, name: str) -> None:
    """Within ``scope``: the payloads show as text, make no live link and no image."""
    text = page.locator(scope).first.inner_text()
    assert PAYLOAD in text and MARKDOWN in text, f"{name}: the text from the data is not shown as text in {scope}"
    live = page.eval_on_selector_all(
        f"{scope} a[href^='javascript' i], {scope} img[src*='example.invalid']", "els => els.map(e => e.outerHTML)"
    )
    assert not live, f"{name}: live markup from the data in {scope}: {live}"


@pytest.mark.parametrize("name", ["jiangxi.html", "index.html", "compare.html", "sources/jiangxi_2021.html"])
def test_script_in_the_data_shows_as_text(page, requests, hostile_reports, artifacts, name):
    out, target_id = hostile_reports
    page.goto((out / name).as_uri())
    page.wait_for_load_state("load", timeout=LOAD_TIMEOUT)
    assert page.evaluate("typeof window.__pwned") == "undefined", f"{name}: a <script> from the data ran"
    body = page.inner_text("body")
    assert PAYLOAD in body, f"{name}: the text {PAYLOAD} is not shown"
    assert page.locator("script", has_text="__pwned").count() == 0, f"{name}: a <script> element from the data"
    # the header of every page; the index and the source pages in whole (the region and
    # comparison pages' own Markdown cells are the notebooks', tested with them)
    assert_inert(page, "header.sti-nav", name)
    if name in ("index.html", "sources/jiangxi_2021.html"):
        assert_inert(page, "main", name)
        assert not [u for u in requests if "example.invalid" in u], f"{name}: the Markdown image was requested"
        page.screenshot(path=artifacts / f"safety-{Path(name).stem}.png", full_page=False)
    if name == "jiangxi.html":
        assert body.count(PAYLOAD) >= 2, "the note and the region's name should both show the text"
        row = page.locator("tr", has_text=target_id).filter(has_text=PAYLOAD)
        assert row.count() >= 1, f"the note of {target_id} does not show the text"
        row.first.scroll_into_view_if_needed()
        page.screenshot(path=artifacts / "safety-jiangxi-note.png", full_page=False)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=artifacts / "safety-jiangxi-top.png", full_page=False)
