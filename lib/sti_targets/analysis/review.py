"""The review of a new document's candidate targets: the review file, decisions, missed targets,
proposed indicators, and the commit into data/targets.csv.

The review file data/review/<doc_id>.csv holds one row per candidate: ``candidate`` (c001... from
extraction, m001... added by hand), ``decision`` (empty until decided; REVIEW_DECISIONS), ``related``
(the candidate a restatement repeats), ``origin``, then extraction's columns (those of targets.csv,
quote_end, confidence), every cell text. It is rewritten atomically after every decision, so a
review can stop and resume anywhere. Indicators proposed during the review wait in
data/review/<doc_id>.indicators.csv until a commit uses them.

Commit numbers the accepted rows <region_id>-NNN in quote order after the region's last id, folds
each restatement into its target's note ("also stated at offset N: <clause>"), checks the whole data
folder with the new rows (every check ``sti-targets check`` runs, on a temporary copy), and only then
writes targets.csv (and indicators.csv) atomically, keeping the previous file in
data/review/backups/. A refused commit writes nothing and names the candidate and field.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..atomic import atomic_write
from ..chinese.numerals import number_forms
from ..chinese.script import to_simplified
from ..dataset.csvfiles import read_table
from ..dataset.provenance import read_source
from ..dataset.schema import DOCUMENTS, ID_PATTERN, INDICATORS, NUMBER_PATTERN, TARGETS
from ..dataset.staging import append_csv, check_staged, csv_lines, write_all
from ..dataset.vocabulary import CATEGORIES, REVIEW_DECISIONS
from ..errors import display_path

META_COLUMNS = ["candidate", "decision", "related", "origin"]
TARGET_COLUMNS = [f.name for f in TARGETS]
INDICATOR_COLUMNS = [f.name for f in INDICATORS]
SENTENCE_END = "。；;！？!?\n"
REVIEWED = ("accept", "reject", "restates")  # decided; "skip" is put off, not reviewed


class ReviewError(ValueError):
    """A request the review refuses (a quote not verbatim, an unknown candidate); nothing changed."""


def review_path(doc_id: str, data_dir: Path | None = None) -> Path:
    return (data_dir or paths.DATA) / "review" / f"{doc_id}.csv"


def _text(value) -> str:
    """A cell as the review file holds it: numbers without trailing zeros, true/false, '' for none."""
    if value is None or (isinstance(value, float) and value != value) or str(value) in ("<NA>", "nan"):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(value, "f").rstrip("0").rstrip(".")
    return str(value)


def new_review(candidates) -> list[dict[str, str]]:
    """Extraction's frame as review rows: candidate c001..., no decision, no target_id yet."""
    rows = []
    for n, record in enumerate(candidates.to_dict("records"), start=1):
        row = {"candidate": f"c{n:03d}", "decision": "", "related": "", "origin": "extract"}
        row.update({column: _text(value) for column, value in record.items()})
        row["target_id"] = ""
        rows.append(row)
    return rows


def write_review_bytes(rows: list[dict[str, str]], columns: list[str] | None = None) -> bytes:
    if columns is None:
        columns = list(rows[0]) if rows else META_COLUMNS + TARGET_COLUMNS + ["quote_end", "confidence"]
    return (csv_lines([columns]) + csv_lines([[row.get(c, "") for c in columns] for row in rows])).encode("utf-8")


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), [dict(r) for r in reader]


@dataclass(frozen=True)
class CommitResult:
    ok: bool
    message: str
    target_ids: tuple[str, ...] = ()


class Review:
    """One document's review, read from and saved to its review file."""

    def __init__(self, doc_id: str, data_dir: Path | str | None = None):
        self.data = Path(data_dir) if data_dir is not None else paths.DATA
        self.path = review_path(doc_id, self.data)
        if not self.path.is_file():
            raise ReviewError(f"no review file for {doc_id!r} ({self.path.name}): register it with `sti-targets add`")
        documents = read_table(self.data / "documents.csv", [f.name for f in DOCUMENTS])
        match = documents[documents["doc_id"] == doc_id]
        if match.empty:
            raise ReviewError(f"{doc_id!r} is not in documents.csv")
        self.document = {k: _text(v) for k, v in match.iloc[0].to_dict().items()}
        self.doc_id, self.region_id = doc_id, self.document["region_id"]
        self.source = read_source(self.document["file"], self.data)
        self.columns, rows = _read_csv(self.path)
        self.rows = sorted(rows, key=lambda r: (int(r["quote_start"]), r["candidate"]))
        self.proposed_path = self.path.with_suffix(".indicators.csv")
        self.proposed = _read_csv(self.proposed_path)[1] if self.proposed_path.is_file() else []

    # --- reading ---------------------------------------------------------------------------------
    def ids(self) -> list[str]:
        return [r["candidate"] for r in self.rows]

    def row(self, candidate: str) -> dict[str, str]:
        for r in self.rows:
            if r["candidate"] == candidate:
                return r
        raise ReviewError(f"no candidate {candidate!r} in {self.path.name}")

    def progress(self) -> tuple[int, int]:
        """(reviewed, total): accepted, rejected or marked as a restatement; skipped ones are not."""
        return sum(r["decision"] in REVIEWED for r in self.rows), len(self.rows)

    def next_open(self, after: str | None = None) -> str | None:
        """The next candidate without a decision after ``after`` (wrapping round), else a skipped one."""
        ids = self.ids()
        start = ids.index(after) + 1 if after in ids else 0
        order = ids[start:] + ids[:start]
        for wanted in ("", "skip"):
            for cid in order:
                if self.row(cid)["decision"] == wanted and cid != after:
                    return cid
        return None

    def neighbours(self, candidate: str, around: int = 2) -> list[str]:
        ids = self.ids()
        i = ids.index(candidate)
        return ids[max(0, i - around) : i + around + 1]

    def context(self, candidate: str) -> tuple[str, str, str, str, str]:
        """The candidate's sentence in five parts: before the quote, the quote before its number, the
        number, the rest of the quote, and the rest of the sentence."""
        r = self.row(candidate)
        start, end = int(r["quote_start"]), int(r["quote_end"])
        s = max((self.source.rfind(ch, 0, start) for ch in SENTENCE_END), default=-1) + 1
        ends = [i for i in (self.source.find(ch, end) for ch in SENTENCE_END) if i >= 0]
        e = min(ends) + 1 if ends else len(self.source)
        quote = self.source[start:end]
        a, b = _number_span(quote, r["value"])
        return self.source[s:start], quote[:a], quote[a:b], quote[b:], self.source[end:e].rstrip("\n")

    # --- deciding --------------------------------------------------------------------------------
    def decide(self, candidate: str, decision: str, fields: dict[str, str] | None = None) -> None:
        """Record a decision (and the edited fields) and save the review file."""
        if decision not in REVIEW_DECISIONS:
            raise ReviewError(f"decision {decision!r} is not one of {', '.join(REVIEW_DECISIONS)}")
        r = self.row(candidate)
        if r["target_id"]:
            raise ReviewError(f"{candidate} is committed as {r['target_id']}: it can no longer change")
        if fields:
            self.edit(candidate, fields, save=False)
        r["decision"] = decision
        if decision != "restates":
            r["related"] = ""
        self.save()

    def edit(self, candidate: str, fields: dict[str, str], save: bool = True) -> None:
        r = self.row(candidate)
        for name, value in fields.items():
            if name not in TARGET_COLUMNS or name in ("target_id", "doc_id", "region_id", "quote", "quote_start"):
                raise ReviewError(f"{name!r} cannot be edited here")
            r[name] = _text(value).strip()
        if save:
            self.save()

    def mark_restatement(self, candidate: str, of: str) -> None:
        """``candidate`` states ``of`` again: on commit it becomes a line of ``of``'s note."""
        if candidate == of:
            raise ReviewError("a candidate cannot restate itself")
        self.row(of)
        self.row(candidate)["related"] = of
        self.decide(candidate, "restates")

    def mark_conflict(self, candidate: str, other: str) -> str:
        """The two disagree: both keep their rows and share one conflict id (returned)."""
        a, b = self.row(candidate), self.row(other)
        if candidate == other:
            raise ReviewError("a candidate cannot conflict with itself")
        conflict = a["conflict"] or b["conflict"] or self._new_conflict_id()
        for one, two in ((a, b), (b, a)):
            one["conflict"] = conflict
            words = f"conflicts with the statement at offset {two['quote_start']}: {two['quote']}"
            if words not in one["note"]:
                one["note"] = "; ".join(filter(None, [one["note"], words]))
        self.save()
        return conflict

    def _new_conflict_id(self) -> str:
        taken = {r["conflict"] for r in self.rows} | set(_column(self.data / "targets.csv", "conflict"))
        n = 1
        while f"{self.region_id}_conflict_{n}" in taken:
            n += 1
        return f"{self.region_id}_conflict_{n}"

    def add_missed(self, quote: str) -> str:
        """A target extraction missed, by its verbatim quote (found once in the source); its fields
        are what extraction reads in the quote alone, to be checked before accepting."""
        from ..extract import extract_targets

        quote = quote.strip()
        if not quote:
            raise ReviewError("enter the quote: the shortest verbatim clause that holds the number")
        starts = [m.start() for m in re.finditer(f"(?={re.escape(quote)})", self.source)]
        if not starts:
            raise ReviewError(f"the quote {quote!r} is not verbatim in {self.document['file']}: copy it from the text")
        if len(starts) > 1:
            where = ", ".join(map(str, starts[:5]))
            raise ReviewError(f"the quote {quote!r} appears {len(starts)} times (offsets {where}): lengthen it")
        start = starts[0]
        guess = new_review(extract_targets(quote, region=self.region_id, doc_id=self.doc_id))
        row = {c: "" for c in self.columns}
        row.update({k: v for k, v in (guess[0] if guess else {}).items() if k in row})
        n = 1 + sum(r["origin"] == "manual" for r in self.rows)
        row.update(
            candidate=f"m{n:03d}",
            decision="",
            related="",
            origin="manual",
            target_id="",
            doc_id=self.doc_id,
            region_id=self.region_id,
            quote=quote,
            quote_start=str(start),
            quote_end=str(start + len(quote)),
            confidence="",
            is_stretch=row.get("is_stretch") or "false",
            target_year=row.get("target_year") or self.document["period_end"],
        )
        self.rows = sorted([*self.rows, row], key=lambda r: (int(r["quote_start"]), r["candidate"]))
        self.save()
        return row["candidate"]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, write_review_bytes(self.rows, self.columns))

    # --- indicators ------------------------------------------------------------------------------
    def indicators(self) -> list[dict[str, str]]:
        rows = _read_csv(self.data / "indicators.csv")[1]
        return rows + [dict(r, proposed="true") for r in self.proposed]

    def search_indicators(self, query: str, limit: int = 30) -> list[dict[str, str]]:
        """Indicators whose id, Chinese name (in either script) or English name contain the query."""
        q = query.strip().lower()
        q_hans = to_simplified(q)
        found = []
        for ind in self.indicators():
            hay = " ".join([ind["indicator_id"], ind["name_zh"], ind["name_en"].lower()])
            if not q or q in hay or q_hans in hay:
                found.append(ind)
        return found[:limit]

    def propose_indicator(self, fields: dict[str, str]) -> str:
        """A new indicator for this review, used by the commit when an accepted row names it."""
        row = {c: (fields.get(c) or "").strip() for c in INDICATOR_COLUMNS}
        missing = [c for c in INDICATOR_COLUMNS if not row[c]]
        if missing:
            raise ReviewError(f"a new indicator needs {', '.join(missing)}")
        if not re.match(ID_PATTERN, row["indicator_id"]):
            raise ReviewError(f"indicator_id {row['indicator_id']!r}: lower-case letters, digits and _, a letter first")
        if any(ind["indicator_id"] == row["indicator_id"] for ind in self.indicators()):
            raise ReviewError(f"indicator_id {row['indicator_id']!r} exists already: pick it instead")
        if row["category"] not in CATEGORIES:
            raise ReviewError(f"category {row['category']!r} is not one of {', '.join(CATEGORIES)}")
        self.proposed.append(row)
        atomic_write(self.proposed_path, write_review_bytes(self.proposed, INDICATOR_COLUMNS))
        return row["indicator_id"]

    # --- commit ----------------------------------------------------------------------------------
    def commit(self) -> CommitResult:
        """Append the accepted rows to targets.csv after checking the whole data folder with them."""
        targets_path = self.data / "targets.csv"
        todo = [r for r in self.rows if r["decision"] == "accept" and not r["target_id"]]
        if not todo:
            return CommitResult(False, "nothing to commit: no accepted candidate is waiting")
        by_id = {r["candidate"]: r for r in self.rows}
        notes = {r["candidate"]: r["note"] for r in todo}
        for r in self.rows:
            if r["decision"] != "restates":
                continue
            of = by_id.get(r["related"])
            if of is None or of["decision"] != "accept":
                return CommitResult(False, f"{r['candidate']} restates {r['related']!r}, which is not accepted")
            if of in todo:
                words = f"also stated at offset {r['quote_start']}: {r['quote']}"
                notes[of["candidate"]] = "; ".join(filter(None, [notes[of["candidate"]], words]))
        ids = _column(targets_path, "target_id")
        last = max((int(i.rsplit("-", 1)[1]) for i in ids if i.rsplit("-", 1)[0] == self.region_id), default=0)
        numbered = [(r, f"{self.region_id}-{last + n:03d}") for n, r in enumerate(todo, start=1)]
        new_rows = [
            [
                target_id if c == "target_id" else notes[r["candidate"]] if c == "note" else r.get(c, "")
                for c in TARGET_COLUMNS
            ]
            for r, target_id in numbered
        ]
        old_targets = targets_path.read_bytes()
        changes = {"targets.csv": append_csv(old_targets, new_rows)}
        used = {r["indicator_id"] for r in todo}
        proposed = [p for p in self.proposed if p["indicator_id"] in used]
        if proposed:
            old = (self.data / "indicators.csv").read_bytes()
            changes["indicators.csv"] = append_csv(old, [[p[c] for c in INDICATOR_COLUMNS] for p in proposed])
        first_line = len(ids) + 2
        problems = check_staged(self.data, changes)
        if problems:
            lines = {first_line + i: r["candidate"] for i, (r, _) in enumerate(numbered)}
            shown, folder = [], display_path(self.data) + "/"  # the page names files of data/, no server path
            for p in problems[:8]:
                who = lines.get(p.line) if p.file.endswith("targets.csv") else None
                text = str(p).replace(folder, "")
                shown.append(f"{who}: {text}" if who else text)
            return CommitResult(False, "commit refused, targets.csv unchanged: " + " | ".join(shown))
        backups = self.data / "review" / "backups"
        n = 1 + sum(1 for _ in backups.glob(f"targets.{self.doc_id}.*.csv")) if backups.is_dir() else 1
        for r, target_id in numbered:
            r["target_id"] = target_id
        self.proposed = [p for p in self.proposed if p["indicator_id"] not in used]
        writes = {self.data / name: (content, 0o644) for name, content in changes.items()}
        writes[backups / f"targets.{self.doc_id}.{n}.csv"] = (old_targets, 0o644)
        writes[self.path] = (write_review_bytes(self.rows, self.columns), 0o644)
        writes[self.proposed_path] = (write_review_bytes(self.proposed, INDICATOR_COLUMNS), 0o644)
        try:
            write_all(writes)
        except BaseException:
            for r, _ in numbered:
                r["target_id"] = ""
            raise
        committed = tuple(t for _, t in numbered)
        return CommitResult(
            True,
            f"committed {len(committed)} targets ({committed[0]} to {committed[-1]}) to targets.csv; "
            f"the previous file is in review/backups/targets.{self.doc_id}.{n}.csv",
            committed,
        )


def _column(path: Path, column: str) -> list[str]:
    return [r[column] for r in _read_csv(path)[1] if r.get(column)]


def _number_span(quote: str, value: str) -> tuple[int, int]:
    """Where the value stands in the quote (its longest written form), else an empty span at the end."""
    if value and re.match(NUMBER_PATTERN, value):
        for form in sorted(number_forms(float(value)), key=len, reverse=True):
            i = quote.find(form)
            if i >= 0:
                return i, i + len(form)
    return len(quote), len(quote)
