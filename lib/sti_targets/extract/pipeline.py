"""A plan's raw text to candidate targets, step by step, and ``sti-targets extract``.

1. ``read_plan`` reads the file as check reads a source: UTF-8 only (GB18030 is refused with the
   iconv command that converts it); anything else raises DataError.
2. ``normalise`` makes the working copy (Simplified, mainland words, half-width) with its map back
   to raw offsets (normalise.py).
3. Tables flattened one cell per line are read row by row (tables.py).
4. The rest is cut into paragraphs, sentences and clauses (prose.py); a clause's numbers with a
   unit, fractions, 零的突破, 全覆盖 and ranks are candidates (numbers.py).
5. Dropped: labels (“4+4”, 1+3+N, quoted names, 《titles》, 第十九届, counts of a list), numbers
   without a unit (dates, page, document and phone numbers), past statistics (see
   prose.describe_sentence) and numbers no commitment word governs.
6. Each candidate gets target_type, comparator, target_year (the sentence's year, else the
   paragraph's, else the plan's last year), level, is_stretch, a guessed indicator from the keyword
   table (lexicon.py, data/lexicon/indicator_keywords.csv) and a note (classify.py).
7. The rows take the columns of data/targets.csv, quotes and offsets of the raw text (output.py).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from .candidates import Context
from .lexicon import FUTURE_YEAR, YEAR
from .normalise import normalise, read_plan
from .output import format_rows, to_frame
from .prose import read_paragraph
from .spans import LINE_END, split_spans
from .tables import read_tables

TITLE = re.compile(r"《[^》\n]*》")


def extract_targets(raw: str, region: str | None = None, doc_id: str | None = None) -> pd.DataFrame:
    """Candidate targets of a plan's raw text, one row each, in the columns of data/targets.csv."""
    plan = normalise(raw)
    masked = TITLE.sub(lambda m: " " * len(m.group()), plan.text)
    context = Context(plan, masked, find_end_year(masked))
    lines = split_spans(plan.text, 0, len(plan.text), LINE_END)
    candidates, table_lines = read_tables(context, lines)
    for i, (start, end) in enumerate(lines):
        if i not in table_lines:
            candidates += read_paragraph(context, start, end)
    return to_frame(plan, sorted(candidates, key=lambda c: (c.start, c.end)), region, doc_id)


def find_end_year(masked: str) -> int | None:
    """The plan's last year: the latest 到/力争 YYYY年 or YYYY年目标, else the year it names most."""
    future = [int(a or b) for a, b in FUTURE_YEAR.findall(masked)]
    if future:
        return max(future)
    years = Counter(int(y) for y in YEAR.findall(masked))
    return years.most_common(1)[0][0] if years else None


def run_extract(file: Path | str, region: str | None = None, doc_id: str | None = None) -> int:
    """``sti-targets extract FILE [--region ID] [--doc-id ID]``: candidate targets as CSV on stdout."""
    frame = extract_targets(read_plan(file), region=region, doc_id=doc_id)
    format_rows(frame).to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0
