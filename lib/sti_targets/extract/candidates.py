"""What the extractor finds: numbers (Token) and where they sit (Place, Sentence, in the Context
of their plan), and the candidate targets they stand for (Candidate)."""

from __future__ import annotations

from dataclasses import dataclass

from .normalise import Plan


@dataclass(frozen=True)
class Context:
    """The plan being read: its copy, the copy with 《titles》 blanked (for years), its last year."""

    plan: Plan
    masked: str
    end_year: int | None


@dataclass(frozen=True)
class Sentence:
    """A sentence of the copy, the year it states and whether it commits or looks back."""

    start: int
    end: int
    year: int | None
    past: bool
    future: bool


@dataclass(frozen=True)
class Token:
    """A number in the copy: its span, value(s), unit and how it was read."""

    start: int
    end: int
    value: float
    value_high: float | None
    unit: str
    kind: str  # quantity, chinese, fraction, breakthrough, coverage, multiple, rank or borrowed
    suffix: str = ""
    subject: tuple[int, int] | None = None  # what a 零的突破 is about, where the clause names several


@dataclass(frozen=True)
class Place:
    """Where a token sits: its clause and quote, where its own words begin (after the clause's
    previous number) and its index among the clause's numbers."""

    clause_start: int
    quote_start: int
    quote_end: int
    lead_start: int
    index: int


@dataclass(frozen=True)
class Candidate:
    """One candidate target; start/end are its quote's span in the copy."""

    start: int
    end: int
    value: float
    value_high: float | None
    unit: str
    target_type: str
    comparator: str
    target_year: int | None
    level: str | None
    is_stretch: bool
    indicator_id: str | None
    confidence: float
    note: str
    baseline_value: float | None = None
    baseline_year: int | None = None
