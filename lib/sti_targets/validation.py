"""Enforcing the declared schema (schema.py) with pandera, reporting problems by line and column.

Validation runs in two passes. The first checks every cell as the text it is in the
file (required, number and year formats, allowed values, patterns, uniqueness, ids
that must exist elsewhere); only a frame that passes is converted to typed columns.
The second checks relations between typed columns (value <= value_high, years).
Every failure becomes a Problem naming file, line, column and value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from .errors import DataError, Problem
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


def _text_checks(field: Field, references: Mapping[str, Iterable[str]]) -> list[pa.Check]:
    checks = []
    if field.kind == "number":
        checks.append(pa.Check.str_matches(NUMBER_RE, error="must be a number such as 12 or 2.6"))
    elif field.kind == "year":
        checks.append(pa.Check.str_matches(YEAR_RE, error=f"must be a year ({FIRST_YEAR}-{LAST_YEAR})"))
    elif field.kind == "int":
        checks.append(pa.Check.str_matches(INT_RE, error="must be a whole number >= 0"))
    elif field.kind == "bool":
        checks.append(pa.Check.isin(list(BOOLS), error="must be true or false"))
    if field.pattern:
        checks.append(pa.Check.str_matches(field.pattern, error=f"must match {field.pattern}"))
    if field.allowed:
        checks.append(pa.Check.isin(list(field.allowed), error="must be one of: " + ", ".join(field.allowed)))
    if field.name in references:
        valid = sorted(set(references[field.name]))
        checks.append(pa.Check.isin(valid, error="unknown id; valid ids are: " + _shown(valid)))
    if field.unique:
        checks.append(
            pa.Check(lambda s: ~s.duplicated(keep=False) | s.isna(), error="must be unique; this id appears twice")
        )
    return checks


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
    frame: pd.DataFrame, fields: tuple[Field, ...], file: str, references: Mapping[str, Iterable[str]] = {}
) -> None:
    """Check the cells of a string frame (index = line numbers) against the declared fields."""
    schema = pa.DataFrameSchema(
        {
            f.name: pa.Column(pd.StringDtype(), checks=_text_checks(f, references), nullable=not f.required)
            for f in fields
        },
        strict=True,
    )
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise DataError(_problems(exc, frame, file, {})) from None


def to_typed(frame: pd.DataFrame, fields: tuple[Field, ...]) -> pd.DataFrame:
    """Convert a validated string frame to typed columns (ids and vocabularies as categoricals)."""
    out = {}
    for f in fields:
        s = frame[f.name]
        if f.kind == "number":
            out[f.name] = pd.to_numeric(s).astype("float64")
        elif f.kind in ("year", "int"):
            out[f.name] = pd.to_numeric(s).astype("Int64")
        elif f.kind == "bool":
            out[f.name] = s.map(BOOLS).astype("boolean")
        elif f.kind == "category" and f.allowed:
            out[f.name] = pd.Categorical(s, categories=list(f.allowed))
        elif f.kind == "id" and not f.unique:
            out[f.name] = s.astype("category")
        else:
            out[f.name] = s
    return pd.DataFrame(out, index=frame.index)


def validate_rows(frame: pd.DataFrame, checks: list[RowCheck], file: str) -> None:
    """Check relations between typed columns; the failing rows are reported at their column."""
    if not checks:
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
