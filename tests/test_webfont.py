"""The CJK web font embedded in the HTML pages holds the characters the page shows."""

from __future__ import annotations

import base64
import io
import re

from fontTools.ttLib import TTFont
from sti_targets.chinese.fonts import FAMILY, cjk_chars, font_face_css
from sti_targets.publish.webfont import embed


def test_subset_holds_the_requested_characters_only():
    chars = cjk_chars("瑞金市 Ruijin 科技创新")
    assert chars == set("瑞金市科技创新")
    css = font_face_css(chars)
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", css).group(1)
    cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
    assert {chr(c) for c in cmap if c >= 0x2E80} == chars
    assert f'font-family: "{FAMILY}", ' in css  # first in the stack: Latin falls through


def test_embed_puts_the_css_in_the_head():
    page = embed("<html><head><title>t</title></head><body>瑞金</body></html>", "<style>x</style>")
    assert page.index("<style>x</style>") < page.index("</head>")


def test_source_pages_share_one_font_holding_every_character_of_every_document():
    from concurrent.futures import ThreadPoolExecutor

    from sti_targets.dataset.loaders import Dataset
    from sti_targets.dataset.provenance import read_source
    from sti_targets.publish.pages import Site
    from sti_targets.publish.render import PageFont, inputs_digest, plan_jobs, render_source

    book = Dataset.load()
    site = Site.of(book.regions, book.documents, inputs_digest())
    jobs = {j.name: j for j in plan_jobs()}
    with ThreadPoolExecutor(max_workers=1) as pool:
        font = PageFont(pool, book)
        changde = font.apply(render_source(jobs["sources/changde_2022_2025"], site), source=True)
        ruijin = font.apply(render_source(jobs["sources/ruijin_2021_2025"], site), source=True)
    fonts = [re.search(r"font/woff;base64,([A-Za-z0-9+/=]+)", page).group(1) for page in (changde, ruijin)]
    assert fonts[0] == fonts[1]  # one subset for every source page of the run
    cmap = {chr(c) for c in TTFont(io.BytesIO(base64.b64decode(fonts[0]))).getBestCmap()}
    for file in book.documents["file"]:
        assert cjk_chars(read_source(str(file))) <= cmap, file  # every document (Changde's is Traditional)
    assert cjk_chars("总体目标 国家级") <= cmap  # and the Simplified reading of the Traditional copy
    assert cjk_chars(changde) <= cmap and cjk_chars(ruijin) <= cmap


def test_the_pages_font_holds_every_character_of_the_templates():
    """Else every page would need a subset of its own (seconds each, per page)."""
    from sti_targets.publish.pages import TEMPLATES
    from sti_targets.publish.webfont import page_text

    templates = "".join(p.read_text(encoding="utf-8") for p in TEMPLATES.rglob("*.j2"))
    assert cjk_chars(templates) and cjk_chars(templates) <= cjk_chars(page_text())
