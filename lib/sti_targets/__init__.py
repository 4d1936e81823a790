"""STI Targets Workbook: curated, cited targets of Chinese science-and-technology plans."""

from .errors import DataError, Problem
from .tables import load_documents, load_indicators, load_regions, load_targets

__all__ = ["DataError", "Problem", "load_documents", "load_indicators", "load_regions", "load_targets"]
