"""A searcher with its caches: document sets per term, per-document values, facet sets.

Filters are the biggest cost of a Whoosh search, so every filter's set of documents is kept
until the index changes. Sets are cached per segment (Whoosh segments never change once
written; only their deletions do), so an update that adds one small segment leaves the big
segment's caches in place, and per searcher, where deletions are applied.
"""

from __future__ import annotations

import bisect
import heapq
import math
from array import array
from collections import Counter
from collections.abc import Iterable

from whoosh import query as wq

from index.geo import haversine_km
from index.query import TRUST, DocSet
from index.schema import FACET_SOURCES, FLAG_TRUE, SPELL_FIELD
from index.text import stem

MAX_CACHED_SETS = 4096  # per segment and per searcher; cleared when full
MAX_CACHED_DOCS = 3_000_000  # document numbers held by a segment's term sets (~100 MB)


class SegmentCache:
    """What is read once from one segment: term document sets and per-document values."""

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self.terms: dict[tuple[str, str], frozenset[int]] = {}
        self.columns: dict[str, array] = {}
        self.facets: dict[str, dict[str, frozenset[int]]] = {}
        self.values: dict[str, list[tuple[str, ...]]] = {}
        self._all: frozenset[int] | None = None
        self._held = 0  # document numbers in self.terms
        self._by_score: list | None = None
        self._by_trust: list | None = None
        self._trust: array | None = None
        self._by_lat: list | None = None

    def all_docs(self) -> frozenset[int]:
        if self._all is None:
            self._all = frozenset(range(self.size))
        return self._all

    def by_score(self, reader) -> list[tuple[float, int]]:
        """Return [(-score, doc)] ascending: best vetting score first, no score last."""
        if self._by_score is None:
            scores = self.column(reader, "score")
            self._by_score = sorted(
                (-s if math.isfinite(s) else math.inf, d) for d, s in enumerate(scores)
            )
        return self._by_score

    def trust(self, reader) -> array:
        """Return each document's trust (index.query.TRUST): score and fresh core checks."""
        if self._trust is None:
            scores = self.column(reader, "score")
            core = frozenset(_raw_postings(reader, "core_verified", FLAG_TRUE))
            self._trust = array(
                "d",
                (
                    TRUST["score"] * (s / 100 if math.isfinite(s) else 0.0)
                    + (TRUST["core_verified"] if d in core else 0.0)
                    for d, s in enumerate(scores)
                ),
            )
        return self._trust

    def by_trust(self, reader) -> list[tuple[float, int]]:
        """Return [(-trust, doc)] ascending: most trusted first."""
        if self._by_trust is None:
            self._by_trust = sorted((-t, d) for d, t in enumerate(self.trust(reader)))
        return self._by_trust

    def by_lat(self, reader) -> list[tuple[float, int]]:
        """Return [(lat, doc)] ascending for documents with a location."""
        if self._by_lat is None:
            lats, lons = self.column(reader, "lat"), self.column(reader, "lon")
            self._by_lat = sorted(
                (la, d)
                for d, (la, lo) in enumerate(zip(lats, lons, strict=True))
                if math.isfinite(la) and math.isfinite(lo)
            )
        return self._by_lat

    def term_docs(self, reader, field: str, text: str) -> frozenset[int]:
        key = (field, text)
        docs = self.terms.get(key)
        if docs is None:
            if len(self.terms) > MAX_CACHED_SETS or self._held > MAX_CACHED_DOCS:
                self.terms.clear()
                self._held = 0
            docs = self.terms[key] = frozenset(_raw_postings(reader, field, text))
            self._held += len(docs)
        return docs

    def column(self, reader, name: str) -> array:
        values = self.columns.get(name)
        if values is None:
            if reader.has_column(name):
                values = array("d", reader.column_reader(name, translate=False))
            else:
                values = array("d", [math.nan]) * self.size
            self.columns[name] = values
        return values

    def facet(self, reader, field: str) -> dict[str, frozenset[int]]:
        sets = self.facets.get(field)
        if sets is None:
            sets = {}
            values: list[tuple[str, ...]] = [()] * self.size
            for term in reader.field_terms(field):
                docs = frozenset(_raw_postings(reader, field, term))
                sets[term] = docs
                for d in docs:
                    values[d] = (*values[d], term)
            self.facets[field] = sets
            self.values[field] = values
        return sets


def _raw_postings(reader, field: str, text: str) -> Iterable[int]:
    """Yield a segment's document numbers for a term, deleted documents included."""
    if (field, text) not in reader:
        return ()
    # SegmentReader.postings() filters out deleted documents; the cache must not, because
    # deletions change with every update while the segment itself never does.
    # (Whoosh-Reloaded 2.7.5 internals: pinned in pyproject.toml.)
    fieldobj = reader.schema[field]
    btext = fieldobj.to_bytes(text)
    return reader._terms.matcher(field, btext, fieldobj.format).all_ids()


class View:
    """One searcher over one generation, with everything derived from it cached."""

    def __init__(self, searcher, generation: str, segment_caches: dict[str, SegmentCache]):
        self.searcher = searcher
        self.generation = generation
        reader = searcher.reader()
        self.token = (generation, reader.generation())
        self.leaves = []
        leaves = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
        for leaf, offset in leaves:
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            if segment is None:  # an empty index has no segments
                continue
            segid = segment.segment_id()
            cache = segment_caches.get(segid)
            if cache is None:
                cache = segment_caches[segid] = SegmentCache(leaf)
            deleted = leaf.deleted_docs_set if leaf.has_deletions() else frozenset()
            self.leaves.append((leaf, offset, cache, deleted))
        self.size = sum(cache.size for _l, _o, cache, _d in self.leaves)
        self.segment_ids = {leaf.segment().segment_id() for leaf, *_rest in self.leaves}
        self._sets: dict = {}
        self._columns: dict[str, array] = {}
        self._values: dict[str, list] = {}
        self._live: frozenset[int] | None = None

    def close(self) -> None:
        self.searcher.close()

    # Document sets (global document numbers, deleted documents removed)

    def _combine(self, pieces) -> frozenset[int]:
        out = []
        for (_leaf, offset, _cache, deleted), docs in pieces:
            # Most sets hold none of the few deleted documents: keep the cached object.
            if deleted and not deleted.isdisjoint(docs):
                docs = docs - deleted
            if offset:
                docs = {d + offset for d in docs}
            out.append(docs)
        if len(out) == 1 and isinstance(out[0], frozenset):
            return out[0]
        return frozenset().union(*out)

    def live(self) -> frozenset[int]:
        if self._live is None:
            self._live = self._combine((leaf, leaf[2].all_docs()) for leaf in self.leaves)
        return self._live

    def term_docs(self, field: str, text: str) -> frozenset[int]:
        key = ("t", field, text)
        docs = self._sets.get(key)
        if docs is None:
            if len(self._sets) > MAX_CACHED_SETS:
                self._sets.clear()
            docs = self._sets[key] = self._combine(
                (leaf, leaf[2].term_docs(leaf[0], field, text)) for leaf in self.leaves
            )
        return docs

    def docs(self, query: wq.Query) -> frozenset[int]:
        """Return the live documents matching a query built by index.query.build_query."""
        if isinstance(query, wq.Every):
            return self.live()
        if isinstance(query, DocSet):
            return query.docs
        if isinstance(query, wq.Term):
            return self.term_docs(query.fieldname, query.text)
        if isinstance(query, wq.Or):
            if any(isinstance(q, wq.Every) for q in query.subqueries):
                return self.live()  # a general word: every clinic matches it
            return frozenset().union(*(self.docs(q) for q in query.subqueries))
        if isinstance(query, wq.And):
            subs = sorted((self.docs(q) for q in query.subqueries), key=len)
            out = subs[0]
            for docs in subs[1:]:
                if not out:
                    break
                out = out & docs
            return out
        return frozenset(query.docs(self.searcher))  # pragma: no cover - not built by us

    def cached(self, key, compute):
        """Return a per-searcher cached value (a filter's set, say), computing it once."""
        value = self._sets.get(key)
        if value is None:
            if len(self._sets) > MAX_CACHED_SETS:
                self._sets.clear()
            value = self._sets[key] = compute()
        return value

    # Per-document values

    def column(self, name: str) -> array:
        values = self._columns.get(name)
        if values is None:
            values = array("d")
            for leaf, _offset, cache, _deleted in self.leaves:
                values.extend(cache.column(leaf, name))
            self._columns[name] = values
        return values

    def trust(self) -> array:
        """Return each live document's trust (0 to 1), by global document number."""
        values = self._columns.get("_trust")
        if values is None:
            values = array("d")
            for leaf, _offset, cache, _deleted in self.leaves:
                values.extend(cache.trust(leaf))
            self._columns["_trust"] = values
        return values

    def facet_sets(self, facet: str) -> dict[str, frozenset[int]]:
        """Return value -> live documents for an API facet (country, city, ...)."""
        field = FACET_SOURCES[facet]

        def compute():
            per_value: dict[str, list] = {}
            for leaf in self.leaves:
                for value, docs in leaf[2].facet(leaf[0], field).items():
                    per_value.setdefault(value, []).append((leaf, docs))
            out = {}
            for value, pieces in per_value.items():
                docs = self._combine(pieces)
                if docs:
                    out[value] = docs
            return out

        return self.cached(("facet", facet), compute)

    def facet_values(self, facet: str) -> list[tuple[str, ...]]:
        """Return each document's values for an API facet, by document number."""
        field = FACET_SOURCES[facet]
        values = self._values.get(field)
        if values is None:
            values = []
            for leaf, _offset, cache, _deleted in self.leaves:
                cache.facet(leaf, field)
                values.extend(cache.values[field])
            self._values[field] = values
        return values

    def count(self, facet: str, docs: frozenset[int]) -> Counter:
        """Count each value of a facet over docs."""
        sets = self.facet_sets(facet)
        counts: Counter = Counter()
        if len(docs) * 2 < len(sets) * 64 or len(docs) < 2000:
            values = self.facet_values(facet)
            for d in docs:
                counts.update(values[d])
        else:
            for value, members in sets.items():
                n = (
                    len(members.intersection(docs))
                    if len(members) < len(docs)
                    else len(docs.intersection(members))
                )
                if n:
                    counts[value] = n
        return counts

    # Geography and score

    def within(self, lat: float, lon: float, radius_km: float) -> dict[int, float]:
        """Return {document: distance in km} for live documents within radius_km."""
        dlat = radius_km / 111.0 + 1e-9
        coslat = max(math.cos(math.radians(min(89.9, abs(lat) + dlat))), 1e-6)
        dlon = radius_km / (111.0 * coslat)
        out = {}
        for leaf, offset, cache, deleted in self.leaves:
            by_lat = cache.by_lat(leaf)
            lons = cache.column(leaf, "lon")
            lo = bisect.bisect_left(by_lat, (lat - dlat, -1))
            hi = bisect.bisect_right(by_lat, (lat + dlat, cache.size + 1))
            for la, d in by_lat[lo:hi]:
                if d in deleted:
                    continue
                delta = abs(lons[d] - lon)
                if delta > 180:
                    delta = 360 - delta
                if delta <= dlon or dlon >= 180:
                    dist = haversine_km(lat, lon, la, lons[d])
                    if dist <= radius_km:
                        out[d + offset] = dist
        return out

    def by_score(self):
        """Yield live documents, best vetting score first (no score last), then by number."""

        def stream(leaf, offset, cache, deleted):
            return ((key, d + offset) for key, d in cache.by_score(leaf) if d not in deleted)

        for _key, d in heapq.merge(*(stream(*leaf) for leaf in self.leaves)):
            yield d

    def top_by_score(self, docs: frozenset[int], k: int) -> list[int]:
        """Return the k documents of docs with the best vetting score (then lowest number)."""
        if len(docs) * 20 < self.size:
            scores = self.column("score")
            return heapq.nsmallest(
                k, docs, key=lambda d: (-scores[d] if math.isfinite(scores[d]) else math.inf, d)
            )
        out = []
        for d in self.by_score():
            if d in docs:
                out.append(d)
                if len(out) >= k:
                    break
        return out

    def top_by_trust(self, docs: frozenset[int], k: int) -> list[int]:
        """Return the k most trusted documents of docs (then the lowest number)."""
        if len(docs) * 20 < self.size:
            trust = self.trust()
            return heapq.nsmallest(k, docs, key=lambda d: (-trust[d], d))

        def stream(leaf, offset, cache, deleted):
            return ((key, d + offset) for key, d in cache.by_trust(leaf) if d not in deleted)

        out = []
        for _key, d in heapq.merge(*(stream(*leaf) for leaf in self.leaves)):
            if d in docs:
                out.append(d)
                if len(out) >= k:
                    break
        return out

    # Spelling

    def knows(self, word: str) -> bool:
        """Return whether a folded word occurs in a name or place, or (stemmed) a description."""
        stemmed = stem(word)
        return any(
            (SPELL_FIELD, word) in leaf or ("description", stemmed) in leaf
            for leaf, *_rest in self.leaves
        )

    def frequency(self, word: str) -> int:
        """Return how many clinics hold a folded word in a name or place (or its stem in a
        description)."""
        stemmed = stem(word)
        return sum(
            leaf.doc_frequency(SPELL_FIELD, word) + leaf.doc_frequency("description", stemmed)
            for leaf, *_rest in self.leaves
        )

    def words_within(self, word: str, maxdist: int) -> dict[str, int]:
        """Return {indexed word: document frequency} within maxdist edits of word.

        Names and places give whole words; descriptions give stems (their words are indexed
        stemmed only), matched against the stem of word.
        """
        out: dict[str, int] = {}
        for field, typed in ((SPELL_FIELD, word), ("description", stem(word))):
            for leaf, *_rest in self.leaves:
                for found in leaf.terms_within(field, typed, maxdist, prefix=1):
                    out[found] = out.get(found, 0) + leaf.doc_frequency(field, found)
        return out
