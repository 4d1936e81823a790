"""Chinese text: Traditional to Simplified with a reviewed fix-up list, and Chinese numerals."""

from __future__ import annotations

import re
from functools import lru_cache

# Taiwan-style words that OpenCC's character-level t2s keeps, with the mainland word a
# reader expects. Reviewed against every occurrence in the Changde copy (003), whose
# automatic conversion introduced them. OpenCC's phrase-level tw2sp config was tried
# and rejected: it also rewrites mainland words (新增->添加, 建立->创建, 核心->内核,
# 批次->批量). Longest first, so that 人工智慧 is not half-replaced by a shorter entry.
TAIWAN_TO_MAINLAND = (
    ("智慧财产权", "知识产权"),
    ("人工智慧", "人工智能"),
    ("智慧型", "智能"),
    ("最佳化", "优化"),
    ("套用", "应用"),
    ("软体", "软件"),
    ("矽谷", "硅谷"),
    ("网路", "网络"),
)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Simplified Chinese with mainland vocabulary, for Traditional/Taiwan-style text."""
    out = _t2s().convert(text)
    for taiwan, mainland in TAIWAN_TO_MAINLAND:
        out = out.replace(taiwan, mainland)
    return out


DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(LARGE_UNITS)
CHINESE_NUMERAL = re.compile(f"[{NUMERAL_CHARS}]+")
FULL_WIDTH = str.maketrans("０１２３４５６７８９．％－～，", "0123456789.%-~,")


def to_half_width(text: str) -> str:
    """Full-width digits and the punctuation of numbers as ASCII (same length)."""
    return text.translate(FULL_WIDTH)


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
        forms = {"零一二三四五六七八九"[n]}
        return forms | ({"两"} if n == 2 else set())
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        if low:
            return set()
        return {h + "万" for h in chinese_numerals(high)}
    out = ""
    pending_zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十")):
        d, n = divmod(n, unit)
        if d:
            if pending_zero:
                out += "零"
                pending_zero = False
            out += "零一二三四五六七八九"[d] + name
        elif out:
            pending_zero = True
    if n:
        out += ("零" if pending_zero else "") + "零一二三四五六七八九"[n]
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
    full = str.maketrans("0123456789.", "０１２３４５６７８９．")
    return forms | {f.translate(full) for f in forms}
