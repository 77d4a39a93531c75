"""Search behind a small API of our own; Whoosh stays inside this package.

STUB: the real Whoosh implementation replaces this (issue 3). The API below is the contract.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class DriftReport:
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


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

    def close(self) -> None:
        pass


def open_index(path=None, **options) -> SearchIndex:
    return SearchIndex(path, **options)
