"""Cutting the working copy into lines, sentences and clauses, as (start, end) spans."""

from __future__ import annotations

import re

LINE_END = re.compile(r"\n")
SENTENCE_END = re.compile(r"[。!?！？]")
CLAUSE_END = re.compile(r"[,;:，；：]")


def split_spans(text: str, start: int, end: int, delimiter: re.Pattern) -> list[tuple[int, int]]:
    """Non-blank pieces of text[start:end] between delimiters, trimmed."""
    spans, piece_start = [], start
    for m in delimiter.finditer(text, start, end):
        spans.append(trim(text, piece_start, m.start()))
        piece_start = m.end()
    spans.append(trim(text, piece_start, end))
    return [(s, e) for s, e in spans if s < e]


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding spaces and leading dashes or bullets."""
    while start < end and (text[start].isspace() or text[start] in "—-•"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def previous_clause(text: str, sentence_start: int, clause_start: int) -> str:
    """The clause before the one starting at clause_start, in its sentence ("" if none)."""
    clauses = split_spans(text, sentence_start, clause_start, CLAUSE_END)
    return text[slice(*clauses[-1])] if clauses else ""
