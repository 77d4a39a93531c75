"""The place recogniser: cities and countries as patients write them, any language or script."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.places import MAX_WORDS, Place, Rows, key, load_gazetteer


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def first(gazetteer, name):
    found = gazetteer.resolve(name)
    return (found[0].kind, found[0].name, found[0].country) if found else None


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("London", ("city", "London", "GB")),  # London, GB before London, Ontario (population)
        ("Londres", ("city", "London", "GB")),  # French and Spanish
        ("لندن", ("city", "London", "GB")),  # Arabic script
        ("باريس", ("city", "Paris", "FR")),  # Paris, France before Paris, Texas
        ("دبي", ("city", "Dubai", "AE")),
        ("Sao Paulo", ("city", "São Paulo", "BR")),  # without the accent
        ("SÃO PAULO", ("city", "São Paulo", "BR")),  # upper case, with it
        ("München", ("city", "Munich", "DE")),
        ("Muenchen", ("city", "Munich", "DE")),  # German transliteration
        ("İstanbul", ("city", "Istanbul", "TR")),  # Turkish dotted capital I
        ("ISTANBUL", ("city", "Istanbul", "TR")),
        ("izmir", ("city", "İzmir", "TR")),
        ("Rio de Janeiro", ("city", "Rio de Janeiro", "BR")),  # "de" is a stop word both sides
        ("new york", ("city", "New York City", "US")),  # an alias in index/data/places.toml
        ("London, UK", ("city", "London", "GB")),  # "city, country"
        ("uk", ("country", "United Kingdom", "GB")),  # colloquial forms (places.toml)
        ("England", ("country", "United Kingdom", "GB")),
        ("britain", ("country", "United Kingdom", "GB")),
        ("UAE", ("country", "United Arab Emirates", "AE")),
        ("emirates", ("country", "United Arab Emirates", "AE")),
        ("usa", ("country", "United States", "US")),
        ("america", ("country", "United States", "US")),
        ("saudi", ("country", "Saudi Arabia", "SA")),
        ("turkey", ("country", "Türkiye", "TR")),
        ("türkiye", ("country", "Türkiye", "TR")),
        ("brasil", ("country", "Brazil", "BR")),
        ("Royaume-Uni", ("country", "United Kingdom", "GB")),  # CLDR, French
        ("Emiratos Árabes Unidos", ("country", "United Arab Emirates", "AE")),  # CLDR, Spanish
        ("Estados Unidos", ("country", "United States", "US")),  # CLDR, Portuguese
        ("Birleşik Krallık", ("country", "United Kingdom", "GB")),  # CLDR, Turkish
        ("Vereinigtes Königreich", ("country", "United Kingdom", "GB")),  # CLDR, German
        ("المملكة المتحدة", ("country", "United Kingdom", "GB")),  # CLDR, Arabic
        ("السعودية", ("country", "Saudi Arabia", "SA")),  # colloquial Arabic
    ],
)
def test_places_are_recognised_as_written(gazetteer, typed, expected):
    assert first(gazetteer, typed) == expected


def test_same_named_cities_come_most_populous_first(gazetteer):
    names = [(p.name, p.country) for p in gazetteer.resolve("London")]
    assert names[:2] == [("London", "GB"), ("London", "CA")]


def test_packed_cities_give_back_each_row_as_read():
    rows = [
        ("São Paulo", "BR", -23.5475, -46.63611, 10021295),
        ("دبي", "AE", 25.07725, 55.30927, 3478300),
        ("X", "GB", 0.0, 0.0, 0),
    ]
    packed = Rows(rows)
    assert [tuple(packed.place(n))[1:] for n in range(3)] == rows


def test_a_country_code_that_is_not_two_letters_is_refused():
    with pytest.raises(ValueError, match="two letters"):
        Rows([("Somewhere", "GBR", 0.0, 0.0, 0)])


@pytest.mark.parametrize(
    "word",
    [
        "clinic",  # never a place (places.toml): a word of every clinic search
        "skin",
        "mesotherapy",
        "botox",
        "xyzzyq",
        "",
    ],
)
def test_ordinary_words_are_not_places(gazetteer, word):
    assert gazetteer.resolve(word) == ()


def test_geonames_variants_are_not_own_names(gazetteer):
    assert gazetteer.is_main(["london"]) and gazetteer.is_main(["uk"])
    assert not gazetteer.is_main(["londres"])  # a variant: found, but not London's own name


def test_longest_name_wins(gazetteer):
    words = key("clinics rio de janeiro").split()
    assert gazetteer.longest(words, 1)[0] == 2  # "rio janeiro", not "rio" alone


@pytest.mark.parametrize(
    "population, radius",
    [
        (20_000, 15.0),  # a town: 15 km at least
        (500_000, 20.0),
        (9_000_000, 32.6),  # a metropolis reaches its suburbs
        (40_000_000, 38.9),
    ],
)
def test_a_city_reaches_further_the_bigger_it_is(population, radius):
    assert Place("city", "X", "GB", 0.0, 0.0, population).radius_km == pytest.approx(radius, 0.01)
    assert Place("country", "X", "GB").radius_km is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_resolves_to_places_or_nothing(gazetteer, text):
    found = gazetteer.resolve(text)
    assert isinstance(found, tuple) and all(isinstance(p, Place) for p in found)
    words = key(text).split()
    for start in range(len(words)):
        length, places = gazetteer.longest(words, start)
        assert 0 <= length <= MAX_WORDS and bool(length) == bool(places)


@pytest.mark.parametrize(
    "hostile",
    [
        "x" * 100_000,  # huge
        "لندن London Лондон ロンドン 伦敦 " * 500,  # mixed scripts, repeated
        "\x00\u200f\u202e\ufeff" * 1000,  # controls, bidi overrides, BOM
        "İıIi" * 1000,  # Turkish i in every form
        ",,,,, , ,",  # only commas
        "\U0001f489" * 1000,  # emoji
    ],
)
def test_hostile_input_never_breaks_the_recogniser(gazetteer, hostile):
    assert isinstance(gazetteer.resolve(hostile), tuple)
    assert isinstance(key(hostile), str)
