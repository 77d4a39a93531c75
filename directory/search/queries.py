"""Search use cases: ask the index for ids, then read the rows from the store in rank order."""

from __future__ import annotations

from dataclasses import dataclass, field

import nh3
import sqlite_utils

import index
from directory.clinics import storage as clinic_storage
from directory.search.params import MAX_PAGE
from index.view import haversine_km

# The fields of a profile anyone may read through the API (the public page shows the same).
PUBLIC_FIELDS = (
    "id",
    "name",
    "brand",
    "description",
    "address",
    "location",
    "contact",
    "opening_hours",
    "languages",
    "treatments",
    "practitioners",
    "score",
    "core_verified",
    "updated_at",
)


@dataclass
class Result:
    """One result row: the clinic as stored, with what the index said about it."""

    clinic: dict
    rank: int
    snippet: str | None = None  # HTML with only <mark> tags
    distance_km: float | None = None


@dataclass
class SearchResults:
    request: index.SearchRequest
    total: int
    results: list[Result]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    interpretation: index.Interpretation = field(default_factory=index.Interpretation)

    @property
    def pages(self) -> int:
        # Pages past MAX_PAGE cannot be asked for, so they are never offered.
        return min(MAX_PAGE, max(1, -(-self.total // self.request.per_page)))


def run_search(
    db: sqlite_utils.Database, search_index: index.SearchIndex, request: index.SearchRequest
) -> SearchResults:
    """Search the index, then load the clinics it found from the store, in rank order."""
    response = search_index.search(request)
    hits = {hit.id: hit for hit in response.hits}
    clinics = clinic_storage.get_clinics(db, list(hits))
    results = []
    for clinic in clinics:
        # The index holds only published clinics, but it may lag the store by a change.
        if clinic["status"] != "published":
            continue
        hit = hits[clinic["id"]]
        distance = hit.distance_km
        if distance is None and request.near is not None and clinic["location"]:
            distance = distance_km(request.near, clinic["location"])
        results.append(
            Result(
                clinic=clinic,
                rank=hit.rank,
                snippet=clean_snippet(hit.snippet) if hit.snippet else None,
                distance_km=round(distance, 2) if distance is not None else None,
            )
        )
    return SearchResults(
        request=request,
        total=response.total,
        results=results,
        facets={name: dict(values) for name, values in (response.facets or {}).items()},
        suggestion=response.suggestion or None,
        interpretation=response.interpretation,
    )


def clean_snippet(html: str) -> str:
    """Keep only <mark> tags of a snippet; the index escapes text, this is the second lock."""
    return nh3.clean(html, tags={"mark"}, attributes={}, strip_comments=True)


def distance_km(near: tuple[float, float], location: dict) -> float:
    """Return the great-circle distance between (lat, lon) and a location, in kilometres."""
    return haversine_km(*near, location["lat"], location["lon"])


def get_public_clinic(db: sqlite_utils.Database, clinic_id: str) -> dict | None:
    """Return the public part of a published clinic's profile, or None."""
    clinic = clinic_storage.get_clinic(db, clinic_id)
    if clinic is None or clinic["status"] != "published":
        return None
    return {name: clinic.get(name) for name in PUBLIC_FIELDS}
