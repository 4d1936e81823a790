"""The prose of a plan: paragraphs (lines), sentences (。！？) and clauses (，；：), the numbers
a clause commits to, and each number's quote (several in one clause are cut at the "、" between
them: "新增国家级众创空间2个、省级众创空间5个")."""

from __future__ import annotations

from dataclasses import replace

from .candidates import Candidate, Context, Place, Sentence, Token
from .classify import describe
from .lexicon import (
    BASELINE_YEAR,
    COMMITMENT,
    FUTURE_CUE,
    FUTURE_YEAR,
    NEW_CUE,
    PAST_CUE,
    PERIOD,
    PERIODS,
    RESPECTIVELY,
    YEAR,
)
from .numbers import find_tokens, label_reason
from .spans import CLAUSE_END, SENTENCE_END, split_spans, trim


def read_paragraph(context: Context, start: int, end: int) -> list[Candidate]:
    """Candidates of one line; a year, or a look back, carries over to the sentences after it."""
    found, year, past = [], None, False
    for s, e in split_spans(context.plan.text, start, end, SENTENCE_END):
        sentence = describe_sentence(context, s, e, past)
        past = sentence.past
        if not past:
            sentence = replace(sentence, year=sentence.year or year)
            year = sentence.year
            found += read_sentence(context, sentence)
    return found


def describe_sentence(context: Context, start: int, end: int, after_past: bool) -> Sentence:
    """The year a sentence states, and whether it commits to the future or reports the past.

    Past: it has a retrospective word (截至, 以来, 同比, 现有, 尚未 ...) and no commitment (到2025年,
    力争, 每年, 年内 ...); or it names a year before the plan's last one, or follows a past sentence
    of its paragraph without naming a year, and neither a commitment nor a year ahead governs it nor
    does it say 新增/新建.
    """
    text = context.plan.text[start:end]
    stated = stated_years(context, start, end)
    years = [year for _, year, _ in stated]
    end_year = context.end_year
    cue = bool(FUTURE_CUE.search(text)) or any(future for _, _, future in stated)
    future = cue or any(end_year is not None and y >= end_year for y in years)
    earlier_year = any(end_year is not None and y < end_year for y in years)
    undated = (earlier_year or (after_past and not years)) and not NEW_CUE.search(text)
    # A look-back word outweighs a year alone (in a plan of one year, "2022年…同比增长18.3%").
    past = (not cue and bool(PAST_CUE.search(text))) or (not future and undated)
    return Sentence(start, end, max(years) if years else None, past, future)


def stated_years(context: Context, start: int, end: int) -> list[tuple[int, int, bool]]:
    """(offset, year, future) of the years text[start:end] states: 2025年, the end of 2023年至2025年,
    a period's last year (十四五 2025); future where 到/至/力争 says so; not a baseline (较2020年)."""
    masked = context.masked
    baselines = {m.start(1) for m in BASELINE_YEAR.finditer(masked, start, end)}
    found = {m.start(1): (int(m[1]), False) for m in YEAR.finditer(masked, start, end) if m.start(1) not in baselines}
    for m in FUTURE_YEAR.finditer(masked, start, end):
        at = m.start(1) if m[1] else m.start(2)
        found[at] = (int(m[1] or m[2]), True)
    for m in PERIOD.finditer(masked, start, end):
        found[m.start()] = (PERIODS[m.group()], False)  # FUTURE_CUE says which periods lie ahead
    return [(at, year, future) for at, (year, future) in sorted(found.items())]


def looks_back(context: Context, sentence: Sentence, token: Token) -> bool:
    """The last year stated before the number is earlier than the sentence's, and no 到/至 puts it
    ahead: "2023年达到28亿元，到2025年突破40亿元", "由2020年的1.8%提高到2025年的2.5%"."""
    before = [(year, future) for at, year, future in stated_years(context, sentence.start, token.start)]
    return bool(before) and sentence.year is not None and before[-1][0] < sentence.year and not before[-1][1]


def read_sentence(context: Context, sentence: Sentence) -> list[Candidate]:
    """Candidates in the clauses of a sentence."""
    text = context.plan.text
    found = []
    for start, end in split_spans(text, sentence.start, sentence.end, CLAUSE_END):
        tokens = [t for t in find_tokens(text, start, end) if not label_reason(text, start, end, t)]
        previous: tuple[Token, Candidate] | None = None
        for index, (token, quote) in enumerate(zip(tokens, quote_spans(text, start, end, tokens), strict=True)):
            if not is_committed(text, sentence, token) or looks_back(context, sentence, token):
                continue
            lead_start = max(quote[0], previous[0].end) if previous else quote[0]
            place = Place(start, quote[0], quote[1], lead_start, index)
            candidate = describe(context, sentence, token, place, previous[1] if previous else None)
            found.append(candidate)
            previous = (token, candidate)
    return found


def quote_spans(text: str, start: int, end: int, tokens: list[Token]) -> list[tuple[int, int]]:
    """Each token's quote: its clause, cut at the "、" (or right after the number) between two
    numbers; the whole clause for all where it says 分别 or has a 零的突破."""
    if not tokens or RESPECTIVELY in text[start:end] or any(t.kind == "breakthrough" for t in tokens):
        return [(start, end)] * len(tokens)
    spans, quote_start = [], start
    for left, right in zip(tokens, tokens[1:], strict=False):
        mark = text.rfind("、", left.end, right.start)
        quote_end, next_start = (mark, mark + 1) if mark >= 0 else (left.end, left.end)
        spans.append(trim(text, quote_start, quote_end))
        quote_start = next_start
    spans.append(trim(text, quote_start, end))
    return spans


def is_committed(text: str, sentence: Sentence, token: Token) -> bool:
    """A future cue governs the sentence, or a commitment word comes before or just after the number."""
    return sentence.future or bool(COMMITMENT.search(text, sentence.start, token.end + 4))
