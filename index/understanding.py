"""Read a query the way a patient meant it, using what the index knows.

- corrections(): typos, including a misspelling that exists somewhere in the index, when a
  close word is far more frequent ("clinc", once, against "clinic", thousands of times);
- resolve_places(): which of the places a name may mean holds clinics (Valencia, Spain
  rather than Venezuela), or whether the "place" is only a word of clinic names (Chelsea);
- resolve_near(): the same for the `near` parameter;
- relax(): when no clinic matches every clause, the fewest clauses to drop, and which.
Pure functions of a View, the vocabulary and the gazetteer.
"""

from __future__ import annotations

import difflib
import itertools
import math
from collections.abc import Iterable

from whoosh.support.levenshtein import damerau_levenshtein

from index import text
from index.places import Gazetteer, Place
from index.query import (
    BOOSTS,
    Concept,
    DocSet,
    PlaceName,
    QueryPlan,
    Word,
    correctable_words,
)
from index.schema import city_facet_value
from index.types import Dropped, PlaceRead, TermRead
from index.view import EMPTY, Docs, View
from index.vocab import Vocab

RARE_MAX = 3  # a word held by this few clinics may still be a typo...
RARE_RATIO = 20  # ...of a close word held by this many times more
MAX_DROP_TRIES = 200  # subsets of clauses tried before dropping greedily


def corrections(view: View, vocab: Vocab, gazetteer: Gazetteer | None, q: str) -> dict:
    """Return {typed word: correction} for words that look misspelt."""
    out = {}
    for word in correctable_words(q):
        if word in out or word in vocab.words or _a_place_with_clinics(view, gazetteer, word):
            continue
        frequency = view.frequency(word)
        if frequency > RARE_MAX:
            continue
        best = view.cached(("spell", word), lambda w=word, f=frequency: _correct(view, vocab, w, f))
        if best:
            out[word] = best
    return out


def _a_place_with_clinics(view: View, gazetteer: Gazetteer | None, word: str) -> bool:
    # "Londres" is not a typo; "Mogan" (Mogán, no clinic near) may be one for "Morgan".
    return bool(gazetteer) and any(place_docs(view, p) for p in gazetteer.lookup((word,)))


def _correct(view: View, vocab: Vocab, word: str, frequency: int) -> str:
    maxdist = text.fuzzy_distance(word)
    candidates = []
    if not frequency:
        for known in vocab.words:
            if abs(len(known) - len(word)) <= maxdist:
                dist = damerau_levenshtein(word, known, limit=maxdist)
                if dist <= maxdist:
                    # Of two vocabulary words as close: a term's own name ("mesotherapy"
                    # before Turkish "mesoterapi"), then the one more clinics use.
                    own = 0 if known in vocab.names else 1
                    candidates.append((dist, own, -view.frequency(known), known))
    stemmed = text.stem(word)
    found_words = view.words_within(word, maxdist)
    # Whoosh's automaton counts a swap of two letters as two edits ("dubia" -> "dubai"):
    # look the swaps up directly, far cheaper than asking the automaton for one edit more.
    for swapped in _swaps(word):
        if swapped not in found_words:
            frequency_of = view.frequency(swapped)
            if frequency_of:
                found_words[swapped] = frequency_of
    for known, found in found_words.items():
        if known in (word, stemmed) or found < max(1, frequency * RARE_RATIO):
            continue
        dist = min(
            damerau_levenshtein(word, known, limit=maxdist),
            damerau_levenshtein(stemmed, known, limit=maxdist),
        )
        if dist <= maxdist:
            candidates.append((dist, 2, -found, known))
    return min(candidates)[3] if candidates else ""


def _swaps(word: str) -> list[str]:
    """Return word with each pair of neighbouring letters swapped."""
    return [
        word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        for i in range(len(word) - 1)
        if word[i] != word[i + 1]
    ]


def place_docs(view: View, place: Place) -> Docs:
    """Return the clinics in a place: in the country, or within the city's radius (or, with
    no coordinates, in a city of that name in that country)."""
    if place.kind == "country":
        return view.term_docs("country", place.country)
    folded = city_facet_value(place.name).split("\t")[0]
    radius = place.radius_km

    def compute(reader, cache) -> Docs:
        near = cache.within(reader, place.lat, place.lon, radius)
        lats = cache.column(reader, "lat")
        country = cache.term_docs(reader, "country", place.country)
        unplaced = [
            d
            for value, docs in cache.facet(reader, "city_facet").items()
            if value.split("\t")[0] == folded
            for d in docs
            if d in country and not math.isfinite(lats[d])
        ]
        return near.docs | Docs(unplaced)

    return view.per_segment(("place", place.name, place.country, place.lat, place.lon), compute)


def _choose(
    view: View,
    places: Iterable[Place],
    countries: set[str],
    allowed: Docs | None = None,
) -> Place | None:
    """Return the first place holding clinics (among those the filters allow, if given),
    preferring those in a country also named."""
    places = list(places)
    if countries:
        inside = [p for p in places if p.kind == "city" and p.country in countries]
        places = inside + [p for p in places if p not in inside]
    for place in places:
        docs = place_docs(view, place)
        if docs and (allowed is None or not docs.isdisjoint(allowed)):
            return place
    return None


def resolve_places(
    view: View,
    gazetteer: Gazetteer | None,
    plan: QueryPlan,
    allowed: Docs | None = None,
) -> tuple[QueryPlan, dict, list[PlaceRead]]:
    """Return (plan, {PlaceName: DocSet}, places read).

    A name that means no place holding clinics becomes a word again when clinics use the
    word ("Chelsea" elsewhere) or when it is only a GeoNames variant ("Name" for Namur); a
    place's own name with no clinic in it stays a place (the search then offers the nearest).
    """
    names = [c for c in plan.clauses if isinstance(c, PlaceName)]
    if not names:
        return plan, {}, []
    countries = {p.country for c in names for p in c.places[:1] if p.kind == "country"}
    clauses, sets, read = [], {}, []
    for clause in plan.clauses:
        if not isinstance(clause, PlaceName):
            clauses.append(clause)
            continue
        place = _choose(view, clause.places, countries, allowed)
        if place is None and (
            all(view.knows(p) for p in clause.parts) or not gazetteer.is_main(clause.parts)
        ):
            clauses.append(Word(clause.parts, span=clause.span))
            continue
        place = place or clause.places[0]
        clause = PlaceName(clause.parts, (place,), clause.span)
        sets[clause] = DocSet(
            f"{place.kind}:{place.name}:{place.country}",
            place_docs(view, place),
            BOOSTS["place"],
        )
        clauses.append(clause)
        read.append(place_read(place, clause.span.typed, "q"))
    return QueryPlan(tuple(clauses), plan.suggestion, plan.text), sets, read


def place_read(place: Place, typed: str, source: str) -> PlaceRead:
    return PlaceRead(
        typed=typed,
        kind=place.kind,
        name=place.name,
        country=place.country,
        lat=place.lat,
        lon=place.lon,
        radius_km=place.radius_km,
        source=source,
    )


def resolve_near(view: View, gazetteer: Gazetteer, name: str) -> Place | None:
    """Return the place a `near` value means: one holding clinics if any, else the likeliest."""
    places = gazetteer.resolve(name)
    return _choose(view, places, set()) or (places[0] if places else None)


def terms_read(vocab: Vocab, plan: QueryPlan) -> list[TermRead]:
    """Return the patients' words the plan mapped (and concerns, which stand for treatments)."""
    out = []
    for clause in plan.clauses:
        if not isinstance(clause, Concept):
            continue
        for concept_id in clause.concept_id.split("|"):
            concept = vocab.concepts[concept_id]
            if concept_id in clause.mapped or concept.kind == "concern":
                out.append(TermRead(clause.span.typed, concept.kind, concept.key))
    return out


def relax(plan: QueryPlan, clause_docs: list[Docs], allowed: Docs) -> tuple[list[int], Docs]:
    """Return (indexes of clauses to drop, documents matching the rest within allowed).

    The fewest clauses are dropped; among equal numbers, words before places before
    treatments and concerns (what a patient asks for matters most), then the choice leaving
    the most clinics. Nothing is dropped when nothing can help: ([], EMPTY).
    """
    required = [i for i, c in enumerate(plan.clauses) if not (isinstance(c, Word) and c.optional)]
    within = {i: clause_docs[i] & allowed for i in required}
    forced = [i for i in required if not within[i]]  # words no clinic here has at all
    rest = [i for i in required if within[i]]
    if not rest:
        return forced, EMPTY
    weight = {i: _drop_weight(plan.clauses[i]) for i in rest}
    tries = 0
    for size in range(0, len(rest)):
        best = None
        for dropped in itertools.combinations(rest, size):
            tries += 1
            if tries > MAX_DROP_TRIES:
                return _greedy(rest, within, forced)
            kept = [within[i] for i in rest if i not in dropped]
            docs = _intersect_all(kept)
            if docs:
                key = (sum(weight[i] for i in dropped), -len(docs))
                if best is None or key < best[0]:
                    best = (key, list(dropped), docs)
        if best is not None:
            return sorted(forced + best[1]), best[2]
    return forced, EMPTY  # pragma: no cover - a single kept clause always has docs


def _drop_weight(clause) -> int:
    if isinstance(clause, Concept):
        return 100
    if isinstance(clause, PlaceName):
        return 10
    return 1


def _intersect_all(sets: list[Docs]) -> Docs:
    sets = sorted(sets, key=len)
    out = sets[0]
    for s in sets[1:]:
        out = out & s
        if not out:
            break
    return out


def _greedy(rest: list[int], within: dict, forced: list[int]):
    kept = sorted(rest, key=lambda i: -len(within[i]))
    docs = within[kept[0]]
    dropped = []
    for i in kept[1:]:
        narrowed = docs & within[i]
        if narrowed:
            docs = narrowed
        else:
            dropped.append(i)
    return sorted(forced + dropped), docs


def dropped_read(plan: QueryPlan, indexes: list[int]) -> list[Dropped]:
    """Return what a relaxation dropped, each with the query that leaves out only it."""
    return [Dropped(plan.clauses[i].span.typed, plan.without(plan.clauses[i])) for i in indexes]


def close_words(vocab: Vocab, plan: QueryPlan, limit: int = 3) -> list[str]:
    """Return vocabulary words close to the query's words (for a search that found nothing)."""
    out: list[str] = []
    for clause in plan.clauses:
        if isinstance(clause, Word):
            word = "".join(clause.parts)
            for found in difflib.get_close_matches(word, vocab.words, n=limit, cutoff=0.7):
                if found not in out:
                    out.append(found)
    return out[:limit]
