"""Turn what a patient typed into a Whoosh query: fields and boosts as data, pure functions.

User text is never parsed as Whoosh syntax. It is split into words (index.text); phrases of
the vocabulary are recognised and expanded to treatment keys (a patient's word such as
"botox" is mapped, and the plan says so); place names are recognised with the gazetteer
(index.places; the index later decides whether the place holds clinics); typed words are
replaced by spelling corrections found beforehand, keeping the word as typed as an
alternative; general words ("clinic") order results without excluding any; every other
clause must match.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from index import text
from index.places import Gazetteer, Place
from index.vocab import Vocab

MAX_QUERY_CHARS = 200
MAX_CLAUSES = 16  # words beyond this are ignored: they cost time and rarely change the answer

# Relevance by field: a match in the name counts most, then what the clinic offers (its
# treatments, or a concern they address), then where it is, then its description.
BOOSTS: dict[str, float] = {
    "name": 8.0,
    "treatments": 5.0,
    "city": 3.0,
    "postcode": 3.0,
    "place": 3.0,  # a clinic in the place a patient named (near the city, in the country)
    "region": 2.0,
    "description": 1.0,
    "place_word": 1.0,  # a place's name found in a clinic's name elsewhere
    "concept_name": 4.0,  # a treatment's or concern's phrase in a clinic's name
    "general": 2.0,  # a general word ("clinic") in a clinic's name
}
# "Best match" blends text relevance with trust: relevance + TRUST["points"] x trust, where
# trust (0 to 1) = TRUST["score"] x score / 100 + TRUST["core_verified"] x (every core check
# verified and not yet due for re-check). The vetting score counts verified claims only and
# fades as verifications age, so unverified claims never raise a clinic. Two points reorder
# clinics that match alike (trust beats term frequency, worth BM25_SHARE at most) but never
# lift a treatment match (5) over a name match (8).
TRUST: dict[str, float] = {"points": 2.0, "score": 0.8, "core_verified": 0.2}
BM25_SHARE = 0.5  # within a tier, Whoosh's BM25F adds up to this much relevance
WORD_FIELDS = ("name", "city", "postcode", "region", "description")  # a typed word matches
JOINED_FIELDS = ("name", "city", "postcode", "region")  # hold "sk:n" also as "skn"
PHRASE_FIELDS = ("name", "description")  # a vocabulary phrase matches as words here too


@dataclass(frozen=True)
class Span:
    """Where a clause was typed: (start, end) in the cleaned query, and the text there."""

    start: int = 0
    end: int = 0
    typed: str = ""


@dataclass(frozen=True)
class Word:
    """A word as typed: its folded parts ("sk:n" -> ("sk", "n"))."""

    parts: tuple[str, ...]
    typed: tuple[str, ...] | None = None  # the parts as typed, when a correction replaced them
    optional: bool = False  # a general word: orders results, excludes none
    span: Span = field(default=Span(), compare=False)


@dataclass(frozen=True)
class Concept:
    """A vocabulary phrase found in the query: the treatments it stands for, its phrases."""

    concept_id: str
    treatments: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]
    mapped: tuple[str, ...] = ()  # concept ids reached through a patient's word
    span: Span = field(default=Span(), compare=False)


@dataclass(frozen=True)
class PlaceName:
    """A place name found in the query, with the places it may mean (most likely first)."""

    parts: tuple[str, ...]
    places: tuple[Place, ...]
    span: Span = field(default=Span(), compare=False)


Clause = Word | Concept | PlaceName


@dataclass(frozen=True)
class QueryPlan:
    clauses: tuple[Clause, ...] = ()
    suggestion: str | None = None
    text: str = ""  # the cleaned query the spans point into

    @property
    def match_all(self) -> bool:
        return not self.clauses

    def without(self, clause: Clause) -> str:
        """Return the query text with this clause's words taken out."""
        span = clause.span
        return " ".join((self.text[: span.start] + " " + self.text[span.end :]).split())


class DocSet(wq.Query):
    """Match a set of (global) document numbers found outside Whoosh: a place's clinics."""

    def __init__(self, name: str, docs, boost: float = 1.0):
        self.name = name  # identifies the set (it is compared and hashed by name)
        self.docs = docs
        self.boost = boost
        self.top = None  # the top-level searcher, set before Whoosh scores this query

    def __eq__(self, other):
        return isinstance(other, DocSet) and (other.name, other.boost) == (self.name, self.boost)

    def __hash__(self):
        return hash((self.name, self.boost))

    def __repr__(self):
        return f"DocSet({self.name!r}, {len(self.docs)} docs, boost={self.boost})"

    def is_leaf(self):
        return True

    def estimate_size(self, ixreader):
        return len(self.docs)

    def matcher(self, searcher, context=None):
        top = self.top or searcher
        offset = 0 if searcher is top else top._offset_for_subsearcher(searcher)
        size = searcher.reader().doc_count_all()
        local = sorted(d - offset for d in self.docs if offset <= d < offset + size)
        return ListMatcher(local, all_weights=0.0) if local else NullMatcher()


def correctable_words(q: str) -> list[str]:
    """Return the folded words of q long enough to be spelling-corrected."""
    q = text.clean_query(q, MAX_QUERY_CHARS)
    return [
        parts[0]
        for parts, _s, _e in text.compounds(q)
        if len(parts) == 1 and text.fuzzy_distance(parts[0])
    ]


def plan_query(
    q: str,
    vocab: Vocab,
    corrections: Mapping[str, str] | None = None,
    gazetteer: Gazetteer | None = None,
    *,
    mapping: bool = True,
) -> QueryPlan:
    """Return the plan for user text q, applying spelling corrections (word -> word).

    With a gazetteer, place names become PlaceName clauses; without mapping, patients' words
    stay words (the patient asked for their words as typed).
    """
    corrections = corrections or {}
    q = text.clean_query(q, MAX_QUERY_CHARS)
    groups: list[list[str]] = []
    typed: list[tuple[str, ...] | None] = []
    spans: list[tuple[int, int]] = []
    pieces: list[str] = []
    last = 0
    corrected = False
    for parts, start, end in text.compounds(q):
        was = None
        if len(parts) == 1 and corrections.get(parts[0], parts[0]) != parts[0]:
            was = tuple(parts)
            parts = text.index_terms(corrections[parts[0]], join=False, stemmed=False) or parts
            pieces.append(q[last:start] + " ".join(parts))
            corrected = True
        else:
            pieces.append(q[last:end])
        last = end
        groups.append(parts)
        typed.append(was)
        spans.append((start, end))
    suggestion = None
    if corrected:
        suggestion = re.sub(r"\s+", " ", "".join(pieces) + q[last:]).strip() or None

    # Flatten to stemmed tokens, remembering which typed word each token came from.
    raw = [p for parts in groups for p in parts]
    tokens = [text.stem(p) for p in raw]
    owner = [g for g, parts in enumerate(groups) for _p in parts]

    def span(first: int, after: int) -> Span:
        start, end = spans[owner[first]][0], spans[owner[after - 1]][1]
        return Span(start, end, q[start:end])

    def place_at(i: int) -> tuple[int, tuple[Place, ...]]:
        if gazetteer is None:
            return 0, ()
        return gazetteer.longest(raw, i)

    clauses: list[Clause] = []
    used_groups: set[int] = set()
    i = 0
    while i < len(tokens) and len(clauses) < MAX_CLAUSES:
        length, ids, mapped = vocab.match(tokens, i, mapping=mapping)
        if length:
            treatments: list[str] = []
            phrases: list[tuple[str, ...]] = []
            for concept_id in ids:
                concept = vocab.concepts[concept_id]
                treatments.extend(k for k in concept.treatments if k not in treatments)
                phrases.extend(p for p in concept.phrases if p not in phrases)
            clauses.append(
                Concept(
                    "|".join(ids), tuple(treatments), tuple(phrases), mapped, span(i, i + length)
                )
            )
            used_groups.update(owner[i : i + length])
            i += length
            continue
        length, places = place_at(i)
        if length:
            clauses.append(PlaceName(tuple(raw[i : i + length]), places, span(i, i + length)))
            used_groups.update(owner[i : i + length])
            i += length
            continue
        group = owner[i]
        if group in used_groups:
            # Part of a typed word whose other part began a phrase: match it on its own.
            clauses.append(Word((raw[i],), span=span(i, i + 1)))
            i += 1
            continue
        used_groups.add(group)
        parts = groups[group]
        # A whole typed word, unless a later part of it starts a phrase.
        k = 0
        while k < len(parts) and not (k and vocab.match(tokens, i + k, mapping=mapping)[0]):
            k += 1
        general = k == 1 and tokens[i] in vocab.general
        was = typed[group] if k == len(parts) else None
        clauses.append(Word(tuple(parts[:k]), was, general, span(i, i + k)))
        i += k
    if clauses and all(isinstance(c, Word) and c.optional for c in clauses):
        # Only general words ("clinic"): they are what the patient is looking for.
        clauses = [Word(c.parts, c.typed, False, c.span) for c in clauses]
    return QueryPlan(tuple(clauses), suggestion, q)


def _term(field: str, word: str, boosts: Mapping[str, float]) -> wq.Term:
    return wq.Term(field, word, boost=boosts.get(field, 1.0))


def _all_words(field: str, words: tuple[str, ...], boosts: Mapping[str, float]) -> wq.Query:
    if len(words) == 1:
        return _term(field, words[0], boosts)
    return wq.And([wq.Term(field, w) for w in words], boost=boosts.get(field, 1.0))


def _word_alternatives(parts: tuple[str, ...], boosts: Mapping[str, float]) -> list[wq.Query]:
    stems = tuple(text.stem(p) for p in parts)
    alternatives: list[wq.Query] = []
    if len(stems) > 1:
        joined = text.stem("".join(parts))
        alternatives.extend(_term(f, joined, boosts) for f in JOINED_FIELDS)
    alternatives.extend(_all_words(f, stems, boosts) for f in WORD_FIELDS)
    return alternatives


def _word_query(word: Word, boosts: Mapping[str, float]) -> wq.Query:
    alternatives = _word_alternatives(word.parts, boosts)
    if word.typed and word.typed != word.parts:
        # The word as typed may be right (a rare name): keep it beside the correction.
        alternatives.extend(_word_alternatives(word.typed, boosts))
    if word.optional:
        # A general word counts little (in the name, or the description), and every clinic
        # matches it at the lowest level (0): it orders results, never excludes one.
        stems = tuple(text.stem(p) for p in word.parts)
        alternatives = [
            _all_words("name", stems, {"name": boosts["general"]}),
            _all_words("description", stems, boosts),
            wq.Every(boost=0.0),
        ]
    return wq.Or(alternatives)


def place_query(
    clause: PlaceName,
    place_docs: DocSet,
    boosts: Mapping[str, float] = BOOSTS,
    other_words: tuple[str, ...] = (),
) -> wq.Query:
    """Return the query for a place: a clinic in it, or, much less, a clinic elsewhere named
    after it ("London Road Surgery" in Leicester).

    A clinic in the place is not more relevant for being named after it ("mesotherapy
    glasgow": trust orders Glasgow's clinics), but when its name also holds another word
    typed (other_words, stemmed), the patient is typing a name ("chelsea skin clinic",
    "london road surgery"): a full name match, wherever the clinic is.
    """
    stems = tuple(text.stem(p) for p in clause.parts)
    named = _all_words("name", stems, {"name": 1.0})
    alternatives = [place_docs, _all_words("name", stems, {"name": boosts["place_word"]})]
    if other_words:
        others = wq.Or([wq.Term("name", w) for w in other_words])
        alternatives.append(wq.And([named, others], boost=boosts["name"]))
    return wq.Or(alternatives)


def name_words(plan: QueryPlan) -> tuple[str, ...]:
    """Return the stems of the plan's plain words, which a clinic's name may hold."""
    return tuple(
        dict.fromkeys(text.stem(p) for c in plan.clauses if isinstance(c, Word) for p in c.parts)
    )


def _concept_query(concept: Concept, boosts: Mapping[str, float]) -> wq.Query:
    alternatives: list[wq.Query] = [_term("treatments", k, boosts) for k in concept.treatments]
    # A phrase in a name ranks just below offering the treatment: "hair loss" in a clinic's
    # name says less than hair mesotherapy on its list (and "rides" is not "East Riding").
    in_name = {"name": boosts["concept_name"], "description": boosts["description"]}
    for phrase in concept.phrases:
        alternatives.extend(_all_words(f, phrase, in_name) for f in PHRASE_FIELDS)
    return wq.Or(alternatives)


def clause_query(
    clause: Clause,
    boosts: Mapping[str, float] = BOOSTS,
    places: Mapping | None = None,
    other_words: tuple[str, ...] = (),
) -> wq.Query:
    """Return the query for one clause; places maps a PlaceName to its DocSet, other_words
    are the stems of the query's plain words (see place_query)."""
    if isinstance(clause, Concept):
        return _concept_query(clause, boosts)
    if isinstance(clause, PlaceName):
        return place_query(clause, (places or {})[clause], boosts, other_words)
    return _word_query(clause, boosts)


def build_query(
    plan: QueryPlan, boosts: Mapping[str, float] = BOOSTS, places: Mapping | None = None
) -> wq.Query:
    """Return the Whoosh query for a plan: every clause must match; Every() for none."""
    if plan.match_all:
        return wq.Every()
    words = name_words(plan)
    parts = [clause_query(c, boosts, places, words) for c in plan.clauses]
    return parts[0] if len(parts) == 1 else wq.And(parts)


def highlight_terms(plan: QueryPlan) -> frozenset[str]:
    """Return the stemmed words whose occurrence a snippet should mark."""
    out: set[str] = set()
    for clause in plan.clauses:
        if isinstance(clause, Concept):
            for phrase in clause.phrases:
                out.update(phrase)
        else:
            out.update(text.stem(p) for p in clause.parts)
            if len(clause.parts) > 1:
                out.add(text.stem("".join(clause.parts)))
            if isinstance(clause, Word) and clause.typed:
                out.update(text.stem(p) for p in clause.typed)
    return frozenset(out)
