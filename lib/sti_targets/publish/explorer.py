"""The explorer's ipywidgets view of the filter model (analysis/explorer.py), shown by
notebooks/explore.ipynb and served as a dashboard by dashboard.py."""

from __future__ import annotations

from pathlib import Path

from .. import paths
from ..analysis.explorer import Selection, TargetFilter, chart_png
from ..dataset.loaders import load_documents, load_indicators, load_regions, load_targets
from ..dataset.vocabulary import CATEGORIES, TARGET_TYPE_EN, TARGET_TYPES, category_label


class Explorer:
    """The explorer notebook's object: the model plus an ipywidgets view of it."""

    def __init__(self, model: TargetFilter, save_path: Path):
        self.model = model
        self.save_path = save_path

    @classmethod
    def load(cls, save_path: Path | str | None = None) -> Explorer:
        from ..analysis.reports import setup_display

        setup_display()
        regions = load_regions()
        targets = load_targets(regions=regions, indicators=load_indicators(), documents=load_documents(regions=regions))
        return cls(TargetFilter(targets, regions), Path(save_path or paths.REPORTS / "filtered_targets.csv"))

    def widget(self):
        """Filters, a chart and a table that update together, and a Save CSV button."""
        return ExplorerView(self).box


TABLE_ROWS = 500  # rows the page shows at most; the CSV export writes every filtered row


class ExplorerView:
    """The ipywidgets controls bound to a TargetFilter."""

    def __init__(self, explorer: Explorer):
        import ipywidgets as w

        model = explorer.model
        self.model = model
        self.explorer = explorer
        lo, hi = model.year_range
        self.regions = w.SelectMultiple(
            options=[(model.labels[r], r) for r in sorted(set(model._region))], description="地区 region", rows=5
        )
        self.categories = w.SelectMultiple(
            options=[(category_label(c), c) for c in CATEGORIES if c in set(model._category)],
            description="类别 category",
            rows=6,
        )
        self.types = w.SelectMultiple(
            options=[(f"{t} ({TARGET_TYPE_EN[t]})", t) for t in TARGET_TYPES if t in set(model._type)],
            description="类型 type",
            rows=6,
        )
        self.types.layout = w.Layout(width="420px")
        self.years = w.IntRangeSlider(
            value=(lo, hi), min=lo, max=hi, description="年份 year", layout=w.Layout(width="420px")
        )
        self.text = w.Text(placeholder="e.g. 实验室 / loan / 科貸通", description="搜索 search")
        self.count = w.HTML()
        self.count.add_class("sti-count")
        self.chart = w.Image(format="png", layout=w.Layout(width="760px"))
        self.table = w.HTML()
        self.path = w.Text(value=str(explorer.save_path), description="file 文件", layout=w.Layout(width="60%"))
        self.save = w.Button(description="Save CSV 保存", icon="download")
        self.status = w.HTML()
        for control in self.filters():
            control.observe(self.update, names="value")
        self.save.on_click(self.save_selection)
        self.box = w.VBox(
            [
                w.HTML(self.font_css()),
                w.HBox([self.regions, self.categories, self.types]),
                w.HBox([self.years, self.text]),
                self.count,
                self.chart,
                self.table,
                w.HBox([self.path, self.save]),
                self.status,
            ]
        )
        self.update()

    def font_css(self) -> str:
        """The CJK web font for every Chinese character the controls and the table can show, so
        the page reads right in a browser without Chinese fonts."""
        from ..chinese.fonts import FAMILY, cjk_chars, font_face_css
        from .webfont import page_text

        stack = f'"{FAMILY}", system-ui, sans-serif'
        return font_face_css(cjk_chars(page_text())) + (
            f"<style>:root {{ --jp-widgets-font-family: {stack}; }} "
            f".widget-label, select, option, input, .sti-table {{ font-family: {stack}; }}</style>"
        )

    def filters(self) -> tuple:
        return (self.regions, self.categories, self.types, self.years, self.text)

    def selection(self) -> Selection:
        return self.model.filter(
            self.regions.value, self.categories.value, self.types.value, self.years.value, self.text.value
        )

    def update(self, change=None) -> None:
        """Redraw the count, chart and table for the current filters (widget values only: no
        display messages, so the page works the same in Voila, JupyterLab and a headless kernel)."""
        selection = self.selection()
        self.count.value = f"<b>{len(selection.rows)}</b> of {len(self.model.targets)} targets"
        self.chart.value = chart_png(selection.counts())
        shown = selection.table().head(TABLE_ROWS)
        more = (
            f"<p>The first {TABLE_ROWS} rows are shown; Save CSV writes all.</p>"
            if len(selection.rows) > TABLE_ROWS
            else ""
        )
        self.table.value = shown.to_html(index=False, escape=True, border=0, classes="sti-table") + more

    def save_selection(self, button=None) -> None:
        from html import escape

        try:
            path = self.selection().save_csv(self.path.value)
        except OSError as exc:
            self.status.value = f"<span style='color:#b00'>Not saved: {escape(str(exc))}</span>"
            return
        self.status.value = f"Saved {len(self.selection().rows)} rows to <code>{escape(str(path))}</code>"
