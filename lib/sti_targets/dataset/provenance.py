"""The source documents: reading their text and proving each curated quote is in it."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .. import paths
from ..chinese.numerals import NUMBER_WORDS, fractions_in, states_value
from ..errors import Problem, display_path


def source_path(file: str, data_dir: Path | None = None) -> Path:
    return (data_dir or paths.DATA) / file


@lru_cache(maxsize=64)
def _read(path: Path, mtime_ns: int) -> str:
    return path.read_text(encoding="utf-8")


def read_source(file: str, data_dir: Path | None = None) -> str:
    """The text of a source document, exactly as stored (offsets count its characters)."""
    path = source_path(file, data_dir)
    return _read(path, path.stat().st_mtime_ns)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_sources(documents: pd.DataFrame, documents_file: str, data_dir: Path | None = None) -> list[Problem]:
    """Each document's file exists, is UTF-8 text, and has the recorded sha256."""
    problems = []
    for line, doc in enumerate(documents.itertuples(index=False), start=2):
        path = source_path(doc.file, data_dir)
        if not path.is_file():
            problems.append(Problem(documents_file, "source file does not exist", line, "file", doc.file))
            continue
        actual = sha256_of(path)
        if actual != doc.sha256:
            problems.append(
                Problem(
                    documents_file,
                    f"{display_path(path)} has sha256 {actual}: the source changed, and sources are never edited",
                    line,
                    "sha256",
                    doc.sha256,
                )
            )
            continue
        try:
            read_source(doc.file, data_dir)
        except UnicodeDecodeError as exc:
            problems.append(Problem(display_path(path), f"is not UTF-8 text: {exc.reason} at byte {exc.start}"))
    return problems


def value_in_quote(value: float, unit: str, target_type: str, quote: str) -> bool:
    """Does the quote state this value (digits, a numeral the extractor's reader reads, a fraction, or a
    number word)?"""
    if target_type == "breakthrough" and "突破" in quote and value == 1:
        return True
    if unit == "fraction":
        return round(value, 4) in fractions_in(quote)
    if any(word in quote and (value, unit) == meaning for word, meaning in NUMBER_WORDS.items()):
        return True
    return states_value(value, quote)


def check_provenance(
    targets: pd.DataFrame, documents: pd.DataFrame, targets_file: str, data_dir: Path | None = None
) -> list[Problem]:
    """Each quote stands verbatim at quote_start in its source, and holds its value(s).

    ``targets`` is indexed by CSV line (tables.read_targets).
    """
    files = dict(zip(documents["doc_id"].astype(str), documents["file"].astype(str)))
    texts: dict[str, str | None] = {}  # each source read once per call

    def text_of(file: str) -> str | None:
        if file not in texts:
            try:
                texts[file] = read_source(file, data_dir)
            except (OSError, UnicodeDecodeError):
                texts[file] = None  # reported by check_sources
        return texts[file]

    def cells(column: str) -> list:
        return targets[column].to_numpy(dtype=object).tolist()

    problems = []
    rows = zip(
        targets.index,
        cells("doc_id"),
        cells("quote_start"),
        cells("quote"),
        cells("value"),
        targets["value"].notna().to_numpy().tolist(),
        cells("value_high"),
        targets["value_high"].notna().to_numpy().tolist(),
        cells("unit"),
        cells("target_type"),
    )
    for line, doc_id, quote_start, quote, value, has_value, value_high, has_high, unit, target_type in rows:
        file = files[str(doc_id)]
        text = text_of(file)
        if text is None:
            continue
        start, quote = int(quote_start), str(quote)
        if text[start : start + len(quote)] != quote:
            found = text.find(quote)
            hint = f"; the quote is at offset {found}" if found >= 0 else "; the quote is nowhere in the source"
            problems.append(
                Problem(targets_file, f"quote is not at this offset of {file}{hint}", line, "quote_start", start)
            )
        for column, number, present in (("value", value, has_value), ("value_high", value_high, has_high)):
            if present and not value_in_quote(float(number), str(unit), str(target_type), quote):
                problems.append(
                    Problem(
                        targets_file, f"{column} does not appear in the quote {quote!r}", line, column, float(number)
                    )
                )
    return problems
