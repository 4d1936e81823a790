"""Analyses of the curated targets, per region and across regions.

Every function takes the frame load_targets() returns and gives a small DataFrame
with a fixed sort order, ready to show; the notebooks only call these.
"""

from __future__ import annotations

import pandas as pd

from ..dataset.vocabulary import (
    CATEGORIES,
    COMPARATOR_SIGNS,
    LEVEL_LABELS,
    PLATFORM_LEVELS,
    TARGET_TYPES,
    category_label,
    region_labels,
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
STOCK_TYPES = ("level", "share", "cumulative", "maintain")


def format_value(row: pd.Series) -> str:
    """≥350 亿元, 4–6 个, ≈2.4 %: the number as the plan commits to it."""
    value = f"{row['value']:g}"
    if pd.notna(row["value_high"]):
        value += f"–{row['value_high']:g}"
    unit = "(1/3)" if row["unit"] == "fraction" else row["unit"]
    return f"{COMPARATOR_SIGNS[row['comparator']]}{value} {unit}"


def formatted(targets: pd.DataFrame) -> pd.Series:
    """format_value for every row (an empty frame gives an empty Series of strings)."""
    return pd.Series([format_value(row) for _, row in targets.iterrows()], index=targets.index, dtype="string")


def of_region(targets: pd.DataFrame, region_id: str) -> pd.DataFrame:
    return targets[targets["region_id"].astype(str) == region_id]


def by_category_and_year(targets: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """Number of targets per category (rows, bilingual) and target year (columns), with totals."""
    t = of_region(targets, region_id)
    table = pd.crosstab(t["category"].astype(str), t["target_year"].astype(int))
    table = table.reindex([c for c in CATEGORIES if c in table.index])
    table.index = [category_label(c) for c in table.index]
    table.index.name = "category 类别"
    table.columns.name = "target year 目标年份"
    table["total 合计"] = table.sum(axis=1)
    return table


def target_table(targets: pd.DataFrame, columns_extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Targets as readers see them: indicator in both languages, value, year, type, level."""
    out = pd.DataFrame(
        {
            "target_id": targets["target_id"].astype(str),
            "指标 indicator": targets["indicator_name_zh"].astype(str) + " " + targets["indicator_name_en"].astype(str),
            "level": targets["level"].astype(str).map(LEVEL_LABELS).fillna(""),
            "target 目标": formatted(targets),
            "year 年份": targets["target_year"].astype(int),
            "type 类型": targets["target_type"].astype(str),
            "stretch 力争": targets["is_stretch"].map({True: "力争", False: ""}),
        }
    )
    for column in columns_extra:
        out[column] = targets[column].astype(object).where(targets[column].notna(), "").astype(str)
    return out.reset_index(drop=True)


def category_targets(targets: pd.DataFrame, region_id: str, category: str) -> pd.DataFrame:
    """One region's targets of one category, ordered by indicator, level and year."""
    t = of_region(targets, region_id)
    t = t[t["category"].astype(str) == category]
    t = t.assign(_level=t["level"].cat.codes if hasattr(t["level"], "cat") else 0)
    t = t.sort_values(["indicator_id", "_level", "target_year", "target_id"], key=_sort_key)
    return target_table(t)


def _sort_key(s: pd.Series) -> pd.Series:
    return s.astype(str) if s.dtype.name == "category" else s


def platforms_by_kind_and_level(targets: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """Platform targets counted by kind (indicator) and tier (level), with their committed numbers."""
    t = of_region(targets, region_id)
    t = t[t["category"].astype(str) == "platforms"]
    level = t["level"].astype(str).map(LEVEL_LABELS).fillna("tier not stated 未注明")
    kind = t["indicator_name_zh"].astype(str) + " " + t["indicator_name_en"].astype(str)
    values = formatted(t) + " (" + t["target_year"].astype(str) + ", " + t["target_type"].astype(str) + ")"
    frame = pd.DataFrame({"kind 类型": kind, "level 级别": level, "target": values})
    order = [LEVEL_LABELS[lv] for lv in PLATFORM_LEVELS] + ["tier not stated 未注明"]
    table = frame.groupby(["kind 类型", "level 级别"], observed=True)["target"].agg("; ".join).unstack()
    return table.reindex(columns=[c for c in order if c in table.columns]).fillna("").sort_index()


def talent_by_kind(targets: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """Talent targets by kind of talent."""
    return category_targets(targets, region_id, "talent")


def financing(targets: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """Financing targets, with money also in 亿元 (100 million yuan)."""
    t = of_region(targets, region_id)
    t = t[t["category"].astype(str) == "financing"].sort_values("target_id")
    out = target_table(t)
    out["亿元 (100m yuan)"] = t["value_cny_100m"].round(4).to_numpy()
    return out


def required_growth(targets: pd.DataFrame, region_id: str | None = None) -> pd.DataFrame:
    """Average annual growth needed from the document's baseline to the target.

    Only for stocks and shares (level, share, cumulative, maintain) with a baseline;
    for a share, the change in percentage points per year is given too.
    """
    t = targets if region_id is None else of_region(targets, region_id)
    t = t[t["baseline_value"].notna() & t["target_type"].astype(str).isin(STOCK_TYPES)]
    years = (t["target_year"] - t["baseline_year"]).astype(float)
    cagr = (t["value"] / t["baseline_value"]) ** (1 / years) - 1
    points = (t["value"] - t["baseline_value"]) / years
    out = target_table(t)
    out.insert(3, "baseline 基期", [f"{b:g} ({y})" for b, y in zip(t["baseline_value"], t["baseline_year"])])
    out["growth/yr 年均增速"] = [f"{c * 100:+.1f}%" for c in cagr]
    out["points/yr (shares)"] = [f"{p:+.2f} pp" if u == "%" else "" for p, u in zip(points, t["unit"].astype(str))]
    out["conflict"] = [c if isinstance(c, str) else "" for c in t["conflict"].astype(object)]
    return out


def conflicts(targets: pd.DataFrame, region_id: str | None = None) -> pd.DataFrame:
    """Statements of one document that disagree, grouped by conflict id, with both readings."""
    t = targets if region_id is None else of_region(targets, region_id)
    t = t[t["conflict"].notna()].sort_values(["conflict", "target_id"], key=_sort_key)
    out = target_table(t, ("conflict", "quote_zh_hans", "note"))
    return out.rename(columns={"quote_zh_hans": "quote 原文"})


def caveats(targets: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """Targets whose note says something a reader must know (duplicates, implied years, readings)."""
    t = of_region(targets, region_id)
    t = t[t["note"].notna() & t["conflict"].isna()].sort_values("target_id")
    return target_table(t, ("note",))


def quotes(targets: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """Every target of a region with its verbatim quote and offset, in document order."""
    t = of_region(targets, region_id).sort_values("quote_start")
    out = target_table(t, ("quote", "quote_zh_hans"))
    out["offset"] = t["quote_start"].astype(int).to_numpy()
    if (out["quote"] == out["quote_zh_hans"]).all():
        out = out.drop(columns="quote_zh_hans")
    return out.rename(columns={"quote": "quote 原文", "quote_zh_hans": "简体 Simplified"})


def type_counts(targets: pd.DataFrame) -> pd.DataFrame:
    """Targets per region (rows) and target type (columns)."""
    table = pd.crosstab(targets["region_id"].astype(str), targets["target_type"].astype(str))
    return table.reindex(columns=[t for t in TARGET_TYPES if t in table.columns]).sort_index()


def category_mix(targets: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Share of each region's targets per category, in % (rows: regions, bilingual)."""
    table = pd.crosstab(targets["region_id"].astype(str), targets["category"].astype(str), normalize="index")
    table = (table * 100).round(1).reindex(columns=[c for c in CATEGORIES if c in table.columns]).fillna(0.0)
    table.columns = [category_label(c) for c in table.columns]
    table.index = region_labels(regions).reindex(table.index)
    table.index.name = "region 地区"
    return table.sort_index()


def headline_matrix(targets: pd.DataFrame, regions: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Region × headline indicator: each value with its year and type, so a 2021 one-year
    target is never read as a 2025 stock. Several statements are joined with ' | ';
    conflicting ones are marked ⚠."""
    t = targets[targets["indicator_id"].astype(str).isin(HEADLINE_INDICATORS)].sort_values("target_id")
    cell = (
        formatted(t)
        + " ("
        + t["target_year"].astype(str)
        + " "
        + t["target_type"].astype(str)
        + ")"
        + t["conflict"].notna().map({True: " ⚠", False: ""})
    )
    long = pd.DataFrame(
        {"region": t["region_id"].astype(str), "indicator": t["indicator_id"].astype(str), "cell": cell}
    )
    matrix = long.groupby(["indicator", "region"])["cell"].agg(" | ".join).unstack().fillna("—")
    matrix = matrix.reindex([i for i in HEADLINE_INDICATORS if i in matrix.index])
    names = indicators.set_index(indicators["indicator_id"].astype(str))
    matrix.index = [f"{names.at[i, 'name_zh']} {names.at[i, 'name_en']}" for i in matrix.index]
    matrix.index.name = "indicator 指标"
    order = regions.sort_values(["level", "region_id"], key=_sort_key)["region_id"].astype(str)
    matrix = matrix.reindex(columns=[r for r in order if r in matrix.columns])
    matrix.columns = region_labels(regions).reindex(matrix.columns).to_list()
    return matrix


def alignment(targets: pd.DataFrame, regions: pd.DataFrame, province: str, cities: tuple[str, ...]) -> pd.DataFrame:
    """Indicators that a province and its cities both target, side by side (value, year, type)."""
    t = targets[targets["region_id"].astype(str).isin((province, *cities))].sort_values("target_id")
    cell = formatted(t) + " (" + t["target_year"].astype(str) + " " + t["target_type"].astype(str) + ")"
    long = pd.DataFrame(
        {"indicator": t["indicator_id"].astype(str), "region": t["region_id"].astype(str), "cell": cell}
    )
    wide = long.groupby(["indicator", "region"])["cell"].agg(" | ".join).unstack()
    shared = wide[wide[province].notna() & wide.drop(columns=province).notna().any(axis=1)]
    shared = shared.reindex(columns=[province, *[c for c in cities if c in shared.columns]]).fillna("—")
    names = t.drop_duplicates("indicator_id").set_index(t.drop_duplicates("indicator_id")["indicator_id"].astype(str))
    shared.index = [f"{names.at[i, 'indicator_name_zh']} {names.at[i, 'indicator_name_en']}" for i in shared.index]
    shared.index.name = "indicator 指标"
    shared.columns = region_labels(regions).reindex(shared.columns).to_list()
    return shared.sort_index()


def document_card(documents: pd.DataFrame, regions: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """The region's document(s): title, issuer, period, kind, as a two-column table."""
    docs = documents[documents["region_id"].astype(str) == region_id].sort_values("doc_id")
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
        ]
    return pd.DataFrame(rows, columns=["field", "value"]).set_index("field")
