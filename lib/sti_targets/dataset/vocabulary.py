"""Every vocabulary of the curated tables, with its Chinese and English labels, in one place.

The schema (schema.py) takes its allowed values from here, and the analyses, figures, pages and
extraction take their labels and units from here, so no list is typed twice.
"""

from __future__ import annotations

import pandas as pd

CATEGORIES = (
    "platforms",
    "talent",
    "financing",
    "enterprises",
    "rd_investment",
    "tech_transfer",
    "industry",
    "ip",
    "cooperation",
    "governance",
    "society",
)
CATEGORY_EN = {
    "platforms": "Innovation platforms",
    "talent": "Talent",
    "financing": "Financing",
    "enterprises": "Enterprises",
    "rd_investment": "R&D investment",
    "tech_transfer": "Technology transfer",
    "industry": "Industry",
    "ip": "Intellectual property",
    "cooperation": "Cooperation",
    "governance": "Governance",
    "society": "Society",
}
CATEGORY_ZH = {
    "platforms": "创新平台",
    "talent": "人才",
    "financing": "科技金融",
    "enterprises": "企业",
    "rd_investment": "研发投入",
    "tech_transfer": "成果转化",
    "industry": "产业",
    "ip": "知识产权",
    "cooperation": "合作",
    "governance": "治理",
    "society": "民生",
}
TARGET_TYPES = (
    "level",
    "increment",
    "annual",
    "cumulative",
    "share",
    "growth_rate",
    "breakthrough",
    "maintain",
    "standard",
)
TARGET_TYPE_EN = {
    "level": "reach a stock",
    "increment": "new additions in the period",
    "annual": "per year (每年)",
    "cumulative": "cumulative over the period",
    "share": "a ratio to reach",
    "growth_rate": "growth rate",
    "breakthrough": "breakthrough from zero",
    "maintain": "maintain",
    "standard": "a standard per unit (funding per person)",
}
TARGET_TYPE_ZH = {
    "level": "存量",
    "increment": "新增",
    "annual": "每年",
    "cumulative": "累计",
    "share": "比重",
    "growth_rate": "增速",
    "breakthrough": "突破",
    "maintain": "保持",
    "standard": "标准",
}
PLATFORM_LEVELS = ("national", "provincial", "municipal", "county")
COMPARATORS = (">=", "<=", "~", "=")  # <= for a rank: this place or better (进入前五)
REGION_LEVELS = ("province", "prefecture", "county")
# The most regions with documents a page shows one by one: the comparison's rows, lines and columns,
# and the header's links. With more, the comparison groups them by province (regions.csv's province)
# and each page's header lists the regions of its own province, so the pages stay readable.
REGIONS_SHOWN_MAX = 40
DOCUMENT_KINDS = ("five-year plan", "action plan", "implementation plan", "work points")
SCRIPTS = ("zh-Hans", "zh-Hant")
LEVEL_LABELS = {
    "national": "国家级 national",
    "provincial": "省级 provincial",
    "municipal": "市级 municipal",
    "county": "县级 county",
}
COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", "~": "≈", "=": ""}
# The force a plan gives a target, where it says (约束性 / 预期性); empty means not stated. The word
# each value's evidence (bindingness_quote) must hold.
BINDINGNESS = ("binding", "anticipatory")
BINDINGNESS_ZH = {"binding": "约束性", "anticipatory": "预期性"}
BINDINGNESS_EN = {"binding": "binding: a commitment of the government", "anticipatory": "anticipatory: expected"}
NOT_STATED = "not stated 未说明"

# --- units ----------------------------------------------------------------------------------------
# Money units and their factor to 亿元 (100 million yuan), for value_cny_100m.
MONEY_UNITS_TO_100M = {"元": 1e-8, "万元": 1e-4, "亿元": 1.0, "百亿元": 100.0, "千亿元": 1000.0, "万亿元": 1e4}
# The units a 零的突破 may count in: its indicator's natural unit if it is one of these, else 个.
COUNT_UNITS = ("家", "个", "项", "人", "名", "件")
# Every unit extract reads after a number ("300家", "1.2万家", "50亿元"); a row of a flattened table
# may also take the unit its label names in brackets ("研发投入强度(%)").
UNITS = (
    *MONEY_UNITS_TO_100M, "%", "个百分点", "百分点", "万元/人", "万人次", "人次", "万家", "万人", "万件", "万个",
    "万户", "万亩", "万吨", *COUNT_UNITS, "场次", "场", "次", "支", "所", "户", "条", "座", "台", "套", "篇", "部",
    "种", "批", "期", "倍", "亩", "吨", "公里",
)  # fmt: skip
FRACTION_UNIT = "fraction"  # the unit of a target written as a fraction (1/3): value 0.3333


def category_label(category: str) -> str:
    """创新平台 Innovation platforms."""
    return f"{CATEGORY_ZH[category]} {CATEGORY_EN[category]}"


def target_type_label(target_type: str) -> str:
    """cumulative 累计."""
    return f"{target_type} {TARGET_TYPE_ZH[target_type]}"


def bindingness_label(bindingness: str) -> str:
    """anticipatory 预期性."""
    return f"{bindingness} {BINDINGNESS_ZH[bindingness]}"


def region_order(regions: pd.DataFrame) -> list[str]:
    """The one order of regions on every page and figure: provinces first, then by GB/T 2260 code
    (Jiangxi, Yancheng, Jingdezhen, Ruijin, Changde)."""
    ranked = regions.assign(
        _province=regions["level"].astype(str) != "province", _code=regions["admin_code"].astype(int)
    )
    return ranked.sort_values(["_province", "_code", "region_id"], key=_plain)["region_id"].astype(str).to_list()


def _plain(column: pd.Series) -> pd.Series:
    return column.astype(str) if column.dtype.name == "category" else column


# China's 31 provincial-level divisions: the English name regions.csv's province column gives -> its
# Chinese name, in the order of their GB/T 2260 codes (11 Beijing ... 65 Xinjiang).
PROVINCE_ZH = {
    "Beijing": "北京市",
    "Tianjin": "天津市",
    "Hebei": "河北省",
    "Shanxi": "山西省",
    "Inner Mongolia": "内蒙古自治区",
    "Liaoning": "辽宁省",
    "Jilin": "吉林省",
    "Heilongjiang": "黑龙江省",
    "Shanghai": "上海市",
    "Jiangsu": "江苏省",
    "Zhejiang": "浙江省",
    "Anhui": "安徽省",
    "Fujian": "福建省",
    "Jiangxi": "江西省",
    "Shandong": "山东省",
    "Henan": "河南省",
    "Hubei": "湖北省",
    "Hunan": "湖南省",
    "Guangdong": "广东省",
    "Guangxi": "广西壮族自治区",
    "Hainan": "海南省",
    "Chongqing": "重庆市",
    "Sichuan": "四川省",
    "Guizhou": "贵州省",
    "Yunnan": "云南省",
    "Tibet": "西藏自治区",
    "Shaanxi": "陕西省",
    "Gansu": "甘肃省",
    "Qinghai": "青海省",
    "Ningxia": "宁夏回族自治区",
    "Xinjiang": "新疆维吾尔自治区",
}


def province_label(province: str) -> str:
    """江西省 Jiangxi; a province not among China's 31 by its English name alone."""
    return f"{PROVINCE_ZH[province]} {province}" if province in PROVINCE_ZH else province


def province_order(provinces) -> list[str]:
    """The one order of provinces: China's 31 in GB/T 2260 order, then any other name alphabetically."""
    rank = {p: i for i, p in enumerate(PROVINCE_ZH)}
    return sorted(set(provinces), key=lambda p: (rank.get(p, len(rank)), p))


def region_labels(regions: pd.DataFrame) -> pd.Series:
    """region_id -> 瑞金市 Ruijin."""
    ids = regions["region_id"].astype(str)
    return pd.Series((regions["name_zh"] + " " + regions["name_en"]).astype(str).to_numpy(), index=ids)


# Decisions of a review (analysis/review.py): accept, reject, put off, or fold into another target's note.
REVIEW_DECISIONS = ("accept", "reject", "skip", "restates")
