"""Loading the curated tables as typed, validated DataFrames.

Each loader reads one CSV (UTF-8, UTF-8 with BOM, or GB18030), checks it against
its declaration in schema.py and the tables it refers to, and returns typed
columns: categoricals for ids and vocabularies, floats for numbers, nullable
integers for years. Bad input raises DataError naming file, line, column and value.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import paths
from .chinese import to_simplified
from .csvfiles import read_table
from .errors import display_path
from .schema import DOCUMENTS, INDICATORS, MONEY_UNITS_TO_100M, REGIONS, TARGETS, Field
from .validation import RowCheck, to_typed, validate_rows, validate_text


def _path(path: Path | str | None, name: str) -> Path:
    return Path(path) if path is not None else paths.DATA / f"{name}.csv"


def _sibling(path: Path | str | None, name: str) -> Path:
    """A reference table beside ``path`` when there is one there, else the project's."""
    if path is not None:
        candidate = Path(path).parent / f"{name}.csv"
        if candidate.is_file():
            return candidate
    return paths.DATA / f"{name}.csv"


def _load(path: Path, fields: tuple[Field, ...], references=None, row_checks=()) -> pd.DataFrame:
    name = display_path(path)
    raw = read_table(path, [f.name for f in fields])
    validate_text(raw, fields, name, references or {})
    typed = to_typed(raw, fields)
    validate_rows(typed, list(row_checks), name)
    return typed


def _ids(frame: pd.DataFrame, column: str) -> list[str]:
    return [str(x) for x in frame[column].dropna()]


def load_regions(path: Path | str | None = None) -> pd.DataFrame:
    """data/regions.csv: one row per region, with its level, parent and GB/T 2260 code."""
    path = _path(path, "regions")
    raw_ids = read_table(path, [f.name for f in REGIONS])["region_id"].dropna()
    frame = _load(path, REGIONS, {"parent_id": raw_ids})
    return frame.reset_index(drop=True)


def load_indicators(path: Path | str | None = None) -> pd.DataFrame:
    """data/indicators.csv: the dictionary of measures targets are stated in."""
    return _load(_path(path, "indicators"), INDICATORS).reset_index(drop=True)


def load_documents(path: Path | str | None = None, regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """data/documents.csv: the source documents, their period, kind, file and checksum."""
    path = _path(path, "documents")
    regions = load_regions(_sibling(path, "regions")) if regions is None else regions
    checks = [
        RowCheck("period_end", "must not be before period_start", lambda d: d["period_end"] >= d["period_start"]),
    ]
    frame = _load(path, DOCUMENTS, {"region_id": _ids(regions, "region_id")}, checks)
    return frame.reset_index(drop=True)


def money_in_100m_yuan(values: pd.Series, units: pd.Series) -> pd.Series:
    """Amounts in 亿元 (100 million yuan) where the unit is money, else NaN."""
    factor = units.astype("string").map(MONEY_UNITS_TO_100M).astype("float64")
    return values.astype("float64") * factor


def load_targets(
    path: Path | str | None = None,
    *,
    regions: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """data/targets.csv: one row per quantified target, validated against the other tables.

    Reference tables default to the ones beside ``path`` (or the project's). Adds:
    indicator_name_zh/_en, value_cny_100m and value_high_cny_100m (money in 亿元),
    quote_end, and quote_zh_hans (the quote in Simplified Chinese with mainland words).
    """
    frame = read_targets(path, regions=regions, indicators=indicators, documents=documents)
    return frame.reset_index(drop=True)


def read_targets(
    path: Path | str | None = None,
    *,
    regions: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """load_targets, indexed by each target's line in the CSV (for reporting problems)."""
    path = _path(path, "targets")
    regions = load_regions(_sibling(path, "regions")) if regions is None else regions
    indicators = load_indicators(_sibling(path, "indicators")) if indicators is None else indicators
    if documents is None:
        documents = load_documents(_sibling(path, "documents"), regions=regions)
    doc = documents.set_index(documents["doc_id"].astype(str))
    ind = indicators.set_index(indicators["indicator_id"].astype(str))

    def of_doc(d: pd.DataFrame, column: str) -> pd.Series:
        return d["doc_id"].astype(str).map(doc[column].astype(object))

    checks = [
        RowCheck("value_high", "must not be below value", lambda d: ~(d["value_high"] < d["value"]).fillna(False)),
        RowCheck(
            "region_id",
            "must be the region of the document (documents.csv)",
            lambda d: d["region_id"].astype(str) == of_doc(d, "region_id").astype(str),
        ),
        RowCheck(
            "category",
            "must be the category of the indicator (indicators.csv)",
            lambda d: d["category"].astype(str) == d["indicator_id"].astype(str).map(ind["category"].astype(str)),
        ),
        RowCheck(
            "target_year",
            "must lie within the document's period (period_start..period_end)",
            lambda d: (
                (d["target_year"] >= of_doc(d, "period_start").astype("Int64"))
                & (d["target_year"] <= of_doc(d, "period_end").astype("Int64"))
            ),
        ),
        RowCheck(
            "baseline_year",
            "must be before target_year",
            lambda d: ~(d["baseline_year"] >= d["target_year"]).fillna(False),
        ),
        RowCheck(
            "baseline_year",
            "must be given with baseline_value, and only with it",
            lambda d: d["baseline_year"].isna() == d["baseline_value"].isna(),
        ),
    ]
    references = {
        "doc_id": _ids(documents, "doc_id"),
        "region_id": _ids(regions, "region_id"),
        "indicator_id": _ids(indicators, "indicator_id"),
    }
    frame = _load(path, TARGETS, references, checks)
    ids = frame["indicator_id"].astype(str)
    frame["indicator_name_zh"] = ids.map(ind["name_zh"].astype(str)).astype("string")
    frame["indicator_name_en"] = ids.map(ind["name_en"].astype(str)).astype("string")
    frame["value_cny_100m"] = money_in_100m_yuan(frame["value"], frame["unit"])
    frame["value_high_cny_100m"] = money_in_100m_yuan(frame["value_high"], frame["unit"])
    frame["quote_end"] = (frame["quote_start"] + frame["quote"].str.len()).astype("Int64")
    traditional = of_doc(frame, "script").astype(str) == "zh-Hant"
    frame["quote_zh_hans"] = frame["quote"].copy()
    frame.loc[traditional, "quote_zh_hans"] = frame.loc[traditional, "quote"].map(to_simplified)
    return frame
