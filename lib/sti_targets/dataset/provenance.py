"""The source documents: reading their text and proving each curated quote is in it."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .. import paths
from ..chinese.numerals import NUMBER_WORDS, fractions_in, number_forms
from ..errors import Problem, display_path
from .vocabulary import BINDINGNESS_ZH


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
    """Does the quote state this value (digits, Chinese numeral, fraction, or a number word)?"""
    if target_type == "breakthrough" and "突破" in quote and value == 1:
        return True
    if unit == "fraction":
        return round(value, 4) in fractions_in(quote)
    if any(word in quote and (value, unit) == meaning for word, meaning in NUMBER_WORDS.items()):
        return True
    return any(form in quote for form in _number_forms(value, type(value), repr(value)))


@lru_cache(maxsize=65536)
def _number_forms(value: float, kind: type, text: str) -> frozenset[str]:
    """number_forms, once per value: the same values recur across thousands of targets. (The type
    and repr are in the key to tell apart values that compare equal but print apart: 1, 1.0, -0.0.)"""
    return frozenset(number_forms(value))


def _texts(data_dir: Path | None):
    """A function giving the text of a source file, each read once, None where it cannot be read
    (check_sources reports why)."""
    texts: dict[str, str | None] = {}

    def text_of(file: str) -> str | None:
        if file not in texts:
            try:
                texts[file] = read_source(file, data_dir)
            except (OSError, UnicodeDecodeError):
                texts[file] = None
        return texts[file]

    return text_of


def misplaced(text: str, start: int, quote: str, file: str) -> str | None:
    """Why ``quote`` does not stand verbatim at ``start`` of ``text`` (the source ``file``), or None."""
    if text[start : start + len(quote)] == quote:
        return None
    found = text.find(quote)
    hint = f"; the quote is at offset {found}" if found >= 0 else "; the quote is nowhere in the source"
    return f"quote is not at this offset of {file}{hint}"


def check_provenance(
    targets: pd.DataFrame, documents: pd.DataFrame, targets_file: str, data_dir: Path | None = None
) -> list[Problem]:
    """Each quote stands verbatim at quote_start in its source, and holds its value(s); and each
    bindingness_quote stands verbatim at bindingness_quote_start and says its bindingness.

    ``targets`` is indexed by CSV line (tables.read_targets).
    """
    files = dict(zip(documents["doc_id"].astype(str), documents["file"].astype(str)))
    text_of = _texts(data_dir)  # each source read once per call

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
        wrong = misplaced(text, start, quote, file)
        if wrong:
            problems.append(Problem(targets_file, wrong, line, "quote_start", start))
        for column, number, present in (("value", value, has_value), ("value_high", value_high, has_high)):
            if present and not value_in_quote(float(number), str(unit), str(target_type), quote):
                problems.append(
                    Problem(
                        targets_file, f"{column} does not appear in the quote {quote!r}", line, column, float(number)
                    )
                )
    return problems + _bindingness_problems(targets, files, text_of, targets_file)


def _bindingness_problems(targets: pd.DataFrame, files: dict, text_of, targets_file: str) -> list[Problem]:
    """Each bindingness_quote stands at bindingness_quote_start and holds the word of its bindingness."""
    problems = []
    stated = targets[targets["bindingness"].notna() & targets["bindingness_quote"].notna()]
    for line, doc_id, kind, quote, start in zip(
        stated.index,
        stated["doc_id"].astype(str),
        stated["bindingness"].astype(str),
        stated["bindingness_quote"].astype(str),
        stated["bindingness_quote_start"],
    ):
        file = files[doc_id]
        text = text_of(file)
        if text is None or pd.isna(start):
            continue
        wrong = misplaced(text, int(start), quote, file)
        if wrong:
            problems.append(Problem(targets_file, wrong, line, "bindingness_quote_start", int(start)))
        if BINDINGNESS_ZH[kind] not in quote:
            problems.append(
                Problem(
                    targets_file,
                    f"bindingness_quote {quote!r} does not say {BINDINGNESS_ZH[kind]} ({kind})",
                    line,
                    "bindingness",
                    kind,
                )
            )
    return problems


def check_observation_provenance(
    observations: pd.DataFrame, documents: pd.DataFrame, observations_file: str, data_dir: Path | None = None
) -> list[Problem]:
    """Each observation's quote stands verbatim at quote_start in its source and holds its value, as
    check_provenance proves for targets. ``observations`` is indexed by CSV line (read_observations)."""
    files = dict(zip(documents["doc_id"].astype(str), documents["file"].astype(str)))
    text_of = _texts(data_dir)
    problems = []
    rows = zip(
        observations.index,
        observations["doc_id"].astype(str),
        observations["quote_start"].astype(int),
        observations["quote"].astype(str),
        observations["value"].astype(float),
        observations["unit"].astype(str),
    )
    for line, doc_id, start, quote, value, unit in rows:
        file = files[doc_id]
        text = text_of(file)
        if text is None:
            continue
        wrong = misplaced(text, start, quote, file)
        if wrong:
            problems.append(Problem(observations_file, wrong, line, "quote_start", start))
        if not value_in_quote(value, unit, "level", quote):
            problems.append(
                Problem(observations_file, f"value does not appear in the quote {quote!r}", line, "value", value)
            )
    return problems
