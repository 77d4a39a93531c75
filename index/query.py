"""Turn what a patient typed into a Whoosh query: fields and boosts as data, pure functions.

User text is never parsed as Whoosh syntax. It is split into words (index.text), phrases of
the vocabulary are recognised and expanded to treatment keys, typed words are replaced by
spelling corrections found beforehand, and every remaining word must match some field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from whoosh import query as wq

from index import text
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
    "region": 2.0,
    "description": 1.0,
}
WORD_FIELDS = ("name", "city", "postcode", "region", "description")  # a typed word matches
JOINED_FIELDS = ("name", "city", "postcode", "region")  # hold "sk:n" also as "skn"
PHRASE_FIELDS = ("name", "description")  # a vocabulary phrase matches as words here too


@dataclass(frozen=True)
class Word:
    """A word as typed: its folded parts ("sk:n" -> ("sk", "n"))."""

    parts: tuple[str, ...]


@dataclass(frozen=True)
class Concept:
    """A vocabulary phrase found in the query: the treatments it stands for, its phrases."""

    concept_id: str
    treatments: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class QueryPlan:
    clauses: tuple[Word | Concept, ...] = ()
    suggestion: str | None = None

    @property
    def match_all(self) -> bool:
        return not self.clauses


def correctable_words(q: str) -> list[str]:
    """Return the folded words of q long enough to be spelling-corrected."""
    q = text.clean_query(q, MAX_QUERY_CHARS)
    return [
        parts[0]
        for parts, _s, _e in text.compounds(q)
        if len(parts) == 1 and text.fuzzy_distance(parts[0])
    ]


def plan_query(q: str, vocab: Vocab, corrections: Mapping[str, str] | None = None) -> QueryPlan:
    """Return the plan for user text q, applying spelling corrections (word -> word)."""
    corrections = corrections or {}
    q = text.clean_query(q, MAX_QUERY_CHARS)
    groups: list[list[str]] = []
    pieces: list[str] = []
    last = 0
    corrected = False
    for parts, start, end in text.compounds(q):
        if len(parts) == 1 and corrections.get(parts[0], parts[0]) != parts[0]:
            parts = text.index_terms(corrections[parts[0]], join=False, stemmed=False) or parts
            pieces.append(q[last:start] + " ".join(parts))
            corrected = True
        else:
            pieces.append(q[last:end])
        last = end
        groups.append(parts)
    suggestion = None
    if corrected:
        suggestion = re.sub(r"\s+", " ", "".join(pieces) + q[last:]).strip() or None

    # Flatten to stemmed tokens, remembering which typed word each token came from.
    tokens = [text.stem(p) for parts in groups for p in parts]
    owner = [g for g, parts in enumerate(groups) for _p in parts]
    clauses: list[Word | Concept] = []
    used_groups: set[int] = set()
    i = 0
    while i < len(tokens) and len(clauses) < MAX_CLAUSES:
        length, ids = vocab.match(tokens, i)
        if length:
            treatments: list[str] = []
            phrases: list[tuple[str, ...]] = []
            for concept_id in ids:
                concept = vocab.concepts[concept_id]
                treatments.extend(k for k in concept.treatments if k not in treatments)
                phrases.extend(p for p in concept.phrases if p not in phrases)
            clauses.append(Concept("|".join(ids), tuple(treatments), tuple(phrases)))
            used_groups.update(owner[i : i + length])
            i += length
            continue
        group = owner[i]
        if group in used_groups:
            # Part of a typed word whose other part began a phrase: match it on its own.
            clauses.append(Word((groups[group][i - owner.index(group)],)))
            i += 1
            continue
        used_groups.add(group)
        parts = groups[group]
        # A whole typed word, unless a later part of it starts a phrase.
        k = 0
        while k < len(parts) and not (k and vocab.match(tokens, i + k)[0]):
            k += 1
        clauses.append(Word(tuple(parts[:k])))
        i += k
    return QueryPlan(tuple(clauses), suggestion)


def _term(field: str, word: str, boosts: Mapping[str, float]) -> wq.Term:
    return wq.Term(field, word, boost=boosts.get(field, 1.0))


def _all_words(field: str, words: tuple[str, ...], boosts: Mapping[str, float]) -> wq.Query:
    if len(words) == 1:
        return _term(field, words[0], boosts)
    return wq.And([wq.Term(field, w) for w in words], boost=boosts.get(field, 1.0))


def _word_query(word: Word, boosts: Mapping[str, float]) -> wq.Query:
    stems = tuple(text.stem(p) for p in word.parts)
    alternatives: list[wq.Query] = []
    if len(stems) > 1:
        joined = text.stem("".join(word.parts))
        alternatives.extend(_term(f, joined, boosts) for f in JOINED_FIELDS)
    alternatives.extend(_all_words(f, stems, boosts) for f in WORD_FIELDS)
    return wq.Or(alternatives)


def _concept_query(concept: Concept, boosts: Mapping[str, float]) -> wq.Query:
    alternatives: list[wq.Query] = [_term("treatments", k, boosts) for k in concept.treatments]
    for phrase in concept.phrases:
        alternatives.extend(_all_words(f, phrase, boosts) for f in PHRASE_FIELDS)
    return wq.Or(alternatives)


def build_query(plan: QueryPlan, boosts: Mapping[str, float] = BOOSTS) -> wq.Query:
    """Return the Whoosh query for a plan: every clause must match; Every() for none."""
    if plan.match_all:
        return wq.Every()
    parts = [
        _concept_query(c, boosts) if isinstance(c, Concept) else _word_query(c, boosts)
        for c in plan.clauses
    ]
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
    return frozenset(out)
