"""What patients read: search (ids from the index, rows from the store in rank order), the
clinic list and pages, and the API's public profile; each clinic with its vetting score."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import nh3
import sqlite_utils

import index
from directory.bidi import strip_bidi
from directory.clinics import storage as clinic_storage
from directory.clinics.profile import PROFILE_KEYS
from directory.experiences import services as experiences
from directory.search import storage
from directory.search.params import MAX_PAGE
from directory.vetting import services as vetting

# The fields of a profile anyone may read through the API (the public page shows the same).
PUBLIC_FIELDS = (
    *(key for key in PROFILE_KEYS if key not in ("external_ids", "status")),
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
    found = vetting.with_scores(db, clinic_storage.get_clinics(db, list(hits)))
    clinics = experiences.with_experiences(db, found)
    results = []
    for clinic in clinics:
        # The index holds only published clinics, but it may lag the store by a change.
        if clinic["status"] != "published":
            continue
        hit = hits[clinic["id"]]
        distance = hit.distance_km
        if distance is None and request.near is not None and clinic["location"]:
            where = clinic["location"]
            distance = index.haversine_km(*request.near, where["lat"], where["lon"])
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
    """Keep only <mark> tags of a snippet; the index escapes text, this is the second lock.

    It is markup made of a clinic's text, so it loses stray bidi controls here (directory/bidi.py).
    """
    return nh3.clean(strip_bidi(html), tags={"mark"}, attributes={}, strip_comments=True)


def get_public_clinic(db: sqlite_utils.Database, clinic_id: str) -> dict | None:
    """Return the public part of a published clinic's profile, or None."""
    clinic = clinic_storage.get_clinic(db, clinic_id)
    if clinic is None or clinic["status"] != "published":
        return None
    clinic = vetting.with_scores(db, [clinic])[0]
    return {name: clinic.get(name) for name in PUBLIC_FIELDS}


def public_checklist(db: sqlite_utils.Database, clinic_id: str, today: date) -> list[dict]:
    """Return a published clinic's checklist rows, as the API gives them."""
    return vetting.clinic_checklist(db, clinic_id, today)


def directory_summary(db: sqlite_utils.Database) -> tuple[int, list[dict]]:
    """Return (published clinics, [{country, n}] by most clinics) for the home page."""
    return clinic_storage.count_clinics(db), clinic_storage.count_by_country(db)


def count_public_clinics(db: sqlite_utils.Database, *, country: str | None = None) -> int:
    """Return how many clinics are published (in one country, if given)."""
    return clinic_storage.count_clinics(db, country=country)


def list_public_clinics(
    db: sqlite_utils.Database, *, limit: int, offset: int, country: str | None, order: str
) -> list[dict]:
    """Return one page of published clinics in an order of storage.LIST_ORDERS, with scores."""
    rows = storage.list_published(db, limit=limit, offset=offset, country=country, order=order)
    return vetting.with_scores(db, rows)


def get_clinic_page(db: sqlite_utils.Database, clinic_id: str) -> dict | None:
    """Return a clinic for its public page with its score, or None when it is not public.

    Unpublished listings are not public; suspended ones show a notice instead of details.
    """
    clinic = clinic_storage.get_clinic(db, clinic_id)
    if clinic is None or clinic["status"] == "unpublished":
        return None
    return vetting.with_scores(db, [clinic])[0]
