"""Chinese numerals and the other ways a plan writes a number: 三百, 两万, 1/3, 三分之一, 全覆盖."""

from __future__ import annotations

import re

from .script import to_full_width

CHINESE_DIGITS = "零一二三四五六七八九"  # CHINESE_DIGITS[n] is how a plan writes the digit n
DIGITS = {digit: n for n, digit in enumerate(CHINESE_DIGITS)} | {"〇": 0, "两": 2, "兩": 2}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
# Below 万: a plan writes 万 and 亿 as part of a unit after such a numeral (十五家, 两万家, 十亿元).
SMALL_NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS)
NUMERAL_CHARS = SMALL_NUMERAL_CHARS + "".join(LARGE_UNITS)
CHINESE_NUMERAL = re.compile(f"[{NUMERAL_CHARS}]+")
# Words that state a number without a numeral, and the (value, unit) they stand for.
NUMBER_WORDS = {
    "全覆盖": (100.0, "%"),
    "全覆蓋": (100.0, "%"),
}
FRACTION = re.compile(r"(\d+)\s*/\s*(\d+)")  # numerator, denominator
CHINESE_FRACTION = re.compile(f"([{NUMERAL_CHARS}]+)分之([{NUMERAL_CHARS}]+)")


def parse_chinese_numeral(text: str) -> int | None:
    """一千 -> 1000, 十五 -> 15, 三百零五 -> 305, 两万 -> 20000; None if not a numeral."""
    if not text or not CHINESE_NUMERAL.fullmatch(text) or text in ("零", "〇"):
        return 0 if text in ("零", "〇") else None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0:
                return None  # two digits in a row: "一二" is not a numeral
            digit = DIGITS[ch] if DIGITS[ch] != 0 else None
        elif ch in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        else:
            section += digit or 0
            if section == 0:
                return None
            total += section * LARGE_UNITS[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def chinese_numerals(n: int) -> set[str]:
    """The ways a plan may write a whole number in Chinese: 15 -> {十五, 一十五}."""
    if n < 0:
        return set()
    if n < 10:
        forms = {CHINESE_DIGITS[n]}
        return forms | ({"两"} if n == 2 else set())
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        if low:
            return set()
        return {h + "万" for h in chinese_numerals(high)}
    out = ""
    pending_zero = False
    for name, unit in sorted(SMALL_UNITS.items(), key=lambda item: -item[1]):
        d, n = divmod(n, unit)
        if d:
            if pending_zero:
                out += "零"
                pending_zero = False
            out += CHINESE_DIGITS[d] + name
        elif out:
            pending_zero = True
    if n:
        out += ("零" if pending_zero else "") + CHINESE_DIGITS[n]
    forms = {out}
    if out.startswith("一十"):
        forms.add(out[1:])
    if out.startswith("二") and not out.startswith("二十"):
        forms.add("两" + out[1:])
    return forms


def number_forms(value: float) -> set[str]:
    """Strings by which a value may appear in a quote: 2.6, 300, 三百, １２, 1/3 ..."""
    forms = {f"{value:g}", repr(value)}
    if float(value).is_integer():
        n = int(value)
        forms |= {str(n), f"{n:,}"} | chinese_numerals(n)
    return forms | {to_full_width(f) for f in forms}


def fractions_in(quote: str) -> set[float]:
    """The values of the fractions a text writes: 1/3 and 三分之一 give 0.3333."""
    found = {round(int(a) / int(b), 4) for a, b in FRACTION.findall(quote) if int(b)}
    for denominator, numerator in CHINESE_FRACTION.findall(quote):
        d, n = parse_chinese_numeral(denominator), parse_chinese_numeral(numerator)
        if d and n is not None:
            found.add(round(n / d, 4))
    return found
