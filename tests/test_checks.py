"""sti-targets check: passes on the curated data, fails with where on every kind of bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import BAD
from sti_targets.cli import main
from sti_targets.dataset.checks import run_checks


def test_curated_data_passes():
    assert run_checks() == []


def test_fixture_passes(good_dir):
    assert run_checks(good_dir) == []


@pytest.mark.parametrize(
    "bad,line,column",
    [
        ("targets_bad_value.csv", 3, "value"),
        ("targets_missing_column.csv", 1, "unit"),
        ("targets_unknown_id.csv", 3, "indicator_id"),
        ("targets_duplicate_id.csv", 3, "target_id"),
        ("targets_undecodable.csv", 4, "quote (byte 118)"),
        ("targets_wrong_quote_start.csv", 2, "quote_start"),
        ("targets_value_not_in_quote.csv", 2, "value"),
    ],
)
def test_cli_fails_naming_line_and_column(data_copy, capsys, bad, line, column):
    shutil.copy(BAD / bad, data_copy / "targets.csv")
    assert main(["check", "--data", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert f"line {line}, column {column}" in err
    assert "Traceback" not in err


def test_edited_source_fails_checksum(data_copy):
    source = data_copy / "sources" / "sample_2023-2025_plan.txt"
    source.write_text(source.read_text(encoding="utf-8") + "多一行\n", encoding="utf-8")
    problems = run_checks(data_copy)
    assert any(p.column == "sha256" and "never edited" in p.message for p in problems)


def test_quote_offset_error_says_where_the_quote_is(data_copy):
    shutil.copy(BAD / "targets_wrong_quote_start.csv", data_copy / "targets.csv")
    (p,) = run_checks(data_copy)
    assert "the quote is at offset 21" in p.message


def test_console_script_exit_codes(data_copy):
    ok = subprocess.run([sys.executable, "-m", "sti_targets.cli", "check"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "check passed" in ok.stdout
    shutil.copy(BAD / "targets_bad_value.csv", data_copy / "targets.csv")
    bad = subprocess.run(
        [sys.executable, "-m", "sti_targets.cli", "check", "--data", str(data_copy)], capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert "line 3, column value: 'three'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_sources_folder_pointed_elsewhere_is_resolved_anew(tmp_path):
    """The resolved sources folder is kept between documents, never past a change of where it leads."""
    from sti_targets.dataset.provenance import inside_sources

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b" / "link.txt").symlink_to(tmp_path / "a" / "x.txt")
    data = tmp_path / "data"
    data.mkdir()
    (data / "sources").symlink_to(tmp_path / "a")
    assert inside_sources("sources/x.txt", data)
    (data / "sources").unlink()
    (data / "sources").symlink_to(tmp_path / "b")
    assert not inside_sources("sources/link.txt", data)  # it leads into a/, no longer the sources folder
