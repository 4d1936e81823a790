"""Numbers as plans write them, read by one function (``read_number``) on top of cn2an: 三百, 两万,
三万五 (35000), 一百二 (120), 壹佰, 三点五, 1.5万, 百分之三, 三分之一; and the values a quote states,
for the provenance check (``numbers_in``), so that the check accepts exactly what the reader reads."""

from __future__ import annotations

import math
import re
from functools import lru_cache

import cn2an

from .script import to_full_width, to_half_width

CHINESE_DIGITS = "零一二三四五六七八九"  # CHINESE_DIGITS[n] is how a plan writes the digit n
# Every character that writes a digit: 〇, 两/兩, the capital (financial) forms, 廿 (twenty).
DIGIT_CHARS = CHINESE_DIGITS + "〇两兩壹贰貳叁肆伍陆陸柒捌玖廿"
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
LARGE_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
POINT = "点點"
# Below 万: a plan writes 万 and 亿 as part of a unit after such a numeral (十五家, 两万家, 十亿元).
SMALL_NUMERAL_CHARS = DIGIT_CHARS + "".join(SMALL_UNITS) + POINT
NUMERAL_CHARS = SMALL_NUMERAL_CHARS + "".join(LARGE_UNITS)
CHINESE_NUMERAL = re.compile(f"[{NUMERAL_CHARS}]+")
# A digit other than zero right before another digit, before the point ("一两家" one or two, "三五家"
# a few, "二〇二五" a year), is not a quantity: cn2an's normal mode would read them digit by digit.
DIGIT_RUN = re.compile("[{}][{}]".format(re.sub("[零〇廿]", "", DIGIT_CHARS), DIGIT_CHARS.replace("廿", "")))
# Words that state a number without a numeral, and the (value, unit) they stand for.
NUMBER_WORDS = {
    "全覆盖": (100.0, "%"),
    "全覆蓋": (100.0, "%"),
    "翻一番": (2.0, "倍"),
    "翻两番": (4.0, "倍"),
    "翻兩番": (4.0, "倍"),
    "倍增": (2.0, "倍"),
}
FRACTION = re.compile(r"(\d+)\s*/\s*(\d+)")  # numerator, denominator
CHINESE_FRACTION = re.compile(f"([{NUMERAL_CHARS}]+)分之([{NUMERAL_CHARS}]+)")  # denominator, numerator
PERCENT_WORD = "百分之"
ARABIC = re.compile(r"-?\d+(?:\.\d+)?")


def read_number(text: str) -> float | None:
    """The value a numeral writes, None if it writes none: "12", "1.5万" (15000), "三万五" (35000),
    "一百二" (120), "两千六" (2600), "壹佰" (100), "三点五" (3.5), "百分之三" (0.03), "三分之一"
    and "1/3" (0.3333...); full-width digits too. Not "一二" or "三五" (digits in a row, see DIGIT_RUN)."""
    text = to_half_width(text).strip()
    if ARABIC.fullmatch(text):
        return float(text)
    digits = FRACTION.fullmatch(text)
    if digits:
        return int(digits[1]) / int(digits[2]) if int(digits[2]) else None
    if text.startswith(PERCENT_WORD):
        share = read_number(text[len(PERCENT_WORD) :])
        return None if share is None else share / 100
    fraction = CHINESE_FRACTION.fullmatch(text)
    if fraction:
        denominator, numerator = read_number(fraction[1]), read_number(fraction[2])
        return numerator / denominator if denominator and numerator is not None else None
    if not text or text[-1] in POINT or DIGIT_RUN.search(re.split(f"[{POINT}]", text)[0]):
        return None
    try:
        return float(cn2an.cn2an(text.replace("點", "点"), "smart"))
    except (ValueError, IndexError, KeyError):  # cn2an raises the last two on some malformed numerals (圆, 百十一)
        return None


def numbers_in(quote: str) -> set[float]:
    """Every value the reader reads from a numeral of the quote: each run of numeral characters,
    also without the 万/亿 a unit begins with ("两万家" states 2 and 20000), and each fraction."""
    found = set()
    for m in CHINESE_NUMERAL.finditer(quote):
        for text in {m.group(), m.group().rstrip("".join(LARGE_UNITS))}:
            value = read_number(text) if text else None
            if value is not None:
                found.add(value)
    return found | fractions_in(quote)


def states_value(value: float, quote: str) -> bool:
    """Does the quote write this value: digits (2.6, 1,200, full-width) or a numeral the reader reads?"""
    if any(form in quote for form in _number_forms(value, type(value), repr(value))):
        return True
    return any(math.isclose(value, found, rel_tol=1e-9) for found in numbers_in(quote))


def number_forms(value: float) -> set[str]:
    """Strings by which a value may appear in digits in a quote: 2.6, 300, 1,200, ２．６ ..."""
    forms = {f"{value:g}", repr(value)}
    if float(value).is_integer():
        n = int(value)
        forms |= {str(n), f"{n:,}"}
    return forms | {to_full_width(f) for f in forms}


@lru_cache(maxsize=65536)
def _number_forms(value: float, kind: type, text: str) -> frozenset[str]:
    """number_forms, once per value: the same values recur across thousands of targets. (The type
    and repr are in the key to tell apart values that compare equal but print apart: 1, 1.0, -0.0.)"""
    return frozenset(number_forms(value))


def fractions_in(quote: str) -> set[float]:
    """The values of the fractions a text writes: 1/3 and 三分之一 give 0.3333."""
    found = {round(int(a) / int(b), 4) for a, b in FRACTION.findall(quote) if int(b)}
    for m in CHINESE_FRACTION.finditer(quote):
        value = read_number(m.group())
        if value is not None:
            found.add(round(value, 4))
    return found
