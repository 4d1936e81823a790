"""What the region report and the comparison notebooks show: one object per notebook.

The notebooks hold no logic: they build one of these and call its methods,
each returning a table, a figure or a short Markdown paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import pandas as pd
from IPython.display import Markdown

from ..dataset.loaders import Dataset
from ..dataset.provenance import check_provenance
from ..dataset.vocabulary import CATEGORY_EN, CATEGORY_ZH, region_labels
from ..errors import UnknownRegion
from . import summaries as analysis
from .figures import plot_categories, plot_category_mix, plot_indicator_by_region, plot_required_growth


def table_or_note(table: pd.DataFrame, note: str) -> pd.DataFrame | Markdown:
    """The table, or a sentence saying why there is none (an empty table reads as a bug)."""
    return Markdown(note) if table.empty else table


def setup_display() -> None:
    """Pandas display options that show whole quotes and print the same every run."""
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 500)
    pd.set_option("display.max_columns", 50)
    pd.set_option("display.width", 200)


@dataclass
class RegionReport:
    """One region's analysis (notebooks/region_report.ipynb)."""

    region_id: str
    book: Dataset = field(repr=False)

    @classmethod
    def load(cls, region_id: str) -> RegionReport:
        setup_display()
        book = Dataset.load()
        if region_id not in book.region_ids():
            raise UnknownRegion(f"unknown region_id {region_id!r}; valid ids are: {', '.join(book.region_ids())}")
        return cls(region_id, book)

    @property
    def targets(self) -> pd.DataFrame:
        return analysis.of_region(self.book.targets, self.region_id)

    @property
    def name(self) -> str:
        return self.book.region_name(self.region_id)

    def title(self) -> Markdown:
        return Markdown(f"# {escape(self.name)}:科技创新目标 Science and technology targets")

    def document(self) -> pd.DataFrame:
        return analysis.document_card(self.book.documents, self.book.regions, self.region_id)

    def overview(self) -> Markdown:
        t = self.targets
        years = sorted(t["target_year"].astype(int).unique())
        top = t["category"].astype(str).value_counts().sort_index().sort_values(ascending=False, kind="stable")
        parts = ", ".join(f"{CATEGORY_EN[c].lower()} {n}" for c, n in top.head(3).items())
        conflicts = t["conflict"].dropna().nunique()
        return Markdown(
            f"The plan commits to **{len(t)} quantified targets** due in {', '.join(map(str, years))}. "
            f"Most are about {parts}. "
            + (
                f"**{conflicts} contradictions** inside the document are recorded below, with both readings."
                if conflicts
                else "No contradictions inside the document were found."
            )
        )

    def by_category(self) -> pd.DataFrame:
        return analysis.by_category_and_year(self.book.targets, self.region_id)

    def category_figure(self):
        return plot_categories(self.book.targets, self.region_id, self.name)

    def section(self, category: str) -> pd.DataFrame | Markdown:
        table = analysis.category_targets(self.book.targets, self.region_id, category)
        return table_or_note(table, f"No quantified target on {CATEGORY_EN[category].lower()}.")

    def section_note(self, category: str) -> Markdown:
        n = int((self.targets["category"].astype(str) == category).sum())
        label = f"{CATEGORY_ZH[category]} {CATEGORY_EN[category]}"
        return Markdown(
            f"{n} target{'s' if n != 1 else ''} on {label.lower()}."
            if n
            else f"The plan sets no quantified target on {label.lower()}."
        )

    def platforms(self) -> pd.DataFrame | Markdown:
        table = analysis.platforms_by_kind_and_level(self.book.targets, self.region_id)
        return table_or_note(table, "No quantified target on innovation platforms.")

    def financing(self) -> pd.DataFrame | Markdown:
        return table_or_note(analysis.financing(self.book.targets, self.region_id), "No quantified financing target.")

    def growth(self) -> pd.DataFrame:
        return analysis.required_growth(self.book.targets, self.region_id)

    def growth_table(self) -> pd.DataFrame | Markdown:
        return table_or_note(self.growth(), "—")

    def growth_note(self) -> Markdown:
        g = self.growth()
        if g.empty:
            return Markdown("The document gives no baseline for its targets, so no required growth can be computed.")
        return Markdown(
            f"{len(g)} targets have a baseline in the document; the table gives the average annual growth "
            "needed to reach each (compound rate; for shares also percentage points per year)."
        )

    def growth_figure(self):
        g = self.growth()
        return None if g.empty else plot_required_growth(g, self.name)

    def quotes(self) -> pd.DataFrame:
        return analysis.quotes(self.book.targets, self.region_id)

    def verify_quotes(self) -> str:
        """Re-prove that each shown quote stands at its offset in its source; raises if not."""
        problems = check_provenance(self.targets, self.book.documents, "data/targets.csv")
        if problems:
            raise AssertionError("\n".join(map(str, problems)))
        return f"{len(self.targets)} quotes verified verbatim at their offsets in the source documents."

    def conflicts(self) -> pd.DataFrame | Markdown:
        table = analysis.conflicts(self.book.targets, self.region_id)
        return table_or_note(table, "No statements of this document contradict each other.")

    def caveats(self) -> pd.DataFrame | Markdown:
        return table_or_note(analysis.caveats(self.book.targets, self.region_id), "No notes.")


@dataclass
class Comparison:
    """The cross-region analyses (notebooks/compare_regions.ipynb)."""

    book: Dataset = field(repr=False)

    @classmethod
    def load(cls) -> Comparison:
        setup_display()
        return cls(Dataset.load())

    def counts(self) -> pd.DataFrame:
        t = self.book.targets
        table = analysis.type_counts(t)
        table["total 合计"] = table.sum(axis=1)
        table.index = region_labels(self.book.regions).reindex(table.index)
        table.index.name = "region 地区"
        return table

    def headline(self) -> pd.DataFrame:
        return analysis.headline_matrix(self.book.targets, self.book.regions, self.book.indicators)

    def mix(self) -> pd.DataFrame:
        return analysis.category_mix(self.book.targets, self.book.regions)

    def mix_figure(self):
        return plot_category_mix(self.mix())

    def indicator_figure(self, indicator_id: str, title: str):
        return plot_indicator_by_region(self.book.targets, self.book.regions, indicator_id, title)

    def alignment(self, province: str, cities: tuple[str, ...]) -> pd.DataFrame | Markdown:
        present = set(self.book.region_ids())
        if province not in present or not present & set(cities):
            return Markdown(
                f"The data holds no documents of {escape(province)} and its cities {escape(', '.join(cities))}."
            )
        return analysis.alignment(self.book.targets, self.book.regions, province, cities)

    def conflicts(self) -> pd.DataFrame:
        return analysis.conflicts(self.book.targets)
