"""The static pages' shared parts and the pages that are not notebooks, from Jinja2 templates.

Every page (index, region reports, comparison, source pages) carries the same header: links to
the index, the comparison and each region, the workbook's version and the digest of its inputs.
Past REGIONS_SHOWN_MAX regions (vocabulary.py) a header listing them all would outweigh the page
(3,000 links on each of 3,000 pages): a page then lists the regions of its own province, and links
the index for all.
Every table on them can be sorted, filtered and downloaded as CSV in the browser, offline, with
DataTables as bundled by itables (inlined into the page: no CDN, no request). The templates
(templates/pages/) escape every text; the notebook pages' template (templates/sti_report/)
includes the same header and assets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import metadata, resources
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from ..dataset.vocabulary import REGIONS_SHOWN_MAX

TEMPLATES = Path(__file__).parent / "templates"
SITE_NAME = "科技创新目标 STI targets"
WORKBOOK = "科技创新目标工作簿 STI Targets Workbook"
LEVERS = ("platforms", "talent", "financing")  # the levers the index counts; the rest is "other"


@dataclass(frozen=True)
class NavRegion:
    region_id: str
    name_zh: str
    name_en: str
    province: str = ""


@dataclass(frozen=True)
class Site:
    """What the header of every page shows (picklable: it goes to the render workers)."""

    regions: tuple[NavRegion, ...]
    version: str
    digest: str  # short digest of the inputs

    @classmethod
    def of(cls, regions: pd.DataFrame, documents: pd.DataFrame, digest: str) -> Site:
        with_doc = set(documents["region_id"].astype(str))
        nav = tuple(
            NavRegion(str(r.region_id), str(r.name_zh), str(r.name_en), str(r.province))
            for r in regions.itertuples(index=False)
            if str(r.region_id) in with_doc
        )
        return cls(tuple(sorted(nav, key=lambda r: r.region_id)), workbook_version(), digest[:12])

    def context(self, current: str, root: str = "", region: str | None = None) -> dict:
        """The template variables of the header and assets for the page ``current`` (a region id,
        ``compare``, ``index`` or ``sources/<doc_id>``), whose links go up by ``root``; ``region``:
        the region the page is about (default: ``current``), whose province the header lists when
        there are too many regions to list them all."""
        nav = self.regions
        if len(nav) > REGIONS_SHOWN_MAX:
            mine = self.province_of.get(region or current)
            nav = tuple(r for r in nav if r.province == mine) if mine is not None else ()
        return {"site": self, "nav": nav, "current": current, "root": root, "assets": assets()}

    @cached_property
    def province_of(self) -> dict[str, str]:
        return {r.region_id: r.province for r in self.regions}


def workbook_version() -> str:
    return metadata.version("sti-targets")


def page_title(label: str) -> str:
    """瑞金市 Ruijin — 科技创新目标 STI targets."""
    return f"{label} — {SITE_NAME}"


@lru_cache(maxsize=1)
def assets() -> dict[str, Markup]:
    """DataTables' bundle (JavaScript module and CSS) from the itables package, ready to inline.

    The bundle has one ES ``export {...}``; an inline module cannot be imported from, so the
    export becomes a global that the page's own script uses. ``<!--`` and ``<script`` are
    written as ``\\x3C`` escapes (valid in the bundle's strings and regular expressions), so the
    HTML parser cannot take them for markup inside the inline script."""
    html = resources.files("itables") / "html"
    js = (html / "dt_bundle.js").read_text(encoding="utf-8")
    css = (html / "dt_bundle.css").read_text(encoding="utf-8")
    exports = list(re.finditer(r"\bexport\s*\{([^}]*)\};?", js))
    if len(exports) != 1:
        raise RuntimeError("itables' dt_bundle.js has not one export statement: pin the itables version it was")
    export = exports[0]
    names = dict(reversed(pair.strip().split(" as ")) for pair in export.group(1).split(","))
    globals_ = ",".join(f"{public}:{local}" for public, local in names.items())
    js = js[: export.start()] + f"window.STI_DT={{{globals_}}};" + js[export.end() :]
    js = js.replace("<!--", "\\x3C!--").replace("<script", "\\x3Cscript")
    if re.search(r"</script|<!--|<script", js, re.IGNORECASE):
        raise RuntimeError("itables' dt_bundle.js holds markup that cannot be inlined")
    return {"datatables_js": Markup(js), "datatables_css": Markup(css.replace("</style", "<\\/style"))}


@lru_cache(maxsize=1)
def environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / "pages"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def source_page(doc: pd.Series, view, region: NavRegion, site: Site) -> str:
    """reports/sources/<doc_id>.html: the document's full text with every target marked."""
    card = {key: "" if pd.isna(value) else str(value) for key, value in doc.items()}
    return (
        environment()
        .get_template("source.html.j2")
        .render(
            title=page_title(f"{region.name_zh} {region.name_en} 原文 source: {card['title_zh']}"),
            doc=card,
            region=region,
            view=view,
            **site.context(f"sources/{card['doc_id']}", root="../", region=region.region_id),
        )
    )


@dataclass(frozen=True)
class RegionSummary:
    """One row of the index: a region, its documents and what they commit to."""

    region: NavRegion
    level: str
    documents: tuple[tuple[str, str], ...]  # (doc_id, title_zh)
    period: str
    levers: dict  # lever (or "other") -> number of targets
    conflicts: int  # distinct conflict ids


def region_summaries(regions: pd.DataFrame, documents: pd.DataFrame, targets: pd.DataFrame, site: Site) -> list:
    levels = dict(zip(regions["region_id"].astype(str), regions["level"].astype(str)))
    docs_of = dict(list(documents.groupby(documents["region_id"].astype(str), sort=False)))
    by_region = targets["region_id"].astype(str)
    counts = pd.crosstab(by_region, targets["category"].astype(str))
    conflicts = targets["conflict"].groupby(by_region).nunique()
    out = []
    for region in site.regions:
        docs = docs_of[region.region_id]
        mine = counts.loc[region.region_id] if region.region_id in counts.index else pd.Series(dtype=int)
        levers = {lever: int(mine.get(lever, 0)) for lever in LEVERS}
        levers["other"] = int(mine.sum()) - sum(levers.values())
        start, end = int(docs["period_start"].min()), int(docs["period_end"].max())
        out.append(
            RegionSummary(
                region=region,
                level=levels[region.region_id],
                documents=tuple(zip(docs["doc_id"].astype(str), docs["title_zh"].astype(str))),
                period=str(start) if start == end else f"{start}–{end}",
                levers=levers,
                conflicts=int(conflicts.get(region.region_id, 0)),
            )
        )
    return out


def index_page(reports: list[dict], summaries: list[RegionSummary], site: Site) -> str:
    """The landing page: what the workbook is and how to cite it, the regions with their
    documents and counts, and the state of every page of the last render."""
    from ..dataset.vocabulary import CATEGORY_EN, CATEGORY_ZH

    levers = [(lever, f"{CATEGORY_ZH[lever]} {CATEGORY_EN[lever]}") for lever in LEVERS] + [("other", "其他 other")]
    status = {r["name"]: r for r in reports}
    return (
        environment()
        .get_template("index.html.j2")
        .render(
            title=WORKBOOK,
            workbook=WORKBOOK,
            reports=reports,
            status=status,
            summaries=summaries,
            levers=levers,
            **site.context("index"),
        )
    )
