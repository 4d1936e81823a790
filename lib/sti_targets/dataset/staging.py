"""Changing curated files all together or not at all: the new contents are checked on a temporary
copy of data/ first (every check ``sti-targets check`` runs), then written one by one with
atomic renames, and the files already written are put back if a later one fails."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..atomic import atomic_write
from ..errors import Problem, display_path
from .checks import run_checks
from .schema import TABLES


def csv_lines(rows: Iterable[Iterable[object]]) -> str:
    """Rows as the curated files write them: comma-separated, quoted where needed, '\\n' line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue()


def append_csv(current: bytes, rows: Iterable[Iterable[object]]) -> bytes:
    """A CSV file's bytes with rows appended (a missing final newline is added first)."""
    text = current.decode("utf-8")
    if text and not text.endswith("\n"):
        text += "\n"
    return (text + csv_lines(rows)).encode("utf-8")


def check_staged(data: Path, changes: Mapping[str, bytes]) -> list[Problem]:
    """Every data check on a temporary copy of ``data`` with ``changes`` (path relative to data/ ->
    new bytes) applied: the tables and sources are copied (a link would lead out of the staged
    data/sources/, which check refuses). Problems name the real files."""
    with tempfile.TemporaryDirectory(prefix="sti-staged-") as tmp:
        staged = Path(tmp) / "data"
        staged.mkdir()
        for name in (f"{table}.csv" for table in TABLES):
            if (data / name).is_file():
                shutil.copyfile(data / name, staged / name)
        shutil.copytree(data / "sources", staged / "sources")
        for name, content in changes.items():
            target = staged / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            target.write_bytes(content)
        problems = run_checks(staged)
    return [_renamed(p, staged, data) for p in problems]


def _renamed(problem: Problem, staged: Path, data: Path) -> Problem:
    """A problem found in the staged copy, naming the file of data/ it stands for."""
    shown = display_path(data)
    for prefix in (str(staged.resolve()), str(staged)):
        if prefix in problem.file or prefix in problem.message:
            return Problem(
                problem.file.replace(prefix, shown),
                problem.message.replace(prefix, shown),
                problem.line,
                problem.column,
                problem.value,
            )
    return problem


def write_all(changes: Mapping[Path, tuple[bytes, int]]) -> None:
    """Write each path's bytes with its mode, atomically; if one fails, the files written before it
    get their old contents back (and new ones are removed), then the error is raised."""
    done: list[tuple[Path, bytes | None]] = []
    try:
        for path, (content, mode) in changes.items():
            old = path.read_bytes() if path.exists() else None
            path.parent.mkdir(parents=True, exist_ok=True)
            if old is not None and not os.access(path, os.W_OK):
                raise PermissionError(f"{path} exists and is read-only")
            atomic_write(path, content)
            done.append((path, old))
            os.chmod(path, mode)
    except BaseException:
        for path, old in reversed(done):
            if old is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write(path, old)
        raise
