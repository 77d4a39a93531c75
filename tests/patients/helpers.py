"""Helpers for the patient tests: saved clinics, verified items, a stand-in index."""

from __future__ import annotations

from datetime import date

from tests.conftest import make_profile
from tests.vetting.conftest import verify


def save(db, clinic_id: str, **overrides) -> dict:
    from directory.clinics.services import save_profile

    profile = make_profile(clinic_id, **overrides)
    save_profile(db, profile, actor="test")
    return profile


def verify_item(db, clinic_id: str, item_key: str, *, today: date | None = None) -> None:
    """Take one checklist item of a clinic through claim, evidence and moderator verification."""
    verify(db, clinic_id, item_key, today=today or date.today(), days_ago=10, expires_in=300)


class StubIndex:
    """Stands in for the search index: returns the given ids and records each request."""

    def __init__(self, ids: list[str]):
        self.ids = list(ids)
        self.requests: list = []

    def search(self, request):
        from index.types import Hit, SearchResponse

        self.requests.append(request)
        hits = [Hit(id=i, rank=n + 1, relevance=0.0) for n, i in enumerate(self.ids)]
        return SearchResponse(total=len(hits), hits=hits[: request.per_page])

    def close(self) -> None:
        pass
