"""Run a SearchRequest on a View: match, filter, facet, sort, page, snippet.

Facets follow the usual multi-select rule: each facet's counts respect the query and every
filter except its own, so a patient who picked one city still sees how many clinics the
other cities have. Totals are exact (they come from the cached document sets).
"""

from __future__ import annotations

import dataclasses
import heapq
import math
from collections.abc import Iterable

from whoosh import query as wq

from index import ranking, snippets, text, understanding
from index.geo import haversine_km
from index.places import Gazetteer
from index.query import (
    MAX_QUERY_CHARS,
    Concept,
    PlaceName,
    QueryPlan,
    clause_query,
    highlight_terms,
    name_words,
    plan_query,
)
from index.schema import FILTER_FIELDS, FLAG, FLAG_TRUE, city_facet_value
from index.types import (
    FACET_FIELDS,
    SORTS,
    Hit,
    Interpretation,
    SearchRequest,
    SearchResponse,
)
from index.view import EMPTY, Docs, View
from index.vocab import Vocab

MAX_PER_PAGE = 100
MAX_RESULTS = 10_000  # deepest result a page may reach
MAX_FILTER_VALUES = 50
FACET_LIMIT = 50  # values per facet, most frequent first (selected values always shown)
MAX_RADIUS_KM = 20_038.0  # half the Earth's circumference
MAX_PLACE_CHARS = 100
NEAREST_DIRECT = 20_000  # up to this many documents, sort by distance without circles
CIRCLES_KM = (5.0, 20.0, 80.0, 320.0, 1280.0, MAX_RADIUS_KM)  # widened until a page is inside


def _strings(values, limit: int = MAX_FILTER_VALUES) -> tuple[str, ...]:
    if isinstance(values, str):
        values = (values,)
    out = []
    for value in values or ():
        value = text.clean_query(str(value), MAX_QUERY_CHARS).strip()
        if value and value not in out:
            out.append(value)
    return tuple(out[:limit])


def _finite(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def normalise(request: SearchRequest) -> SearchRequest:
    """Return the request with every value bounded: nothing here can make search fail."""
    near = None
    if request.near is not None:
        try:
            lat, lon = (_finite(v) for v in request.near)
        except (TypeError, ValueError):
            lat = lon = None
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
            near = (lat, lon)
    radius = _finite(request.radius_km)
    radius = min(radius, MAX_RADIUS_KM) if radius is not None and radius >= 0 else None
    try:
        per_page = max(1, min(MAX_PER_PAGE, int(request.per_page)))
        page = max(1, min(int(request.page), MAX_RESULTS // per_page + 1))
    except (TypeError, ValueError, OverflowError):
        per_page, page = 20, 1
    near_place = request.near_place if isinstance(request.near_place, str) else None
    near_place = " ".join(text.clean_query(near_place or "", MAX_PLACE_CHARS).split()) or None
    if near is not None:
        near_place = None
    sort = request.sort if request.sort in SORTS else "relevance"
    if sort == "distance" and near is None and near_place is None:
        sort = "relevance"
    return SearchRequest(
        q=text.clean_query(request.q if isinstance(request.q, str) else "", MAX_QUERY_CHARS),
        country=tuple(v.upper() for v in _strings(request.country)),
        city=_strings(request.city),
        treatment=_strings(request.treatment),
        language=tuple(v.lower() for v in _strings(request.language)),
        near=near,
        radius_km=radius if near is not None or near_place is not None else None,
        sort=sort,
        page=page,
        per_page=per_page,
        min_score=_finite(request.min_score),
        core_verified=bool(request.core_verified),
        verified=_strings(request.verified),
        with_experiences=bool(request.with_experiences),
        facets=bool(request.facets),
        near_place=near_place,
        places=bool(request.places),
        mapping=bool(request.mapping),
    )


def _filter_sets(view: View, request: SearchRequest) -> dict[str, Docs]:
    """Return each active filter's documents, keyed by SearchRequest attribute."""
    out: dict[str, Docs] = {}
    for field in FILTER_FIELDS:
        wanted = getattr(request, field.request)
        if not wanted:
            continue
        if field.kind == FLAG:
            out[field.request] = view.term_docs(field.name, FLAG_TRUE)
            continue
        if field.request == "city":
            parts = [
                view.cached(("city", value), lambda v=value: _city_docs(view, v))
                for value in wanted
            ]
        else:
            parts = [view.term_docs(field.name, v) for v in wanted]
        if field.match == "all":
            docs = parts[0]
            for more in parts[1:]:
                docs = docs & more
        else:
            docs = Docs.union(EMPTY, *parts)
        out[field.request] = docs
    if request.min_score is not None:
        minimum = request.min_score
        out["min_score"] = view.per_segment(
            ("min_score", minimum),
            lambda reader, cache: Docs(
                d for d, s in enumerate(cache.column(reader, "score")) if s >= minimum
            ),
        )
    return out


def _city_docs(view: View, city: str) -> Docs:
    """Return the clinics in a city, however its name is written (folded)."""
    folded = city_facet_value(city).split("\t")[0]
    sets = view.facet_sets("city")
    return Docs.union(EMPTY, *(d for value, d in sets.items() if value.split("\t")[0] == folded))


def _intersect(base: Docs, sets: Iterable[Docs]) -> Docs:
    for docs in sorted(sets, key=len):
        if not base:
            break
        base = base & docs if len(base) > len(docs) else docs & base
    return base


def _facets(view: View, base: Docs, filters: dict, request: SearchRequest):
    out: dict[str, dict[str, int]] = {}
    for facet in FACET_FIELDS:
        others = [docs for attr, docs in filters.items() if attr != facet]
        counts = view.count(facet, _intersect(base, others))
        selected = set(getattr(request, facet, ()))
        if facet == "city":
            counts, selected = _merge_city_variants(counts, selected)
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:FACET_LIMIT]
        shown = dict(top)
        for value in selected:
            shown.setdefault(value, counts.get(value, 0))
        out[facet] = shown
    return out


def _merge_city_variants(counts, selected):
    # city_facet terms are "folded\tAs written": count by folded city, show its commonest form.
    totals: dict[str, int] = {}
    best: dict[str, tuple[int, str]] = {}
    for term, n in counts.items():
        folded, _tab, display = term.partition("\t")
        totals[folded] = totals.get(folded, 0) + n
        if n > best.get(folded, (0, ""))[0]:
            best[folded] = (n, display)
    merged = {best[f][1]: n for f, n in totals.items()}
    shown = set()
    for value in selected:
        folded = city_facet_value(value).split("\t")[0]
        shown.add(best[folded][1] if folded in best else value)
    return merged, shown


def _ranked(view: View, query, plan, docs: Docs, request: SearchRequest):
    """Return [(docnum, relevance)] for the first page*per_page results, in order."""
    end = request.page * request.per_page
    if request.sort == "relevance" and not plan.match_all:
        return ranking.by_relevance(view, query, docs, end)
    if request.sort == "distance":
        return [(d, 0.0) for d in _nearest(view, docs, request.near, end, request.radius_km)]
    if request.sort == "experiences":
        return [(d, 0.0) for d in _most_experiences(view, docs, end)]
    # By vetting score (also the order of an empty query).
    return [(d, 0.0) for d in view.top_by_score(docs, end)]


def _most_experiences(view: View, docs: frozenset[int], end: int) -> list[int]:
    """Return the first `end` documents by verified patient experiences, then by score."""
    counts, scores = view.column("experiences"), view.column("score")

    def key(d: int):
        count = counts[d] if math.isfinite(counts[d]) else 0.0
        return (-count, -scores[d] if math.isfinite(scores[d]) else math.inf, d)

    return heapq.nsmallest(end, docs, key=key)


def _nearest(view: View, docs, near, end: int, radius_km: float | None = None):
    lat, lon = near
    if radius_km is None and len(docs) <= NEAREST_DIRECT:
        # Few enough to measure each one: cheaper than circles reaching round the world.
        lats, lons = view.column("lat"), view.column("lon")

        def distance(d):
            if not math.isfinite(lats[d]):
                return (math.inf, d)  # documents with no location come last
            return (haversine_km(lat, lon, lats[d], lons[d]), d)

        return heapq.nsmallest(end, docs, key=distance)
    # Within the radius asked (a filter: every document of docs is inside it), or else in a
    # circle widened until it holds a page of results; then sort only those.
    for radius in CIRCLES_KM if radius_km is None else (radius_km,):
        inside = [(km, d) for d, km in view.within(lat, lon, radius) if d in docs]
        if len(inside) >= end or radius in (radius_km, MAX_RADIUS_KM):
            ordered = [d for _km, d in heapq.nsmallest(end, inside)]
            if len(ordered) < end:  # documents with no location come last
                placed = {d for _km, d in inside}
                missing = sorted(d for d in docs if d not in placed)
                ordered.extend(missing[: end - len(ordered)])
            return ordered
    return []  # pragma: no cover


def _place_filter(view, gazetteer, request, read: Interpretation):
    """Resolve near_place: a city gives coordinates, a country a filter; else a note."""
    if request.near_place is None:
        return request, None
    place = understanding.resolve_near(view, gazetteer, request.near_place) if gazetteer else None
    if place is None:
        read.unknown_place = request.near_place
        sort = "relevance" if request.sort == "distance" else request.sort
        return dataclasses.replace(request, near_place=None, radius_km=None, sort=sort), None
    read.places.append(understanding.place_read(place, request.near_place, "near"))
    if place.kind == "city":
        return dataclasses.replace(request, near=(place.lat, place.lon)), None
    sort = "relevance" if request.sort == "distance" else request.sort
    request = dataclasses.replace(request, radius_km=None, sort=sort)
    return request, understanding.place_docs(view, place)


def run(
    view: View, vocab: Vocab, request: SearchRequest, gazetteer: Gazetteer | None = None
) -> SearchResponse:
    """Answer one (already normalised) request from a view."""
    read = Interpretation()
    request, near_country = _place_filter(view, gazetteer, request, read)
    places = gazetteer if request.places else None
    fixes = understanding.corrections(view, vocab, places, request.q)
    plan = plan_query(request.q, vocab, fixes, places, mapping=request.mapping)
    filters = _filter_sets(view, request)
    if near_country is not None:
        filters["near_country"] = near_country
    if request.near is not None and request.radius_km is not None:
        filters["radius"] = view.within_docs(*request.near, request.radius_km)
    # A place name means a place holding clinics these filters allow (Chelsea, US or GB).
    allowed = _intersect(view.live(), list(filters.values())) if filters else None
    plan, place_sets, place_reads = understanding.resolve_places(view, places, plan, allowed)
    read.places[:0] = place_reads
    read.terms = understanding.terms_read(vocab, plan)
    words = name_words(plan)
    clause_queries = [clause_query(c, places=place_sets, other_words=words) for c in plan.clauses]
    # The facet filters are applied last, one by one, for multi-select facet counts.
    facet_filters = {k: v for k, v in filters.items() if k in FACET_FIELDS}
    other_filters = [v for k, v in filters.items() if k not in FACET_FIELDS]
    query = _all_of(clause_queries)
    matched = view.docs(query)
    base = _intersect(matched, other_filters)
    docs = _intersect(base, facet_filters.values())
    nearest = None
    if not docs and not plan.match_all:
        plan, query, base, docs, nearest = _relaxed(
            view, vocab, plan, clause_queries, filters, facet_filters, other_filters, read
        )
        query = query if query is not None else _all_of(clause_queries)
    response = SearchResponse(
        total=len(docs),
        hits=[],
        suggestion=plan.suggestion,
        page=request.page,
        per_page=request.per_page,
        interpretation=read,
    )
    if request.facets:
        response.facets = _facets(view, base, facet_filters, request)
    start = (request.page - 1) * request.per_page
    if nearest is not None and request.sort == "relevance":
        ranked = [(d, 0.0) for d in _nearest(view, docs, nearest, start + request.per_page, None)]
    else:
        ranked = _ranked(view, query, plan, docs, request)
    terms = highlight_terms(plan)
    wanted = {k for c in plan.clauses if isinstance(c, Concept) for k in c.treatments}
    lats, lons = view.column("lat"), view.column("lon")
    for rank, (docnum, relevance) in enumerate(ranked[start:], start=start + 1):
        stored = view.searcher.stored_fields(docnum)
        offered = [k for k in stored.get("treatments") or () if k in wanted]
        distance = None
        origin = request.near or nearest
        if origin is not None and math.isfinite(lats[docnum]):
            distance = haversine_km(*origin, lats[docnum], lons[docnum])
        response.hits.append(
            Hit(
                id=stored["id"],
                rank=rank,
                relevance=round(float(relevance), 6),
                snippet=snippets.snippet(stored, terms, offered, vocab.labels),
                distance_km=round(distance, 3) if distance is not None else None,
            )
        )
    return response


def _relaxed(view, vocab, plan, clause_queries, filters, facet_filters, other_filters, read):
    """Drop the fewest clauses that leave results; a city dropped orders by distance to it."""
    allowed = _intersect(view.live(), list(filters.values()))
    clause_docs = [view.docs(q) for q in clause_queries]
    dropped, docs = understanding.relax(plan, clause_docs, allowed)
    nearest = None
    cities = [
        plan.clauses[i]
        for i in dropped
        if isinstance(plan.clauses[i], PlaceName) and plan.clauses[i].places[0].kind == "city"
    ]
    kept = [c for i, c in enumerate(plan.clauses) if i not in dropped]
    if cities and not docs and not any(not _optional(c) for c in kept):
        docs = allowed  # only a place no clinic is in: every clinic, nearest first
    if not docs:
        read.suggestions = understanding.close_words(vocab, plan)
        read.without = understanding.dropped_read(
            plan, [i for i, c in enumerate(plan.clauses) if not _optional(c)]
        )
        return plan, None, EMPTY, EMPTY, None
    read.dropped = understanding.dropped_read(plan, dropped)
    if cities:
        place = cities[0].places[0]
        read.nearest = place.name
        nearest = (place.lat, place.lon)
    relaxed = QueryPlan(tuple(kept), plan.suggestion, plan.text)
    query = _all_of([q for i, q in enumerate(clause_queries) if i not in dropped])
    base = _intersect(view.docs(query), other_filters)
    docs = _intersect(base, facet_filters.values())
    return relaxed, query, base, docs, nearest


def _all_of(queries: list) -> wq.Query:
    """Return the query every one of these clause queries must match (Every() for none)."""
    if not queries:
        return wq.Every()
    return queries[0] if len(queries) == 1 else wq.And(queries)


def _optional(clause) -> bool:
    return getattr(clause, "optional", False)
