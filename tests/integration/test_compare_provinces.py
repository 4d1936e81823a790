"""compare_regions.ipynb on a 60-region synthetic project (above REGIONS_SHOWN_MAX): papermill runs it
as render does, and every section shows one row per province, none per region."""

from __future__ import annotations

import re

import nbformat
import papermill
import pytest
from sti_targets.dataset.synthetic import PROVINCES, generate
from sti_targets.dataset.vocabulary import REGIONS_SHOWN_MAX
from sti_targets.paths import KERNEL, NOTEBOOK_FONT_ENV

N_REGIONS = 60


@pytest.fixture(scope="module")
def executed(tmp_path_factory, request) -> dict[str, str]:
    """The HTML (or text) output of each code cell of the executed notebook, by the cell's source."""
    root = generate(tmp_path_factory.mktemp("compare") / "project", N_REGIONS, targets_per_region=20)
    with pytest.MonkeyPatch.context() as env:  # the kernel inherits the environment
        env.setenv("STI_TARGETS_ROOT", str(root))
        env.setenv(NOTEBOOK_FONT_ENV, "off")
        output = root / "out.ipynb"
        papermill.execute_notebook(
            str(root / "notebooks" / "compare_regions.ipynb"), str(output), kernel_name=KERNEL, progress_bar=False
        )
    shown = {}
    for cell in nbformat.read(output, as_version=4).cells:
        if cell.cell_type == "code":
            data = [o.get("data", {}) for o in cell.outputs]
            shown[cell.source] = "".join(d.get("text/html", d.get("text/plain", "")) for d in data)
    return shown


def test_every_section_has_a_row_per_province_and_none_per_region(executed):
    assert N_REGIONS > REGIONS_SHOWN_MAX
    counts = executed["comparison.counts()"]
    assert counts.count("<tr>") == 1 + PROVINCES
    for k in range(1, PROVINCES + 1):
        assert f">Synthetic province {k:02d}</td>" in counts
    for section in ("counts", "headline", "mix"):
        html = executed[f"comparison.{section}()"]
        assert f"Grouped by province</strong>: {N_REGIONS} regions have documents" in html, section
        assert "Synthetic region" not in html, section  # no row (or column) per region
        assert len(re.findall(r"<tr>", html)) == 1 + PROVINCES, section
    for figure in ("timeline_figure", "headline_figure", "mix_figure"):
        html = executed[f"comparison.{figure}()"]
        assert "Grouped by province" in html and "Synthetic province 31" in html and "Synthetic region" not in html


def test_contradictions_list_the_regions_that_have_them_with_links(executed):
    html = executed["comparison.conflicts()"]
    regions = re.findall(r'<a href="(syn\d{4})\.html#Contradictions-inside-the-document-[^"]+">', html)
    assert sorted(regions) == [f"syn{i:04d}" for i in range(10, N_REGIONS + 1, 10)]  # every tenth document has one
    assert "sources/" not in html  # no row per statement


def test_the_introduction_states_the_number_and_the_alignment_its_paragraph(executed):
    introduction = executed["comparison.introduction()"]
    assert f"The {N_REGIONS} plans of {N_REGIONS} regions, grouped by their {PROVINCES} provinces" in introduction
    alignment = executed['comparison.alignment("jiangxi", ("jingdezhen", "ruijin"))']
    assert "The data holds no documents of jiangxi and its cities jingdezhen, ruijin." in alignment
