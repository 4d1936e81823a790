"""A subset of the bundled CJK font, embedded in the HTML pages, so Chinese text renders in any
browser, even on a machine without Chinese fonts (figures carry their text as pixels already)."""

from __future__ import annotations

from .. import paths


def page_text(targets=None) -> str:
    """Every text a page can show: the tables, the notebooks, the library's labels and templates, and the
    Simplified form of the quotes (of ``targets``, the loaded targets table, if given)."""
    from ..dataset.csvfiles import read_text
    from ..dataset.loaders import load_targets

    # The tables in whatever encoding they were saved in (as the loaders read them); the project's
    # own notebooks and code are UTF-8.
    text = "".join(read_text(p) for p in sorted(paths.DATA.glob("*.csv")))
    files = sorted(paths.NOTEBOOKS.glob("*.ipynb")) + sorted(paths.PACKAGE.rglob("*.py"))
    files += sorted(paths.PACKAGE.rglob("*.j2"))  # (the pages' templates)
    text += "".join(p.read_text(encoding="utf-8") for p in files)
    targets = load_targets() if targets is None else targets
    return text + "".join(targets["quote_zh_hans"].astype(str))


def embed(html: str, css: str) -> str:
    """The page with the font CSS at the end of its <head>."""
    return html.replace("</head>", css + "\n</head>", 1)
