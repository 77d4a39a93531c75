"""Search behind a small API of our own; Whoosh stays inside this package.

STUB: the real Whoosh implementation replaces this (issue 3). The API below is the contract.
"""

from __future__ import annotations

from collections.abc import Iterable

from index.types import DriftReport, Hit, SearchRequest, SearchResponse

__all__ = ["DriftReport", "Hit", "SearchIndex", "SearchRequest", "SearchResponse", "open_index"]


class SearchIndex:
    def __init__(self, path=None, **options):
        self.path = path
        self.docs: dict[str, dict] = {}

    def index_clinics(self, docs: Iterable[dict]) -> int:
        n = 0
        for doc in docs:
            self.docs[doc["id"]] = doc
            n += 1
        return n

    def remove_clinics(self, ids: Iterable[str]) -> int:
        return sum(1 for i in list(ids) if self.docs.pop(i, None) is not None)

    def rebuild(self, docs: Iterable[dict]) -> int:
        self.docs = {}
        return self.index_clinics(docs)

    def check(self, versions: dict[str, int]) -> DriftReport:
        have = {i: d.get("version") for i, d in self.docs.items()}
        return DriftReport(
            missing=sorted(set(versions) - set(have)),
            stale=sorted(i for i in versions if i in have and have[i] != versions[i]),
            extra=sorted(set(have) - set(versions)),
        )

    def search(self, request: SearchRequest) -> SearchResponse:
        ids = sorted(self.docs)
        start = (request.page - 1) * request.per_page
        page = ids[start : start + request.per_page]
        return SearchResponse(
            total=len(ids),
            hits=[Hit(id=i, rank=start + n + 1, relevance=0.0) for n, i in enumerate(page)],
            page=request.page,
            per_page=request.per_page,
        )

    def close(self) -> None:
        pass


def open_index(path=None, **options) -> SearchIndex:
    return SearchIndex(path, **options)
