"""The source viewer's model: a document's full text, line by line, with every target's quote
marked at its offset, and the context of quotes that are bare cells of a flattened table
(the lines of such a cell's row are banded, and its label shows the table's caption and header).

The marks nest: where two quotes cross (one starts inside the other and ends after it), the
later one is split into pieces, so the HTML stays well formed; the piece holding a quote's start
carries its anchor, the others name it in ``data-target``. A line break closes every open mark
and the next line reopens it, so each source line is a row of its own (with its Simplified
reading beside it for Traditional text). The template (templates/pages/source.html.j2) turns the
tokens into HTML and escapes every text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..analysis.summaries import formatted
from ..chinese.script import to_simplified
from ..dataset.provenance import read_source

# A flattened table's cells stand one per line; its caption, header and cells are short lines,
# and a line longer than this (or ending a sentence) is the prose around the table.
TABLE_LINE_MAX = 40


@dataclass(frozen=True)
class TableRow:
    """The row of a flattened table that holds a target's bare cell."""

    caption: str
    header: tuple[str, ...]
    cells: tuple[str, ...]
    column: str  # the header of the target's cell
    start: int  # offsets of the row in the source (its first cell's line to its last)
    end: int

    @property
    def label(self) -> str:
        """The row's first cell that is not its serial number: what the row measures."""
        return next((c for c in self.cells[1:] if not c.isdigit()), self.cells[0])


@dataclass(frozen=True)
class Target:
    """One target as the viewer labels it."""

    target_id: str
    start: int
    end: int
    quote: str
    value: str  # ≥350 亿元
    year: str
    indicator: str  # 高新技术企业 high-tech enterprises
    region_href: str  # the target's row in its region report, relative to reports/sources/
    line: int  # 1-based line of the quote's start
    table: TableRow | None = None


@dataclass(frozen=True)
class Span:
    """A target's quote in the text."""

    start: int
    end: int
    target_id: str

    @property
    def order(self) -> tuple:
        return (self.start, -self.end, self.target_id)  # outer spans open first


@dataclass(frozen=True)
class Token:
    """``open`` / ``close`` a span (``first``: the piece with the quote's anchor), ``text``, or
    the ``label`` of a target, placed right after its quote ends."""

    kind: str
    text: str = ""
    span: Span | None = None
    first: bool = False
    target: Target | None = None


@dataclass
class Line:
    number: int
    tokens: list[Token] = field(default_factory=list)
    simplified: str | None = None  # the Simplified reading of a Traditional line
    band: bool = False  # the line is part of a flattened table's row that holds a target


@dataclass
class SourceView:
    doc_id: str
    lines: list[Line]
    targets: list[Target]
    traditional: bool


def line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the start of the line holding ``start`` and the end of the line holding ``end``."""
    line_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, len(text) if line_end < 0 else line_end


def _cell_lines(text: str, line_start: int) -> list[tuple[int, str]]:
    """The short lines (offset, text) of the block around the line at ``line_start``: blank lines
    are skipped, and prose (a long line, or one ending a sentence) ends the block."""

    def is_cell(line: str) -> bool:
        return len(line) <= TABLE_LINE_MAX and not line.rstrip().endswith("。")

    lines = []
    pos = line_start
    while pos > 0:  # backwards
        begin = text.rfind("\n", 0, pos - 1) + 1
        line = text[begin : pos - 1]
        if line.strip() and not is_cell(line):
            break
        if line.strip():
            lines.insert(0, (begin, line.strip()))
        pos = begin
    pos = line_start
    while pos < len(text):  # the cell's own line and forwards
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        if line.strip() and not is_cell(line):
            break
        if line.strip():
            lines.append((pos, line.strip()))
        pos = end + 1
    return lines


def table_row(text: str, start: int, end: int) -> TableRow | None:
    """The flattened-table row of a quote that is a whole line of its own (a bare cell such as
    ``2.6``), found from the text around it: the block of short lines holds a caption, then a
    header of n cells, then rows of n cells that each begin with their serial number 1, 2, 3...
    None when the quote is not such a cell or the block does not read as such a table."""
    line_start, line_end = line_bounds(text, start, end)
    if text[line_start:line_end].strip() != text[start:end]:
        return None
    block = _cell_lines(text, line_start)
    cells = [line for _, line in block]
    offsets = [offset for offset, _ in block]
    at = offsets.index(line_start)
    first = next((i for i, c in enumerate(cells) if c == "1"), None)
    if first is None or first > at or "2" not in cells[first + 1 :]:
        return None
    width = cells.index("2", first + 1) - first
    if width < 2 or first < width:
        return None
    row = (at - first) // width
    if any(cells[first + k * width] != str(k + 1) for k in range(row + 1) if first + k * width < len(cells)):
        return None
    begin = first + row * width
    row_cells = cells[begin : begin + width]
    header = cells[first - width : first]
    last = begin + len(row_cells) - 1
    return TableRow(
        caption=" ".join(cells[: first - width]),
        header=tuple(header),
        cells=tuple(row_cells),
        column=header[at - begin],
        start=offsets[begin],
        end=offsets[last] + len(text[offsets[last] :].split("\n", 1)[0]),
    )


def _tokens(text: str, a: int, b: int, spans: list[Span], targets: dict[str, Target]) -> list[Token]:
    """Tokens of text[a:b] (one line) with the spans that overlap it, properly nested."""
    inside = sorted((s for s in spans if s.start < b and s.end > a), key=lambda s: s.order)
    points = sorted({a, b} | {p for s in inside for p in (s.start, s.end) if a < p < b})
    out: list[Token] = []
    stack: list[Span] = []

    def close(span: Span, at: int) -> None:
        out.append(Token("close", span=span))
        if span.end == at:
            out.append(Token("label", target=targets[span.target_id]))

    for p, q in zip(points, points[1:]):
        reopen = []
        while any(s.end <= p for s in stack):  # close what ends here, and what is open inside it
            span = stack.pop()
            close(span, p)
            if span.end > p:
                reopen.append(span)
        for span in reversed(reopen):  # the crossing spans go on in a new piece
            stack.append(span)
            out.append(Token("open", span=span))
        for span in inside:
            if span not in stack and span.start <= p < span.end and (span.start == p or p == a):
                stack.append(span)
                out.append(Token("open", span=span, first=span.start == p))
        out.append(Token("text", text=text[p:q]))
    while stack:
        close(stack.pop(), b)
    return out


def source_view(doc: pd.Series, targets: pd.DataFrame, data_dir=None) -> SourceView:
    """The viewer's model of one document (a row of load_documents()) and its targets."""
    text = read_source(str(doc["file"]), data_dir)
    mine = targets[targets["doc_id"] == str(doc["doc_id"])].sort_values(["quote_start", "target_id"])  # (categories)
    values = formatted(mine)
    viewed = []
    for (_, t), value in zip(mine.iterrows(), values):
        start, end = int(t["quote_start"]), int(t["quote_end"])
        viewed.append(
            Target(
                target_id=str(t["target_id"]),
                start=start,
                end=end,
                quote=text[start:end],
                value=str(value),
                year=str(t["target_year"]),
                indicator=f"{t['indicator_name_zh']} {t['indicator_name_en']}",
                region_href=f"../{t['region_id']}.html#{t['target_id']}",
                line=text.count("\n", 0, start) + 1,
                table=table_row(text, start, end),
            )
        )
    by_id = {t.target_id: t for t in viewed}
    spans = [Span(t.start, t.end, t.target_id) for t in viewed]
    rows = [(t.table.start, t.table.end) for t in viewed if t.table]
    traditional = str(doc["script"]) == "zh-Hant"
    raw = text.split("\n")
    simplified = _simplified_lines(raw) if traditional else [None] * len(raw)
    lines, pos = [], 0
    for number, (line, simple) in enumerate(zip(raw, simplified), start=1):
        band = any(start <= pos <= end for start, end in rows)
        lines.append(Line(number, _tokens(text, pos, pos + len(line), spans, by_id), simple, band))
        pos += len(line) + 1
    return SourceView(str(doc["doc_id"]), lines, viewed, traditional)


def _simplified_lines(lines: list[str]) -> list[str]:
    """to_simplified of each line, in one call: the conversion never joins across a newline."""
    return to_simplified("\n".join(lines)).split("\n")
