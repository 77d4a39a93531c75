"""Search behind a small API of our own; Whoosh stays inside this package.

    ix = open_index(path_or_None, vocabulary=plain_vocabulary)
    ix.index_clinics(docs); ix.remove_clinics(ids); ix.rebuild(docs)
    ix.search(SearchRequest(q="hair loss", city=("London",)))  -> SearchResponse
    ix.check({id: version})  -> DriftReport

Documents come from index.documents.to_document; the vocabulary shape is in index.vocab.
One SearchIndex per process: it keeps one searcher, refreshed when the index changes.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Protocol

from index import searching
from index.geo import haversine_km
from index.places import Gazetteer, load_gazetteer
from index.store import Store
from index.types import DriftReport, Hit, Interpretation, SearchRequest, SearchResponse
from index.view import View
from index.vocab import compile_vocabulary

__all__ = [
    "DriftReport",
    "Hit",
    "Interpretation",
    "SearchIndex",
    "SearchRequest",
    "SearchResponse",
    "SharedResults",
    "haversine_km",
    "open_index",
]

RESULT_CACHE_SIZE = 512


class SharedResults(Protocol):
    """A store of bytes by key that other processes see too (directory/search/caching.py)."""

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes) -> None: ...


class SearchIndex:
    """The clinic search index of one process (on disk, or in memory when path is None)."""

    def __init__(
        self,
        path: str | os.PathLike | None = None,
        *,
        vocabulary: dict | None = None,
        result_cache: int = RESULT_CACHE_SIZE,
        gazetteer: Gazetteer | None = None,
        shared: SharedResults | None = None,
    ):
        self.path = path
        self.vocab = compile_vocabulary(vocabulary)
        self._gazetteer = gazetteer
        self._store = Store(path)
        # One searcher per process, used by one thread at a time (Whoosh readers share files).
        self._lock = threading.RLock()
        self._view: View | None = None
        self._segments: dict = {}
        self._results: OrderedDict = OrderedDict()
        self._result_cache_size = result_cache
        # Results other processes computed on the same index generation (the other workers).
        self._shared = shared

    # Reading

    def _current(self) -> View:
        """Return a view of the live index, refreshed if anything changed since the last."""
        name = self._store.current_name()
        view = self._view
        if view is not None and view.generation == name and view.searcher.up_to_date():
            return view
        # A new searcher, not searcher.refresh(): refresh() reuses the reader of a segment
        # whose deletions changed, and would go on seeing deleted documents.
        searcher = self._store.open(name).searcher()
        if view is not None:
            view.close()
        self._view = View(searcher, name, self._segments)
        for segid in list(self._segments):
            if segid not in self._view.segment_ids:
                del self._segments[segid]
        self._results.clear()
        return self._view

    @property
    def gazetteer(self) -> Gazetteer:
        """The place recogniser (index.places), loaded on first use: about a second."""
        if self._gazetteer is None:
            self._gazetteer = load_gazetteer()
        return self._gazetteer

    def token(self) -> tuple:
        """Return what names the live index's contents: it changes with every commit."""
        with self._lock:
            return self._current().token

    def search(self, request: SearchRequest) -> SearchResponse:
        """Answer a search; any text in request.q is safe (it is never parsed as syntax)."""
        request = searching.normalise(request)
        with self._lock:
            view = self._current()
            key = (view.token, request)
            # Kept pickled: every caller gets its own copy, cheaper than a deep copy.
            blob = self._results.get(key)
            if blob is not None:
                self._results.move_to_end(key)
                return pickle.loads(blob)
            shared_key = hashlib.blake2b(repr(key).encode(), digest_size=20).hexdigest()
            blob = self._shared.get(shared_key) if self._shared is not None else None
            if blob is None:
                wants_places = (request.q and request.places) or request.near_place
                gazetteer = self.gazetteer if wants_places else None
                response = searching.run(view, self.vocab, request, gazetteer)
                blob = pickle.dumps(response, pickle.HIGHEST_PROTOCOL)
                if self._shared is not None:
                    self._shared.set(shared_key, blob)
            else:
                response = pickle.loads(blob)
            if self._result_cache_size:
                self._results[key] = blob
                if len(self._results) > self._result_cache_size:
                    self._results.popitem(last=False)
            return response

    def warm(self) -> None:
        """Load what a first search reads (places, facet sets, columns): once per worker."""
        # The gazetteer first: reading GeoNames peaks at ~150 MB, which the index's caches
        # then reuse instead of adding to.
        _ = self.gazetteer
        self.search(SearchRequest(q="", sort="score"))
        self.search(SearchRequest(q="clinic london"))

    def doc_count(self) -> int:
        """Return how many clinics the index holds."""
        with self._lock:
            return self._current().searcher.doc_count()

    def check(self, versions: dict[str, int]) -> DriftReport:
        """Compare the index with {clinic id: version}: missing, stale and extra clinics."""
        have: dict[str, int | None] = {}
        with self._lock:
            view = self._current()
            reader = view.searcher.reader()
            for docnum in sorted(view.live()):
                stored = reader.stored_fields(docnum)
                have[stored["id"]] = stored.get("version")
        return DriftReport(
            missing=sorted(set(versions) - set(have)),
            stale=sorted(i for i in versions if i in have and have[i] != versions[i]),
            extra=sorted(set(have) - set(versions)),
        )

    # Writing (any thread or process; writes queue behind each other)

    def exclusive(self):
        """Hold the write lock across a read-then-write (one writer at a time, any process)."""
        return self._store.write_lock()

    def index_clinics(self, docs: Iterable[dict]) -> int:
        """Add or replace these documents (index.documents.to_document) in one commit."""
        ops = [("index", doc) for doc in docs]
        self._store.write(ops)
        return len(ops)

    def remove_clinics(self, ids: Iterable[str]) -> int:
        """Remove these clinics; return how many the index held."""
        ids = sorted({str(i) for i in ids})
        if not ids:
            return 0
        with self._lock:
            view = self._current()
            held = sum(1 for i in ids if view.term_docs("id", i))
        self._store.write([("remove", ids)])
        return held

    def rebuild(self, docs: Iterable[dict]) -> int:
        """Build a fresh index from docs beside the live one and swap it in atomically.

        Searches go on against the live index meanwhile; writes made during the rebuild are
        replayed into the new index before the swap.
        """
        return self._store.rebuild(docs)

    def close(self) -> None:
        with self._lock:
            if self._view is not None:
                self._view.close()
                self._view = None
            self._segments.clear()
            self._results.clear()
            self._store.close()


def open_index(
    path: str | os.PathLike | None = None, *, vocabulary: dict | None = None, **options
) -> SearchIndex:
    """Open (creating if needed) the index at path; None gives a private in-memory index."""
    return SearchIndex(path, vocabulary=vocabulary, **options)
