"""Analysis: folding (case, accents, Arabic), word splitting, punctuation-joined names."""

import pytest

from index import text
from index.schema import WordTokenizer, whoosh_values
from index.snippets import mark, may_match, snippet


@pytest.mark.parametrize(
    "raw, folded",
    [
        ("Mésothérapie", "mesotherapie"),  # accents and case
        ("MESOTHÉRAPIE", "mesotherapie"),  # upper case with accent
        ("Straße", "strasse"),  # case folding, not just lower()
        ("أحمد", "احمد"),  # alef with hamza above -> bare alef
        ("إبر", "ابر"),  # alef with hamza below
        ("آمنة", "امنه"),  # alef with madda; ta marbuta -> ha
        ("مستشفى", "مستشفي"),  # alef maqsura -> ya
        ("عِيَادَة", "عياده"),  # harakat stripped
        ("ميـــزوثيرابي", "ميزوثيرابي"),  # tatweel stripped
        ("sk\u200fn", "skn"),  # an RTL mark inside a word vanishes
    ],
)
def test_fold_normalises(raw, folded):
    assert text.fold(raw) == folded


@pytest.mark.parametrize(
    "value, terms",
    [
        ("sk:n London Holborn", ["sk", "n", "skn", "london", "holborn"]),  # joined and split
        ("O'Neill Clinic", ["o", "neill", "oneil", "clinic"]),  # apostrophe joins, stemmed
        ("Meso-lift", ["meso", "lift", "mesolift"]),  # hyphen joins
        ("St. Chads Clinic", ["st", "chad", "clinic"]),  # a full stop before a space splits
        ("The Clinic in Leeds", ["clinic", "leed"]),  # stop words dropped, stemmed
        ("Ruskington", ["ruskington"]),  # one word: no "skin" inside it
    ],
)
def test_name_terms(value, terms):
    assert text.index_terms(value, join=True) == terms


def test_description_terms_do_not_join():
    assert text.index_terms("sk:n clinics", join=False) == ["sk", "n", "clinic"]


def test_whoosh_tokenizer_gives_the_same_terms_with_offsets():
    tokens = [
        (t.text, t.startchar, t.endchar)
        for t in WordTokenizer(join=True)("Dr. sk:n", positions=True, chars=True)
    ]
    assert tokens == [("dr", 0, 2), ("sk", 4, 8), ("n", 4, 8), ("skn", 4, 8)]


def test_arabic_with_harakat_is_one_word():
    assert text.index_terms("المِيزوثِيرابي", join=False) == ["الميزوثيرابي"]


def test_mark_escapes_everything_but_marks():
    html, count = mark("<b>Skin</b> & co", frozenset({"skin"}), join=False)
    assert html == "&lt;b&gt;<mark>Skin</mark>&lt;/b&gt; &amp; co"
    assert count == 1


# Words whose stems change their endings most (y -> i, -ational -> -ate, -ies -> -i, -ing + e).
TRICKY = (
    "dry dries dried drying say says happily ponies ties relational conditional "
    "generalization hesitancy conflating agreed feed sky skies oy ofy injections injected "
    "acne scarring hyperpigmentation rejuvenating microneedling mesotherapy 2024 b12"
).split()


@pytest.mark.parametrize("word", TRICKY)
def test_a_text_holding_a_word_may_match_its_stem(word):
    stem = text.stem(word)
    assert may_match(f"Before. {word.capitalize()}, after.", frozenset({stem}))
    assert mark(f"Before. {word}, after.", frozenset({stem}), join=False)[1] == 1


def test_a_text_without_the_stem_s_letters_cannot_match():
    assert not may_match("Laser hair removal in Leeds.", frozenset({text.stem("botox")}))
    # Accented text is not screened: its words fold before they are compared.
    assert may_match("Mésothérapie à Paris", frozenset({"xyz"}))


def test_a_description_that_cannot_match_gives_its_opening_unmarked():
    stored = {"description": "Calm clinic. " * 40, "name": "Calm Clinic"}
    shown = snippet(stored, frozenset({text.stem("botox")}), [], {})
    assert shown.startswith("Calm clinic. Calm clinic.") and "<mark>" not in shown


def test_document_values_keep_city_display_and_flags():
    values = whoosh_values(
        {
            "id": "x",
            "city": "  Milton   Keynes ",
            "core_verified": True,
            "treatments": ["b", "a"],
            "score": None,
            "lat": "nan",
        }
    )
    assert values["city_facet"] == "milton keynes\tMilton Keynes"
    assert values["core_verified"] == "1"
    assert values["treatments"] == ["a", "b"]
    assert values["score"] != values["score"]  # NaN: no score
