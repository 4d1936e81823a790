"""Help that teaches: the loaders' docstrings and describe() come from the schema and say what loading gives."""

from __future__ import annotations

import pytest
import sti_targets
from conftest import GOOD
from sti_targets.dataset.describe import loaded_type
from sti_targets.dataset.schema import TABLES
from sti_targets.dataset.vocabulary import TARGET_TYPES

LOADERS = {
    "regions": sti_targets.load_regions,
    "indicators": sti_targets.load_indicators,
    "documents": sti_targets.load_documents,
    "observations": sti_targets.load_observations,
    "targets": sti_targets.load_targets,
}


@pytest.mark.parametrize("table", TABLES)
def test_loader_docstring_lists_every_column_with_the_type_loading_gives(table):
    loader = LOADERS[table]
    frame = loader(GOOD / f"{table}.csv")
    doc = loader.__doc__
    for f in TABLES[table]:
        declared = loaded_type(f).split()[0]  # "Int64 (year 1990-2100)" -> "Int64"
        assert str(frame[f.name].dtype) == declared, f"{table}.{f.name}: help says {declared}"
        assert f"\n    {f.name} : {loaded_type(f)}" in doc, f"{table}.{f.name} missing from help"
        assert f.description in doc


def test_target_help_gives_every_target_type_and_what_it_means():
    doc = " ".join(sti_targets.load_targets.__doc__.split())  # (the list of values is wrapped)
    for t in TARGET_TYPES:
        assert f"{t} (" in doc
    assert "increment (新增, new additions in the period)" in doc
    assert "is_stretch : boolean" in doc and "baseline_year : Int64 (year 1990-2100), may be empty" in doc


def test_describe_shows_the_schema_as_text_and_escaped_html():
    one = sti_targets.describe("targets")
    text, html = repr(one), one._repr_html_()
    assert text.startswith("data/targets.csv: Targets")
    assert all(f.name in text for f in TABLES["targets"])
    assert "&lt;region_id&gt;-NNN" in html and "<region_id>" not in html
    assert html.count("<tr>") == len(TABLES["targets"]) + 1
    everything = repr(sti_targets.describe())
    assert [line.split(":")[0] for line in everything.splitlines() if line.startswith("data/")] == [
        f"data/{t}.csv" for t in TABLES
    ]


def test_describe_of_an_unknown_table_names_the_valid_ones():
    with pytest.raises(ValueError, match="unknown table 'target'; valid tables are: regions, indicators, documents"):
        sti_targets.describe("target")
