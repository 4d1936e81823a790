"""The one declaration of every curated table: columns, types, allowed values, units, meaning.

The loaders enforce it (through pandera, see ``validate``), ``sti-targets schema``
prints it, and data/README.md points here rather than repeating it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .vocabulary import CATEGORIES, COMPARATORS, DOCUMENT_KINDS, PLATFORM_LEVELS, REGION_LEVELS, SCRIPTS, TARGET_TYPES

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
TARGET_ID_PATTERN = r"^[a-z][a-z0-9_]*-\d{3,}$"


@dataclass(frozen=True)
class Field:
    """One column of a curated table.

    kind is one of: id, category, text, number, int, year, bool, date, sha256, code.
    """

    name: str
    kind: str
    description: str
    required: bool = True
    allowed: tuple[str, ...] | None = None
    unit: str | None = None
    unique: bool = False
    pattern: str | None = None


REGIONS = (
    Field("region_id", "id", "Short stable id of the region", unique=True, pattern=ID_PATTERN),
    Field("name_zh", "text", "Official Chinese name"),
    Field("name_en", "text", "English name"),
    Field("level", "category", "Administrative level", allowed=REGION_LEVELS),
    Field("parent_id", "id", "region_id of the parent region when it is in this table", required=False),
    Field("parent_name_zh", "text", "Chinese name of the immediate parent region", required=False),
    Field("parent_name_en", "text", "English name of the immediate parent region", required=False),
    Field("province", "text", "Province the region belongs to (English)"),
    Field("admin_code", "code", "GB/T 2260 administrative division code", pattern=r"^\d{6}$", unique=True),
)

INDICATORS = (
    Field(
        "indicator_id",
        "id",
        "Stable id of the measure; the same measure in two plans has one id",
        unique=True,
        pattern=ID_PATTERN,
    ),
    Field("name_zh", "text", "Chinese name (Simplified)"),
    Field("name_en", "text", "English name"),
    Field("category", "category", "Policy lever the measure belongs to", allowed=CATEGORIES),
    Field("unit", "text", "Natural unit of the measure as plans write it"),
    Field("definition", "text", "What is measured, and whether a stock or new additions"),
)

DOCUMENTS = (
    Field("doc_id", "id", "Stable id of the document", unique=True, pattern=ID_PATTERN),
    Field("region_id", "id", "Issuing region (regions.csv)"),
    Field("title_zh", "text", "Title as published"),
    Field("title_en", "text", "English title"),
    Field("issuer", "text", "Issuing body"),
    Field(
        "issued",
        "date",
        "Issue date as precise as known: YYYY, YYYY-MM or YYYY-MM-DD",
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
    ),
    Field("period_start", "year", "First year the plan covers"),
    Field("period_end", "year", "Last year the plan covers"),
    Field("kind", "category", "Kind of plan", allowed=DOCUMENT_KINDS),
    Field("script", "category", "Script of the source text", allowed=SCRIPTS),
    Field("file", "text", "Source file, relative to data/", unique=True),
    Field("sha256", "sha256", "SHA-256 of the source file's bytes", pattern=r"^[0-9a-f]{64}$"),
    Field("source_note", "text", "Provenance and quirks of the copy", required=False),
    Field(
        "source_url",
        "text",
        "Where the document was published (empty where unknown)",
        required=False,
        pattern=r"^https?://\S+$",
    ),
    Field(
        "retrieved",
        "date",
        "When the copy was retrieved: YYYY-MM-DD (empty where unknown)",
        required=False,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
    ),
)

TARGETS = (
    Field("target_id", "id", "Stable id: <region_id>-NNN", unique=True, pattern=TARGET_ID_PATTERN),
    Field("doc_id", "id", "Document stating the target (documents.csv)"),
    Field("region_id", "id", "Region the target is for (regions.csv); equals the document's region"),
    Field("indicator_id", "id", "Measure (indicators.csv)"),
    Field("category", "category", "Policy lever; equals the indicator's category", allowed=CATEGORIES),
    Field("target_type", "category", "What kind of commitment the number is", allowed=TARGET_TYPES),
    Field(
        "level",
        "category",
        "Tier of a platform, programme or award, where stated",
        required=False,
        allowed=PLATFORM_LEVELS,
    ),
    Field("value", "number", "The number as the document writes it (low end of a range)"),
    Field("value_high", "number", "High end of a range (4-6 -> 6)", required=False),
    Field("unit", "text", "Unit as written: %, 家, 人, 亿元, 万元 ..."),
    Field("comparator", "category", ">= for 以上/不少于/突破/超; ~ for 左右/约; = otherwise", allowed=COMPARATORS),
    Field("target_year", "year", "Year the target is due"),
    Field("baseline_value", "number", "Past value of the same measure given by the document", required=False),
    Field("baseline_year", "year", "Year of baseline_value", required=False),
    Field("is_stretch", "bool", "True where 力争/争取 (strive to) governs the target"),
    Field(
        "conflict",
        "id",
        "Shared id of rows that disagree with each other in the document",
        required=False,
        pattern=ID_PATTERN,
    ),
    Field("quote", "text", "Shortest verbatim clause of the source holding the number"),
    Field("quote_start", "int", "Character offset of the quote in the source file", unit="characters"),
    Field("note", "text", "Duplicates, conflicts, ambiguity, readings", required=False),
)

TABLES = {
    "regions": REGIONS,
    "indicators": INDICATORS,
    "documents": DOCUMENTS,
    "targets": TARGETS,
}


def describe_markdown() -> str:
    """The schema as Markdown tables, one per file."""
    out = []
    for table, fields in TABLES.items():
        out.append(f"### data/{table}.csv\n")
        out.append("| column | type | required | allowed / pattern | meaning |")
        out.append("|---|---|---|---|---|")
        for f in fields:
            allowed = ", ".join(f.allowed) if f.allowed else (f"`{f.pattern}`" if f.pattern else "")
            out.append(f"| {f.name} | {f.kind} | {'yes' if f.required else 'no'} | {allowed} | {f.description} |")
        out.append("")
    return "\n".join(out)
