"""Issue #10, item 7: what passes `check` renders. Synthetic projects (dataset/synthetic.py) whose every
text field is rewritten with odd but valid text: quotes, `$`, `<`, `&`, long text, Traditional characters.
`sti-targets check` passes on each, then `sti-targets render --region X` must render every page, with the
odd text shown as text (escaped), never as markup."""

from __future__ import annotations

import csv
import html
import io
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sti_targets.dataset.synthetic import generate

ODD = [
    "say \"quoted\" and 'single'",
    "costs $5 and $10$ (mathtext) $\\alpha$",
    "<script>alert(1)</script> & <b>bold</b>",
    "Tom & Jerry; AT&T; &amp; &lt;",
    "臺灣「測試」與發展規劃，資訊與創新",
    "长" * 3000,
    "{{ jinja }} {% raw %} `code` *stars* _under_ # hash | pipe",
    "tab\there, comma, semicolon; back\\slash",
]
TEXT_COLUMNS = {
    "regions.csv": ("name_zh", "name_en", "parent_name_zh", "parent_name_en", "province"),
    "documents.csv": ("title_zh", "title_en", "issuer", "source_note"),
    "targets.csv": ("note",),
}


def _oddify(data: Path, odd: itertools.cycle) -> None:
    """Rewrite the text columns of the synthetic tables (not ids, numbers or quotes: those the sources hold)."""
    for name, columns in TEXT_COLUMNS.items():
        path = data / name
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            for column in columns:
                row[column] = f"{next(odd)} {row[column]}"
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "STI_TARGETS_ROOT": str(root)}
    command = [sys.executable, "-m", "sti_targets.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=1200)


@pytest.mark.parametrize("seed", [0, 1])
def test_odd_but_valid_data_that_passes_check_renders(tmp_path, seed):
    root = generate(tmp_path / "project", n_regions=5, targets_per_region=6, seed=seed)
    _oddify(root / "data", itertools.cycle(ODD[seed:] + ODD[:seed]))
    checked = _run(root, "check")
    assert checked.returncode == 0, checked.stderr
    region = "syn0005"  # (every 5th synthetic document is in Traditional characters)
    rendered = _run(root, "render", "--region", region, "--jobs", "1")
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    assert "Traceback" not in rendered.stderr
    reports = root / "reports"
    pages = [reports / "index.html", reports / f"{region}.html", reports / "compare.html"]
    pages += sorted((reports / "sources").glob("*.html"))
    assert len(pages) == 3 + 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in text, page
        assert "<b>bold</b>" not in text, page
    report = html.unescape((reports / f"{region}.html").read_text(encoding="utf-8"))
    with (root / "data" / "regions.csv").open(encoding="utf-8", newline="") as f:
        (name,) = [r["name_zh"] for r in csv.DictReader(f) if r["region_id"] == region]
    assert name in report  # (the odd name is shown, as text)
