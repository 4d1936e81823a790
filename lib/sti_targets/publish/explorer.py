"""The explorer's ipywidgets view of the filter model (analysis/explorer.py), shown by
notebooks/explore.ipynb and served as a dashboard by dashboard.py.

Everything the page shows from the data (region and indicator names, quotes, notes) goes through
``html.escape``; the charts are plain HTML bars (no mathtext, no image to encode), and the
download is a ``data:`` link in the page, so the server writes no file."""

from __future__ import annotations

import base64
from html import escape

import pandas as pd

from ..analysis.explorer import NOT_STATED, Selection, TargetFilter
from ..analysis.palette import CATEGORY_COLOURS, TYPE_COLOURS
from ..dataset.loaders import load_documents, load_indicators, load_regions, load_targets
from ..dataset.vocabulary import (
    BINDINGNESS,
    CATEGORIES,
    TARGET_TYPE_EN,
    TARGET_TYPES,
    bindingness_label,
    category_label,
)
from ..dataset.vocabulary import NOT_STATED as NOT_STATED_LABEL

TABLE_ROWS = 500  # rows the page shows at most; the download holds every filtered row
INLINE_DOWNLOAD_ROWS = 5000  # up to this many rows the download link follows every filter change
DOWNLOAD_NAME = "filtered_targets.csv"
NO_MATCH = "没有符合筛选条件的目标 No targets match these filters"
NO_VALUES = "筛选结果中没有该指标的目标 None of the filtered targets is of this indicator: choose another above"

CHART_CSS = """<style>
.sti-count { font-size: 14px; margin: 8px 0 4px; }
.sti-chart { font-size: 12px; max-width: 980px; margin: 6px 0 14px; }
.sti-chart h4 { font-size: 13px; margin: 4px 0 6px; }
.sti-row { display: flex; align-items: center; height: 20px; }
.sti-name { flex: none; width: 220px; padding-right: 8px; text-align: right; overflow: hidden;
  white-space: nowrap; text-overflow: ellipsis; }
.sti-track { flex: 1; display: flex; align-items: center; min-width: 0; }
.sti-bar { height: 14px; min-width: 2px; flex: none; }
.sti-num { padding-left: 6px; white-space: nowrap; }
.sti-legend { margin: 6px 0 0 228px; line-height: 20px; }
.sti-legend span.sti-item { display: inline-block; white-space: nowrap; margin-right: 12px; }
.sti-key { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
.sti-empty { font-size: 14px; padding: 12px; background: #f6f6f6; border-left: 4px solid #999; }
.sti-download a { font-size: 14px; font-weight: bold; }
.sti-table { font-size: 12px; }
.sti-table td { vertical-align: top; }
.sti-table td:nth-last-child(2) { min-width: 300px; }
.sti-table td:last-child { max-width: 320px; }
</style>"""


class Explorer:
    """The explorer notebook's object: the filter model, shown by :meth:`widget`."""

    def __init__(self, model: TargetFilter):
        self.model = model

    @classmethod
    def load(cls) -> Explorer:
        from ..analysis.reports import setup_display

        setup_display()
        regions = load_regions()
        targets = load_targets(regions=regions, indicators=load_indicators(), documents=load_documents(regions=regions))
        return cls(TargetFilter(targets, regions))

    def widget(self):
        """Filters, a reset button, charts and a table that update together, and a download link."""
        return ExplorerView(self.model).box


def font_css(extra: str = "") -> str:
    """The CJK web font for every Chinese character the controls, charts and table can show (and
    ``extra``'s), and the Traditional form of each (a query typed in Traditional, 科貸通, shows in it
    too), used by every widget (labels, options, buttons, the search box), so the page reads right
    without Chinese fonts."""
    import opencc

    from ..chinese.fonts import FAMILY, cjk_chars, font_face_css
    from .webfont import page_text

    text = page_text() + extra
    chars = cjk_chars(text) | cjk_chars(opencc.OpenCC("s2t").convert(text))
    stack = f'"{FAMILY}", system-ui, sans-serif'
    return font_face_css(chars) + (
        f"<style>:root {{ --jp-widgets-font-family: {stack}; }} "
        f".jupyter-widgets, .jupyter-widgets *, .widget-label, select, option, input, button, .sti-table "
        f"{{ font-family: {stack}; }}</style>"
    )


def _legend(keys: list[tuple[str, str]]) -> str:
    items = "".join(
        f'<span class="sti-item"><span class="sti-key" style="background:{colour}"></span>{escape(name)}</span>'
        for name, colour in keys
    )
    return f'<div class="sti-legend">{items}</div>'


def _row(name: str, bars: str, number: str) -> str:
    return (
        f'<div class="sti-row"><div class="sti-name" title="{escape(name)}">{escape(name)}</div>'
        f'<div class="sti-track">{bars}<span class="sti-num">{escape(number)}</span></div></div>'
    )


def _bar(share: float, colour: str, title: str) -> str:
    """A bar ``share`` (0..1) of the widest bar's length; the widest takes 60 % of the track (its label the rest)."""
    return f'<div class="sti-bar" style="width:{60 * share:.2f}%;background:{colour}" title="{escape(title)}"></div>'


def counts_chart(counts: pd.DataFrame) -> str:
    """Stacked bars: targets per region, a segment per category in the palette's colours."""
    widest = int(counts.sum(axis=1).max())
    rows = []
    for region, row in counts.iterrows():
        segments = "".join(
            _bar(n / widest, CATEGORY_COLOURS[c], f"{region} · {category_label(c)}: {n}") for c, n in row.items() if n
        )
        rows.append(_row(str(region), segments, str(int(row.sum()))))
    legend = _legend([(category_label(c), CATEGORY_COLOURS[c]) for c in counts.columns])
    title = "目标数量 Targets by region and category"
    return f'<div class="sti-chart sti-counts"><h4>{title}</h4>{"".join(rows)}{legend}</div>'


def values_chart(values: pd.DataFrame, indicator: str) -> str:
    """One bar per target of one indicator: region, the target as stated (value and unit), its year
    and its type (colour); bars compare magnitudes (money in 亿元)."""
    title = f"指标数值 Values: {escape(indicator)}"
    if values.empty:
        return f'<div class="sti-chart sti-values"><h4>{title}</h4><p class="sti-empty">{NO_VALUES}</p></div>'
    widest = values["magnitude"].abs().max() or 1.0
    rows = [
        _row(
            v.region,
            _bar(max(v.magnitude, 0.0) / widest, TYPE_COLOURS[v.type], f"{v.target_id}: {v.target}"),
            f"{v.target} · {v.year} · {v.type}",
        )
        for v in values.itertuples()
    ]
    types = [t for t in TARGET_TYPES if t in set(values["type"])]
    legend = _legend([(f"{t} ({TARGET_TYPE_EN[t]})", TYPE_COLOURS[t]) for t in types])
    return f'<div class="sti-chart sti-values"><h4>{title}</h4>{"".join(rows)}{legend}</div>'


def download_link(selection: Selection) -> str:
    """A link that saves the selection as a CSV file in the browser: the data travel in the link."""
    data = base64.b64encode(selection.export_csv()).decode("ascii")
    n = len(selection)
    return (
        f'<span class="sti-download"><a download="{DOWNLOAD_NAME}" href="data:text/csv;charset=utf-8;base64,{data}">'
        f"下载 CSV Download CSV ({n} rows 行)</a></span>"
    )


class ExplorerView:
    """The ipywidgets controls bound to a TargetFilter. A change of any filter redraws the count, the
    charts and the table in one widget value (one message to the page), and the download link."""

    def __init__(self, model: TargetFilter):
        import ipywidgets as w

        self.model = model
        lo, hi = model.year_range
        label = {"description_width": "90px"}
        self.regions = w.SelectMultiple(
            options=[(model.labels[r], r) for r in sorted(set(model._region))],
            style=label,
            description="地区 region",
            rows=5,
        )
        self.categories = w.SelectMultiple(
            options=[(category_label(c), c) for c in CATEGORIES if c in set(model._category)],
            style=label,
            description="类别 category",
            rows=6,
        )
        self.types = w.SelectMultiple(
            options=[(f"{t} ({TARGET_TYPE_EN[t]})", t) for t in TARGET_TYPES if t in set(model._type)],
            style=label,
            description="类型 type",
            rows=6,
            layout=w.Layout(width="420px"),
        )
        present = set(model._bindingness)
        self.bindingness = w.SelectMultiple(
            options=[(bindingness_label(b), b) for b in BINDINGNESS if b in present]
            + ([(NOT_STATED_LABEL, NOT_STATED)] if NOT_STATED in present else []),
            style=label,
            description="属性 bindingness",
            rows=3,
        )
        self.stretch = w.Dropdown(
            options=[("all 全部", None), ("stretch 力争", True), ("not stretch 非力争", False)],
            style=label,
            description="力争 stretch",
        )
        self.years = w.IntRangeSlider(
            value=(lo, hi), min=lo, max=hi, style=label, description="年份 year", layout=w.Layout(width="420px")
        )
        self.text = w.Text(placeholder="e.g. 实验室 / loan / 科貸通", style=label, description="搜索 search")
        self.indicator_names = {i: name for i, name, _ in model.indicators()}
        self.indicator = w.Dropdown(
            options=[(f"{name} · {n} regions 个地区", i) for i, name, n in model.indicators()],
            style=label,
            description="图表指标 chart",
            layout=w.Layout(width="560px"),
        )
        self.reset = w.Button(
            description="重置 Reset", tooltip="clear every filter 清除所有筛选", layout=w.Layout(width="auto")
        )
        self.results = w.HTML()
        self.results.add_class("sti-results")
        self.download = w.HTML()
        self.prepare = w.Button(description="准备下载 Prepare the CSV", layout=w.Layout(width="auto"))
        self._defaults = {control: control.value for control in self.filters()}
        self._holding = False
        for control in (*self.filters(), self.indicator):
            control.observe(self.update, names="value")
        self.reset.on_click(self.reset_filters)
        self.prepare.on_click(self.prepare_download)
        self.box = w.VBox(
            [
                w.HTML(font_css() + CHART_CSS),
                w.HBox([self.regions, self.categories, self.types]),
                w.HBox([self.bindingness, self.stretch]),
                w.HBox([self.years, self.text, self.reset]),
                self.indicator,
                w.HBox([self.download, self.prepare]),
                self.results,
            ]
        )
        self.update()

    def filters(self) -> tuple:
        return (self.regions, self.categories, self.types, self.years, self.text, self.bindingness, self.stretch)

    def selection(self) -> Selection:
        return self.model.filter(
            self.regions.value,
            self.categories.value,
            self.types.value,
            self.years.value,
            self.text.value,
            bindingness=self.bindingness.value,
            stretch=self.stretch.value,
        )

    def reset_filters(self, button=None) -> None:
        """Every filter back to showing all targets, redrawn once."""
        self._holding = True
        try:
            for control, value in self._defaults.items():
                control.value = value
        finally:
            self._holding = False
        self.update()

    def update(self, change=None) -> None:
        """Redraw the download link, then the count, charts and table, for the current filters. The
        link goes first, so a page that shows the new count already holds the new link. Widget values
        only: no display messages, so the page works the same in Voilà, JupyterLab and a headless kernel."""
        if self._holding:
            return
        selection = self.selection()
        n, total = len(selection), len(self.model.targets)
        inline = 0 < n <= INLINE_DOWNLOAD_ROWS
        self.download.value = download_link(selection) if inline else (f"{n} rows 行: " if n else "")
        self.prepare.layout.display = None if n > INLINE_DOWNLOAD_ROWS else "none"
        count = f'<p class="sti-count"><b>{n}</b> of {total} targets 个目标</p>'
        if n == 0:
            self.results.value = count + f'<p class="sti-empty">{NO_MATCH}. 重置 Reset shows all targets.</p>'
            return
        more = f"<p>The first {TABLE_ROWS} rows are shown; the download holds all {n}.</p>" if n > TABLE_ROWS else ""
        indicator = self.indicator.value
        self.results.value = (
            count
            + counts_chart(selection.counts())
            + values_chart(selection.values(indicator), self.indicator_names[indicator])
            + selection.table_html(TABLE_ROWS)
            + more
        )

    def prepare_download(self, button=None) -> None:
        """The download link for a selection too large to attach to every filter change."""
        self.download.value = download_link(self.selection())
        self.prepare.layout.display = "none"
