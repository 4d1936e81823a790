"""The source viewer: quotes marked at their offsets, nested and crossing marks kept well formed,
flattened-table rows found with their header, Traditional lines with their Simplified reading,
and text from the data escaped."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest
from sti_targets.dataset.loaders import Dataset
from sti_targets.publish.pages import NavRegion, Site, source_page
from sti_targets.publish.sources import source_view, table_row

VOID = {"br", "meta", "input", "img", "link", "hr"}


class Nesting(HTMLParser):
    """Fails on a closing tag that does not close the innermost open element; collects ids."""

    def __init__(self):
        super().__init__()
        self.stack, self.ids, self.errors = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()


def well_formed(html: str) -> Nesting:
    parser = Nesting()
    parser.feed(html)
    assert not parser.errors, parser.errors[:5]
    assert parser.stack == [], parser.stack
    return parser


@pytest.fixture(scope="module")
def book() -> Dataset:
    return Dataset.load()


def site_of(book: Dataset) -> Site:
    return Site.of(book.regions, book.documents, "0" * 64)


def doc_of(book: Dataset, doc_id: str) -> pd.Series:
    return book.documents.set_index(book.documents["doc_id"].astype(str), drop=False).loc[doc_id]


def tiny(tmp_path, text: str, quotes: list[tuple[str, int, str]], title: str = "测试文件") -> tuple:
    """A one-document project in tmp_path with the given (target_id, offset, quote) targets."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "t.txt").write_text(text, encoding="utf-8")
    doc = pd.Series(
        {
            "doc_id": "t_doc",
            "region_id": "t",
            "title_zh": title,
            "title_en": "a test",
            "issuer": "",
            "issued": "2024",
            "period_start": 2024,
            "period_end": 2025,
            "kind": "action plan",
            "script": "zh-Hans",
            "file": "sources/t.txt",
            "sha256": "0" * 64,
            "source_note": "",
            "source_url": "",
            "retrieved": "",
        }
    )
    rows = []
    for target_id, start, quote in quotes:
        assert text[start : start + len(quote)] == quote
        rows.append(
            {
                "target_id": target_id,
                "doc_id": "t_doc",
                "region_id": "t",
                "quote_start": start,
                "quote_end": start + len(quote),
                "quote": quote,
                "target_year": 2025,
                "indicator_name_zh": "指标",
                "indicator_name_en": "indicator",
                "value": 1.0,
                "value_high": float("nan"),
                "unit": "家",
                "comparator": "=",
            }
        )
    return doc, pd.DataFrame(rows)


TEST_REGION = NavRegion("t", "测试市", "Test")


def page_of(doc, targets, tmp_path, region=TEST_REGION) -> str:
    site = Site((region,), "0.0.0", "abc")
    return source_page(doc, source_view(doc, targets, tmp_path), region, site)


def test_crossing_and_nested_quotes_stay_well_formed(tmp_path):
    text = "第一行甲乙丙丁戊己\n第二行"
    # a: 甲乙丙, b: 乙丙丁戊 (crosses a), c: 丙 (inside both), d: from 己 over the line break
    quotes = [("t-001", 3, "甲乙丙"), ("t-002", 4, "乙丙丁戊"), ("t-003", 5, "丙"), ("t-004", 8, "己\n第二")]
    doc, targets = tiny(tmp_path, text, quotes)
    html = page_of(doc, targets, tmp_path)
    parsed = well_formed(html)
    assert {"t-001", "t-002", "t-003", "t-004"} <= set(parsed.ids)
    assert all(parsed.ids.count(i) == 1 for i in ("t-001", "t-002", "t-003", "t-004"))  # one anchor each
    # t-002 goes on after t-001 closes, and t-004 on the next line, in pieces that name them
    assert html.count('data-target="t-002"') >= 2 and 'class="quote cont" data-target="t-004"' in html
    # the text itself is all there, in order, once
    view = source_view(doc, targets, tmp_path)
    assert ["".join(k.text for k in line.tokens if k.kind == "text") for line in view.lines] == text.split("\n")


def test_text_from_the_data_is_escaped_on_the_source_page(tmp_path):
    payload = "<script>alert(1)</script> [x](javascript:alert(1)) ![b](http://example.invalid/x.png)"
    text = f"前言{payload}\n目标100家"
    doc, targets = tiny(tmp_path, text, [("t-001", text.index("目标"), "目标100家")], title=payload)
    region = NavRegion("t", payload, payload)
    html = page_of(doc, targets, tmp_path, region)
    well_formed(html)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html and "<img" not in html


def test_ruijin_table_cells_get_their_row_and_header(book):
    doc = doc_of(book, "ruijin_2021_2025")
    view = source_view(doc, book.targets)
    rows = {t.target_id: t.table for t in view.targets if t.table}
    assert sorted(rows) == [f"ruijin-{n:03d}" for n in range(5, 13)]  # the eight cells of 表2-1
    row = rows["ruijin-005"]
    assert row.header == ("序号", "科技发展指标", "2020年完成值", "2025年目标值")
    assert row.cells == ("1", "全社会研发投入占地区生产总值比重(%", "1.88", "2.6")
    assert row.column == "2025年目标值" and row.label == "全社会研发投入占地区生产总值比重(%"
    assert "科技创新预期性指标" in row.caption
    assert rows["ruijin-012"].cells[-1] == "新增4-6"
    banded = [line.number for line in view.lines if line.band]
    text = "\n".join("".join(k.text for k in line.tokens if k.kind == "text") for line in view.lines)
    first = text.split("\n")
    assert first[banded[0] - 1] == "1" and first[banded[-1] - 1] == "新增4-6"


def test_a_bare_number_in_prose_is_not_a_table_cell():
    text = "总体目标。\n\n到2025年,高新技术企业达到100家,全面完成各项任务。\n"
    start = text.index("100")
    assert table_row(text, start, start + 3) is None


def test_every_target_has_its_anchor_and_traditional_lines_their_simplified_reading(book):
    site = site_of(book)
    for doc_id in book.documents["doc_id"].astype(str):
        doc = doc_of(book, doc_id)
        view = source_view(doc, book.targets)
        region = next(r for r in site.regions if r.region_id == str(doc["region_id"]))
        parsed = well_formed(source_page(doc, view, region, site))
        expected = set(book.targets.loc[book.targets["doc_id"].astype(str) == doc_id, "target_id"].astype(str))
        assert expected <= set(parsed.ids), f"{doc_id}: targets without an anchor: {expected - set(parsed.ids)}"
    changde = source_view(doc_of(book, "changde_2022_2025"), book.targets)
    assert changde.traditional
    line = next(line for line in changde.lines if "總體目標" in "".join(k.text for k in line.tokens))
    assert "总体目标" in line.simplified
