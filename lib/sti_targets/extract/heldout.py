"""How ``sti-targets extract`` does on text written apart from its rules: the held-out set of
tests/heldout/ (standalone sentences and three short plans, each target labelled by hand).

Run: ``.venv/bin/python -m sti_targets.extract.heldout`` prints the figures tests/heldout/RESULTS.md records.

Format (tests/heldout/README.md): a sentence line, then one line per target it states,
``= value[~value_high] | unit | comparator | target_type | target_year | stretch y/n | indicator_id | quote``.
A plan is NAME.txt with its targets in NAME.expected (the same "=" lines; there the quote is required,
and "A…B" stands for the text from A to the first B after it, for a table row from its label to its cell).

Matching is evaluate.py's: same value and value_high, and the extracted quote overlaps the labelled
one; pairs matched one to one. Per field, the share of matched pairs whose unit, target_type,
comparator, target_year, is_stretch and (where labelled) indicator_id equal the label.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import paths
from .evaluate import match_one_to_one, overlaps, same_number
from .pipeline import extract_targets

HELDOUT = paths.PROJECT_ROOT / "tests" / "heldout"
FIELDS = ("unit", "comparator", "target_type", "target_year", "is_stretch", "indicator_id")
GAP = "…"


@dataclass(frozen=True)
class Case:
    """A text extracted on its own and the targets it states (none for a sentence without a target)."""

    name: str
    text: str
    expected: pd.DataFrame  # value, value_high, unit, ..., quote_start, quote_end


def parse_label(line: str, text: str, where: str) -> dict:
    """One "=" line as a row; ValueError naming where it is when it does not parse."""
    cells = [c.strip() for c in line[1:].split("|")]
    if len(cells) < 7:
        raise ValueError(f"{where}: a label needs 7 or 8 fields separated by |: {line!r}")
    value, unit, comparator, target_type, year, stretch, indicator = cells[:7]
    quote = cells[7] if len(cells) > 7 and cells[7] else None
    low, _, high = value.partition("~")
    start, end = locate(text, quote, where) if quote else (0, len(text))
    return {
        "value": float(low),
        "value_high": float(high) if high else math.nan,
        "unit": unit,
        "comparator": comparator,
        "target_type": target_type,
        "target_year": int(year) if year else None,
        "is_stretch": stretch == "y",
        "indicator_id": indicator or None,
        "quote_start": start,
        "quote_end": end,
    }


def locate(text: str, quote: str, where: str) -> tuple[int, int]:
    """The span of a labelled quote ("A…B": from A to the first B after it)."""
    first, _, last = quote.partition(GAP)
    start = text.find(first)
    if start < 0:
        raise ValueError(f"{where}: quote {first!r} is not in the text")
    if not last:
        return start, start + len(first)
    end = text.find(last, start + len(first))
    if end < 0:
        raise ValueError(f"{where}: {last!r} does not follow {first!r}")
    return start, end + len(last)


def frame(rows: list[dict]) -> pd.DataFrame:
    columns = ["value", "value_high", *FIELDS, "quote_start", "quote_end"]
    return pd.DataFrame(rows, columns=columns)


def read_sentences(path: Path) -> list[Case]:
    """The sentence cases of a sentences file, each with its labels."""
    cases: list[tuple[str, str, list[dict]]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("="):
            name, text, labels = cases[-1]
            labels.append(parse_label(line, text, f"{path.name}:{number}"))
        else:
            cases.append((f"{path.name}:{number}", line, []))
    return [Case(name, text, frame(labels)) for name, text, labels in cases]


def read_plans(directory: Path) -> list[Case]:
    """The plan cases: NAME.txt with the labels of NAME.expected."""
    cases = []
    for path in sorted(directory.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        labels = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
        rows = [parse_label(line, text, f"{path.stem}.expected:{n}") for n, line in enumerate(labels, 1) if line]
        cases.append(Case(path.name, text, frame(rows)))
    return cases


def read_cases(directory: Path = HELDOUT) -> list[Case]:
    return read_sentences(directory / "sentences.txt") + read_plans(directory / "plans")


def match(found: pd.DataFrame, expected: pd.DataFrame) -> dict[int, int]:
    """Extracted row -> labelled row: same value(s), overlapping quotes, one to one."""
    edges = {
        i: [
            j
            for j, e in expected.iterrows()
            if same_number(f.value, e.value)
            and same_number(f.value_high, e.value_high)
            and overlaps((f.quote_start, f.quote_end), (e.quote_start, e.quote_end))
        ]
        for i, f in found.iterrows()
    }
    return match_one_to_one(edges)


def same(field: str, found, expected) -> bool:
    if pd.isna(found) or pd.isna(expected):
        return bool(pd.isna(found) and pd.isna(expected))
    return int(found) == int(expected) if field == "target_year" else found == expected


def score_case(case: Case) -> tuple[dict, list[str]]:
    """Counts of one case, and a line for each miss, false find and wrong field."""
    found = extract_targets(case.text)
    pairs = match(found, case.expected)
    counts = {"expected": len(case.expected), "found": len(found), "matched": len(pairs)}
    counts["silent_non_target"] = int(case.expected.empty and found.empty)
    counts["non_target"] = int(case.expected.empty)
    problems = []
    for field in FIELDS:
        counts[f"{field}_n"], counts[f"{field}_ok"] = 0, 0
    for i, j in pairs.items():
        f, e = found.loc[i], case.expected.loc[j]
        for field in FIELDS:
            if field == "indicator_id" and pd.isna(e[field]):
                continue
            ok = same(field, f[field], e[field])
            counts[f"{field}_n"] += 1
            counts[f"{field}_ok"] += ok
            if not ok:
                problems.append(f"{case.name}: {f.quote!r} {field} {f[field]!r}, expected {e[field]!r}")
    for i in found.index.difference(list(pairs)):
        problems.append(f"{case.name}: false find {found.at[i, 'value']:g} in {found.at[i, 'quote']!r}")
    for j in case.expected.index.difference(list(pairs.values())):
        e = case.expected.loc[j]
        problems.append(f"{case.name}: missed {e.value:g} {e.unit} in {case.text[e.quote_start : e.quote_end]!r}")
    return counts, problems


def score(cases: list[Case]) -> tuple[dict[str, float], list[str]]:
    """Precision, recall, per-field agreement and the share of non-target sentences left silent."""
    total: dict[str, int] = {}
    problems: list[str] = []
    for case in cases:
        counts, lines = score_case(case)
        problems += lines
        for key, n in counts.items():
            total[key] = total.get(key, 0) + n
    figures = {
        "expected": total["expected"],
        "found": total["found"],
        "matched": total["matched"],
        "precision": total["matched"] / total["found"] if total["found"] else math.nan,
        "recall": total["matched"] / total["expected"] if total["expected"] else math.nan,
        "non_target_sentences": total["non_target"],
        "silent_non_target_share": total["silent_non_target"] / max(total["non_target"], 1),
    }
    for field in FIELDS:
        n = total[f"{field}_n"]
        figures[f"{field}_agree"] = total[f"{field}_ok"] / n if n else math.nan
    return figures, problems


def main(directory: Path = HELDOUT) -> int:
    cases = read_cases(directory)
    for title, part in (
        ("sentences", [c for c in cases if ":" in c.name]),
        ("plans", [c for c in cases if ":" not in c.name]),
        ("all", cases),
    ):
        figures, problems = score(part)
        print(f"## {title}")
        for key, value in figures.items():
            print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
        if title != "all":
            print(*problems, sep="\n")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HELDOUT))
