"""The comparison of many regions groups by province (issue #13): at or below REGIONS_SHOWN_MAX
regions with documents it shows each region, above it each province, with the numbers a groupby
gives, escaped names, and links to the regions' contradictions."""

from __future__ import annotations

import dataclasses
import re

import nbformat
import pandas as pd
import pytest
from nbconvert.filters.strings import _convert_header_id
from sti_targets.analysis import summaries as analysis
from sti_targets.analysis.reports import REGION_CONTRADICTIONS, Comparison
from sti_targets.dataset.loaders import Dataset
from sti_targets.dataset.synthetic import PROVINCES, generate
from sti_targets.dataset.vocabulary import (
    PROVINCE_ZH,
    REGIONS_SHOWN_MAX,
    province_label,
    province_order,
    target_type_label,
)
from sti_targets.paths import NOTEBOOKS

N_REGIONS = 50


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Dataset:
    root = generate(tmp_path_factory.mktemp("provinces") / "project", N_REGIONS, targets_per_region=30, seed=1)
    return Dataset.load(root / "data")


def first_regions(book: Dataset, n: int) -> Dataset:
    """The dataset of its first n regions (syn0001 ... ), each with its document and targets."""
    keep = {f"syn{i:04d}" for i in range(1, n + 1)}

    def of(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["region_id"].astype(str).isin(keep)].reset_index(drop=True)

    return dataclasses.replace(
        book, targets=of(book.targets), documents=of(book.documents), observations=of(book.observations)
    )


def with_province(book: Dataset, region_id: str, province: str) -> Dataset:
    regions = book.regions.copy()
    regions["province"] = regions["province"].astype(str).where(regions["region_id"].astype(str) != region_id, province)
    return dataclasses.replace(book, regions=regions)


def province_of_targets(book: Dataset) -> pd.Series:
    province = dict(zip(book.regions["region_id"].astype(str), book.regions["province"].astype(str)))
    return book.targets["region_id"].astype(str).map(province)


def test_the_vocabulary_names_chinas_31_provincial_divisions_once():
    assert len(PROVINCE_ZH) == 31 and len(set(PROVINCE_ZH.values())) == 31
    assert province_label("Jiangxi") == "江西省 Jiangxi"
    assert province_label("Inner Mongolia") == "内蒙古自治区 Inner Mongolia"
    assert province_label("Synthetic province 07") == "Synthetic province 07"  # unknown: English alone
    assert province_order(["Zeta", "Hunan", "Beijing", "Alpha", "Hunan"]) == ["Beijing", "Hunan", "Alpha", "Zeta"]


def test_synthetic_regions_take_turns_among_the_synthetic_provinces(book):
    regions = book.regions.set_index(book.regions["region_id"].astype(str))["province"].astype(str)
    assert regions["syn0001"] == "Synthetic province 01"
    assert regions["syn0031"] == f"Synthetic province {PROVINCES:02d}"
    assert regions["syn0032"] == "Synthetic province 01"
    assert regions.nunique() == PROVINCES


def test_the_threshold_is_the_number_of_regions_with_documents(book):
    assert REGIONS_SHOWN_MAX == 40
    at = Comparison(first_regions(book, REGIONS_SHOWN_MAX))
    above = Comparison(first_regions(book, REGIONS_SHOWN_MAX + 1))
    assert not at.by_province and above.by_province
    assert list(at.counts().frame.columns)[0] == "region 地区" and len(at.counts().frame) == 40
    counts = above.counts()
    assert counts.text.startswith("Grouped by province: 41 regions have documents, more than the 40")
    shown = counts.html
    assert shown.count("<tr>") == 1 + PROVINCES  # the header and one row per province
    assert "Synthetic region" not in shown


def test_counts_per_province_are_a_groupby_of_the_targets(book):
    table = analysis.province_counts(book.targets, book.regions, book.documents).set_index("province 省份")
    expected = book.targets.groupby([province_of_targets(book), book.targets["target_type"].astype(str)]).size()
    for (province, kind), n in expected.items():
        assert table.at[province, target_type_label(kind)] == n
    assert table["total 合计"].sum() == len(book.targets)
    regions = book.regions["province"].astype(str).value_counts()  # every synthetic region has its document
    assert table["regions 地区数"].to_dict() == regions.to_dict()
    assert list(table.index) == [f"Synthetic province {k:02d}" for k in range(1, PROVINCES + 1)]


def test_mix_per_province_is_the_share_of_its_targets(book):
    mix = analysis.province_mix(book.targets, book.regions)
    province = province_of_targets(book)
    ones = book.targets[province == "Synthetic province 03"]
    share = (ones["category"].astype(str) == "talent").mean() * 100
    assert mix.at["Synthetic province 03", "人才 Talent"] == round(share, 1)
    assert ((mix.sum(axis=1) - 100).abs() < 0.6).all()


def test_plan_periods_and_target_years_per_province(book):
    years = analysis.province_years(book.targets, book.documents, book.regions)
    assert len(years) == PROVINCES
    due = book.targets.groupby([province_of_targets(book), book.targets["target_year"].astype(int)]).size()
    for (province, year), n in due.items():
        assert years.at[province, year] == n
    assert years["documents"].sum() == len(book.documents)
    assert (years["start"] == 2021).all() and (years["end"] == 2025).all()


def test_headline_per_province_gives_regions_median_and_range_per_type_and_unit(book):
    stats = analysis.province_headline_stats(book.targets, book.regions)
    t = book.targets.assign(_province=province_of_targets(book))
    t = t[t["indicator_id"].astype(str).isin(analysis.HEADLINE_INDICATORS)]
    key = ["_province", "indicator_id", "target_type", "unit"]
    grouped = t.astype({c: str for c in key}).groupby(key)
    assert len(stats) == grouped.ngroups
    row = stats.sort_values(["regions", "province", "indicator_id"], ascending=[False, True, True]).iloc[0]
    one = grouped.get_group((row["province"], row["indicator_id"], row["target_type"], row["unit"]))
    assert row["regions"] == one["region_id"].nunique() and row["regions"] >= 2
    assert row["median"] == one["value"].median() and row["low"] == one["value"].min()
    matrix = analysis.province_headline(book.targets, book.regions, book.indicators, book.documents).set_index(
        "province 省份"
    )
    name = book.indicators.set_index("indicator_id").loc[row["indicator_id"]]
    cell = matrix.at[row["province"], f"{name['name_zh']} {name['name_en']}"]
    kind = target_type_label(row["target_type"])
    median = analysis.plain_number(row["median"])
    assert f"{kind}: {row['regions']} regions, median {median}" in cell


def test_contradictions_per_province_link_to_each_regions_report(book):
    frame = analysis.province_conflicts(book.targets, book.regions)
    conflicted = sorted(set(book.targets.loc[book.targets["conflict"].notna(), "region_id"].astype(str)))
    assert conflicted == [f"syn{i:04d}" for i in range(10, N_REGIONS + 1, 10)]  # every tenth document
    assert frame["contradictions 矛盾"].sum() == len(conflicted)
    listed = [region for cell in frame["regions 地区"] for region, _ in cell]
    assert sorted(listed) == conflicted
    shown = Comparison(book).conflicts()._repr_html_()
    anchor = _convert_header_id(REGION_CONTRADICTIONS)
    for region in conflicted:
        assert f'href="{region}.html#{anchor}"' in shown
    assert "sources/" not in shown  # not one row per statement


def test_the_link_reaches_the_heading_of_the_region_report():
    report = nbformat.read(NOTEBOOKS / "region_report.ipynb", as_version=4)
    headings = [line for c in report.cells if c.cell_type == "markdown" for line in c.source.splitlines()]
    assert f"## {REGION_CONTRADICTIONS}" in headings


def test_every_section_says_it_is_grouped_and_why(book):
    comparison = Comparison(book)
    for section in ("counts", "timeline_figure", "headline", "headline_figure", "mix", "mix_figure", "conflicts"):
        shown = getattr(comparison, section)()
        assert shown.html.startswith(f"<p><strong>Grouped by province</strong>: {N_REGIONS} regions have documents"), (
            section
        )
    assert comparison.introduction().text.startswith(
        f"The {N_REGIONS} plans of {N_REGIONS} regions, grouped by their 31"
    )
    absent = comparison.alignment("jiangxi", ("jingdezhen", "ruijin"))
    assert absent.text == "The data holds no documents of jiangxi and its cities jingdezhen, ruijin."


def test_a_hostile_province_name_is_escaped_everywhere(book):
    hostile = '<script>alert("x")</script> & Co'
    t = book.targets
    headline = set(t.loc[t["indicator_id"].astype(str).isin(analysis.HEADLINE_INDICATORS), "region_id"].astype(str))
    region = min(set(t.loc[t["conflict"].notna(), "region_id"].astype(str)) & headline)  # shown in every section
    comparison = Comparison(with_province(book, region, hostile))
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"
    for section in ("counts", "timeline_figure", "headline", "headline_figure", "mix", "mix_figure", "conflicts"):
        shown = getattr(comparison, section)()._repr_html_()
        assert "<script>" not in shown, section
        assert escaped in shown, section


def test_at_seed_size_the_page_is_by_region_and_its_introduction_as_before():
    comparison = Comparison(Dataset.load())
    assert not comparison.by_province
    assert comparison.introduction().html == (
        "<p>The five plans side by side: how many targets of which kind and when, the comparable headline "
        "measures, the mix of policy levers, and how the Jiangxi cities line up with their province. Every value "
        "is printed as its document writes it; its link opens the quote in the source document.</p>"
    )
    assert not re.search("Grouped by province", comparison.counts()._repr_html_())


def test_without_contradictions_the_grouped_section_says_so(book):
    targets = book.targets.assign(conflict=pd.NA)
    shown = Comparison(dataclasses.replace(book, targets=targets)).conflicts()
    assert shown.text.endswith("No document states a target in two disagreeing ways.\n\n")
    assert "<table" not in shown.html
