"""Figures use the bundled CJK font: no missing glyphs, no font warnings."""

from __future__ import annotations

import io
import warnings

from matplotlib import font_manager
from sti_targets import load_regions, load_targets
from sti_targets.analysis import summaries as analysis
from sti_targets.analysis.figures import plot_categories, plot_category_mix
from sti_targets.chinese.fonts import font_path, use_cjk_font


def test_font_comes_with_the_install():
    path = font_path()
    assert "site-packages" in str(path) and path.name == "NotoSansCJKsc-Regular.otf"
    name = use_cjk_font()
    assert font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False) == str(path)


def test_figures_draw_chinese_without_warnings():
    targets, regions = load_targets(), load_regions()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise here
        for fig in (
            plot_categories(targets, "changde", "常德市 Changde"),
            plot_category_mix(analysis.category_mix(targets, regions)),
        ):
            fig.savefig(io.BytesIO(), format="png")
            texts = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
            assert any("创新平台" in t or "常德市" in t for t in texts)
