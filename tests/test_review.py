"""The review model: decisions saved and resumed, missed targets by verbatim quote, indicator search and
proposal, restatements and conflicts, and a commit that numbers, checks, backs up, or changes nothing."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from sti_targets.analysis.review import Review, ReviewError
from sti_targets.cli import main
from sti_targets.dataset.checks import run_checks

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "tests" / "fixtures" / "plans" / "fuliang_2024-2026_action_plan.txt"
GOOD = json.loads((PLAN.parent / "fuliang_add_options.json").read_text(encoding="utf-8"))
DOC = "fuliang_2024_2026"
FUND = {
    "indicator_id": "st_guidance_fund",
    "name_zh": "科技创新引导基金",
    "name_en": "S&T guidance fund",
    "category": "financing",
    "unit": "亿元",
    "definition": "Size of the fund; a stock.",
}


@pytest.fixture
def data(tmp_path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    assert main(["add", str(PLAN), *GOOD, "--data", str(tmp_path / "data")]) == 0
    return tmp_path / "data"


def targets(data: Path) -> list[dict]:
    with open(data / "targets.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_decisions_are_saved_and_a_new_review_resumes_where_it_stopped(data):
    review = Review(DOC, data)
    assert review.progress() == (0, 17)
    first = review.next_open()
    review.decide(first, "accept", {"unit": "%"})
    review.decide(review.next_open(first), "skip")
    again = Review(DOC, data)
    assert again.progress() == (1, 17)
    assert again.row(first)["decision"] == "accept"
    assert again.next_open() == "c003"  # the skipped c002 waits until the open ones are done


def test_context_highlights_the_number_in_its_sentence(data):
    before, head, number, tail, after = Review(DOC, data).context("c001")
    assert (head, number, tail) == ("全社会研发经费投入强度达到", "2.2", "%以上")
    assert before.endswith("全县创新能力明显增强,") and after.startswith(",高新技术企业总数达到60家")


def test_a_missed_target_needs_a_verbatim_unambiguous_quote(data):
    review = Review(DOC, data)
    with pytest.raises(ReviewError, match="not verbatim"):
        review.add_missed("研发投入强度达到3%")
    with pytest.raises(ReviewError, match="appears 4 times"):
        review.add_missed("高新技术企业")
    cid = review.add_missed("柔性引进专家团队5个")
    row = review.row(cid)
    text = (data / "sources" / "fuliang_2024-2026_action_plan.txt").read_text(encoding="utf-8")
    assert text[int(row["quote_start"]) : int(row["quote_end"])] == "柔性引进专家团队5个"
    assert (row["origin"], row["value"], row["target_year"]) == ("manual", "5", "2026")
    assert cid in Review(DOC, data).ids()


def test_indicator_search_in_either_language_and_a_proposal(data):
    review = Review(DOC, data)
    assert "invention_patents_per_10k" in [i["indicator_id"] for i in review.search_indicators("专利")]
    assert "invention_patents_per_10k" in [i["indicator_id"] for i in review.search_indicators("Invention Patents")]
    assert "tech_loans" in [i["indicator_id"] for i in review.search_indicators("科貸")]  # Traditional finds it
    with pytest.raises(ReviewError, match="exists already"):
        review.propose_indicator({**FUND, "indicator_id": "tech_loans"})
    with pytest.raises(ReviewError, match="needs"):
        review.propose_indicator({"indicator_id": "guidance_fund"})
    review.propose_indicator(FUND)
    assert [i["indicator_id"] for i in Review(DOC, data).search_indicators("guidance")] == ["st_guidance_fund"]


def accept_all_but(review: Review, rejected: set[str]) -> None:
    for cid in review.ids():
        review.decide(cid, "reject" if cid in rejected else "accept")


def test_commit_numbers_folds_restatements_and_keeps_a_backup(data):
    review = Review(DOC, data)
    before = (data / "targets.csv").read_bytes()
    review.edit("c008", {"indicator_id": "new_rd_institutions", "category": "platforms"})  # not key labs
    review.propose_indicator(FUND)
    review.edit("c015", {"indicator_id": "st_guidance_fund", "target_type": "level"})
    review.edit("c009", {"indicator_id": "st_innovation_talents", "category": "talent"})
    review.edit("c010", {"indicator_id": "st_innovation_talents", "category": "talent"})
    review.edit("c016", {"indicator_id": "fiscal_st_spending_share", "category": "rd_investment"})
    accept_all_but(review, {"c016"})
    review.mark_restatement("c010", "c009")  # (not one in truth: to see the note folded in)
    result = review.commit()
    assert result.ok, result.message
    rows = [r for r in targets(data) if r["region_id"] == "fuliang"]
    assert [r["target_id"] for r in rows] == [f"fuliang-{n:03d}" for n in range(1, 16)]
    assert [r["quote"] for r in rows][:2] == ["全社会研发经费投入强度达到2.2%以上", "高新技术企业总数达到60家"]
    assert "also stated at offset" in rows[8]["note"] and "柔性引进专家团队5个" in rows[8]["note"]
    assert (data / "indicators.csv").read_text(encoding="utf-8").splitlines()[-1].startswith("st_guidance_fund,")
    assert (data / "review" / "backups" / f"targets.{DOC}.1.csv").read_bytes() == before
    assert run_checks(data) == []
    again = Review(DOC, data)
    assert again.row("c001")["target_id"] == "fuliang-001"
    with pytest.raises(ReviewError, match="committed as fuliang-001"):
        again.decide("c001", "reject")
    assert not again.commit().ok  # nothing left to commit


def test_a_refused_commit_changes_nothing_and_names_the_row_and_field(data):
    review = Review(DOC, data)
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    review.decide("c002", "accept", {"value_high": "50"})
    result = review.commit()
    assert not result.ok
    assert "c002" in result.message and "value_high" in result.message and "must not be below value" in result.message
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} == before
    assert not (data / "review" / "backups").exists()
    assert Review(DOC, data).row("c002")["target_id"] == ""


def test_conflict_marks_both_rows_with_one_id(data):
    review = Review(DOC, data)
    conflict = review.mark_conflict("c012", "c013")
    assert conflict == "fuliang_conflict_1"
    again = Review(DOC, data)
    assert again.row("c012")["conflict"] == again.row("c013")["conflict"] == conflict
    assert "offset" in again.row("c013")["note"]


def test_a_restatement_of_a_rejected_row_is_refused_at_commit(data):
    review = Review(DOC, data)
    review.decide("c001", "accept")
    review.decide("c002", "reject")
    review.mark_restatement("c003", "c002")
    result = review.commit()
    assert not result.ok and "c003 restates 'c002', which is not accepted" in result.message
