"""Reading the curated CSV files as text, whatever encoding a spreadsheet saved them in.

Excel on a Chinese system writes GB18030/GBK, other tools write UTF-8 with or
without a byte-order mark; all three load the same. A byte that fits none of
them is refused with its line and column, never guessed at.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pandas as pd

from .errors import DataError, Problem, display_path

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


def read_text(path: Path | str) -> str:
    """The decoded text of a CSV file (see decode_bytes)."""
    path = Path(path)
    name = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(name, f"cannot be read: {exc.strerror or exc}")]) from None
    try:
        return decode_bytes(data, name)
    except DataError as exc:
        (problem,) = exc.problems
        field = _csv_column(data, exc.offset)
        if field is None:
            raise
        raise DataError([replace(problem, column=f"{field} ({problem.column})")]) from None


def read_table(path: Path | str, columns: list[str]) -> pd.DataFrame:
    """Read a CSV as strings (empty cells as NA) with exactly the declared columns.

    The frame's index is the 1-based line number of each record, so problems found
    later can say where they are.
    """
    path = Path(path)
    name = display_path(path)
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError([Problem(name, "is empty; expected a header row: " + ",".join(columns), line=1)]) from None
    except csv.Error as exc:
        raise DataError([Problem(name, f"is not valid CSV: {exc}", line=1)]) from None
    header = [h.strip() for h in header]
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
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype="string")
    frame = frame.apply(lambda s: s.str.strip()).replace("", pd.NA)
    return frame[columns]
