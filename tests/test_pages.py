"""The pages' shared header and the index's rows: what they list at the seeds' size and at scale."""

from __future__ import annotations

import pandas as pd
import pytest
from sti_targets.dataset.loaders import Dataset
from sti_targets.dataset.vocabulary import REGIONS_SHOWN_MAX
from sti_targets.publish.pages import NavRegion, Site, region_summaries


def site_of(n: int, provinces: int = 2) -> Site:
    regions = tuple(NavRegion(f"r{i:04d}", f"地区{i}", f"Region {i}", f"P{i % provinces}") for i in range(n))
    return Site(regions, "0.0", "0" * 12)


def test_at_most_nav_regions_max_every_page_lists_every_region():
    site = site_of(REGIONS_SHOWN_MAX)
    for page in ("index", "compare", "r0003", "sources/doc"):
        assert site.context(page)["nav"] == site.regions


def test_past_nav_regions_max_a_page_lists_its_own_province_and_the_index_links_all():
    site = site_of(REGIONS_SHOWN_MAX + 1)
    nav = site.context("r0003")["nav"]
    assert [r.region_id for r in nav] == [r.region_id for r in site.regions if r.province == "P1"]
    assert site.context("sources/doc", root="../", region="r0004")["nav"] == site.context("r0002")["nav"]
    assert site.context("index")["nav"] == () and site.context("compare")["nav"] == ()


def test_the_header_template_links_the_index_for_all_regions_past_the_limit():
    from sti_targets.publish.pages import environment

    template = environment().get_template("_nav.html.j2")
    small, large = site_of(3), site_of(REGIONS_SHOWN_MAX + 1)
    assert "all 3 regions" not in template.render(**small.context("r0001"))
    html = template.render(**large.context("r0001"))
    assert f"all {REGIONS_SHOWN_MAX + 1} regions" in html and 'href="index.html#regions"' in html
    assert html.count("href=") == 1 + 1 + len(large.context("r0001")["nav"]) + 1  # home, compare, province, all


@pytest.fixture(scope="module")
def book():
    return Dataset.load()


def test_the_index_counts_each_regions_targets_by_lever(book):
    site = Site.of(book.regions, book.documents, "0" * 64)
    rows = {s.region.region_id: s for s in region_summaries(book.regions, book.documents, book.targets, site)}
    assert sorted(rows) == book.region_ids()
    for region_id, row in rows.items():
        mine = book.targets[book.targets["region_id"].astype(str) == region_id]
        category = mine["category"].astype(str)
        assert row.levers["financing"] == (category == "financing").sum()
        assert sum(row.levers.values()) == len(mine)
        assert row.conflicts == mine["conflict"].dropna().nunique()
        docs = book.documents[book.documents["region_id"].astype(str) == region_id]
        assert row.documents == tuple(zip(docs["doc_id"].astype(str), docs["title_zh"].astype(str)))
    assert rows["ruijin"].conflicts > 0 and pd.notna(rows["ruijin"].period)
