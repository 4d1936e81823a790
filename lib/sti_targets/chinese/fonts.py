"""The project's own CJK font (Noto Sans CJK SC from the ``mplfonts`` package, a declared
dependency): registered with matplotlib by file path for figures, and subset into a WOFF web font
for HTML pages, so nothing depends on the fonts of the machine and no glyph shows as an empty box."""

from __future__ import annotations

import base64
import io
import re
from functools import lru_cache
from pathlib import Path

FONT_FILE = "NotoSansCJKsc-Regular.otf"


def font_path() -> Path:
    """The bundled CJK font file."""
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: reinstall the project (pip install -e .) to get mplfonts")
    return path


@lru_cache(maxsize=1)
def use_cjk_font() -> str:
    """Register the CJK font and make it the default for matplotlib and seaborn; returns its name."""
    path = font_path()
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    sns.set_theme(style="whitegrid", font=name, rc={"axes.unicode_minus": False})
    plt.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["svg.hashsalt"] = "sti-targets"
    return name


FAMILY = "STI Targets CJK"
CJK_START = 0x2E80  # CJK radicals onwards: everything a Latin-only font lacks in these pages


CJK = re.compile(f"[{chr(CJK_START)}-\U0010ffff]")


def cjk_chars(text: str) -> set[str]:
    return set(CJK.findall(text))  # (a regular expression skips the ASCII bulk of a page 3x faster)


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
    font.close()
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    # The subset holds only CJK characters, so Latin text falls through to the usual fonts.
    stack = f'"{FAMILY}", system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif'
    return (
        f'<style>@font-face {{ font-family: "{FAMILY}"; src: url(data:font/woff;base64,{data}) format("woff"); }}\n'
        f":root {{ --jp-ui-font-family: {stack}; --jp-content-font-family: {stack}; }}\n"
        f"body, table, th, td {{ font-family: {stack}; }}</style>"
    )
