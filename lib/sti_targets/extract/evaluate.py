"""Precision and recall of ``sti-targets extract`` against the curated targets: ``sti-targets evaluate``.

Matching. An extracted row and a curated row are compatible when they come from the same
document, state the same value (and the same value_high, or both none), and their quotes
overlap: the extracted span [quote_start, quote_end) shares at least one character with the
curated quote, or with a restatement the curators recorded in the row's note ("also stated at
offset N: <quote>"). Compatible pairs are matched one to one (a maximum bipartite matching;
among rows sharing a quote, those of the same indicator first), so one extracted row never
accounts for two curated targets, such as the two targets of "A、B实现零的突破".

- matched: extracted rows matched to a curated row; recall = matched / curated.
- restated: extracted rows left unmatched that are compatible with a curated row through one of
  its recorded restatements. The table itself says the number is that target stated again, so
  such a row is not a false find, but it adds nothing to recall.
- precision = (matched + restated) / found.
- *_agree: among matched pairs, the share whose unit, target_type, target_year and indicator_id
  equal the curated ones: the fields a reviewer of extract's output still has to check.

Split, chosen before the rules were written: the rules were developed on jingdezhen_2023_2025,
yancheng_2023 and ruijin_2021_2025 (development documents); jiangxi_2021 (a one-year provincial
work plan whose targets name no year) and changde_2022_2025 (the Traditional copy with
Taiwan-style words) are held out and only measured.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from .. import paths
from ..dataset.loaders import load_documents, load_targets
from .normalise import read_plan
from .pipeline import extract_targets

SPLITS = {
    "development": ("jingdezhen_2023_2025", "yancheng_2023", "ruijin_2021_2025"),
    "held-out": ("jiangxi_2021", "changde_2022_2025"),
}
RESTATEMENT = re.compile(r"also stated at offset (\d+): (.+?)(?= \(|;|$)", re.IGNORECASE)
AGREEMENT = ("unit", "target_type", "target_year", "indicator_id")
COUNTS = ["curated", "found", "matched", "restated"]

Span = tuple[int, int]


def curated_spans(row) -> tuple[Span, list[Span]]:
    """A curated row's quote span, and the spans of the restatements its note records."""
    start = int(row.quote_start)
    note = row.note if isinstance(row.note, str) else ""
    restatements = [(int(m[1]), int(m[1]) + len(m[2].strip())) for m in RESTATEMENT.finditer(note)]
    return (start, start + len(row.quote)), restatements


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def same_number(a, b) -> bool:
    """Equal numbers, or both missing."""
    if pd.isna(a) or pd.isna(b):
        return bool(pd.isna(a) and pd.isna(b))
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def find_edges(found: pd.DataFrame, curated: pd.DataFrame) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """For each extracted row, the curated rows compatible through their quote (those of the same
    indicator first) and those compatible only through a recorded restatement."""
    spans = {j: curated_spans(row) for j, row in curated.iterrows()}
    direct, restated = {}, {}
    for i, row in found.iterrows():
        span = (int(row.quote_start), int(row.quote_end))
        same = [
            j
            for j, c in curated.iterrows()
            if same_number(row.value, c.value) and same_number(row.value_high, c.value_high)
        ]
        quoted = [j for j in same if overlaps(span, spans[j][0])]
        direct[i] = sorted(quoted, key=lambda j, own=str(row.indicator_id): str(curated.at[j, "indicator_id"]) != own)
        restated[i] = [j for j in same if j not in quoted and any(overlaps(span, r) for r in spans[j][1])]
    return direct, restated


def match_one_to_one(edges: dict[int, list[int]]) -> dict[int, int]:
    """Maximum bipartite matching by augmenting paths: extracted row -> curated row."""
    owner: dict[int, int] = {}

    def augment(row: int, seen: set[int]) -> bool:
        for target in edges[row]:
            if target not in seen:
                seen.add(target)
                if target not in owner or augment(owner[target], seen):
                    owner[target] = row
                    return True
        return False

    for row in edges:
        augment(row, set())
    return {row: target for target, row in owner.items()}


def compare(found: pd.DataFrame, curated: pd.DataFrame) -> pd.DataFrame:
    """The extracted rows with their status (matched, restated, unmatched) and the curated
    target_id they match or restate."""
    found, curated = found.reset_index(drop=True), curated.reset_index(drop=True)
    direct, restated = find_edges(found, curated)
    pairs = match_one_to_one({i: direct[i] + restated[i] for i in found.index})
    status, match = [], []
    for i in found.index:
        target = pairs.get(i, restated[i][0] if restated[i] else None)
        status.append("matched" if i in pairs else "restated" if restated[i] else "unmatched")
        match.append(None if target is None else curated.at[target, "target_id"])
    return found.assign(status=status, match=match)


def agreement(compared: pd.DataFrame, curated: pd.DataFrame) -> dict[str, float]:
    """Share of matched pairs whose unit, target_type, target_year and indicator_id equal the curated ones."""
    pairs = compared[compared["status"] == "matched"].merge(
        curated.astype({"target_id": str}), left_on="match", right_on="target_id", suffixes=("", "_curated")
    )
    if pairs.empty:
        return {f"{field}_agree": math.nan for field in AGREEMENT}
    return {
        f"{field}_agree": float((pairs[field].astype(str) == pairs[f"{field}_curated"].astype(str)).mean())
        for field in AGREEMENT
    }


def split_of(doc_id: str) -> str:
    return next((split for split, docs in SPLITS.items() if doc_id in docs), "other")


def extract_document(document) -> pd.DataFrame:
    """extract run on one document of documents.csv, as the CLI would."""
    raw = read_plan(paths.DATA / document.file)
    return extract_targets(raw, region=str(document.region_id), doc_id=str(document.doc_id))


def compare_documents() -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """doc_id -> (compared extracted rows, curated rows), for every document in documents.csv."""
    targets = load_targets()
    out = {}
    for document in load_documents().itertuples(index=False):
        curated = targets[targets["doc_id"].astype(str) == str(document.doc_id)].reset_index(drop=True)
        out[str(document.doc_id)] = (compare(extract_document(document), curated), curated)
    return out


def evaluate_documents() -> pd.DataFrame:
    """Per document: split, curated, found, matched, restated, precision, recall, *_agree."""
    rows = []
    for doc_id, (compared, curated) in compare_documents().items():
        status = compared["status"].value_counts()
        counts = {"curated": len(curated), "found": len(compared)}
        counts |= {name: int(status.get(name, 0)) for name in ("matched", "restated")}
        rows.append({"doc_id": doc_id, "split": split_of(doc_id), **counts, **agreement(compared, curated)})
    frame = add_rates(pd.DataFrame(rows))
    return frame[["doc_id", "split", *COUNTS, "precision", "recall", *(f"{f}_agree" for f in AGREEMENT)]]


def add_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """precision and recall from the counts (NaN where there is nothing to divide by)."""
    frame = frame.copy()
    frame["precision"] = (frame["matched"] + frame["restated"]) / frame["found"].where(frame["found"] > 0)
    frame["recall"] = frame["matched"] / frame["curated"].where(frame["curated"] > 0)
    return frame


def summarise(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts, precision and recall of the development documents, the held-out ones and all."""
    groups = [(f"{split} documents", frame[frame["split"] == split]) for split in SPLITS]
    rows = [{"group": name, "documents": ", ".join(part["doc_id"]), **part[COUNTS].sum()} for name, part in groups]
    rows.append({"group": "overall", "documents": "all documents", **frame[COUNTS].sum()})
    return add_rates(pd.DataFrame(rows))


def run_evaluate() -> int:
    """``sti-targets evaluate``: the table per document, then development, held-out and overall lines."""
    frame = evaluate_documents()
    print(frame.set_index("doc_id").to_string(float_format=lambda x: f"{x:.3f}"))
    print()
    for row in summarise(frame).itertuples(index=False):
        print(
            f"{row.group}: precision {row.precision:.3f}, recall {row.recall:.3f} "
            f"({row.matched} of {row.curated} curated targets found in {row.found} candidates, "
            f"{row.restated} restating a curated target; {row.documents})"
        )
    return 0
