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


def test_a_source_page_embeds_every_character_of_its_document():
    from sti_targets.dataset.loaders import Dataset
    from sti_targets.dataset.provenance import read_source
    from sti_targets.publish.pages import Site
    from sti_targets.publish.render import PageFont, inputs_digest, plan_jobs, render_source

    book = Dataset.load()
    site = Site.of(book.regions, book.documents, inputs_digest())
    job = next(j for j in plan_jobs() if j.name == "sources/changde_2022_2025")
    page = PageFont.own(render_source(job, site))
    data = re.search(r"font/woff;base64,([A-Za-z0-9+/=]+)", page).group(1)
    cmap = {chr(c) for c in TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()}
    text = read_source("sources/changde_2022-2025_innovation_action_plan.txt")
    assert cjk_chars(text) <= cmap  # the Traditional copy
    assert cjk_chars("总体目标 国家级") <= cmap  # and its Simplified reading
