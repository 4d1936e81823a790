"""STI Targets Workbook: curated, cited targets of Chinese science-and-technology plans.

``load_targets()`` and the other loaders return the curated tables as typed DataFrames (``help``
on one lists its columns); ``describe("targets")`` shows a table's columns, types and vocabularies.
"""

from .dataset.describe import describe
from .dataset.loaders import load_documents, load_indicators, load_observations, load_regions, load_targets
from .errors import DataError, Problem

__all__ = [
    "DataError",
    "Problem",
    "describe",
    "load_documents",
    "load_indicators",
    "load_observations",
    "load_regions",
    "load_targets",
]
