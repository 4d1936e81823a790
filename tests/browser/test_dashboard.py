"""The explorer dashboard (``sti-targets explore``) in chromium: filters move the count, the table
and the charts together; search in either script; reset and an empty result; a download that
reaches the browser while the server writes nothing; every label in the CJK font; no request off
the machine; kernels freed when pages go; no code, no traceback; the page cannot run code."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
from sti_targets import paths
from sti_targets.analysis.explorer import TargetFilter
from sti_targets.chinese.fonts import FAMILY
from sti_targets.dataset.loaders import load_documents, load_indicators, load_regions, load_targets
from sti_targets.dataset.vocabulary import category_label
from sti_targets.publish.dashboard import start_dashboard, stop_dashboard
from sti_targets.publish.explorer import NO_MATCH

from .conftest import edit_csv

WIDGET_TIMEOUT = 180_000  # ms: the kernel starts and runs the notebook before the widgets show

COUNT = ".sti-count b"  # <b>N</b> of M targets
CHART = ".sti-counts"  # targets per region and category
VALUES = ".sti-values"  # one indicator's values across regions
TABLE = "table.sti-table"
CODE = "from sti_targets.publish.explorer import Explorer"


@pytest.fixture(scope="module")
def model() -> TargetFilter:
    regions = load_regions()
    targets = load_targets(regions=regions, indicators=load_indicators(), documents=load_documents(regions=regions))
    return TargetFilter(targets, regions)


@pytest.fixture(scope="module")
def server(browser, artifacts):
    """Voilà serving notebooks/explore.ipynb on a free port: (process, URL); its log goes to
    tests/artifacts/voila.log."""
    log = artifacts / "voila.log"
    log.unlink(missing_ok=True)
    process, url = start_dashboard(None, log=log, log_level="INFO")
    yield process, url
    stop_dashboard(process)


@pytest.fixture(scope="module")
def dashboard(server) -> str:
    return server[1]


def open_dashboard(page, url: str):
    page.goto(url)
    page.wait_for_selector(TABLE, timeout=WIDGET_TIMEOUT)


def wait_for_count(page, n: int) -> None:
    """Wait until the count reads ``n`` and the table has ``n`` rows."""
    page.wait_for_function(
        """([count, table, n]) => {
            const b = document.querySelector(count);
            const rows = document.querySelectorAll(table + ' tbody tr');
            return b && b.textContent.trim() === String(n) && rows.length === n;
        }""",
        arg=[COUNT, TABLE, n],
        timeout=30_000,
    )


def table_rows(page) -> list[dict[str, str]]:
    """The table as a list of {column header: cell text}."""
    return page.evaluate(
        """(sel) => {
            const t = document.querySelector(sel);
            const head = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
            return [...t.querySelectorAll('tbody tr')].map(tr =>
                Object.fromEntries([...tr.querySelectorAll('td')].map((td, i) => [head[i], td.textContent.trim()])));
        }""",
        TABLE,
    )


def target_ids(page) -> list[str]:
    return [r["target_id"] for r in table_rows(page)]


def control(page, kind: str, description: str):
    """The widget of class ``widget-<kind>`` whose label is ``description``."""
    return page.locator(f".widget-{kind}", has=page.locator("label", has_text=description))


def search(page, text: str, expected: int) -> None:
    control(page, "text", "搜索 search").locator("input").fill(text)
    wait_for_count(page, expected)


def assert_no_code_and_no_error(page) -> None:
    text = page.inner_text("body")
    assert CODE not in text and "explorer.model.filter" not in text, "a code cell is shown"
    html = page.content()
    assert CODE not in html, "the page source carries the notebook's code"
    for sel in (".jp-InputArea-editor", ".cm-editor", ".CodeMirror", ".jp-InputPrompt"):
        assert page.locator(sel).count() == 0, f"{sel}: an input (code) area is on the page"
    assert "Traceback" not in text
    assert page.locator('[data-mime-type="application/vnd.jupyter.stderr"]').count() == 0, "an error output shows"


def assert_all_requests_local(page, url: str) -> None:
    """Every request the page made went to the dashboard's own host (or stayed in the page)."""
    host = urlsplit(url).hostname
    assert host == "127.0.0.1"
    assert page.requests, "no request recorded: the recorder is not attached"
    away = [u for u in page.requests if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname != host]
    assert not away, f"requests left the machine: {away}"


def test_filters_update_count_table_and_charts(page, dashboard, model, artifacts):
    open_dashboard(page, dashboard)
    total = len(model.targets)
    assert page.locator(".sti-count").inner_text().strip() == f"{total} of {total} targets 个目标"
    assert len(table_rows(page)) == total
    chart_before = page.locator(CHART).inner_html()
    assert page.locator(f"{CHART} .sti-row").count() == len(model.labels)  # a bar per region
    assert_no_code_and_no_error(page)
    page.screenshot(path=artifacts / "dashboard-1-all.png", full_page=False)

    # One region: the count, every table row and the charts follow.
    label = model.labels["jiangxi"]
    expected = model.filter(regions=["jiangxi"])
    assert len(expected.rows) == 18
    control(page, "select-multiple", "地区 region").locator("select").select_option(label=label)
    wait_for_count(page, 18)
    rows = table_rows(page)
    assert {r["region 地区"] for r in rows} == {label}
    assert [r["target_id"] for r in rows] == expected.rows["target_id"].tolist()
    assert page.locator(CHART).inner_html() != chart_before
    assert page.locator(f"{CHART} .sti-row").all_inner_texts() == [f"{label}\n18"]
    assert page.locator(".sti-count").inner_text().strip() == f"18 of {total} targets 个目标"
    page.screenshot(path=artifacts / "dashboard-2-jiangxi.png", full_page=False)

    # Then a search text (Chinese), within that region.
    needle = "企业"
    expected = model.filter(regions=["jiangxi"], text=needle)
    assert 0 < len(expected.rows) < 18
    search(page, needle, len(expected.rows))
    rows = table_rows(page)
    assert [r["target_id"] for r in rows] == expected.rows["target_id"].tolist()
    assert all(needle in r["指标 indicator"] + r["quote 原文 (简体)"] + r["note 备注"] for r in rows)
    assert {r["region 地区"] for r in rows} == {label}
    page.screenshot(path=artifacts / "dashboard-3-jiangxi-search.png", full_page=False)

    assert_no_code_and_no_error(page)
    assert not page.errors, page.errors
    origin = dashboard.split("/?")[0]
    assert not [(u, why) for u, why in page.failed if u.startswith(origin)], page.failed
    assert_all_requests_local(page, dashboard)


def test_values_chart_shows_an_indicator_across_regions(page, dashboard, model, artifacts):
    """The value chart: a bar per target of the chosen indicator, with value and unit, year and type."""
    open_dashboard(page, dashboard)
    values = model.filter().values("tech_loans")
    assert len(values) >= 3
    name, n = next((name, n) for i, name, n in model.indicators() if i == "tech_loans")
    control(page, "dropdown", "图表指标 chart").locator("select").select_option(label=f"{name} · {n} regions 个地区")
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel + ' .sti-row').length === n", arg=[VALUES, len(values)]
    )
    texts = page.locator(f"{VALUES} .sti-row").all_inner_texts()
    for text, v in zip(texts, values.itertuples()):
        assert text == f"{v.region}\n{v.target} · {v.year} · {v.type}"
        assert "亿元" in text
    assert name in page.locator(f"{VALUES} h4").inner_text()
    page.locator(VALUES).screenshot(path=artifacts / "dashboard-values-tech-loans.png")
    assert_all_requests_local(page, dashboard)


def test_traditional_search_finds_what_simplified_finds(page, dashboard, model):
    open_dashboard(page, dashboard)
    expected = model.filter(text="科贷通").rows["target_id"].tolist()
    assert expected
    search(page, "科贷通", len(expected))
    assert target_ids(page) == expected
    search(page, "科貸通", len(expected))
    assert target_ids(page) == expected


def test_empty_result_says_so_and_reset_shows_all(page, dashboard, model, artifacts):
    open_dashboard(page, dashboard)
    total = len(model.targets)
    control(page, "select-multiple", "地区 region").locator("select").select_option(label=model.labels["ruijin"])
    search(page, "没有这样的词 no such words", 0)
    message = page.locator(".sti-results .sti-empty")
    assert NO_MATCH in message.inner_text()
    assert page.locator(f".sti-results img, {TABLE}, {CHART}").count() == 0, "a chart or table shows for no rows"
    assert page.locator(".sti-download a").count() == 0, "a download link for no rows"
    page.screenshot(path=artifacts / "dashboard-4-empty.png", full_page=False)
    page.get_by_role("button", name="重置 Reset").click()
    wait_for_count(page, total)
    assert control(page, "text", "搜索 search").locator("input").input_value() == ""
    assert (
        control(page, "select-multiple", "地区 region").locator("select").evaluate("s => [...s.selectedOptions].length")
        == 0
    )
    assert_all_requests_local(page, dashboard)


def project_files() -> dict[str, tuple[int, int]]:
    """Every file of the project tree (tests/artifacts, where the server's log grows, aside):
    path -> (size, mtime in ns)."""
    out = {}
    skip = paths.PROJECT_ROOT / "tests" / "artifacts"
    for folder, dirs, files in os.walk(paths.PROJECT_ROOT):
        if Path(folder) == skip:
            dirs[:] = []
            continue
        for name in files:
            path = Path(folder) / name
            try:
                stat = path.stat()
            except FileNotFoundError:  # a dangling link
                continue
            out[str(path.relative_to(paths.PROJECT_ROOT))] = (stat.st_size, stat.st_mtime_ns)
    return out


def test_download_reaches_the_browser_and_the_server_writes_nothing(page, dashboard, model, tmp_path, artifacts):
    open_dashboard(page, dashboard)
    expected = model.filter(regions=["ruijin"], categories=["talent"])
    assert len(expected.rows) > 1
    control(page, "select-multiple", "地区 region").locator("select").select_option(label=model.labels["ruijin"])
    wait_for_count(page, len(model.filter(regions=["ruijin"]).rows))
    control(page, "select-multiple", "类别 category").locator("select").select_option(label=category_label("talent"))
    wait_for_count(page, len(expected.rows))
    link = page.locator(".sti-download a")
    assert f"({len(expected.rows)} rows" in link.inner_text()
    assert link.get_attribute("href").startswith("data:text/csv;charset=utf-8;base64,")

    before = project_files()
    with page.expect_download() as event:
        link.click()
    download = event.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    time.sleep(1)
    after = project_files()
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    assert not changed, f"the server wrote into the project tree: {changed}"

    data = saved.read_bytes()
    assert saved.suffix == ".csv" and data.startswith(b"\xef\xbb\xbf"), "a CSV in UTF-8 with BOM"
    assert data == expected.export_csv()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["target_id"] for r in rows] == expected.rows["target_id"].tolist()
    assert {r["region_name_zh"] + " " + r["region_name_en"] for r in rows} == {model.labels["ruijin"]}
    assert [r["quote_zh_hans"] for r in rows] == expected.rows["quote_zh_hans"].tolist()
    assert all(r["indicator_name_zh"] and r["indicator_name_en"] for r in rows)
    (artifacts / "dashboard-download.csv").write_bytes(data)
    assert_all_requests_local(page, dashboard)


def test_every_label_renders_in_the_cjk_font(page, dashboard, artifacts):
    open_dashboard(page, dashboard)
    found = page.evaluate(
        """(family) => {
            const pick = (sel) => document.querySelector(sel);
            const els = {
                label: pick('.widget-label'), button: pick('button.jupyter-button'), select: pick('select'),
                option: pick('option'), input: pick('input[type=text]'), header: pick('table.sti-table th'),
                cell: pick('table.sti-table td'), chart: pick('.sti-counts .sti-name'), title: pick('.sti-chart h4'),
                link: pick('.sti-download a'), count: pick('.sti-count'),
            };
            return Object.fromEntries(Object.entries(els).map(([k, el]) =>
                [k, el ? getComputedStyle(el).fontFamily : null]));
        }""",
        FAMILY,
    )
    wrong = {k: v for k, v in found.items() if not v or not v.startswith(f'"{FAMILY}"')}
    assert not wrong, f"not in the embedded CJK font: {wrong}"
    assert page.evaluate(
        """async (family) => {
            await document.fonts.ready;
            return document.fonts.check(`16px "${family}"`, '重置地区');
        }""",
        FAMILY,
    ), "the CJK web font did not load"
    page.locator(".widget-hbox").nth(1).screenshot(path=artifacts / "dashboard-controls.png")


def test_no_request_leaves_the_machine(page, dashboard):
    """The page and its error pages load nothing from a CDN (Voilà's lab page links Font Awesome)."""
    open_dashboard(page, dashboard)
    control(page, "text", "搜索 search").locator("input").fill("loan")
    page.wait_for_timeout(500)
    origin = dashboard.split("/?")[0]
    open_dashboard(page, dashboard + "&template=classic")  # a URL cannot pick a template with CDN links
    page.goto(origin + "/voila/files/nothing.txt")
    page.goto(origin + "/no/such/page")
    assert_all_requests_local(page, dashboard)
    assert any("/static/" in u for u in page.requests), "the page's own assets should have been recorded"


def kernels(process) -> list[psutil.Process]:
    """The kernel processes under the Voilà server."""
    out = []
    for child in psutil.Process(process.pid).children(recursive=True):
        try:
            if "ipykernel_launcher" in " ".join(child.cmdline()):
                out.append(child)
        except psutil.NoSuchProcess:
            pass
    return out


def wait_for_kernels(process, at_most: int, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while len(kernels(process)) > at_most and time.monotonic() < deadline:
        time.sleep(0.5)
    return len(kernels(process))


def test_reloads_and_closed_pages_free_their_kernels(browser, server):
    """Ten page loads leave at most three kernels at any time; once the page closes, none."""
    process, url = server
    context = browser.new_context()
    try:
        page = context.new_page()
        counts = []
        for _ in range(10):
            open_dashboard(page, url)
            counts.append(len(kernels(process)))
        assert max(counts) <= 3, f"kernels after each of 10 loads: {counts}"
        assert wait_for_kernels(process, 1) == 1, "only the open page's kernel should be left"
        page.close()
    finally:
        context.close()
    left = wait_for_kernels(process, 0)
    assert left == 0, f"{left} kernels left after the page closed"


def test_page_cannot_run_code_in_the_kernel(page, dashboard, tmp_path: Path):
    """A script on the page sends execute_request (and other code-running messages) down the
    kernel's websocket: the server drops them, while a kernel_info_request still gets its reply."""
    open_dashboard(page, dashboard)
    marker = tmp_path / "pwned"
    code = f"open({str(marker)!r}, 'w').write('x')"
    result = page.evaluate(
        """async (code) => {
            const config = JSON.parse(document.getElementById('jupyter-config-data').textContent);
            const url = location.origin.replace(/^http/, 'ws') + '/api/kernels/' + config.kernelId
                + '/channels?session_id=probe';
            const ws = new WebSocket(url);
            const msg = (type, content) => JSON.stringify({
                header: {msg_id: type + Math.random(), msg_type: type, username: '', session: 'probe',
                         date: new Date().toISOString(), version: '5.3'},
                parent_header: {}, metadata: {}, content, channel: 'shell', buffers: []});
            const replies = [];
            await new Promise((ok, bad) => { ws.onopen = ok; ws.onerror = bad; });
            ws.onmessage = (e) => { try { replies.push(JSON.parse(e.data).msg_type); } catch (_) {} };
            const run = {code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false};
            ws.send(msg('execute_request', run));
            ws.send(msg('inspect_request', {code: 'open', cursor_pos: 4, detail_level: 0}));
            ws.send(msg('complete_request', {code: 'import o', cursor_pos: 8}));
            ws.send(msg('kernel_info_request', {}));
            for (let i = 0; i < 100 && !replies.includes('kernel_info_reply'); i++)
                await new Promise(r => setTimeout(r, 100));
            await new Promise(r => setTimeout(r, 1500));
            ws.close();
            return replies;
        }""",
        code,
    )
    assert "kernel_info_reply" in result, f"the websocket did not work at all: {result}"
    assert not {"execute_reply", "execute_input", "inspect_reply", "complete_reply"} & set(result), result
    time.sleep(1)
    assert not marker.exists(), "code sent from the page ran in the kernel"


def test_server_exposes_no_jupyter_api(page, dashboard):
    """No contents, terminals, sessions or kernel-creation API, even with the token's cookie."""
    open_dashboard(page, dashboard)
    origin = dashboard.split("/?")[0]
    for path in ("/api/contents", "/api/contents/", "/api/terminals", "/api/sessions", "/api/kernels", "/lab"):
        response = page.request.get(origin + path)
        assert response.status in (403, 404), f"GET {path}: {response.status}"
        assert "json" not in (response.headers.get("content-type") or ""), f"GET {path} answered JSON"
    for path in ("/api/kernels", "/api/terminals", "/api/sessions", "/api/contents/x.ipynb"):
        response = page.request.post(origin + path, data=json.dumps({}))
        assert response.status in (403, 404, 405), f"POST {path}: {response.status}"
    # without the token (a fresh context: no cookie) the page itself is refused
    anonymous = page.context.browser.new_context()
    try:
        response = anonymous.request.get(origin + "/", max_redirects=0)
        assert response.status in (302, 403), f"GET / without the token: {response.status}"
    finally:
        anonymous.close()


# Text from the data is inert: a copy of the project whose Jiangxi region name carries an <img> with
# an onerror handler and TeX, a note a <script>, and the R&D intensity's English name markup and TeX.
# The real notebook is served; the kernel reads the copy's data (STI_TARGETS_ROOT).
IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=2</script>"
TEX = "$x^2$"


@pytest.fixture(scope="module")
def hostile_dashboard(browser, artifacts, tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("hostile-dashboard")
    shutil.copytree(paths.DATA, root / "data")
    shutil.copytree(paths.NOTEBOOKS, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy2(paths.PROJECT_ROOT / "pyproject.toml", root / "pyproject.toml")

    def region(row):
        if row["region_id"] == "jiangxi":
            row["name_en"] = f"Jiangxi {IMG} {TEX}"

    def note(row):
        if row["region_id"] == "jiangxi":
            row["note"] = f"{SCRIPT} {row['note']}"

    def indicator(row):
        if row["indicator_id"] == "rd_gdp_ratio":
            row["name_en"] = f"R&D intensity <b>bold</b> {TEX}"

    edit_csv(root / "data" / "regions.csv", region)
    edit_csv(root / "data" / "targets.csv", note)
    edit_csv(root / "data" / "indicators.csv", indicator)
    log = artifacts / "voila-hostile.log"
    log.unlink(missing_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STI_TARGETS_ROOT", str(root))
        process, url = start_dashboard(None, log=log, log_level="INFO")
    yield url
    stop_dashboard(process)


def test_text_from_the_data_shows_as_text(page, hostile_dashboard, artifacts):
    open_dashboard(page, hostile_dashboard)
    control(page, "select-multiple", "地区 region").locator("select").select_option(index=1)  # Jiangxi
    wait_for_count(page, 18)
    page.wait_for_timeout(1000)  # time for an injected handler to run, if one got in
    assert page.evaluate("typeof window.__pwned") == "undefined", "markup from the data ran"
    results = page.locator(".sti-results")
    assert results.locator("img, script").count() == 0, "an element from the data is on the page"
    assert results.locator("b", has_text="bold").count() == 0
    assert results.locator("mjx-container, .MathJax").count() == 0, "TeX from the data was typeset"
    names = page.locator(".sti-counts .sti-name").all_inner_texts()
    assert names == [f"江西省 Jiangxi {IMG} {TEX}"], names
    assert page.locator(".sti-values h4").inner_text().endswith(f"R&D intensity <b>bold</b> {TEX}")
    notes = [r["note 备注"] for r in table_rows(page)]
    assert all(n.startswith(SCRIPT) for n in notes), notes[:2]
    assert not page.errors, page.errors
    page.screenshot(path=artifacts / "dashboard-safety.png", full_page=False)
    assert_all_requests_local(page, hostile_dashboard)


def test_server_refuses_a_foreign_host_header(dashboard):
    """DNS rebinding: a page on another name that resolves to 127.0.0.1 is refused by its Host header."""
    import http.client

    port = urlsplit(dashboard).port

    def status(host: str) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", "/login", headers={"Host": host})
            return connection.getresponse().status
        finally:
            connection.close()

    assert status(f"attacker.example:{port}") == 403
    assert status(f"localhost:{port}") == 200
    assert status(f"127.0.0.1:{port}") == 200
