"""Every data check in one call: schema, integrity, source checksums and provenance."""

from __future__ import annotations

from pathlib import Path

from .. import paths
from ..errors import DataError, Problem, display_path
from .loaders import Dataset, load_indicators, load_regions, read_documents, read_observations, read_targets
from .provenance import check_observation_provenance, check_provenance, check_sources


def run_checks(data_dir: Path | str | None = None) -> list[Problem]:
    """All problems in a data folder (default: the project's data/); empty when all hold."""
    return check_and_load(data_dir)[0]


def check_and_load(data_dir: Path | str | None = None) -> tuple[list[Problem], Dataset | None]:
    """run_checks, and the tables it validated (as Dataset.load gives them) when all hold."""
    data = Path(data_dir) if data_dir is not None else paths.DATA
    problems: list[Problem] = []

    def attempt(load, *args, **kwargs):
        try:
            return load(*args, **kwargs)
        except DataError as exc:
            problems.extend(exc.problems)
            return None

    regions = attempt(load_regions, data / "regions.csv")
    indicators = attempt(load_indicators, data / "indicators.csv")
    documents = attempt(read_documents, data / "documents.csv", regions=regions) if regions is not None else None
    if documents is not None:
        problems += check_sources(documents, display_path(data / "documents.csv"), data)
    if regions is None or indicators is None or documents is None:
        return problems, None
    observations = attempt(
        read_observations, data / "observations.csv", regions=regions, indicators=indicators, documents=documents
    )
    if observations is None:
        return problems, None
    problems += check_observation_provenance(observations, documents, display_path(data / "observations.csv"), data)
    observations = observations.reset_index(drop=True)
    targets = attempt(
        read_targets,
        data / "targets.csv",
        regions=regions,
        indicators=indicators,
        documents=documents,
        observations=observations,
    )
    if targets is None:
        return problems, None
    problems += check_provenance(targets, documents, display_path(data / "targets.csv"), data)
    if problems:
        return problems, None
    return problems, Dataset(
        targets.reset_index(drop=True), regions, indicators, documents.reset_index(drop=True), observations
    )
