"""Help built from the schema: the loaders' docstrings and ``sti_targets.describe()``.

Both are generated from the Field declarations in schema.py, so what ``help(load_targets)`` and a
notebook's ``describe("targets")`` say about a column (its type once loaded, whether it may be
empty, its allowed values and what they mean) is what the loaders enforce.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape

from .schema import FIRST_YEAR, LAST_YEAR, PRIMARY_KEYS, TABLES, TITLES, Field
from .vocabulary import (
    CATEGORIES,
    LEVEL_LABELS,
    PLATFORM_LEVELS,
    TARGET_TYPE_EN,
    TARGET_TYPE_ZH,
    TARGET_TYPES,
    category_label,
)

LEFT = "text-align:left;vertical-align:top"
TABLE_CLASS = "dataframe sti-table"
# What the values of a vocabulary mean, where the value alone does not say it.
MEANINGS = {
    TARGET_TYPES: {t: f"{TARGET_TYPE_ZH[t]}, {TARGET_TYPE_EN[t]}" for t in TARGET_TYPES},
    CATEGORIES: {c: category_label(c) for c in CATEGORIES},
    PLATFORM_LEVELS: {k: LEVEL_LABELS[k].split()[0] for k in PLATFORM_LEVELS},
}


def loaded_type(f: Field) -> str:
    """The column's dtype in the loaded DataFrame (validation.to_typed's conversion of its kind)."""
    if f.kind == "category" and f.allowed:
        return "category"
    if f.kind == "number":
        return "float64"
    if f.kind in ("int", "year"):
        return "Int64" + (f" (year {FIRST_YEAR}-{LAST_YEAR})" if f.kind == "year" else "")
    if f.kind == "bool":
        return "boolean"
    if f.kind == "id" and not f.unique:
        return "category"
    return "string"


def _traits(f: Field, table: str) -> list[str]:
    traits = [loaded_type(f)]
    traits += ["primary key"] if PRIMARY_KEYS[table] == f.name else ["unique"] if f.unique else []
    traits += [] if f.required else ["may be empty"]
    traits += [f"in {f.unit}"] if f.unit else []
    return traits


def _values(f: Field) -> str:
    """'one of: a, b (meaning), ...' for a vocabulary, else ''."""
    if not f.allowed:
        return ""
    meaning = MEANINGS.get(f.allowed, {})
    return "one of: " + ", ".join(f"{v} ({meaning[v]})" if v in meaning else v for v in f.allowed)


def columns_doc(table: str) -> str:
    """The columns of ``table`` as a docstring section (numpydoc style)."""
    lines = ["", f"Columns of data/{table}.csv (generated from lib/sti_targets/dataset/schema.py)", "-" * 20]
    for f in TABLES[table]:
        lines.append(f"{f.name} : {', '.join(_traits(f, table))}")
        lines.append(f"    {f.description}")
        if f.allowed:
            lines += textwrap.wrap(_values(f), 96, initial_indent="    ", subsequent_indent="    ")
    return "\n".join("    " + line if line else line for line in lines) + "\n"


@dataclass(frozen=True)
class Description:
    """The schema of some tables, shown as a table per file in a notebook (text in a terminal)."""

    tables: tuple[str, ...]

    def _rows(self, table: str) -> list[tuple[str, str, str, str]]:
        return [(f.name, ", ".join(_traits(f, table)), f.description, _values(f)) for f in TABLES[table]]

    def __repr__(self) -> str:
        out = []
        for table in self.tables:
            out.append(f"data/{table}.csv: {TITLES[table]}")
            rows = self._rows(table)
            width = max(len(r[0]) for r in rows)
            for name, traits, description, values in rows:
                out.append(f"  {name:<{width}}  {traits}: {description}" + (f"; {values}" if values else ""))
            out.append("")
        return "\n".join(out).rstrip()

    def _repr_html_(self) -> str:
        out = []
        for table in self.tables:
            out.append(f"<h4>data/{escape(table)}.csv: {escape(TITLES[table])}</h4>")
            head = "".join(f'<th style="{LEFT}">{h}</th>' for h in ("column", "type", "meaning", "values"))
            rows = self._rows(table)
            body = "".join("<tr>" + "".join(f'<td style="{LEFT}">{escape(c)}</td>' for c in r) + "</tr>" for r in rows)
            out.append(f'<table class="{TABLE_CLASS}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
        return "".join(out)


def describe(table: str | None = None) -> Description:
    """The columns of one curated table (regions, indicators, documents, targets), or of all four:
    type once loaded, whether it may be empty, meaning and allowed values. An unknown name raises
    ValueError naming the valid ones."""
    if table is None:
        return Description(tuple(TABLES))
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; valid tables are: {', '.join(TABLES)}")
    return Description((table,))
