"""Chinese numerals and Traditional-to-Simplified conversion."""

from __future__ import annotations

import pytest
from sti_targets.chinese.numerals import number_forms, read_number, states_value
from sti_targets.chinese.script import to_full_width, to_half_width, to_simplified


@pytest.mark.parametrize(
    "text,value",
    [("三", 3), ("十五", 15), ("一千", 1000), ("三百零五", 305), ("两万", 20000), ("二十", 20), ("一二", None)],
)
def test_read_number(text, value):
    assert read_number(text) == value


def test_number_forms_cover_digits_and_full_width_and_quotes_their_chinese_numerals():
    assert {"300", "３００", "1,200"} <= number_forms(300.0) | number_forms(1200.0)
    assert "2.6" in number_forms(2.6)
    assert states_value(300.0, "达到三百家") and not states_value(300.0, "达到三千家")


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
