"""What a number means: the target_type, comparator, target_year, level, is_stretch, indicator,
unit, confidence and note of the candidate a number stands for."""

from __future__ import annotations

from ..dataset.vocabulary import COUNT_UNITS, FRACTION_UNIT, MONEY_UNITS_TO_100M
from .candidates import Candidate, Context, Place, Sentence, Token
from .lexicon import (
    ABOUT_BEFORE,
    AT_LEAST_BEFORE,
    CUMULATIVE_WORD,
    EVERY_YEAR,
    EVERY_YEAR_ENDS,
    GROWTH,
    LEVEL,
    LEVELS,
    MAINTAIN_WORD,
    RESPECTIVELY,
    STRETCH,
    SUFFIX_COMPARATORS,
    VERB,
    WITHIN_YEAR,
    indicator_keywords,
    indicator_table,
)
from .spans import CLAUSE_END, previous_clause, split_spans


def describe(context: Context, sentence: Sentence, token: Token, place: Place, previous: Candidate | None) -> Candidate:
    """The candidate a token stands for at its place in the sentence."""
    text = context.plan.text
    quote = text[place.quote_start : place.quote_end]
    before = text[sentence.start : token.start]
    named = text[slice(*token.subject)] if token.subject else quote
    yearly = every_year(text, sentence, place)
    target_type = classify(token, quote, text[place.quote_start : token.start], before, yearly)
    indicator, scope = guess_indicator(named, target_type), named
    if indicator is None:
        scope = previous_clause(text, sentence.start, place.clause_start)
        indicator = guess_indicator(scope, target_type)
    year, year_note = (sentence.year, "") if sentence.year else (context.end_year, "year implied by plan period")
    confidence = 0.5 + 0.2 * (indicator is not None) + 0.15 * bool(sentence.year) + 0.15 * sentence.future
    confidence -= 0.2 * (token.kind in ("chinese", "borrowed", "rank"))
    return Candidate(
        start=place.quote_start,
        end=place.quote_end,
        value=token.value,
        value_high=token.value_high,
        unit=unit_of(token, indicator),
        target_type=target_type,
        comparator=compare(token, text[place.lead_start : token.start], previous),
        target_year=year,
        level=find_level(named if LEVEL.search(named) else scope, place.index if RESPECTIVELY in quote else None),
        is_stretch=is_stretch(text, sentence, token, place.clause_start),
        indicator_id=indicator,
        confidence=round(min(confidence, 0.95), 2),
        note="; ".join(filter(None, [year_note, reading_note(token)])),
    )


def every_year(text: str, sentence: Sentence, place: Place) -> bool:
    """每年 governs the token's clause: it is said there before the number, or in an earlier clause
    with no clause of its own year or total between (到2025年, 累计, 全市: "每年新增50家，到2025年达到500家")."""
    governs = False
    for start, end in split_spans(text, sentence.start, place.quote_end, CLAUSE_END):
        if EVERY_YEAR.search(text, start, end):
            governs = True
        elif EVERY_YEAR_ENDS.search(text[start:end]):
            governs = False
    return governs


def classify(token: Token, quote: str, own: str, before: str, yearly: bool = False) -> str:
    """target_type from the quote, its words before the number (own), the sentence before it, and
    whether 每年 governs its clause (yearly)."""
    if token.kind == "breakthrough":
        return "breakthrough"
    if token.kind in ("multiple", "rank"):
        return "level"
    if token.unit == "%" and GROWTH.search(quote):
        return "growth_rate"
    if MAINTAIN_WORD in own:
        return "maintain"
    if CUMULATIVE_WORD in own:
        return "cumulative"
    if token.unit in ("%", FRACTION_UNIT, "个百分点"):
        return "share"
    verbs = list(VERB.finditer(own)) or list(VERB.finditer(before))
    money = token.unit in MONEY_UNITS_TO_100M
    # 年内/全年 with a flow (举办, 发放, 争取资金) or, for money, new additions (全年新增贷款12亿元).
    flow = any(v["flow"] for v in VERB.finditer(own)) or bool(money and verbs and verbs[-1]["addition"])
    within_year = WITHIN_YEAR.search(before) and flow
    if yearly or within_year:
        return "annual"
    if money:
        return "increment" if verbs and verbs[-1]["flow"] else "level"
    return "increment" if verbs and not verbs[-1]["level"] else "level"


def compare(token: Token, lead: str, previous: Candidate | None) -> str:
    """>= for 以上/不少于/突破/超过 ..., ~ for 左右/约, else =; a number that follows another with only
    "、" between shares its comparator ("分别突破50家、220家")."""
    suffix = SUFFIX_COMPARATORS.get(token.suffix)
    if token.kind == "rank":
        return "<="
    if token.kind == "breakthrough" or suffix == ">=" or AT_LEAST_BEFORE.search(lead):
        return ">="
    if suffix == "~" or ABOUT_BEFORE.search(lead):
        return "~"
    if previous is not None and not lead.strip(" 、"):
        return previous.comparator
    return "="


def is_stretch(text: str, sentence: Sentence, token: Token, clause_start: int) -> bool:
    """力争/争取 before the number; where the sentence says it more than once, only the clauses saying it."""
    marks = [m.start() for m in STRETCH.finditer(text, sentence.start, sentence.end)]
    if len(marks) > 1:
        return any(clause_start <= m < token.start for m in marks)
    return any(m < token.start for m in marks)


def guess_indicator(text: str, target_type: str) -> str | None:
    """The indicator the first matching keyword of the table names; its new-additions variant for
    increments and annual targets."""
    for keyword in indicator_keywords():
        if keyword.pattern.search(text):
            return keyword.increment_indicator_id if target_type in ("increment", "annual") else keyword.indicator_id
    return None


def find_level(text: str, index: int | None = None) -> str | None:
    """The tier text names (none where it names two); with 分别, the index-th tier named."""
    levels = [LEVELS[m.group(1) or m.group(2)] for m in LEVEL.finditer(text)]
    if index is not None:
        return levels[index] if index < len(levels) else None
    return levels[0] if len(set(levels)) == 1 else None


def unit_of(token: Token, indicator: str | None) -> str:
    """The token's unit; for 零的突破 the indicator's natural count unit, else 个."""
    if token.unit:
        return token.unit
    natural = indicator_table().get(indicator or "", ("", ""))[1]
    return natural if natural in COUNT_UNITS else "个"


def reading_note(token: Token) -> str:
    """How the number was read, where a reviewer should know."""
    notes = {
        "chinese": "Chinese numeral",
        "fraction": "fraction, 4 decimals",
        "breakthrough": "零的突破 / 实现突破 read as at least 1",
        "coverage": "全覆盖 read as 100%",
        "multiple": "翻一番/翻两番/倍增 read as a multiple of the base",
        "rank": "rank: this place or better",
        "borrowed": "unit lost in the copy, taken from the next number",
    }
    return notes.get(token.kind, "range" if token.value_high is not None else "")
