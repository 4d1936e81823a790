"""One schema: data/datapackage.json is what schema.py generates, frictionless accepts the data with it,
and the loader, pandera_schema and frictionless (reading the descriptor) agree on every bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandera.pandas as pa
import pytest
from conftest import BAD, GOOD
from frictionless import Package, Schema
from sti_targets import DataError, load_documents, load_indicators, load_observations, load_regions, load_targets
from sti_targets.cli import main
from sti_targets.dataset.csvfiles import read_table
from sti_targets.dataset.schema import FOREIGN_KEYS, PRIMARY_KEYS, TABLES, datapackage, datapackage_json
from sti_targets.dataset.validation import REQUIRED, UNIQUE, cell_checks, pandera_schema
from sti_targets.paths import DATA

LOADERS = {
    "regions": load_regions,
    "indicators": load_indicators,
    "documents": load_documents,
    "observations": load_observations,
    "targets": load_targets,
}


def test_committed_descriptor_is_the_generated_one():
    committed = (DATA / "datapackage.json").read_text(encoding="utf-8")
    assert committed == datapackage_json(), "regenerate it: sti-targets schema --datapackage > data/datapackage.json"


def test_schema_command_prints_the_descriptor(capsys):
    assert main(["schema", "--datapackage"]) == 0
    assert json.loads(capsys.readouterr().out) == datapackage()


def test_frictionless_accepts_the_curated_data():
    report = Package(str(DATA / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_descriptor_declares_every_table_with_its_keys():
    resources = {r["name"]: r for r in datapackage()["resources"]}
    assert list(resources) == list(TABLES)
    assert datapackage()["profile"] == "tabular-data-package"
    for table, fields in TABLES.items():
        schema = resources[table]["schema"]
        assert [f["name"] for f in schema["fields"]] == [f.name for f in fields]
        assert schema["primaryKey"] == [PRIMARY_KEYS[table]]
        keys = [(tuple(k["fields"]), k["reference"]["resource"] or table) for k in schema.get("foreignKeys", [])]
        assert keys == [(k.fields, k.table) for k in FOREIGN_KEYS[table]]
    composite = {tuple(k["fields"]) for k in resources["targets"]["schema"]["foreignKeys"] if len(k["fields"]) > 1}
    assert composite == {("doc_id", "region_id"), ("indicator_id", "category")}


def _checks(column: pa.Column) -> dict:
    """A pandera column's checks by name, with their statistics."""
    return {c.name: c.statistics for c in column.checks}


@pytest.mark.parametrize("table", list(TABLES))
def test_descriptor_and_pandera_schema_agree_on_every_column(table):
    """Type, required, unique, allowed values, pattern and range of each column, read from both."""
    schema = pandera_schema(table)
    descriptor = next(r for r in datapackage()["resources"] if r["name"] == table)["schema"]
    assert list(schema.columns) == [f["name"] for f in descriptor["fields"]]
    assert schema.strict
    for field in descriptor["fields"]:
        column, constraints = schema.columns[field["name"]], field["constraints"]
        checks = _checks(column)
        assert column.nullable is not constraints["required"], field["name"]
        assert column.unique is constraints.get("unique", False), field["name"]
        allowed = [c["allowed_values"] for name, c in checks.items() if name == "isin"]
        if field["type"] == "boolean":
            assert allowed == [field["trueValues"] + field["falseValues"]]
        else:
            assert allowed == ([constraints["enum"]] if "enum" in constraints else []), field["name"]
        patterns = [c["pattern"] for name, c in checks.items() if name == "str_matches"]
        if field["type"] == "integer":
            assert constraints["minimum"] >= 0 and len(patterns) == 1
            if "maximum" in constraints:
                assert checks["in_range"] == {
                    "min_value": str(constraints["minimum"]),
                    "max_value": str(constraints["maximum"]),
                    "include_min": True,
                    "include_max": True,
                }
        elif field["type"] == "number":
            assert len(patterns) == 1
        elif "pattern" in constraints:
            assert patterns == [f"^{constraints['pattern']}$"], field["name"]
        else:
            assert patterns == [], field["name"]


# Cell texts read by frictionless through the descriptor and by the loader's checks. Each is either read
# the same by both, or refused by the loader only (the loader's number syntax is stricter than Table
# Schema's: no exponent, sign +, bare point, NaN, or digits of other scripts).
PROBES = {
    "number": (["12", "2.6", "-3", "0", "three", "1,000", "12%"], ["1e5", "+1", ".5", "1.", "NaN", "inf", "１２"]),
    "integer": (["0", "21", "541", "-1", "1.0", "x"], ["+3", "５"]),
    "year": (["1990", "2025", "2100", "1989", "2101", "1900", "2199", "2025.0", "二〇二五"], ["+2025", "２０２５"]),
    "boolean": (["true", "false", "True", "TRUE", "1", "0", "yes"], []),
}


def _frictionless_reads(field, text: str) -> bool:
    return field.read_cell(text)[1] is None


def _loader_reads(field, text: str) -> bool:
    return all(check.test([text])[0] for check in cell_checks(field))


@pytest.mark.parametrize("table", list(TABLES))
def test_descriptor_and_loader_read_every_cell_alike(table):
    schema = Schema.from_descriptor(next(r for r in datapackage()["resources"] if r["name"] == table)["schema"])
    for f in TABLES[table]:
        described = schema.get_field(f.name)
        kind = "year" if f.kind == "year" else described.type
        same, stricter = PROBES.get(kind, ([], []))
        same = same + list(f.allowed or []) + [v.upper() for v in f.allowed or []] + ["", "an unknown value"]
        for text in filter(None, same):
            assert _loader_reads(f, text) == _frictionless_reads(described, text), (f.name, text)
        for text in stricter:
            assert _frictionless_reads(described, text) and not _loader_reads(f, text), (f.name, text)


def _bad_copies() -> list[tuple[str, str, str, str]]:
    """(case, table, old text, new text): one broken rule each, made from the good fixture folder."""
    return [
        ("vocabulary", "targets", ",cumulative,", ",total,"),
        ("empty required cell", "targets", ",3,,家,", ",3,,,"),
        ("year out of range", "targets", ",2025,,,,false,,,,,研发", ",1950,,,,false,,,,,研发"),
        ("bool", "targets", ",false,,,,,研发", ",yes,,,,,研发"),
        ("negative offset", "targets", ",21,", ",-21,"),
        ("id pattern", "targets", "sample-003", "Sample-003"),
        ("tier", "targets", ",provincial,", ",state,"),
        ("full-width digits", "targets", ",5000,,", ",５０００,,"),
        ("unknown document", "targets", "sample-003,sample_2023_2025", "sample-003,sample_2024"),
        (
            "row relations",
            "targets",
            "sample-001,sample_2023_2025,sample,rd_gdp_ratio,rd_investment,share,,2.5,,%,=,2025",
            "sample-001,sample_2023_2025,sample,rd_gdp_ratio,platforms,share,,2.5,1.5,%,=,2031",
        ),
        (
            "unknown baseline observation",
            "targets",
            ",2025,,,,false,,,,,研发",
            ",2025,1.8,2022,sample-o009,false,,,,,研发",
        ),
        ("binding vocabulary", "targets", ",false,,,,,研发", ",false,expected,预期性,0,,研发"),
        (
            "observation id",
            "observations",
            "note\n",
            "note\nsample-1,sample_2023_2025,sample,rd_gdp_ratio,,2022,1.8,%,x,0,,\n",
        ),
        (
            "observation indicator",
            "observations",
            "note\n",
            "note\nsample-o001,sample_2023_2025,sample,rd,,2022,1.8,%,x,0,,\n",
        ),
        (
            "observation year",
            "observations",
            "note\n",
            "note\nsample-o001,sample_2023_2025,sample,rd_gdp_ratio,,22,1.8,%,x,0,,\n",
        ),
        ("partial date", "documents", ",2023-01-01,", ",2023/01,"),
        ("unknown region", "documents", ",sample,示例", ",nowhere,示例"),
        ("period reversed", "documents", ",2023,2025,", ",2025,2023,"),
        ("checksum", "documents", ",69855e0d", ",69855E0D"),
        ("kind", "documents", ",action plan,", ",plan,"),
        ("retrieved", "documents", "Test fixture.,,", "Test fixture.,,2023-1-5"),
        ("url", "documents", "Test fixture.,,", "Test fixture.,www.example.org,"),
        ("unknown parent", "regions", "369900\n", "369900\nother,其他,Other,county,nope,,,Jiangxi,369901\n"),
        ("duplicate code", "regions", "369900\n", "369900\nother,其他,Other,county,sample,,,Jiangxi,369900\n"),
        ("admin code", "regions", ",369900", ",36990"),
        ("region level", "regions", ",prefecture,", ",city,"),
        ("category", "indicators", ",platforms,", ",labs,"),
        ("duplicate indicator", "indicators", "tech_loans,", "key_labs,"),
    ]


CASES = [(f"fixture {p.name}", "targets", p, None) for p in sorted(BAD.glob("*.csv"))] + [
    (case, table, old, new) for case, table, old, new in _bad_copies()
]


def _declared_messages(table: str, raw, references: dict) -> set[str]:
    """Messages of the rules the declaration holds (cells and keys), not the loader's other relations."""
    tables = {**references, table: raw}
    refs = {k.fields[0]: tables[k.table][k.reference[0]].dropna() for k in FOREIGN_KEYS[table]}
    messages = {REQUIRED, UNIQUE} | {k.message for k in FOREIGN_KEYS[table] if k.message}
    return messages | {c.error for f in TABLES[table] for c in cell_checks(f, refs)}


def _checked_as_the_loader_does(table: str, cells: set, keys: set) -> set[tuple[int, str]]:
    """``cells`` and those of ``keys`` (failures of keys of several columns), but as the loader checks
    such a key only on rows whose other cells hold: not where another of the key's columns failed."""
    composite = [k for k in FOREIGN_KEYS[table] if len(k.fields) > 1]
    return cells | {
        (line, column)
        for line, column in keys
        if not any((line, f) in cells for k in composite if k.fields[-1] == column for f in k.fields[:-1])
    }


def _pandera_cells(table: str, raw, references: dict) -> set[tuple[int, str]]:
    try:
        pandera_schema(table, references).validate(raw, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cells, keys = set(), set()
        for c in exc.failure_cases.itertuples():
            if c.check.startswith("foreign key"):
                # (a check of whole rows, named by the key's fields: pandera lists every cell of a failing
                # row, the loader names the key's last field)
                fields = c.check.split()[-1].split(",")
                (keys if len(fields) > 1 else cells).add((int(c.index), fields[-1]))
            else:
                cells.add((int(c.index), c.column))
        return _checked_as_the_loader_does(table, cells, keys)
    return set()


def _frictionless_cells(folder: Path, table: str) -> set[tuple[int, str]]:
    """Where frictionless finds errors in a table: (line, column), a foreign key at its last field."""
    report = Package(str(folder / "datapackage.json")).validate()
    cells, keys = set(), set()
    for error in next(task for task in report.tasks if task.name == table).errors:
        fields = getattr(error, "field_names", None)
        name = fields[-1] if fields else getattr(error, "field_name", PRIMARY_KEYS[table])
        line = getattr(error, "row_number", None) or 1
        (keys if fields and len(fields) > 1 else cells).add((line, name))
        if error.type in ("unique-error", "primary-key"):  # (said at the later row: "the same as in the row at")
            cells.add((int(error.note.rsplit(" ", 1)[-1]), name))
    return _checked_as_the_loader_does(table, cells, keys)


@pytest.mark.parametrize("case,table,old,new", CASES, ids=[c[0] for c in CASES])
def test_loader_pandera_and_frictionless_agree_on_bad_input(tmp_path, case, table, old, new):
    folder = tmp_path / "data"
    shutil.copytree(GOOD, folder)
    (folder / "datapackage.json").write_text(datapackage_json(), encoding="utf-8")
    path = folder / f"{table}.csv"
    if new is None:
        shutil.copy(old, path)
    else:
        text = path.read_text(encoding="utf-8")
        assert old in text, case
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    references = {
        k.table: read_table(folder / f"{k.table}.csv", [f.name for f in TABLES[k.table]])
        for k in FOREIGN_KEYS[table]
        if k.table != table
    }
    try:
        raw = read_table(path, [f.name for f in TABLES[table]])
    except DataError:  # (the header or the bytes: refused before any rule, whichever path reads the file)
        with pytest.raises(DataError):
            LOADERS[table](path)
        assert _frictionless_cells(folder, table), case
        return
    try:
        LOADERS[table](path)
        loader = set()
    except DataError as exc:
        declared = _declared_messages(table, raw, references)
        loader = {(p.line, p.column) for p in exc.problems if p.message in declared}
    else:  # (only the quotes' provenance is wrong in these; run_checks finds it, see test_checks.py)
        assert case in ("fixture targets_value_not_in_quote.csv", "fixture targets_wrong_quote_start.csv"), case
    assert _pandera_cells(table, raw, references) == loader, case
    if case == "full-width digits":  # (Table Schema's numbers take any script's digits; the loader's do not)
        assert _frictionless_cells(folder, table) == set()
    else:
        assert _frictionless_cells(folder, table) == loader, case
