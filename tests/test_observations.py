"""Observations (the past values the documents state) and the bindingness of targets: every value cited,
every baseline an observation, and `check` refusing each way of breaking that."""

from __future__ import annotations

import shutil

import pytest
from sti_targets.cli import main
from sti_targets.dataset.checks import run_checks
from sti_targets.dataset.loaders import Dataset
from sti_targets.dataset.provenance import read_source
from sti_targets.dataset.schema import TABLES
from sti_targets.dataset.vocabulary import TARGET_TYPE_EN, TARGET_TYPE_ZH
from sti_targets.paths import DATA


@pytest.fixture(scope="module")
def book() -> Dataset:
    return Dataset.load()


@pytest.fixture
def copy(tmp_path):
    """A writable copy of the project's data folder, and a function replacing text in one of its tables."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)

    def edit(table: str, old: str, new: str) -> None:
        path = folder / f"{table}.csv"
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")

    return folder, edit


def problems(folder) -> set[tuple[str, int, str]]:
    return {(p.file.rsplit("/", 1)[-1], p.line, p.column) for p in run_checks(folder)}


def test_the_observations_load_typed_with_their_quotes(book):
    obs = book.observations
    assert len(obs) == 17 and set(obs["region_id"].astype(str)) == {"ruijin"}
    assert str(obs["year"].dtype) == "Int64" and obs["value"].dtype == "float64"
    text = read_source("sources/ruijin_2021-2025_sti_plan.txt")
    for quote, start, end in zip(obs["quote"], obs["quote_start"], obs["quote_end"]):
        assert text[start:end] == quote


def test_the_contested_values_are_one_pair_sharing_a_conflict_id(book):
    obs = book.observations
    pair = obs[obs["conflict"].notna()]
    assert pair["observation_id"].tolist() == ["ruijin-o006", "ruijin-o013"]
    assert pair["value"].tolist() == [2.25, 1.95] and set(pair["year"]) == {2021}
    assert set(pair["conflict"].astype(str)) == {"ruijin_invention_patents_per_10k_2021"}


def test_every_baseline_is_an_observation_with_its_value_and_year(book):
    t = book.targets
    with_baseline = t[t["baseline_value"].notna()]
    assert with_baseline["baseline_observation"].notna().all()
    assert t[t["baseline_value"].isna()]["baseline_observation"].isna().all()
    obs = book.observations.set_index(book.observations["observation_id"].astype(str))
    linked = obs.loc[with_baseline["baseline_observation"].astype(str)]
    assert linked["value"].tolist() == with_baseline["baseline_value"].tolist()
    assert linked["year"].tolist() == with_baseline["baseline_year"].tolist()
    assert (linked["indicator_id"].astype(str).to_numpy() == with_baseline["indicator_id"].astype(str).to_numpy()).all()
    assert dict(zip(with_baseline["target_id"], with_baseline["baseline_observation"].astype(str))) == {
        "ruijin-005": "ruijin-o002",
        "ruijin-006": "ruijin-o012",
        "ruijin-007": "ruijin-o010",
        "ruijin-008": "ruijin-o011",
        "ruijin-009": "ruijin-o014",
        "ruijin-010": "ruijin-o015",
        "ruijin-011": "ruijin-o016",
        "ruijin-012": "ruijin-o017",
        "ruijin-021": "ruijin-o009",
        "ruijin-031": "ruijin-o001",
    }


def test_bindingness_is_stated_only_by_ruijins_table_and_cited(book):
    t = book.targets
    stated = t[t["bindingness"].notna()]
    assert stated["target_id"].tolist() == [f"ruijin-{n:03d}" for n in range(5, 13)]
    assert set(stated["bindingness"].astype(str)) == {"anticipatory"}
    assert set(stated["bindingness_quote"]) == {"“十四五”时期科技创新预期性指标"}
    text = read_source("sources/ruijin_2021-2025_sti_plan.txt")
    assert text[6860 : 6860 + len("“十四五”时期科技创新预期性指标")] == "“十四五”时期科技创新预期性指标"
    assert t[t["bindingness"].isna()][["bindingness_quote", "bindingness_quote_start"]].isna().all().all()


def test_funding_standards_are_their_own_type(book):
    t = book.targets.set_index("target_id")
    assert t.loc[["changde-022", "changde-024"], "target_type"].astype(str).tolist() == ["standard", "standard"]
    assert TARGET_TYPE_ZH["standard"] == "标准" and TARGET_TYPE_EN["annual"] == "per year (每年)"
    assert (t["target_type"].astype(str) == "standard").sum() == 2


def test_every_table_column_has_a_chinese_label():
    for fields in TABLES.values():
        assert all(f.zh and not f.zh.isascii() for f in fields)


@pytest.mark.parametrize(
    "case,table,old,new,where",
    [
        (
            "observation quote moved",
            "observations",
            "比例为3.30%,1745,",
            "比例为3.30%,1746,",
            ("observations.csv", 2, "quote_start"),
        ),
        (
            "observation value not in its quote",
            "observations",
            "ruijin,rd_gdp_ratio,,2020,1.88,",
            "ruijin,rd_gdp_ratio,,2020,1.89,",
            ("observations.csv", 3, "value"),
        ),
        (
            "a conflict id on one observation only",
            "observations",
            "1.95件,4286,ruijin_invention_patents_per_10k_2021,",
            "1.95件,4286,ruijin_patents_other,",
            ("observations.csv", 14, "conflict"),
        ),
        (
            "baseline value not the observation's",
            "targets",
            ",2.6,,%,=,2025,1.88,2020,ruijin-o002,",
            ",2.6,,%,=,2025,1.87,2020,ruijin-o002,",
            ("targets.csv", 0, "baseline_value"),
        ),
        (
            "baseline year not the observation's",
            "targets",
            ",2.6,,%,=,2025,1.88,2020,ruijin-o002,",
            ",2.6,,%,=,2025,1.88,2019,ruijin-o002,",
            ("targets.csv", 0, "baseline_year"),
        ),
        (
            "baseline without its observation",
            "targets",
            ",2.6,,%,=,2025,1.88,2020,ruijin-o002,",
            ",2.6,,%,=,2025,1.88,2020,,",
            ("targets.csv", 0, "baseline_observation"),
        ),
        (
            "baseline of another measure",
            "targets",
            ",2.6,,%,=,2025,1.88,2020,ruijin-o002,",
            ",2.6,,%,=,2025,1.88,2020,ruijin-o012,",
            ("targets.csv", 0, "baseline_observation"),
        ),
        (
            "unknown baseline observation",
            "targets",
            ",2.6,,%,=,2025,1.88,2020,ruijin-o002,",
            ",2.6,,%,=,2025,1.88,2020,ruijin-o099,",
            ("targets.csv", 0, "baseline_observation"),
        ),
        (
            "bindingness quote moved",
            "targets",
            "ruijin-o002,false,anticipatory,“十四五”时期科技创新预期性指标,6860,",
            "ruijin-o002,false,anticipatory,“十四五”时期科技创新预期性指标,6861,",
            ("targets.csv", 0, "bindingness_quote_start"),
        ),
        (
            "bindingness the quote does not say",
            "targets",
            "ruijin-o002,false,anticipatory,",
            "ruijin-o002,false,binding,",
            ("targets.csv", 0, "bindingness"),
        ),
        (
            "bindingness without its quote",
            "targets",
            "ruijin-o002,false,anticipatory,“十四五”时期科技创新预期性指标,6860,",
            "ruijin-o002,false,anticipatory,,,",
            ("targets.csv", 0, "bindingness_quote"),
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else "",
)
def test_check_refuses_each_uncited_or_unequal_number(copy, case, table, old, new, where):
    folder, edit = copy
    assert run_checks(folder) == []
    edit(table, old, new)
    found = problems(folder)
    file, line, column = where
    if line == 0:  # (the target's line: ruijin-005's)
        lines = (folder / "targets.csv").read_text(encoding="utf-8").splitlines()
        line = next(i for i, text in enumerate(lines, start=1) if text.startswith("ruijin-005,"))
    assert (file, line, column) in found, (case, found)


def test_the_cli_names_the_observation_that_fails(copy, capsys):
    folder, edit = copy
    edit("observations", "比例为3.30%,1745,", "比例为3.30%,1746,")
    assert main(["check", "--data", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "observations.csv, line 2, column quote_start" in err and "the quote is at offset 1745" in err
    assert "Traceback" not in err


def test_check_reports_the_observation_count(capsys):
    assert main(["check"]) == 0
    assert "147 targets in 5 documents, 17 observations" in capsys.readouterr().out
