"""Analyses on the curated data: the numbers the reports print."""

from __future__ import annotations

import pandas as pd
import pytest
from sti_targets import load_indicators, load_regions, load_targets
from sti_targets.analysis import summaries as analysis


@pytest.fixture(scope="module")
def book():
    return load_targets(), load_regions(), load_indicators()


def test_category_table_counts_every_target(book):
    targets, _, _ = book
    for region in ("ruijin", "yancheng"):
        table = analysis.by_category_and_year(targets, region)
        assert table["total 合计"].sum() == (targets["region_id"] == region).sum()
        assert table.index[0].startswith("创新平台 Innovation platforms") or "Innovation" not in "".join(table.index)


def test_ruijin_table_2_1_gives_2020_baselines_for_eight_indicators(book):
    targets, _, _ = book
    notes = targets["note"].fillna("")
    table = targets[notes.str.startswith("table 2-1") & (targets["region_id"] == "ruijin")]
    assert len(table) == 8
    assert (table["baseline_year"] == 2020).all()


def test_required_growth_is_the_compound_rate(book):
    targets, _, _ = book
    growth = analysis.required_growth(targets, "ruijin").set_index("target_id")
    # Technology contract turnover: 0.83 亿元 (2020) to 8.0 亿元 (2025).
    assert growth.loc["ruijin-011", "growth/yr 年均增速"] == f"{((8.0 / 0.83) ** (1 / 5) - 1) * 100:+.1f}%"
    # R&D intensity 1.88% -> 2.6%: 0.14 percentage points a year.
    assert growth.loc["ruijin-005", "points/yr (shares)"] == "+0.14 pp"
    # New additions have no growth from a stock.
    assert "ruijin-012" not in growth.index


def test_regions_without_baselines_give_an_empty_table(book):
    targets, _, _ = book
    assert analysis.required_growth(targets, "jiangxi").empty


def test_headline_matrix_shows_year_and_type(book):
    targets, regions, indicators = book
    matrix = analysis.headline_matrix(targets, regions, indicators)
    rd = matrix.loc[[i for i in matrix.index if i.startswith("全社会研发经费投入强度")][0]]
    assert rd["江西省 Jiangxi Province"] == "2 % (2021 share)"
    assert rd["瑞金市 Ruijin"] == "2.6 % (2025 share)"
    assert rd["盐城市 Yancheng"] == "≈2.4 % (2023 share)"
    hte = matrix.loc[[i for i in matrix.index if i.startswith("高新技术企业数")][0]]
    assert "⚠" in hte["瑞金市 Ruijin"]  # cumulative in the table, a total in chapter 4


def test_known_ruijin_contradictions_are_all_recorded(book):
    targets, _, _ = book
    conflicts = analysis.conflicts(targets, "ruijin")
    groups = set(conflicts["conflict"])
    assert {
        "ruijin_patents_baseline",
        "ruijin_hightech_share_43",
        "ruijin_hightech_enterprises_100",
        "ruijin_new_rd_institutions_count",
    } <= groups
    share = conflicts[conflicts["conflict"] == "ruijin_hightech_share_43"]
    assert len(share) == 2  # value added (table) and main business revenue (chapter 4)


def test_alignment_compares_cities_with_their_province(book):
    targets, regions, _ = book
    table = analysis.alignment(targets, regions, "jiangxi", ("jingdezhen", "ruijin"))
    assert list(table.columns) == ["江西省 Jiangxi Province", "景德镇市 Jingdezhen", "瑞金市 Ruijin"]
    row = table.loc[[i for i in table.index if i.startswith("全社会研发经费投入强度")][0]]
    assert list(row) == ["2 % (2021 share)", "2.6 % (2025 share)", "2.6 % (2025 share)"]


def test_category_mix_rows_sum_to_100(book):
    targets, regions, _ = book
    mix = analysis.category_mix(targets, regions)
    assert mix.sum(axis=1).round(0).eq(100).all()


def test_financing_in_one_unit(book):
    targets, _, _ = book
    table = analysis.financing(targets, "changde")
    assert table["亿元 (100m yuan)"].tolist() == [6.0]


@pytest.mark.parametrize(
    "row,text",
    [
        ({"value": 4.0, "value_high": 6.0, "unit": "个", "comparator": "="}, "4–6 个"),
        ({"value": 350.0, "value_high": float("nan"), "unit": "亿元", "comparator": ">="}, "≥350 亿元"),
        ({"value": 2.4, "value_high": float("nan"), "unit": "%", "comparator": "~"}, "≈2.4 %"),
    ],
)
def test_format_value(row, text):
    assert analysis.format_value(pd.Series(row)) == text


def test_empty_selection_gives_empty_tables(book):
    targets, _, _ = book
    assert analysis.financing(targets, "ruijin").empty
    assert analysis.category_targets(targets, "ruijin", "society").empty
