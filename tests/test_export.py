"""`sti-targets export`: every format reads back equal to the loaded tables; formulas are neutralised; the
zip is a valid Frictionless data package holding the sources; the same data give the same bytes."""

from __future__ import annotations

import io
import shutil
import zipfile

import pandas as pd
import pytest
from frictionless import Package
from openpyxl import load_workbook
from sti_targets.cli import main
from sti_targets.dataset.checks import run_checks
from sti_targets.dataset.export import FORMULA_STARTS, NAME, PROVENANCE_RULE, export, neutralise_formula
from sti_targets.dataset.loaders import Dataset
from sti_targets.dataset.schema import TABLES
from sti_targets.paths import DATA


@pytest.fixture(scope="module")
def book() -> Dataset:
    return Dataset.load()


def restore(value):
    """The text before neutralise_formula (a test's inverse of it)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def plain(values, kind: str) -> list:
    """Cells as plain Python values of their kind, None for NA (how both sides are compared)."""
    out = []
    for v in values:
        if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) or v == "":
            out.append(None)
        elif kind == "number":
            out.append(float(v))
        elif kind in ("int", "year"):
            out.append(int(v))
        elif kind == "bool":
            out.append({"true": True, "false": False}.get(v, v) if isinstance(v, str) else bool(v))
        else:
            out.append(str(restore(v)))
    return out


def assert_table_equal(frame: pd.DataFrame, book: Dataset, table: str) -> None:
    expected = book.tables()[table]
    assert list(frame.columns) == [f.name for f in TABLES[table]]
    assert len(frame) == len(expected)
    for f in TABLES[table]:
        got = plain(frame[f.name].astype(object).tolist(), f.kind)
        assert got == plain(expected[f.name].astype(object).tolist(), f.kind), (table, f.name)


def test_csv_reads_back_equal_and_has_a_bom(tmp_path, book):
    written = export("csv", tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{t}.csv" for t in TABLES)
    for table in TABLES:
        data = (tmp_path / f"{table}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
        assert_table_equal(frame, book, table)


def test_parquet_reads_back_equal_with_its_types(tmp_path, book):
    export("parquet", tmp_path)
    for table in TABLES:
        frame = pd.read_parquet(tmp_path / f"{table}.parquet")
        assert_table_equal(frame, book, table)
    targets = pd.read_parquet(tmp_path / "targets.parquet")
    assert targets["value"].dtype == "float64" and str(targets["target_year"].dtype) == "Int64"
    assert str(targets["is_stretch"].dtype) == "boolean"


def test_xlsx_has_a_readme_and_one_sheet_per_table_with_bilingual_headers(tmp_path, book):
    (path,) = export("xlsx", tmp_path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["README", *TABLES]
    readme = [c for row in workbook["README"].iter_rows(values_only=True) for c in row if c]
    assert PROVENANCE_RULE in readme and "0.2.0" in readme
    for table, fields in TABLES.items():
        sheet = workbook[table]
        assert [c.value for c in sheet[1]] == [f.name for f in fields]
        assert [c.value for c in sheet[2]] == [f.zh for f in fields]
        frame = pd.read_excel(path, sheet_name=table, header=0, skiprows=[1], dtype=object)
        assert_table_equal(frame, book, table)
    # numbers are numbers to the spreadsheet, not text
    assert workbook["targets"]["H1"].value == "value" and workbook["targets"]["H3"].data_type == "n"


def test_the_zip_is_a_valid_data_package_with_the_sources(tmp_path, book):
    (path,) = export("zip", tmp_path / "dist")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "unpacked")
    folder = tmp_path / "unpacked" / NAME
    assert f"{NAME}/datapackage.json" in names and f"{NAME}/LICENSE-DATA" in names
    for table in TABLES:
        assert (folder / f"{table}.csv").read_bytes() == (DATA / f"{table}.csv").read_bytes()
    for file in book.documents["file"].astype(str):
        assert (folder / file).read_bytes() == (DATA / file).read_bytes()
    report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert run_checks(folder) == []  # checksums and every quote hold in the unpacked copy
    unpacked = Dataset.load(folder)
    for table in TABLES:
        pd.testing.assert_frame_equal(unpacked.tables()[table], book.tables()[table])


@pytest.mark.parametrize("format", ["xlsx", "zip"])
def test_the_same_data_give_the_same_bytes(tmp_path, format):
    (first,) = export(format, tmp_path / "a")
    (second,) = export(format, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()


@pytest.fixture
def formulas(tmp_path):
    """A copy of the data whose notes start like formulas (notes are free text, so check passes)."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    path = folder / "targets.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].rstrip("\n").rsplit(",", 1)[0] + ',"=HYPERLINK(""http://example.invalid"",""x"")"\n'
    lines[2] = lines[2].rstrip("\n").rsplit(",", 1)[0] + ",@cmd\n"
    path.write_text("".join(lines), encoding="utf-8")
    return folder


def test_formula_cells_are_neutralised_in_csv_and_xlsx(tmp_path, formulas):
    assert run_checks(formulas) == []
    export("csv", tmp_path / "csv", formulas)
    frame = pd.read_csv(tmp_path / "csv" / "targets.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert frame["note"].iloc[0] == '\'=HYPERLINK("http://example.invalid","x")' and frame["note"].iloc[1] == "'@cmd"
    (path,) = export("xlsx", tmp_path / "xlsx", formulas)
    sheet = load_workbook(path)["targets"]
    note = [c.value for c in sheet[1]].index("note") + 1
    cells = [sheet.cell(row=3, column=note), sheet.cell(row=4, column=note)]
    assert [c.value for c in cells] == ['\'=HYPERLINK("http://example.invalid","x")', "'@cmd"]
    assert {c.data_type for c in cells} == {"s"}  # text, not a formula
    # a negative number stays a number; only text is neutralised
    assert neutralise_formula("-2") == "'-2"


def test_the_explorer_download_uses_the_same_neutralising():
    from sti_targets.analysis import explorer

    assert explorer.neutralise_formula is neutralise_formula


def test_cli_export_prints_what_it_wrote_and_refuses_data_that_fail_their_checks(tmp_path, capsys, formulas):
    assert main(["export", "--format", "csv", "--output", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out.count(".csv") == len(TABLES)
    path = formulas / "observations.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("比例为3.30%,1745,", "比例为3.30%,1746,"), encoding="utf-8"
    )
    assert main(["export", "--format", "zip", "--output", str(tmp_path / "bad"), "--data", str(formulas)]) == 1
    err = capsys.readouterr().err
    assert "observations.csv, line 2, column quote_start" in err and "Traceback" not in err
    assert not (tmp_path / "bad").exists()
    with pytest.raises(SystemExit):
        main(["export", "--format", "ods", "--output", str(tmp_path)])
    assert "invalid choice: 'ods'" in capsys.readouterr().err
