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
