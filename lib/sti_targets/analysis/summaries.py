"""Analyses of the curated targets, per region and across regions.

Every function takes the frame load_targets() returns and gives a small DataFrame
with a fixed sort order, ready to show; the notebooks only call these (through reports.py,
which turns the frames into HTML with links to the sources and the palette's badges).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ..chinese.numerals import CHINESE_FRACTION, CHINESE_NUMERAL, FRACTION, read_number
from ..dataset.loaders import of_region
from ..dataset.vocabulary import (
    CATEGORIES,
    COMPARATOR_SIGNS,
    LEVEL_LABELS,
    TARGET_TYPE_EN,
    TARGET_TYPES,
    bindingness_label,
    category_label,
    province_label,
    province_order,
    region_labels,
    region_order,
    target_type_label,
)

# The comparable headline measures, in the order the comparison shows them.
HEADLINE_INDICATORS = (
    "rd_gdp_ratio",
    "enterprise_rd_revenue_ratio",
    "fiscal_st_spending_share",
    "hightech_enterprises",
    "hightech_enterprises_new",
    "tech_smes",
    "tech_smes_new",
    "tech_contract_turnover",
    "tech_loans",
    "hightech_industry_share",
    "hightech_industry_output_share",
)
# Stocks and ratios: a compound growth rate from a baseline to the target means something.
STOCK_TYPES = ("level", "share", "maintain")
# The levers the region report gives a section each; the others share one section.
SECTION_CATEGORIES = ("platforms", "talent", "financing", "enterprises", "rd_investment", "tech_transfer")
OTHER_CATEGORIES = tuple(c for c in CATEGORIES if c not in SECTION_CATEGORIES)

# Column names the pages style (reports.Table): the stretch mark, the type (with a stretch mark
# after MARK_SEPARATOR in a listing), and the other reading of a contradiction.
STRETCH = "stretch 力争"
BINDINGNESS = "bindingness 属性"
TYPE_COLUMN = "type 类型"
MARK_SEPARATOR = " · "
OTHER_READING = "⚠ other reading 另一读法"
CONTESTED = "conflict 矛盾"  # the conflict id of a contested baseline (observations sharing it)

# ---------------------------------------------------------------------------------------------
# Values as the document writes them

DIGITS = re.compile(r"[0-9０-９]+(?:,[0-9]{3})*(?:[.．][0-9０-９]+)?")
HALF_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
UNIT_SPACE_FREE = ("%", "‰", "")


def written_number(value: float, quote: str, start: int = 0) -> tuple[str, int]:
    """The number of ``quote`` (from ``start`` on) that equals ``value``, in half-width digits as
    written (2.0 stays 2.0, 1,500 stays 1,500; 三百 gives 300), and where it ends; ``value:g`` and
    ``start`` when the quote does not write it."""
    for m in DIGITS.finditer(quote, start):
        text = m.group().translate(HALF_WIDTH)
        if float(text.replace(",", "")) == value:
            return text, m.end()
    for m in CHINESE_NUMERAL.finditer(quote, start):
        if read_number(m.group()) == value:
            return f"{value:g}", m.end()
    return f"{value:g}", start


def written_fraction(value: float, quote: str) -> str:
    """1/3 as the quote writes it (1/3 or 三分之一), else the decimal."""
    for numerator, denominator in FRACTION.findall(quote):
        if int(denominator) and round(int(numerator) / int(denominator), 4) == round(value, 4):
            return f"{int(numerator)}/{int(denominator)}"
    for denominator, numerator in CHINESE_FRACTION.findall(quote):
        d, n = read_number(denominator), read_number(numerator)
        if d and n is not None and round(n / d, 4) == round(value, 4):
            return f"{n}/{d}"
    return f"{value:g}"


@lru_cache(maxsize=65536)
def _value_text(value: float, value_high: float | None, unit: str, comparator: str, quote: str) -> str:
    if unit == "fraction":
        number = written_fraction(value, quote)
    else:
        number, end = written_number(value, quote)
        if value_high is not None:
            number += "–" + written_number(value_high, quote, end)[0]
    unit = "" if unit == "fraction" else unit
    return f"{COMPARATOR_SIGNS[comparator]}{number}{'' if unit in UNIT_SPACE_FREE else ' '}{unit}"


def format_value(row) -> str:
    """≥350 亿元, 4–6 个, ≈2.4%, 2.0%: the number as the plan writes it (taken from the quote when the
    row has one), with its comparator and unit. The one formatting of a value on every page."""
    high = row["value_high"]
    quote = row.get("quote", "")
    return _value_text(
        float(row["value"]),
        None if pd.isna(high) else float(high),
        str(row["unit"]),
        str(row["comparator"]),
        "" if quote is None or pd.isna(quote) else str(quote),
    )


def formatted(targets: pd.DataFrame) -> pd.Series:
    """format_value for every row (an empty frame gives an empty Series of strings)."""
    quotes = targets["quote"] if "quote" in targets else pd.Series("", index=targets.index)
    rows = zip(targets["value"], targets["value_high"], targets["unit"], targets["comparator"], quotes)
    texts = [
        _value_text(float(v), None if pd.isna(h) else float(h), str(u), str(c), "" if pd.isna(q) else str(q))
        for v, h, u, c, q in rows
    ]
    return pd.Series(texts, index=targets.index, dtype=object)


# ---------------------------------------------------------------------------------------------
# Statements in a matrix cell


@dataclass(frozen=True)
class Statement:
    """One target as a matrix cell shows it: value, year and type, with its stretch and conflict marks."""

    target_id: str
    text: str
    stretch: bool = False
    conflict: bool = False
    bindingness: str = ""  # the bindingness label where the document states it

    def __str__(self) -> str:
        marks = (f" [{STRETCH}]" if self.stretch else "") + (f" [{self.bindingness}]" if self.bindingness else "")
        return self.text + marks + (" ⚠" if self.conflict else "")


class Cell(tuple):
    """The statements of one matrix cell, in target_id order; prints them joined by ' | ' (— for none)."""

    def __str__(self) -> str:
        return " | ".join(map(str, self)) or "—"


def statements(targets: pd.DataFrame, with_id: bool = False) -> pd.Series:
    """Each target as a Statement: "2.6% (2025 share)", or "ruijin-014 100 家 (2025 level)"."""
    values = formatted(targets)
    ids = targets["target_id"].astype(str)
    rows = zip(ids, values, targets["target_year"], targets["target_type"].astype(str))
    texts = [f"{tid + ' ' if with_id else ''}{v} ({y} {tt})" for tid, v, y, tt in rows]
    out = [
        Statement(tid, text, bool(s), bool(c), b)
        for tid, text, s, c, b in zip(ids, texts, targets["is_stretch"], targets["conflict"].notna(), bindings(targets))
    ]
    return pd.Series(out, index=targets.index, dtype=object)


def _cells(t: pd.DataFrame, rows: str, columns: str) -> pd.DataFrame:
    """Matrix of Cells: the statements of ``t`` (in its order) by ``rows`` × ``columns`` (id columns)."""
    said = statements(t)
    grid: dict[str, dict[str, list]] = {}
    for r, c, s in zip(t[rows].astype(str), t[columns].astype(str), said):
        grid.setdefault(c, {}).setdefault(r, []).append(s)
    index = sorted({r for column in grid.values() for r in column})
    return pd.DataFrame({c: [Cell(grid[c].get(r, ())) for r in index] for c in sorted(grid)}, index=index, dtype=object)


# ---------------------------------------------------------------------------------------------
# Tables of targets


def _sort_key(s: pd.Series) -> pd.Series:
    return s.astype(str) if s.dtype.name == "category" else s


def by_category_and_year(targets: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """Number of targets per category (rows, bilingual) and target year (columns), with totals."""
    t = of_region(targets, region_id)
    table = pd.crosstab(t["category"].astype(str), t["target_year"].astype(int))
    table = table.reindex([c for c in CATEGORIES if c in table.index])
    table.columns = [str(c) for c in table.columns]
    table["total 合计"] = table.sum(axis=1)
    table.insert(0, "category 类别", [category_label(c) for c in table.index])
    return table.reset_index(drop=True)


def bindings(targets: pd.DataFrame) -> pd.Series:
    """Each target's bindingness label (anticipatory 预期性), empty where the document does not say."""
    kinds = targets["bindingness"].astype(object)
    return kinds.map(lambda k: "" if pd.isna(k) else bindingness_label(str(k))).astype(object)


def target_table(targets: pd.DataFrame, columns_extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Targets as readers see them: indicator in both languages, value as written, year, type, tier."""
    out = pd.DataFrame(
        {
            "target_id": targets["target_id"].astype(str),
            "指标 indicator": targets["indicator_name_zh"].astype(str) + " " + targets["indicator_name_en"].astype(str),
            "level 级别": targets["level"].astype(str).map(LEVEL_LABELS).fillna(""),
            "target 目标": formatted(targets),
            "year 年份": targets["target_year"].astype(int),
            TYPE_COLUMN: targets["target_type"].astype(str).map(target_type_label),
            STRETCH: targets["is_stretch"].map({True: STRETCH, False: ""}),
            BINDINGNESS: bindings(targets),
        }
    )
    for column in columns_extra:
        out[column] = targets[column].astype(object).where(targets[column].notna(), "").astype(str)
    return out.reset_index(drop=True)


def other_readings(targets: pd.DataFrame) -> pd.Series:
    """For every target in a conflict, the other statement(s) of its conflict group:
    "⚠ other reading: ruijin-014 100 家 (2025 level)"; empty for the others."""
    out = pd.Series("", index=targets.index, dtype=object)
    t = targets[targets["conflict"].notna()]
    said = statements(t, with_id=True)
    for _, group in t.groupby(t["conflict"].astype(str), sort=True):
        for i in group.index:
            others = [said[j].text for j in group.sort_values("target_id", key=_sort_key).index if j != i]
            out[i] = (
                "⚠ other reading: " + "; ".join(others)
                if others
                else "⚠ the document states this differently elsewhere: see the note"
            )
    return out


def _marks_in_type(out: pd.DataFrame) -> pd.DataFrame:
    """target_table's stretch and bindingness columns as marks after the type ("share 比重 · stretch 力争")."""
    out[TYPE_COLUMN] = [
        MARK_SEPARATOR.join(filter(None, (kind, stretch, binding)))
        for kind, stretch, binding in zip(out[TYPE_COLUMN], out[STRETCH], out[BINDINGNESS])
    ]
    return out.drop(columns=[STRETCH, BINDINGNESS])


def listing(
    targets: pd.DataFrame, rows: pd.DataFrame, regions: pd.DataFrame | None = None, compact: bool = False
) -> pd.DataFrame:
    """``rows`` (a selection of ``targets``) as the pages list them: each target once, its type with
    the stretch mark ("share 比重 · stretch 力争"), the other reading of a conflict (looked up in all of
    ``targets``), the verbatim quote (and its Simplified form for a Traditional copy), its offset, and
    the curator's note; with ``regions``, the region too. ``compact`` leaves out tier and offset."""
    out = _marks_in_type(target_table(rows))
    out[OTHER_READING] = other_readings(targets).reindex(rows.index).to_numpy()
    simplified = rows["quote_zh_hans"].astype(str).to_numpy()
    quote = rows["quote"].astype(str).to_numpy()
    out["quote 原文"] = [q if q == s else f"{q}(简体:{s})" for q, s in zip(quote, simplified)]
    out["offset"] = rows["quote_start"].astype(int).to_numpy()
    out["note 说明"] = rows["note"].astype(object).where(rows["note"].notna(), "").astype(str).to_numpy()
    if regions is not None:
        out.insert(1, "region 地区", rows["region_id"].astype(str).map(region_labels(regions)).to_numpy())
    if compact:
        out = out.drop(columns=["level 级别", "offset"])
    return _without_empty(out)


OPTIONAL_COLUMNS = ("level 级别", STRETCH, BINDINGNESS, OTHER_READING, CONTESTED)


def _without_empty(table: pd.DataFrame) -> pd.DataFrame:
    """Drop the optional columns that no row fills (a tier, a stretch mark, a bindingness, another reading)."""
    empty = [c for c in OPTIONAL_COLUMNS if c in table and len(table) and not table[c].astype(bool).any()]
    return table.drop(columns=empty)


def category_rows(targets: pd.DataFrame, region_id: str, categories: tuple[str, ...]) -> pd.DataFrame:
    """One region's targets of the given categories, by category, indicator, tier and year."""
    t = of_region(targets, region_id)
    t = t[t["category"].astype(str).isin(categories)]
    t = t.assign(
        _category=t["category"].astype(str).map({c: i for i, c in enumerate(CATEGORIES)}),
        _level=t["level"].cat.codes if hasattr(t["level"], "cat") else 0,
    )
    return t.sort_values(["_category", "indicator_id", "_level", "target_year", "target_id"], key=_sort_key)


def category_targets(targets: pd.DataFrame, region_id: str, category: str) -> pd.DataFrame:
    """One region's targets of one category, each once with quote and note (the page's listing)."""
    return listing(targets, category_rows(targets, region_id, (category,)))


def other_targets(targets: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """The targets of the levers without a section of their own (industry, IP, cooperation, ...)."""
    rows = category_rows(targets, region_id, OTHER_CATEGORIES)
    out = listing(targets, rows)
    out.insert(1, "category 类别", rows["category"].astype(str).map(category_label).to_numpy())
    return out


def financing(targets: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """Financing targets, with money also in 亿元 (100 million yuan)."""
    rows = category_rows(targets, region_id, ("financing",))
    out = listing(targets, rows)
    out.insert(4, "亿元 (100m yuan)", rows["value_cny_100m"].round(4).to_numpy())
    return out


def listed_once(targets: pd.DataFrame, region_id: str) -> bool:
    """Do the sections (one per lever, and one for the other levers) list each target exactly once?"""
    ids = [*(category_rows(targets, region_id, (c,))["target_id"] for c in SECTION_CATEGORIES)]
    ids.append(category_rows(targets, region_id, OTHER_CATEGORIES)["target_id"])
    listed = pd.concat(ids).astype(str)
    return listed.is_unique and set(listed) == set(of_region(targets, region_id)["target_id"].astype(str))


def conflict_groups(targets: pd.DataFrame, region_id: str | None = None) -> pd.DataFrame:
    """One row per contradiction inside a document: its id and every reading (Cells of Statements)."""
    t = targets if region_id is None else of_region(targets, region_id)
    t = t[t["conflict"].notna()].sort_values(["conflict", "target_id"], key=_sort_key)
    said = statements(t, with_id=True)
    groups = t.groupby(t["conflict"].astype(str), sort=True)
    return pd.DataFrame(
        {
            "conflict 矛盾": [conflict for conflict, _ in groups],
            "category 类别": [category_label(str(g["category"].iloc[0])) for _, g in groups],
            "readings 各读法": [Cell(said[g.index]) for _, g in groups],
        }
    )


def conflicts(targets: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Every target in a contradiction, in all documents, grouped by conflict id, each with its region,
    quote, note and the other reading."""
    t = targets[targets["conflict"].notna()].sort_values(["conflict", "target_id"], key=_sort_key)
    out = listing(targets, t, regions, compact=True)
    out.insert(1, "conflict 矛盾", t["conflict"].astype(str).to_numpy())
    return out


# ---------------------------------------------------------------------------------------------
# From baseline to target


def growth_readings(targets: pd.DataFrame, observations: pd.DataFrame, region_id: str | None = None) -> pd.DataFrame:
    """Each baseline of each target, one row per reading: the observation that is its baseline
    (baseline_observation) and, where the document gives contested values of the same measure
    (observations sharing a conflict id), each of those too; each with its quote and offset, and the
    compound annual growth needed from it, or, where there is none, why (an increment or cumulative
    target is not a stock; a zero baseline has no growth rate)."""
    t = targets if region_id is None else of_region(targets, region_id)
    t = t[t["baseline_observation"].notna()]
    obs = observations.set_index(observations["observation_id"].astype(str), drop=False)
    contested = obs[obs["conflict"].notna()]
    contested_of = contested.groupby([contested["doc_id"].astype(str), contested["indicator_id"].astype(str)])
    contested_of = {key: list(group.sort_values("quote_start").index) for key, group in contested_of}
    pairs = []  # (target_id, observation_id, rank: 0 for the recorded baseline)
    for target_id, doc_id, indicator_id, baseline in zip(
        t["target_id"].astype(str), t["doc_id"].astype(str), t["indicator_id"].astype(str), t["baseline_observation"]
    ):
        pairs.append((target_id, str(baseline), 0))
        pairs += [(target_id, o, 1) for o in contested_of.get((doc_id, indicator_id), []) if o != str(baseline)]
    chosen = obs.loc[[o for _, o, _ in pairs]] if pairs else obs.iloc[:0]
    readings = pd.DataFrame(
        {
            "target_id": [tid for tid, _, _ in pairs],
            "observation_id": chosen["observation_id"].astype(str).to_numpy(),
            "baseline": chosen["value"].astype(float).to_numpy(),
            "baseline_year": chosen["year"].astype(int).to_numpy(),
            "source": [
                f"{o}: “{q}” at offset {s}"
                for o, q, s in zip(chosen["observation_id"], chosen["quote"], chosen["quote_start"])
            ],
            "offset": chosen["quote_start"].astype(int).to_numpy(),
            "contested": chosen["conflict"].astype(object).fillna("").astype(str).to_numpy(),
            "_rank": [rank for _, _, rank in pairs],
        }
    )
    rows = t.set_index(t["target_id"].astype(str)).loc[readings["target_id"]]
    kinds = rows["target_type"].astype(str).to_numpy()
    value = rows["value"].astype(float).to_numpy()
    years = rows["target_year"].astype(int).to_numpy() - readings["baseline_year"].to_numpy()
    base = readings["baseline"].to_numpy()
    rate, points, why = [], [], []
    for kind, v, b, n, unit in zip(kinds, value, base, years, rows["unit"].astype(str)):
        reason = ""
        if kind not in STOCK_TYPES:
            reason = f"{TARGET_TYPE_EN[kind]}: no stock growth rate"
        elif b <= 0:
            reason = "baseline is zero: no growth rate from zero" if b == 0 else "baseline below zero: no growth rate"
        elif n <= 0:
            reason = "baseline not before the target year: no growth rate"
        rate.append(float("nan") if reason else ((v / b) ** (1 / n) - 1) * 100)
        points.append((v - b) / n if unit == "%" and not reason else float("nan"))
        why.append(reason)
    readings["value"] = value
    readings["growth_pct"] = rate
    readings["points_per_year"] = points
    readings["why_no_rate"] = why
    readings["category"] = rows["category"].astype(str).to_numpy()
    readings["is_stretch"] = rows["is_stretch"].astype(bool).to_numpy()
    readings["indicator_zh"] = rows["indicator_name_zh"].astype(str).to_numpy()
    readings["indicator_en"] = rows["indicator_name_en"].astype(str).to_numpy()
    readings["indicator"] = readings["indicator_zh"] + " " + readings["indicator_en"]
    readings = readings.sort_values(["target_id", "_rank", "offset"]).drop(columns="_rank")
    return readings.reset_index(drop=True)


def required_growth(targets: pd.DataFrame, observations: pd.DataFrame, region_id: str | None = None) -> pd.DataFrame:
    """growth_readings as the page shows them: one row per target and baseline reading, the baseline
    cited by its observation's quote and offset, a contested one marked with its conflict id."""
    readings = growth_readings(targets, observations, region_id)
    rows = targets.set_index(targets["target_id"].astype(str)).loc[readings["target_id"]]
    out = _marks_in_type(target_table(rows.reset_index(drop=True)).drop(columns="level 级别"))
    out.insert(3, "baseline 基期", [f"{b:g} ({y})" for b, y in zip(readings["baseline"], readings["baseline_year"])])
    out.insert(4, "baseline from 基期出处", readings["source"].to_numpy())
    out.insert(5, CONTESTED, readings["contested"].to_numpy())
    out["growth/yr 年均增速"] = [
        reason if reason else f"{g:+.1f}%/yr" for g, reason in zip(readings["growth_pct"], readings["why_no_rate"])
    ]
    out["points/yr (shares)"] = ["" if pd.isna(p) else f"{p:+.2f} pp/yr" for p in readings["points_per_year"]]
    other = dict(zip(targets["target_id"].astype(str), other_readings(targets)))
    out[OTHER_READING] = readings["target_id"].map(other).to_numpy()
    return _without_empty(out)


def observation_table(
    observations: pd.DataFrame, targets: pd.DataFrame, indicators: pd.DataFrame, region_id: str
) -> pd.DataFrame:
    """The past values one region's document states (observations.csv), in the order of the text: the
    value as written with its year, the verbatim quote and its offset, the targets it is the baseline
    of, and the conflict id of contested values."""
    o = of_region(observations, region_id).sort_values("quote_start")
    t = targets[targets["baseline_observation"].notna()]
    baseline_of: dict[str, list[str]] = {}
    for target_id, observation_id in zip(t["target_id"].astype(str), t["baseline_observation"].astype(str)):
        baseline_of.setdefault(observation_id, []).append(target_id)
    names = dict(zip(indicators["indicator_id"].astype(str), indicators["name_zh"] + " " + indicators["name_en"]))
    rows = zip(o["value"].astype(float), o["unit"].astype(str), o["quote"].astype(str))
    return pd.DataFrame(
        {
            "observation_id": o["observation_id"].astype(str).to_numpy(),
            "指标 indicator": o["indicator_id"].astype(str).map(names).to_numpy(),
            "value 数值": [f"{written_number(v, q)[0]}{'' if u in UNIT_SPACE_FREE else ' '}{u}" for v, u, q in rows],
            "year 年份": o["year"].astype(int).to_numpy(),
            "baseline of 基期于": [", ".join(baseline_of.get(i, [])) for i in o["observation_id"].astype(str)],
            CONTESTED: o["conflict"].astype(object).fillna("").astype(str).to_numpy(),
            "quote 原文": o["quote"].astype(str).to_numpy(),
            "offset": o["quote_start"].astype(int).to_numpy(),
            "note 说明": o["note"].astype(object).fillna("").astype(str).to_numpy(),
        }
    )


# ---------------------------------------------------------------------------------------------
# Across regions


def type_counts(targets: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Targets per region (rows, in the fixed region order) and target type (columns), with totals."""
    table = pd.crosstab(targets["region_id"].astype(str), targets["target_type"].astype(str))
    table = table.reindex(columns=[t for t in TARGET_TYPES if t in table.columns])
    table = table.reindex([r for r in region_order(regions) if r in table.index])
    table.columns = [target_type_label(c) for c in table.columns]
    table["total 合计"] = table.sum(axis=1)
    table.insert(0, "region 地区", region_labels(regions).reindex(table.index).to_numpy())
    return table.reset_index(drop=True)


def _category_shares(targets: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Share of each group's targets per category, in % (columns: categories in the fixed order, bilingual)."""
    table = pd.crosstab(groups, targets["category"].astype(str), normalize="index")
    table = (table * 100).round(1).reindex(columns=[c for c in CATEGORIES if c in table.columns]).fillna(0.0)
    table.columns = [category_label(c) for c in table.columns]
    return table


def category_mix(targets: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Share of each region's targets per category, in % (rows: regions in the fixed order, bilingual)."""
    table = _category_shares(targets, targets["region_id"].astype(str))
    table = table.reindex([r for r in region_order(regions) if r in table.index])
    table.index = region_labels(regions).reindex(table.index)
    table.index.name = "region 地区"
    return table


def headline_matrix(targets: pd.DataFrame, regions: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Headline indicator × region: each cell the statements of that region (value, year and type,
    so a 2021 one-year target is never read as a 2025 stock; stretch and ⚠ conflict marks)."""
    t = targets[targets["indicator_id"].astype(str).isin(HEADLINE_INDICATORS)].sort_values("target_id")
    matrix = _cells(t, "indicator_id", "region_id")
    matrix = matrix.reindex([i for i in HEADLINE_INDICATORS if i in matrix.index])
    matrix = matrix.reindex(columns=[r for r in region_order(regions) if r in matrix.columns])
    names = indicators.set_index(indicators["indicator_id"].astype(str))
    matrix.columns = region_labels(regions).reindex(matrix.columns).to_list()
    matrix.insert(0, "indicator 指标", [f"{names.at[i, 'name_zh']} {names.at[i, 'name_en']}" for i in matrix.index])
    return matrix.reset_index(drop=True)


def alignment(targets: pd.DataFrame, regions: pd.DataFrame, province: str, cities: tuple[str, ...]) -> pd.DataFrame:
    """Indicators that a province and its cities both target, side by side (value, year, type)."""
    t = targets[targets["region_id"].astype(str).isin((province, *cities))].sort_values("target_id")
    wide = _cells(t, "indicator_id", "region_id")
    present = wide.map(len) > 0
    shared = wide[present[province] & present.drop(columns=province).any(axis=1)]
    order = [r for r in region_order(regions) if r == province or r in cities and r in shared.columns]
    shared = shared.reindex(columns=order)
    first = t.drop_duplicates("indicator_id")
    names = dict(zip(first["indicator_id"].astype(str), first["indicator_name_zh"] + " " + first["indicator_name_en"]))
    shared.columns = region_labels(regions).reindex(shared.columns).to_list()
    shared.insert(0, "indicator 指标", [str(names[i]) for i in shared.index])
    return shared.sort_values("indicator 指标").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Across provinces: the comparison of more regions than a page can show one row each

PROVINCE_COLUMN = "province 省份"
REGION_COUNT = "regions 地区数"


def provinces_of(regions: pd.DataFrame) -> pd.Series:
    """region_id -> its province (regions.csv's English name)."""
    return pd.Series(regions["province"].astype(str).to_numpy(), index=regions["region_id"].astype(str))


def province_of_rows(frame: pd.DataFrame, regions: pd.DataFrame) -> pd.Series:
    """The province of each row of a frame with a region_id column."""
    return frame["region_id"].astype(str).map(provinces_of(regions))


def regions_per_province(documents: pd.DataFrame, regions: pd.DataFrame) -> pd.Series:
    """The number of regions with documents in each province, in province_order."""
    with_documents = documents["region_id"].astype(str).drop_duplicates()
    counts = with_documents.map(provinces_of(regions)).value_counts()
    return counts.reindex(province_order(counts.index))


def province_counts(targets: pd.DataFrame, regions: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Per province (rows, in province_order, bilingual): its regions with documents and their targets
    per target type (columns), with totals."""
    present = regions_per_province(documents, regions)
    table = pd.crosstab(province_of_rows(targets, regions), targets["target_type"].astype(str))
    table = table.reindex(columns=[t for t in TARGET_TYPES if t in table.columns])
    table = table.reindex(present.index, fill_value=0)
    table.columns = [target_type_label(c) for c in table.columns]
    table["total 合计"] = table.sum(axis=1)
    table.insert(0, REGION_COUNT, present.to_numpy())
    table.insert(0, PROVINCE_COLUMN, [province_label(p) for p in present.index])
    return table.reset_index(drop=True)


def province_mix(targets: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Share of each province's targets (all its regions' together) per category, in % (rows: provinces
    in province_order, bilingual)."""
    table = _category_shares(targets, province_of_rows(targets, regions))
    table = table.reindex(province_order(table.index))
    table.index = [province_label(p) for p in table.index]
    table.index.name = PROVINCE_COLUMN
    return table


def province_years(targets: pd.DataFrame, documents: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Per province (rows, in province_order): its documents, the earliest start and latest end of their
    plan periods, and its number of targets due in each year (one column per year)."""
    present = regions_per_province(documents, regions)
    docs = documents.assign(_province=province_of_rows(documents, regions))
    periods = docs.groupby("_province").agg(
        documents=("doc_id", "size"), start=("period_start", "min"), end=("period_end", "max")
    )
    years = pd.crosstab(province_of_rows(targets, regions), targets["target_year"].astype(int))
    table = periods.join(years).reindex(present.index).fillna(0).astype(int)
    table.index.name = "province"
    return table


def plain_number(value: float) -> str:
    """1,500; 2.45; 0.33: at most two decimals, none that are zero, no exponent."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def province_headline_stats(targets: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Per province, headline measure, target type and unit (a stock and an increment, or 亿元 and 万元,
    are never pooled): how many of the province's regions set it, its number of targets, and the median,
    lowest and highest value committed (a range counts by its lower end for the median and the lowest,
    by its upper end for the highest)."""
    t = targets[targets["indicator_id"].astype(str).isin(HEADLINE_INDICATORS)]
    keys = [
        province_of_rows(t, regions).rename("province"),
        t["indicator_id"].astype(str).rename("indicator_id"),
        t["target_type"].astype(str).rename("target_type"),
        t["unit"].astype(str).rename("unit"),
    ]
    value = t["value"].astype(float)
    stats = pd.DataFrame(
        {
            "regions": t["region_id"].astype(str).groupby(keys).nunique(),
            "targets": value.groupby(keys).size(),
            "median": value.groupby(keys).median(),
            "low": value.groupby(keys).min(),
            "high": t["value_high"].astype(float).fillna(value).groupby(keys).max(),
        }
    )
    return stats.reset_index()


def province_headline(
    targets: pd.DataFrame, regions: pd.DataFrame, indicators: pd.DataFrame, documents: pd.DataFrame
) -> pd.DataFrame:
    """Province with documents (rows) × headline measure (columns): one line per target type and unit,
    "level 存量: 7 regions, median 300 家 (120–800)" (province_headline_stats); — where none of its
    regions sets it."""
    stats = province_headline_stats(targets, regions)
    rank = {t: i for i, t in enumerate(TARGET_TYPES)}
    stats = stats.assign(_type=stats["target_type"].map(rank)).sort_values(["indicator_id", "_type", "unit"])
    lines: dict[tuple[str, str], list[str]] = {}
    for row in stats.itertuples(index=False):  # one row per province, measure, type and unit
        space = "" if row.unit in UNIT_SPACE_FREE else " "
        spread = "" if row.low == row.high else f" ({plain_number(row.low)}–{plain_number(row.high)})"
        lines.setdefault((row.province, row.indicator_id), []).append(
            f"{target_type_label(row.target_type)}: {row.regions} region{'s' if row.regions != 1 else ''}, "
            f"median {plain_number(row.median)}{space}{row.unit}{spread}"
        )
    provinces = list(regions_per_province(documents, regions).index)
    measures = [i for i in HEADLINE_INDICATORS if i in set(stats["indicator_id"])]
    names = indicators.set_index(indicators["indicator_id"].astype(str))
    table = pd.DataFrame({PROVINCE_COLUMN: [province_label(p) for p in provinces]})
    for indicator in measures:
        label = f"{names.at[indicator, 'name_zh']} {names.at[indicator, 'name_en']}"
        table[label] = ["\n".join(lines.get((p, indicator), ["—"])) for p in provinces]
    return table


class RegionList(tuple):
    """The regions of a table cell, as (region_id, label) pairs; prints their labels joined by ', '."""

    def __str__(self) -> str:
        return ", ".join(label for _, label in self)


def province_conflicts(targets: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Per province with contradictions inside its documents (rows, in province_order): their number,
    and the regions that have them (a RegionList, in the fixed region order, each with its number)."""
    t = targets[targets["conflict"].notna()]
    pairs = pd.DataFrame({"region_id": t["region_id"].astype(str), "conflict": t["conflict"].astype(str)})
    per_region = pairs.drop_duplicates().groupby("region_id").size()
    per_region = per_region.reindex([r for r in region_order(regions) if r in per_region.index])
    province = provinces_of(regions).reindex(per_region.index)
    labels = region_labels(regions)
    listed: dict[str, list[tuple[str, str]]] = {}
    for region, n in per_region.items():  # one row per region with a contradiction
        listed.setdefault(province[region], []).append((region, f"{labels[region]} ({n})"))
    provinces = province_order(listed)
    return pd.DataFrame(
        {
            PROVINCE_COLUMN: [province_label(p) for p in provinces],
            "contradictions 矛盾": per_region.groupby(province).sum().reindex(provinces).astype(int).to_numpy(),
            REGION_COUNT: [len(listed[p]) for p in provinces],
            "regions 地区": [RegionList(listed[p]) for p in provinces],
        },
        columns=[PROVINCE_COLUMN, "contradictions 矛盾", REGION_COUNT, "regions 地区"],
    )


def document_card(documents: pd.DataFrame, regions: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """The region's document(s): title, issuer, period, kind, as a two-column table."""
    docs = of_region(documents, region_id).sort_values("doc_id")
    region = regions.set_index(regions["region_id"].astype(str)).loc[region_id]
    rows = []
    for d in docs.itertuples(index=False):
        rows += [
            ("region 地区", f"{region['name_zh']} {region['name_en']} ({region['level']}, {region['province']})"),
            ("title 标题", d.title_zh),
            ("title (English)", d.title_en),
            ("issuer 发布机构", d.issuer),
            ("issued 发布日期", d.issued),
            ("period 规划期", f"{d.period_start}–{d.period_end}"),
            ("kind 类型", str(d.kind)),
            ("source file 原文", d.file),
            ("sha256", d.sha256),
            ("doc_id", d.doc_id),
        ]
    return pd.DataFrame(rows, columns=["field 项目", "value 内容"])
