"""The nbval regression net catches a changed curated number, and passes again once it is restored."""

from __future__ import annotations

import os
import subprocess
import sys


def nbval(root, notebook: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider", str(root / "notebooks" / notebook)],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "STI_TARGETS_ROOT": str(root)},
        timeout=600,
    )


def test_changing_a_curated_number_fails_nbval_and_restoring_passes(project_copy):
    root = project_copy
    targets = root / "data" / "targets.csv"
    original = targets.read_text(encoding="utf-8")
    # Jiangxi's 1,500 new high-tech enterprises becomes 1,400.
    assert original.count(",1500,,家,") == 1
    targets.write_text(original.replace(",1500,,家,", ",1400,,家,"), encoding="utf-8")
    changed = nbval(root, "compare_regions.ipynb")
    assert changed.returncode != 0, changed.stdout
    assert "1400" in changed.stdout or "1500" in changed.stdout
    targets.write_text(original, encoding="utf-8")
    restored = nbval(root, "compare_regions.ipynb")
    assert restored.returncode == 0, restored.stdout[-3000:]
