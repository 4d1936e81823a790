"""Candidate quantified targets in the plain text of a plan (``sti-targets extract``), and their
precision and recall against the curated table (``sti-targets evaluate``, evaluate.py).

The extractor emulates the curation rules data/targets.csv follows: a target is a number the plan
commits to for the future; past statistics, labels and numbering are not. It writes one row per
candidate in the columns of data/targets.csv, plus ``quote_end`` and a ``confidence`` (0-1: higher
when an indicator is recognised and a year or a commitment word governs the number, lower for
Chinese numerals, ranks and numbers whose unit the copy lost).

Modules, in the order a plan passes through them (pipeline.py runs them):

- normalise.py  reading the file; the Simplified, half-width working copy and its map to raw offsets
- spans.py      lines, sentences and clauses of the copy
- tables.py     tables flattened one cell per line
- prose.py      sentences and clauses, the numbers they commit to and each number's quote
- numbers.py    the numbers of a clause (units, ranges, fractions, 百分之N, 零的突破, 全覆盖, 翻一番, ranks)
                and labels
- classify.py   target_type, comparator, year, level, stretch, indicator, unit, note
- lexicon.py    the words all of these read, and the indicator keyword table from data/lexicon/
- candidates.py the records passed between them (Token, Sentence, Place, Candidate)
- output.py     rows in the columns of data/targets.csv, and their CSV text

Measured by evaluate.py (against the curated table) and heldout.py (against tests/heldout/, text
written apart from the rules). Numbers in words are read by chinese/numerals.py (cn2an underneath).
"""

from .normalise import read_plan
from .output import COLUMNS
from .pipeline import extract_targets, run_extract

__all__ = ["COLUMNS", "extract_targets", "read_plan", "run_extract"]
