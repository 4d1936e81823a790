"""Exporting the curated tables for other tools: CSV, Parquet, Excel, and the Frictionless data package.

``export(format, output)`` checks the data first (``sti-targets check``: a release of data that fails
its checks is refused), then writes:

- ``csv``: one ``<table>.csv`` per table, UTF-8 with a byte-order mark (Excel then reads the Chinese);
- ``parquet``: one ``<table>.parquet`` per table (pyarrow), typed columns, vocabularies as text;
- ``xlsx``: ``sti-targets-<version>.xlsx``, a README sheet (the provenance rule, licence, citation and
  every column's meaning), then one sheet per table whose first two rows are the column names in
  English and their Chinese labels (schema.Field.zh);
- ``zip``: ``sti-targets-<version>.zip``, the Frictionless data package: datapackage.json, the curated
  CSV files exactly as in data/, the source documents under sources/, the licences and the citation.

In CSV and xlsx, a text cell that a spreadsheet would take for a formula (starting with =, +, - or @)
starts with an apostrophe (``'=1+1``): the spreadsheet shows the text instead of computing it. The
data package's files are the curated ones, byte for byte, so that their checksums and quotes hold.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from .. import paths
from ..errors import DataError
from .loaders import Dataset
from .schema import DATA_VERSION, LICENSE, TABLES, TITLES, Field, datapackage_json

FORMATS = ("csv", "parquet", "xlsx", "zip")
# A text cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NAME = f"sti-targets-{DATA_VERSION}"
# Files of the project root that travel with the data package.
RELEASE_FILES = ("LICENSE-DATA", "CITATION.cff", "CHANGELOG.md")
ZIP_TIME = (2026, 12, 1, 0, 0, 0)  # every member's timestamp: the same data give the same bytes
TEXT_KINDS = ("id", "category", "text", "date", "sha256", "code")
PROVENANCE_RULE = (
    "Every number in these tables is traceable to a verbatim quote of its source document: quote stands at "
    "character offset quote_start of the document's file (documents: file, with its sha256), that is "
    "text[quote_start:quote_start + len(quote)] == quote, counting characters of the file read as UTF-8, and "
    "the quote holds the number. A target's baseline is an observation (baseline_observation) with its own "
    "quote; a bindingness is cited by bindingness_quote at bindingness_quote_start. `sti-targets check` proves "
    "all of it; the data package (zip) holds the sources."
)
FORMULA_RULE = (
    "A text cell starting with =, +, - or @ starts with an apostrophe (') here, so that a spreadsheet shows it "
    "as text; the text as published is the cell without that first apostrophe."
)


def neutralise_formula(text: str) -> str:
    """``'=1+1`` for ``=1+1``: a spreadsheet shows the text instead of computing it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def header(field: Field) -> str:
    """value 数值: a column's name and its Chinese label."""
    return f"{field.name} {field.zh}"


def _text_cells(frame: pd.DataFrame, fields: tuple[Field, ...]) -> list[list[str]]:
    """The table's cells as CSV text, column by column: numbers in the shortest form that reads back
    equal (%.15g), NA empty, booleans true/false, text neutralised."""
    columns = []
    for f in fields:
        column = frame[f.name]
        if f.kind == "bool":
            cells = column.map({True: "true", False: "false"}).astype(object)
        elif f.kind == "number":
            cells = column.map(lambda v: f"{v:.15g}").astype(object)
        elif f.kind in ("int", "year"):
            cells = column.astype(object).map(str)
        else:
            cells = column.astype(object).map(lambda v: neutralise_formula(str(v)))
        columns.append(cells.where(column.notna(), "").tolist())
    return columns


def csv_bytes(frame: pd.DataFrame, fields: tuple[Field, ...]) -> bytes:
    """One table as CSV in UTF-8 with a byte-order mark, the header its column names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f.name for f in fields])
    writer.writerows(zip(*_text_cells(frame, fields)))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _typed_columns(frame: pd.DataFrame, fields: tuple[Field, ...]) -> pd.DataFrame:
    """The table's columns with vocabularies and ids as plain text (for Parquet and Excel)."""
    out = {}
    for f in fields:
        column = frame[f.name]
        out[f.name] = column.astype("string") if f.kind in TEXT_KINDS else column
    return pd.DataFrame(out).reset_index(drop=True)


def _write_csv(book: Dataset, output: Path) -> list[Path]:
    written = []
    for table, fields in TABLES.items():
        path = output / f"{table}.csv"
        path.write_bytes(csv_bytes(book.tables()[table], fields))
        written.append(path)
    return written


def _write_parquet(book: Dataset, output: Path) -> list[Path]:
    written = []
    for table, fields in TABLES.items():
        path = output / f"{table}.parquet"
        _typed_columns(book.tables()[table], fields).to_parquet(path, index=False, engine="pyarrow")
        written.append(path)
    return written


def _cell(value, kind: str):
    """An Excel cell's value: None for NA, numbers and booleans as such, text neutralised."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if kind in TEXT_KINDS:
        return neutralise_formula(str(value))
    if kind == "bool":
        return bool(value)
    return int(value) if kind in ("int", "year") else float(value)


def _readme_rows() -> list[list[str]]:
    rows = [
        ["STI Targets Workbook: cited targets of Chinese science-and-technology innovation plans"],
        ["data version 数据版本", DATA_VERSION],
        ["licence 许可", f"{LICENSE['title']} ({LICENSE['name']}), {LICENSE['path']}"],
        ["cite 引用", "see CITATION.cff; cite one number by its target_id or observation_id and its document"],
        ["provenance 出处", PROVENANCE_RULE],
        ["formulas 公式", FORMULA_RULE],
        ["headers 表头", "row 1: column names; row 2: their Chinese labels; data from row 3"],
        [],
        ["table 表", "column 列", "中文", "meaning 含义"],
    ]
    for table, fields in TABLES.items():
        rows.append([table, "", "", TITLES[table]])
        rows += [[table, f.name, f.zh, f.description] for f in fields]
    return rows


def _write_xlsx(book: Dataset, output: Path) -> list[Path]:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    readme = workbook.active
    readme.title = "README"
    for row in _readme_rows():
        readme.append([neutralise_formula(v) for v in row])
    readme.column_dimensions["A"].width = 24
    readme.column_dimensions["D"].width = 100
    bold = Font(bold=True)
    for table, fields in TABLES.items():
        sheet = workbook.create_sheet(table)
        sheet.append([f.name for f in fields])
        sheet.append([f.zh for f in fields])
        for cell in (*sheet[1], *sheet[2]):
            cell.font = bold
        frame = book.tables()[table]
        columns = [frame[f.name].astype(object).tolist() for f in fields]
        kinds = [f.kind for f in fields]
        for record in zip(*columns):
            sheet.append([_cell(v, k) for v, k in zip(record, kinds)])
        sheet.freeze_panes = "B3"
    # Fixed document and member times: the same data give the same workbook.
    workbook.properties.created = workbook.properties.modified = datetime(*ZIP_TIME)
    saved = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED)).save()  # (save() would set modified)
    path = output / f"{NAME}.xlsx"
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(path, "w") as archive:
        for member in source.infolist():
            _zip_member(archive, member.filename, source.read(member), folder="")
    return [path]


def _zip_member(archive: zipfile.ZipFile, name: str, data: bytes, folder: str = f"{NAME}/") -> None:
    info = zipfile.ZipInfo(folder + name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def _write_zip(book: Dataset, output: Path, data: Path) -> list[Path]:
    path = output / f"{NAME}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        _zip_member(archive, "datapackage.json", datapackage_json().encode("utf-8"))
        for table in TABLES:
            _zip_member(archive, f"{table}.csv", (data / f"{table}.csv").read_bytes())
        _zip_member(archive, "README.md", (data / "README.md").read_bytes())
        for file in sorted(book.documents["file"].astype(str)):
            _zip_member(archive, file, (data / file).read_bytes())
        for name in RELEASE_FILES:
            source = data.parent / name
            if source.is_file():
                _zip_member(archive, name, source.read_bytes())
    return [path]


def export(format: str, output: Path | str, data_dir: Path | str | None = None) -> list[Path]:
    """Check the data, then write it in ``format`` (one of FORMATS) into the folder ``output`` (made
    if missing); the paths written. Raises DataError when the data fail their checks."""
    from .checks import run_checks

    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; valid formats are: {', '.join(FORMATS)}")
    data = Path(data_dir) if data_dir is not None else paths.DATA
    problems = run_checks(data)
    if problems:
        raise DataError(problems)
    book = Dataset.load(data)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    if format == "csv":
        return _write_csv(book, output)
    if format == "parquet":
        return _write_parquet(book, output)
    if format == "xlsx":
        return _write_xlsx(book, output)
    return _write_zip(book, output, data)
