"""Reading the curated CSV files as text, whatever encoding a spreadsheet saved them in.

Excel on a Chinese system writes GB18030/GBK, other tools write UTF-8 with or
without a byte-order mark; all three load the same. A byte that fits none of
them is refused with its line and column, never guessed at.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..errors import DataError, Problem, display_path

BOM = b"\xef\xbb\xbf"


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and byte column of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def decode_bytes(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM) or GB18030; raise DataError naming the bad byte."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        first_error = utf8_error
    # A file whose non-ASCII text before the bad byte was valid UTF-8 is UTF-8 with a
    # broken byte; decoding it as GB18030 would only turn it into plausible garbage.
    prefix = data[: first_error.start]
    if any(b >= 0x80 for b in prefix):
        error = first_error
    else:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            error = gb_error
    line, column = _position(data, error.start)
    message = (
        f"byte {data[error.start : error.start + 1]!r} cannot be decoded; save the file as UTF-8 "
        "(with or without BOM) or GB18030/GBK"
    )
    raise DataError([Problem(name, message, line=line, column=f"byte {column}")], offset=error.start)


def _csv_column(data: bytes, offset: int) -> str | None:
    """The header name of the CSV field holding a byte offset (decoding leniently to find it)."""
    header = next(csv.reader([data.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff")]), [])
    line_start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[line_start:offset].decode("utf-8", "replace")
    index = len(next(csv.reader([prefix + "x"]))) - 1
    return header[index].strip() if index < len(header) else None


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(name, f"cannot be read: {exc.strerror or exc}")]) from None


def _decode(data: bytes, name: str) -> str:
    """decode_bytes, naming the CSV column of an undecodable byte."""
    try:
        return decode_bytes(data, name)
    except DataError as exc:
        (problem,) = exc.problems
        field = _csv_column(data, exc.offset)
        if field is None:
            raise
        raise DataError([replace(problem, column=f"{field} ({problem.column})")]) from None


def read_text(path: Path | str) -> str:
    """The decoded text of a CSV file (see decode_bytes)."""
    path = Path(path)
    name = display_path(path)
    return _decode(_read_bytes(path, name), name)


def _header_problems(header: list[str], columns: list[str], name: str) -> list[Problem]:
    problems = [
        Problem(name, "required column is missing; the header must have: " + ", ".join(columns), line=1, column=c)
        for c in columns
        if c not in header
    ]
    problems += [
        Problem(name, "unknown column; valid columns are: " + ", ".join(columns), line=1, column=c)
        for c in header
        if c not in columns
    ]
    problems += [
        Problem(name, "column appears more than once in the header", line=1, column=c)
        for c in sorted({c for c in header if header.count(c) > 1})
    ]
    return problems


# A quoted CSV field: "...", with "" standing for one quote character.
QUOTED_FIELD = re.compile(rb'"(?:[^"]|"")*"')


def _plain_quoting(data: bytes) -> bool:
    """Whether every quote character of ``data`` belongs to a quoted field that starts and ends at a
    field boundary (the only quoting on which pyarrow's reader and csv.reader(strict=True) agree)."""
    if b'"' not in data:
        return True
    fields = [(m.start(), m.end(), m.group()) for m in QUOTED_FIELD.finditer(data)]
    if not fields:
        return False
    starts, ends, texts = zip(*fields)
    buffer = np.frombuffer(data, dtype=np.uint8)
    starts, ends = np.array(starts), np.array(ends)
    before = buffer[starts[starts > 0] - 1]
    after = buffer[ends[ends < len(data)]]
    if not (np.isin(before, list(b",\n")).all() and np.isin(after, list(b",\r\n")).all()):
        return False
    return b"".join(texts).count(b'"') == data.count(b'"')


def _parse_fast(data: bytes) -> tuple[list[str], list[pa.ChunkedArray]] | None:
    """Header and cell columns of UTF-8 CSV bytes by pyarrow's CSV reader, when the file is plain
    enough that this gives exactly what csv.reader would, one record per physical line (so the record
    in row i is on line i + 1); else None, for the exact csv.reader path.

    Plain means: no byte-order mark left, no NUL byte, no carriage return outside CRLF line ends,
    quoting only of whole fields, no quoted line break, no blank line, and the header's number of
    cells on every line.
    """
    if not data or data.startswith(BOM) or b"\0" in data:
        return None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    if not _plain_quoting(data):
        return None
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    try:
        end = data.find(b"\n")
        width = len(next(csv.reader([data[: end if end >= 0 else len(data)].decode("utf-8")])))
        names = [str(i) for i in range(width)]
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, check_utf8=True
            ),
        )
    except (UnicodeDecodeError, csv.Error, pa.ArrowInvalid):
        return None  # bad bytes, a line of another width: the exact path says where
    # One row per physical line (no blank or multi-line record); the reader refuses a line of another width.
    if table.num_rows != lines:
        return None
    header = [column[0].as_py() for column in table.columns]
    return header, [column.slice(1) for column in table.columns]


def _parse_exact(text: str, name: str, columns: list[str]) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, records and their line numbers by csv.reader (any CSV, with exact line numbers)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError([Problem(name, "is empty; expected a header row: " + ",".join(columns), line=1)]) from None
    except csv.Error as exc:
        raise DataError([Problem(name, f"is not valid CSV: {exc}", line=1)]) from None
    header = [h.strip() for h in header]
    problems = _header_problems(header, columns, name)
    if problems:
        raise DataError(problems)
    rows, lines = [], []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(
                    Problem(
                        name,
                        f"has {len(record)} cells but the header has {len(header)}",
                        line=reader.line_num,
                    )
                )
                continue
            rows.append(record)
            lines.append(reader.line_num)
    except csv.Error as exc:
        problems.append(Problem(name, f"is not valid CSV: {exc}", line=reader.line_num))
    if problems:
        raise DataError(problems)
    return header, rows, lines


Distinct = dict[str, tuple[np.ndarray, np.ndarray]]
"""Per column: the code of each row's value among the column's distinct values (-1 for NA), and
those values; read_table finds them for the columns with few distinct values (ids, vocabularies,
years, numbers), so that checks and conversions work once per distinct value."""

SAMPLE = 2048  # cells looked at to tell a column of few distinct values
# Every character that str.strip() removes (str.isspace()), for pyarrow to strip exactly the same.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
NO_TEXT = pa.scalar(None, pa.string())


def _string_column(cells: pa.ChunkedArray) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray, tuple | None]:
    """Cells stripped of surrounding whitespace, empty ones as NA (a pandas string array backed by
    pyarrow); where they are empty; and, for a column of few distinct values, its codes and distinct
    values (stripping each distinct value once)."""
    sample = cells.slice(0, SAMPLE)
    if pc.count_distinct(sample).as_py() > len(sample) // 2:
        stripped = pc.utf8_trim(cells, characters=WHITESPACE)
        empty = pc.equal(stripped, "")
        values = pc.if_else(empty, NO_TEXT, stripped)
        return pd.arrays.ArrowStringArray(values), empty.to_numpy(zero_copy_only=False), None
    raw = pc.dictionary_encode(cells.combine_chunks())
    # Values that differ only in surrounding whitespace are one value; "" is NA.
    stripped = pc.utf8_trim(raw.dictionary, characters=WHITESPACE)
    distinct = pc.dictionary_encode(pc.if_else(pc.equal(stripped, ""), NO_TEXT, stripped))
    of_raw = distinct.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
    codes = of_raw[raw.indices.to_numpy(zero_copy_only=False)]
    empty = codes == -1
    values = distinct.dictionary.take(pa.array(codes, mask=empty))
    return pd.arrays.ArrowStringArray(values), empty, (codes, distinct.dictionary.to_numpy(zero_copy_only=False))


def read_table(path: Path | str, columns: list[str], distinct: Distinct | None = None) -> pd.DataFrame:
    """Read a CSV as strings (empty cells as NA) with exactly the declared columns.

    The frame's index is the 1-based line number of each record, so problems found
    later can say where they are. Plain files (most) are parsed by pyarrow's CSV reader, any
    other by csv.reader; both give the same frame and the same problems. A ``distinct``
    dict is filled in for the columns with few distinct values (see Distinct).
    """
    path = Path(path)
    name = display_path(path)
    data = _read_bytes(path, name)
    utf8 = data[len(BOM) :] if data.startswith(BOM) else data
    fast = _parse_fast(utf8)
    if fast is None:
        text = _decode(data, name)
        encoded = text.encode("utf-8")
        if encoded != utf8:  # GB18030: parse its UTF-8 form
            fast = _parse_fast(encoded)
    if fast is not None:
        header, cells = fast
        header = [h.strip() for h in header]
        problems = _header_problems(header, columns, name)
        if problems:
            raise DataError(problems)
        lines = np.arange(2, len(cells[0]) + 2)
    else:
        header, rows, line_list = _parse_exact(text, name, columns)
        by_column = list(zip(*rows)) if rows else [()] * len(header)
        cells = [pa.chunked_array([pa.array(column, type=pa.string())]) for column in by_column]
        lines = np.array(line_list, dtype="int64")
    strings = dict(zip(header, map(_string_column, cells)))
    index = pd.Index(lines if len(lines) else [], name="line")
    frame = pd.DataFrame({c: strings[c][0] for c in columns}, index=index)
    found = {c: strings[c][2] for c in columns if strings[c][2] is not None}
    if fast is not None:
        # csv.reader's path skips records whose cells are all blank; so must this one.
        blank = np.logical_and.reduce([empty for _, empty, _ in strings.values()])
        if blank.any():
            frame = frame[~blank] if not blank.all() else frame.iloc[:0].set_axis(pd.Index([], name="line"))
            found = {c: (codes[~blank], uniques) for c, (codes, uniques) in found.items()}
    if distinct is not None:
        distinct.update(found)
    return frame
