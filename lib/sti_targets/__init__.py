"""STI Targets Workbook: curated, cited targets of Chinese science-and-technology plans."""

from .dataset.loaders import load_documents, load_indicators, load_observations, load_regions, load_targets
from .errors import DataError, Problem

__all__ = [
    "DataError",
    "Problem",
    "load_documents",
    "load_indicators",
    "load_observations",
    "load_regions",
    "load_targets",
]
