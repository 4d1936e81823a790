"""Figures with Chinese and English labels, drawn in a CJK font that the project installs.

The font is Noto Sans CJK SC from the ``mplfonts`` package (a declared dependency),
registered with matplotlib by file path, so no figure depends on the fonts of the
machine and none shows empty glyph boxes. Colours come from palette.py, the region order
from vocabulary.region_order. Text from the data is drawn as plain text (no mathtext, so a
``$`` in a name is a dollar sign). Every function returns a Figure: a PNG with an alt text
that describes it, shown in a notebook and on the pages as ``<img alt=... src=data:...>``.
"""

from __future__ import annotations

import base64
import functools
import io
import math
import textwrap
from dataclasses import dataclass, field
from html import escape

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D

from ..chinese.fonts import use_cjk_font
from ..dataset.vocabulary import (
    CATEGORIES,
    TARGET_TYPES,
    category_label,
    province_label,
    region_labels,
    region_order,
    target_type_label,
)
from .palette import CATEGORY_COLOURS, TYPE_COLOURS
from .summaries import HEADLINE_INDICATORS, formatted, of_region, plain_number

# Text is never parsed as mathtext; PNGs carry no software/version metadata, so they are the same every run.
RC = {"text.parse_math": False, "axes.unicode_minus": False}
PNG_METADATA = {"Software": None}
PNG_COMPRESSION = {"compress_level": 1}  # zlib's fastest: measured faster than the default, and no larger here
DPI = 100
STRETCH_EDGE = "#000000"


def _stretch_handle() -> Line2D:
    """The legend entry for the ring that marks stretch targets, the same in every figure."""
    return Line2D(
        [],
        [],
        marker="o",
        linestyle="",
        markerfacecolor="#ffffff",
        markeredgecolor=STRETCH_EDGE,
        markersize=7,
        label="ring: stretch 力争",
    )


@dataclass(frozen=True)
class Figure:
    """A drawn figure: PNG bytes and a text alternative describing what it shows."""

    png: bytes = field(repr=False)
    alt: str
    figure: plt.Figure = field(repr=False, compare=False)

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        return (
            f'<img class="sti-figure" alt="{escape(self.alt, quote=True)}" '
            f'src="data:image/png;base64,{data}" style="max-width:100%;height:auto">'
        )

    def __repr__(self) -> str:
        return f"Figure: {self.alt}"


def _plain_text(plot):
    """Run ``plot`` in the CJK font with mathtext off, from creating the figure to saving its PNG."""

    @functools.wraps(plot)
    def run(*args, **kwargs):
        use_cjk_font()  # sets the theme once; outside the context, which would undo it on exit
        with plt.rc_context(RC):
            return plot(*args, **kwargs)

    return run


def _begin(width: float, height: float, **kw) -> tuple[plt.Figure, object]:
    return plt.subplots(figsize=(width, height), **kw)


def _legend_below(ax, handles: list, rows: int, ncol: int) -> None:
    """A timeline's legend under its axes (further down, relatively, for fewer rows)."""
    below = (0.5, -0.12 - 0.25 / rows)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=below, ncol=ncol, fontsize=8, frameon=False)


def _finish(fig: plt.Figure, alt: str) -> Figure:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata=PNG_METADATA, pil_kwargs=PNG_COMPRESSION)
    plt.close(fig)  # the notebook shows the returned Figure, not matplotlib's
    return Figure(buffer.getvalue(), alt, fig)


def _wrap(text: str, width: int) -> str:
    """Wrap at spaces only: a label is never cut inside a word."""
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


def _indicator_label(zh: str, en: str, width: int = 44) -> str:
    return f"{zh}\n{_wrap(en, width)}"


def _period(document) -> str:
    """five-year plan 2021–2025; work points 2021."""
    start, end = int(document.period_start), int(document.period_end)
    return f"{document.kind} {start}" + (f"–{end}" if end != start else "")


def text_colour(hex_colour: str) -> str:
    """Near-black or white, whichever reads on the given background."""
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "#1a1a1a" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 else "#ffffff"


@_plain_text
def plot_categories(targets: pd.DataFrame, region_id: str, region_name: str) -> Figure:
    """Targets per category, stacked by target type (palette's type colours)."""
    t = of_region(targets, region_id)
    counts = pd.crosstab(t["category"].astype(str), t["target_type"].astype(str))
    counts = counts.reindex(index=[c for c in CATEGORIES if c in counts.index])
    counts = counts.reindex(columns=[c for c in TARGET_TYPES if c in counts.columns])
    fig, ax = _begin(9, 0.45 * len(counts) + 1.6)
    left = pd.Series(0, index=counts.index)
    labels = [category_label(c) for c in counts.index]
    for kind in counts.columns:
        ax.barh(labels, counts[kind], left=left, color=TYPE_COLOURS[kind], label=target_type_label(kind), height=0.75)
        left = left + counts[kind]
    ax.invert_yaxis()
    ax.set_xlabel("目标数量 number of targets")
    ax.set_title(f"{region_name}:各类目标数量 Targets by category and type")
    ax.legend(title="目标类型 target type", bbox_to_anchor=(1.01, 1), loc="upper left")
    per_category = "; ".join(
        f"{category_label(c)} {int(counts.loc[c].sum())} ("
        + ", ".join(f"{k} {int(n)}" for k, n in counts.loc[c].items() if n)
        + ")"
        for c in counts.index
    )
    alt = f"{region_name}: bar chart of its {len(t)} targets per category, stacked by target type: {per_category}."
    return _finish(fig, alt)


@_plain_text
def plot_timeline(targets: pd.DataFrame, documents: pd.DataFrame, regions: pd.DataFrame, region_ids, title: str):
    """Per region, the plan period as a bar and each target as a dot at its target year, coloured by
    category (a black ring marks a stretch target, 力争)."""
    order = [r for r in region_order(regions) if r in set(region_ids)]
    names = region_labels(regions)
    docs = documents[documents["region_id"].astype(str).isin(order)]
    t = targets[targets["region_id"].astype(str).isin(order)]
    start = int(min(docs["period_start"].min(), t["target_year"].min()))
    end = int(max(docs["period_end"].max(), t["target_year"].max()))
    fig, ax = _begin(max(8.0, 1.3 * (end - start + 2)), 1.0 * len(order) + 2.2)
    rank = {c: i for i, c in enumerate(CATEGORIES)}
    described = []
    for y, region in enumerate(order):
        for d in of_region(docs, region).itertuples(index=False):
            ax.barh(y, d.period_end - d.period_start + 1, left=d.period_start - 0.5, height=0.86, color="#ececec")
            ax.text(
                d.period_start - 0.45,
                y - 0.33,
                _period(d),
                fontsize=8,
                color="#555555",
                va="center",
            )
        rows = of_region(t, region)
        years = []
        for year, group in rows.groupby(rows["target_year"].astype(int), sort=True):
            group = group.assign(_rank=group["category"].astype(str).map(rank)).sort_values(["_rank", "target_id"])
            n = len(group)
            columns = max(10, math.ceil(n / 5))
            dx = min(0.075, 0.8 / columns)
            width = min(n, columns)
            xs = [year + (k % columns - (width - 1) / 2) * dx for k in range(n)]
            ys = [y - 0.18 + (k // columns) * 0.12 for k in range(n)]
            colours = [CATEGORY_COLOURS[c] for c in group["category"].astype(str)]
            edges = [STRETCH_EDGE if s else "#ffffff" for s in group["is_stretch"]]
            ax.scatter(xs, ys, s=34, c=colours, edgecolors=edges, linewidths=0.9, zorder=3)
            ax.text(year + (width / 2) * dx + 0.05, y - 0.18, str(n), fontsize=8, va="center", color="#333333")
            years.append(f"{n} in {year}")
        periods = ", ".join(_period(d) for d in of_region(docs, region).itertuples())
        described.append(f"{names[region]} ({periods}): {', '.join(years)}")
    ax.set_yticks(range(len(order)), [names[r] for r in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xticks(range(start, end + 1), [str(y) for y in range(start, end + 1)])
    ax.set_xlim(start - 0.6, end + 0.8)
    ax.set_xlabel("目标年份 target year")
    ax.grid(axis="y", visible=False)
    ax.set_title(title)
    present = [c for c in CATEGORIES if c in set(t["category"].astype(str))]
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor=CATEGORY_COLOURS[c],
            markeredgecolor="#ffffff",
            markersize=7,
            label=category_label(c),
        )
        for c in present
    ] + [
        _stretch_handle(),
        Line2D([], [], linewidth=8, color="#ececec", label="plan period 规划期"),
    ]
    _legend_below(ax, handles, len(order), ncol=4)
    alt = (
        f"{title}. Timeline: for each region the plan period as a grey bar and each target as a dot at its "
        f"target year, coloured by category, a black ring for a stretch target: {'; '.join(described)}."
    )
    return _finish(fig, alt)


# What a row of a comparison is: a region, or a province when the comparison groups by province.
ROW_KINDS = {"region": "地区", "province": "省份"}


@_plain_text
def plot_category_mix(mix: pd.DataFrame, per: str = "region") -> Figure:
    """Stacked bars of the share of each region's (or province's, ``per``) targets per category
    (analysis.category_mix, analysis.province_mix)."""
    keys = {category_label(c): c for c in CATEGORIES}
    fig, ax = _begin(11, 0.55 * len(mix) + 2.4)
    left = pd.Series(0.0, index=mix.index)
    for label in mix.columns:
        colour = CATEGORY_COLOURS[keys[label]]
        ax.barh(list(mix.index), mix[label], left=left, color=colour, label=label, height=0.72)
        for y, (x0, share) in enumerate(zip(left, mix[label])):
            if share >= 6:
                ax.text(
                    x0 + share / 2, y, f"{share:.0f}", ha="center", va="center", fontsize=8, color=text_colour(colour)
                )
        left = left + mix[label]
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"% of the {per}'s targets 占本{ROW_KINDS[per]}目标的百分比")
    ax.set_title(f"各{ROW_KINDS[per]}目标类别构成 Mix of target categories per {per} (%)")
    ax.grid(axis="y", visible=False)
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.14 - 0.3 / max(len(mix), 1)), ncol=4, fontsize=8, frameon=False
    )
    rows = "; ".join(
        f"{region}: " + ", ".join(f"{c} {v:.0f}%" for c, v in row.items() if v) for region, row in mix.iterrows()
    )
    alt = f"Stacked bars, one per {per}, of the share of its targets per category (category colours): {rows}."
    return _finish(fig, alt)


@_plain_text
def plot_headline(targets: pd.DataFrame, regions: pd.DataFrame, indicators: pd.DataFrame) -> Figure:
    """Each headline measure across regions: a panel per measure, a dot per target at its value
    (a line to the upper end of a range), coloured by target type, labelled with value and year."""
    t = targets[targets["indicator_id"].astype(str).isin(HEADLINE_INDICATORS)].sort_values("target_id")
    present = [i for i in HEADLINE_INDICATORS if i in set(t["indicator_id"].astype(str))]
    order = region_order(regions)
    names = region_labels(regions)
    ind = indicators.set_index(indicators["indicator_id"].astype(str))
    ncols = 2
    nrows = max(1, math.ceil(len(present) / ncols))
    fig, axes = _begin(
        13, 0.42 * len(order) * nrows + 1.2 * nrows + 1.0, nrows=nrows, ncols=ncols, sharey=True, squeeze=False
    )
    texts = formatted(t)
    described = []
    for ax, indicator in zip(axes.flat, present):
        rows = t[t["indicator_id"].astype(str) == indicator]
        top = float(rows["value_high"].fillna(rows["value"]).max()) or 1.0  # a panel of zeros still has a scale
        parts = []
        for region in [r for r in order if r in set(rows["region_id"].astype(str))]:
            group = of_region(rows, region)
            y0 = order.index(region)
            n = len(group)
            for k, (i, row) in enumerate(group.iterrows()):
                y = y0 + (k - (n - 1) / 2) * 0.3
                colour = TYPE_COLOURS[str(row["target_type"])]
                if pd.notna(row["value_high"]):
                    ax.plot([row["value"], row["value_high"]], [y, y], color=colour, linewidth=2.5, zorder=2)
                ax.scatter(
                    [row["value"]],
                    [y],
                    s=46,
                    color=colour,
                    zorder=3,
                    edgecolors=STRETCH_EDGE if row["is_stretch"] else "#ffffff",
                    linewidths=1.0,
                )
                label = f"{texts[i]} {int(row['target_year'])}" + (" ⚠" if pd.notna(row["conflict"]) else "")
                x = row["value_high"] if pd.notna(row["value_high"]) else row["value"]
                ax.text(x + top * 0.03, y, label, va="center", fontsize=8)
                parts.append(f"{names[region]} {label} {row['target_type']}")
        ax.set_xlim(0, top * 1.5)
        ax.set_title(
            _indicator_label(str(ind.at[indicator, "name_zh"]), str(ind.at[indicator, "name_en"]), 60), fontsize=9
        )
        units = sorted(set(rows["unit"].astype(str)))
        ax.set_xlabel(" / ".join(units), fontsize=8)
        ax.grid(axis="y", visible=False)
        described.append(f"{ind.at[indicator, 'name_en']}: {', '.join(parts)}")
    for ax in list(axes.flat)[len(present) :]:
        ax.set_visible(False)
    axes[0, 0].set_yticks(range(len(order)), [names[r] for r in order])
    axes[0, 0].set_ylim(len(order) - 0.5, -0.5)
    kinds = [k for k in TARGET_TYPES if k in set(t["target_type"].astype(str))]
    handles = [
        Line2D([], [], marker="o", linestyle="", color=TYPE_COLOURS[k], markersize=7, label=target_type_label(k))
        for k in kinds
    ] + [
        _stretch_handle(),
        Line2D([], [], linestyle="", label="⚠ contradicted in the document"),
    ]
    fig.suptitle("主要指标的目标值 Headline measures: each target's value, year and type", fontsize=12)
    fig.legend(handles=handles, loc="lower center", ncol=5, fontsize=8, frameon=False, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.04, 1, 0.98))
    alt = (
        "Headline measures across regions, one panel per measure, a dot per target at its value, coloured by "
        f"target type and labelled with the value as written and the target year: {'; '.join(described)}."
    )
    return _finish(fig, alt)


@_plain_text
def plot_required_growth(readings: pd.DataFrame, region_name: str) -> Figure | None:
    """Average annual growth needed from each baseline reading to the target (analysis.growth_readings);
    None when no reading has a growth rate."""
    rated = readings[readings["growth_pct"].notna()]
    if rated.empty:
        return None
    labels = [
        f"{_indicator_label(zh, en, width=40)}\n{tid}{' [stretch 力争]' if st else ''}: from {b:g} ({y})"
        for zh, en, tid, st, b, y in zip(
            rated["indicator_zh"],
            rated["indicator_en"],
            rated["target_id"],
            rated["is_stretch"],
            rated["baseline"],
            rated["baseline_year"],
        )
    ]
    fig, ax = _begin(9, 0.95 * len(rated) + 1.5)
    colours = [CATEGORY_COLOURS[c] for c in rated["category"]]
    ax.barh(range(len(rated)), rated["growth_pct"], color=colours, height=0.7)
    for y, g in enumerate(rated["growth_pct"]):
        ax.text(g, y, f" {g:+.1f}%/yr", va="center", ha="left" if g >= 0 else "right", fontsize=8)
    ax.set_yticks(range(len(rated)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlim(min(0.0, rated["growth_pct"].min() * 1.3), max(0.0, rated["growth_pct"].max()) * 1.25 + 1)
    ax.set_xlabel("年均所需增速 required average growth per year (%)")
    ax.set_title(f"{region_name}:从基期到目标 From baseline to target")
    ax.grid(axis="y", visible=False)
    items = "; ".join(
        f"{tid} {ind} from {b:g} ({y}): {g:+.1f}%/yr"
        for tid, ind, b, y, g in zip(
            rated["target_id"], rated["indicator"], rated["baseline"], rated["baseline_year"], rated["growth_pct"]
        )
    )
    alt = (
        f"{region_name}: bars of the average annual growth needed from each baseline to the target, one per "
        f"reading of the baseline, coloured by category: {items}."
    )
    return _finish(fig, alt)


@_plain_text
def plot_province_timeline(years: pd.DataFrame, title: str) -> Figure:
    """Per province (analysis.province_years), the span of its plan periods as a bar and, at each
    target year, a disc whose area is its number of targets due that year, labelled with the number."""
    due = years.drop(columns=["documents", "start", "end"])
    start = int(min(years["start"].min(), min(due.columns)))
    end = int(max(years["end"].max(), max(due.columns)))
    fig, ax = _begin(max(8.0, 1.3 * (end - start + 2)), 0.42 * len(years) + 2.2)
    largest = max(int(due.to_numpy().max()), 1)
    described = []
    for y, (province, row) in enumerate(years.iterrows()):  # one row per province
        ax.barh(y, row["end"] - row["start"] + 1, left=row["start"] - 0.5, height=0.8, color="#ececec")
        n_docs = int(row["documents"])
        span = f"{row['start']}–{row['end']}" if row["end"] != row["start"] else str(row["start"])
        ax.text(
            row["start"] - 0.45,
            y,
            f"{n_docs} doc{'s' if n_docs != 1 else ''}",
            fontsize=7,
            color="#555555",
            va="center",
        )
        counts = [(int(year), int(n)) for year, n in due.loc[province].items() if n]
        ax.scatter(
            [year for year, _ in counts],
            [y] * len(counts),
            s=[12 + 260 * n / largest for _, n in counts],
            color="#4d4d4d",
            zorder=3,
        )
        for year, n in counts:
            ax.text(year + 0.18, y, f"{n:,}", fontsize=7, va="center", color="#1a1a1a")
        due_text = ", ".join(f"{n:,} in {year}" for year, n in counts)
        described.append(f"{province_label(province)} ({n_docs} documents, {span}): {due_text}")
    ax.set_yticks(range(len(years)), [province_label(p) for p in years.index], fontsize=8)
    ax.set_ylim(len(years) - 0.5, -0.5)
    ax.set_xticks(range(start, end + 1), [str(y) for y in range(start, end + 1)])
    ax.set_xlim(start - 0.6, end + 0.8)
    ax.set_xlabel("目标年份 target year")
    ax.grid(axis="y", visible=False)
    ax.set_title(title)
    handles = [
        Line2D([], [], marker="o", linestyle="", color="#4d4d4d", markersize=7, label="targets due 到期目标数"),
        Line2D([], [], linewidth=8, color="#ececec", label="plan periods 规划期"),
    ]
    _legend_below(ax, handles, len(years), ncol=2)
    alt = (
        f"{title}. For each province the span of its documents' plan periods as a grey bar and, at each target "
        f"year, a disc sized by the number of its targets due that year: {'; '.join(described)}."
    )
    return _finish(fig, alt)


@_plain_text
def plot_province_headline(stats: pd.DataFrame, indicators: pd.DataFrame, provinces: list[str]) -> Figure:
    """Each headline measure across provinces (analysis.province_headline_stats): a panel per measure
    for its most common target type and unit, a line per province from its lowest to its highest
    value and a dot at the median, coloured by target type, labelled with the median and its regions."""
    ind = indicators.set_index(indicators["indicator_id"].astype(str))
    present = [i for i in HEADLINE_INDICATORS if i in set(stats["indicator_id"])]
    ncols = 3
    nrows = max(1, math.ceil(len(present) / ncols))
    fig, axes = _begin(
        15, 0.17 * len(provinces) * nrows + 1.2 * nrows + 1.0, nrows=nrows, ncols=ncols, sharey=True, squeeze=False
    )
    rank = {p: i for i, p in enumerate(provinces)}
    described = []
    for ax, indicator in zip(axes.flat, present):
        rows = stats[stats["indicator_id"] == indicator]
        pooled = rows.groupby(["target_type", "unit"])["targets"].sum()
        kind, unit = pooled.sort_values(ascending=False, kind="stable").index[0]
        shown = rows[(rows["target_type"] == kind) & (rows["unit"] == unit)]
        shown = shown.assign(_y=shown["province"].map(rank)).sort_values("_y")
        colour = TYPE_COLOURS[kind]
        top = float(shown["high"].max()) or 1.0
        ax.hlines(shown["_y"], shown["low"], shown["high"], color=colour, linewidth=1.5, zorder=2)
        ax.scatter(shown["median"], shown["_y"], s=22, color=colour, zorder=3)
        for y, high, median, n in zip(shown["_y"], shown["high"], shown["median"], shown["regions"]):
            ax.text(high + top * 0.02, y, f"{plain_number(median)} ({n})", va="center", fontsize=6)
        ax.set_xlim(min(0.0, float(shown["low"].min())), top * 1.35)
        name = _indicator_label(str(ind.at[indicator, "name_zh"]), str(ind.at[indicator, "name_en"]), 50)
        ax.set_title(f"{name}\n{target_type_label(kind)}, {unit}", fontsize=8)
        ax.grid(axis="y", visible=False)
        others = int(pooled.sum() - pooled[(kind, unit)])
        parts = ", ".join(
            f"{province_label(p)} median {plain_number(m)} ({plain_number(lo)}–{plain_number(hi)}, {n} regions)"
            for p, m, lo, hi, n in zip(
                shown["province"], shown["median"], shown["low"], shown["high"], shown["regions"]
            )
        )
        described.append(
            f"{ind.at[indicator, 'name_en']} ({target_type_label(kind)}, {unit}; {others} targets of other types or "
            f"units not drawn): {parts}"
        )
    for ax in list(axes.flat)[len(present) :]:
        ax.set_visible(False)
    axes[0, 0].set_yticks(range(len(provinces)), [province_label(p) for p in provinces])
    axes[0, 0].set_ylim(len(provinces) - 0.5, -0.5)
    for ax in axes.flat:
        ax.tick_params(labelsize=7)
    fig.suptitle(
        "主要指标的目标值(按省份) Headline measures by province: median (dot), lowest to highest (line), "
        "regions that set it (in brackets)",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    alt = (
        "Headline measures across provinces, one panel per measure for its most common target type and unit, "
        "for each province a line from the lowest to the highest value its regions commit to and a dot at the "
        f"median, labelled with the median and the number of regions: {'; '.join(described)}."
    )
    return _finish(fig, alt)
