"""Chinese numerals and Traditional-to-Simplified conversion."""

from __future__ import annotations

import pytest
from sti_targets.chinese.numerals import chinese_numerals, number_forms, parse_chinese_numeral
from sti_targets.chinese.script import to_full_width, to_half_width, to_simplified


@pytest.mark.parametrize(
    "text,value",
    [("三", 3), ("十五", 15), ("一千", 1000), ("三百零五", 305), ("两万", 20000), ("二十", 20), ("一二", None)],
)
def test_parse_chinese_numeral(text, value):
    assert parse_chinese_numeral(text) == value


@pytest.mark.parametrize("n", [1, 2, 3, 10, 15, 20, 99, 100, 105, 300, 1000, 1200, 5000, 20000])
def test_numerals_round_trip(n):
    assert all(parse_chinese_numeral(form) == n for form in chinese_numerals(n))


def test_number_forms_cover_digits_full_width_and_chinese():
    forms = number_forms(300.0)
    assert {"300", "三百", "３００"} <= forms
    assert "2.6" in number_forms(2.6)


def test_full_width_forms_are_one_table_read_both_ways():
    ascii_forms = "0123456789.%-~,"
    assert to_full_width(ascii_forms) == "０１２３４５６７８９．％－～，"
    assert to_half_width(to_full_width(ascii_forms)) == ascii_forms
    assert {"２．６", "１，２００"} <= number_forms(2.6) | number_forms(1200.0)


def test_taiwan_words_become_mainland_words():
    assert to_simplified("具有自主智慧財產權的軟體") == "具有自主知识产权的软件"
    assert to_simplified("最佳化重組,關鍵技術攻關與套用,智慧型升級") == "优化重组,关键技术攻关与应用,智能升级"


def test_mainland_words_are_not_rewritten():
    # OpenCC's phrase-level tw2sp would turn these into 添加/创建/内核; t2s must not.
    assert to_simplified("新增 建立 核心 批次") == "新增 建立 核心 批次"
