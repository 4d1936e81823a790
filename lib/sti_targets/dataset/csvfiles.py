"""Reading the curated CSV files as text, whatever encoding a spreadsheet saved them in.

Excel on a Chinese system writes GB18030/GBK, other tools write UTF-8 with or
without a byte-order mark; all three load the same. A byte that fits none of
them is refused with its line and column, never guessed at; so are a cell longer than MAX_CELL
characters and a bidirectional control character (BIDI_CONTROLS), whichever reader parses the file.
"""

from __future__ import annotations

import csv
import io
import re
import stat
import unicodedata
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..errors import DataError, Problem, display_path

BOM = b"\xef\xbb\xbf"


def _line_start(data: bytes, offset: int) -> int:
    """Byte offset of the start of the line holding ``offset`` (lines end with LF, CRLF or a lone CR)."""
    return max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1


def position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and byte column of a byte offset; lines end as csv.reader ends them: LF, CRLF or
    a lone CR (Excel for Mac)."""
    before = data[:offset]
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    return line, offset - _line_start(data, offset) + 1


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
    line, column = position(data, error.start)
    message = (
        f"byte {data[error.start : error.start + 1]!r} cannot be decoded; save the file as UTF-8 "
        "(with or without BOM) or GB18030/GBK"
    )
    raise DataError([Problem(name, message, line=line, column=f"byte {column}")], offset=error.start)


def _csv_column(data: bytes, offset: int) -> str | None:
    """The header name of the CSV field holding a byte offset (decoding leniently to find it)."""
    first_line = re.split(rb"\r\n|\r|\n", data, maxsplit=1)[0]
    prefix = data[_line_start(data, offset) : offset].decode("utf-8", "replace")
    try:
        header = next(csv.reader([first_line.decode("utf-8", "replace").lstrip("\ufeff")]), [])
        index = len(next(csv.reader([prefix + "x"]))) - 1
    except csv.Error:
        return None
    return header[index].strip() if index < len(header) else None


def read_file_bytes(path: Path, name: str) -> bytes:
    """The bytes of a regular file; DataError when it is missing, unreadable, or a folder, FIFO or
    device (which would block or fail the read)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise DataError([Problem(name, "is not a regular file (a folder, FIFO or device); give a text file")])
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
    return _decode(read_file_bytes(path, name), name)


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
    # csv's own limit on a field (131072 characters) would refuse a long cell only on this path:
    # read_table refuses cells over MAX_CELL on both paths alike.
    limit = csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        return _records(reader, name, columns)
    finally:
        csv.field_size_limit(limit)


def _records(reader, name: str, columns: list[str]) -> tuple[list[str], list[list[str]], list[int]]:
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
        while True:
            first = reader.line_num + 1  # (a record is reported at its first line, however many it spans)
            try:
                record = next(reader)
            except StopIteration:
                break
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(Problem(name, f"has {len(record)} cells but the header has {len(header)}", line=first))
                continue
            rows.append(record)
            lines.append(first)
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


MAX_CELL = 10_000  # characters a cell may hold (a quote is a clause, a note a few sentences)
# Bidirectional embedding, override and isolate controls: they make text display in another order
# than it is stored (and compared), so a cell holding one could show what it does not say.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
BIDI_PATTERN = f"[{BIDI_CONTROLS}]"


def _cell_problems(header: list[str], cells: list[pa.ChunkedArray], lines: np.ndarray, name: str) -> list[Problem]:
    """Cells over MAX_CELL characters or holding a bidirectional control, in any column and whichever
    path read the file."""
    problems = []
    for column, values in zip(header, cells):
        lengths = pc.utf8_length(values).to_numpy(zero_copy_only=False)
        for row in np.flatnonzero(lengths > MAX_CELL):
            problems.append(
                Problem(
                    name,
                    f"the cell holds {lengths[row]} characters; a cell may hold at most {MAX_CELL}",
                    line=int(lines[row]),
                    column=column,
                )
            )
        bidi = pc.match_substring_regex(values, BIDI_PATTERN).to_numpy(zero_copy_only=False)
        for row in np.flatnonzero(bidi):
            text = values[int(row)].as_py()
            at = next(i for i, ch in enumerate(text) if ch in BIDI_CONTROLS)
            code = f"U+{ord(text[at]):04X} {unicodedata.name(text[at])}"
            problems.append(
                Problem(
                    name,
                    f"holds {code} at character {at + 1}, a bidirectional control that makes text display in "
                    "another order than it reads; delete it",
                    line=int(lines[row]),
                    column=column,
                )
            )
    return problems


def read_table(path: Path | str, columns: list[str], distinct: Distinct | None = None) -> pd.DataFrame:
    """Read a CSV as strings (empty cells as NA) with exactly the declared columns.

    The frame's index is the 1-based line number of each record, so problems found
    later can say where they are. Plain files (most) are parsed by pyarrow's CSV reader, any
    other by csv.reader; both give the same frame and the same problems. A ``distinct``
    dict is filled in for the columns with few distinct values (see Distinct).
    """
    path = Path(path)
    name = display_path(path)
    data = read_file_bytes(path, name)
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
    problems = _cell_problems(header, cells, lines, name)
    if problems:
        raise DataError(sorted(problems, key=lambda p: (p.line, columns.index(p.column))))
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
