"""Loading the curated tables: types, encodings, and bad input refused with where and what."""

from __future__ import annotations

import csv
import io
import shutil
import sys

import pandas as pd
import pytest
from conftest import BAD, GOOD
from sti_targets import DataError, load_documents, load_indicators, load_regions, load_targets
from sti_targets.dataset.csvfiles import WHITESPACE, read_table
from sti_targets.paths import DATA


def refs():
    regions = load_regions(GOOD / "regions.csv")
    return {
        "regions": regions,
        "indicators": load_indicators(GOOD / "indicators.csv"),
        "documents": load_documents(GOOD / "documents.csv", regions=regions),
    }


def problems_of(path):
    with pytest.raises(DataError) as info:
        load_targets(path, **refs())
    return info.value.problems


def test_fixture_loads_typed():
    t = load_targets(GOOD / "targets.csv")
    assert len(t) == 3
    assert isinstance(t["region_id"].dtype, pd.CategoricalDtype)
    assert isinstance(t["category"].dtype, pd.CategoricalDtype)
    assert t["value"].dtype == "float64"
    assert str(t["target_year"].dtype) == "Int64"
    assert t["is_stretch"].dtype == "boolean"
    assert t.loc[t.target_id == "sample-002", "value"].item() == 3.0


def test_money_is_also_in_100m_yuan():
    t = load_targets(GOOD / "targets.csv").set_index("target_id")
    assert t.loc["sample-003", "value_cny_100m"] == pytest.approx(0.5)  # 5000 万元 = 0.5 亿元
    assert pd.isna(t.loc["sample-002", "value_cny_100m"])


def test_curated_data_loads():
    t = load_targets()
    assert len(t) >= 140
    assert t["target_id"].is_unique
    assert set(t["region_id"].astype(str)) == {"jingdezhen", "yancheng", "jiangxi", "changde", "ruijin"}
    assert (t["quote_end"] - t["quote_start"] == t["quote"].str.len()).all()


def test_changde_quotes_offered_in_simplified():
    t = load_targets().set_index("target_id")
    assert t.loc["changde-001", "quote"].startswith("全社會研發經費")
    assert t.loc["changde-001", "quote_zh_hans"].startswith("全社会研发经费")
    # Simplified documents are left exactly as written.
    assert t.loc["ruijin-031", "quote"] == t.loc["ruijin-031", "quote_zh_hans"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "gbk"])
def test_other_encodings_load_equal(tmp_path, encoding):
    for name in ("regions", "indicators", "documents", "observations", "targets"):
        text = (DATA / f"{name}.csv").read_text(encoding="utf-8")
        (tmp_path / f"{name}.csv").write_bytes(text.encode(encoding))
    shutil.copytree(DATA / "sources", tmp_path / "sources")
    pd.testing.assert_frame_equal(load_targets(tmp_path / "targets.csv"), load_targets())


def test_bad_value_names_line_column_and_value():
    (p,) = problems_of(BAD / "targets_bad_value.csv")
    assert (p.line, p.column, p.value) == (3, "value", "three")
    assert "number" in p.message
    assert "targets_bad_value.csv" in p.file


def test_missing_column_is_named_with_the_valid_header():
    (p,) = problems_of(BAD / "targets_missing_column.csv")
    assert (p.line, p.column) == (1, "unit")
    assert "missing" in p.message and "target_id" in p.message


def test_unknown_id_lists_valid_ids():
    (p,) = problems_of(BAD / "targets_unknown_id.csv")
    assert (p.line, p.column, p.value) == (3, "indicator_id", "key_labz")
    assert "key_labs" in p.message and "rd_gdp_ratio" in p.message


def test_duplicate_id_reported_at_both_lines():
    problems = problems_of(BAD / "targets_duplicate_id.csv")
    assert {(p.line, p.column, p.value) for p in problems} == {
        (3, "target_id", "sample-002"),
        (4, "target_id", "sample-002"),
    }


def test_undecodable_byte_names_line_and_column():
    (p,) = problems_of(BAD / "targets_undecodable.csv")
    assert p.line == 4
    assert p.column == "quote (byte 118)"
    assert "UTF-8" in p.message and "GB18030" in p.message


def test_row_checks_report_the_failing_row(tmp_path):
    text = (GOOD / "targets.csv").read_text(encoding="utf-8")
    bad = text.replace(
        "sample-001,sample_2023_2025,sample,rd_gdp_ratio,rd_investment,share,,2.5,,%,=,2025",
        "sample-001,sample_2023_2025,sample,rd_gdp_ratio,platforms,share,,2.5,1.5,%,=,2031",
    )
    path = tmp_path / "targets.csv"
    path.write_text(bad, encoding="utf-8")
    problems = problems_of(path)
    assert {(p.line, p.column) for p in problems} == {
        (2, "value_high"),
        (2, "category"),
        (2, "target_year"),
    }


def test_vocabulary_error_lists_allowed_values(tmp_path):
    text = (GOOD / "targets.csv").read_text(encoding="utf-8").replace(",cumulative,", ",total,")
    path = tmp_path / "targets.csv"
    path.write_text(text, encoding="utf-8")
    (p,) = problems_of(path)
    assert (p.line, p.column, p.value) == (4, "target_type", "total")
    assert "level, increment, annual" in p.message


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="cannot be read"):
        load_targets(tmp_path / "nope.csv", **refs())


def test_whitespace_is_what_str_strip_removes():
    assert set(WHITESPACE) == {c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()}


def _as_csv_reader_reads(text: str, columns: list[str]) -> dict:
    """What read_table must give, by csv.reader: cells stripped, empty as None, all-blank records
    skipped, each record at the line it starts on."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    header = [h.strip() for h in next(reader)]
    rows = {}
    first = reader.line_num + 1  # a record is reported at the line it starts on
    for record in reader:
        cells = [c.strip() or None for c in record]
        if any(cells):
            rows[first] = dict(zip(header, cells))
        first = reader.line_num + 1
    return {line: [row[c] for c in columns] for line, row in rows.items()}


TRICKY = {
    "whitespace of every kind": "id,kind,note\na1, x ,\u3000text\xa0\nb2,x\x1c,\t\nc3,\u2003x,plain\n",
    "CRLF": "id,kind,note\r\na1,x,one\r\nb2,y,two\r\n",
    "quoted commas and quotes": 'id,kind,note\na1,x,"a, b"\nb2,"y","say ""hi"""\n',
    "quoted line break": 'id,kind,note\na1,x,"two\nlines"\nb2,y,z\n',
    "blank lines and blank records": "id,kind,note\n\na1,x,one\n , ,\nb2,y,two\n",
    "no final newline": "id,kind,note\na1,x,one",
    "carriage return in a quoted cell": 'id,kind,note\na1,x,"o\rne"\nb2,y,two\n',
    "byte-order mark": "\ufeffid,kind,note\na1,x,one\n",
    "header only": "id,kind,note\n",
}


@pytest.mark.parametrize(
    "case,encoding",
    [(c, e) for c in TRICKY for e in ("utf-8", "gb18030") if e == "utf-8" or c != "byte-order mark"],
)
def test_read_table_reads_as_csv_reader_does(tmp_path, case, encoding):
    columns = ["id", "kind", "note"]
    path = tmp_path / "t.csv"
    path.write_bytes(TRICKY[case].encode(encoding))
    distinct = {}
    frame = read_table(path, columns, distinct)
    got = {line: [None if pd.isna(v) else v for v in row] for line, row in zip(frame.index, frame.to_numpy().tolist())}
    assert got == _as_csv_reader_reads(TRICKY[case], columns)
    for column, (codes, uniques) in distinct.items():  # the distinct values, where found, are the cells'
        assert [None if c == -1 else uniques[c] for c in codes] == [None if pd.isna(v) else v for v in frame[column]]


def test_the_run_cache_is_read_once_per_process_and_each_caller_gets_its_own_frames(tmp_path, monkeypatch):
    import pickle

    from sti_targets.dataset import loaders

    reads, load = [], pickle.load
    monkeypatch.setattr(pickle, "load", lambda f: reads.append(f.name) or load(f))
    cache = tmp_path / "dataset.pickle"
    loaders.Dataset.load().save(cache)
    monkeypatch.setenv(loaders.DATASET_CACHE, str(cache))
    first = loaders.Dataset.load()
    first.targets.loc[first.targets.index[0], "note"] = "changed by a report"
    first.regions = first.regions.iloc[:0]
    again = loaders.Dataset.load()
    assert reads == [str(cache)]
    assert again.targets["note"].iloc[0] != "changed by a report"  # copy-on-write: the change stayed its own
    assert len(again.regions) == len(load_regions(DATA / "regions.csv"))
    (tmp_path / "other.pickle").write_bytes(cache.read_bytes())
    monkeypatch.setenv(loaders.DATASET_CACHE, str(tmp_path / "other.pickle"))
    assert loaders.Dataset.load().targets["note"].iloc[0] == again.targets["note"].iloc[0]
    assert reads == [str(cache), str(tmp_path / "other.pickle")] and len(loaders._READ) == 1


def test_a_regions_slice_holds_its_rows_and_every_region_and_indicator():
    from sti_targets.dataset.loaders import Dataset

    book = Dataset.load()
    mine = book.of_region("ruijin")
    for name in ("targets", "documents", "observations"):
        frame, whole = getattr(mine, name), getattr(book, name)
        assert len(frame) == (whole["region_id"].astype(str) == "ruijin").sum() > 0, name
        assert set(frame["region_id"].astype(str)) == {"ruijin"}, name
    assert mine.regions.equals(book.regions) and mine.indicators.equals(book.indicators)
    assert mine.region_name("ruijin") == book.region_name("ruijin")
