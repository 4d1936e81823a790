"""Analyses on the curated data: the numbers the reports print, and the HTML the pages show."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from sti_targets.analysis import summaries as analysis
from sti_targets.analysis.palette import CATEGORY_COLOURS, TYPE_COLOURS
from sti_targets.analysis.reports import Comparison, RegionReport, Table
from sti_targets.dataset.loaders import Dataset
from sti_targets.dataset.provenance import read_source
from sti_targets.dataset.vocabulary import TARGET_TYPE_ZH, TARGET_TYPES, region_order, target_type_label


@pytest.fixture(scope="module")
def data() -> Dataset:
    return Dataset.load()


@pytest.fixture(scope="module")
def book(data):
    return data.targets, data.regions, data.indicators


def test_category_table_counts_every_target(book):
    targets, _, _ = book
    for region in ("ruijin", "yancheng"):
        table = analysis.by_category_and_year(targets, region)
        assert table["total 合计"].sum() == (targets["region_id"] == region).sum()
    assert analysis.by_category_and_year(targets, "ruijin")["category 类别"].iloc[0] == "创新平台 Innovation platforms"


def test_ruijin_table_2_1_gives_2020_baselines_for_eight_indicators(book):
    targets, _, _ = book
    notes = targets["note"].fillna("")
    table = targets[notes.str.startswith("table 2-1") & (targets["region_id"] == "ruijin")]
    assert len(table) == 8
    assert (table["baseline_year"] == 2020).all()


def test_required_growth_is_the_compound_rate(data):
    growth = analysis.required_growth(data.targets, data.observations, "ruijin").set_index("target_id")
    # Technology contract turnover: 0.83 亿元 (2020) to 8.0 亿元 (2025).
    assert growth.loc["ruijin-011", "growth/yr 年均增速"] == f"{((8.0 / 0.83) ** (1 / 5) - 1) * 100:+.1f}%/yr"
    # R&D intensity 1.88% -> 2.6%: 0.14 percentage points a year.
    assert growth.loc["ruijin-005", "points/yr (shares)"] == "+0.14 pp/yr"


def test_cumulative_and_increment_targets_say_why_they_have_no_rate(data):
    growth = analysis.required_growth(data.targets, data.observations, "ruijin").set_index("target_id")
    assert growth.loc["ruijin-012", "growth/yr 年均增速"] == "new additions in the period: no stock growth rate"
    # ruijin-007 is a stock since the audit (有效期内高新技术企业34家 -> 总数达到100家): it has a rate.
    assert growth.loc["ruijin-007", "growth/yr 年均增速"] == f"{((100 / 34) ** (1 / 5) - 1) * 100:+.1f}%/yr"
    # No curated cumulative target has a baseline any more; one that had would get no stock rate.
    targets = data.targets.copy()
    targets["target_type"] = targets["target_type"].astype(object)
    targets.loc[targets["target_id"] == "ruijin-007", "target_type"] = "cumulative"
    growth = analysis.required_growth(targets, data.observations, "ruijin").set_index("target_id")
    assert growth.loc["ruijin-007", "growth/yr 年均增速"] == "cumulative over the period: no stock growth rate"


def test_contested_patent_baseline_gives_one_row_per_reading(data):
    readings = analysis.growth_readings(data.targets, data.observations, "ruijin")
    patents = readings[readings["target_id"] == "ruijin-009"]
    # The recorded baseline (table 2-1, 2020) first, then the two contested 2021 values in the text's order.
    assert patents["observation_id"].tolist() == ["ruijin-o014", "ruijin-o006", "ruijin-o013"]
    assert patents["baseline"].tolist() == [0.97, 2.25, 1.95]
    assert patents["baseline_year"].tolist() == [2020, 2021, 2021]
    assert patents["contested"].tolist() == ["", *["ruijin_invention_patents_per_10k_2021"] * 2]
    assert [round(g, 1) for g in patents["growth_pct"]] == [25.3, 7.5, 11.4]
    text = read_source("sources/ruijin_2021-2025_sti_plan.txt")
    for source, offset in zip(patents["source"], patents["offset"]):
        quote = re.fullmatch(r"ruijin-o[0-9]{3}: “(.+)” at offset (\d+)", source)
        assert quote and int(quote[2]) == offset
        assert text[offset : offset + len(quote[1])] == quote[1]  # verbatim where the row says
    assert "每万人有效发明专利拥有量为2.25件" in patents["source"].iloc[1]
    # A target whose measure has no contested observation has one reading: its baseline.
    assert readings[readings["target_id"] == "ruijin-011"]["observation_id"].tolist() == ["ruijin-o016"]


def test_every_reading_is_an_observation_and_every_baseline_is_read(data):
    readings = analysis.growth_readings(data.targets, data.observations)
    with_baseline = data.targets[data.targets["baseline_observation"].notna()]
    assert set(readings["target_id"]) == set(with_baseline["target_id"].astype(str))
    assert set(readings["observation_id"]) <= set(data.observations["observation_id"].astype(str))
    assert len(readings) == len(with_baseline) + 2  # the two contested patent values of ruijin-009


def test_the_growth_table_cites_the_observations_and_marks_the_contested(data):
    growth = analysis.required_growth(data.targets, data.observations, "ruijin")
    patents = growth[growth["target_id"] == "ruijin-009"]
    assert patents["baseline from 基期出处"].iloc[0] == "ruijin-o014: “0.97” at offset 7053"
    assert patents["conflict 矛盾"].tolist() == ["", *["ruijin_invention_patents_per_10k_2021"] * 2]


@pytest.mark.parametrize("baseline,why", [(0.0, "baseline is zero"), (-1.0, "baseline below zero")])
def test_zero_or_negative_baseline_gives_a_reason_not_inf_or_nan(data, baseline, why):
    observations = data.observations.copy()
    observations.loc[observations["observation_id"] == "ruijin-o016", "value"] = baseline
    growth = analysis.required_growth(data.targets, observations, "ruijin").set_index("target_id")
    assert growth.loc["ruijin-011", "growth/yr 年均增速"].startswith(why)
    shown = growth.astype(str).to_numpy().ravel()
    assert not any(re.search(r"inf|nan", cell) for cell in shown)


def test_regions_without_baselines_give_an_empty_table(data):
    assert analysis.required_growth(data.targets, data.observations, "jiangxi").empty


def test_headline_matrix_shows_value_as_written_year_and_type(book):
    targets, regions, indicators = book
    matrix = analysis.headline_matrix(targets, regions, indicators).set_index("indicator 指标")
    rd = matrix.loc[[i for i in matrix.index if i.startswith("全社会研发经费投入强度")][0]]
    assert str(rd["江西省 Jiangxi Province"]) == "2.0% (2021 share) [stretch 力争]"  # 达到2.0%: not "2 %"
    assert str(rd["瑞金市 Ruijin"]) == "2.6% (2025 share) [anticipatory 预期性]"  # table 2-1: 预期性指标
    assert str(rd["盐城市 Yancheng"]) == "≈2.4% (2023 share) [stretch 力争]"
    hte = matrix.loc[[i for i in matrix.index if i.startswith("高新技术企业数")][0]]
    assert str(hte["瑞金市 Ruijin"]) == "100 家 (2025 level) [anticipatory 预期性]"  # one target stated twice: no ⚠
    share = matrix.loc[[i for i in matrix.index if i.startswith("高新技术产业增加值占规上工业增加值比重")][0]]
    assert str(share["瑞金市 Ruijin"]).count("⚠") == 2  # value added vs main business revenue
    assert list(matrix.columns) == [f"{n}" for n in analysis.region_labels(regions)[region_order(regions)]]


def test_known_ruijin_contradictions_are_all_recorded(book, data):
    targets, _, _ = book
    groups = analysis.conflict_groups(targets, "ruijin")
    # The audit found the other pairs compatible (1-2 satisfies a zero-breakthrough; 34 -> 100 is one
    # stock stated twice) and moved the contested patent values to observations.
    assert set(groups["conflict 矛盾"]) == {"ruijin_hightech_share_43"}
    share = analysis.conflicts(targets, data.regions)
    share = share[share["conflict 矛盾"] == "ruijin_hightech_share_43"]
    assert len(share) == 2  # value added (table) and main business revenue (chapter 4)
    assert share["⚠ other reading 另一读法"].tolist() == [
        "⚠ other reading: ruijin-013 ≥43% (2025 share)",
        "⚠ other reading: ruijin-010 43% (2025 share)",
    ]


def test_alignment_compares_cities_with_their_province(book):
    targets, regions, _ = book
    table = analysis.alignment(targets, regions, "jiangxi", ("jingdezhen", "ruijin")).set_index("indicator 指标")
    assert list(table.columns) == ["江西省 Jiangxi Province", "景德镇市 Jingdezhen", "瑞金市 Ruijin"]
    row = table.loc[[i for i in table.index if i.startswith("全社会研发经费投入强度")][0]]
    assert list(map(str, row)) == [
        "2.0% (2021 share) [stretch 力争]",
        "2.6% (2025 share)",
        "2.6% (2025 share) [anticipatory 预期性]",
    ]


def test_category_mix_rows_sum_to_100_in_the_region_order(book):
    targets, regions, _ = book
    mix = analysis.category_mix(targets, regions)
    assert mix.sum(axis=1).round(0).eq(100).all()
    assert list(mix.index) == analysis.region_labels(regions)[region_order(regions)].to_list()


def test_region_order_puts_the_province_first_then_follows_the_admin_code(book):
    _, regions, _ = book
    assert region_order(regions) == ["jiangxi", "yancheng", "jingdezhen", "ruijin", "changde"]


def test_every_target_type_has_a_bilingual_label():
    assert set(TARGET_TYPE_ZH) == set(TARGET_TYPES)
    assert target_type_label("cumulative") == "cumulative 累计"


def test_financing_in_one_unit(book):
    targets, _, _ = book
    table = analysis.financing(targets, "changde")
    assert table["亿元 (100m yuan)"].tolist() == [6.0]


@pytest.mark.parametrize(
    "row,text",
    [
        ({"value": 4.0, "value_high": 6.0, "unit": "个", "comparator": "=", "quote": "新增4-6"}, "4–6 个"),
        ({"value": 350.0, "value_high": float("nan"), "unit": "亿元", "comparator": ">="}, "≥350 亿元"),
        ({"value": 2.4, "value_high": float("nan"), "unit": "%", "comparator": "~", "quote": "2.4%左右"}, "≈2.4%"),
        ({"value": 2.0, "value_high": float("nan"), "unit": "%", "comparator": "=", "quote": "达到2.0%"}, "2.0%"),
        ({"value": 2.0, "value_high": float("nan"), "unit": "%", "comparator": "=", "quote": "达到２.０％"}, "2.0%"),
        ({"value": 8.0, "value_high": float("nan"), "unit": "亿元", "comparator": "=", "quote": "8.0"}, "8.0 亿元"),
        ({"value": 300.0, "value_high": float("nan"), "unit": "家", "comparator": "=", "quote": "三百家"}, "300 家"),
        (
            {"value": 1500.0, "value_high": float("nan"), "unit": "家", "comparator": "=", "quote": "1,500家"},
            "1,500 家",
        ),
        (
            {"value": 10.0, "value_high": float("nan"), "unit": "家", "comparator": ">=", "quote": "20家,10家以上"},
            "≥10 家",
        ),
        (
            {"value": 0.3333, "value_high": float("nan"), "unit": "fraction", "comparator": "=", "quote": "力争1/3"},
            "1/3",
        ),
    ],
)
def test_format_value_writes_the_number_as_the_quote_does(row, text):
    assert analysis.format_value(pd.Series(row)) == text


def test_every_table_writes_values_as_the_document(book):
    targets, _, _ = book
    written = analysis.formatted(targets.set_index("target_id"))
    assert written["jiangxi-004"] == "2.0%"  # 全省研发投入强度达到2.0%
    assert written["ruijin-012"] == "4–6 个"
    assert not any(re.search(r"\d\.\d*0%", v) for v in written if v != "2.0%")  # no float noise like 2.60%


def test_empty_selection_gives_empty_tables(book):
    targets, _, _ = book
    assert analysis.financing(targets, "ruijin").empty
    assert analysis.category_targets(targets, "ruijin", "society").empty


def test_each_target_is_listed_once_per_region(data):
    for region in data.region_ids():
        assert analysis.listed_once(data.targets, region), region
    doubled = pd.concat([data.targets, data.targets[data.targets["target_id"] == "ruijin-001"]])
    assert not analysis.listed_once(doubled, "ruijin")


# --- The HTML the pages show -----------------------------------------------------------------


class Parsed(HTMLParser):
    """Tags with their attributes, and the text, of an HTML fragment."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def of(self, tag: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag]


@pytest.fixture(scope="module")
def ruijin(data) -> RegionReport:
    return RegionReport("ruijin", data)


def test_region_rows_link_to_their_source_and_carry_their_id(ruijin, data):
    html = ruijin.section("enterprises")._repr_html_()
    parsed = Parsed(html)
    assert parsed.of("table") == [{"class": "dataframe sti-table"}]
    ids = [a["id"] for a in parsed.of("tr") if "id" in a]
    assert ids == analysis.category_targets(data.targets, "ruijin", "enterprises")["target_id"].tolist()
    hrefs = {a["href"] for a in parsed.of("a")}
    assert {f"sources/ruijin_2021_2025.html#{i}" for i in ids} <= hrefs
    first_cells = re.findall(r'<tr id="[^"]+"><td class="sti-id" style="([^"]+)">', html)
    assert first_cells and all("white-space:nowrap" in s for s in first_cells)  # ids never wrap
    styles = dict(zip(re.findall(r"<th[^>]*>(.*?)</th>", html), (a["style"] for a in parsed.of("th"))))
    assert "text-align:left" in styles["quote 原文"] and "text-align:left" in styles["指标 indicator"]
    quote_cells = re.findall(r'<td style="([^"]+)">[^<]*高新技术企业总数达到100家', html)
    assert quote_cells and "text-align:left" in quote_cells[0]  # Chinese text left-aligned


def test_tables_have_no_index_column_no_empty_header_and_no_random_ids(ruijin):
    for table in (ruijin.section("talent"), ruijin.growth_table(), ruijin.by_category(), ruijin.contradictions()):
        html = table._repr_html_()
        headers = re.findall(r"<th[^>]*>(.*?)</th>", html)
        assert headers and all(h.strip() for h in headers)
        assert html.count("<tr>") + html.count("<tr id=") == len(table.frame) + 1  # one header row
        assert not re.search(r'id="T_|uuid', html)
        assert html == table._repr_html_() and repr(table) == repr(table)
        assert " at 0x" not in repr(table)


def test_every_conflict_row_shows_the_warning_and_the_other_reading(ruijin, data):
    for table in (ruijin.others(),):
        frame = table.frame
        ids = frame["target_id"]
        in_conflict = ids.isin(data.targets.loc[data.targets["conflict"].notna(), "target_id"].astype(str))
        assert in_conflict.any()
        assert frame.loc[in_conflict, "⚠ other reading 另一读法"].str.startswith("⚠").all()
        assert (frame.loc[~in_conflict, "⚠ other reading 另一读法"] == "").all()
    html = ruijin.others()._repr_html_()
    assert '<span class="sti-warn"><strong>⚠</strong> other reading: ruijin-013 ≥43% (2025 share)</span>' in html


def test_badges_use_the_palette_and_stretch_is_marked(ruijin, data):
    html = ruijin.section("enterprises")._repr_html_()
    assert f"background:{TYPE_COLOURS['breakthrough']}" in html and "breakthrough 突破" in html
    listed = analysis.category_targets(data.targets, "ruijin", "enterprises")
    stretched = listed["type 类型"].str.endswith(" · stretch 力争")
    assert listed.loc[stretched, "target_id"].tolist() == ["ruijin-015", "ruijin-016", "ruijin-017"]  # 力争
    assert html.count(">stretch 力争</span>") == stretched.sum()
    others = ruijin.others()._repr_html_()
    assert f"background:{CATEGORY_COLOURS['ip']}" in others
    headline = Comparison(data).headline()._repr_html_()
    assert "stretch 力争" in headline and "⚠" in headline
    assert 'href="sources/jiangxi_2021.html#jiangxi-004"' in headline


def test_bindingness_is_a_badge_beside_stretch_where_the_document_states_it(ruijin, data):
    listed = analysis.category_targets(data.targets, "ruijin", "enterprises")
    anticipatory = listed["type 类型"].str.endswith(" · anticipatory 预期性")
    assert listed.loc[anticipatory, "target_id"].tolist() == ["ruijin-007", "ruijin-008"]  # table 2-1 rows 3, 4
    html = ruijin.section("enterprises")._repr_html_()
    assert html.count(">anticipatory 预期性</span>") == anticipatory.sum()
    # Empty means not stated: Jiangxi's rows carry no bindingness badge, and no column for it.
    jiangxi = analysis.category_targets(data.targets, "jiangxi", "enterprises")
    assert not jiangxi["type 类型"].str.contains("预期性|约束性").any()
    headline = Comparison(data).headline()._repr_html_()
    shown = data.targets["indicator_id"].astype(str).isin(analysis.HEADLINE_INDICATORS)
    assert headline.count(">anticipatory 预期性</span>") == int((shown & data.targets["bindingness"].notna()).sum())
    overview = ruijin.overview().text
    assert "8 are labelled anticipatory (预期性) by the document" in overview


HOSTILE_NAME = '[x](javascript:alert(1)) ![b](http://example.invalid/b.png) <script>alert(1)</script> "q"'


def test_text_from_the_data_is_inert_html(data):
    regions = data.regions.copy()
    regions["name_en"] = regions["name_en"].astype(object)
    regions.loc[regions["region_id"] == "ruijin", "name_en"] = HOSTILE_NAME
    targets = data.targets.copy()
    targets["note"] = targets["note"].astype(object)
    targets.loc[targets["target_id"] == "ruijin-022", "note"] = "<img src=x onerror=alert(1)> [y](javascript:1)"
    report = RegionReport("ruijin", dataclasses.replace(data, regions=regions, targets=targets))
    for shown in (report.title(), report.section("talent"), report.document(), report.overview()):
        html = shown._repr_html_()
        assert "<script" not in html and "<img" not in html and "javascript:" not in str(Parsed(html).of("a"))
    title = report.title()._repr_html_()
    assert title.startswith("<h1>") and "&lt;script&gt;" in title and "[x](javascript:alert(1))" in title
    assert "&lt;img src=x onerror=alert(1)&gt;" in report.section("talent")._repr_html_()


def test_a_table_of_an_unknown_column_escapes_its_cells(data):
    frame = pd.DataFrame({"target_id": ["ruijin-001"], "free text": ["<b>bold</b> & more"]})
    html = Table(frame, data.targets, anchors=True)._repr_html_()
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html and '<tr id="ruijin-001">' in html


def test_the_report_lists_the_past_values_with_quote_offset_and_the_targets_they_are_the_baseline_of(ruijin, data):
    table = analysis.observation_table(data.observations, data.targets, data.indicators, "ruijin")
    assert len(table) == 17 and table["offset"].is_monotonic_increasing
    rows = table.set_index("observation_id")
    assert rows.loc["ruijin-o001", "value 数值"] == "3.30%"  # as written
    assert rows.loc["ruijin-o014", "baseline of 基期于"] == "ruijin-009"
    assert set(rows.loc[["ruijin-o006", "ruijin-o013"], "conflict 矛盾"]) == {"ruijin_invention_patents_per_10k_2021"}
    text = read_source("sources/ruijin_2021-2025_sti_plan.txt")
    assert all(text[o : o + len(q)] == q for q, o in zip(table["quote 原文"], table["offset"]))
    assert "ruijin-o017" in ruijin.observations()._repr_html_()
    assert "17 of observations verified" in ruijin.verify_quotes()
    assert "states no past value" in RegionReport.load("jiangxi").observations().text
