"""The declared schema is the one the files follow, and `sti-targets schema` prints it."""

from __future__ import annotations

import csv

from sti_targets.cli import main
from sti_targets.dataset.schema import TABLES
from sti_targets.paths import DATA


def test_every_table_file_has_exactly_the_declared_columns():
    for name, fields in TABLES.items():
        with (DATA / f"{name}.csv").open(encoding="utf-8") as f:
            assert next(csv.reader(f)) == [field.name for field in fields], name


def test_schema_command_prints_every_column(capsys):
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    for name, fields in TABLES.items():
        assert f"### data/{name}.csv" in out
        assert all(f"| {field.name} |" in out for field in fields)


def test_schema_command_prints_the_keys(capsys):
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    assert "Primary key: target_id." in out
    assert "(doc_id, region_id) -> documents (doc_id, region_id)" in out
    assert "(parent_id) -> regions (region_id)" in out
