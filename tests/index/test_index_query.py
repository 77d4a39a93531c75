"""The pure query planner and builder: user text -> clauses -> Whoosh query."""

import pytest
from whoosh import query as wq

from index.query import (
    BOOSTS,
    MAX_CLAUSES,
    Concept,
    QueryPlan,
    Word,
    build_query,
    correctable_words,
    highlight_terms,
    plan_query,
)
from index.vocab import compile_vocabulary


@pytest.fixture(scope="module")
def vocab(vocabulary):
    return compile_vocabulary(vocabulary)


def concept_ids(plan):
    return [c.concept_id for c in plan.clauses if isinstance(c, Concept)]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("hair loss", ["concern:hair-loss"]),  # a concern phrase
        ("alopecia", ["concern:hair-loss"]),  # a concern synonym
        ("mesolift", ["treatment:mesolifting"]),  # a treatment synonym
        ("meso-lift", ["treatment:mesolifting"]),  # punctuation splits the same way
        ("fat reduction", ["concern:localised-fat"]),  # a multi-word synonym
        ("MÉSOTHÉRAPIE", ["treatment:mesotherapy"]),  # accents and case folded
        ("الميزوثيرابي", ["treatment:mesotherapy"]),  # Arabic label
        ("mesotherapy hair", ["treatment:hair-mesotherapy"]),  # the longest phrase wins
        ("hair", []),  # a word of a phrase alone is just a word
    ],
)
def test_plan_recognises_vocabulary_phrases(vocab, q, expected):
    assert concept_ids(plan_query(q, vocab)) == expected


def test_treatment_expands_to_narrower_treatments(vocab):
    (clause,) = plan_query("mesotherapy", vocab).clauses
    assert set(clause.treatments) == {
        "mesotherapy",
        "mesotherapy-face",
        "mesotherapy-body",
        "hair-mesotherapy",
        "mesolifting",
        "mesobotox",
        "needle-free-mesotherapy",
    }


def test_concern_expands_to_its_treatments(vocab):
    (clause,) = plan_query("fat reduction", vocab).clauses
    assert set(clause.treatments) == {"mesotherapy-body", "body-contouring"}
    assert ("alopecia",) in plan_query("hair loss", vocab).clauses[0].phrases


def test_plain_words_and_compounds(vocab):
    plan = plan_query("sk:n Holborn", vocab)
    assert plan.clauses == (Word(("sk", "n")), Word(("holborn",)))


def test_syntax_is_plain_text(vocab):
    plan = plan_query('name:foo AND (bar OR "baz*', vocab)
    assert plan.clauses == (Word(("name", "foo")), Word(("bar",)), Word(("baz",)))


@pytest.mark.parametrize("q", ["", "   ", "the and of", "AND OR NOT", "***", "\x00\x01"])
def test_nothing_to_match_means_match_all(vocab, q):
    plan = plan_query(q, vocab)
    assert plan.match_all
    assert isinstance(build_query(plan), wq.Every)


def test_clause_count_is_capped(vocab):
    plan = plan_query(" ".join(f"w{i}" for i in range(100)), vocab)
    assert len(plan.clauses) == MAX_CLAUSES


def test_corrections_apply_and_make_a_suggestion(vocab):
    plan = plan_query(
        "Mesotheraphy in Londn!", vocab, {"mesotheraphy": "mesotherapy", "londn": "london"}
    )
    assert plan.suggestion == "mesotherapy in london!"
    assert concept_ids(plan) == ["treatment:mesotherapy"]
    # The corrected word keeps the word as typed as an alternative (it may be a rare name).
    assert plan.clauses[-1] == Word(("london",), typed=("londn",))


def test_no_correction_no_suggestion(vocab):
    assert plan_query("london", vocab, {"other": "word"}).suggestion is None


@pytest.mark.parametrize(
    "q, words",
    [
        ("londn", ["londn"]),  # five letters: may be corrected
        ("lodn", []),  # four letters: never corrected
        ("sk:n", []),  # punctuation-joined: taken as written
        ("Ménage clinics", ["menage", "clinics"]),  # folded
    ],
)
def test_correctable_words(q, words):
    assert correctable_words(q) == words


def test_build_query_for_a_word_searches_every_text_field_with_boosts():
    q = build_query(QueryPlan((Word(("holborn",)),)))
    assert isinstance(q, wq.Or)
    assert {(t.fieldname, t.text, t.boost) for t in q.subqueries} == {
        ("name", "holborn", BOOSTS["name"]),
        ("city", "holborn", BOOSTS["city"]),
        ("postcode", "holborn", BOOSTS["postcode"]),
        ("region", "holborn", BOOSTS["region"]),
        ("description", "holborn", BOOSTS["description"]),
    }


def test_build_query_for_a_compound_matches_joined_or_all_parts():
    q = build_query(QueryPlan((Word(("sk", "n")),)))
    joined = {(s.fieldname, s.text) for s in q.subqueries if isinstance(s, wq.Term)}
    assert joined == {("name", "skn"), ("city", "skn"), ("postcode", "skn"), ("region", "skn")}
    parts = [s for s in q.subqueries if isinstance(s, wq.And)]
    assert {tuple(t.text for t in a.subqueries) for a in parts} == {("sk", "n")}
    assert {a.subqueries[0].fieldname for a in parts} == {
        "name",
        "city",
        "postcode",
        "region",
        "description",
    }


def test_build_query_for_a_concept_matches_treatments_and_phrases():
    concept = Concept("concern:hair-loss", ("hair-mesotherapy",), (("hair", "loss"),))
    q = build_query(QueryPlan((concept,)))
    first, *rest = q.subqueries
    assert (first.fieldname, first.text, first.boost) == (
        "treatments",
        "hair-mesotherapy",
        BOOSTS["treatments"],
    )
    assert {(a.subqueries[0].fieldname, a.boost) for a in rest} == {
        ("name", BOOSTS["concept_name"]),  # a phrase in a name: below offering the treatment
        ("description", BOOSTS["description"]),
    }


def test_several_clauses_must_all_match():
    q = build_query(QueryPlan((Word(("a1",)), Word(("b2",)))))
    assert isinstance(q, wq.And) and len(q.subqueries) == 2


def test_boosts_rank_fields_as_documented():
    assert BOOSTS["name"] > BOOSTS["treatments"] > BOOSTS["city"] > BOOSTS["description"]


def test_highlight_terms_are_stemmed():
    plan = QueryPlan((Word(("clinics",)), Concept("x", (), (("hair", "loss"),))))
    assert highlight_terms(plan) == {"clinic", "hair", "loss"}
