"""A searcher with its caches: document sets per term and per clause, per-document values.

Document sets are compressed bitmaps (pyroaring): an intersection or a count of two sets of
100,000 clinics takes microseconds, where Python sets took about a millisecond. Sets are
read or computed once per segment (Whoosh segments never change once written; only their
deletions do) and kept with the segment, so a commit that adds one small segment leaves the
big segment's sets in place; each searcher combines them, applying its deletions, and keeps
the combination until the index changes.
"""

from __future__ import annotations

import bisect
import heapq
import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import NamedTuple

from pyroaring import FrozenBitMap
from whoosh import query as wq

from index.geo import haversine_km
from index.query import TRUST, DocSet
from index.schema import FACET_SOURCES, FLAG_TRUE, SPELL_FIELD
from index.text import stem

EMPTY = FrozenBitMap()
MAX_CACHED_SETS = 4096  # per segment and per searcher; cleared when full
MAX_CACHED_BYTES = 64 * 2**20  # a segment's term sets (bitmaps: at most 1 bit per document)
MAX_DERIVED = 512  # sets and lists a segment keeps for places, radii, scores and spelling
MAX_CIRCLE_DOCUMENTS = 1_000_000  # held in a segment's circles, ~16 bytes each; cleared when full
# A facet is counted document by document below this many documents, or below this many per
# value (one intersection costs about as much as reading 32 documents' values); above, it is
# counted by intersection cardinalities.
COUNT_BY_DOCUMENT = 2000
DOCUMENTS_PER_INTERSECTION = 32

Docs = FrozenBitMap


def _bytes(docs: FrozenBitMap, size: int) -> int:
    # Roaring keeps a sparse set as 2 bytes per member, a dense one as 1 bit per document.
    return min(2 * len(docs), size // 8 + 1) + 64


class Circle(NamedTuple):
    """A segment's documents within a radius: their set, and each one's distance in km.

    A bitmap and two arrays, ~16 bytes a document where a {document: km} dict took ~100:
    every position a search is asked near is kept with the segment.
    """

    docs: FrozenBitMap
    found: array  # the documents in the order they were measured (by latitude)
    km: array  # their distances, in that order

    def items(self) -> Iterator[tuple[int, float]]:
        """Yield (document, distance in km), in the order they were measured."""
        return zip(self.found, self.km, strict=True)


class SegmentCache:
    """What is read or computed once from one segment, deleted documents included."""

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self.terms: dict[tuple[str, str], FrozenBitMap] = {}
        self.columns: dict[str, array] = {}
        self.facets: dict[str, dict[str, FrozenBitMap]] = {}
        self.values: dict[str, list[tuple[str, ...]]] = {}
        self.derived: dict = {}
        self.circles: dict[tuple[float, float, float], Circle] = {}
        self._in_circles = 0  # documents held by self.circles
        self._all: FrozenBitMap | None = None
        self._held = 0  # bytes held by self.terms
        self._by_score: array | None = None
        self._by_trust: array | None = None
        self._trust: array | None = None
        self._lat_order: tuple[array, array] | None = None

    def all_docs(self) -> FrozenBitMap:
        if self._all is None:
            self._all = FrozenBitMap(range(self.size))
        return self._all

    def by_score(self, reader) -> array:
        """Return the documents best vetting score first (no score last), then by number."""
        if self._by_score is None:
            scores = self.column(reader, "score")
            self._by_score = array(
                "l",
                sorted(
                    range(self.size),
                    key=lambda d: (-scores[d] if math.isfinite(scores[d]) else math.inf, d),
                ),
            )
        return self._by_score

    def trust(self, reader) -> array:
        """Return each document's trust (index.query.TRUST): score and fresh core checks."""
        if self._trust is None:
            scores = self.column(reader, "score")
            core = self.term_docs(reader, "core_verified", FLAG_TRUE)
            self._trust = array(
                "d",
                (
                    TRUST["score"] * (s / 100 if math.isfinite(s) else 0.0)
                    + (TRUST["core_verified"] if d in core else 0.0)
                    for d, s in enumerate(scores)
                ),
            )
        return self._trust

    def by_trust(self, reader) -> array:
        """Return the documents most trusted first, then by number."""
        if self._by_trust is None:
            trust = self.trust(reader)
            self._by_trust = array("l", sorted(range(self.size), key=lambda d: (-trust[d], d)))
        return self._by_trust

    def lat_order(self, reader) -> tuple[array, array]:
        """Return (latitudes ascending, their documents) for documents with a location."""
        if self._lat_order is None:
            lats, lons = self.column(reader, "lat"), self.column(reader, "lon")
            pairs = sorted(
                (la, d)
                for d, (la, lo) in enumerate(zip(lats, lons, strict=True))
                if math.isfinite(la) and math.isfinite(lo)
            )
            self._lat_order = (array("d", (p[0] for p in pairs)), array("l", (p[1] for p in pairs)))
        return self._lat_order

    def term_docs(self, reader, field: str, text: str) -> FrozenBitMap:
        key = (field, text)
        docs = self.terms.get(key)
        if docs is None:
            if len(self.terms) > MAX_CACHED_SETS or self._held > MAX_CACHED_BYTES:
                self.terms.clear()
                self._held = 0
            docs = self.terms[key] = FrozenBitMap(_raw_postings(reader, field, text))
            self._held += _bytes(docs, self.size)
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

    def facet(self, reader, field: str) -> dict[str, FrozenBitMap]:
        sets = self.facets.get(field)
        if sets is None:
            sets = {}
            values: list[tuple[str, ...]] = [()] * self.size
            # Clinics share few combinations of values (at 100k, ~800 of treatments, 11 of
            # countries): one tuple each, not one per clinic, saves ~20 MB at 100k.
            combinations: dict[tuple[str, ...], tuple[str, ...]] = {}
            for term in reader.field_terms(field):
                docs = FrozenBitMap(_raw_postings(reader, field, term))
                sets[term] = docs
                for d in docs:
                    more = (*values[d], term)
                    values[d] = combinations.setdefault(more, more)
            self.facets[field] = sets
            self.values[field] = values
        return sets

    def remember(self, key, compute: Callable[[], object]):
        """Return what compute() gives for this segment, computing it once (a bounded cache)."""
        value = self.derived.get(key)
        if value is None:
            if len(self.derived) >= MAX_DERIVED:
                self.derived.clear()
            value = self.derived[key] = compute()
        return value

    def within(self, reader, lat: float, lon: float, radius_km: float) -> Circle:
        """Return the documents within radius_km of (lat, lon), with their distances."""
        key = (lat, lon, radius_km)
        circle = self.circles.get(key)
        if circle is None:
            # Bounded by documents, not circles: one reaching round the world (a nearest-first
            # search far from any clinic) holds every document of the segment.
            if self._in_circles > MAX_CIRCLE_DOCUMENTS:
                self.circles.clear()
                self._in_circles = 0
            circle = self.circles[key] = self._within(reader, lat, lon, radius_km)
            self._in_circles += len(circle.docs)
        return circle

    def _within(self, reader, lat: float, lon: float, radius_km: float) -> Circle:
        dlat = radius_km / 111.0 + 1e-9
        coslat = max(math.cos(math.radians(min(89.9, abs(lat) + dlat))), 1e-6)
        dlon = radius_km / (111.0 * coslat)
        lats, docs = self.lat_order(reader)
        lons = self.column(reader, "lon")
        lo = bisect.bisect_left(lats, lat - dlat)
        hi = bisect.bisect_right(lats, lat + dlat)
        found, km = array("I"), array("d")
        for i in range(lo, hi):
            d = docs[i]
            delta = abs(lons[d] - lon)
            if delta > 180:
                delta = 360 - delta
            if delta <= dlon or dlon >= 180:
                dist = haversine_km(lat, lon, lats[i], lons[d])
                if dist <= radius_km:
                    found.append(d)
                    km.append(dist)
        return Circle(FrozenBitMap(found), found, km)


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
            deleted = FrozenBitMap(leaf.deleted_docs_set) if leaf.has_deletions() else EMPTY
            self.leaves.append((leaf, offset, cache, deleted))
        self.size = sum(cache.size for _l, _o, cache, _d in self.leaves)
        self.segment_ids = {leaf.segment().segment_id() for leaf, *_rest in self.leaves}
        self._sets: dict = {}
        self._columns: dict[str, array] = {}
        self._values: dict[str, list] = {}
        self._live: FrozenBitMap | None = None

    def close(self) -> None:
        self.searcher.close()

    # Document sets (global document numbers, deleted documents removed)

    def _combine(self, pieces) -> FrozenBitMap:
        out = []
        for (_leaf, offset, _cache, deleted), docs in pieces:
            # Most sets hold none of the few deleted documents: keep the cached object.
            if deleted and docs.intersect(deleted):
                docs = docs - deleted
            if offset and docs:
                docs = docs.shift(offset)
            out.append(docs)
        if len(out) == 1:
            return out[0]
        return FrozenBitMap.union(*out) if out else EMPTY

    def per_segment(self, key, compute: Callable[[object, SegmentCache], FrozenBitMap]):
        """Return the live documents of a set computed per segment, kept with the segment.

        compute(segment reader, segment cache) returns segment-local document numbers; a
        commit recomputes it only for the segments it added.
        """

        def combine():
            return self._combine(
                (leaf, leaf[2].remember(("set", key), lambda leaf=leaf: compute(leaf[0], leaf[2])))
                for leaf in self.leaves
            )

        return self.cached(("segments", key), combine)

    def live(self) -> FrozenBitMap:
        if self._live is None:
            self._live = self._combine((leaf, leaf[2].all_docs()) for leaf in self.leaves)
        return self._live

    def term_docs(self, field: str, text: str) -> FrozenBitMap:
        key = ("t", field, text)
        docs = self._sets.get(key)
        if docs is None:
            if len(self._sets) > MAX_CACHED_SETS:
                self._sets.clear()
            docs = self._sets[key] = self._combine(
                (leaf, leaf[2].term_docs(leaf[0], field, text)) for leaf in self.leaves
            )
        return docs

    def docs(self, query: wq.Query) -> FrozenBitMap:
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
            return FrozenBitMap.union(EMPTY, *(self.docs(q) for q in query.subqueries))
        if isinstance(query, wq.And):
            subs = sorted((self.docs(q) for q in query.subqueries), key=len)
            out = subs[0]
            for docs in subs[1:]:
                if not out:
                    break
                out = out & docs
            return out
        return FrozenBitMap(query.docs(self.searcher))  # pragma: no cover - not built by us

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

    def facet_sets(self, facet: str) -> dict[str, FrozenBitMap]:
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

    def count(self, facet: str, docs: FrozenBitMap) -> Counter:
        """Count each value of a facet over docs."""
        sets = self.facet_sets(facet)
        counts: Counter = Counter()
        if len(docs) < max(COUNT_BY_DOCUMENT, len(sets) * DOCUMENTS_PER_INTERSECTION):
            values = self.facet_values(facet)
            # One update over every value (counted in C), in the same order as doc by doc.
            counts.update(chain.from_iterable(values[d] for d in docs))
        else:
            for value, members in sets.items():
                n = members.intersection_cardinality(docs)
                if n:
                    counts[value] = n
        return counts

    # Geography and score

    def within(self, lat: float, lon: float, radius_km: float) -> Iterator[tuple[int, float]]:
        """Yield (document, distance in km) for live documents within radius_km."""
        for leaf, offset, cache, deleted in self.leaves:
            for d, dist in cache.within(leaf, lat, lon, radius_km).items():
                if d not in deleted:
                    yield d + offset, dist

    def within_docs(self, lat: float, lon: float, radius_km: float) -> FrozenBitMap:
        """Return the live documents within radius_km of (lat, lon)."""
        return self.per_segment(
            ("within", lat, lon, radius_km),
            lambda reader, cache: cache.within(reader, lat, lon, radius_km).docs,
        )

    def _ordered(self, order: Callable[[object, SegmentCache], array]) -> Iterator[int]:
        """Yield live documents in a per-segment order merged across segments."""
        if len(self.leaves) == 1:
            leaf, offset, cache, deleted = self.leaves[0]
            for d in order(leaf, cache):
                if d not in deleted:
                    yield d + offset
            return
        trust, scores = self.trust(), self.column("score")

        def stream(leaf, offset, cache, deleted):
            for d in order(leaf, cache):
                if d not in deleted:
                    yield d + offset

        key = _trust_key(trust) if order is _trust_order else _score_key(scores)
        yield from heapq.merge(*(stream(*leaf) for leaf in self.leaves), key=key)

    def by_score(self) -> Iterator[int]:
        """Yield live documents, best vetting score first (no score last), then by number."""
        return self._ordered(_score_order)

    def top_by_score(self, docs: FrozenBitMap, k: int) -> list[int]:
        """Return the k documents of docs with the best vetting score (then lowest number)."""
        if len(docs) * 20 < self.size:
            return heapq.nsmallest(k, docs, key=_score_key(self.column("score")))
        return _first_in(self.by_score(), docs, k)

    def top_by_trust(self, docs: FrozenBitMap, k: int) -> list[int]:
        """Return the k most trusted documents of docs (then the lowest number)."""
        if len(docs) * 20 < self.size:
            return heapq.nsmallest(k, docs, key=_trust_key(self.trust()))
        return _first_in(self._ordered(_trust_order), docs, k)

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
        stemmed only), matched against the stem of word. Each segment's answer is kept with
        the segment (walking a term dictionary for near words is slow).
        """
        out: dict[str, int] = {}
        for field, typed in ((SPELL_FIELD, word), ("description", stem(word))):
            for leaf, _offset, cache, _deleted in self.leaves:
                found = cache.remember(
                    ("near words", field, typed, maxdist),
                    lambda leaf=leaf, field=field, typed=typed: [
                        (w, leaf.doc_frequency(field, w))
                        for w in leaf.terms_within(field, typed, maxdist, prefix=1)
                    ],
                )
                for w, n in found:
                    out[w] = out.get(w, 0) + n
        return out


def _score_order(leaf, cache: SegmentCache) -> array:
    return cache.by_score(leaf)


def _trust_order(leaf, cache: SegmentCache) -> array:
    return cache.by_trust(leaf)


def _score_key(scores: array) -> Callable[[int], tuple]:
    return lambda d: (-scores[d] if math.isfinite(scores[d]) else math.inf, d)


def _trust_key(trust: array) -> Callable[[int], tuple]:
    return lambda d: (-trust[d], d)


def _first_in(ordered: Iterable[int], docs: FrozenBitMap, k: int) -> list[int]:
    out = []
    for d in ordered:
        if d in docs:
            out.append(d)
            if len(out) >= k:
                break
    return out
