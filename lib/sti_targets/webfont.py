"""A subset of the bundled CJK font, embedded in the HTML pages, so Chinese text renders in any
browser, even on a machine without Chinese fonts (figures carry their text as pixels already)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from . import paths
from .plotting import font_path

FAMILY = "STI Targets CJK"
CJK_START = 0x2E80  # CJK radicals onwards: everything a Latin-only font lacks in these pages


def cjk_chars(text: str) -> set[str]:
    return {c for c in text if ord(c) >= CJK_START}


def page_text() -> str:
    """Every text a page can show: the tables, the notebooks, the library's labels, and the
    Simplified form of the quotes."""
    from .tables import load_targets

    files = sorted(paths.DATA.glob("*.csv")) + sorted(paths.NOTEBOOKS.glob("*.ipynb"))
    files += sorted(Path(__file__).parent.glob("*.py"))
    text = "".join(p.read_text(encoding="utf-8") for p in files)
    return text + "".join(load_targets()["quote_zh_hans"].astype(str))


def font_face_css(chars: set[str]) -> str:
    """@font-face with a WOFF subset of Noto Sans CJK SC for ``chars``, and rules that use it as
    the fallback of the page's fonts (JupyterLab's variables and plain elements alike)."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    # The subset holds only CJK characters, so Latin text falls through to the usual fonts.
    stack = f'"{FAMILY}", system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif'
    return (
        f'<style>@font-face {{ font-family: "{FAMILY}"; src: url(data:font/woff;base64,{data}) format("woff"); }}\n'
        f":root {{ --jp-ui-font-family: {stack}; --jp-content-font-family: {stack}; }}\n"
        f"body, table, th, td {{ font-family: {stack}; }}</style>"
    )


def embed(html: str, css: str) -> str:
    """The page with the font CSS at the end of its <head>."""
    return html.replace("</head>", css + "\n</head>", 1)
