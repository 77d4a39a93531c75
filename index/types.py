"""The data that crosses the index API: requests, responses, drift reports.

Plain dataclasses with no Whoosh in them, so callers (the web layer, the CLI, benchmarks)
depend only on this contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SORTS = ("relevance", "score", "distance", "experiences")
FACET_FIELDS = ("country", "city", "treatment", "language")


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    country: tuple[str, ...] = ()  # ISO alpha-2, upper case
    city: tuple[str, ...] = ()
    treatment: tuple[str, ...] = ()  # vocabulary keys
    language: tuple[str, ...] = ()  # ISO 639-1
    near: tuple[float, float] | None = None  # (lat, lon)
    radius_km: float | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    min_score: float | None = None
    core_verified: bool = False
    verified: tuple[str, ...] = ()  # checklist item keys that must be verified
    with_experiences: bool = False  # only clinics with verified patient experiences
    facets: bool = True


@dataclass
class Hit:
    id: str
    rank: int
    relevance: float
    snippet: str | None = None  # HTML-safe: only <mark> tags, everything else escaped
    distance_km: float | None = None


@dataclass
class SearchResponse:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None  # the corrected query ("did you mean"), or None
    page: int = 1
    per_page: int = 20


@dataclass
class DriftReport:
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)
