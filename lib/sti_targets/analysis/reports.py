"""What the region report and the comparison notebooks show: one object per notebook.

The notebooks hold no logic: they build one of these and call its methods, each returning a
Table, a Figure or a short HTML paragraph. Everything from the data is escaped here: no text
from the data goes through Markdown. Tables are HTML built here (class ``dataframe sti-table``,
no index column, ids unwrapped, text left-aligned); every target's id links to its quote on
its source page (``sources/<doc_id>.html#<target_id>``), and the row that lists a target
carries ``id="<target_id>"``, so that page can link back.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from urllib.parse import quote

import pandas as pd

from .. import paths
from ..dataset.loaders import Dataset
from ..dataset.provenance import check_observation_provenance, check_provenance
from ..dataset.vocabulary import (
    BINDINGNESS,
    BINDINGNESS_ZH,
    CATEGORIES,
    CATEGORY_EN,
    CATEGORY_ZH,
    REGIONS_SHOWN_MAX,
    TARGET_TYPES,
    bindingness_label,
    category_label,
    target_type_label,
)
from ..errors import UnknownRegion
from . import summaries as analysis
from .figures import (
    Figure,
    plot_categories,
    plot_category_mix,
    plot_headline,
    plot_province_headline,
    plot_province_timeline,
    plot_required_growth,
    plot_timeline,
    text_colour,
)
from .palette import CATEGORY_COLOURS, TYPE_COLOURS
from .summaries import BINDINGNESS as BINDINGNESS_COLUMN
from .summaries import MARK_SEPARATOR, OTHER_READING, STRETCH, TYPE_COLUMN, Cell, RegionList

TABLE_CLASS = "dataframe sti-table"
ID_COLUMN = "target_id"
ID_CLASS = ' class="sti-id"'
CATEGORY_COLUMN = "category 类别"
TYPE_OF_LABEL = {target_type_label(t): t for t in TARGET_TYPES}
BINDINGNESS_LABELS = frozenset(bindingness_label(b) for b in BINDINGNESS)
CATEGORY_OF_LABEL = {category_label(c): c for c in CATEGORIES}
LEFT = "text-align:left;vertical-align:top"
RIGHT = "text-align:right;vertical-align:top;white-space:nowrap"
NOWRAP = "text-align:left;vertical-align:top;white-space:nowrap"
# Widths that keep long text readable and short values on one line.
COLUMN_STYLES = {
    "指标 indicator": LEFT + ";min-width:10em",
    "quote 原文": LEFT + ";min-width:11em",
    "note 说明": LEFT + ";min-width:14em",
    "target 目标": NOWRAP,
    "baseline 基期": NOWRAP,
}
CONFLICT_COLUMN = "conflict 矛盾"


@dataclass(frozen=True)
class Html:
    """A piece of HTML built here (data escaped), with its plain-text form for text/plain."""

    html: str
    text: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def paragraph(text: str, strong: tuple[str, ...] = ()) -> Html:
    """A paragraph of escaped text; the phrases in ``strong`` in bold."""
    html = escape(text)
    for phrase in strong:
        html = html.replace(escape(phrase), f"<strong>{escape(phrase)}</strong>", 1)
    return Html(f"<p>{html}</p>", text)


def badge(label: str, colour: str | None, wrap: bool = False) -> str:
    """A coloured label (a palette colour), or an outlined one without a colour."""
    if colour is None:
        style = "border:1px solid #555;color:#222;background:#fff"
    else:
        style = f"background:{colour};color:{text_colour(colour)}"
    style += ";border-radius:3px;padding:0 4px;" + ("display:inline-block" if wrap else "white-space:nowrap")
    return f'<span class="sti-badge" style="{style}">{escape(label)}</span>'


def decimals(values: pd.Series) -> int:
    """The most decimals any of the (float) values needs, at most 4: a column prints them all alike."""
    shown = [f"{v:.4f}".rstrip("0").split(".")[1] for v in values.dropna()]
    return max(map(len, shown), default=0)


def stretch_badge() -> str:
    return badge(STRETCH, None)


def mark_badge(mark: str) -> str:
    """The badge of a mark beside a target's type: stretch, or the bindingness the document states."""
    return stretch_badge() if mark == STRETCH else badge(mark, None) if mark in BINDINGNESS_LABELS else ""


class Table:
    """A frame shown as HTML built here, with the links and badges of the pages.

    ``targets`` resolves a target_id to its document for the link to the source page; ``anchors``
    puts ``id="<target_id>"`` on each row (only the one listing of a target on a page has it);
    ``cell_links`` says where the statements of a matrix cell link: their source ("source") or the
    row listing them on this page ("page").
    """

    def __init__(
        self, frame: pd.DataFrame, targets: pd.DataFrame, *, anchors: bool = False, cell_links: str = "source"
    ):
        self.frame = frame.reset_index(drop=True)
        self.anchors = anchors
        self.cell_links = cell_links
        self.targets = targets

    @cached_property
    def docs(self) -> dict[str, str]:  # (built when a cell links a target: once per table at most)
        return dict(zip(self.targets["target_id"].astype(str), self.targets["doc_id"].astype(str)))

    @cached_property
    def others(self) -> dict[str, str]:
        return dict(zip(self.targets["target_id"].astype(str), analysis.other_readings(self.targets)))

    @property
    def empty(self) -> bool:
        return self.frame.empty

    def source_href(self, target_id: str) -> str:
        return f"sources/{self.docs[target_id]}.html#{target_id}"

    def id_link(self, target_id: str) -> str:
        return f'<a href="{escape(self.source_href(target_id))}">{escape(target_id)}</a>'

    def statement(self, s: analysis.Statement) -> str:
        href = f"#{s.target_id}" if self.cell_links == "page" else self.source_href(s.target_id)
        title = s.target_id + (f" {self.others[s.target_id]}" if s.conflict else "")
        link = f'<a href="{escape(href)}" title="{escape(title)}" style="white-space:nowrap">{escape(s.text)}</a>'
        marks = (
            ([stretch_badge()] if s.stretch else [])
            + ([mark_badge(s.bindingness)] if s.bindingness else [])
            + (['<span class="sti-warn" title="contradicted in the document">⚠</span>'] if s.conflict else [])
        )
        return " ".join([link, *marks])

    def _cell(self, column: str, value, places: int | None) -> tuple[str, str]:
        """(style, inner HTML) of one cell; ``places`` is the decimals of a numeric column, else None."""
        if isinstance(value, Cell):
            inner = "<br>".join(self.statement(s) for s in value) or "—"
            return LEFT, inner
        if column == ID_COLUMN:
            return NOWRAP + ";font-family:monospace", self.id_link(str(value))
        if column == TYPE_COLUMN and value.split(MARK_SEPARATOR)[0] in TYPE_OF_LABEL:
            kind, *marks = value.split(MARK_SEPARATOR)  # "share 比重 · stretch 力争 · anticipatory 预期性"
            badges = [badge(kind, TYPE_COLOURS[TYPE_OF_LABEL[kind]])] + [mark_badge(m) for m in marks]
            return LEFT, "<br>".join(badges)
        if column == CATEGORY_COLUMN and value in CATEGORY_OF_LABEL:
            return LEFT, badge(value, CATEGORY_COLOURS[CATEGORY_OF_LABEL[value]], wrap=True)
        if column in (STRETCH, BINDINGNESS_COLUMN):
            return NOWRAP, mark_badge(value) if value else ""
        if column == OTHER_READING:
            warning = escape(str(value)).replace("⚠", "<strong>⚠</strong>", 1)
            return LEFT, f'<span class="sti-warn">{warning}</span>' if value else ""
        if places is not None:
            return RIGHT, "" if pd.isna(value) else f"{value:.{places}f}"
        if column == CONFLICT_COLUMN:  # long snake_case ids may break after an underscore
            return LEFT, escape(str(value)).replace("_", "_<wbr>")
        return COLUMN_STYLES.get(column, LEFT), escape(str(value)).replace("\n", "<br>")

    def _header(self, column: str, numeric: bool) -> str:
        style = RIGHT if numeric else NOWRAP if column == ID_COLUMN else LEFT
        if column in TYPE_OF_LABEL:
            inner = badge(column, TYPE_COLOURS[TYPE_OF_LABEL[column]], wrap=True)
        elif column in CATEGORY_OF_LABEL:
            inner = badge(column, CATEGORY_COLOURS[CATEGORY_OF_LABEL[column]], wrap=True)
        else:
            inner = escape(column)
        return f'<th scope="col" style="{style}">{inner}</th>'

    def _repr_html_(self) -> str:
        columns = list(self.frame.columns)
        numeric = {c: pd.api.types.is_numeric_dtype(self.frame[c]) for c in columns}
        places = {
            c: (decimals(self.frame[c]) if pd.api.types.is_float_dtype(self.frame[c]) else 0) if numeric[c] else None
            for c in columns
        }
        head = "".join(self._header(c, numeric[c]) for c in columns)
        body = []
        for row in self.frame.itertuples(index=False):
            values = dict(zip(columns, row))
            anchor = ""
            if self.anchors and ID_COLUMN in values:
                anchor = f' id="{escape(str(values[ID_COLUMN]))}"'
            cells = "".join(
                f'<td{ID_CLASS if c == ID_COLUMN else ""} style="{style}">{inner}</td>'
                for c, (style, inner) in ((c, self._cell(c, values[c], places[c])) for c in columns)
            )
            body.append(f"<tr{anchor}>{cells}</tr>")
        return f'<table class="{TABLE_CLASS}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'

    def text(self) -> str:
        shown = self.frame.map(lambda v: str(v) if isinstance(v, (Cell, RegionList)) else v)
        return shown.to_string(index=False, max_colwidth=None)

    def __repr__(self) -> str:
        return self.text()


def table_or_note(table: Table, note: str) -> Table | Html:
    """The table, or a sentence saying why there is none (an empty table reads as a bug); an empty
    note where the section's own note already says it."""
    if not table.empty:
        return table
    return paragraph(note) if note else Html("", "")


def in_sentence(name: str) -> str:
    """ "Innovation platforms" -> "innovation platforms"; "R&D investment" stays as it is."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def notebook_style() -> Html:
    """What a report needs in JupyterLab: the CJK web font of every character a report can show, so
    that its headings and tables read right on a machine without Chinese fonts, and statements that
    wrap in the output area's width rather than push the table past it. Nothing when render runs the
    notebook (paths.NOTEBOOK_FONT_ENV): it embeds one font in each page and has its own table styles."""
    if os.environ.get(paths.NOTEBOOK_FONT_ENV) == "off":
        return Html("", "")
    from ..chinese.fonts import cjk_chars, font_face_css
    from ..publish.webfont import page_text

    tables = "<style>.jp-OutputArea-output table.sti-table td a { white-space: normal !important; }</style>"
    return Html(font_face_css(cjk_chars(page_text())) + tables, "")


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
        return cls(region_id, book.of_region(region_id))

    @property
    def targets(self) -> pd.DataFrame:
        return analysis.of_region(self.book.targets, self.region_id)

    @property
    def name(self) -> str:
        return self.book.region_name(self.region_id)

    def _table(self, frame: pd.DataFrame, **kw) -> Table:
        return Table(frame, self.book.targets, **kw)

    def title(self) -> Html:
        text = f"{self.name}:科技创新目标 Science and technology targets"
        return Html(f"<h1>{escape(text)}</h1>{notebook_style().html}", text)

    def document(self) -> Html:
        card = analysis.document_card(self.book.documents, self.book.regions, self.region_id)
        rows, doc_id = [], ""
        for name, value in zip(card["field 项目"], card["value 内容"]):
            doc_id = str(value) if name == "doc_id" else doc_id
        for name, value in zip(card["field 项目"], card["value 内容"]):
            inner = escape(str(value))
            if name == "source file 原文":
                inner = f'<a href="{escape(f"sources/{doc_id}.html")}">{inner}</a>'
            style = NOWRAP if name in ("sha256", "doc_id") else LEFT
            rows.append(
                f'<tr><th scope="row" style="{NOWRAP}">{escape(name)}</th><td style="{style}">{inner}</td></tr>'
            )
        head = '<thead><tr><th scope="col">field 项目</th><th scope="col">value 内容</th></tr></thead>'
        html = f'<table class="{TABLE_CLASS}">{head}<tbody>{"".join(rows)}</tbody></table>'
        return Html(html, card.to_string(index=False))

    def overview(self) -> Html:
        t = self.targets
        years = sorted(t["target_year"].astype(int).unique())
        top = t["category"].astype(str).value_counts().sort_index().sort_values(ascending=False, kind="stable")
        parts = ", ".join(f"{in_sentence(CATEGORY_EN[c])} {n}" for c, n in top.head(3).items())
        conflicts = t["conflict"].dropna().nunique()
        stretch = int(t["is_stretch"].sum())
        stated = t["bindingness"].dropna().astype(str).value_counts()
        force = "; ".join(
            f"{n} {'is' if n == 1 else 'are'} labelled {b} ({BINDINGNESS_ZH[b]}) by the document"
            for b, n in stated.reindex(BINDINGNESS).dropna().astype(int).items()
        )
        count = f"{len(t)} quantified target{'s' if len(t) != 1 else ''}"
        contradictions = f"{conflicts} contradiction{'s' if conflicts != 1 else ''}"
        text = (
            f"The plan commits to {count} due in {', '.join(map(str, years))}. Most are about {parts}. "
            + (f"{stretch} {'is a stretch target' if stretch == 1 else 'are stretch targets'} (力争/争取). ")
            + (f"{force}; the others' bindingness is not stated. " if force else "")
            + (
                f"{contradictions} inside the document {'is' if conflicts == 1 else 'are'} marked ⚠ in the rows "
                "of their targets, with the other reading."
                if conflicts
                else "No contradictions inside the document were found."
            )
        )
        return paragraph(text, (count, contradictions) if conflicts else (count,))

    def by_category(self) -> Table:
        return self._table(analysis.by_category_and_year(self.book.targets, self.region_id))

    def category_figure(self) -> Figure:
        return plot_categories(self.book.targets, self.region_id, self.name)

    def timeline_figure(self) -> Figure:
        title = f"{self.name}:规划期与目标年份 Plan period and target years"
        return plot_timeline(self.book.targets, self.book.documents, self.book.regions, [self.region_id], title)

    def contradictions(self) -> Table | Html:
        """One row per contradiction; each reading links to the row that lists it on this page."""
        table = self._table(analysis.conflict_groups(self.book.targets, self.region_id), cell_links="page")
        return table_or_note(table, "No statements of this document contradict each other.")

    def section(self, category: str) -> Table | Html:
        table = self._table(analysis.category_targets(self.book.targets, self.region_id, category), anchors=True)
        return table_or_note(table, "")  # section_note says there is none

    def section_note(self, category: str) -> Html:
        n = int((self.targets["category"].astype(str) == category).sum())
        label = f"{CATEGORY_ZH[category]} {in_sentence(CATEGORY_EN[category])}"
        return paragraph(
            f"{n} target{'s' if n != 1 else ''} on {label}." if n else f"The plan sets no quantified target on {label}."
        )

    def financing(self) -> Table | Html:
        table = self._table(analysis.financing(self.book.targets, self.region_id), anchors=True)
        return table_or_note(table, "")  # section_note says there is none

    def others(self) -> Table | Html:
        table = self._table(analysis.other_targets(self.book.targets, self.region_id), anchors=True)
        return table_or_note(table, "The plan sets no quantified target on the other levers.")

    def listed_once(self) -> str:
        """Assert that the sections list every target of the region exactly once."""
        if not analysis.listed_once(self.book.targets, self.region_id):
            raise AssertionError(f"the sections of {self.region_id} do not list each target exactly once")
        return f"{len(self.targets)} targets, each listed once above with its quote and note."

    def growth_readings(self) -> pd.DataFrame:
        return analysis.growth_readings(self.book.targets, self.book.observations, self.region_id)

    def growth_table(self) -> Table | Html:
        frame = analysis.required_growth(self.book.targets, self.book.observations, self.region_id)
        return Html("", "") if frame.empty else self._table(frame)  # growth_note says why there is none

    def growth_note(self) -> Html:
        g = self.growth_readings()
        if g.empty:
            return paragraph("The document gives no baseline for its targets, so no required growth can be computed.")
        rated = int(g["growth_pct"].notna().sum())
        contested = g.groupby("target_id").size()
        contested = contested[contested > 1]
        text = (
            f"{g['target_id'].nunique()} targets have a baseline in the document; {rated} readings give the average "
            "annual growth needed to reach the target (compound rate; for shares also percentage points per year). "
            "Cumulative and increment targets are not stocks, so no growth rate is computed for them. Each "
            "baseline is an observation the document states (observations.csv), cited by its quote and offset."
        )
        if len(contested):
            text += (
                " Where the document states contradicting values of the same measure, each reading has its own "
                f"row, citing where the document states it ({', '.join(contested.index)})."
            )
        return paragraph(text)

    def growth_figure(self) -> Figure | None:
        return plot_required_growth(self.growth_readings(), self.name)

    def observations(self) -> Table | Html:
        """The past values the document states, each with its quote and offset and the targets it is
        the baseline of; contested values with their conflict id."""
        frame = analysis.observation_table(
            self.book.observations, self.book.targets, self.book.indicators, self.region_id
        )
        if frame.empty:
            return paragraph("The document states no past value of a measure it sets a target for.")
        return self._table(frame)

    @property
    def region_observations(self) -> pd.DataFrame:
        return analysis.of_region(self.book.observations, self.region_id)

    def verify_quotes(self) -> str:
        """Re-prove that each shown quote (of targets and of observations) stands at its offset in its
        source and holds its number; raises if not."""
        problems = check_provenance(self.targets, self.book.documents, "data/targets.csv")
        problems += check_observation_provenance(self.region_observations, self.book.documents, "data/observations.csv")
        if problems:
            raise AssertionError("\n".join(map(str, problems)))
        n, m = len(self.targets), len(self.region_observations)
        return (
            f"{n} quotes of targets and {m} of observations verified verbatim at their offsets in the source documents."
        )


# The heading of a region report's contradictions (notebooks/region_report.ipynb), which the grouped
# comparison links to.
REGION_CONTRADICTIONS = "Contradictions inside the document 文件内部矛盾"
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def heading_anchor(heading: str) -> str:
    """The id nbconvert gives a Markdown heading on the pages (spaces to hyphens, percent-encoded)."""
    return quote(heading.replace(" ", "-"), safe="?/:@!$&'()*+,;=")


def in_words(n: int) -> str:
    """five; 3,000."""
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else f"{n:,}"


def noted(note: Html, shown) -> Html:
    """A note above a table or figure, as one output."""
    return Html(note.html + shown._repr_html_(), f"{note.text}\n\n{shown!r}")


class ProvinceTable(Table):
    """A Table whose RegionList cells link each region to the contradictions in its report."""

    def _cell(self, column: str, value, places: int | None) -> tuple[str, str]:
        if isinstance(value, RegionList):
            anchor = heading_anchor(REGION_CONTRADICTIONS)
            links = [f'<a href="{escape(f"{region}.html#{anchor}")}">{escape(label)}</a>' for region, label in value]
            return LEFT, ", ".join(links)
        return super()._cell(column, value, places)


@dataclass
class Comparison:
    """The cross-region analyses (notebooks/compare_regions.ipynb): one row, line or column per region
    up to REGIONS_SHOWN_MAX regions with documents, else per province."""

    book: Dataset = field(repr=False)

    @classmethod
    def load(cls) -> Comparison:
        setup_display()
        return cls(Dataset.load())

    @cached_property
    def n_regions(self) -> int:
        return len(self.book.region_ids())

    @property
    def by_province(self) -> bool:
        return self.n_regions > REGIONS_SHOWN_MAX

    def _table(self, frame: pd.DataFrame, **kw) -> Table:
        return Table(frame, self.book.targets, **kw)

    def _province(self, frame: pd.DataFrame) -> ProvinceTable:
        return ProvinceTable(frame, self.book.targets)

    def _grouped(self, what: str, shown) -> Html:
        """``shown`` (a table or figure grouped by province) under the line saying so, and why."""
        note = paragraph(
            f"Grouped by province: {self.n_regions:,} regions have documents, more than the {REGIONS_SHOWN_MAX} "
            f"this page shows one by one. {what}",
            ("Grouped by province",),
        )
        return noted(note, shown)

    def introduction(self) -> Html:
        """What the page compares, with the number of plans it holds."""
        plans = in_words(len(self.book.documents))
        if not self.by_province:
            return paragraph(
                f"The {plans} plans side by side: how many targets of which kind and when, the comparable headline "
                "measures, the mix of policy levers, and how the Jiangxi cities line up with their province. Every "
                "value is printed as its document writes it; its link opens the quote in the source document."
            )
        provinces = analysis.regions_per_province(self.book.documents, self.book.regions)
        return paragraph(
            f"The {plans} plans of {self.n_regions:,} regions, grouped by their {len(provinces)} provinces: how many "
            "targets of which kind and when, the comparable headline measures, the mix of policy levers, and, where "
            "the data holds them, how the Jiangxi cities line up with their province. Each region's values, as its "
            "document writes them and linked to their quotes, are in its own report."
        )

    def counts(self) -> Table | Html:
        if self.by_province:
            frame = analysis.province_counts(self.book.targets, self.book.regions, self.book.documents)
            return self._grouped(
                "Per province: its regions with documents and their targets by type.", self._province(frame)
            )
        return self._table(analysis.type_counts(self.book.targets, self.book.regions))

    def timeline_figure(self) -> Figure | Html:
        if self.by_province:
            years = analysis.province_years(self.book.targets, self.book.documents, self.book.regions)
            figure = plot_province_timeline(years, "各省份规划期与目标年份 Plan periods and target years by province")
            what = "Per province: the span of its documents' plan periods and the number of its targets due each year."
            return self._grouped(what, figure)
        title = "各地区规划期与目标年份 Plan periods and target years"
        regions = self.book.region_ids()
        return plot_timeline(self.book.targets, self.book.documents, self.book.regions, regions, title)

    def headline(self) -> Table | Html:
        if self.by_province:
            frame = analysis.province_headline(
                self.book.targets, self.book.regions, self.book.indicators, self.book.documents
            )
            what = (
                "Each cell gives, per target type and unit, how many of the province's regions set the measure and the "
                "median value they commit to (a range by its lower end), then the lowest–highest in brackets."
            )
            return self._grouped(what, self._province(frame))
        return self._table(analysis.headline_matrix(self.book.targets, self.book.regions, self.book.indicators))

    def headline_figure(self) -> Figure | Html:
        if self.by_province:
            stats = analysis.province_headline_stats(self.book.targets, self.book.regions)
            provinces = list(analysis.regions_per_province(self.book.documents, self.book.regions).index)
            figure = plot_province_headline(stats, self.book.indicators, provinces)
            what = "Each panel draws the measure's most common target type and unit; the table above gives the others."
            return self._grouped(what, figure)
        return plot_headline(self.book.targets, self.book.regions, self.book.indicators)

    def _mix(self) -> pd.DataFrame:
        if self.by_province:
            return analysis.province_mix(self.book.targets, self.book.regions)
        return analysis.category_mix(self.book.targets, self.book.regions)

    def mix(self) -> Table | Html:
        if self.by_province:
            what = "Share of each province's targets (its regions' together) per category (%)."
            return self._grouped(what, self._province(self._mix().reset_index()))
        return self._table(self._mix().reset_index())

    def mix_figure(self) -> Figure | Html:
        if self.by_province:
            what = "Share of each province's targets per category (%)."
            return self._grouped(what, plot_category_mix(self._mix(), per="province"))
        return plot_category_mix(self._mix())

    def alignment(self, province: str, cities: tuple[str, ...]) -> Table | Html:
        present = set(self.book.region_ids())
        if province not in present or not present & set(cities):
            return paragraph(f"The data holds no documents of {province} and its cities {', '.join(cities)}.")
        return self._table(analysis.alignment(self.book.targets, self.book.regions, province, cities))

    def conflicts(self) -> Table | Html:
        if self.by_province:
            frame = analysis.province_conflicts(self.book.targets, self.book.regions)
            if frame.empty:
                return self._grouped("No document states a target in two disagreeing ways.", Html("", ""))
            what = (
                "Per province: the contradictions inside its documents and the regions that have them (with their "
                "number), each linked to the contradictions in its report, which gives both readings."
            )
            return self._grouped(what, self._province(frame))
        return self._table(analysis.conflicts(self.book.targets, self.book.regions), anchors=True)
