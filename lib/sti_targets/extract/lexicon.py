"""The words the extractor reads: units, commitment and look-back cues, verbs, comparator words,
tiers, and the indicator keyword table (data/lexicon/indicator_keywords.csv, loaded once).

Each word list is written here once; the patterns of prose.py, numbers.py and tables.py are built
from these pieces. Units and money factors come from dataset/vocabulary.py, numerals from
chinese/numerals.py.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import paths
from ..dataset.csvfiles import read_text
from ..dataset.vocabulary import UNITS
from ..errors import DataError, Problem, display_path


def alternation(*words: str) -> str:
    """words as one regex alternation, each matched literally."""
    return "|".join(map(re.escape, words))


# --- units -----------------------------------------------------------------------------------------

# A unit followed by one of these characters begins another word (项目, 个月, 条件, 零部件 ...).
NOT_AFTER_UNIT = {
    "项": "目", "个": "月", "条": "件", "支": "持", "场": "景所", "部": "门署分件", "人": "民",
    "所": "有属在", "期": "间", "批": "次", "种": "子", "台": "阶",
}  # fmt: skip
# Longest first, so that 万人次 is not read as 万人 and 个百分点 not as 个.
UNIT = "|".join(
    re.escape(u) + (f"(?![{NOT_AFTER_UNIT[u]}])" if u in NOT_AFTER_UNIT else "")
    for u in sorted(UNITS, key=len, reverse=True)
)
RANGE_MARKS = re.escape("-—–~至")  # between the ends of a range ("4-6个", "10至15项"), for a [character class]

# --- comparators -----------------------------------------------------------------------------------

# Words right after a number that set its comparator, longest first ("100家以上", "50场左右").
SUFFIX_COMPARATORS = {"及以上": ">=", "以上": ">=", "多": ">=", "左右": "~"}
SUFFIX = alternation(*SUFFIX_COMPARATORS)
# Words right before a number that set its comparator ("不少于30人", "约200人").
AT_LEAST_WORDS = ("不少于", "不低于", "突破", "超过", "超", "多于", "高于", "大于")
ABOUT_WORDS = ("约", "大约")
AT_LEAST_BEFORE = re.compile(rf"(?:{alternation(*AT_LEAST_WORDS)})\s*$")
ABOUT_BEFORE = re.compile(rf"(?:{alternation(*ABOUT_WORDS)})\s*$")

# --- words that set a target's type or reading ----------------------------------------------------

CUMULATIVE_WORD = "累计"  # cumulative over the period
MAINTAIN_WORD = "保持"  # maintain a level
RESPECTIVELY = "分别"  # several numbers in one clause, for the things it names in order

# --- commitment and look-back ----------------------------------------------------------------------

STRETCH_WORDS = ("力争", "争取")  # strive to: is_stretch
# 争取 with funds or projects as its object is the verb "to win" (争取上级科技资金2亿元), not "strive to".
OBTAIN = re.compile(r"争取(?=[^,;:。到在实达突超]{0,14}?(?:资金|经费|项目|支持))")
STRETCH = re.compile(rf"力争|争取(?!{OBTAIN.pattern.removeprefix('争取')})")
EVERY_YEAR = re.compile("每年")
WITHIN_YEAR = re.compile("年内|全年")
CALENDAR_YEAR = r"(?:19|20)\d{2}"
YEAR = re.compile(rf"(?<![\d{RANGE_MARKS}])({CALENDAR_YEAR})\s*年")
# A year a number is compared with (较2020年翻一番): not the year of the sentence, nor a look back.
BASELINE_YEAR = re.compile(rf"(?:较|比|相比|与)\s*({CALENDAR_YEAR})\s*年")
# Five-year periods by name, and their last years.
PERIODS = {"十三五": 2020, "十四五": 2025, "十五五": 2030}
PERIOD = re.compile(alternation(*PERIODS))
FUTURE_YEAR = re.compile(
    rf"(?:到|(?<!截)至|{alternation(*STRETCH_WORDS)})\s*({CALENDAR_YEAR})\s*年|({CALENDAR_YEAR})\s*年\s*目标"
)
FUTURE_CUE = re.compile(
    rf"到\s*\d{{4}}\s*年|{STRETCH.pattern}|确保|{EVERY_YEAR.pattern}|{WITHIN_YEAR.pattern}|十四五|十五五"
)
# Where 每年 stops governing the clauses after it: a clause of its own year or total.
EVERY_YEAR_ENDS = re.compile(r"^(?:力争|争取)?(?:到|至)\s*\d{4}\s*年|^累计|^总数|^全[市省县区]")
NEW_CUE = re.compile("新增|新建|新引进|计划|预计")
# Words of a past statistic: 截至, 以来, 同比, 较上年, 过去五年, 十三五, 现有, 首次, 比重为0.9% ...
PAST_CUE = re.compile(
    r"截至|截止|以来|是\s*\d{4}\s*年|相比|尚未|已经|已有|平均值|平均水平|全[国省市]平均|同比|[较比]上年|上年度|"
    r"上半年|过去|十三五|十二五|现有|共有|首次|(?<!目标)为\s*\d"
)
NOT_YET = re.compile("尚未|未能|还未|没有")
GROWTH = re.compile("增长|增幅|增速")

# --- verbs -----------------------------------------------------------------------------------------

ADDITION_VERBS = (
    "新增|新建|新引进|引进|培育|培养|认定|获批|备案|争创|创建|选派|净增|入驻|招引|设立|遴选|筛选|"
    "立项|建设|建成|组建|打造|升级|改制|实现|共建"
)
FLOW_VERBS = "通过|摸排|组织|举办|签订|征集|开展|实施|支持|推荐|发放|集聚|推动|转化|形成|兑现|培训|" + OBTAIN.pattern
LEVEL_VERBS = "达到|达|总数|拥有|进入|突破|超过"
VERB = re.compile(f"(?P<addition>{ADDITION_VERBS})|(?P<flow>{FLOW_VERBS})|(?P<level>{LEVEL_VERBS})")
# Words that make a number a commitment wherever they stand before it or just after it.
COMMITMENT = re.compile(
    f"{VERB.pattern}|{STRETCH.pattern}|"
    f"{alternation('确保', MAINTAIN_WORD, *AT_LEAST_WORDS, '以上', '左右', '翻一番', '翻两番', '倍增')}"
)
# Words before 零的突破 that name no thing it is about ("力争实现突破").
SUBJECT_FILLER = re.compile(f"{STRETCH.pattern}|努力|实现|在|上")

# --- tiers -----------------------------------------------------------------------------------------

LEVELS = {"国家": "national", "省": "provincial", "地市": "municipal", "市": "municipal", "县": "county"}
# 省级, 国家级, 市本级; 国家 or 省 before what they award (国家重点实验室, 省科技奖) but not 全省.
LEVEL = re.compile(rf"({alternation(*LEVELS)})本?级|(?<![全本外])(国家|省)(?=重点|技术|工程|科技奖|高新|主要|农业)")

# --- indicators ------------------------------------------------------------------------------------

KEYWORDS_FILE = paths.DATA / "lexicon" / "indicator_keywords.csv"
KEYWORD_COLUMNS = ["pattern", "indicator_id", "increment_indicator_id"]


@dataclass(frozen=True)
class Keyword:
    """One row of the keyword table: a pattern and the indicator it names, with the indicator to
    use instead where the number counts new additions (increment, annual)."""

    pattern: re.Pattern
    indicator_id: str
    increment_indicator_id: str


@cache
def indicator_keywords(path: Path = KEYWORDS_FILE) -> tuple[Keyword, ...]:
    """The keyword table, most specific first; DataError naming the line and column of each bad cell."""
    name = display_path(path)
    reader = csv.DictReader(io.StringIO(read_text(path)))
    if reader.fieldnames != KEYWORD_COLUMNS:
        raise DataError([Problem(name, f"the header must be {','.join(KEYWORD_COLUMNS)}", 1, value=reader.fieldnames)])
    known, keywords, problems = indicator_table(), [], []
    for row in reader:
        line = reader.line_num
        for column in ("indicator_id", "increment_indicator_id"):
            if (row[column] or column == "indicator_id") and row[column] not in known:
                problems.append(Problem(name, "not an indicator_id of data/indicators.csv", line, column, row[column]))
        if not row["pattern"]:
            problems.append(Problem(name, "a pattern is required", line, "pattern", row["pattern"]))
            continue
        try:
            pattern = re.compile(row["pattern"])
        except re.error as exc:
            problems.append(Problem(name, f"not a regular expression: {exc}", line, "pattern", row["pattern"]))
            continue
        keywords.append(Keyword(pattern, row["indicator_id"], row["increment_indicator_id"] or row["indicator_id"]))
    if problems:
        raise DataError(problems)
    return tuple(keywords)


@cache
def indicator_table() -> dict[str, tuple[str, str]]:
    """indicator_id -> (category, natural unit), from data/indicators.csv."""
    from ..dataset.loaders import load_indicators

    frame = load_indicators()
    columns = (frame["indicator_id"], frame["category"], frame["unit"])
    return {str(i): (str(c), str(u)) for i, c, u in zip(*columns, strict=True)}
