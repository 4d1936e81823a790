"""Figures with Chinese and English labels, drawn in a CJK font that the project installs.

The font is Noto Sans CJK SC from the ``mplfonts`` package (a declared dependency),
registered with matplotlib by file path, so no figure depends on the fonts of the
machine and none shows empty glyph boxes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from ..chinese.fonts import use_cjk_font
from ..dataset.schema import CATEGORIES, TARGET_TYPES
from .summaries import category_label, of_region


def _finish(fig: plt.Figure) -> plt.Figure:
    fig.tight_layout()
    plt.close(fig)  # the notebook shows the returned figure once
    return fig


def plot_categories(targets: pd.DataFrame, region_id: str, region_name: str) -> plt.Figure:
    """Targets per category, coloured by target type."""
    use_cjk_font()
    t = of_region(targets, region_id)
    counts = pd.crosstab(t["category"].astype(str), t["target_type"].astype(str))
    counts = counts.reindex(index=[c for c in CATEGORIES if c in counts.index])
    counts = counts.reindex(columns=[c for c in TARGET_TYPES if c in counts.columns])
    counts.index = [category_label(c) for c in counts.index]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(counts) + 1.6))
    counts.plot.barh(stacked=True, ax=ax, colormap="tab10", width=0.75)
    ax.invert_yaxis()
    ax.set_xlabel("目标数量 number of targets")
    ax.set_ylabel("")
    ax.set_title(f"{region_name}:各类目标数量 Targets by category and type")
    ax.legend(title="目标类型 target type", bbox_to_anchor=(1.01, 1), loc="upper left")
    return _finish(fig)


def plot_category_mix(mix: pd.DataFrame) -> plt.Figure:
    """Heat map of the share of each region's targets per category (analysis.category_mix)."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(11, 0.6 * len(mix) + 3))
    sns.heatmap(mix, annot=True, fmt=".0f", cmap="Blues", cbar_kws={"label": "% of the region's targets"}, ax=ax)
    ax.set_title("各地区目标类别构成 Mix of target categories per region (%)")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xticklabels(ax.get_xticklabels(), rotation=35, ha="right")
    return _finish(fig)


def plot_indicator_by_region(targets: pd.DataFrame, regions: pd.DataFrame, indicator_id: str, title: str) -> plt.Figure:
    """One indicator across regions: a bar per target, labelled with year and type."""
    use_cjk_font()
    t = targets[targets["indicator_id"].astype(str) == indicator_id].sort_values(["region_id", "target_id"])
    names = dict(zip(regions["region_id"].astype(str), (regions["name_zh"] + " " + regions["name_en"]).astype(str)))
    labels = [
        f"{names[r]}\n{y} {tt}" for r, y, tt in zip(t["region_id"].astype(str), t["target_year"], t["target_type"])
    ]
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(t) + 1.5))
    sns.barplot(x=t["value"].to_numpy(), y=labels, ax=ax, color="#4C72B0")
    for i, (v, unit) in enumerate(zip(t["value"], t["unit"].astype(str))):
        ax.text(v, i, f" {v:g} {unit}", va="center")
    ax.set_title(title)
    ax.set_xlabel(str(t["unit"].iloc[0]) if len(t) else "")
    return _finish(fig)


def plot_required_growth(growth: pd.DataFrame, region_name: str) -> plt.Figure:
    """Average annual growth needed from baseline to target (analysis.required_growth)."""
    use_cjk_font()
    values = growth["growth/yr 年均增速"].str.rstrip("%").astype(float)
    labels = growth["指标 indicator"].str.slice(0, 28) + " (" + growth["target_id"] + ")"
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(growth) + 1.5))
    sns.barplot(x=values.to_numpy(), y=labels.to_numpy(), ax=ax, color="#DD8452")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("年均所需增速 required average growth per year (%)")
    ax.set_ylabel("")
    ax.set_title(f"{region_name}:从基期到目标 From baseline to target")
    return _finish(fig)
