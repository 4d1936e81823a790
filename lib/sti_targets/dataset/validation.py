"""Enforcing the declared schema (schema.py) with pandera, reporting problems by line and column.

Validation runs in two passes. The first checks every cell as the text it is in the
file (required, number and year formats, allowed values, patterns, uniqueness, ids
that must exist elsewhere); only a frame that passes is converted to typed columns.
The second checks relations between typed columns (value <= value_high, years).
Every failure becomes a Problem naming file, line, column and value.

Speed (150,000 targets load in about a second): every check is vectorised, and the checks
are first run directly on the frame; pandera, whose schema is built from the very same
checks, is run to decide and report only when one of them fails. A frame is thus accepted
only when each check pandera would run holds, and every problem is still found and
worded by pandera.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..errors import DataError, Problem
from .csvfiles import Distinct
from .schema import Field

NUMBER_RE = r"^-?\d+(\.\d+)?$"
YEAR_RE = r"^(19|20|21)\d\d$"
INT_RE = r"^\d+$"
BOOLS = {"true": True, "false": False}
FIRST_YEAR, LAST_YEAR = 1990, 2100


@dataclass(frozen=True)
class RowCheck:
    """A check across columns of the typed frame: rows where ``test`` is False fail."""

    column: str
    message: str
    test: Callable[[pd.DataFrame], pd.Series]


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


@dataclass(frozen=True)
class TextCheck:
    """A check of one column's cells: cells where ``test`` is False fail (empty cells are not tested)."""

    error: str
    test: Callable[[pd.Series], pd.Series]
    elementwise: bool = True  # each cell's result depends on that cell alone


def _str_matches(pattern: str, error: str) -> TextCheck:
    """pa.Check.str_matches(pattern): each cell matches ``pattern`` (re.match).

    All cells are matched in one regex run over the cells joined by newlines when the pattern is
    anchored (^...$) and cannot match a newline, and one by one only when that fails or a cell
    holds a newline.
    """
    one = re.compile(pattern)
    inner = pattern[1:-1] if pattern.startswith("^") and pattern.endswith("$") else None
    whole = re.compile(f"(?:{inner})(?:\\n(?:{inner}))*") if inner and _no_newline(inner) else None

    def test(s: pd.Series) -> pd.Series:
        cells = s.to_numpy(dtype=object)
        present = ~pd.isna(cells)
        values = cells[present]
        result = np.zeros(len(cells), dtype=bool)
        joined = "\n".join(values) if whole is not None else None
        if joined is not None and joined.count("\n") == len(values) - 1 and whole.fullmatch(joined):
            result[present] = True
        else:
            result[present] = [one.match(v) is not None for v in values]
        return pd.Series(result, index=s.index)

    return TextCheck(error, test)


def _isin(values: Iterable[str], error: str) -> TextCheck:
    """pa.Check.isin(values)."""
    values = list(values)
    return TextCheck(error, lambda s: s.isin(values))


def _text_checks(field: Field, references: Mapping[str, Iterable[str]]) -> list[TextCheck]:
    checks = []
    if field.kind == "number":
        checks.append(_str_matches(NUMBER_RE, error="must be a number such as 12 or 2.6"))
    elif field.kind == "year":
        checks.append(_str_matches(YEAR_RE, error=f"must be a year ({FIRST_YEAR}-{LAST_YEAR})"))
    elif field.kind == "int":
        checks.append(_str_matches(INT_RE, error="must be a whole number >= 0"))
    elif field.kind == "bool":
        checks.append(_isin(BOOLS, error="must be true or false"))
    if field.pattern:
        checks.append(_str_matches(field.pattern, error=f"must match {field.pattern}"))
    if field.allowed:
        checks.append(_isin(field.allowed, error="must be one of: " + ", ".join(field.allowed)))
    if field.name in references:
        valid = sorted(set(references[field.name]))
        checks.append(_isin(valid, error="unknown id; valid ids are: " + _shown(valid)))
    if field.unique:
        checks.append(
            TextCheck(
                "must be unique; this id appears twice",
                lambda s: ~s.duplicated(keep=False) | s.isna(),
                elementwise=False,
            )
        )
    return checks


def _all_hold(
    frame: pd.DataFrame, fields: tuple[Field, ...], checks: Mapping[str, list[TextCheck]], distinct: Distinct
):
    """Whether pandera's schema of validate_text would accept the frame: exactly the declared columns
    (strict), all of the string dtype, no empty required cell, and every check true on every cell
    that is not empty (pandera's ignore_na). A check of single cells holds on all cells when it
    holds on each distinct value, since every distinct value is in some cell."""
    if len(frame.columns) != len(fields) or set(frame.columns) != {f.name for f in fields}:
        return False
    for f in fields:
        s = frame[f.name]
        if s.dtype != pd.StringDtype():
            return False
        if not checks[f.name] or f.unique:  # (the distinct values of a unique column are its cells)
            empty = s.isna().to_numpy()
            values = None
        else:
            codes, uniques = _distinct(frame, f.name, distinct)
            empty = codes == -1
            values = pd.Series(pd.array(uniques, dtype=s.dtype))
        if f.required and empty.any():
            return False
        for check in checks[f.name]:
            if check.elementwise and values is not None:
                if not check.test(values).to_numpy(dtype=bool, na_value=False).all():
                    return False
            elif not (check.test(s).to_numpy(dtype=bool, na_value=False) | empty).all():
                return False
    return True


def _problems(error: pa.errors.SchemaErrors, frame: pd.DataFrame, file: str, columns: Mapping[str, str]):
    problems = []
    cases = error.failure_cases
    for case in cases.itertuples(index=False):
        column = case.column if isinstance(case.column, str) else columns.get(case.check)
        message = str(case.check)
        if message == "not_nullable":
            message = "is required; the cell is empty"
        line = None if pd.isna(case.index) else int(case.index)
        value = case.failure_case
        if column in frame.columns and line is not None:
            value = frame.at[line, column]
        value = None if value is None or (not isinstance(value, str) and pd.isna(value)) else value
        problems.append(Problem(file, message, line=line, column=column, value=value))
    return sorted(set(problems), key=lambda p: (p.line or 0, p.column or "", p.message))


def validate_text(
    frame: pd.DataFrame,
    fields: tuple[Field, ...],
    file: str,
    references: Mapping[str, Iterable[str]] = {},
    distinct: Distinct | None = None,
) -> None:
    """Check the cells of a string frame (index = line numbers) against the declared fields.

    ``distinct``: the distinct values of columns that have few (csvfiles.read_table), when known.
    """
    distinct = {} if distinct is None else distinct
    checks = {f.name: _text_checks(f, references) for f in fields}
    if _all_hold(frame, fields, checks, distinct):
        return
    schema = pa.DataFrameSchema(
        {
            f.name: pa.Column(
                pd.StringDtype(),
                checks=[pa.Check(c.test, error=c.error) for c in checks[f.name]],
                nullable=not f.required,
            )
            for f in fields
        },
        strict=True,
    )
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise DataError(_problems(exc, frame, file, {})) from None


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
            typed = values.map(BOOLS).astype("boolean")
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
    if not checks:
        return
    # pandera's table check passes when the test's output is all true, NA counting as true (skipna).
    if all(bool(c.test(frame).all()) for c in checks):
        return
    columns = {c.message: c.column for c in checks}
    schema = pa.DataFrameSchema(
        checks=[pa.Check(c.test, error=c.message) for c in checks],
    )
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = []
        for message, column in columns.items():
            failing = ~checks[list(columns).index(message)].test(frame).fillna(True)
            problems += [
                Problem(file, message, line=int(line), column=column, value=_plain(frame.at[line, column]))
                for line in frame.index[failing.to_numpy()]
            ]
        raise DataError(problems or _problems(exc, frame, file, columns)) from None


def _plain(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
