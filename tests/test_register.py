"""``sti-targets add``: a document registered in one step, and every bad option refused with nothing written."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
from pathlib import Path

import pytest
from sti_targets.cli import main
from sti_targets.dataset.checks import run_checks
from sti_targets.dataset.register import detect_script

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "tests" / "fixtures" / "plans" / "fuliang_2024-2026_action_plan.txt"
GOOD = json.loads((PLAN.parent / "fuliang_add_options.json").read_text(encoding="utf-8"))  # a new county


@pytest.fixture
def data(tmp_path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "data"


def snapshot(data: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()}


def add(data: Path, file: Path, *options: str) -> int:
    return main(["add", str(file), *options, "--data", str(data)])


def test_add_registers_source_rows_and_review_file(data, capsys):
    assert add(data, PLAN, *GOOD) == 0
    source = data / "sources" / "fuliang_2024-2026_action_plan.txt"
    assert source.read_bytes() == PLAN.read_bytes()
    assert stat.S_IMODE(source.stat().st_mode) == 0o444
    documents = (data / "documents.csv").read_text(encoding="utf-8").splitlines()
    assert documents[-1].startswith("fuliang_2024_2026,fuliang,浮梁县")
    assert hashlib.sha256(PLAN.read_bytes()).hexdigest() in documents[-1]
    assert ",zh-Hans," in documents[-1]
    regions = (data / "regions.csv").read_text(encoding="utf-8").splitlines()
    assert regions[-1] == "fuliang,浮梁县,Fuliang,county,jingdezhen,景德镇市,Jingdezhen,Jiangxi,360222"
    review = (data / "review" / "fuliang_2024_2026.csv").read_text(encoding="utf-8").splitlines()
    assert review[0].startswith("candidate,decision,related,origin,target_id,")
    assert len(review) == 18 and "全社会研发经费投入强度达到2.2%以上" in review[1]
    assert run_checks(data) == []
    assert "17 candidates" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--parent": "nowhere"}, "--parent 'nowhere' is not a region"),
        ({"--period": "2024-26"}, "is not a period"),
        ({"--period": "2026-2024"}, "is not a period"),
        ({"--kind": "plan"}, "is not a kind of plan"),
        ({"--doc-id": "ruijin_2021_2025"}, "already exists in"),
        ({"--admin-code": "360200"}, "already the code of another region"),
        ({"--level": "village"}, "--level 'village' is not valid"),
        ({"--issued": "March 2024"}, "issued"),
        ({"--name-en": ""}, "give --name-en"),
    ],
)
def test_add_refuses_a_bad_option_and_writes_nothing(data, capsys, change, message):
    options = list(GOOD)
    for key, value in change.items():
        if key in options:
            options[options.index(key) + 1] = value
        else:
            options += [key, value]
    before = snapshot(data)
    assert add(data, PLAN, *options) == 2
    err = capsys.readouterr().err
    assert message in err and "nothing was written" in err
    assert snapshot(data) == before


def test_add_refuses_gb18030_with_the_iconv_command(data, tmp_path, capsys):
    gb = tmp_path / "plan_gb.txt"
    gb.write_bytes(PLAN.read_text(encoding="utf-8").encode("gb18030"))
    before = snapshot(data)
    assert add(data, gb, *GOOD) == 2
    err = capsys.readouterr().err
    assert "not UTF-8" in err and "iconv -f GB18030 -t UTF-8" in err
    assert snapshot(data) == before


def test_add_refuses_a_file_that_is_not_text(data, tmp_path, capsys):
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.7\n\x00\x01\x02\xff\xfe binary")
    before = snapshot(data)
    assert add(data, binary, *GOOD) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert snapshot(data) == before


def test_add_refuses_an_existing_region_with_new_region_options_and_a_second_copy(data, capsys):
    assert add(data, PLAN, *GOOD) == 0
    before = snapshot(data)
    assert add(data, PLAN, *GOOD) == 2
    err = capsys.readouterr().err
    assert "already in regions.csv" in err and "already registered" in err
    assert snapshot(data) == before


def test_a_failed_write_puts_back_what_was_written(data, monkeypatch):
    from sti_targets.dataset import staging

    real, calls = staging.atomic_write, []

    def failing(path, content):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        real(path, content)

    before = snapshot(data)
    monkeypatch.setattr(staging, "atomic_write", failing)
    assert add(data, PLAN, *GOOD) == 1  # the third write fails: the two before it are undone
    assert len(calls) > 3 and snapshot(data) == before


def test_script_detected_by_opencc_round_trip():
    assert detect_script((ROOT / "data/sources/changde_2022-2025_innovation_action_plan.txt").read_text()) == "zh-Hant"
    assert detect_script(PLAN.read_text(encoding="utf-8")) == "zh-Hans"
