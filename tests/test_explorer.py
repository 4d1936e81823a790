"""The explorer's filter model, its CSV export, and the widgets bound to it."""

from __future__ import annotations

import pandas as pd
import pytest
from sti_targets import load_regions, load_targets
from sti_targets.analysis.explorer import TargetFilter
from sti_targets.publish.explorer import Explorer, ExplorerView


@pytest.fixture(scope="module")
def model():
    return TargetFilter(load_targets(), load_regions())


def test_no_filter_keeps_everything(model):
    assert len(model.filter().rows) == len(model.targets)


def test_filters_combine(model):
    rows = model.filter(regions=["ruijin"], categories=["talent"], years=(2025, 2025)).rows
    assert len(rows) > 0
    assert set(rows["region_id"].astype(str)) == {"ruijin"}
    assert set(rows["category"].astype(str)) == {"talent"}
    rows = model.filter(types=["breakthrough"]).rows
    assert set(rows["target_type"].astype(str)) == {"breakthrough"}


def test_year_range(model):
    rows = model.filter(years=(2021, 2021)).rows
    assert set(rows["region_id"].astype(str)) == {"jiangxi"}


def test_simplified_search_finds_traditional_quotes(model):
    rows = model.filter(regions=["changde"], text="研发经费").rows
    assert "changde-001" in set(rows["target_id"])  # quote 全社會研發經費... in Traditional


def test_english_search_is_case_insensitive(model):
    rows = model.filter(text="Tech-Loan").rows
    assert set(rows["indicator_id"].astype(str)) == {"tech_loans"}


def test_saved_csv_loads_back_as_the_same_targets(model, tmp_path):
    selection = model.filter(categories=["financing"])
    path = selection.save_csv(tmp_path / "out" / "financing.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese correctly
    reloaded = load_targets(path)
    expected = selection.rows.reset_index(drop=True)
    pd.testing.assert_series_equal(reloaded["value"], expected["value"])
    assert list(reloaded["target_id"]) == list(expected["target_id"])


def test_widgets_update_table_and_chart(model, tmp_path):
    view = ExplorerView(Explorer(model, tmp_path / "saved.csv"))
    before_table, before_chart = view.table.value, view.chart.value
    assert f"<b>{len(model.targets)}</b>" in view.count.value
    view.regions.value = ("jiangxi",)
    assert view.table.value != before_table and view.chart.value != before_chart
    assert "<b>18</b>" in view.count.value and "ruijin-" not in view.table.value
    view.text.value = "no such words anywhere"
    assert "<b>0</b>" in view.count.value and view.chart.value == b""
    view.text.value = ""
    view.save_selection()
    assert "Saved 18 rows" in view.status.value
    assert len(load_targets(tmp_path / "saved.csv")) == 18


def test_save_to_unwritable_place_says_so(model, tmp_path):
    view = ExplorerView(Explorer(model, tmp_path / "x.csv"))
    (tmp_path / "file").write_text("not a folder")
    view.path.value = str(tmp_path / "file" / "x.csv")
    view.save_selection()
    assert "Not saved" in view.status.value
