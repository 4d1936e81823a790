"""Where the project's files live, so that no module or notebook hard-codes a path.

The working directory never matters: paths are found from this file's location
(an editable install keeps the package inside the checkout), or from the
``STI_TARGETS_ROOT`` environment variable when the package is installed elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    env = os.environ.get("STI_TARGETS_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "data" / "targets.csv").is_file() and (parent / "pyproject.toml").is_file():
            return parent
    return Path.cwd().resolve()


PACKAGE = Path(__file__).resolve().parent  # the library itself, for digests and page text
PROJECT_ROOT = _find_root()
DATA = PROJECT_ROOT / "data"
SOURCES = DATA / "sources"
NOTEBOOKS = PROJECT_ROOT / "notebooks"
REPORTS = PROJECT_ROOT / "reports"

# The Jupyter kernel the notebooks name (metadata.kernelspec) and papermill runs; `make setup` registers
# it in .venv and for the user, so any Jupyter finds it.
KERNEL = "sti-targets"
KERNEL_DISPLAY_NAME = "Python 3 (sti-targets)"
# Set to "off" in the environment of the kernels render starts: the notebooks then leave out their
# CJK web font, since render embeds one in each page itself.
NOTEBOOK_FONT_ENV = "STI_TARGETS_NOTEBOOK_FONT"
