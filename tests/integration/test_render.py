"""sti-targets render, for real: papermill kernels, HTML export, index, and refusals."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BAD
from sti_targets.paths import PROJECT_ROOT
from sti_targets.publish.pages import NavRegion, RegionSummary, Site, workbook_version
from sti_targets.publish.render import index_html

DOCUMENTS = ("changde_2022_2025", "jiangxi_2021", "jingdezhen_2023_2025", "ruijin_2021_2025", "yancheng_2023")


def sti(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sti_targets.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=900,
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("reports")
    return out, sti("render", "--region", "jiangxi", "--output", str(out), "--jobs", "2")


def test_render_writes_report_comparison_and_index(rendered):
    out, result = rendered
    assert result.returncode == 0, result.stderr
    assert {"jiangxi.html", "compare.html", "index.html", "manifest.json"} <= {p.name for p in out.iterdir()}
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "temporary files left behind"
    assert "summary: 2 rendered" in result.stdout
    # every document's source page, also for regions not asked for: the comparison links them all
    assert sorted(p.name for p in (out / "sources").iterdir()) == [f"{d}.html" for d in DOCUMENTS]
    assert "source pages: 5 rendered" in result.stdout


def test_every_page_has_the_header_language_and_its_title(rendered):
    out, _ = rendered
    version = workbook_version()
    titles = {
        "jiangxi.html": "<title>江西省 Jiangxi Province — 科技创新目标 STI targets</title>",
        "compare.html": "<title>地区比较 Comparison of regions — 科技创新目标 STI targets</title>",
        "index.html": "<title>科技创新目标工作簿 STI Targets Workbook</title>",
        "sources/ruijin_2021_2025.html": "<title>瑞金市 Ruijin 原文 source: 瑞金市“十四五”科技创新发展规划 — ",
    }
    digests = set()
    for name, title in titles.items():
        html = (out / name).read_text(encoding="utf-8")
        assert '<html lang="zh-Hans">' in html, name
        assert title in html, name
        root = "../" if name.startswith("sources/") else ""
        for href in ("index.html", "compare.html", "changde.html", "yancheng.html"):
            assert f'href="{root}{href}"' in html, f"{name}: no link to {href}"
        assert "盐城市 Yancheng" in html and f'<span class="sti-version">{version}</span>' in html, name
        digests.add(html.split('<span class="sti-digest">', 1)[1].split("<", 1)[0])
    assert len(digests) == 1 and len(digests.pop()) == 12  # one run, one digest of its inputs


def test_report_html_has_no_code_no_parameters_no_errors(rendered):
    out, _ = rendered
    html = (out / "jiangxi.html").read_text(encoding="utf-8")
    assert "江西省 Jiangxi Province" in html
    assert "RegionReport.load" not in html  # code cells are not exported
    assert 'region_id = "jiangxi"' not in html  # nor the injected parameters
    assert "Traceback" not in html
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html  # no cell printed a warning
    assert html.count("data:image/png;base64") >= 1
    assert "高新技术企业1500家" in html  # a quote, verbatim


def test_index_links_every_report_with_its_status(rendered):
    out, _ = rendered
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="jiangxi.html"' in index and 'href="compare.html"' in index
    assert "2021年全省科学技术工作要点" in index
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["jiangxi"]["status"] == "ok"


def test_second_run_keeps_up_to_date_reports(rendered):
    out, _ = rendered
    before = (out / "jiangxi.html").stat().st_mtime_ns
    result = sti("render", "--region", "jiangxi", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "summary: 2 up to date" in result.stdout
    assert (out / "jiangxi.html").stat().st_mtime_ns == before


def test_unknown_region_lists_valid_ids_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = sti("render", "--region", "atlantis", "--output", str(out))
    assert result.returncode != 0
    assert "atlantis" in result.stderr
    assert "changde, jiangxi, jingdezhen, ruijin, yancheng" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_bad_data_renders_nothing(project_copy, tmp_path):
    targets = project_copy / "data" / "targets.csv"
    lines = targets.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace(",2025,", ",20x5,", 1)
    targets.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    result = sti("render", "--output", str(out), env={"STI_TARGETS_ROOT": str(project_copy)})
    assert result.returncode == 1
    assert "line 6, column target_year: '20x5'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_index_escapes_text_from_the_data(tmp_path):
    payload = "<script>alert(1)</script> [x](javascript:alert(1)) ![b](http://example.invalid/x.png)"
    region = NavRegion("x", payload, "A & B")
    levers = dict.fromkeys(("platforms", "talent", "financing", "other"), 1)
    summary = RegionSummary(region, "county", (("x_doc", payload),), "2021–2025", levers, 0)
    site = Site((region,), "0.1.0", "abc")
    manifest = {
        "x": {
            "status": "failed",
            "html": "x.html",
            "label": "<script>alert(1)</script>",
            "document": "A & B",
            "error": "ValueError: <b>",
        }
    }
    page = index_html(manifest, tmp_path, site, [summary])
    assert "<script>alert" not in page and "<img" not in page and 'href="javascript' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "A &amp; B" in page
    assert "[x](javascript:alert(1)) ![b](http://example.invalid/x.png)" in page  # shown as text


def test_bad_fixture_is_refused_by_render_too(project_copy, tmp_path):
    shutil.copy(BAD / "targets_duplicate_id.csv", project_copy / "data" / "targets.csv")
    result = sti("render", "--output", str(tmp_path / "o"), env={"STI_TARGETS_ROOT": str(project_copy)})
    assert result.returncode == 1 and "must be unique" in result.stderr


def test_region_notebook_stops_in_its_first_cell_for_an_unknown_region(tmp_path):
    import papermill

    with pytest.raises(papermill.PapermillExecutionError) as info:
        papermill.execute_notebook(
            str(PROJECT_ROOT / "notebooks" / "region_report.ipynb"),
            str(tmp_path / "out.ipynb"),
            parameters={"region_id": "atlantis"},
            progress_bar=False,
            cwd=str(PROJECT_ROOT),
        )
    error = info.value
    assert error.ename == "UnknownRegion"
    assert "valid ids are: changde, jiangxi, jingdezhen, ruijin, yancheng" in error.evalue
    # cells: 0 parameters, 1 injected parameters, 2 the first cell of the report
    assert error.cell_index == 2
