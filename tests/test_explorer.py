"""The explorer's filter model, its CSV export, and the widgets bound to it."""

from __future__ import annotations

import base64
import csv
import io
import re
from html import escape
from html.parser import HTMLParser

import pandas as pd
import pytest
from sti_targets import load_regions, load_targets
from sti_targets.analysis.explorer import EXPORT_COLUMNS, NOT_STATED, TargetFilter
from sti_targets.analysis.palette import CATEGORY_COLOURS, TYPE_COLOURS
from sti_targets.dataset.export import neutralise_formula
from sti_targets.dataset.vocabulary import CATEGORIES
from sti_targets.publish import explorer as view_module
from sti_targets.publish.explorer import NO_MATCH, NO_VALUES, ExplorerView


@pytest.fixture(scope="module")
def model():
    return TargetFilter(load_targets(), load_regions())


def exported_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "no BOM: Excel would misread the Chinese"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_no_filter_keeps_everything(model):
    assert len(model.filter().rows) == len(model.targets)


def test_filters_combine(model):
    rows = model.filter(regions=["ruijin"], categories=["talent"], years=(2025, 2025)).rows
    assert len(rows) > 0
    assert set(rows["region_id"].astype(str)) == {"ruijin"}
    assert set(rows["category"].astype(str)) == {"talent"}
    rows = model.filter(types=["breakthrough"]).rows
    assert set(rows["target_type"].astype(str)) == {"breakthrough"}


def test_bindingness_and_stretch_filters(model):
    anticipatory = model.filter(bindingness=["anticipatory"]).rows
    assert anticipatory["target_id"].tolist() == [f"ruijin-{n:03d}" for n in range(5, 13)]  # table 2-1
    assert len(model.filter(bindingness=["binding"])) == 0  # no document labels a target 约束性
    not_stated = model.filter(bindingness=[NOT_STATED]).rows
    assert len(not_stated) == len(model.targets) - 8 and not_stated["bindingness"].isna().all()
    both = model.filter(bindingness=["anticipatory", NOT_STATED])
    assert len(both) == len(model.targets)
    stretch = model.filter(stretch=True).rows
    assert len(stretch) and stretch["is_stretch"].all()
    assert len(model.filter(stretch=False)) == len(model.targets) - len(stretch)
    # combined with the others: Ruijin's stretch targets are none of table 2-1's
    assert len(model.filter(regions=["ruijin"], bindingness=["anticipatory"], stretch=True)) == 0


def test_year_range(model):
    rows = model.filter(years=(2021, 2021)).rows
    assert set(rows["region_id"].astype(str)) == {"jiangxi"}


def test_simplified_search_finds_traditional_quotes(model):
    rows = model.filter(regions=["changde"], text="研发经费").rows
    assert "changde-001" in set(rows["target_id"])  # quote 全社會研發經費... in Traditional


def test_traditional_query_finds_what_simplified_finds(model):
    simplified = model.filter(text="科贷通").rows["target_id"].tolist()
    assert simplified, "科贷通 should be in the data"
    assert model.filter(text="科貸通").rows["target_id"].tolist() == simplified


def test_english_search_is_case_insensitive(model):
    rows = model.filter(text="Tech-Loan").rows
    assert set(rows["indicator_id"].astype(str)) == {"tech_loans"}


def test_search_covers_notes_and_region_names(model):
    assert set(model.filter(text="JIANGXI province").rows["region_id"].astype(str)) == {"jiangxi"}
    assert set(model.filter(text="瑞金").rows["region_id"].astype(str)) == {"ruijin"}
    noted = model.targets[model.targets["note"].fillna("").str.contains("HNTEs with valid certificates")]
    assert len(noted) > 0
    found = set(model.filter(text="hntes with VALID certificates").rows["target_id"])
    assert set(noted["target_id"]) <= found
    assert len(model.filter(text="瑞金 no-such-word").rows) == 0, "every word of the query must match"


def test_export_holds_the_rows_with_names_and_both_quotes(model):
    selection = model.filter(categories=["financing"])
    rows = exported_rows(selection.export_csv())
    assert list(rows[0]) == EXPORT_COLUMNS
    expected = selection.rows
    assert [r["target_id"] for r in rows] == expected["target_id"].tolist()
    assert [r["region_name_zh"] for r in rows] == expected["region_name_zh"].tolist()
    assert [r["indicator_name_en"] for r in rows] == expected["indicator_name_en"].tolist()
    assert [float(r["value"]) for r in rows] == expected["value"].tolist()
    changde = next(r for r in exported_rows(model.filter(regions=["changde"]).export_csv()) if r["quote"])
    assert changde["quote"] != changde["quote_zh_hans"], "Changde's quote is Traditional, its Simplified differs"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\r=x"])
def test_formula_cells_are_neutralised(text):
    assert neutralise_formula(text) == "'" + text


def test_export_neutralises_formulas_from_the_data(model):
    targets = load_targets()
    targets.loc[0, "note"] = '=HYPERLINK("http://example.invalid","x")'
    targets.loc[1, "note"] = "@cmd"
    rows = exported_rows(TargetFilter(targets, load_regions()).filter().export_csv())
    notes = {r["note"] for r in rows}
    assert "'" + '=HYPERLINK("http://example.invalid","x")' in notes and "'@cmd" in notes
    assert not [r for r in rows for v in r.values() if v[:1] in ("=", "+", "-", "@")], "a cell starts a formula"


def test_values_of_an_indicator_across_regions(model):
    values = model.filter().values("rd_gdp_ratio")
    assert set(values["region"]) == set(model.labels)  # all five regions set an R&D intensity
    assert values["target"].str.contains("%").all()
    assert model.indicators()[0][0] == "rd_gdp_ratio"  # the most widely set indicator comes first


class Tags(HTMLParser):
    """The tags and attributes of an HTML text."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_widgets_update_count_charts_table_and_download(model):
    view = ExplorerView(model)
    before = view.results.value
    assert f"<b>{len(model.targets)}</b>" in before
    view.regions.value = ("jiangxi",)
    assert view.results.value != before
    assert "<b>18</b>" in view.results.value and "ruijin-" not in view.results.value
    link = Tags(view.download.value).tags[-1][1]
    assert link["download"].endswith(".csv")
    data = base64.b64decode(link["href"].removeprefix("data:text/csv;charset=utf-8;base64,"))
    assert [r["target_id"] for r in exported_rows(data)] == model.filter(regions=["jiangxi"]).rows["target_id"].tolist()
    # every bar takes its colour from the palette
    colours = set(re.findall(r"background:(#[0-9a-f]{6})", view.results.value))
    assert colours and colours <= set(CATEGORY_COLOURS.values()) | set(TYPE_COLOURS.values())


def test_empty_result_says_so_and_reset_shows_all(model):
    view = ExplorerView(model)
    all_targets = view.results.value
    view.regions.value = ("jiangxi",)
    view.text.value = "no such words anywhere"
    assert "<b>0</b>" in view.results.value and NO_MATCH in view.results.value
    assert "<img" not in view.results.value and "<table" not in view.results.value
    assert view.download.value == ""
    view.reset_filters()
    assert view.text.value == "" and view.regions.value == ()
    assert view.results.value == all_targets


def test_the_bindingness_and_stretch_controls_filter_and_reset(model):
    view = ExplorerView(model)
    all_targets = view.results.value
    assert [v for _, v in view.bindingness.options] == ["anticipatory", NOT_STATED]  # binding: none in the data
    view.bindingness.value = ("anticipatory",)
    assert "<b>8</b>" in view.results.value and "anticipatory 预期性" in view.results.value
    view.stretch.value = True
    assert "<b>0</b>" in view.results.value
    view.reset_filters()
    assert view.bindingness.value == () and view.stretch.value is None
    assert view.results.value == all_targets


def test_a_large_selection_is_downloaded_on_request(model, monkeypatch):
    monkeypatch.setattr(view_module, "INLINE_DOWNLOAD_ROWS", 10)
    view = ExplorerView(model)
    assert "href" not in view.download.value and view.prepare.layout.display is None
    view.prepare_download()
    assert "data:text/csv" in view.download.value and view.prepare.layout.display == "none"
    view.regions.value = ("jiangxi",)  # 18 rows: still over the limit, the link goes again
    assert "href" not in view.download.value and view.prepare.layout.display is None


PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=alert(1)> $x^2$"


def test_text_from_the_data_is_inert(model):
    targets, regions = load_targets(), load_regions()
    targets["note"] = targets["note"].astype(object)
    targets.loc[targets["region_id"] == "jiangxi", "note"] = PAYLOAD
    targets["indicator_name_en"] = targets["indicator_name_en"].astype(str) + " " + PAYLOAD
    regions.loc[regions["region_id"] == "jiangxi", "name_en"] = PAYLOAD
    view = ExplorerView(TargetFilter(targets, regions))
    view.regions.value = ("jiangxi",)
    html = view.results.value + view.download.value
    tags = {tag for tag, _ in Tags(html).tags}
    assert not tags & {"script", "img"}, tags
    assert not [a for _, attrs in Tags(html).tags for a in attrs if a.startswith("on")]
    assert html.count("&lt;script&gt;") >= 3  # region name (charts, table), indicator name, note
    assert "$x^2$" in html  # shown as typed: nothing on the page typesets it


def test_the_page_font_has_every_label_and_traditional_queries(model):
    """The embedded font subset holds the glyphs of the buttons and labels, of every region name,
    and the Traditional forms of the data's characters, so a query typed as 科貸通 does not show boxes."""
    from fontTools.ttLib import TTFont
    from sti_targets.publish.explorer import font_css

    data = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", font_css()).group(1)
    cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
    view = ExplorerView(model)
    labels = "".join(c.description for c in (*view.filters(), view.indicator, view.reset, view.prepare))
    wanted = labels + "".join(model.labels) + NO_MATCH + "科貸通實驗室獨角獸" + view.text.placeholder
    missing = {c for c in wanted if ord(c) >= 0x2E80 and ord(c) not in cmap}
    assert not missing, f"no glyph in the page font for {sorted(missing)}"


@pytest.mark.parametrize("filters", [{}, {"regions": ["ruijin", "changde"]}, {"text": "企业"}, {"types": ["annual"]}])
def test_counts_are_a_crosstab_of_the_rows(model, filters):
    selection = model.filter(**filters)
    rows = selection.rows
    expected = pd.crosstab(rows["region_id"].astype(str), rows["category"].astype(str))
    expected = expected[[c for c in CATEGORIES if c in expected.columns]]
    expected.index = [model.labels[r] for r in expected.index]
    pd.testing.assert_frame_equal(selection.counts(), expected, check_names=False, check_dtype=False)


def test_table_html_is_the_table_escaped(model):
    selection = model.filter(regions=["jiangxi"])
    html = selection.table_html(5)
    assert html.count("<tr>") == 6  # header and five rows
    for value in selection.table().head(5).to_numpy().ravel():
        assert f"<td>{escape(str(value))}</td>" in html


def test_values_chart_says_when_the_indicator_is_filtered_out(model):
    view = ExplorerView(model)
    view.regions.value = ("jiangxi",)
    view.indicator.value = "tech_loans"
    assert "sti-values" in view.results.value and NO_VALUES not in view.results.value
    view.categories.value = ("talent",)
    assert NO_VALUES in view.results.value and "<b>" in view.results.value
