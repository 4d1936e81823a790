"""Problems found in user-editable input, reported with where they are and what is valid."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place: file, line (1-based, the header is line 1), column, value."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    value: object = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        shown = "" if self.value is None else f": {self.value!r}"
        return f"{where}{shown}: {self.message}"


class DataError(Exception):
    """Bad input data. Carries every problem found, so that one run reports them all."""

    def __init__(self, problems: list[Problem], offset: int | None = None):
        self.problems = list(problems)
        self.offset = offset  # byte offset, for a decoding error
        super().__init__(self.describe())

    def describe(self, limit: int = 50) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more problems")
        return "\n".join(lines)


class UnknownRegion(ValueError):
    """A region_id that is not in data/regions.csv with a document."""


def display_path(path: Path | str) -> str:
    """A path relative to the working directory when it is inside it, else absolute."""
    p = Path(path).resolve()
    try:
        return str(p.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
