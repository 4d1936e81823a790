"""Enforcing the declared schema (schema.py), reporting every problem by file, line, column and value.

Validation runs in two steps. ``validate_text`` checks every cell as the text it is in the file
(required, number, year, whole-number and true/false formats, allowed values, patterns, uniqueness,
foreign keys of one column); only a frame that passes is converted to typed columns (``to_typed``).
``validate_rows`` then checks relations between typed columns (foreign keys of several columns,
value <= value_high, years).

One path decides and words: each check is vectorised and gives the cells where it fails, and those
cells are the problems, each with its message. A check of single cells runs once per distinct value of
its column (read_table finds them for columns that have few) and is spread to the cells by their codes.

``pandera_schema`` gives the same cell rules and keys as a pandera DataFrameSchema built from the same
declaration with pandera's own checks, for other tools; tests/test_datapackage.py runs every bad input
through both and asserts that they agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pandera

from ..errors import DataError, Problem
from .csvfiles import Distinct
from .schema import (
    BOOLEANS,
    FIRST_YEAR,
    FOREIGN_KEYS,
    LAST_YEAR,
    NUMBER_PATTERN,
    TABLES,
    WHOLE_PATTERN,
    Field,
    ForeignKey,
)

REQUIRED = "is required; the cell is empty"
UNIQUE = "must be unique; this id appears twice"


@dataclass(frozen=True)
class RowCheck:
    """A check across columns of the typed frame: rows where ``test`` is False fail (NA passes)."""

    column: str
    message: str
    test: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class CellCheck:
    """A check of single cells: ``test`` maps distinct non-empty cell texts to whether each holds."""

    error: str
    test: Callable[[np.ndarray], np.ndarray]


def _shown(values: Iterable[str], limit: int = 12) -> str:
    values = list(values)
    text = ", ".join(values[:limit])
    return text + (f", ... ({len(values)} in all)" if len(values) > limit else "")


def _no_newline(pattern: str) -> bool:
    """Whether no part of a match of ``pattern`` can be a newline (a conservative reading)."""
    if "\\\\" in pattern:
        return False
    bare = pattern.replace("\\.", "")
    return not any(t in bare for t in ("[^", "\\s", "\\S", "\\D", "\\W", "\\n", ".", "^", "$", "\\Z", "\\A", "(?"))


def _matches(pattern: str, error: str) -> CellCheck:
    """Each cell matches ``pattern`` (re.match, as pandera's str_matches).

    All cells are matched in one regex run over the cells joined by newlines when the pattern is
    anchored (^...$) and cannot match a newline, and one by one only when that fails or a cell
    holds a newline.
    """
    one = re.compile(pattern)
    inner = pattern[1:-1] if pattern.startswith("^") and pattern.endswith("$") else None
    whole = re.compile(f"(?:{inner})(?:\\n(?:{inner}))*") if inner and _no_newline(inner) else None

    def test(values: np.ndarray) -> np.ndarray:
        if whole is not None and len(values):
            joined = "\n".join(values)
            if joined.count("\n") == len(values) - 1 and whole.fullmatch(joined):
                return np.ones(len(values), dtype=bool)
        return np.fromiter((one.match(v) is not None for v in values), dtype=bool, count=len(values))

    return CellCheck(error, test)


def _isin(allowed: Iterable[str], error: str) -> CellCheck:
    allowed = frozenset(allowed)
    return CellCheck(error, lambda values: np.fromiter((v in allowed for v in values), dtype=bool, count=len(values)))


def _year(values: np.ndarray) -> np.ndarray:
    """Four digits 0-9 making a year from FIRST_YEAR to LAST_YEAR."""
    digits = re.compile("[0-9]{4}")
    return np.fromiter(
        (digits.fullmatch(v) is not None and FIRST_YEAR <= int(v) <= LAST_YEAR for v in values),
        dtype=bool,
        count=len(values),
    )


def cell_checks(field: Field, references: Mapping[str, Iterable[str]] = {}) -> list[CellCheck]:
    """The checks of a field's non-empty cells, in the order their problems are reported.

    ``references``: the valid values of a column that is a foreign key of one column.
    """
    checks = []
    if field.kind == "number":
        checks.append(
            _matches(NUMBER_PATTERN, "must be a number such as 12 or 2.6, with at most 15 digits before the point")
        )
    elif field.kind == "year":
        checks.append(CellCheck(f"must be a year ({FIRST_YEAR}-{LAST_YEAR})", _year))
    elif field.kind == "int":
        checks.append(_matches(WHOLE_PATTERN, "must be a whole number (0 or more, at most 18 digits)"))
    elif field.kind == "bool":
        checks.append(_isin(BOOLEANS, "must be true or false"))
    if field.pattern:
        checks.append(_matches(field.pattern, f"must match {field.pattern}"))
    if field.allowed:
        checks.append(_isin(field.allowed, "must be one of: " + ", ".join(field.allowed)))
    if field.reserved:
        reserved = frozenset(field.reserved)
        error = "is reserved for pages sti-targets render writes; choose an id other than: " + ", ".join(field.reserved)
        checks.append(
            CellCheck(error, lambda values: np.fromiter((v not in reserved for v in values), bool, len(values)))
        )
    if field.name in references:
        valid = sorted(set(references[field.name]))
        checks.append(_isin(valid, "unknown id; valid ids are: " + _shown(valid)))
    return checks


def _cell_failures(
    frame: pd.DataFrame, field: Field, checks: list[CellCheck], distinct: Distinct
) -> list[tuple[str, np.ndarray]]:
    """(message, failing rows as a boolean mask) for each rule of ``field`` that some cell breaks."""
    s = frame[field.name]
    failures = []
    if checks and not field.unique:
        codes, uniques = _distinct(frame, field.name, distinct)
        empty = codes == -1
        for check in checks:
            holds = np.append(check.test(uniques), True)  # (code -1, an empty cell, is not tested)
            failing = ~holds[codes]
            failures.append((check.error, failing))
    elif checks or field.unique:
        empty = s.isna().to_numpy()
        present = s.to_numpy(dtype=object)[~empty]
        for check in checks:
            failing = np.zeros(len(s), dtype=bool)
            failing[~empty] = ~check.test(present)
            failures.append((check.error, failing))
        if field.unique and len(set(present)) < len(present):  # (some value is there twice: where?)
            failures.append((UNIQUE, s.duplicated(keep=False).to_numpy() & ~empty))
    else:
        empty = s.isna().to_numpy()
    if field.required:
        failures.insert(0, (REQUIRED, empty))
    return [(message, failing) for message, failing in failures if failing.any()]


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.line or 0, p.column or "", p.message))


def validate_text(
    frame: pd.DataFrame,
    fields: tuple[Field, ...],
    file: str,
    references: Mapping[str, Iterable[str]] = {},
    distinct: Distinct | None = None,
) -> None:
    """Check the cells of a string frame (index = line numbers) against the declared fields;
    raise DataError with every problem.

    ``distinct``: the distinct values of columns that have few (csvfiles.read_table), when known.
    """
    distinct = {} if distinct is None else distinct
    problems = []
    for f in fields:
        for message, failing in _cell_failures(frame, f, cell_checks(f, references), distinct):
            values = frame[f.name].to_numpy(dtype=object)[failing]
            problems += [
                Problem(file, message, line=int(line), column=f.name, value=_plain(value))
                for line, value in zip(frame.index[failing], values)
            ]
    if problems:
        raise DataError(_sorted(problems))


def to_typed(frame: pd.DataFrame, fields: tuple[Field, ...], distinct: Distinct | None = None) -> pd.DataFrame:
    """Convert a validated string frame to typed columns (ids and vocabularies as categoricals).

    Each conversion is made once per distinct value of a column (pd.to_numeric on them as a string
    column, as it would be on the whole one) and spread to the cells by their codes. ``distinct``:
    as for validate_text.
    """
    distinct = {} if distinct is None else distinct
    out = {}
    for f in fields:
        s = frame[f.name]
        kind = f.kind
        converted = kind in ("number", "year", "int", "bool") or (kind, bool(f.allowed)) == ("category", True)
        if converted or (kind == "id" and not f.unique):
            out[f.name] = _typed_from_distinct(f, s, *_distinct(frame, f.name, distinct))
        else:
            out[f.name] = s
    return pd.DataFrame(out, index=frame.index)


def _distinct(frame: pd.DataFrame, column: str, distinct: Distinct) -> tuple[np.ndarray, np.ndarray]:
    """A column's codes and distinct values, from ``distinct`` or found (and kept there)."""
    if column not in distinct:
        distinct[column] = pd.factorize(frame[column].to_numpy(dtype=object), use_na_sentinel=True)
    return distinct[column]


def _typed_from_distinct(f: Field, s: pd.Series, codes: np.ndarray, uniques: np.ndarray):
    """to_typed's conversion of column ``s`` of field ``f``, made on its distinct values."""
    if f.kind == "category" and f.allowed:
        position = {v: i for i, v in enumerate(f.allowed)}
        of_unique = np.array([position.get(v, -1) for v in uniques] + [-1], dtype="intp")
        return pd.Categorical.from_codes(of_unique[codes], categories=list(f.allowed))
    if f.kind in ("number", "year", "int", "bool"):
        values = pd.Series(pd.array(uniques, dtype=s.dtype))
        if f.kind == "number":
            typed = pd.to_numeric(values).astype("float64")
        elif f.kind == "bool":
            typed = values.map(BOOLEANS).astype("boolean")
        else:
            typed = pd.to_numeric(values).astype("Int64")
        return typed.array.take(codes, allow_fill=True)
    if f.kind == "id" and not f.unique:
        # s.astype("category"): the categories are the sorted distinct values.
        order = np.argsort(uniques, kind="stable")
        rank = np.empty(len(uniques) + 1, dtype="intp")
        rank[order] = np.arange(len(uniques))
        rank[-1] = -1
        dtype = pd.CategoricalDtype(pd.Index(pd.array(uniques[order], dtype=s.dtype)))
        return pd.Categorical.from_codes(rank[codes], dtype=dtype)
    return s


def validate_rows(frame: pd.DataFrame, checks: list[RowCheck], file: str) -> None:
    """Check relations between typed columns; the failing rows are reported at their column."""
    problems = []
    for check in checks:
        failing = ~check.test(frame).fillna(True).to_numpy(dtype=bool)
        column = check.column
        problems += [
            Problem(file, check.message, line=int(line), column=column, value=_plain(frame.at[line, column]))
            for line in frame.index[failing]
        ]
    if problems:
        raise DataError(_sorted(problems))


def reference_check(key: ForeignKey, referenced: pd.DataFrame) -> RowCheck:
    """A foreign key of several columns as a check of typed rows: the key's cells, together, must be a
    row of ``referenced``'s reference columns (rows with an empty key cell pass)."""
    rows = pd.MultiIndex.from_arrays([referenced[c].astype(str) for c in key.reference])

    def test(d: pd.DataFrame) -> pd.Series:
        cells = [d[f] for f in key.fields]
        found = pd.Series(pd.MultiIndex.from_arrays(cells).isin(rows), index=d.index, dtype="boolean")
        return found.mask(np.logical_or.reduce([c.isna().to_numpy() for c in cells]))

    return RowCheck(key.fields[-1], key.message, test)


def _plain(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def pandera_schema(table: str, references: Mapping[str, pd.DataFrame] | None = None) -> pandera.DataFrameSchema:
    """The declared rules of a table's cells and keys as a pandera DataFrameSchema, built with pandera's
    own checks, for the string frame csvfiles.read_table gives (lazy validation finds every failure).

    ``references``: the referenced tables (by name, as read_table gives them), for the foreign keys;
    a table's reference to itself is to the frame being validated. The relations that validate_rows
    checks besides foreign keys (value <= value_high, years) are the loaders', not declared here.
    """
    references = references or {}
    fields = TABLES[table]
    keys = FOREIGN_KEYS[table]
    columns = {}
    for f in fields:
        checks = []
        if f.kind == "number":
            checks.append(pandera.Check.str_matches(NUMBER_PATTERN))
        elif f.kind == "year":
            # (four digits compare as text as they do as numbers)
            checks += [pandera.Check.str_matches("^[0-9]{4}$"), pandera.Check.in_range(str(FIRST_YEAR), str(LAST_YEAR))]
        elif f.kind == "int":
            checks.append(pandera.Check.str_matches(WHOLE_PATTERN))
        elif f.kind == "bool":
            checks.append(pandera.Check.isin(list(BOOLEANS)))
        if f.pattern:
            checks.append(pandera.Check.str_matches(f.full_pattern()))
        if f.allowed:
            checks.append(pandera.Check.isin(list(f.allowed)))
        for key in keys:
            if key.fields == (f.name,) and key.table in references and key.table != table:
                checks.append(pandera.Check.isin(references[key.table][key.reference[0]].dropna().tolist()))
        columns[f.name] = pandera.Column(pd.StringDtype(), checks=checks, nullable=not f.required, unique=f.unique)
    wide = []
    for key in keys:
        if key.table == table:  # (a key into the table itself: its cells against the frame's own column)
            wide.append(
                pandera.Check(
                    lambda d, k=key: d[k.fields[0]].isin(d[k.reference[0]].dropna()) | d[k.fields[0]].isna(),
                    name=f"foreign key {','.join(key.fields)}",
                )
            )
        elif len(key.fields) > 1 and key.table in references:
            rows = pd.MultiIndex.from_frame(references[key.table][list(key.reference)])
            wide.append(
                pandera.Check(
                    lambda d, k=key, rows=rows: (
                        pd.MultiIndex.from_frame(d[list(k.fields)]).isin(rows) | d[list(k.fields)].isna().any(axis=1)
                    ),
                    name=f"foreign key {','.join(key.fields)}",
                )
            )
    return pandera.DataFrameSchema(columns, checks=wide, strict=True, ordered=True)
