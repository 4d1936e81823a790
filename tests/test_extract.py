"""sti-targets extract: candidate targets found in a plan's text, quoted verbatim from the raw file."""

from __future__ import annotations

import csv
import io
import math
import statistics
import time

import opencc
import pandas as pd
import pytest
from sti_targets import DataError, load_documents, load_indicators
from sti_targets.chinese.numerals import LARGE_UNITS, SMALL_UNITS
from sti_targets.chinese.script import to_full_width
from sti_targets.cli import main
from sti_targets.dataset.vocabulary import FRACTION_UNIT, MONEY_UNITS_TO_100M, UNITS
from sti_targets.extract import COLUMNS, extract_targets, read_plan
from sti_targets.extract.lexicon import KEYWORD_COLUMNS, indicator_keywords
from sti_targets.paths import DATA

SOURCES = sorted((DATA / "sources").glob("*.txt"))


def rows(text: str) -> list[dict]:
    """The rows found, missing values as None."""
    return [{k: None if pd.isna(v) else v for k, v in r.items()} for r in extract_targets(text).to_dict("records")]


def values(text: str) -> list[tuple]:
    return [(r["value"], r["value_high"], r["unit"]) for r in rows(text)]


def only(text: str) -> dict:
    found = rows(text)
    assert len(found) == 1, found
    return found[0]


# --- reading files ----------------------------------------------------------------------------------


def test_a_gb18030_file_is_refused_with_the_command_that_converts_it(tmp_path):
    # (sources are UTF-8: offsets count the stored file's characters, sha256 is of its bytes; README, Faults)
    text = "到2025年,新增省级重点实验室3家,技术合同成交额突破50亿元。"
    utf8, gb = tmp_path / "utf8.txt", tmp_path / "gb.txt"
    utf8.write_bytes(text.encode("utf-8"))
    gb.write_bytes(text.encode("gb18030"))
    with pytest.raises(DataError, match="GB18030/GBK text, not UTF-8.*iconv -f GB18030 -t UTF-8"):
        read_plan(gb)
    assert len(extract_targets(read_plan(utf8))) == 2


@pytest.mark.parametrize("data", [b"ok \x80\x80 bad", "到2025年新增".encode() + b"\xff3\xe5\xae"])
def test_undecodable_bytes_raise_data_error(tmp_path, data):
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    with pytest.raises(DataError, match="cannot be decoded"):
        read_plan(path)


def test_missing_file_raises_data_error(tmp_path):
    with pytest.raises(DataError, match="cannot be read"):
        read_plan(tmp_path / "nope.txt")


def test_cli_writes_csv_in_the_columns_of_targets_csv(tmp_path, capsys):
    path = tmp_path / "plan.txt"
    path.write_text("到2025年,新增省级重点实验室3家。", encoding="utf-8")
    assert main(["extract", str(path), "--region", "demo", "--doc-id", "demo_2025"]) == 0
    records = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(records[0]) == COLUMNS
    assert records[0]["target_id"] == "demo-001"
    assert (records[0]["doc_id"], records[0]["value"], records[0]["target_year"]) == ("demo_2025", "3", "2025")
    assert (records[0]["quote"], records[0]["quote_start"], records[0]["quote_end"]) == (
        "新增省级重点实验室3家",
        "7",
        "18",
    )


def test_cli_reports_bad_input_without_traceback(tmp_path, capsys):
    path = tmp_path / "plan.txt"
    path.write_bytes(b"abc\x80")
    assert main(["extract", str(path)]) == 1
    err = capsys.readouterr().err
    assert "cannot be decoded" in err and "Traceback" not in err


# --- scripts, widths and numerals ---------------------------------------------------------------------


def test_full_width_digits_and_punctuation():
    text = "到２０２５年，新增省级重点实验室３家，研发投入强度达到２．６％。"
    found = rows(text)
    assert [(r["value"], r["unit"], r["target_year"]) for r in found] == [(3, "家", 2025), (2.6, "%", 2025)]
    assert [r["quote"] for r in found] == ["新增省级重点实验室３家", "研发投入强度达到２．６％"]
    assert all(text[r["quote_start"] : r["quote_end"]] == r["quote"] for r in found)


def test_traditional_text_is_quoted_in_its_own_characters():
    text = "到2025年,強化智慧財產權保護,新增省級重點實驗室3家,培育軟體企業十五家。"
    found = rows(text)
    assert [(r["value"], r["unit"]) for r in found] == [(3, "家"), (15, "家")]
    assert (found[0]["level"], found[0]["indicator_id"]) == ("provincial", "key_labs")
    assert [r["quote"] for r in found] == ["新增省級重點實驗室3家", "培育軟體企業十五家"]
    assert all(text[r["quote_start"] : r["quote_end"]] == r["quote"] for r in found)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("到2025年,新增高新技术企业三家。", 3, "家"),
        ("到2025年,新增高新技术企业十五家。", 15, "家"),
        ("到2025年,培育科技型中小企业一千家。", 1000, "家"),
        ("到2025年,科技型企业达到1.2万家。", 1.2, "万家"),
        ("到2025年,科技型企业达到两万家。", 2, "万家"),
        ("到2025年,产业规模突破十亿元。", 10, "亿元"),
        ("到2025年,研发投入达到5000万元。", 5000, "万元"),
        ("到2025年,技术合同成交额达到12亿元。", 12, "亿元"),
        ("到2025年,产业规模突破1千亿元。", 1, "千亿元"),
        ("到2025年,每年培育人才20人次。", 20, "人次"),
        ("到2025年,给予200万元/人项目支持。", 200, "万元/人"),
        ("到2025年,力争1/3重大项目获批高新技术企业。", 0.3333, "fraction"),
    ],
)
def test_numerals_and_units(text, value, unit):
    row = only(text)
    assert (row["value"], row["unit"]) == (value, unit)


@pytest.mark.parametrize("unit", UNITS)
def test_every_unit_of_the_vocabulary_is_read(unit):
    assert values(f"到2025年,新增项目3{unit}。") == [(3, None, unit)]


def test_the_units_found_in_the_sources_are_the_vocabulary_s():
    found = {unit for path in SOURCES for unit in extract_targets(read_plan(path))["unit"]}
    assert found <= set(UNITS) | {FRACTION_UNIT}


@pytest.mark.parametrize("unit", [u for u in UNITS if u.endswith("元") and "/" not in u])
def test_every_money_unit_read_has_its_factor_to_100m_yuan(unit):
    yuan = math.prod(SMALL_UNITS.get(c) or LARGE_UNITS[c] for c in unit.removesuffix("元"))
    assert MONEY_UNITS_TO_100M[unit] == pytest.approx(yuan / 1e8)
    assert only("到2025年,产业规模突破5" + unit + "。")["unit"] == unit


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("到2025年,新增研发平台1-2家。", 1, 2, "家"),
        ("到2025年,新增孵化器4—6个。", 4, 6, "个"),
        ("到2025年,实施重点项目10至15项。", 10, 15, "项"),
        ("到2025年,引进人才十到十五名。", 10, 15, "名"),
    ],
)
def test_ranges(text, low, high, unit):
    assert values(text) == [(low, high, unit)]


# --- what a number means ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clause", "comparator"),
    [
        ("高新技术企业达到100家以上", ">="),
        ("外国专家不少于30人", ">="),
        ("研发投入强度不低于2%", ">="),
        ("技术合同成交额突破50亿元", ">="),
        ("产值超过30亿元", ">="),
        ("引进海外项目超20项", ">="),
        ("组织活动50场左右", "~"),
        ("引进人才约200人", "~"),
        ("新增孵化器5家", "="),
    ],
)
def test_comparators(clause, comparator):
    assert only(f"到2025年,{clause}。")["comparator"] == comparator


def test_stretch_follows_li_zheng_and_stops_where_it_is_repeated():
    found = rows("到2025年,力争新增领军人才5名,力争新增带头人5人,培养乡土人才10名。")
    assert [r["is_stretch"] for r in found] == [True, True, False]
    assert [r["is_stretch"] for r in rows("2023年,力争获批高新技术企业80家,新建实验室20家。")] == [True, True]


@pytest.mark.parametrize(
    ("clause", "target_type"),
    [
        ("新增省级重点实验室3家", "increment"),
        ("全市科技型中小企业达到500家", "level"),
        ("每年培育青年人才10名", "annual"),
        ("全年组织产学研活动20场", "annual"),
        ("年内新增高新技术企业300家", "increment"),
        ("科贷通贷款累计发放10亿元", "cumulative"),
        ("研发投入占地区生产总值比重达到2.6%", "share"),
        ("高新技术产业增加值年均增长15%以上", "growth_rate"),
        ("省级重点实验室总数保持在4家以上", "maintain"),
        ("实现国家级研发平台零的突破", "breakthrough"),
    ],
)
def test_time_meanings_give_the_target_type(clause, target_type):
    assert only(f"到2025年,{clause}。")["target_type"] == target_type


def test_zero_breakthrough_is_at_least_one_for_each_thing_named():
    found = rows("到2025年,力争省级新型研发机构、省重点实验室实现“零”的突破。")
    assert [(r["value"], r["comparator"], r["indicator_id"]) for r in found] == [
        (1, ">=", "new_rd_institutions"),
        (1, ">=", "key_labs"),
    ]
    assert rows("组织好项目申报工作,力争实现突破。") == []
    assert rows("在人才培育上尚未实现“零”的突破。") == []


def test_several_targets_in_one_clause():
    found = rows("2024年,新增国家级众创空间2个、省级众创空间5个。")
    assert [(r["value"], r["level"], r["target_type"], r["quote"]) for r in found] == [
        (2, "national", "increment", "新增国家级众创空间2个"),
        (5, "provincial", "increment", "省级众创空间5个"),
    ]
    both = rows("到2025年,力争国家级、省级专精特新“小巨人”企业分别突破50家、220家。")
    assert [(r["value"], r["level"], r["comparator"]) for r in both] == [
        (50, "national", ">="),
        (220, "provincial", ">="),
    ]


def test_a_year_stated_once_governs_its_sentence_then_its_paragraph_then_the_plan():
    text = (
        "2023年,力争新增省级重点实验室5家,技术创新中心达到10家。新建孵化器3个。\n"
        "支持企业建设众创空间,新建众创空间4个。\n"
        "到2025年,全社会研发投入强度达到2.6%。"
    )
    assert [(r["value"], r["target_year"]) for r in rows(text)] == [
        (5, 2023),
        (10, 2023),
        (3, 2023),
        (4, 2025),
        (2.6, 2025),
    ]
    assert "year implied by plan period" in rows(text)[3]["note"]


def test_the_plan_year_of_a_one_year_work_plan():
    text = "2021年是开局之年。\n全年力争新增独角兽企业10家,高新技术企业1500家。"
    assert [(r["value"], r["target_year"], r["target_type"]) for r in rows(text)] == [
        (10, 2021, "increment"),
        (1500, 2021, "increment"),
    ]


def test_a_flattened_table_gives_one_target_per_row_with_its_baseline():
    text = "\n".join(
        ["表2-1 主要指标", "序号", "指标", "2020年完成值", "2025年目标值"]
        + ["1", "研发投入强度(%)", "1.88", "2.6"]
        + ["2", "累计高新技术企业(家)", "34", "100"]
        + ["3", "省级以上创新平台载体(个)", "17", "新增4-6"]
        + ["第三章 重点任务"]
    )
    found = rows(text)
    assert [(r["value"], r["value_high"], r["unit"], r["target_type"]) for r in found] == [
        (2.6, None, "%", "share"),
        (100, None, "家", "cumulative"),
        (4, 6, "个", "increment"),
    ]
    assert [(r["baseline_value"], r["baseline_year"], r["target_year"]) for r in found] == [
        (1.88, 2020, 2025),
        (34, 2020, 2025),
        (17, 2020, 2025),
    ]
    assert [r["quote"] for r in found] == ["2.6", "100", "新增4-6"]
    assert all(text[r["quote_start"] : r["quote_end"]] == r["quote"] for r in found)


def test_a_restated_target_is_noted():
    found = rows("到2025年,高新技术企业达到300家。\n到2025年,全市高新技术企业数量达到300家。")
    assert len(found) == 2
    assert f"restates the target at offset {found[0]['quote_start']}" in found[1]["note"]


def test_the_keyword_table_names_the_new_additions_indicator_for_increments():
    assert only("到2025年,高新技术企业达到300家。")["indicator_id"] == "hightech_enterprises"
    assert only("到2025年,新增高新技术企业300家。")["indicator_id"] == "hightech_enterprises_new"
    assert only("到2025年,新增省级重点实验室3家。")["indicator_id"] == "key_labs"


def test_a_bad_row_of_the_keyword_table_is_reported_with_its_line_and_column(tmp_path):
    path = tmp_path / "indicator_keywords.csv"
    lines = [
        ",".join(KEYWORD_COLUMNS),
        "重点实验室,key_labs,",
        "研发(,rd_gdp_ratio,",
        "孵化器,incubator,",
        ",key_labs,",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        indicator_keywords(path)
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 3, problems
    assert "line 3, column pattern: '研发(': not a regular expression" in problems[0]
    assert "line 4, column indicator_id: 'incubator': not an indicator_id of data/indicators.csv" in problems[1]
    assert "line 5, column pattern: '': a pattern is required" in problems[2]


def test_a_keyword_table_without_its_header_is_refused(tmp_path):
    path = tmp_path / "indicator_keywords.csv"
    path.write_text("重点实验室,key_labs\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 1: .*the header must be pattern,indicator_id,increment_indicator_id"):
        indicator_keywords(path)


# --- what is not a target -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "景德镇市科学技术局\n2023年5月6日",
        "更新时间:2024-10-22 作者: 某某",
        "咨询热线:400-066-2698",
        "第一章 立足新起点 - 4 -\n第二节 面临机遇 - 7 -",
        "落实《若干措施》(常政办发〔2022〕33号),到2025年加大投入。",
        "到2025年,推动“4+4”产业发展,构建“1+3+N”产业体系,形成5+2格局。",
        "到2025年,坚持“四个面向”,落实支持自创区建设“10条”。",
        "重点做好以下十一个方面工作。",
        "认真落实省委十四届三次全会精神,组织参加第十九届大会。",
        "推进常盐、溧滨、武阜三家科创飞地建设。",
        "加快推进北大实验室、中科兆能等20个省列统新型研发机构发展。",
        "重点抽查财政资助经费在100万元以上的科技计划项目。",
        "到2025年,打造一支高素质人才队伍,培育一批新型研发机构。",
        "力争在核心零部件领域开发新产品。",
        "4个目标矩阵,即",
    ],
)
def test_labels_dates_and_numbering_are_not_targets(text):
    assert rows(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "2020年,全市高新技术企业56家,较2015年增加30家。",
        "截至2021年,创新平台载体数量由20个增至31个。其中,国家级创新载体2个,省级创新载体7个。",
        "在现有82名高层次人才中,尚未实现“零”的突破。",
        "有效期内高新技术企业34家(全省平均71家)。",
    ],
)
def test_past_statistics_are_not_targets(text):
    assert rows("到2025年,全社会研发投入强度达到2.6%。\n" + text) == rows("到2025年,全社会研发投入强度达到2.6%。")


# --- the five sources --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_quotes_are_verbatim_single_lines_of_the_raw_file(path):
    raw = read_plan(path)
    for row in extract_targets(raw).itertuples():
        assert raw[row.quote_start : row.quote_end] == row.quote
        assert "\n" not in row.quote and row.quote


def test_guessed_indicators_exist_with_their_category():
    indicators = load_indicators().set_index("indicator_id")["category"].astype(str)
    for path in SOURCES:
        found = extract_targets(read_plan(path)).dropna(subset=["indicator_id"])
        assert found["indicator_id"].isin(indicators.index).all()
        assert (found["category"] == found["indicator_id"].map(indicators)).all()


@pytest.mark.parametrize("config", ["s2t", "s2twp"])
def test_a_traditional_copy_of_a_source_gives_the_same_targets(config):
    raw = read_plan(DATA / "sources" / "yancheng_2023_sti_work_points.txt")
    converted = opencc.OpenCC(config).convert(raw)
    original, traditional = extract_targets(raw), extract_targets(converted)
    assert list(traditional["value"]) == list(original["value"])
    assert all(converted[r.quote_start : r.quote_end] == r.quote for r in traditional.itertuples())


def test_a_full_width_copy_of_a_source_gives_the_same_targets_at_the_same_offsets():
    raw = read_plan(DATA / "sources" / "jingdezhen_2023-2025_sti_implementation_plan.txt")
    wide = to_full_width(raw)
    assert wide != raw
    original, full_width = extract_targets(raw), extract_targets(wide)
    assert list(full_width["value"]) == list(original["value"])
    assert list(full_width["quote_start"]) == list(original["quote_start"])


def test_the_largest_source_is_extracted_well_under_a_second():
    documents = load_documents()
    largest = max(documents["file"], key=lambda f: (DATA / f).stat().st_size)
    raw = read_plan(DATA / largest)
    extract_targets(raw)  # warm-up: loads the converter, the indicator table and the keyword table
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        extract_targets(raw)
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.5


# --- issue #11: text the rules were not written on -------------------------------------------------

# tests/heldout/RESULTS.md: after the rules changed, precision 1.000, recall 1.000 (163 of 163),
# type 0.994, year 1.000, every non-target sentence silent. The floors leave about two rows of slack.
HELDOUT_FLOORS = {"precision": 0.98, "recall": 0.98, "target_type_agree": 0.97, "target_year_agree": 0.97}


def test_the_held_out_set_holds_its_floors():
    from sti_targets.extract.heldout import read_cases, score

    figures, problems = score(read_cases())
    assert all(figures[name] >= floor for name, floor in HELDOUT_FLOORS.items()), (figures, problems)
    assert figures["silent_non_target_share"] >= 17 / 18, problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("到2025年,全市高新技术企业数量较2020年翻一番。", [(2, "倍", "=", "level", 2025)]),
        ("到2025年,技术合同成交额比2020年翻两番。", [(4, "倍", "=", "level", 2025)]),
        ("实施倍增计划,到2025年科技型企业数量实现倍增。", [(2, "倍", "=", "level", 2025)]),
        ("到2025年,综合创新能力进入全省前五。", [(5, "名", "<=", "level", 2025)]),
        ("每年举办对接活动10场次以上。", [(10, "场次", ">=", "annual", None)]),
        (
            "每年新增高新技术企业50家,到2025年全市高新技术企业总数达到500家。",
            [(50, "家", "=", "annual", 2025), (500, "家", "=", "level", 2025)],
        ),
        ("2023年,全市技术合同成交额达到28亿元,到2025年突破40亿元。", [(40, "亿元", ">=", "level", 2025)]),
        ("研发投入强度由2020年的1.8%提高到2025年的2.5%。", [(2.5, "%", "=", "share", 2025)]),
        ("年内争取上级科技资金2亿元以上。", [(2, "亿元", ">=", "annual", None)]),
        ("“十四五”期间,争取中央和省级科技资金10亿元。", [(10, "亿元", "=", "increment", 2025)]),
        ("“十五五”期末,研发投入强度达到3.2%。", [(3.2, "%", "=", "share", 2030)]),
        ("2023年至2025年,新增省级工程技术研究中心15家。", [(15, "家", "=", "increment", 2025)]),
        ("到2025年,研发机构覆盖率达到百分之八十。", [(80, "%", "=", "share", 2025)]),
        ("到2025年,三分之一以上的规上工业企业建有研发机构。", [(0.3333, "fraction", ">=", "share", 2025)]),
        ("到2025年,科技型中小企业达到三万五千家。", [(35000, "家", "=", "level", 2025)]),
        ("2022年,全市实现技术合同成交额35.6亿元,同比增长18.3%。", []),
        ("过去五年,全市累计新增高新技术企业218家。", []),
        ("截至2023年底,全市已建成各类创新平台180个。", []),
        ("全市研发人员总数为1.2万人,其中博士260人。", []),
    ],
)
def test_issue_11_phenomena(text, expected):
    found = [(r["value"], r["unit"], r["comparator"], r["target_type"], r["target_year"]) for r in rows(text)]
    assert found == expected


def test_a_flattened_table_with_bare_years_a_unit_column_and_an_attribute_column():
    cells = [
        "指标名称",
        "单位",
        "2023年",
        "2024年目标",
        "属性",
        "全社会研发经费投入增长率",
        "%",
        "10.5",
        "12",
        "预期性",
    ]
    cells += ["规上工业企业中有研发活动企业占比", "%", "38", "45", "约束性"]
    found = rows("2024年主要科技指标\n" + "\n".join(cells) + "\n")
    assert [(r["value"], r["unit"], r["target_type"], r["target_year"], r["baseline_value"]) for r in found] == [
        (12, "%", "growth_rate", 2024, 10.5),
        (45, "%", "share", 2024, 38),
    ]
