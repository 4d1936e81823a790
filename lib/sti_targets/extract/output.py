"""The candidates as rows in the columns of data/targets.csv (plus quote_end and confidence), with
quotes and offsets of the raw text, and as the text data/targets.csv holds (for the CSV on stdout)."""

from __future__ import annotations

import pandas as pd

from ..dataset.schema import TARGETS
from .candidates import Candidate
from .lexicon import indicator_table
from .normalise import Plan

COLUMNS = [f.name for f in TARGETS] + ["quote_end", "confidence"]
DTYPES = {
    "value": "float64",
    "value_high": "float64",
    "baseline_value": "float64",
    "target_year": "Int64",
    "baseline_year": "Int64",
    "is_stretch": "bool",
    "quote_start": "int64",
    "quote_end": "int64",
    "confidence": "float64",
}


def to_frame(plan: Plan, candidates: list[Candidate], region: str | None, doc_id: str | None) -> pd.DataFrame:
    """Rows in the columns of data/targets.csv (+ quote_end, confidence), quotes raw and verbatim."""
    rows = []
    for n, c in enumerate(candidates, start=1):
        start, end = plan.raw_span(c.start, c.end)
        rows.append(
            {
                "target_id": f"{region or 'candidate'}-{n:03d}",
                "doc_id": doc_id,
                "region_id": region,
                "indicator_id": c.indicator_id,
                "category": indicator_table().get(c.indicator_id or "", (None, None))[0],
                "target_type": c.target_type,
                "level": c.level,
                "value": c.value,
                "value_high": c.value_high,
                "unit": c.unit,
                "comparator": c.comparator,
                "target_year": c.target_year,
                "baseline_value": c.baseline_value,
                "baseline_year": c.baseline_year,
                "is_stretch": c.is_stretch,
                "conflict": None,
                "quote": plan.raw[start:end],
                "quote_start": start,
                "note": c.note,
                "quote_end": end,
                "confidence": c.confidence,
            }
        )
    return pd.DataFrame(note_restatements(rows), columns=COLUMNS).astype(DTYPES)


def note_restatements(rows: list[dict]) -> list[dict]:
    """Note on a row with the indicator, type, value, unit and year of an earlier row that it probably
    states the same target again (the curation keeps one row of a restated target)."""
    first: dict[tuple, int] = {}
    for row in rows:
        if row["indicator_id"] is None:
            continue
        key = tuple(row[k] for k in ("indicator_id", "target_type", "value", "value_high", "unit", "target_year"))
        earlier = first.setdefault(key, row["quote_start"])
        if earlier != row["quote_start"]:
            row["note"] = "; ".join(filter(None, [row["note"], f"probably restates the target at offset {earlier}"]))
    return rows


def format_number(value: float) -> str:
    """2.6 -> "2.6", 300.0 -> "300", missing -> ""."""
    if pd.isna(value):
        return ""
    return format(float(value), "f").rstrip("0").rstrip(".")


def format_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows as the text data/targets.csv holds: numbers without trailing zeros, true/false."""
    out = frame.copy()
    for column in ("value", "value_high", "baseline_value"):
        out[column] = out[column].map(format_number)
    for column in ("target_year", "baseline_year"):
        out[column] = out[column].map(lambda year: "" if pd.isna(year) else str(int(year)))
    out["is_stretch"] = out["is_stretch"].map(lambda stretch: "true" if stretch else "false")
    return out
