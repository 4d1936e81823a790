"""Chinese script: Traditional to Simplified with a reviewed fix-up list, and full-width forms."""

from __future__ import annotations

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


FULL_WIDTH = str.maketrans("０１２３４５６７８９．％－～，", "0123456789.%-~,")  # full-width -> ASCII
TO_FULL_WIDTH = {ascii_code: full_code for full_code, ascii_code in FULL_WIDTH.items()}  # ASCII -> full-width


def to_half_width(text: str) -> str:
    """Full-width digits and the punctuation of numbers as ASCII (same length)."""
    return text.translate(FULL_WIDTH)


def to_full_width(text: str) -> str:
    """ASCII digits and the punctuation of numbers in their full-width forms (same length)."""
    return text.translate(TO_FULL_WIDTH)
