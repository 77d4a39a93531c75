"""Relevance order ("Best match") without asking Whoosh to score every match.

A document's tier is the sum, over the query's clauses, of the boost of the best field it
matched in (index/query.py BOOSTS): so a name match outranks a treatment match, which
outranks a city match, which outranks a description match. Tiers come from the cached
document sets (set algebra, no per-document Python for one-clause queries). Within a tier
of at most BM25_TIER documents Whoosh's BM25F adds up to BM25_SHARE (term frequency, field
length); larger tiers, where BM25F differences are slight, add nothing. Text relevance is
then blended with trust (index/query.py TRUST): relevance + points x trust, so of two
equally relevant clinics the one with more verified, fresher checks comes first. Ties go to
trust, then the lower document number.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyroaring import BitMap
from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from index.query import BM25_SHARE, TRUST, DocSet
from index.view import EMPTY, Docs, View

BM25_TIER = 300  # tiers up to this size are ordered by Whoosh's BM25F


class OnlyDocs(wq.Query):
    """Match exactly these (global) document numbers: lets Whoosh score a small set."""

    def __init__(self, docs, top_searcher):
        self.docs = sorted(docs)
        self.top = top_searcher

    def __eq__(self, other):
        return isinstance(other, OnlyDocs) and other.docs == self.docs

    def __hash__(self):
        return hash(tuple(self.docs))

    def is_leaf(self):
        return True

    def estimate_size(self, ixreader):
        return len(self.docs)

    def matcher(self, searcher, context=None):
        offset = 0 if searcher is self.top else self.top._offset_for_subsearcher(searcher)
        size = searcher.reader().doc_count_all()
        local = [d - offset for d in self.docs if offset <= d < offset + size]
        return ListMatcher(local, all_weights=0.0) if local else NullMatcher()


def _alternatives(clause: wq.Query) -> list[wq.Query]:
    return list(clause.subqueries) if isinstance(clause, wq.Or) else [clause]


def _bind(query: wq.Query, searcher) -> None:
    """Tell each DocSet inside query which searcher its global document numbers belong to."""
    if isinstance(query, DocSet):
        query.top = searcher
    for sub in getattr(query, "subqueries", ()):
        _bind(sub, searcher)


def _scored(alternative: wq.Query) -> bool:
    # Every() gives general words their zero level; a DocSet has no terms to weigh.
    return not isinstance(alternative, wq.Every | DocSet)


def tiers(view: View, query: wq.Query, docs: Docs) -> Iterator[tuple[float, Docs]]:
    """Yield (tier score, documents) best first, covering docs exactly (no empty tier)."""
    clauses = list(query.subqueries) if isinstance(query, wq.And) else [query]
    base = 0.0
    levels_per_clause = []
    for clause in clauses:
        by_level: dict[float, list] = {}
        for alt in _alternatives(clause):
            by_level.setdefault(float(alt.boost), []).append(view.docs(alt))
        levels = sorted(by_level, reverse=True)
        base += levels[-1]  # every matching document reaches at least the lowest level
        cumulative, steps = EMPTY, []
        for higher, lower in zip(levels, levels[1:], strict=False):
            cumulative = Docs.union(cumulative, *by_level[higher])
            steps.append((higher - lower, cumulative & docs))
        levels_per_clause.append(steps)
    if len(clauses) == 1:
        seen, score = EMPTY, base + sum(s for s, _d in levels_per_clause[0])
        for step, upper in levels_per_clause[0]:
            tier = upper - seen
            if tier:
                yield score, tier
            seen = upper
            score -= step
        rest = docs - seen
        if rest:
            yield base, rest
        return
    # Several clauses: each document's bonus over the lowest levels, in whole numbers of the
    # smallest boost step, summed as binary digits held in bitmaps (bitmap[i] holds the
    # documents whose bonus has bit i set), so no document is counted in Python.
    unit = min((s for steps in levels_per_clause for s, _d in steps), default=1.0)
    digits: list[BitMap] = []
    for steps in levels_per_clause:
        for step, upper in steps:
            _add(digits, upper, max(1, round(step / unit)))
    for n in range((1 << len(digits)) - 1, 0, -1):
        tier = BitMap(docs)
        for i, digit in enumerate(digits):
            if n >> i & 1:
                tier &= digit
            else:
                tier -= digit
            if not tier:
                break
        if tier:
            yield base + n * unit, Docs(tier)
    rest = docs - Docs.union(EMPTY, *digits)
    if rest:
        yield base, rest


def _add(digits: list[BitMap], docs: Docs, times: int) -> None:
    """Add times (a whole number) to the bonus of each of docs, carrying between digits."""
    for position in range(times.bit_length()):
        if not times >> position & 1:
            continue
        carry, i = BitMap(docs), position
        while carry:
            while len(digits) <= i:
                digits.append(BitMap())
            carry, digits[i] = digits[i] & carry, digits[i] ^ carry
            i += 1


def by_relevance(view: View, query: wq.Query, docs: Docs, end: int):
    """Return [(docnum, relevance)] for the first `end` documents of docs, best first."""
    trust = view.trust()
    lift = TRUST["points"]
    clauses = list(query.subqueries) if isinstance(query, wq.And) else [query]
    alternatives = [a for clause in clauses for a in _alternatives(clause) if _scored(a)]
    for alternative in alternatives:
        _bind(alternative, view.searcher)
    scored: list[tuple[float, float, int]] = []  # (-blended, -trust, doc)
    for tier_score, tier in tiers(view, query, docs):
        if len(scored) >= end:
            # A later tier can still overtake when trust lifts it past the current last.
            best_possible = tier_score + BM25_SHARE + lift
            scored.sort()
            del scored[end:]
            if -scored[-1][0] >= best_possible:
                break
        if len(tier) <= BM25_TIER:
            # Score only with the alternatives these documents matched: each one left out
            # saves Whoosh a skip through its postings for every document of the tier.
            matched = [a for a in alternatives if not view.docs(a).isdisjoint(tier)]
            bm25: dict[int, float] = {}
            if matched:
                only = wq.And([OnlyDocs(tier, view.searcher), wq.Or(matched)])
                results = view.searcher.search(only, limit=None, terms=False)
                bm25 = {hit.docnum: hit.score for hit in results}
            top = max(bm25.values(), default=0.0) or 1.0
            members = tier
        else:
            bm25, top = {}, 1.0
            members = view.top_by_trust(tier, end)
        for d in members:
            relevance = tier_score + BM25_SHARE * bm25.get(d, 0.0) / top
            scored.append((-(relevance + lift * trust[d]), -trust[d], d))
    scored.sort()
    return [(d, -blended) for blended, _t, d in scored[:end]]
