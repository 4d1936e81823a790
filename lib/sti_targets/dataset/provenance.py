"""The source documents: reading their text and proving each curated quote is in it."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .. import paths
from ..chinese.numerals import NUMBER_WORDS, fractions_in, states_value
from ..errors import DataError, Problem, display_path
from .csvfiles import position, read_file_bytes
from .vocabulary import BINDINGNESS_ZH

SOURCES_FOLDER = "sources"
OUTSIDE_SOURCES = (
    "must name a file inside data/sources/, such as sources/plan.txt: not an absolute path, "
    "a path with '..' or a link that leads out of it"
)


def inside_sources(file: str, data_dir: Path | None = None) -> bool:
    """Whether data/<file>, with every link followed, is inside data/sources/."""
    data = data_dir or paths.DATA
    return (data / file).resolve().is_relative_to(_resolved(data / SOURCES_FOLDER))


_RESOLVED: dict[Path, Path] = {}


def _resolved(folder: Path) -> Path:
    """The sources folder with every link followed. A check asks for every document: the answer is
    kept while the folder is still that same directory (os.path.samestat), resolved anew otherwise."""
    folder = folder.absolute()
    known = _RESOLVED.get(folder)
    try:
        if known is not None and os.path.samestat(os.stat(known), os.stat(folder)):
            return known
    except OSError:
        pass
    _RESOLVED[folder] = folder.resolve()
    return _RESOLVED[folder]


def source_path(file: str, data_dir: Path | None = None) -> Path:
    """data/<file>; DataError when it leads out of data/sources/ (check_sources says at which line)."""
    data = data_dir or paths.DATA
    if not inside_sources(file, data_dir):
        raise DataError([Problem(display_path(data / "documents.csv"), OUTSIDE_SOURCES, column="file", value=file)])
    return data / file


def decode_source(data: bytes, name: str) -> str:
    """The text of a source file's bytes: UTF-8, exactly as stored (a byte-order mark stays, as a
    character that offsets count). A source must be UTF-8 because quote offsets count the characters
    of the stored file and its sha256 is of those bytes; a GB18030 copy is refused with the command
    that converts it, and so is a file that is not text."""
    if b"\0" in data:
        raise DataError([Problem(name, "holds NUL bytes, so it is not a text file; give the plan as plain UTF-8 text")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = position(data, exc.start)
        where = f"byte {data[exc.start : exc.start + 1]!r} at line {line}, byte {column}"
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        raise DataError([Problem(name, f"{where} cannot be decoded as UTF-8; sources must be UTF-8 text")]) from None
    convert = f"iconv -f GB18030 -t UTF-8 '{name}' > converted.txt"
    message = f"is GB18030/GBK text, not UTF-8 ({where}); sources must be UTF-8: convert it with  {convert}"
    raise DataError([Problem(name, message)])


def read_source_file(path: Path | str) -> str:
    """The text of a source document's file (see decode_source); DataError when it cannot be read."""
    path = Path(path)
    name = display_path(path)
    return decode_source(read_file_bytes(path, name), name)


@lru_cache(maxsize=4096)  # (every document of a national-scale project: each check reads them all)
def _read(path: Path, mtime_ns: int) -> str:
    return read_source_file(path)


def read_source(file: str, data_dir: Path | None = None) -> str:
    """The text of a source document, exactly as stored (offsets count its characters)."""
    path = source_path(file, data_dir)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return read_source_file(path)  # (raises DataError, saying why)
    return _read(path, mtime)


def check_sources(documents: pd.DataFrame, documents_file: str, data_dir: Path | None = None) -> list[Problem]:
    """Each document's file is inside data/sources/, exists, is UTF-8 text, and has the recorded sha256.

    ``documents`` is indexed by CSV line (loaders.read_documents)."""
    problems = []
    data_dir = data_dir or paths.DATA
    for line, doc in zip(documents.index, documents.itertuples(index=False)):
        line = int(line)
        if not inside_sources(doc.file, data_dir):
            problems.append(Problem(documents_file, OUTSIDE_SOURCES, line, "file", doc.file))
            continue
        path = data_dir / doc.file
        if not path.exists():
            problems.append(Problem(documents_file, "source file does not exist", line, "file", doc.file))
            continue
        name = display_path(path)
        try:
            data = read_file_bytes(path, name)
        except DataError as exc:
            problems += exc.problems
            continue
        actual = hashlib.sha256(data).hexdigest()
        if actual != doc.sha256:
            problems.append(
                Problem(
                    documents_file,
                    f"{name} has sha256 {actual}: the source changed, and sources are never edited",
                    line,
                    "sha256",
                    doc.sha256,
                )
            )
            continue
        try:
            decode_source(data, name)
        except DataError as exc:
            problems += exc.problems
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


def _texts(data_dir: Path | None):
    """A function giving the text of a source file, each read once, None where it cannot be read
    (check_sources reports why)."""
    texts: dict[str, str | None] = {}

    def text_of(file: str) -> str | None:
        if file not in texts:
            try:
                texts[file] = read_source(file, data_dir)
            except DataError:
                texts[file] = None  # reported by check_sources
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
