"""Issue #10, bad data: whatever passes `check` renders, and a user's mistake gets one line saying
where it is and what is valid, never a traceback. Each test names the promise it guards (README, Faults)."""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from frictionless import Package
from sti_targets import paths
from sti_targets.cli import main
from sti_targets.dataset.checks import run_checks
from sti_targets.dataset.csvfiles import BIDI_CONTROLS, MAX_CELL
from sti_targets.dataset.provenance import read_source, read_source_file
from sti_targets.dataset.schema import FIRST_YEAR, LAST_YEAR, RESERVED_REGION_IDS, TARGETS, datapackage_json
from sti_targets.dataset.validation import cell_checks
from sti_targets.errors import DataError
from sti_targets.extract import extract_targets, read_plan
from sti_targets.publish.render import MANIFEST, plan_jobs

CLI = [sys.executable, "-m", "sti_targets.cli"]
FIRST_QUOTE = ",研发投入强度达到2.5%,21,"  # (row 2 of the good fixture's targets.csv: quote, quote_start, note)


def edit(folder: Path, table: str, old: str, new: str) -> Path:
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def check(env: dict) -> subprocess.CompletedProcess:
    """`sti-targets check` of the project at STI_TARGETS_ROOT (env)."""
    return subprocess.run([*CLI, "check"], capture_output=True, text=True, env=env, timeout=300)


def refused(result: subprocess.CompletedProcess) -> str:
    """stderr of a run that failed cleanly: exit code 1, no traceback."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr


def check_refuses(folder: Path, capsys) -> str:
    """stderr of `sti-targets check --data folder`, which must fail cleanly (an exception fails the test)."""
    capsys.readouterr()
    assert main(["check", "--data", str(folder)]) == 1
    return capsys.readouterr().err


def project_env(root: Path) -> dict:
    return {**os.environ, "STI_TARGETS_ROOT": str(root)}


# --- 2. GB18030 data never breaks render or the dashboard; sources are UTF-8 in check and extract alike --


def test_gb18030_tables_that_pass_check_give_the_pages_their_font_text(project_copy):
    """check passed a GB18030 targets.csv, then render (and the dashboard) died collecting the web
    font's text, which read the tables as UTF-8 by hand."""
    for table in ("targets", "regions"):
        path = project_copy / "data" / f"{table}.csv"
        path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    env = project_env(project_copy)
    assert check(env).returncode == 0
    code = "from sti_targets.publish.webfont import page_text; import sys; sys.stdout.write(page_text())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "瑞金市" in result.stdout and "Traceback" not in result.stderr


def _gb18030_source(folder: Path) -> Path:
    """The fixture's source saved as GB18030, with documents.csv's sha256 of the new bytes."""
    source = folder / "sources" / "sample_2023-2025_plan.txt"
    old = hashlib.sha256(source.read_bytes()).hexdigest()
    source.write_bytes(source.read_text(encoding="utf-8").encode("gb18030"))
    edit(folder, "documents", old, hashlib.sha256(source.read_bytes()).hexdigest())
    return source


def test_a_gb18030_source_is_refused_by_check_and_extract_alike_with_the_command_that_converts_it(data_copy, capsys):
    source = _gb18030_source(data_copy)
    extract = subprocess.run([*CLI, "extract", str(source)], capture_output=True, text=True, timeout=300)
    assert extract.stdout == ""
    for err in (check_refuses(data_copy, capsys), refused(extract)):
        assert "is GB18030/GBK text, not UTF-8" in err and "iconv -f GB18030 -t UTF-8" in err, err


def test_extract_gives_the_offsets_check_verifies_in_a_file_with_a_byte_order_mark(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_bytes(b"\xef\xbb\xbf" + "到2025年,新增省级重点实验室3家,技术合同成交额突破50亿元。".encode())
    rows = extract_targets(read_plan(plan))
    assert len(rows) == 2
    text = read_source_file(plan)  # (as check reads a source)
    for quote, start in zip(rows["quote"], rows["quote_start"]):
        assert text[int(start) : int(start) + len(quote)] == quote


# --- 3. never a traceback for a user's mistake -----------------------------------------------------------


@pytest.mark.parametrize(
    "table,old,new,line,column,cell",
    [
        ("targets", ",2.5,", ",２.5,", 2, "value", "２.5"),
        ("targets", ",3,,家", ",５００,,家", 3, "value", "５００"),
        ("targets", ",2025,,,,false,,,,,研发", ",20２5,,,,false,,,,,研发", 2, "target_year", "20２5"),
        ("targets", ",2025,,,,false,,,,,研发", ",١١٠٠,,,,false,,,,,研发", 2, "target_year", "١١٠٠"),
        ("targets", FIRST_QUOTE, ",研发投入强度达到2.5%,٢١,", 2, "quote_start", "٢١"),
        ("targets", FIRST_QUOTE, ",研发投入强度达到2.5%,２１,", 2, "quote_start", "２１"),
        ("documents", ",2023,2025,", ",２０２３,2025,", 2, "period_start", "２０２３"),
        ("regions", ",369900", ",３６９９００", 2, "admin_code", "３６９９００"),
    ],
)
def test_other_scripts_digits_are_refused_at_their_cell_not_with_a_traceback(
    data_copy, table, old, new, line, column, cell, capsys
):
    edit(data_copy, table, old, new)
    err = check_refuses(data_copy, capsys)
    assert f"{table}.csv, line {line}, column {column}: {cell!r}" in err, err


@pytest.mark.parametrize(
    "old,new,column",
    [
        (FIRST_QUOTE, ",研发投入强度达到2.5%,99999999999999999999999,", "quote_start"),
        (FIRST_QUOTE, ",研发投入强度达到2.5%,18446744073709551616,", "quote_start"),
        (",2.5,", "," + "1" * 400 + ",", "value"),
        (",2.5,", ",-" + "9" * 40 + ".5,", "value"),
    ],
)
def test_a_number_too_large_to_hold_is_refused_at_its_cell(data_copy, old, new, column, capsys):
    edit(data_copy, "targets", old, new)
    err = check_refuses(data_copy, capsys)
    assert f"line 2, column {column}:" in err and "digits" in err, err


def test_a_cr_only_csv_with_a_bad_byte_says_where_the_byte_is(data_copy, capsys):
    """Excel for Mac ends lines with a lone CR; locating the bad byte raised csv.Error."""
    path = data_copy / "targets.csv"
    data = path.read_bytes().replace(b"\n", b"\r").replace("达到".encode(), b"\xff", 1)
    path.write_bytes(data)
    err = check_refuses(data_copy, capsys)
    assert "targets.csv, line 2, column quote (byte " in err and "cannot be decoded" in err, err


def _extract(path: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "extract", str(path)], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("kind", ["binary", "png", "folder", "fifo"])
def test_extract_refuses_what_is_not_a_text_file_in_one_line(tmp_path, kind):
    path = tmp_path / "plan.txt"
    if kind == "binary":
        path.write_bytes(bytes(range(256)) * 8)
    elif kind == "png":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    elif kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)  # (reading it would wait forever for a writer)
    err = refused(_extract(path, timeout=60))
    (problem, summary) = err.splitlines()
    assert problem.startswith(str(path)) and summary == "failed: 1 problem(s) in the input", err
    assert "not a regular file" in problem if kind in ("folder", "fifo") else "not a text file" in problem


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_ctrl_c_in_extract_ends_with_one_line(tmp_path):
    small, plan = tmp_path / "small.txt", tmp_path / "plan.txt"
    source = (paths.SOURCES / "ruijin_2021-2025_sti_plan.txt").read_bytes()
    small.write_bytes(source[:3000].decode("utf-8", "ignore").encode())
    plan.write_bytes(source * 40)  # (several seconds of extraction)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert _extract(small).returncode == 0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    startup = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)  # (imports, parsing)
    process = subprocess.Popen([*CLI, "extract", str(plan)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while process.poll() is None and _cpu_seconds(process.pid) < startup + 1.0:  # (then inside the extraction)
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    err = err.decode()
    assert process.returncode == 130, err
    assert err.splitlines() == ["interrupted: extract stopped; the CSV on stdout, if any, is incomplete"], err


# --- 6. region ids that would overwrite render's own pages ----------------------------------------------


@pytest.mark.parametrize("reserved", RESERVED_REGION_IDS)
def test_a_reserved_region_id_is_refused_naming_every_reserved_id(data_copy, reserved, capsys):
    edit(data_copy, "regions", "\nsample,", f"\n{reserved},")
    err = check_refuses(data_copy, capsys)
    assert f"regions.csv, line 2, column region_id: {reserved!r}: is reserved" in err, err
    assert ", ".join(RESERVED_REGION_IDS) in err


def test_the_reserved_ids_are_every_name_render_writes_besides_region_pages():
    names = {Path(job.html).parts[0].split(".")[0] for job in plan_jobs() if job.notebook != "region_report.ipynb"}
    names |= {"index", Path(MANIFEST).stem}
    assert names == set(RESERVED_REGION_IDS)


def test_the_descriptor_refuses_reserved_region_ids_too(data_copy):
    (data_copy / "datapackage.json").write_text(datapackage_json(), encoding="utf-8")
    edit(data_copy, "regions", "\nsample,", "\nindex,")
    report = Package(str(data_copy / "datapackage.json")).validate()
    errors = next(task for task in report.tasks if task.name == "regions").errors
    assert [(e.type, e.field_name) for e in errors] == [("constraint-error", "region_id")]


# --- 7. what passes check renders: a table with a header only is refused -------------------------------


@pytest.mark.parametrize("table", ["targets", "documents", "regions", "indicators"])
def test_a_table_with_only_its_header_is_refused(data_copy, table, capsys):
    path = data_copy / f"{table}.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    err = check_refuses(data_copy, capsys)
    assert f"{table}.csv, line 2: has no {table}" in err, err


# --- 9. honest messages ----------------------------------------------------------------------------------


LAYOUTS = {
    "blank line": ("\n", "\n"),
    "blank lines with spaces": ("\n", "\n  \n\t\n"),
    "CRLF and a blank line": ("\r\n", "\r\n"),
    "lone CR and a blank line": ("\r", "\r"),
}


@pytest.mark.parametrize("layout", LAYOUTS, ids=list(LAYOUTS))
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_line_numbers_count_blank_lines_and_a_record_is_reported_at_its_first_line(data_copy, layout, encoding, capsys):
    end, blank = LAYOUTS[layout]
    header, *rows = (data_copy / "targets.csv").read_text(encoding="utf-8").splitlines()
    rows[0] = rows[0].replace(FIRST_QUOTE, f',研发投入强度达到2.5%,21,"a note{end}on two lines"')
    rows[2] = rows[2].replace(",false,", ",maybe,")  # (bad is_stretch in the last record)
    text = header + end + rows[0] + end + blank + rows[1] + end + rows[2] + end
    (data_copy / "targets.csv").write_bytes(text.encode(encoding))
    first_line_of_last = 1 + 2 + blank.count(end[-1]) + 1 + 1  # header, 2-line record, blanks, row 2, then it
    err = check_refuses(data_copy, capsys)
    assert f"targets.csv, line {first_line_of_last}, column is_stretch: 'maybe'" in err, err


def test_a_multi_line_record_is_reported_at_its_first_line(data_copy, capsys):
    edit(data_copy, "targets", FIRST_QUOTE, ',研发投入强度达到2.5%,x,"line one\nline two\nline three"')
    err = check_refuses(data_copy, capsys)
    assert "targets.csv, line 2, column quote_start: 'x'" in err, err


def test_check_sources_reports_documents_at_their_line_after_a_blank_line(data_copy, capsys):
    edit(data_copy, "documents", "\nsample_2023_2025,", "\n\nsample_2023_2025,")
    edit(data_copy, "documents", ",69855e0d", ",69855e0e")
    err = check_refuses(data_copy, capsys)
    assert "documents.csv, line 3, column sha256:" in err, err


def test_years_are_refused_outside_the_range_the_message_states():
    (year,) = [f for f in TARGETS if f.name == "target_year"]
    (rule,) = cell_checks(year)
    assert rule.error == f"must be a year ({FIRST_YEAR}-{LAST_YEAR})" == "must be a year (1990-2100)"
    cells = np.array(["1900", "1989", "1990", "2025", "2100", "2101", "2199"], dtype=object)
    assert rule.test(cells).tolist() == [False, False, True, True, True, False, False]


@pytest.mark.parametrize("line_break_elsewhere", [False, True])
def test_a_cell_over_the_limit_is_refused_whether_or_not_another_cell_has_a_line_break(
    data_copy, line_break_elsewhere, capsys
):
    """The limit was csv's 131072 characters, and only on the path taken when a cell held a line break."""
    note = '"two\nlines"' if line_break_elsewhere else "one line"
    edit(data_copy, "targets", FIRST_QUOTE, f",研发投入强度达到2.5%,21,{note}")
    edit(data_copy, "targets", ",新增省级重点实验室三家,34,", ",新增省级重点实验室三家,34," + "长" * 200_000)
    err = check_refuses(data_copy, capsys)
    assert f"targets.csv, line {4 if line_break_elsewhere else 3}, column note: the cell holds 200000 characters" in err
    assert f"at most {MAX_CELL}" in err


def test_a_cell_at_the_limit_is_accepted(data_copy):
    edit(data_copy, "targets", FIRST_QUOTE, FIRST_QUOTE + "长" * MAX_CELL)
    assert run_checks(data_copy) == []


@pytest.mark.parametrize("how", ["dot-dot", "absolute", "symlink"])
def test_a_source_file_outside_data_sources_is_refused(data_copy, tmp_path, how, capsys):
    outside = tmp_path / "outside.txt"
    shutil.copy(data_copy / "sources" / "sample_2023-2025_plan.txt", outside)
    file = {"dot-dot": "../outside.txt", "absolute": str(outside), "symlink": "sources/link.txt"}[how]
    if how == "symlink":
        (data_copy / "sources" / "link.txt").symlink_to(outside)
    edit(data_copy, "documents", ",sources/sample_2023-2025_plan.txt,", f",{file},")
    err = check_refuses(data_copy, capsys)
    assert f"documents.csv, line 2, column file: {file!r}: must name a file inside data/sources/" in err, err
    with pytest.raises(DataError, match="must name a file inside data/sources/"):
        read_source(file, data_copy)  # (what the pages read, past check)


REGION = "{id},{zh},{en},county,{parent},,,Jiangxi,{code}"


@pytest.mark.parametrize(
    "parents,cycle",
    [
        ({"aa": "aa"}, "aa -> aa"),
        ({"aa": "bb", "bb": "aa"}, "aa -> bb -> aa"),
        ({"aa": "bb", "bb": "cc", "cc": "bb", "dd": "aa"}, "bb -> cc -> bb"),
    ],
)
def test_a_parent_id_cycle_is_refused_naming_its_regions(data_copy, parents, cycle, capsys):
    rows = [
        REGION.format(id=r, zh=f"地区{k}", en=f"Region {k}", parent=p, code=f"3699{k:02d}")
        for k, (r, p) in enumerate(parents.items(), start=1)
    ]
    path = data_copy / "regions.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(rows) + "\n", encoding="utf-8")
    err = check_refuses(data_copy, capsys)
    assert f"parent_id makes a cycle: {cycle}" in err, err
    first = cycle.split(" -> ")[0]
    assert f"regions.csv, line {3 + list(parents).index(first)}, column parent_id:" in err, err


@pytest.mark.parametrize("char", list(BIDI_CONTROLS), ids=[f"U+{ord(c):04X}" for c in BIDI_CONTROLS])
def test_a_bidirectional_control_is_refused_with_its_line_column_and_code_point(data_copy, char, capsys):
    edit(data_copy, "targets", ",新增省级重点实验室三家,34,", f",新增省级重点实验室三家,34,note {char}reversed")
    err = check_refuses(data_copy, capsys)
    assert f"targets.csv, line 3, column note: holds U+{ord(char):04X} " in err, err
    assert char not in err  # (the message shows the code point, not the control)
