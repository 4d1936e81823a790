"""Shared fixtures: the tiny good data folder, and a writable copy of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sti_targets.paths import PROJECT_ROOT

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"


def pytest_collection_modifyitems(items):
    """The layers, by folder: tests/integration runs real kernels, papermill, render and installs (as
    nbval does on notebooks/); tests/browser drives chromium; everything else is a fast unit test
    (`make test-unit`)."""
    for item in items:
        path = Path(item.path)
        if not path.is_relative_to(HERE):
            item.add_marker(pytest.mark.integration)  # the notebooks, under nbval: real kernels
            continue
        layer = path.relative_to(HERE).parts[0]
        if layer in ("integration", "browser"):
            item.add_marker(getattr(pytest.mark, layer))


@pytest.fixture
def good_dir() -> Path:
    return GOOD


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the good fixture folder."""
    target = tmp_path / "data"
    shutil.copytree(GOOD, target)
    return target


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the project's data and notebooks, to be used through STI_TARGETS_ROOT."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "data", root / "data")
    shutil.copytree(PROJECT_ROOT / "notebooks", root / "notebooks")
    shutil.copy(PROJECT_ROOT / "pyproject.toml", root)
    return root
