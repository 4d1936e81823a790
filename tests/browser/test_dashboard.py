"""The explorer dashboard (``sti-targets explore``) in chromium: filters move the count, the table
and the chart together; no code, no traceback; the page cannot run code in the kernel."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sti_targets.analysis.explorer import TargetFilter
from sti_targets.dataset.loaders import load_documents, load_indicators, load_regions, load_targets
from sti_targets.publish.dashboard import start_dashboard, stop_dashboard

WIDGET_TIMEOUT = 120_000  # ms: the kernel starts and runs the notebook before the widgets show

COUNT = ".sti-count b"  # <b>N</b> of M targets
CHART = ".widget-image"
TABLE = "table.sti-table"
CODE = "from sti_targets.publish.explorer import Explorer"


@pytest.fixture(scope="module")
def model() -> TargetFilter:
    regions = load_regions()
    targets = load_targets(regions=regions, indicators=load_indicators(), documents=load_documents(regions=regions))
    return TargetFilter(targets, regions)


@pytest.fixture(scope="module")
def dashboard(browser, artifacts):
    """Voilà serving notebooks/explore.ipynb on a free port; its log goes to tests/artifacts/voila.log."""
    log = artifacts / "voila.log"
    log.unlink(missing_ok=True)
    process, url = start_dashboard(None, log=log, log_level="INFO")
    yield url
    stop_dashboard(process)


def open_dashboard(page, url: str):
    page.goto(url)
    page.wait_for_selector(TABLE, timeout=WIDGET_TIMEOUT)
    wait_for_chart(page)


def wait_for_chart(page, not_src: str | None = None) -> str:
    """Wait until the chart shows a loaded image (another one than ``not_src``); return its src."""
    page.wait_for_function(
        """([sel, old]) => {
            const img = document.querySelector(sel);
            return img && img.src && img.src !== old && img.complete && img.naturalWidth > 0;
        }""",
        arg=[CHART, not_src],
        timeout=30_000,
    )
    return page.locator(CHART).get_attribute("src")


def wait_for_count(page, n: int) -> None:
    """Wait until the count reads ``n`` and the table has ``n`` rows (they are updated one after the other)."""
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


def control(page, kind: str, description: str):
    """The widget of class ``widget-<kind>`` whose label is ``description``."""
    return page.locator(f".widget-{kind}", has=page.locator("label", has_text=description))


def assert_no_code_and_no_error(page) -> None:
    text = page.inner_text("body")
    assert CODE not in text and "explorer.model.filter" not in text, "a code cell is shown"
    html = page.content()
    assert CODE not in html, "the page source carries the notebook's code"
    for sel in (".jp-InputArea-editor", ".cm-editor", ".CodeMirror", ".jp-InputPrompt"):
        assert page.locator(sel).count() == 0, f"{sel}: an input (code) area is on the page"
    assert "Traceback" not in text
    assert page.locator('[data-mime-type="application/vnd.jupyter.stderr"]').count() == 0, "an error output shows"


def test_filters_update_count_table_and_chart(page, dashboard, model, artifacts):
    open_dashboard(page, dashboard)
    total = len(model.targets)
    assert page.locator(".sti-count").inner_text().strip() == f"{total} of {total} targets"
    assert len(table_rows(page)) == total
    table_before = page.locator(TABLE).inner_html()
    chart_before = page.locator(CHART).get_attribute("src")
    assert_no_code_and_no_error(page)
    page.screenshot(path=artifacts / "dashboard-1-all.png", full_page=False)

    # One region: the count, every table row and the chart follow.
    label = model.labels["jiangxi"]
    expected = model.filter(regions=["jiangxi"])
    assert len(expected.rows) == 18
    control(page, "select-multiple", "地区 region").locator("select").select_option(label=label)
    wait_for_count(page, 18)
    chart_region = wait_for_chart(page, not_src=chart_before)
    rows = table_rows(page)
    assert {r["region 地区"] for r in rows} == {label}
    assert [r["target_id"] for r in rows] == expected.rows["target_id"].tolist()
    assert page.locator(TABLE).inner_html() != table_before
    assert page.locator(".sti-count").inner_text().strip() == f"18 of {total} targets"
    page.screenshot(path=artifacts / "dashboard-2-jiangxi.png", full_page=False)

    # Then a search text (Chinese), within that region.
    needle = "企业"
    expected = model.filter(regions=["jiangxi"], text=needle)
    assert 0 < len(expected.rows) < 18
    control(page, "text", "搜索 search").locator("input").fill(needle)
    wait_for_count(page, len(expected.rows))
    wait_for_chart(page, not_src=chart_region)
    rows = table_rows(page)
    assert [r["target_id"] for r in rows] == expected.rows["target_id"].tolist()
    assert all(needle in r["指标 indicator"] + r["quote 原文 (简体)"] for r in rows)
    assert {r["region 地区"] for r in rows} == {label}
    page.screenshot(path=artifacts / "dashboard-3-jiangxi-search.png", full_page=False)

    assert_no_code_and_no_error(page)
    assert not page.errors, page.errors
    origin = dashboard.split("/?")[0]
    assert not [(u, why) for u, why in page.failed if u.startswith(origin)], page.failed


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
