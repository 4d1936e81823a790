"""Figures: the bundled CJK font (no missing glyphs, no font warnings), the palette's colours, text
from the data drawn as plain text, deterministic PNGs with an alt text, labels cut only at spaces."""

from __future__ import annotations

import re
import warnings

import pytest
from matplotlib import font_manager
from matplotlib.colors import to_hex
from sti_targets.analysis import summaries as analysis
from sti_targets.analysis.figures import (
    plot_categories,
    plot_category_mix,
    plot_headline,
    plot_required_growth,
    plot_timeline,
)
from sti_targets.analysis.palette import CATEGORY_COLOURS, TYPE_COLOURS
from sti_targets.chinese.fonts import font_path, use_cjk_font
from sti_targets.dataset.loaders import Dataset


@pytest.fixture(scope="module")
def data() -> Dataset:
    return Dataset.load()


def all_figures(data):
    t, r = data.targets, data.regions
    return {
        "categories": plot_categories(t, "changde", "常德市 Changde"),
        "mix": plot_category_mix(analysis.category_mix(t, r)),
        "timeline": plot_timeline(t, data.documents, r, data.region_ids(), "时间 Timeline"),
        "headline": plot_headline(t, r, data.indicators),
        "growth": plot_required_growth(analysis.growth_readings(t, data.observations, "ruijin"), "瑞金市 Ruijin"),
    }


def test_font_comes_with_the_install():
    path = font_path()
    assert "site-packages" in str(path) and path.name == "NotoSansCJKsc-Regular.otf"
    name = use_cjk_font()
    assert font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False) == str(path)


def test_figures_draw_chinese_without_warnings(data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise here
        figures = all_figures(data)
        for name, fig in figures.items():
            fig.figure.canvas.draw()
            texts = [t.get_text() for ax in fig.figure.axes for t in ax.get_yticklabels()]
            assert any(re.search(r"[\u4e00-\u9fff]", t) for t in texts), name


def test_figures_are_deterministic_pngs_with_an_alt_text(data):
    first, second = all_figures(data), all_figures(data)
    for name in first:
        assert first[name].png == second[name].png, name
        assert first[name].png.startswith(b"\x89PNG") and b"Software" not in first[name].png
        html = first[name]._repr_html_()
        assert html.startswith('<img class="sti-figure" alt="') and 'src="data:image/png;base64,' in html
        assert html == second[name]._repr_html_()
        assert repr(first[name]) == f"Figure: {first[name].alt}"
    assert "常德市 Changde" in first["categories"].alt and "人才 Talent" in first["categories"].alt
    assert "ruijin-009" in first["growth"].alt and "+25.3%/yr" in first["growth"].alt
    assert "瑞金市 Ruijin (five-year plan 2021–2025): 29 in 2025" in first["timeline"].alt
    assert "江西省 Jiangxi Province 2.0% 2021 share" in first["headline"].alt  # value as written, year, type


def face_colours(fig) -> set[str]:
    return {to_hex(p.get_facecolor()) for ax in fig.figure.axes for p in ax.patches if p.get_height() > 0}


def test_figures_take_their_colours_from_the_palette(data):
    figures = all_figures(data)
    assert face_colours(figures["categories"]) <= set(TYPE_COLOURS.values())
    assert face_colours(figures["mix"]) == set(CATEGORY_COLOURS.values())  # every category occurs somewhere
    assert face_colours(figures["growth"]) <= set(CATEGORY_COLOURS.values())
    dots = {
        to_hex(c) for ax in figures["timeline"].figure.axes for coll in ax.collections for c in coll.get_facecolor()
    }
    assert dots <= set(CATEGORY_COLOURS.values())
    marks = {
        to_hex(c) for ax in figures["headline"].figure.axes for coll in ax.collections for c in coll.get_facecolor()
    }
    assert marks <= set(TYPE_COLOURS.values())


@pytest.mark.parametrize("name", ["$x$ 常德市", r"$\undefinedcommand$ Changde", 'a"<b>$'])
def test_a_dollar_in_a_name_is_text_not_mathtext(data, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot_categories(data.targets, "changde", name)  # mathtext would fail on \undefinedcommand
    title = fig.figure.axes[0].title
    assert title.get_text().startswith(name) and not title.get_parse_math()
    assert name in fig.alt
    html = fig._repr_html_()
    assert "<b>" not in html and '"<' not in html  # the alt is an escaped attribute


def test_labels_are_cut_at_spaces_only(data):
    readings = analysis.growth_readings(data.targets, data.observations, "ruijin")
    fig = plot_required_growth(readings, "瑞金市 Ruijin")
    words = {w for name in readings["indicator"] for w in name.split()}
    for label in fig.figure.axes[0].get_yticklabels():
        for line in label.get_text().split("\n")[:-1]:  # the last line is "ruijin-005: from 1.88 (2020)"
            assert set(line.split()) <= words, line


def test_a_region_without_rated_baselines_has_no_growth_figure(data):
    readings = analysis.growth_readings(data.targets, data.observations, "jiangxi")
    assert plot_required_growth(readings, "江西省 Jiangxi Province") is None
