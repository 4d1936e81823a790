"""Tables flattened one cell per line, as web copies of plans have them: a header of short cells
(序号, 指标, "2020年完成值", "2025年目标值"), then rows of as many cells. The target column gives
the target, a completed-value column its baseline, the label the indicator and, in brackets, the unit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .candidates import Candidate, Context
from .classify import find_level, guess_indicator
from .lexicon import CALENDAR_YEAR, CUMULATIVE_WORD, GROWTH, RANGE_MARKS, SUFFIX, SUFFIX_COMPARATORS, UNIT
from .numbers import NUMBER

TARGET_WORDS = "目标值|目标|预期值|规划值"
BASELINE_WORDS = "完成值|基期值|基数|现状值|实际值|基准值"
# A year column: "2025年目标值", "2020年完成值", or the bare year ("2020年", "2025年": the latest is the target).
YEAR_HEADER = re.compile(rf"^({CALENDAR_YEAR})\s*年\s*(?:(?P<target>{TARGET_WORDS})|(?P<baseline>{BASELINE_WORDS}))?$")
# The other header cells: number, indicator, unit, attribute (预期性/约束性), remarks.
UNIT_HEADER = re.compile(r"^(?:计量)?单位$")
HEADER_WORD = re.compile(
    r"^(?:序号|编号|类别|领域|[\u4e00-\u9fff]{0,6}指标(?:名称)?|(?:计量)?单位|(?:指标)?属性|备注)$"
)
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
    unit: int | None
    numbered: bool
    target_year: int
    baseline_year: int | None


def read_tables(context: Context, lines: list[tuple[int, int]]) -> tuple[list[Candidate], set[int]]:
    """Targets of tables flattened one cell per line, and the numbers of the lines the tables use."""
    text = context.plan.text
    candidates, used = [], set()
    for i, (start, end) in enumerate(lines):
        if i in used or not YEAR_HEADER.match(text[start:end]):
            continue
        header = find_header(text, lines, i)
        if not any(HEADER_WORD.match(text[slice(*lines[k])]) for k in header):
            continue
        rows, row_lines = read_table_rows(text, lines, header)
        if rows:
            candidates += rows
            used |= set(header) | row_lines
    return candidates, used


def is_header_cell(text: str, span: tuple[int, int]) -> bool:
    cell = text[span[0] : span[1]]
    return bool(HEADER_WORD.match(cell) or YEAR_HEADER.match(cell))


def find_header(text: str, lines: list[tuple[int, int]], first_year: int) -> list[int]:
    """Line numbers of the header cells around the first year column: 序号, 指标, 单位, year
    columns, 属性 ..."""
    first, last = first_year, first_year
    while first > 0 and is_header_cell(text, lines[first - 1]):
        first -= 1
    while last + 1 < len(lines) and is_header_cell(text, lines[last + 1]):
        last += 1
    return list(range(first, last + 1))


def find_layout(names: list[str]) -> Layout:
    """Target, baseline, label and unit columns from the header cells: the target is the year
    column that says 目标 (else the latest bare year), the baseline one that says 完成值 (else an
    earlier bare year)."""
    years = [(k, YEAR_HEADER.match(name)) for k, name in enumerate(names) if YEAR_HEADER.match(name)]
    marked = [(k, m) for k, m in years if m["target"]]
    target, target_match = marked[0] if marked else max(years, key=lambda km: int(km[1][1]))
    baselines = [(k, m) for k, m in years if m["baseline"]] or [
        (k, m) for k, m in years if not m["target"] and int(m[1]) < int(target_match[1])
    ]
    baseline, baseline_match = baselines[0] if baselines else (None, None)
    unit = next((k for k, name in enumerate(names) if UNIT_HEADER.match(name)), None)
    label = next((k for k, name in enumerate(names) if "指标" in name and not name.endswith("属性")), None)
    if label is None:
        label = next((k for k, name in enumerate(names) if k not in (target, baseline, unit) and name != "序号"), 0)
    return Layout(
        width=len(names),
        target=target,
        baseline=baseline,
        label=label,
        unit=unit,
        numbered=names[0] == "序号",
        target_year=int(target_match[1]),
        baseline_year=int(baseline_match[1]) if baseline_match else None,
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
        unit = cells[layout.unit] if layout.unit is not None else ""
        candidates.append(
            describe_table_row(spans[layout.target], target, cells[layout.label], unit, baseline, layout, row)
        )
        used |= set(range(first, first + layout.width))
        first += layout.width
    return candidates, used


def describe_table_row(
    span: tuple[int, int], cell: re.Match, label: str, unit_cell: str, baseline: str, layout: Layout, row: int
) -> Candidate:
    """A table row's target: value from the target cell, unit from the cell, the unit column or
    the label's "(单位)"."""
    label_unit = LABEL_UNIT.search(label)
    unit = cell["unit"] or unit_cell or (label_unit.group(1) if label_unit else "")
    if CUMULATIVE_WORD in label or cell["verb"] == CUMULATIVE_WORD:
        target_type = "cumulative"
    elif unit == "%" and GROWTH.search(label):
        target_type = "growth_rate"
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
