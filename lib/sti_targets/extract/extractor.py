"""Candidate quantified targets in the plain text of a plan: ``sti-targets extract``.

The extractor emulates the curation rules data/targets.csv follows: a target is a number the
plan commits to for the future; past statistics, labels and numbering are not. It writes one
row per candidate in the columns of data/targets.csv, plus ``quote_end`` and a ``confidence``
(0-1: higher when an indicator is recognised and a year or a commitment word governs the number,
lower for Chinese numerals, ranks and numbers whose unit the copy lost).

How a plan is read:

1. ``read_plan`` decodes the file: UTF-8, UTF-8 with BOM or GB18030 (csvfiles.decode_bytes);
   anything else raises DataError.
2. ``normalise`` makes a working copy in Simplified characters with mainland vocabulary
   (chinese.to_simplified and its Taiwan word list) and half-width digits and punctuation, and
   keeps for every character of the copy the span of raw text it came from, so that quotes and
   offsets are always those of the raw text (Traditional stays Traditional).
3. Tables flattened one cell per line (a header cell such as "2025年目标值") are read row by row:
   the target column gives the target, a "2020年完成值" column its baseline.
4. The rest is cut into paragraphs (lines), sentences (。！？) and clauses (，；：). In a clause,
   a number with a unit ("300家", "1.2万家", "十五家", "4-6个", "10至15项"), a fraction ("1/3"),
   "零的突破", "全覆盖" and a rank ("进入前五") are candidates; several in one clause are cut at
   the "、" between them ("新增国家级众创空间2个、省级众创空间5个").
5. Dropped: labels (“4+4”, 1+3+N, quoted names, 《titles》, 第十九届, counts of a list),
   numbers without a unit (dates, page, document and phone numbers), past statistics (see
   ``describe_sentence``) and numbers no commitment word governs.
6. Each candidate gets target_type, comparator, target_year (the sentence's year, else the
   paragraph's, else the plan's last year), level, is_stretch, a guessed indicator and a note.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import pandas as pd

from ..chinese.numerals import parse_chinese_numeral
from ..chinese.script import TAIWAN_TO_MAINLAND, to_half_width, to_simplified
from ..dataset.csvfiles import read_text
from ..dataset.schema import TARGETS

COLUMNS = [f.name for f in TARGETS] + ["quote_end", "confidence"]
DTYPES = {
    "value": "float64",
    "value_high": "float64",
    "baseline_value": "float64",
    "target_year": "Int64",
    "baseline_year": "Int64",
    "is_stretch": "bool",
    "quote_start": "int64",
    "quote_end": "int64",
    "confidence": "float64",
}

# --- vocabulary ------------------------------------------------------------------------------------

NUMBER = r"\d+(?:\.\d+)?"
CHINESE = "[零〇一二两三四五六七八九十百千]+"
UNITS = (
    "个百分点", "百分点", "万元/人", "万人次", "人次", "千亿元", "百亿元", "万亿元", "亿元", "万元", "元",
    "万家", "万人", "万件", "万个", "万户", "万亩", "万吨", "%", "家", "个", "人", "名", "项", "件", "场",
    "次", "支", "所", "户", "条", "座", "台", "套", "篇", "部", "种", "批", "期", "倍", "亩", "吨", "公里",
)  # fmt: skip
MONEY_UNITS = ("千亿元", "百亿元", "万亿元", "亿元", "万元", "元")
# A unit followed by one of these characters begins another word (项目, 个月, 条件, 零部件 ...).
NOT_AFTER_UNIT = {
    "项": "目", "个": "月", "条": "件", "支": "持", "场": "景所", "部": "门署分件", "人": "民",
    "所": "有属在", "期": "间", "批": "次", "种": "子", "台": "阶",
}  # fmt: skip
UNIT = "|".join(re.escape(u) + (f"(?![{NOT_AFTER_UNIT[u]}])" if u in NOT_AFTER_UNIT else "") for u in UNITS)
QUANTITY = re.compile(
    rf"(?<![\d.A-Za-z])(?P<low>{NUMBER}|{CHINESE})(?:\s*(?:-|—|–|~|至|到)\s*(?P<high>{NUMBER}|{CHINESE}))?"
    rf"\s*(?P<unit>{UNIT})(?P<suffix>及以上|以上|左右|多)?"
)
FRACTION = re.compile(r"(?<![\d./])(\d+)\s*/\s*(\d+)(?![\d./%])")
BREAKTHROUGH = re.compile(r"“?零”?的突破|实现突破")
FULL_COVERAGE = re.compile(r"全覆盖")
RANK = re.compile(r"(?:进入|跻身|位居|位列|保持)[^,;:。]{0,8}?前(?P<n>[二三四五六七八九十]+|\d+)(?![年个月天日])")
BARE_NUMBER = re.compile(r"(?<![\d.A-Za-z/])(\d+(?:\.\d+)?)(?=[\u4e00-\u9fff])(?![年月日号届])")
NOT_YET = re.compile(r"尚未|未能|还未|没有")
SUBJECT_FILLER = re.compile(r"力争|争取|努力|实现|在|上")
HAN = re.compile(r"[\u4e00-\u9fff]")

LINE_END = re.compile(r"\n")
SENTENCE_END = re.compile(r"[。!?！？]")
CLAUSE_END = re.compile(r"[,;:，；：]")
TITLE = re.compile(r"《[^》\n]*》")
YEAR = re.compile(r"(?<![\d\-—–~至])((?:19|20)\d{2})\s*年")
FUTURE_YEAR = re.compile(r"(?:到|至|力争|争取)\s*((?:19|20)\d{2})\s*年|((?:19|20)\d{2})\s*年\s*目标")

FUTURE_CUE = re.compile(r"到\s*\d{4}\s*年|力争|争取|确保|每年|年内|全年")
NEW_CUE = re.compile(r"新增|新建|新引进|计划|预计")
PAST_CUE = re.compile(
    r"截至|截止|以来|[较比]\s*\d{4}\s*年|是\s*\d{4}\s*年|相比|尚未|已经|已有|平均值|平均水平|全[国省市]平均"
)
STRETCH = re.compile(r"力争|争取")
EVERY_YEAR = re.compile(r"每年")
WITHIN_YEAR = re.compile(r"年内|全年")
GROWTH = re.compile(r"增长|增幅|增速")
ADDITION_VERBS = (
    "新增|新建|新引进|引进|培育|培养|认定|获批|备案|争创|创建|选派|净增|入驻|招引|设立|遴选|筛选|"
    "立项|建设|建成|组建|打造|升级|改制|实现"
)
FLOW_VERBS = "通过|摸排|组织|举办|签订|征集|开展|实施|支持|推荐|发放|集聚|推动|转化|形成"
LEVEL_VERBS = "达到|达|总数|拥有|进入"
VERB = re.compile(f"(?P<addition>{ADDITION_VERBS})|(?P<flow>{FLOW_VERBS})|(?P<level>{LEVEL_VERBS})")
COMMITMENT = re.compile(f"{VERB.pattern}|力争|争取|确保|保持|突破|超|不少于|不低于|以上|左右")
AT_LEAST_BEFORE = re.compile(r"(?:不少于|不低于|突破|超过|超|多于|高于|大于)\s*$")
ABOUT_BEFORE = re.compile(r"(?:约|大约)\s*$")
LEVEL = re.compile(r"(国家|省|地市|市|县)本?级|(?<![全本外])(国家|省)(?=重点|技术|工程|科技奖|高新|主要|农业)")
LEVELS = {"国家": "national", "省": "provincial", "地市": "municipal", "市": "municipal", "县": "county"}

# Keywords -> indicator_id, most specific first; searched in the quote, else in the clause before it.
INDICATOR_KEYWORDS = (
    (r"研发经费支出与营业收入|R&D经费支出与主营业务收入|研发投入占主营业务收入", "enterprise_rd_revenue_ratio"),
    (r"研发(?:经费)?(?:投入|支出)?占(?:地区|国内)生产总值|(?<!企业)研发(?:经费)?投入强度|投入GDP",
     "rd_gdp_ratio"),
    (r"财政科技", "fiscal_st_spending_share"),
    (r"科技进步贡献率", "st_progress_contribution"),
    (r"发明专利", "invention_patents_per_10k"),
    (r"技术合同成交[额金]*.*增", "tech_contract_turnover_growth"),
    (r"技术合同成交|技术交易额", "tech_contract_turnover"),
    (r"科贷通|贷款", "tech_loans"),
    (r"担保", "tech_guarantee_financing_balance"),
    (r"高新技术产业增加值.*增长", "hightech_industry_va_growth"),
    (r"高新技术产业产值.*增长", "hightech_industry_output_growth"),
    (r"高新技术产业产值占|高新技术产业增加值占.*主营业务收入", "hightech_industry_output_share"),
    (r"高新技术产业增加值占", "hightech_industry_share"),
    (r"高新区工业营业收入", "hightech_zone_industrial_revenue"),
    (r"物联网.*收入", "iot_industry_revenue"),
    (r"重大项目.*高新技术企业", "major_projects_hte_share"),
    (r"研发机构全覆盖", "hightech_enterprise_rd_institution_coverage"),
    (r"研发机构比例|建有研发机构", "enterprise_rd_institution_share"),
    (r"有研发活动的企业", "enterprises_with_rd_activity_share"),
    (r"产学研合作的企业", "iur_cooperating_enterprises"),
    (r"技术创新中心、重点实验室", "innovation_platforms"),
    (r"研发机构及人才站点", "provincial_rd_institutions_talent_stations"),
    (r"创新平台载体", "innovation_platforms_carriers"),
    (r"研发平台", "rd_platforms"),
    (r"高端研发机构", "high_end_rd_institutions"),
    (r"协同创新研究院", "tech_collab_innovation_institutes"),
    (r"国际科技合作基地", "international_st_cooperation_bases"),
    (r"创新型县", "innovative_counties"),
    (r"重点实验室", "key_labs"),
    (r"联合创新中心", "joint_innovation_centres"),
    (r"技术创新中心", "tech_innovation_centres"),
    (r"工程(?:技术)?研究中心", "engineering_research_centres"),
    (r"新型研发机构", "new_rd_institutions"),
    (r"孵化器、众创空间|众创空间、孵化器", "incubation_carriers"),
    (r"离岸孵化器", "offshore_incubators"),
    (r"线上孵化", "enclave_incubated_firms"),
    (r"在孵企业.*占比", "incubated_tech_sme_share"),
    (r"在孵企业", "incubated_enterprises"),
    (r"毕业企业", "incubator_graduated_enterprises"),
    (r"孵化器", "incubators"),
    (r"众创空间", "maker_spaces"),
    (r"院士.{0,4}工作站", "academician_workstations"),
    (r"博士后", "postdoc_workstations"),
    (r"研究生工作站", "graduate_workstations"),
    (r"外国专家工作室", "foreign_expert_studios"),
    (r"外国专家", "foreign_experts"),
    (r"院士", "academicians"),
    (r"乡村振兴科技示范基地", "rural_st_demo_bases"),
    (r"科技型项目占比", "tech_projects_share_major_projects"),
    (r"招引或设立科技型企业|新招引.*科技型企业", "tech_enterprises_attracted"),
    (r"高成长性科技型企业", "high_growth_tech_enterprises"),
    (r"科技型中小企业.*(?:评价|入库|国家库)|(?:评价|入库|国家库).*科技型中小企业", "tech_smes_new"),
    (r"科技型(?:中小)?企业", "tech_smes"),
    (r"高新技术企业|高企", "hightech_enterprises"),
    (r"独角兽.*瞪羚", "unicorn_gazelle_enterprises"),
    (r"独角兽", "unicorn_enterprises"),
    (r"瞪羚", "gazelle_enterprises"),
    (r"科创板", "star_market_listed_enterprises"),
    (r"规上工业企业总数|规模以上工业企业总数", "above_scale_industrial_enterprises"),
    (r"小巨人", "srdi_little_giants"),
    (r"专精特新", "srdi_enterprises"),
    (r"技术经纪人", "tech_brokers"),
    (r"科技特派员", "tech_specialists"),
    (r"科技副总", "tech_vice_presidents"),
    (r"海外技术、人才项目", "overseas_tech_talent_projects"),
    (r"海外人才", "overseas_talents"),
    (r"学术和技术带头人", "academic_technical_leaders"),
    (r"乡土科技人才", "rural_local_st_talents"),
    (r"领军人才", "leading_talents"),
    (r"青年(?:科技)?(?:创新)?人才", "young_st_talents"),
    (r"高技能人才", "high_skilled_talents"),
    (r"科技研发人才", "rd_talents_gathered"),
    (r"科技创新人才", "st_innovation_talents"),
    (r"深造", "talents_sent_for_study"),
    (r"企业家.*培训", "entrepreneurs_trained"),
    (r"培训.*员工|员工.*培训", "employees_trained"),
    (r"团队.*企业", "st_service_teams_dispatched"),
    (r"科技奖后备项目", "st_award_candidate_projects"),
    (r"应用场景", "demo_application_scenarios"),
    (r"技术需求", "enterprise_tech_demands_collected"),
    (r"征集技术成果", "university_achievements_collected"),
    (r"科技成果.*转化|转化.*科技成果", "tech_achievements_transferred"),
    (r"产学研项目", "iur_projects_signed"),
    (r"产学研(?:活动|对接)", "iur_events"),
    (r"校企联盟", "university_enterprise_alliances"),
    (r"农业高新技术产业示范区", "agri_hightech_demo_zones"),
    (r"认定.*农业科技企业|农业科技企业.*认定", "agri_tech_enterprises"),
    (r"推荐.*农业科技企业", "agri_tech_enterprises_recommended"),
    (r"重点研发计划\(农业\)", "agri_rd_projects"),
    (r"碳达峰|碳中和", "low_carbon_st_projects"),
    (r"基础研究项目", "basic_research_projects"),
    (r"企业研发项目", "enterprise_rd_projects"),
    (r"向上争取", "higher_level_st_projects"),
    (r"技术研发项目", "tech_rd_projects"),
    (r"转企改制", "research_institutes_restructured"),
    (r"核心技术攻关", "key_core_tech_projects"),
    (r"技术攻关项目", "key_tech_projects"),
    (r"科技服务机构", "st_service_agencies_settled"),
    (r"培训机构", "st_training_institution_registrations"),
    (r"诚信审核", "research_integrity_review_rate"),
    (r"监督检查", "major_project_inspection_rate"),
    (r"市长质量奖", "quality_award_winners"),
    (r"综合创新能力", "innovation_capacity_rank"),
    (r"研发经费.*增长", "rd_spending_growth"),
)  # fmt: skip
INDICATOR_PATTERNS = tuple((re.compile(pattern), indicator) for pattern, indicator in INDICATOR_KEYWORDS)
NEW_ADDITIONS = {"hightech_enterprises": "hightech_enterprises_new", "tech_smes": "tech_smes_new"}

TARGET_HEADER = re.compile(r"^((?:19|20)\d{2})\s*年\s*(?:目标值|目标|预期值|规划值)$")
BASELINE_HEADER = re.compile(r"^((?:19|20)\d{2})\s*年\s*(?:完成值|基期值|基数|现状值|实际值|基准值)$")
CAPTION = re.compile(r"^(?:表|专栏)|^\d+-\d+")
HEADER_CELL_MAX = 12
TABLE_CELL = re.compile(
    rf"^(?P<verb>新增|累计)?\s*(?P<low>{NUMBER})(?:\s*[-—–~至]\s*(?P<high>{NUMBER}))?\s*(?P<unit>{UNIT})?"
    r"\s*(?P<suffix>以上|左右)?$"
)
LABEL_UNIT = re.compile(r"[(（]\s*([^()（）]+?)\s*[)）]?\s*$")

# --- the working copy ------------------------------------------------------------------------------

SEPARATOR = "\ue000"  # private-use character between characters: the converter returns one piece each
TAIWAN_WORD = re.compile("|".join(re.escape(taiwan) for taiwan, _ in TAIWAN_TO_MAINLAND))
MAINLAND = dict(TAIWAN_TO_MAINLAND)


@dataclass(frozen=True)
class Plan:
    """A plan's raw text and its normalised copy; ``starts``/``ends`` map copy to raw offsets."""

    raw: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw span of the copy's characters start..end (end exclusive)."""
        return self.starts[start], self.ends[end - 1]


def read_plan(path: Path | str) -> str:
    """The decoded text of a plan file; DataError when unreadable or undecodable."""
    return read_text(path)


def normalise(raw: str) -> Plan:
    """Simplified, mainland-worded, half-width copy of ``raw`` with its offset map."""
    pieces = to_simplified(SEPARATOR.join(raw)).split(SEPARATOR) if raw else []
    if len(pieces) != len(raw):
        pieces = list(raw)
    starts = [i for i, piece in enumerate(pieces) for _ in piece]
    ends = [i + 1 for i, piece in enumerate(pieces) for _ in piece]
    text, starts, ends = replace_taiwan_words("".join(pieces), starts, ends)
    return Plan(raw, to_half_width(text), tuple(starts), tuple(ends))


def replace_taiwan_words(text: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    """Taiwan-style words replaced by mainland ones, each word's raw span spread over its new characters."""
    out, out_starts, out_ends, last = [], [], [], 0
    for m in TAIWAN_WORD.finditer(text):
        out.append(text[last : m.start()])
        out_starts += starts[last : m.start()]
        out_ends += ends[last : m.start()]
        word, first, width = MAINLAND[m.group()], starts[m.start()], ends[m.end() - 1] - starts[m.start()]
        out.append(word)
        out_starts += [first + width * j // len(word) for j in range(len(word))]
        out_ends += [first + width * (j + 1) // len(word) for j in range(len(word))]
        last = m.end()
    out.append(text[last:])
    return "".join(out), out_starts + starts[last:], out_ends + ends[last:]


# --- what is found ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """The plan being read: its copy, the copy with 《titles》 blanked (for years), its last year."""

    plan: Plan
    masked: str
    end_year: int | None


@dataclass(frozen=True)
class Sentence:
    """A sentence of the copy, the year it states and whether it commits or looks back."""

    start: int
    end: int
    year: int | None
    past: bool
    future: bool


@dataclass(frozen=True)
class Token:
    """A number in the copy: its span, value(s), unit and how it was read."""

    start: int
    end: int
    value: float
    value_high: float | None
    unit: str
    kind: str  # quantity, chinese, fraction, breakthrough, coverage, rank or borrowed
    suffix: str = ""
    subject: tuple[int, int] | None = None  # what a 零的突破 is about, where the clause names several


@dataclass(frozen=True)
class Place:
    """Where a token sits: its clause and quote, where its own words begin (after the clause's
    previous number) and its index among the clause's numbers."""

    clause_start: int
    quote_start: int
    quote_end: int
    lead_start: int
    index: int


@dataclass(frozen=True)
class Candidate:
    """One candidate target; start/end are its quote's span in the copy."""

    start: int
    end: int
    value: float
    value_high: float | None
    unit: str
    target_type: str
    comparator: str
    target_year: int | None
    level: str | None
    is_stretch: bool
    indicator_id: str | None
    confidence: float
    note: str
    baseline_value: float | None = None
    baseline_year: int | None = None


# --- reading a plan --------------------------------------------------------------------------------


def extract_targets(raw: str, region: str | None = None, doc_id: str | None = None) -> pd.DataFrame:
    """Candidate targets of a plan's raw text, one row each, in the columns of data/targets.csv."""
    plan = normalise(raw)
    masked = TITLE.sub(lambda m: " " * len(m.group()), plan.text)
    context = Context(plan, masked, find_end_year(masked))
    lines = split_spans(plan.text, 0, len(plan.text), LINE_END)
    candidates, table_lines = read_tables(context, lines)
    for i, (start, end) in enumerate(lines):
        if i not in table_lines:
            candidates += read_paragraph(context, start, end)
    return to_frame(plan, sorted(candidates, key=lambda c: (c.start, c.end)), region, doc_id)


def find_end_year(masked: str) -> int | None:
    """The plan's last year: the latest 到/力争 YYYY年 or YYYY年目标, else the year it names most."""
    future = [int(a or b) for a, b in FUTURE_YEAR.findall(masked)]
    if future:
        return max(future)
    years = Counter(int(y) for y in YEAR.findall(masked))
    return years.most_common(1)[0][0] if years else None


def split_spans(text: str, start: int, end: int, delimiter: re.Pattern) -> list[tuple[int, int]]:
    """Non-blank pieces of text[start:end] between delimiters, trimmed."""
    spans, piece_start = [], start
    for m in delimiter.finditer(text, start, end):
        spans.append(trim(text, piece_start, m.start()))
        piece_start = m.end()
    spans.append(trim(text, piece_start, end))
    return [(s, e) for s, e in spans if s < e]


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding spaces and leading dashes or bullets."""
    while start < end and (text[start].isspace() or text[start] in "—-•"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- flattened tables ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Which column of a flattened table holds what."""

    width: int
    target: int
    baseline: int | None
    label: int
    numbered: bool
    target_year: int
    baseline_year: int | None


def read_tables(context: Context, lines: list[tuple[int, int]]) -> tuple[list[Candidate], set[int]]:
    """Targets of tables flattened one cell per line, and the numbers of the lines the tables use."""
    text = context.plan.text
    candidates, used = [], set()
    for i, (start, end) in enumerate(lines):
        if i in used or not TARGET_HEADER.match(text[start:end]):
            continue
        header = find_header(text, lines, i)
        rows, row_lines = read_table_rows(text, lines, header)
        if rows:
            candidates += rows
            used |= set(header) | row_lines
    return candidates, used


def is_header_cell(text: str, span: tuple[int, int]) -> bool:
    return span[1] - span[0] <= HEADER_CELL_MAX and not CAPTION.match(text[span[0] : span[1]])


def find_header(text: str, lines: list[tuple[int, int]], target: int) -> list[int]:
    """Line numbers of the header cells: short lines before the target-year cell, and after it
    the short lines without digits."""
    first, last = target, target
    while first > 0 and is_header_cell(text, lines[first - 1]):
        first -= 1
    while last + 1 < len(lines) and is_header_cell(text, lines[last + 1]):
        if re.search(r"\d", text[slice(*lines[last + 1])]):
            break
        last += 1
    return list(range(first, last + 1))


def find_layout(names: list[str]) -> Layout:
    """Target, baseline and label columns from the header cells."""
    target = next(k for k, name in enumerate(names) if TARGET_HEADER.match(name))
    baseline = next((k for k, name in enumerate(names) if BASELINE_HEADER.match(name)), None)
    label = next((k for k, name in enumerate(names) if k not in (target, baseline) and name != "序号"), 0)
    return Layout(
        width=len(names),
        target=target,
        baseline=baseline,
        label=label,
        numbered=names[0] == "序号",
        target_year=int(TARGET_HEADER.match(names[target]).group(1)),
        baseline_year=int(BASELINE_HEADER.match(names[baseline]).group(1)) if baseline is not None else None,
    )


def read_table_rows(text: str, lines: list[tuple[int, int]], header: list[int]) -> tuple[list[Candidate], set[int]]:
    """One candidate per row, reading cells in groups of the header's width until a group does not fit."""
    layout = find_layout([text[slice(*lines[i])] for i in header])
    candidates, used, first = [], set(), header[-1] + 1
    while first + layout.width <= len(lines):
        spans = lines[first : first + layout.width]
        cells = [text[s:e] for s, e in spans]
        target = TABLE_CELL.match(cells[layout.target])
        if not target or (layout.numbered and cells[0] != str(len(candidates) + 1)):
            break
        baseline = cells[layout.baseline] if layout.baseline is not None else ""
        row = len(candidates) + 1
        candidates.append(describe_table_row(spans[layout.target], target, cells[layout.label], baseline, layout, row))
        used |= set(range(first, first + layout.width))
        first += layout.width
    return candidates, used


def describe_table_row(
    span: tuple[int, int], cell: re.Match, label: str, baseline: str, layout: Layout, row: int
) -> Candidate:
    """A table row's target: value from the target cell, unit from the cell or the label's "(单位)"."""
    label_unit = LABEL_UNIT.search(label)
    unit = cell["unit"] or (label_unit.group(1) if label_unit else "")
    if "累计" in label or cell["verb"] == "累计":
        target_type = "cumulative"
    elif unit == "%":
        target_type = "share"
    else:
        target_type = "increment" if cell["verb"] == "新增" else "level"
    has_baseline = re.fullmatch(NUMBER, baseline) is not None
    note = f"table row {row}: {label}" + (f"; {baseline} in {layout.baseline_year}" if has_baseline else "")
    return Candidate(
        start=span[0],
        end=span[1],
        value=float(cell["low"]),
        value_high=float(cell["high"]) if cell["high"] else None,
        unit=unit,
        target_type=target_type,
        comparator={"以上": ">=", "左右": "~"}.get(cell["suffix"], "="),
        target_year=layout.target_year,
        level=find_level(label),
        is_stretch=False,
        indicator_id=guess_indicator(label, target_type),
        confidence=0.9,
        note=note,
        baseline_value=float(baseline) if has_baseline else None,
        baseline_year=layout.baseline_year if has_baseline else None,
    )


# --- prose: sentences and clauses ------------------------------------------------------------------


def read_paragraph(context: Context, start: int, end: int) -> list[Candidate]:
    """Candidates of one line; a year, or a look back, carries over to the sentences after it."""
    found, year, past = [], None, False
    for s, e in split_spans(context.plan.text, start, end, SENTENCE_END):
        sentence = describe_sentence(context, s, e, past)
        past = sentence.past
        if not past:
            sentence = replace(sentence, year=sentence.year or year)
            year = sentence.year
            found += read_sentence(context, sentence)
    return found


def describe_sentence(context: Context, start: int, end: int, after_past: bool) -> Sentence:
    """The year a sentence states, and whether it commits to the future or reports the past.

    Past: it has a retrospective word (截至, 以来, 较2015年, 尚未 ...), or names a year before the
    plan's last one, or follows a past sentence of its paragraph without naming a year; unless a
    commitment (到2025年, 力争, 每年, 年内 ...) governs it or (for the last two) it says 新增/新建.
    """
    text = context.plan.text[start:end]
    years = [int(y) for y in YEAR.findall(context.masked, start, end)]
    end_year = context.end_year
    future = bool(FUTURE_CUE.search(text)) or any(end_year is not None and y >= end_year for y in years)
    earlier_year = any(end_year is not None and y < end_year for y in years)
    undated = (earlier_year or (after_past and not years)) and not NEW_CUE.search(text)
    past = not future and (bool(PAST_CUE.search(text)) or undated)
    return Sentence(start, end, max(years) if years else None, past, future)


def read_sentence(context: Context, sentence: Sentence) -> list[Candidate]:
    """Candidates in the clauses of a sentence."""
    text = context.plan.text
    found = []
    for start, end in split_spans(text, sentence.start, sentence.end, CLAUSE_END):
        tokens = [t for t in find_tokens(text, start, end) if not label_reason(text, start, end, t)]
        previous: tuple[Token, Candidate] | None = None
        for index, (token, quote) in enumerate(zip(tokens, quote_spans(text, start, end, tokens), strict=True)):
            if not is_committed(text, sentence, token):
                continue
            lead_start = max(quote[0], previous[0].end) if previous else quote[0]
            place = Place(start, quote[0], quote[1], lead_start, index)
            candidate = describe(context, sentence, token, place, previous[1] if previous else None)
            found.append(candidate)
            previous = (token, candidate)
    return found


def quote_spans(text: str, start: int, end: int, tokens: list[Token]) -> list[tuple[int, int]]:
    """Each token's quote: its clause, cut at the "、" (or right after the number) between two
    numbers; the whole clause for all where it says 分别 or has a 零的突破."""
    if not tokens or "分别" in text[start:end] or any(t.kind == "breakthrough" for t in tokens):
        return [(start, end)] * len(tokens)
    spans, quote_start = [], start
    for left, right in zip(tokens, tokens[1:], strict=False):
        mark = text.rfind("、", left.end, right.start)
        quote_end, next_start = (mark, mark + 1) if mark >= 0 else (left.end, left.end)
        spans.append(trim(text, quote_start, quote_end))
        quote_start = next_start
    spans.append(trim(text, quote_start, end))
    return spans


def is_committed(text: str, sentence: Sentence, token: Token) -> bool:
    """A future cue governs the sentence, or a commitment word comes before or just after the number."""
    return sentence.future or bool(COMMITMENT.search(text, sentence.start, token.end + 4))


# --- prose: numbers --------------------------------------------------------------------------------


def find_tokens(text: str, start: int, end: int) -> list[Token]:
    """Numbers with a unit, fractions, 零的突破, 全覆盖 and ranks in text[start:end], in order."""
    tokens = [t for t in map(quantity_token, QUANTITY.finditer(text, start, end)) if t is not None]
    for m in FRACTION.finditer(text, start, end):
        numerator, denominator = int(m.group(1)), int(m.group(2))
        if 0 < numerator < denominator:
            tokens.append(Token(m.start(), m.end(), round(numerator / denominator, 4), None, "fraction", "fraction"))
    tokens += [
        Token(m.start(), m.end(), 100.0, None, "%", "coverage") for m in FULL_COVERAGE.finditer(text, start, end)
    ]
    for m in RANK.finditer(text, start, end):
        rank = int(m["n"]) if m["n"].isdigit() else parse_chinese_numeral(m["n"])
        tokens.append(Token(m.start("n") - 1, m.end(), float(rank), None, "名", "rank"))
    tokens = without_overlaps(tokens)
    tokens += borrowed_unit_tokens(text, start, end, tokens) + breakthrough_tokens(text, start, end)
    return sorted(tokens, key=lambda t: t.start)


def quantity_token(m: re.Match) -> Token | None:
    """A number (or range) with a unit; None for Chinese characters that are not a numeral."""
    low, high = parse_number(m["low"]), parse_number(m["high"]) if m["high"] else None
    if low is None or (m["high"] and high is None):
        return None
    kind = "quantity" if m["low"][0].isdigit() else "chinese"
    return Token(m.start(), m.end(), low, high, m["unit"], kind, m["suffix"] or "")


def parse_number(text: str) -> float | None:
    """Arabic or Chinese numeral as a float; None if it is neither."""
    if text[0].isdigit():
        return float(text)
    value = parse_chinese_numeral(text)
    return None if value is None else float(value)


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
    if token.kind in ("breakthrough", "coverage", "rank"):
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


# --- prose: what a number means --------------------------------------------------------------------


def describe(context: Context, sentence: Sentence, token: Token, place: Place, previous: Candidate | None) -> Candidate:
    """The candidate a token stands for at its place in the sentence."""
    text = context.plan.text
    quote = text[place.quote_start : place.quote_end]
    before = text[sentence.start : token.start]
    named = text[slice(*token.subject)] if token.subject else quote
    target_type = classify(token, quote, text[place.quote_start : token.start], before)
    indicator, scope = guess_indicator(named, target_type), named
    if indicator is None:
        scope = previous_clause(text, sentence.start, place.clause_start)
        indicator = guess_indicator(scope, target_type)
    year, year_note = (sentence.year, "") if sentence.year else (context.end_year, "year implied by plan period")
    confidence = 0.5 + 0.2 * (indicator is not None) + 0.15 * bool(sentence.year) + 0.15 * sentence.future
    confidence -= 0.2 * (token.kind in ("chinese", "borrowed", "rank"))
    return Candidate(
        start=place.quote_start,
        end=place.quote_end,
        value=token.value,
        value_high=token.value_high,
        unit=unit_of(token, indicator),
        target_type=target_type,
        comparator=compare(token, text[place.lead_start : token.start], previous),
        target_year=year,
        level=find_level(named if LEVEL.search(named) else scope, place.index if "分别" in quote else None),
        is_stretch=is_stretch(text, sentence, token, place.clause_start),
        indicator_id=indicator,
        confidence=round(min(confidence, 0.95), 2),
        note="; ".join(filter(None, [year_note, reading_note(token)])),
    )


def previous_clause(text: str, sentence_start: int, clause_start: int) -> str:
    """The clause before the one starting at clause_start, in its sentence ("" if none)."""
    clauses = split_spans(text, sentence_start, clause_start, CLAUSE_END)
    return text[slice(*clauses[-1])] if clauses else ""


def classify(token: Token, quote: str, own: str, before: str) -> str:
    """target_type from the quote, its words before the number (own) and the sentence before it."""
    if token.kind == "breakthrough":
        return "breakthrough"
    if token.unit == "%" and GROWTH.search(quote):
        return "growth_rate"
    if "保持" in own:
        return "maintain"
    if "累计" in own:
        return "cumulative"
    if token.unit in ("%", "fraction", "个百分点"):
        return "share"
    if EVERY_YEAR.search(before) or (WITHIN_YEAR.search(before) and any(v["flow"] for v in VERB.finditer(own))):
        return "annual"
    if token.unit in MONEY_UNITS:
        return "level"
    verbs = list(VERB.finditer(before))
    return "increment" if verbs and not verbs[-1]["level"] else "level"


def compare(token: Token, lead: str, previous: Candidate | None) -> str:
    """>= for 以上/不少于/突破/超过 ..., ~ for 左右/约, else =; a number that follows another with only
    "、" between shares its comparator ("分别突破50家、220家")."""
    if token.kind == "breakthrough" or token.suffix in ("以上", "及以上", "多") or AT_LEAST_BEFORE.search(lead):
        return ">="
    if token.suffix == "左右" or ABOUT_BEFORE.search(lead):
        return "~"
    if previous is not None and not lead.strip(" 、"):
        return previous.comparator
    return "="


def is_stretch(text: str, sentence: Sentence, token: Token, clause_start: int) -> bool:
    """力争/争取 before the number; where the sentence says it more than once, only the clauses saying it."""
    marks = [m.start() for m in STRETCH.finditer(text, sentence.start, sentence.end)]
    if len(marks) > 1:
        return any(clause_start <= m < token.start for m in marks)
    return any(m < token.start for m in marks)


def guess_indicator(text: str, target_type: str) -> str | None:
    """The indicator the keywords of text name; its new-additions variant for increments."""
    for pattern, indicator in INDICATOR_PATTERNS:
        if pattern.search(text):
            return NEW_ADDITIONS.get(indicator, indicator) if target_type in ("increment", "annual") else indicator
    return None


def find_level(text: str, index: int | None = None) -> str | None:
    """The tier text names (none where it names two); with 分别, the index-th tier named."""
    levels = [LEVELS[m.group(1) or m.group(2)] for m in LEVEL.finditer(text)]
    if index is not None:
        return levels[index] if index < len(levels) else None
    return levels[0] if len(set(levels)) == 1 else None


def unit_of(token: Token, indicator: str | None) -> str:
    """The token's unit; for 零的突破 the indicator's natural count unit, else 个."""
    if token.unit:
        return token.unit
    natural = indicator_table().get(indicator or "", ("", ""))[1]
    return natural if natural in ("家", "个", "项", "人", "名", "件") else "个"


def reading_note(token: Token) -> str:
    """How the number was read, where a reviewer should know."""
    notes = {
        "chinese": "Chinese numeral",
        "fraction": "fraction, 4 decimals",
        "breakthrough": "零的突破 / 实现突破 read as at least 1",
        "coverage": "全覆盖 read as 100%",
        "rank": "rank: this place or better",
        "borrowed": "unit lost in the copy, taken from the next number",
    }
    return notes.get(token.kind, "range" if token.value_high is not None else "")


# --- output ----------------------------------------------------------------------------------------


@cache
def indicator_table() -> dict[str, tuple[str, str]]:
    """indicator_id -> (category, natural unit), from data/indicators.csv."""
    from ..dataset.loaders import load_indicators

    frame = load_indicators()
    columns = (frame["indicator_id"], frame["category"], frame["unit"])
    return {str(i): (str(c), str(u)) for i, c, u in zip(*columns, strict=True)}


def to_frame(plan: Plan, candidates: list[Candidate], region: str | None, doc_id: str | None) -> pd.DataFrame:
    """Rows in the columns of data/targets.csv (+ quote_end, confidence), quotes raw and verbatim."""
    rows = []
    for n, c in enumerate(candidates, start=1):
        start, end = plan.raw_span(c.start, c.end)
        rows.append(
            {
                "target_id": f"{region or 'candidate'}-{n:03d}",
                "doc_id": doc_id,
                "region_id": region,
                "indicator_id": c.indicator_id,
                "category": indicator_table().get(c.indicator_id or "", (None, None))[0],
                "target_type": c.target_type,
                "level": c.level,
                "value": c.value,
                "value_high": c.value_high,
                "unit": c.unit,
                "comparator": c.comparator,
                "target_year": c.target_year,
                "baseline_value": c.baseline_value,
                "baseline_year": c.baseline_year,
                "is_stretch": c.is_stretch,
                "conflict": None,
                "quote": plan.raw[start:end],
                "quote_start": start,
                "note": c.note,
                "quote_end": end,
                "confidence": c.confidence,
            }
        )
    return pd.DataFrame(note_restatements(rows), columns=COLUMNS).astype(DTYPES)


def note_restatements(rows: list[dict]) -> list[dict]:
    """Note on a row with the indicator, type, value, unit and year of an earlier row that it probably
    states the same target again (the curation keeps one row of a restated target)."""
    first: dict[tuple, int] = {}
    for row in rows:
        if row["indicator_id"] is None:
            continue
        key = tuple(row[k] for k in ("indicator_id", "target_type", "value", "value_high", "unit", "target_year"))
        earlier = first.setdefault(key, row["quote_start"])
        if earlier != row["quote_start"]:
            row["note"] = "; ".join(filter(None, [row["note"], f"probably restates the target at offset {earlier}"]))
    return rows


def format_number(value: float) -> str:
    """2.6 -> "2.6", 300.0 -> "300", missing -> ""."""
    if pd.isna(value):
        return ""
    return format(float(value), "f").rstrip("0").rstrip(".")


def format_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows as the text data/targets.csv holds: numbers without trailing zeros, true/false."""
    out = frame.copy()
    for column in ("value", "value_high", "baseline_value"):
        out[column] = out[column].map(format_number)
    for column in ("target_year", "baseline_year"):
        out[column] = out[column].map(lambda year: "" if pd.isna(year) else str(int(year)))
    out["is_stretch"] = out["is_stretch"].map(lambda stretch: "true" if stretch else "false")
    return out


def run_extract(args: argparse.Namespace) -> int:
    """``sti-targets extract FILE [--region ID] [--doc-id ID]``: candidate targets as CSV on stdout."""
    frame = extract_targets(read_plan(args.file), region=args.region, doc_id=args.doc_id)
    format_rows(frame).to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0
