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


def _plain_quoting(data: bytes) -> tuple[bool, int]:
    """Whether every quote character of ``data`` belongs to a quoted field that starts and ends at a
    field boundary (the only quoting on which pandas' parser and csv.reader(strict=True) agree), and
    the number of commas inside those fields."""
    if b'"' not in data:
        return True, 0
    fields = [(m.start(), m.end(), m.group()) for m in QUOTED_FIELD.finditer(data)]
    if not fields:
        return False, 0
    starts, ends, texts = zip(*fields)
    buffer = np.frombuffer(data, dtype=np.uint8)
    starts, ends = np.array(starts), np.array(ends)
    before = buffer[starts[starts > 0] - 1]
    after = buffer[ends[ends < len(data)]]
    if not (np.isin(before, list(b",\n")).all() and np.isin(after, list(b",\r\n")).all()):
        return False, 0
    quoted = b"".join(texts)
    return quoted.count(b'"') == data.count(b'"'), quoted.count(b",")


def _parse_fast(data: bytes) -> tuple[list[str], list[np.ndarray]] | None:
    """Header and cell columns of UTF-8 CSV bytes by pandas' C parser, when the file is plain enough
    that this gives exactly what csv.reader would, one record per physical line (so the record in
    row i is on line i + 1); else None, for the exact csv.reader path.

    Plain means: no byte-order mark left (pandas would drop it), no NUL byte, no carriage return
    outside CRLF line ends, quoting only of whole fields, no quoted line break, no blank line, and
    the header's number of cells on every line.
    """
    if not data or data.startswith(BOM) or b"\0" in data:
        return None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    plain, quoted_commas = _plain_quoting(data)
    if not plain:
        return None
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    try:
        raw = pd.read_csv(
            io.BytesIO(data),
            header=None,
            dtype=object,
            na_filter=False,
            skip_blank_lines=True,
            engine="c",
            encoding="utf-8",
            encoding_errors="strict",
        )
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return None  # more cells than the header on some line, bad bytes: the exact path says where
    width = raw.shape[1]
    # One row per physical line (no blank or multi-line record), and exactly ``width`` cells on each:
    # no line has more (the parser refuses that), and the commas outside quoted fields count the rest.
    if len(raw) != lines or data.count(b",") - quoted_commas != lines * (width - 1):
        return None
    cells = [raw[c].to_numpy(dtype=object) for c in raw.columns]
    header = [str(c[0]) for c in cells]
    return header, [c[1:] for c in cells]


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
PYTHON_STRINGS = pd.StringDtype().storage == "python"


def _strings(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """pd.array(values, dtype="string") for an object array of str and NA (built without a copy)."""
    return pd.arrays.StringArray(values) if PYTHON_STRINGS else pd.array(values, dtype="string")


def _string_column(cells: np.ndarray) -> tuple[pd.arrays.StringArray, np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """Cells stripped of surrounding whitespace, empty ones as NA; where they are empty; and, for a
    column of few distinct values, its codes and distinct values (stripping each value once)."""
    sample = cells[:SAMPLE]
    if len(set(sample)) > len(sample) // 2:
        stripped = np.fromiter(map(str.strip, cells), dtype=object, count=len(cells))
        empty = stripped == ""
        stripped[empty] = pd.NA
        return _strings(stripped), empty, None
    codes, uniques = pd.factorize(cells)
    stripped = np.fromiter(map(str.strip, uniques), dtype=object, count=len(uniques))
    # Values that differ only in surrounding whitespace are one value; "" is NA.
    of_unique, uniques = pd.factorize(stripped)
    blank = np.flatnonzero(uniques == "")
    if len(blank):
        of_unique[of_unique == blank[0]] = -1
        of_unique[of_unique > blank[0]] -= 1
        uniques = np.delete(uniques, blank[0])
    codes = of_unique[codes]
    values = np.append(uniques, np.array([pd.NA], dtype=object))[codes]
    return _strings(values), codes == -1, (codes, uniques)


def read_table(path: Path | str, columns: list[str], distinct: Distinct | None = None) -> pd.DataFrame:
    """Read a CSV as strings (empty cells as NA) with exactly the declared columns.

    The frame's index is the 1-based line number of each record, so problems found
    later can say where they are. Plain files (most) are parsed by pandas' C parser, any
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
        cells = (
            [np.array(column, dtype=object) for column in zip(*rows)] if rows else [np.array([], object)] * len(header)
        )
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
