"""Loading the curated tables as typed, validated DataFrames.

Each loader reads one CSV (UTF-8, UTF-8 with BOM, or GB18030), checks it against
its declaration in schema.py and the tables its foreign keys refer to, and returns typed
columns: categoricals for ids and vocabularies, floats for numbers, nullable
integers for years. Bad input raises DataError naming file, line, column and value.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import paths
from ..atomic import atomic_write
from ..chinese.script import to_simplified
from ..errors import DataError, Problem, display_path
from .csvfiles import read_table
from .describe import columns_doc
from .schema import FOREIGN_KEYS, TABLES
from .validation import RowCheck, reference_check, to_typed, validate_rows, validate_text
from .vocabulary import MONEY_UNITS_TO_100M, region_labels

# Tables that must hold a row: every page is about regions, their documents and their targets.
NOT_EMPTY = ("regions", "indicators", "documents", "targets")


def _path(path: Path | str | None, name: str) -> Path:
    return Path(path) if path is not None else paths.DATA / f"{name}.csv"


def _sibling(path: Path | str | None, name: str) -> Path:
    """A reference table beside ``path`` when there is one there, else the project's."""
    if path is not None:
        candidate = Path(path).parent / f"{name}.csv"
        if candidate.is_file():
            return candidate
    return paths.DATA / f"{name}.csv"


def _load(
    path: Path, table: str, referenced: Mapping[str, pd.DataFrame] = {}, row_checks: list[RowCheck] = []
) -> pd.DataFrame:
    """Read, check and type one table. ``referenced``: the loaded tables its foreign keys refer to (a
    key into the table itself refers to the file's own cells); ``row_checks``: the loader's relations
    between columns, checked after the keys of several columns."""
    name = display_path(path)
    fields = TABLES[table]
    distinct = {}  # distinct values of columns that have few, for the checks and conversions
    raw = read_table(path, [f.name for f in fields], distinct)
    if raw.empty and table in NOT_EMPTY:
        message = f"has no {table}: the header alone is not a dataset; add at least one row below it"
        raise DataError([Problem(name, message, line=2)])
    references, keys = {}, []
    for key in FOREIGN_KEYS[table]:
        if len(key.fields) == 1:
            source = raw if key.table == table else referenced[key.table]
            references[key.fields[0]] = [str(x) for x in source[key.reference[0]].dropna()]
        else:
            keys.append(reference_check(key, referenced[key.table]))
    validate_text(raw, fields, name, references, distinct)
    typed = to_typed(raw, fields, distinct)
    validate_rows(typed, keys + row_checks, name)
    return typed


def load_regions(path: Path | str | None = None) -> pd.DataFrame:
    """data/regions.csv: one row per region, with its level, parent and GB/T 2260 code."""
    path = _path(path, "regions")
    frame = _load(path, "regions")
    problems = _parent_cycles(frame, display_path(path))
    if problems:
        raise DataError(problems)
    return frame.reset_index(drop=True)


def _parent_cycles(regions: pd.DataFrame, name: str) -> list[Problem]:
    """One problem per cycle of parent_id (a region its own ancestor), at the line of its first region."""
    ids = regions["region_id"].astype(str).tolist()
    parent = {r: str(p) for r, p in zip(ids, regions["parent_id"].astype(object)) if not pd.isna(p)}
    line = dict(zip(ids, regions.index))
    done: set[str] = set()
    problems = []
    for start in ids:
        walk: list[str] = []
        node = start
        while node in parent and node not in done and node not in walk:
            walk.append(node)
            node = parent[node]
        if node in walk:
            cycle = walk[walk.index(node) :]
            first = min(cycle, key=line.get)
            cycle = cycle[cycle.index(first) :] + cycle[: cycle.index(first)]
            path = " -> ".join([*cycle, first])
            message = f"parent_id makes a cycle: {path}; a region cannot be its own ancestor"
            problems.append(Problem(name, message, line=int(line[first]), column="parent_id", value=parent[first]))
        done.update(walk)
    return problems


def load_indicators(path: Path | str | None = None) -> pd.DataFrame:
    """data/indicators.csv: the dictionary of measures targets are stated in."""
    return _load(_path(path, "indicators"), "indicators").reset_index(drop=True)


def load_documents(path: Path | str | None = None, regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """data/documents.csv: the source documents, their period, kind, file and checksum."""
    return read_documents(path, regions).reset_index(drop=True)


def read_documents(path: Path | str | None = None, regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """load_documents, indexed by each document's line in the CSV (for reporting problems)."""
    path = _path(path, "documents")
    regions = load_regions(_sibling(path, "regions")) if regions is None else regions
    checks = [
        RowCheck("period_end", "must not be before period_start", lambda d: d["period_end"] >= d["period_start"]),
    ]
    return _load(path, "documents", {"regions": regions}, checks)


def load_observations(
    path: Path | str | None = None,
    *,
    regions: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """data/observations.csv: the past values the documents state, one row per value, validated against
    the other tables. Observations sharing a conflict id must be of one measure and year (two values
    the document gives for it). Adds quote_end."""
    frame = read_observations(path, regions=regions, indicators=indicators, documents=documents)
    return frame.reset_index(drop=True)


def _references(path: Path, regions, indicators, documents) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The tables a table of facts is validated against: those given, else the ones beside ``path``."""
    regions = load_regions(_sibling(path, "regions")) if regions is None else regions
    indicators = load_indicators(_sibling(path, "indicators")) if indicators is None else indicators
    if documents is None:
        documents = load_documents(_sibling(path, "documents"), regions=regions)
    return regions, indicators, documents


def read_observations(
    path: Path | str | None = None,
    *,
    regions: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """load_observations, indexed by each observation's line in the CSV (for reporting problems)."""
    path = _path(path, "observations")
    regions, indicators, documents = _references(path, regions, indicators, documents)

    def one_measure_and_year(d: pd.DataFrame) -> pd.Series:
        key = d["doc_id"].astype(str) + "\t" + d["indicator_id"].astype(str) + "\t" + d["year"].astype(str)
        groups = key.groupby(d["conflict"].astype(object).fillna("")).transform("nunique")
        return (groups == 1) | d["conflict"].isna().to_numpy()

    def contested(d: pd.DataFrame) -> pd.Series:
        sizes = d["value"].groupby(d["conflict"].astype(object).fillna("")).transform("nunique")
        return (sizes > 1) | d["conflict"].isna().to_numpy()

    checks = [
        RowCheck(
            "conflict",
            "must be shared by observations of one document, measure and year",
            one_measure_and_year,
        ),
        RowCheck("conflict", "must be shared by observations whose values differ (else it is no conflict)", contested),
    ]
    frame = _load(path, "observations", {"documents": documents, "regions": regions, "indicators": indicators}, checks)
    frame["quote_end"] = _quote_end(frame)
    return frame


def _observations_beside(
    path: Path, regions: pd.DataFrame, indicators: pd.DataFrame, documents: pd.DataFrame
) -> pd.DataFrame:
    """The observations.csv beside a targets file (the project's for the project's targets); a folder
    without one has no observations, so a baseline_observation there is an unknown id."""
    beside = path.parent / "observations.csv"
    if beside.is_file() or path.parent.resolve() == paths.DATA.resolve():
        return load_observations(beside, regions=regions, indicators=indicators, documents=documents)
    fields = TABLES["observations"]
    return to_typed(pd.DataFrame({f.name: pd.array([], dtype="string") for f in fields}), fields)


def _quote_end(frame: pd.DataFrame) -> pd.Series:
    """quote_start plus the quote's length in characters (as len() counts them)."""
    lengths = pc.utf8_length(pa.array(frame["quote"].array)).to_numpy().astype("int64")
    return (frame["quote_start"] + pd.Series(lengths, index=frame.index)).astype("Int64")


def _lookup(keys: pd.Series, table: pd.Series) -> pd.Series:
    """keys.astype(str).map(table), mapping each category once when keys are categorical."""
    if not isinstance(keys.dtype, pd.CategoricalDtype) or keys.isna().any():
        return keys.astype(str).map(table)
    if not (np.bincount(keys.cat.codes.to_numpy(), minlength=len(keys.cat.categories)) > 0).all():
        keys = keys.cat.remove_unused_categories()  # (an unused category could change the dtype map gives)
    mapped = keys.cat.categories.astype(str).to_series().map(table).take(keys.cat.codes.to_numpy())
    return mapped.set_axis(keys.index).rename(keys.name)


def money_in_100m_yuan(values: pd.Series, units: pd.Series) -> pd.Series:
    """Amounts in 亿元 (100 million yuan) where the unit is money, else NaN."""
    codes, uniques = pd.factorize(units.astype("string"), use_na_sentinel=True)
    per_unit = np.array([MONEY_UNITS_TO_100M.get(u, np.nan) for u in uniques] + [np.nan], dtype="float64")
    return values.astype("float64") * pd.Series(per_unit[codes], index=units.index, name=units.name)


def _text_of(keys: pd.Series, table: pd.Series) -> pd.Series:
    """table[key] for each key of a categorical column without NA, as a string column."""
    of_category = table.astype(str).reindex(keys.cat.categories.astype(str)).to_numpy(dtype=object)
    texts = pd.array(of_category, dtype="string").take(keys.cat.codes.to_numpy())
    return pd.Series(texts, index=keys.index, name=keys.name)


def load_targets(
    path: Path | str | None = None,
    *,
    regions: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
    observations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """data/targets.csv: one row per quantified target, validated against the other tables.

    Reference tables default to the ones beside ``path`` (or the project's). A baseline is an
    observation (baseline_observation): baseline_value and baseline_year must be its value and year.
    Adds: indicator_name_zh/_en, value_cny_100m and value_high_cny_100m (money in 亿元),
    quote_end, and quote_zh_hans (the quote in Simplified Chinese with mainland words).
    """
    frame = read_targets(path, regions=regions, indicators=indicators, documents=documents, observations=observations)
    return frame.reset_index(drop=True)


def read_targets(
    path: Path | str | None = None,
    *,
    regions: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
    observations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """load_targets, indexed by each target's line in the CSV (for reporting problems)."""
    path = _path(path, "targets")
    regions, indicators, documents = _references(path, regions, indicators, documents)
    if observations is None:
        observations = _observations_beside(path, regions, indicators, documents)
    obs = observations.set_index(observations["observation_id"].astype(str))

    def of_baseline(d: pd.DataFrame, column: str) -> pd.Series:
        ids = d["baseline_observation"].astype(object)
        return ids.map(obs[column].astype(object)).where(ids.notna())

    doc = documents.set_index(documents["doc_id"].astype(str))
    ind = indicators.set_index(indicators["indicator_id"].astype(str))

    def of_doc(d: pd.DataFrame, column: str) -> pd.Series:
        return _lookup(d["doc_id"], doc[column].astype(object))

    checks = [
        RowCheck("value_high", "must not be below value", lambda d: ~(d["value_high"] < d["value"]).fillna(False)),
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
        RowCheck(
            "baseline_observation",
            "must be given with baseline_value, and only with it: a baseline is an observation with its quote",
            lambda d: d["baseline_observation"].isna() == d["baseline_value"].isna(),
        ),
        RowCheck(
            "baseline_observation",
            "must be an observation of the target's document and indicator (observations.csv)",
            lambda d: (
                (of_baseline(d, "doc_id").astype(str) == d["doc_id"].astype(str))
                & (of_baseline(d, "indicator_id").astype(str) == d["indicator_id"].astype(str))
            ).mask(d["baseline_observation"].isna()),
        ),
        RowCheck(
            "baseline_value",
            "must be the value of baseline_observation (observations.csv)",
            lambda d: (d["baseline_value"] == of_baseline(d, "value").astype("Float64")).mask(
                d["baseline_observation"].isna()
            ),
        ),
        RowCheck(
            "baseline_year",
            "must be the year of baseline_observation (observations.csv)",
            lambda d: (d["baseline_year"] == of_baseline(d, "year").astype("Int64")).mask(
                d["baseline_observation"].isna()
            ),
        ),
        RowCheck(
            "bindingness_quote",
            "must be given with bindingness, and only with it: the words of the source saying it",
            lambda d: d["bindingness_quote"].isna() == d["bindingness"].isna(),
        ),
        RowCheck(
            "bindingness_quote_start",
            "must be given with bindingness_quote, and only with it",
            lambda d: d["bindingness_quote_start"].isna() == d["bindingness_quote"].isna(),
        ),
    ]
    references = {"documents": documents, "regions": regions, "indicators": indicators, "observations": observations}
    frame = _load(path, "targets", references, checks)
    ids = frame["indicator_id"]
    frame["indicator_name_zh"] = _text_of(ids, ind["name_zh"])
    frame["indicator_name_en"] = _text_of(ids, ind["name_en"])
    frame["value_cny_100m"] = money_in_100m_yuan(frame["value"], frame["unit"])
    frame["value_high_cny_100m"] = money_in_100m_yuan(frame["value_high"], frame["unit"])
    quotes = pa.array(frame["quote"].array)  # (one array; quote is required: no NA)
    frame["quote_end"] = _quote_end(frame)
    traditional = pa.array(_text_of(frame["doc_id"], doc["script"]).eq("zh-Hant").to_numpy(dtype=bool))
    simplified = pa.array(_to_simplified_all(quotes.filter(traditional).to_pylist()), type=quotes.type)
    frame["quote_zh_hans"] = pd.arrays.ArrowStringArray(pc.replace_with_mask(quotes, traditional, simplified))
    return frame


def _to_simplified_all(texts: list[str]) -> list[str]:
    """[to_simplified(t) for t in texts], converting each distinct text once, all in one call:
    conversion works within runs of text that a newline cannot be part of."""
    distinct = list(dict.fromkeys(texts))
    if not distinct:
        return []
    joined = "\n".join(distinct)
    if joined.count("\n") == len(distinct) - 1:  # (no text holds a newline)
        converted = dict(zip(distinct, to_simplified(joined).split("\n")))
    else:
        converted = dict(zip(distinct, map(to_simplified, distinct)))
    return [converted[t] for t in texts]


def of_region(frame: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """The rows of a table with a region_id column (targets, documents, observations) that are the
    region's. (Compared as the column's own categories, not as text: 150 times faster on 150,000 rows.)"""
    return frame[frame["region_id"] == region_id]


DATASET_CACHE = "STI_TARGETS_DATASET_CACHE"
_READ: dict = {}  # the last cache file read in this process, by (path, inode, mtime, size)


@dataclass
class Dataset:
    """The five curated tables, loaded and validated once, each against the others."""

    targets: pd.DataFrame
    regions: pd.DataFrame
    indicators: pd.DataFrame
    documents: pd.DataFrame
    observations: pd.DataFrame

    @classmethod
    def load(cls, data_dir: Path | str | None = None) -> Dataset:
        """The tables of a data folder (default: the project's data/); for the project's, from the
        cache that ``STI_TARGETS_DATASET_CACHE`` names when it is set (render writes one per run, keyed
        on its inputs' digest, so each kernel skips validation)."""
        cache = os.environ.get(DATASET_CACHE)
        if cache and data_dir is None:
            return cls._cached(Path(cache))
        data = Path(data_dir) if data_dir is not None else paths.DATA
        regions = load_regions(data / "regions.csv")
        indicators = load_indicators(data / "indicators.csv")
        documents = load_documents(data / "documents.csv", regions=regions)
        observations = load_observations(
            data / "observations.csv", regions=regions, indicators=indicators, documents=documents
        )
        targets = load_targets(
            data / "targets.csv", regions=regions, indicators=indicators, documents=documents, observations=observations
        )
        return cls(targets, regions, indicators, documents, observations)

    @classmethod
    def _cached(cls, path: Path) -> Dataset:
        """The tables of a cache file, read once per process (a warm kernel reads it for its first
        report only). Each call gets its own frames: under pandas' copy-on-write a report that changes
        one changes its copy, never what the next report reads."""
        stat = path.stat()
        key = (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)  # (save replaces the file: a new inode)
        if key not in _READ:
            _READ.clear()
            with open(path, "rb") as f:
                _READ[key] = pickle.load(f)
        return cls(**{name: frame.copy(deep=False) for name, frame in _READ[key].tables().items()})

    def of_region(self, region_id: str) -> Dataset:
        """The region's targets, documents and observations, with every region and indicator (for
        names and order): what a region report reads, without scanning every region's rows each time."""

        return Dataset(
            of_region(self.targets, region_id),
            self.regions,
            self.indicators,
            of_region(self.documents, region_id),
            of_region(self.observations, region_id),
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in schema.TABLES's order."""
        return {name: getattr(self, name) for name in TABLES}

    def save(self, path: Path) -> None:
        """Write the typed tables for ``load`` to read through ``STI_TARGETS_DATASET_CACHE``."""
        atomic_write(Path(path), pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))

    def region_ids(self) -> list[str]:
        """Regions that have at least one document, sorted."""
        return sorted(set(self.documents["region_id"].astype(str)))

    def region_name(self, region_id: str) -> str:
        """瑞金市 Ruijin."""
        return region_labels(self.regions)[region_id]


for _loader, _table in (
    (load_regions, "regions"),
    (load_indicators, "indicators"),
    (load_documents, "documents"),
    (load_observations, "observations"),
    (load_targets, "targets"),
):
    _loader.__doc__ += "\n" + columns_doc(_table)  # (help() lists the columns the schema declares)
del _loader, _table
