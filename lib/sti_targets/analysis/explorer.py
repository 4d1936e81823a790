"""The explorer's filter model: plain pandas, tested without widgets (the view is publish/explorer.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..atomic import atomic_write
from ..dataset.vocabulary import CATEGORIES, category_label, region_labels
from .summaries import target_table

# Columns written by "Save CSV": those of data/targets.csv, so a saved selection loads again.
CSV_COLUMNS = (
    "target_id doc_id region_id indicator_id category target_type level value value_high unit comparator "
    "target_year baseline_value baseline_year is_stretch conflict quote quote_start note"
).split()


@dataclass
class Selection:
    """The rows a set of filters keeps."""

    rows: pd.DataFrame
    labels: pd.Series

    def table(self) -> pd.DataFrame:
        """What the explorer's table shows: region, indicator, target, year, type, quote."""
        out = target_table(self.rows, ("quote_zh_hans",)).rename(columns={"quote_zh_hans": "quote 原文 (简体)"})
        out.insert(1, "region 地区", self.rows["region_id"].astype(str).map(self.labels).to_numpy())
        return out

    def counts(self) -> pd.DataFrame:
        """Targets per category (rows) and region (columns), for the chart."""
        table = pd.crosstab(self.rows["category"].astype(str), self.rows["region_id"].astype(str))
        table = table.reindex([c for c in CATEGORIES if c in table.index])
        table.index = [category_label(c) for c in table.index]
        table.columns = [self.labels[c] for c in table.columns]
        return table

    def save_csv(self, path: Path | str) -> Path:
        """Write the rows in the columns of data/targets.csv (UTF-8 with BOM, for Excel), atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        frame = self.rows[CSV_COLUMNS].copy()
        frame["is_stretch"] = frame["is_stretch"].map({True: "true", False: "false"})
        atomic_write(path, "\ufeff" + frame.to_csv(index=False, lineterminator="\n"))
        return path


def chart_png(counts: pd.DataFrame) -> bytes:
    """Stacked bars of targets per category and region, as PNG bytes (empty for no rows)."""
    import io

    import matplotlib.pyplot as plt

    from ..chinese.fonts import use_cjk_font

    if counts.empty:
        return b""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(9, 0.4 * len(counts) + 1.4))
    counts.plot.barh(stacked=True, ax=ax, width=0.75)
    ax.invert_yaxis()
    ax.set_xlabel("目标数量 number of targets")
    ax.set_title("筛选结果 Filtered targets by category and region")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return buffer.getvalue()


class TargetFilter:
    """Filters over the targets; the search text is matched in Chinese (either script) or English.

    Built for an update in well under 100 ms at 150,000 targets: the choice filters compare small
    integer codes, and the search looks only in the rows the other filters keep.
    """

    def __init__(self, targets: pd.DataFrame, regions: pd.DataFrame):
        import numpy as np

        self.targets = targets.sort_values("target_id", kind="stable").reset_index(drop=True)
        self.labels = region_labels(regions)
        t = self.targets
        self._haystack = np.array(
            [
                " ".join(parts)
                for parts in zip(
                    t["indicator_id"].astype(str),
                    t["indicator_name_zh"].astype(str),
                    t["indicator_name_en"].astype(str).str.lower(),
                    t["quote"].astype(str),
                    t["quote_zh_hans"].astype(str),
                )
            ],
            dtype=object,
        )
        self._region = t["region_id"].astype(str).to_numpy()
        self._category = t["category"].astype(str).to_numpy()
        self._type = t["target_type"].astype(str).to_numpy()
        self._year = t["target_year"].astype(int).to_numpy()
        self._codes = {name: pd.factorize(column) for name, column in self._choices().items()}

    def _choices(self) -> dict:
        return {"regions": self._region, "categories": self._category, "types": self._type}

    @property
    def year_range(self) -> tuple[int, int]:
        return int(self._year.min()), int(self._year.max())

    def _contains(self, needle: str, rows):
        """Which of ``rows`` (positions) have a search text containing ``needle``."""
        import numpy as np

        return np.fromiter((needle in h for h in self._haystack[rows]), dtype=bool, count=len(rows))

    def filter(
        self,
        regions: list[str] | tuple[str, ...] | None = None,
        categories: list[str] | tuple[str, ...] | None = None,
        types: list[str] | tuple[str, ...] | None = None,
        years: tuple[int, int] | None = None,
        text: str = "",
    ) -> Selection:
        """Keep rows matching every given filter; None or empty means no filter on that field."""
        import numpy as np

        keep = np.ones(len(self.targets), dtype=bool)
        for name, values in (("regions", regions), ("categories", categories), ("types", types)):
            if values:
                codes, distinct = self._codes[name]
                keep &= np.isin(distinct, list(values))[codes]
        if years:
            keep &= (self._year >= years[0]) & (self._year <= years[1])
        needle = text.strip().lower()
        if needle:
            rows = np.flatnonzero(keep)
            keep[rows] = self._contains(needle, rows)
        return Selection(self.targets[keep], self.labels)
