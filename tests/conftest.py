"""Shared fixtures: the tiny good data folder, and a writable copy of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"


@pytest.fixture
def good_dir() -> Path:
    return GOOD


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the good fixture folder."""
    target = tmp_path / "data"
    shutil.copytree(GOOD, target)
    return target
