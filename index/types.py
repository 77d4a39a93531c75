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
    near_place: str | None = None  # a place name for near, resolved by the index
    places: bool = True  # read place names in q as places ("anywhere" turns it off)
    mapping: bool = True  # map patients' words to treatments ("as typed" turns it off)


@dataclass
class Hit:
    id: str
    rank: int
    relevance: float
    snippet: str | None = None  # HTML-safe: only <mark> tags, everything else escaped
    distance_km: float | None = None


@dataclass(frozen=True)
class PlaceRead:
    """A place the search read in q or in near."""

    typed: str
    kind: str  # "city" or "country"
    name: str  # GeoNames or CLDR (English) name; the web layer shows its own language
    country: str  # ISO 3166 alpha-2
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None  # a city: how far around it counts
    source: str = "q"  # "q" or "near"


@dataclass(frozen=True)
class TermRead:
    """A patient's word the search mapped to a treatment or concern ("botox" -> mesobotox)."""

    typed: str
    kind: str  # "treatment" or "concern"
    key: str


@dataclass(frozen=True)
class Dropped:
    """Words no clinic matched together with the rest: results are without them."""

    typed: str
    q: str  # the query without these words


@dataclass
class Interpretation:
    """How the search read the request, for the patient to see and undo."""

    places: list[PlaceRead] = field(default_factory=list)
    terms: list[TermRead] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    nearest: str | None = None  # a city no clinic is in: results are the nearest to it
    unknown_place: str | None = None  # a near value that names no place we know (ignored)
    suggestions: list[str] = field(default_factory=list)  # words we have, when nothing matched
    without: list[Dropped] = field(default_factory=list)  # nothing matched: drop one word

    @property
    def relaxed(self) -> bool:
        return bool(self.dropped)


@dataclass
class SearchResponse:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None  # the corrected query ("did you mean"), or None
    page: int = 1
    per_page: int = 20
    interpretation: Interpretation = field(default_factory=Interpretation)


@dataclass
class DriftReport:
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)
