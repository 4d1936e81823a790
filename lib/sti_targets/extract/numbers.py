"""The numbers of a clause: a number with a unit ("300家", "1.2万家", "十五家", "4-6个", "10至15项"),
a fraction ("1/3"), 零的突破, 全覆盖 and a rank ("进入前五"), and why a number is only a label
(“4+4”, quoted names, 《titles》, 第十九届, counts of a list)."""

from __future__ import annotations

import re

from ..chinese.numerals import (
    CHINESE_DIGITS,
    CHINESE_FRACTION,
    FRACTION,
    NUMBER_WORDS,
    NUMERAL_CHARS,
    PERCENT_WORD,
    read_number,
)
from ..dataset.vocabulary import FRACTION_UNIT
from .candidates import Token
from .lexicon import NOT_YET, RANGE_MARKS, SUBJECT_FILLER, SUFFIX, UNIT, alternation

NUMBER = r"\d+(?:\.\d+)?"
# Shortest first, so that 万 and 亿 go to the unit where one follows ("两万家" is 2 万家) and stay in the
# numeral where more numeral follows ("三万五千家" is 35000 家).
CHINESE = f"[{NUMERAL_CHARS}]+?"
QUANTITY = re.compile(
    rf"(?<![\d.A-Za-z])(?P<low>{NUMBER}|{CHINESE})(?:\s*(?:[{RANGE_MARKS}]|到)\s*(?P<high>{NUMBER}|{CHINESE}))?"
    rf"\s*(?P<unit>{UNIT})(?P<suffix>{SUFFIX})?"
)
FRACTION_IN_TEXT = re.compile(
    rf"(?<![\d./]){FRACTION.pattern}(?![\d./%])(?P<suffix>{SUFFIX})?|{CHINESE_FRACTION.pattern}(?P<csuffix>{SUFFIX})?"
)
PERCENT_IN_WORDS = re.compile(rf"{PERCENT_WORD}(?P<n>[{NUMERAL_CHARS}]+)(?P<suffix>{SUFFIX})?")
# 倍增 before another word names a programme or a process (倍增计划, 倍增升级) and states no target.
NUMBER_WORD = re.compile(rf"(?:{alternation(*NUMBER_WORDS)})(?<!倍增(?=[\u4e00-\u9fff]))")
BREAKTHROUGH = re.compile(r"“?零”?的突破|实现突破")
RANK_NUMERAL = f"[{CHINESE_DIGITS[2:]}十]+|\\d+"  # 前二 .. 前十, 前3
RANK = re.compile(rf"(?:进入|跻身|位居|位列|保持)[^,;:。]{{0,8}}?前(?P<n>{RANK_NUMERAL})(?![年个月天日])")
HAN = re.compile(r"[\u4e00-\u9fff]")
BARE_NUMBER = re.compile(rf"(?<![\d.A-Za-z/])({NUMBER})(?={HAN.pattern})(?![年月日号届])")


def find_tokens(text: str, start: int, end: int) -> list[Token]:
    """Numbers with a unit, fractions, 零的突破, 全覆盖 and ranks in text[start:end], in order."""
    tokens = [t for t in map(quantity_token, QUANTITY.finditer(text, start, end)) if t is not None]
    for m in PERCENT_IN_WORDS.finditer(text, start, end):
        share = read_number(m["n"])
        if share is not None:
            tokens.append(Token(m.start(), m.end(), share, None, "%", "chinese", m["suffix"] or ""))
    for m in FRACTION_IN_TEXT.finditer(text, start, end):
        value = read_number(m.group().removesuffix(m["suffix"] or m["csuffix"] or ""))
        if value is not None and 0 < value < 1:
            suffix = m["suffix"] or m["csuffix"] or ""
            end_of_number = m.end() - len(suffix)
            tokens.append(Token(m.start(), end_of_number, round(value, 4), None, FRACTION_UNIT, "fraction", suffix))
    for m in NUMBER_WORD.finditer(text, start, end):
        value, unit = NUMBER_WORDS[m.group()]
        tokens.append(Token(m.start(), m.end(), value, None, unit, "coverage" if unit == "%" else "multiple"))
    for m in RANK.finditer(text, start, end):
        rank = read_number(m["n"])
        tokens.append(Token(m.start("n") - 1, m.end(), float(rank), None, "名", "rank"))
    tokens = without_overlaps(tokens)
    tokens += borrowed_unit_tokens(text, start, end, tokens) + breakthrough_tokens(text, start, end)
    return sorted(tokens, key=lambda t: t.start)


def quantity_token(m: re.Match) -> Token | None:
    """A number (or range) with a unit; None for Chinese characters that are not a numeral."""
    low, high = read_number(m["low"]), read_number(m["high"]) if m["high"] else None
    if low is None or (m["high"] and high is None):
        return None
    kind = "quantity" if m["low"][0].isdigit() else "chinese"
    return Token(m.start(), m.end(), low, high, m["unit"], kind, m["suffix"] or "")


def without_overlaps(tokens: list[Token]) -> list[Token]:
    """Where two tokens overlap, keep the one listed first (numbers with units before the rest)."""
    kept: list[Token] = []
    for token in tokens:
        if all(token.end <= k.start or token.start >= k.end for k in kept):
            kept.append(token)
    return kept


def borrowed_unit_tokens(text: str, start: int, end: int, tokens: list[Token]) -> list[Token]:
    """Numbers whose unit the copy lost ("企业15专业化小巨人企业3家"): they take the unit of a number
    with a unit that follows closely in the clause."""
    found = []
    for m in BARE_NUMBER.finditer(text, start, end):
        following = [t for t in tokens if t.kind == "quantity" and m.end() < t.start <= m.end() + 15]
        inside = any(t.start <= m.start() < t.end for t in tokens)
        after_word = m.start() > start and (HAN.match(text[m.start() - 1]) or text[m.start() - 1] == "”")
        if following and after_word and not inside:
            found.append(Token(m.start(), m.end(), float(m.group(1)), None, following[0].unit, "borrowed"))
    return found


def breakthrough_tokens(text: str, start: int, end: int) -> list[Token]:
    """零的突破 / 实现突破: value 1, one token for each thing named before it ("A、B实现零的突破");
    none where nothing is named ("力争实现突破") or it has not happened (尚未实现)."""
    found = []
    for m in BREAKTHROUGH.finditer(text, start, end):
        if not NOT_YET.search(text, start, m.start()):
            subjects = split_subjects(text, start, m.start())
            found += [Token(m.start(), m.end(), 1.0, None, "", "breakthrough", subject=s) for s in subjects]
    return found


def split_subjects(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The things named in text[start:end], cut at "、" outside brackets; none if it names nothing."""
    spans, depth, piece = [], 0, start
    for i in range(start, end):
        depth += (text[i] in "(（") - (text[i] in ")）")
        if text[i] == "、" and depth == 0:
            spans.append((piece, i))
            piece = i + 1
    spans.append((piece, end))
    return [(s, e) for s, e in spans if HAN.search(SUBJECT_FILLER.sub("", text[s:e]))]


def label_reason(text: str, start: int, end: int, token: Token) -> str | None:
    """Why a token of the clause text[start:end] is a label or a count of named things, not a
    target; None if it is neither."""
    before, after = text[start : token.start], text[token.end : end]
    chinese = token.kind == "chinese"
    if token.kind in ("breakthrough", "coverage", "multiple", "rank"):
        return None
    if re.search(r"第\s*$", before) or (chinese and re.search(r"届\s*$", before)):
        return "ordinal"
    if before.endswith("+") or after.startswith("+"):
        return "label such as 4+4"
    if opens_unclosed(before[-12:], "“", "”") or opens_unclosed(before, "《", "》"):
        return "quoted name or title"
    if opens_unclosed(before, "(", ")") and ")" in after:
        return "parenthetical"
    if before.endswith("等") or (chinese and ("、" in before or before.endswith("以下"))):
        return "count of a list"
    if before.endswith("在") and after.startswith("的"):
        return "threshold"
    if chinese and token.value < 2:
        return "一 or 零 inside a word"
    return None


def opens_unclosed(text: str, opening: str, closing: str) -> bool:
    return text.rfind(opening) > text.rfind(closing)
