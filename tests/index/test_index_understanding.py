"""Query understanding on a RAM index: places, patients' words, rare typos, dead ends, trust."""

import pytest

from index import SearchRequest, open_index
from tests.index.conftest import clinic_doc, offers, place


def clinic(name, treatment, description, city, country, lat, lon, **extra) -> dict:
    """Return make_profile overrides for a clinic offering one treatment (a key) or none."""
    return dict(
        name=name,
        treatments=offers(treatment) if treatment else [],
        description=description,
        **place(city, country, lat=lat, lon=lon),
        **extra,
    )


CLINICS = {
    # London, and a neighbouring town inside London's radius
    "ldn-botox": clinic(
        "Marylebone Aesthetics",
        "mesobotox",
        "Microbotox for pores.",
        "London",
        "GB",
        51.52,
        -0.15,
        score=40.0,
    ),
    "ldn-meso": clinic(
        "Kensington Skin", "mesotherapy-face", "Skin care.", "London", "GB", 51.50, -0.19
    ),
    "croydon-meso": clinic(
        "Croydon Glow", "mesotherapy", "Vitamins for the skin.", "Croydon", "GB", 51.376, -0.098
    ),
    "leicester-road": clinic(
        "London Road Surgery", None, "A GP surgery.", "Leicester", "GB", 52.63, -1.12
    ),
    "glasgow-gp": clinic(
        "Partick Surgery", None, "General practice.", "Glasgow", "GB", 55.87, -4.31
    ),
    "manchester-meso": clinic(
        "Northern Meso",
        "mesotherapy",
        "Mesotherapy in Manchester.",
        "Manchester",
        "GB",
        53.48,
        -2.24,
    ),
    "victoria-named": clinic(
        "Victoria Rose Clinic", "microneedling", "Needling.", "Leeds", "GB", 53.80, -1.55
    ),
    "dubai-hair": clinic(
        "Jumeirah Hair", "hair-mesotherapy", "Scalp care.", "Dubai", "AE", 25.20, 55.27
    ),
    "valencia-meso": clinic(
        "Clinica Turia", "mesotherapy", "Mesoterapia.", "Valencia", "ES", 39.47, -0.38
    ),
    "paris-lift": clinic(
        "Atelier Lumière", "mesolifting", "Skin booster et hydratation.", "Paris", "FR", 48.86, 2.35
    ),
    "clinc-typo": clinic("Hornchurch Clinc", None, None, "Hornchurch", "GB", 51.56, 0.22),
    **{
        f"clinic-{n}": dict(
            name=f"Wellbeing Clinic {n}",
            treatments=[],
            description=None,
            **place("Birmingham", lat=52.48, lon=-1.9),
        )
        for n in range(25)
    },
}


@pytest.fixture(scope="module")
def ix(vocabulary):
    ix = open_index(None, vocabulary=vocabulary, result_cache=0)
    ix.index_clinics(clinic_doc(key, **values) for key, values in CLINICS.items())
    yield ix
    ix.close()


def search(ix, q="", **options):
    return ix.search(SearchRequest(q=q, per_page=100, **options))


def ids(response):
    return [h.id for h in response.hits]


def test_a_city_in_the_words_means_near_it_neighbours_included(ix):
    response = search(ix, "mesotherapy londres")
    assert set(ids(response)) == {"ldn-botox", "ldn-meso", "croydon-meso"}  # Croydon: 17 km
    (read,) = response.interpretation.places
    assert (read.kind, read.name, read.country, read.typed) == ("city", "London", "GB", "londres")
    assert read.radius_km > 20


def test_the_same_city_in_arabic(ix):
    assert set(ids(search(ix, "ميزوثيرابي لندن"))) == {"ldn-botox", "ldn-meso", "croydon-meso"}


def test_search_everywhere_reads_the_place_as_a_word(ix):
    # London as a word: the Leicester surgery named after it, no London clinic's name has it.
    response = search(ix, "london surgery", places=False)
    assert ids(response) == ["leicester-road"] and not response.interpretation.places


def test_a_place_named_in_a_clinic_name_elsewhere_ranks_below_clinics_there(ix):
    found = ids(search(ix, "london"))
    assert found[-1] == "leicester-road" and "ldn-meso" in found


def test_clinics_in_a_place_are_ordered_by_trust_not_by_being_named_after_it(vocabulary):
    ix = open_index(None, vocabulary=vocabulary)
    glasgow = dict(treatments=offers("mesotherapy"), description=None)
    ix.index_clinics(
        [
            clinic_doc(
                "named",
                name="Glasgow Skin",
                score=0.0,
                **glasgow,
                **place("Glasgow", lat=55.86, lon=-4.25),
            ),
            clinic_doc(
                "trusted",
                name="Belgrave",
                score=60.0,
                **glasgow,
                **place("Glasgow", lat=55.87, lon=-4.28),
            ),
        ]
    )
    assert ids(ix.search(SearchRequest(q="mesotherapy glasgow"))) == ["trusted", "named"]
    # Typing the name is another matter: "glasgow skin" is that clinic.
    assert ids(ix.search(SearchRequest(q="glasgow skin")))[0] == "named"
    ix.close()


def test_a_country_in_the_words_filters_to_it(ix):
    response = search(ix, "mesotherapy uk")
    assert set(ids(response)) == {"ldn-botox", "ldn-meso", "croydon-meso", "manchester-meso"}
    assert [(p.kind, p.country) for p in response.interpretation.places] == [("country", "GB")]


def test_the_place_holding_clinics_wins_a_shared_name(ix):
    # Valencia, Venezuela is larger; Valencia, Spain is where a clinic is.
    (read,) = search(ix, "valencia").interpretation.places
    assert read.country == "ES"


def test_a_place_without_clinics_that_names_clinics_stays_a_word(ix):
    # GeoNames knows a Victoria in Hong Kong, Mexico, Canada...; no clinic is near any of
    # them here, but a clinic is named "Victoria": the word finds it.
    response = search(ix, "victoria")
    assert ids(response) == ["victoria-named"] and not response.interpretation.places


def test_a_district_holding_clinics_is_a_place(ix):
    # Chelsea, London: a GeoNames place with clinics around it.
    (read,) = search(ix, "chelsea").interpretation.places
    assert (read.name, read.country) == ("Chelsea", "GB")


def test_patients_words_are_mapped_and_said(ix):
    response = search(ix, "botox london")
    assert ids(response) == ["ldn-botox"]
    (term,) = response.interpretation.terms
    assert (term.typed, term.kind, term.key) == ("botox", "treatment", "mesobotox")
    assert not search(ix, "botox london").interpretation.dropped


def test_words_as_typed_are_not_mapped(ix):
    response = search(ix, "skin booster", mapping=False)
    assert not response.interpretation.terms
    assert ids(response) == ["paris-lift"]  # its description has both words
    mapped = search(ix, "skin booster")
    assert ids(mapped) == ["paris-lift"] and mapped.interpretation.terms[0].key == "mesolifting"


def test_a_misspelling_found_once_is_corrected_against_a_frequent_word(ix):
    response = search(ix, "hornchurch clinc")
    assert response.suggestion == "hornchurch clinic"
    # The word as typed stays an alternative: the misspelt clinic is still found.
    assert "clinc-typo" in ids(response)
    assert search(ix, "wellbeing clinic").suggestion is None


def test_no_clinic_matches_every_word_so_most_of_them_are_shown(ix):
    response = search(ix, "botox london xyzzy")
    assert ids(response) == ["ldn-botox"]
    (dropped,) = response.interpretation.dropped
    assert (dropped.typed, dropped.q) == ("xyzzy", "botox london")


def test_a_treatment_not_offered_in_a_city_shows_the_nearest(ix):
    response = search(ix, "mesotherapy glasgow")
    assert response.interpretation.dropped[0].typed == "glasgow"
    assert response.interpretation.nearest == "Glasgow"
    assert ids(response)[0] == "manchester-meso"  # the nearest mesotherapy to Glasgow
    distances = [h.distance_km for h in response.hits]
    assert distances == sorted(distances)


def test_filters_and_facets_keep_working_on_relaxed_results(ix):
    response = search(ix, "mesotherapy glasgow", country=("FR",))
    assert ids(response) == ["paris-lift"]
    assert response.facets["country"]["GB"] == 4 and response.facets["country"]["FR"] == 1


def test_nothing_at_all_matches_offers_each_word_to_drop(ix):
    response = search(ix, "xyzzy qwrtp")
    assert response.total == 0 and not response.hits
    assert [(d.typed, d.q) for d in response.interpretation.without] == [
        ("xyzzy", "qwrtp"),
        ("qwrtp", "xyzzy"),
    ]


def test_only_a_place_lists_that_place(ix):
    assert set(ids(search(ix, "دبي"))) == {"dubai-hair"}


def test_near_takes_a_place_name_in_any_language(ix):
    response = search(ix, "", near_place="Londres", radius_km=25.0, sort="distance")
    assert ids(response)[:2] == ["ldn-botox", "ldn-meso"]
    assert response.interpretation.places[0].source == "near"
    assert all(h.distance_km <= 25 for h in response.hits)


def test_near_a_country_keeps_clinics_in_it(ix):
    response = search(ix, "", near_place="Emirates", sort="distance")
    assert ids(response) == ["dubai-hair"]


def test_an_unknown_near_is_ignored_with_a_note(ix):
    response = search(ix, "mesotherapy", near_place="Qwxzyville", radius_km=5.0, sort="distance")
    assert response.interpretation.unknown_place == "Qwxzyville"
    assert response.total == 7  # every clinic of the mesotherapy family: no radius


@pytest.mark.parametrize(
    "q",
    [
        "",
        "london london london",
        "uk uae usa",
        "\u202elondon\u202c",
        "sk:n, london; rio-de-janeiro",
        "botox " * 100,
        "بوتوكس في دبي",
    ],
)
def test_place_and_word_reading_never_fails(ix, q):
    response = search(ix, q)
    assert response.total >= 0


def test_an_equally_relevant_verified_clinic_ranks_first(vocabulary):
    ix = open_index(None, vocabulary=vocabulary)
    common = dict(treatments=offers("mesotherapy"), description="Mesotherapy.")
    ix.index_clinics(
        [
            clinic_doc("nothing-verified", name="Alpha", score=0.0, **common, **place("Leeds")),
            clinic_doc("unscored", name="Beta", **common, **place("Leeds")),
            clinic_doc(
                "verified",
                name="Gamma",
                score=80.0,
                core_verified=True,
                **common,
                **place("Leeds"),
            ),
            clinic_doc("some", name="Delta", score=30.0, **common, **place("Leeds")),
        ]
    )
    found = ids(ix.search(SearchRequest(q="mesotherapy")))
    assert found[:2] == ["verified", "some"]
    assert set(found[2:]) == {"nothing-verified", "unscored"}  # no trust, no lift
    # Trust never lifts a weaker text match: mentioning mesotherapy is not offering it.
    ix.index_clinics(
        [
            clinic_doc(
                "mentions",
                name="Epsilon",
                description="Mesotherapy elsewhere.",
                treatments=[],
                score=100.0,
                core_verified=True,
            )
        ]
    )
    assert ids(ix.search(SearchRequest(q="mesotherapy")))[-1] == "mentions"
    ix.close()


def test_a_clinic_named_after_its_place_comes_first_in_a_later_segment(vocabulary):
    ix = open_index(None, vocabulary=vocabulary)
    leeds = place("Leeds", lat=53.8, lon=-1.55)
    ix.index_clinics([clinic_doc(f"a{i}", name=f"Alpha {i}", **leeds) for i in range(5)])
    skin = dict(treatments=offers("microneedling"), description=None)
    ix.index_clinics(  # a second commit: a second segment, whose documents are offset
        [
            clinic_doc(
                "robinson",
                name="Robinson Skin Clinic",
                score=90.0,
                **skin,
                **place("London", lat=51.49, lon=-0.17),
            ),
            clinic_doc(
                "chelsea",
                name="The Chelsea Skin Clinic",
                **skin,
                **place("London", lat=51.4875, lon=-0.1687),
            ),
        ]
    )
    assert len(ix._current().leaves) == 2
    assert ids(ix.search(SearchRequest(q="chelsea skin clinic"))) == ["chelsea", "robinson"]
    ix.close()


def test_a_typo_that_names_a_town_without_clinics_is_still_corrected(vocabulary):
    # Mogán (Canary Islands) holds no clinic here; "Morgan" names dozens: a typo.
    ix = open_index(None, vocabulary=vocabulary)
    ix.index_clinics(
        clinic_doc(f"m{i}", name=f"Morgan Skin {i}", **place("Leeds", lat=53.8, lon=-1.55))
        for i in range(30)
    )
    response = ix.search(SearchRequest(q="mogan"))
    assert response.suggestion == "morgan" and response.total == 30
    assert not response.interpretation.places
    ix.close()


def test_a_place_is_read_where_the_filters_allow(ix):
    # London holds clinics, but not in France: with country=FR the word finds no place there
    # and is relaxed away rather than read as London.
    response = search(ix, "mesolifting london", country=("FR",))
    assert ids(response) == ["paris-lift"]
    assert not [p for p in response.interpretation.places if p.name == "London"]
