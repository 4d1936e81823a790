"""The synthetic data generator: deterministic, marked synthetic, never in data/, and valid."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sti_targets import load_regions, load_targets, paths
from sti_targets.dataset.checks import run_checks
from sti_targets.dataset.schema import TABLES
from sti_targets.dataset.synthetic import generate, main


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name, data in files_of(folder).items():
        h.update(name.encode() + data)
    return h.hexdigest()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("syn") / "project", n_regions=12, targets_per_region=8, seed=3)


def test_same_seed_same_bytes_other_seed_other_targets(tmp_path, synthetic):
    again = generate(tmp_path / "again", n_regions=12, targets_per_region=8, seed=3)
    assert files_of(again) == files_of(synthetic)
    other = generate(tmp_path / "other", n_regions=12, targets_per_region=8, seed=4)
    assert (other / "data" / "targets.csv").read_bytes() != (synthetic / "data" / "targets.csv").read_bytes()


def test_a_complete_project_folder(synthetic):
    data = synthetic / "data"
    assert {p.name for p in data.glob("*.csv")} == {f"{table}.csv" for table in TABLES}
    assert len(list((data / "sources").glob("*.txt"))) == 12
    assert (data / "indicators.csv").read_bytes() == (paths.DATA / "indicators.csv").read_bytes()
    notebooks = {p.name for p in paths.NOTEBOOKS.glob("*.ipynb")}
    assert {p.name for p in (synthetic / "notebooks").glob("*.ipynb")} == notebooks
    assert (synthetic / "pyproject.toml").read_bytes() == (paths.PROJECT_ROOT / "pyproject.toml").read_bytes()


def test_everything_is_marked_synthetic(synthetic):
    data = synthetic / "data"
    regions = pd.read_csv(data / "regions.csv", dtype=str)
    documents = pd.read_csv(data / "documents.csv", dtype=str)
    assert list(regions["region_id"]) == [f"syn{i:04d}" for i in range(1, 13)]
    assert regions["name_zh"].str.startswith("合成地区").all()
    assert regions["name_en"].str.startswith("Synthetic region").all()
    assert regions["admin_code"].str.fullmatch(r"\d{6}").all() and regions["admin_code"].is_unique
    assert documents["title_zh"].str.contains("SYNTHETIC").all()
    assert documents["title_en"].str.startswith("SYNTHETIC").all()
    assert documents["source_note"].str.startswith("SYNTHETIC").all()
    for source in (data / "sources").glob("*.txt"):
        assert source.read_text(encoding="utf-8").startswith("合成数据 SYNTHETIC DATA")
    assert "SYNTHETIC" in (synthetic / "SYNTHETIC.md").read_text(encoding="utf-8")


def test_passes_every_check_and_loads(synthetic):
    assert run_checks(synthetic / "data") == []
    targets = load_targets(synthetic / "data" / "targets.csv")
    assert len(targets) == 12 * 8
    assert set(targets["region_id"].astype(str)) == set(load_regions(synthetic / "data" / "regions.csv")["region_id"])
    # Every fifth document is in Traditional characters, like one of the five seeds; the loader converts.
    traditional = targets[targets["region_id"].astype(str).isin(["syn0005", "syn0010"])]
    assert (traditional["quote"] != traditional["quote_zh_hans"]).any()
    assert targets["conflict"].notna().sum() == 2  # region 10 states one target twice


def test_refuses_the_projects_data(tmp_path):
    before = digest(paths.DATA)
    for root in (paths.PROJECT_ROOT, paths.DATA, paths.DATA / "sources", paths.DATA / "new"):
        with pytest.raises(ValueError, match="refusing"):
            generate(root, n_regions=2, targets_per_region=2)
    assert digest(paths.DATA) == before
    assert not (paths.DATA / "new").exists()


def test_never_replaces_data_it_did_not_generate(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(paths.DATA, copy / "data")
    before = digest(copy)
    with pytest.raises(ValueError, match="not generated"):
        generate(copy, n_regions=2, targets_per_region=2)
    assert digest(copy) == before


def test_regenerates_its_own_folder(tmp_path):
    generate(tmp_path / "p", n_regions=3, targets_per_region=2)
    generate(tmp_path / "p", n_regions=2, targets_per_region=2)
    assert len(list((tmp_path / "p" / "data" / "sources").glob("*.txt"))) == 2


def test_command_line(tmp_path, capsys):
    assert main([str(tmp_path / "cli"), "--regions", "2", "--targets", "3"]) == 0
    assert "2 synthetic regions x 3 targets" in capsys.readouterr().out
    assert main([str(paths.PROJECT_ROOT), "--regions", "2"]) == 2
    assert "refusing" in capsys.readouterr().err


def test_the_cli_checks_a_synthetic_project_through_its_root(synthetic):
    env = dict(os.environ, STI_TARGETS_ROOT=str(synthetic))
    result = subprocess.run([sys.executable, "-m", "sti_targets.cli", "check"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "96 targets in 12 documents" in result.stdout
