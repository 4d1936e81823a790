"""Reading a plan and making its working copy: Simplified characters, mainland words, half-width
digits and punctuation, with every character of the copy mapped back to the raw text it came from,
so that quotes and offsets are always those of the raw file (Traditional stays Traditional)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..chinese.script import TAIWAN_TO_MAINLAND, to_half_width, to_simplified
from ..dataset.provenance import read_source_file

SEPARATOR = "\ue000"  # private-use character between characters: the converter returns one piece each
TAIWAN_WORD = re.compile("|".join(re.escape(taiwan) for taiwan, _ in TAIWAN_TO_MAINLAND))
MAINLAND = dict(TAIWAN_TO_MAINLAND)


@dataclass(frozen=True)
class Plan:
    """A plan's raw text and its normalised copy; ``starts``/``ends`` map copy to raw offsets."""

    raw: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw span of the copy's characters start..end (end exclusive)."""
        return self.starts[start], self.ends[end - 1]


def read_plan(path: Path | str) -> str:
    """The text of a plan file, read as check reads a source (provenance.read_source_file): UTF-8,
    exactly as stored, so that the offsets extract gives are those check verifies; DataError, saying
    how to convert it, for GB18030 or any other bytes, and for a folder, FIFO or device."""
    return read_source_file(path)


def normalise(raw: str) -> Plan:
    """Simplified, mainland-worded, half-width copy of ``raw`` with its offset map."""
    pieces = to_simplified(SEPARATOR.join(raw)).split(SEPARATOR) if raw else []
    if len(pieces) != len(raw):
        pieces = list(raw)
    starts = [i for i, piece in enumerate(pieces) for _ in piece]
    ends = [i + 1 for i, piece in enumerate(pieces) for _ in piece]
    text, starts, ends = replace_taiwan_words("".join(pieces), starts, ends)
    return Plan(raw, to_half_width(text), tuple(starts), tuple(ends))


def replace_taiwan_words(text: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    """Taiwan-style words replaced by mainland ones, each word's raw span spread over its new characters."""
    out, out_starts, out_ends, last = [], [], [], 0
    for m in TAIWAN_WORD.finditer(text):
        out.append(text[last : m.start()])
        out_starts += starts[last : m.start()]
        out_ends += ends[last : m.start()]
        word, first, width = MAINLAND[m.group()], starts[m.start()], ends[m.end() - 1] - starts[m.start()]
        out.append(word)
        out_starts += [first + width * j // len(word) for j in range(len(word))]
        out_ends += [first + width * (j + 1) // len(word) for j in range(len(word))]
        last = m.end()
    out.append(text[last:])
    return "".join(out), out_starts + starts[last:], out_ends + ends[last:]
