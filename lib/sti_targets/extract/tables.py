"""Tables flattened one cell per line, as web copies of plans have them: a header of short cells
(序号, 指标, "2020年完成值", "2025年目标值"), then rows of as many cells. The target column gives
the target, a completed-value column its baseline, the label the indicator and, in brackets, the unit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .candidates import Candidate, Context
from .classify import find_level, guess_indicator
from .lexicon import CALENDAR_YEAR, CUMULATIVE_WORD, RANGE_MARKS, SUFFIX, SUFFIX_COMPARATORS, UNIT
from .numbers import NUMBER

TARGET_HEADER = re.compile(rf"^({CALENDAR_YEAR})\s*年\s*(?:目标值|目标|预期值|规划值)$")
BASELINE_HEADER = re.compile(rf"^({CALENDAR_YEAR})\s*年\s*(?:完成值|基期值|基数|现状值|实际值|基准值)$")
CAPTION = re.compile(r"^(?:表|专栏)|^\d+-\d+")
HEADER_CELL_MAX = 12
TABLE_CELL = re.compile(
    rf"^(?P<verb>新增|{CUMULATIVE_WORD})?\s*(?P<low>{NUMBER})(?:\s*[{RANGE_MARKS}]\s*(?P<high>{NUMBER}))?\s*(?P<unit>{UNIT})?"
    rf"\s*(?P<suffix>{SUFFIX})?$"
)
LABEL_UNIT = re.compile(r"[(（]\s*([^()（）]+?)\s*[)）]?\s*$")


@dataclass(frozen=True)
class Layout:
    """Which column of a flattened table holds what."""

    width: int
    target: int
    baseline: int | None
    label: int
    numbered: bool
    target_year: int
    baseline_year: int | None


def read_tables(context: Context, lines: list[tuple[int, int]]) -> tuple[list[Candidate], set[int]]:
    """Targets of tables flattened one cell per line, and the numbers of the lines the tables use."""
    text = context.plan.text
    candidates, used = [], set()
    for i, (start, end) in enumerate(lines):
        if i in used or not TARGET_HEADER.match(text[start:end]):
            continue
        header = find_header(text, lines, i)
        rows, row_lines = read_table_rows(text, lines, header)
        if rows:
            candidates += rows
            used |= set(header) | row_lines
    return candidates, used


def is_header_cell(text: str, span: tuple[int, int]) -> bool:
    return span[1] - span[0] <= HEADER_CELL_MAX and not CAPTION.match(text[span[0] : span[1]])


def find_header(text: str, lines: list[tuple[int, int]], target: int) -> list[int]:
    """Line numbers of the header cells: short lines before the target-year cell, and after it
    the short lines without digits."""
    first, last = target, target
    while first > 0 and is_header_cell(text, lines[first - 1]):
        first -= 1
    while last + 1 < len(lines) and is_header_cell(text, lines[last + 1]):
        if re.search(r"\d", text[slice(*lines[last + 1])]):
            break
        last += 1
    return list(range(first, last + 1))


def find_layout(names: list[str]) -> Layout:
    """Target, baseline and label columns from the header cells."""
    target = next(k for k, name in enumerate(names) if TARGET_HEADER.match(name))
    baseline = next((k for k, name in enumerate(names) if BASELINE_HEADER.match(name)), None)
    label = next((k for k, name in enumerate(names) if k not in (target, baseline) and name != "序号"), 0)
    return Layout(
        width=len(names),
        target=target,
        baseline=baseline,
        label=label,
        numbered=names[0] == "序号",
        target_year=int(TARGET_HEADER.match(names[target]).group(1)),
        baseline_year=int(BASELINE_HEADER.match(names[baseline]).group(1)) if baseline is not None else None,
    )


def read_table_rows(text: str, lines: list[tuple[int, int]], header: list[int]) -> tuple[list[Candidate], set[int]]:
    """One candidate per row, reading cells in groups of the header's width until a group does not fit."""
    layout = find_layout([text[slice(*lines[i])] for i in header])
    candidates, used, first = [], set(), header[-1] + 1
    while first + layout.width <= len(lines):
        spans = lines[first : first + layout.width]
        cells = [text[s:e] for s, e in spans]
        target = TABLE_CELL.match(cells[layout.target])
        if not target or (layout.numbered and cells[0] != str(len(candidates) + 1)):
            break
        baseline = cells[layout.baseline] if layout.baseline is not None else ""
        row = len(candidates) + 1
        candidates.append(describe_table_row(spans[layout.target], target, cells[layout.label], baseline, layout, row))
        used |= set(range(first, first + layout.width))
        first += layout.width
    return candidates, used


def describe_table_row(
    span: tuple[int, int], cell: re.Match, label: str, baseline: str, layout: Layout, row: int
) -> Candidate:
    """A table row's target: value from the target cell, unit from the cell or the label's "(单位)"."""
    label_unit = LABEL_UNIT.search(label)
    unit = cell["unit"] or (label_unit.group(1) if label_unit else "")
    if CUMULATIVE_WORD in label or cell["verb"] == CUMULATIVE_WORD:
        target_type = "cumulative"
    elif unit == "%":
        target_type = "share"
    else:
        target_type = "increment" if cell["verb"] == "新增" else "level"
    has_baseline = re.fullmatch(NUMBER, baseline) is not None
    note = f"table row {row}: {label}" + (f"; {baseline} in {layout.baseline_year}" if has_baseline else "")
    return Candidate(
        start=span[0],
        end=span[1],
        value=float(cell["low"]),
        value_high=float(cell["high"]) if cell["high"] else None,
        unit=unit,
        target_type=target_type,
        comparator=SUFFIX_COMPARATORS.get(cell["suffix"], "="),
        target_year=layout.target_year,
        level=find_level(label),
        is_stretch=False,
        indicator_id=guess_indicator(label, target_type),
        confidence=0.9,
        note=note,
        baseline_value=float(baseline) if has_baseline else None,
        baseline_year=layout.baseline_year if has_baseline else None,
    )
