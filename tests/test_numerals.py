"""The numeral reader (chinese.numerals.read_number, cn2an underneath) and the provenance check that
must accept what it reads: the project's own forms, then cn2an's published test cases."""

from __future__ import annotations

import math

import pytest
from sti_targets.chinese.numerals import numbers_in, read_number, states_value
from sti_targets.dataset.provenance import value_in_quote

# The forms plans write: (text, value). 110 of them.
PLAN_FORMS = [
    # digits, full-width, decimals, mixed with 万/亿
    ("12", 12), ("0.5", 0.5), ("2.65", 2.65), ("１２", 12), ("２．６", 2.6), ("３００", 300), ("1.5万", 15000),
    ("10.1万", 101000), ("16.4亿", 1_640_000_000), ("100万三千", 1_003_000), ("1万600", 10600), ("-3", -3),
    # single digits and 两/兩/〇
    ("零", 0), ("〇", 0), ("一", 1), ("二", 2), ("两", 2), ("兩", 2), ("三", 3), ("四", 4), ("五", 5), ("六", 6),
    ("七", 7), ("八", 8), ("九", 9),
    # tens
    ("十", 10), ("一十", 10), ("十一", 11), ("十五", 15), ("二十", 20), ("二十三", 23), ("九十九", 99), ("廿二", 22),
    # hundreds, thousands, zeros
    ("一百", 100), ("两百", 200), ("三百零五", 305), ("一百零一", 101), ("一百一十", 110), ("一百十", 110),
    ("二百五十", 250), ("九百九十九", 999), ("一千", 1000), ("两千", 2000), ("一千零一", 1001), ("一千零十", 1010),
    ("一千二百", 1200), ("三千五百", 3500), ("五千", 5000), ("九千零九", 9009),
    # 万 and 亿
    ("一万", 10000), ("两万", 20000), ("十万", 100000), ("十五万", 150000), ("一百万", 1_000_000),
    ("三万五千", 35000), ("一万零一", 10001), ("十万零一千", 101000), ("一亿", 100_000_000), ("十亿", 1_000_000_000),
    ("三亿五千万", 350_000_000), ("两亿", 200_000_000),
    # colloquial: the last digit takes the next unit down
    ("三万五", 35000), ("十三万五", 135000), ("一百二", 120), ("一百五", 150), ("两千六", 2600), ("兩千六", 2600),
    ("三千二", 3200), ("一万二", 12000), ("两百五", 250), ("一百二十万三", 1_203_000),
    # capital (financial) forms and Traditional characters
    ("壹", 1), ("贰", 2), ("叁", 3), ("肆", 4), ("伍", 5), ("陆", 6), ("柒", 7), ("捌", 8), ("玖", 9), ("拾", 10),
    ("壹佰", 100), ("壹仟", 1000), ("贰佰", 200), ("壹拾壹", 11), ("伍仟", 5000), ("壹万", 10000),
    ("兩萬", 20000), ("三萬五", 35000), ("十億", 1_000_000_000), ("一千二百萬", 12_000_000),
    # decimals in words
    ("三点五", 3.5), ("零点五", 0.5), ("二点六", 2.6), ("一点二", 1.2), ("十点五", 10.5), ("三點五", 3.5),
    ("零点零一", 0.01),
    # shares and fractions
    ("百分之三", 0.03), ("百分之八十", 0.8), ("百分之五十", 0.5), ("百分之一百", 1.0), ("百分之二点五", 0.025),
    ("三分之一", 1 / 3), ("三分之二", 2 / 3), ("四分之一", 0.25), ("十分之一", 0.1), ("五分之二", 0.4),
    ("1/3", 1 / 3), ("2/5", 0.4),
    # not numbers: digits in a row are ranges or years, units alone are no value, words are not numerals
    ("一两", None), ("三五", None), ("一二", None), ("二〇二五", None), ("百", None), ("万", None), ("亿", None),
    ("", None), ("十一五", None), ("点五", None), ("三点", None), ("abc", None), ("五十余", None), ("1/0", None),
]  # fmt: skip

# cn2an 0.5.24's published cases (cn2an/cn2an_test.py of github.com/Ailln/cn2an, MIT licence): its
# strict, normal and smart tables merged, without the money wording (元, 圆, 角, 分, 整, 正).
CN2AN_CASES = [
    ("零", 0),
    ("一", 1),
    ("十", 10),
    ("十一", 11),
    ("一十一", 11),
    ("二十", 20),
    ("二十一", 21),
    ("一百", 100),
    ("一百零一", 101),
    ("一百一十", 110),
    ("一百一十一", 111),
    ("一千", 1000),
    ("一千一百", 1100),
    ("一千一百一十", 1110),
    ("一千一百一十一", 1111),
    ("一千零一十", 1010),
    ("一千零十", 1010),
    ("一千零十一", 1011),
    ("一千零一十一", 1011),
    ("一千零一", 1001),
    ("一千一百零一", 1101),
    ("一万一千一百一十一", 11111),
    ("一十一万一千一百一十一", 111111),
    ("一百一十一万一千一百一十一", 1111111),
    ("一千一百一十一万一千一百一十一", 11111111),
    ("一亿一千一百一十一万一千一百一十一", 111111111),
    ("一十一亿一千一百一十一万一千一百一十一", 1111111111),
    ("一百一十一亿一千一百一十一万一千一百一十一", 11111111111),
    ("一千一百一十一亿一千一百一十一万一千一百一十一", 111111111111),
    ("一千一百一十一万一千一百一十一亿一千一百一十一万一千一百一十一", 1111111111111111),
    ("壹", 1),
    ("拾", 10),
    ("拾壹", 11),
    ("壹拾壹", 11),
    ("壹佰壹拾壹", 111),
    ("壹仟壹佰壹拾壹", 1111),
    ("壹万壹仟壹佰壹拾壹", 11111),
    ("壹拾壹万壹仟壹佰壹拾壹", 111111),
    ("壹佰壹拾壹万壹仟壹佰壹拾壹", 1111111),
    ("壹仟壹佰壹拾壹万壹仟壹佰壹拾壹", 11111111),
    ("壹亿壹仟壹佰壹拾壹万壹仟壹佰壹拾壹", 111111111),
    ("壹拾壹亿壹仟壹佰壹拾壹万壹仟壹佰壹拾壹", 1111111111),
    ("壹佰壹拾壹亿壹仟壹佰壹拾壹万壹仟壹佰壹拾壹", 11111111111),
    ("壹仟壹佰壹拾壹亿壹仟壹佰壹拾壹万壹仟壹佰壹拾壹", 111111111111),
    ("十万", 100000),
    ("十万零一", 100001),
    ("一万零一", 10001),
    ("一万零一十一", 10011),
    ("一万零一百一十一", 10111),
    ("一万零百一十一", 10111),
    ("一十万零一", 100001),
    ("一百万零一", 1000001),
    ("一千万零一", 10000001),
    ("一千零一万一千零一", 10011001),
    ("一千零一万零一", 10010001),
    ("一亿零一", 100000001),
    ("一十亿零一", 1000000001),
    ("一百亿零一", 10000000001),
    ("一千零一亿一千零一万一千零一", 100110011001),
    ("一千亿一千万一千零一", 100010001001),
    ("一千亿零一", 100000000001),
    ("零点零零零零零零零零零零零零零零一", 1e-15),
    ("零点零零零零零零零零零零零零零一", 1e-14),
    ("零点零零零零零零零零零零零零一", 1e-13),
    ("零点零零零零零零零零零零零一", 1e-12),
    ("零点零零零零零零零零零零一", 1e-11),
    ("零点零零零零零零零零零一", 1e-10),
    ("零点零零零零零零零零一", 1e-09),
    ("零点零零零零零零零一", 1e-08),
    ("零点零零零零零零一", 1e-07),
    ("零点零零零零零一", 1e-06),
    ("零点零零零零一", 1e-05),
    ("零点零零零一", 0.0001),
    ("零点零零一", 0.001),
    ("零点零一", 0.01),
    ("零点一", 0.1),
    ("负一", -1),
    ("负二", -2),
    ("负十", -10),
    ("负十一", -11),
    ("负一十一", -11),
    ("廿二", 22),
    ("一一", 11),
    ("一一一", 111),
    ("壹壹", 11),
    ("壹壹壹", 111),
    ("零点零", 0),
    ("零点零零", 0),
    ("一七二零", 1720),
    ("一七二零点一", 1720.1),
    ("一七二零点一三四", 1720.134),
    ("一二三", 123),
    ("负零点一零", -0.1),
    ("负一七二零", -1720),
    ("负一七二零点一", -1720.1),
    ("三万五", 35000),
    ("十三万五", 135000),
    ("两千六", 2600),
    ("一百二", 120),
    ("一百十一", 111),
    ("一百十六", 116),
    ("一千一十", 1010),
    ("一百二十万三", 1203000),
    ("十万零一千", 101000),
    ("一百九十万零三千九百七十一", 1903971),
    ("一亿五千万零六千三百五十五", 150006355),
    ("兩千六", 2600),
    ("壹拾万零叁仟肆佰伍拾叁", 103453),
    ("〇", 0),
    ("100万", 1000000),
    ("100万三千", 1003000),
    ("200亿零四千230", 20000004230),
    ("一百点123", 100.123),
    ("10.1万", 101000),
    ("-10.1万", -101000),
    ("16.4亿", 1640000000),
    ("35.1亿", 3510000000),
    ("1百01", 101),
    ("1万600", 10600),
    ("10.1", 10.1),
    ("-10.1", -10.1),
]
# cn2an's normal mode reads digits one by one ("一二三" 123); a plan writing "一两家" or "三五家" means
# one or two, three to five, so read_number refuses digits in a row (numerals.DIGIT_RUN).
CN2AN_REFUSED = {
    "一一",
    "一一一",
    "壹壹",
    "壹壹壹",
    "一七二零",
    "一七二零点一",
    "一七二零点一三四",
    "一二三",
    "负一七二零",
    "负一七二零点一",
}
# cn2an's published error cases: not numbers for cn2an, nor for read_number.
CN2AN_ERRORS = [
    "元整",
    "圆",
    "负",
    "零点",
    "点零",
    "零点点",
    "零点零大",
    "10.1万零100",
    "10..1万",
    "点一",
    "百十一",
    "十一十二",
    "十七十八",
]


def same(a: float | None, b: float | None) -> bool:
    return a is None and b is None or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9))


@pytest.mark.parametrize(("text", "value"), PLAN_FORMS)
def test_read_number_reads_the_forms_plans_write(text, value):
    assert same(read_number(text), value)


@pytest.mark.parametrize(("text", "value"), CN2AN_CASES)
def test_read_number_on_cn2an_s_published_cases(text, value):
    assert same(read_number(text), None if text in CN2AN_REFUSED else value)


def test_the_project_reads_all_of_cn2an_s_cases_but_its_digit_by_digit_readings():
    passed = sum(same(read_number(text), value) for text, value in CN2AN_CASES)
    assert (passed, len(CN2AN_CASES)) == (len(CN2AN_CASES) - len(CN2AN_REFUSED), 121)


@pytest.mark.parametrize("text", CN2AN_ERRORS)
def test_cn2an_s_error_cases_are_no_number(text):
    assert read_number(text) is None


@pytest.mark.parametrize(
    ("value", "quote"),
    [
        (35000, "科技型中小企业达到三万五千家"),
        (120, "培育创新型企业一百二十家"),
        (2600, "培训两千六百人次"),
        (2, "科技型企业达到两万家"),
        (20000, "科技型企业达到两万家"),
        (100, "资助壹佰万元"),
        (3.5, "产业规模达到三点五亿元"),
        (80, "覆盖率达到百分之八十"),
        (1.5, "企业达到1.5万家"),
        (2.6, "研发投入强度达到２．６％"),
    ],
)
def test_provenance_accepts_every_value_the_reader_reads(value, quote):
    assert value in {round(v, 6) for v in numbers_in(quote)} or states_value(value, quote)
    assert value_in_quote(float(value), "家", "level", quote)


@pytest.mark.parametrize(
    ("value", "quote"), [(12, "一两家企业"), (35, "三五家企业"), (5000, "达到三万五千家"), (3, "达到2.6%")]
)
def test_provenance_refuses_what_the_reader_does_not_read(value, quote):
    assert not value_in_quote(float(value), "家", "level", quote)
