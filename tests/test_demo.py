"""The deterministic demo directory: realistic, varied, valid profiles from a seed."""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import date
from html import unescape
from urllib.parse import urlsplit

import phonenumbers
import pytest

from directory.clinics import storage
from directory.clinics.services import CREATED, UNCHANGED, save_profile
from directory.demo import BASE_DATE, generate_profiles
from directory.vocabulary import load_vocabulary
from tests.conftest import make_profile

ARABIC = re.compile("[\u0600-\u06ff]")
FRENCH_NAME = re.compile(r"^(Clinique|Centre|Cabinet|Institut) ")
ROLES = {"dermatologist", "plastic-surgeon", "physician", "nurse", "pharmacist", "aesthetician"}
DOCTORS = {"dermatologist", "plastic-surgeon", "physician"}
CURRENCIES = {
    "GB": "GBP", "AE": "AED", "US": "USD", "FR": "EUR", "ES": "EUR", "TR": "TRY",
    "BR": "BRL", "IN": "INR", "SA": "SAR", "DE": "EUR", "IT": "EUR",
}  # fmt: skip
# Real city centres, written out independently of the demo data, with their countries.
CITY_CENTRES = {
    "London": ("GB", 51.5074, -0.1278), "Manchester": ("GB", 53.4808, -2.2426),
    "Birmingham": ("GB", 52.4862, -1.8904), "Leeds": ("GB", 53.8008, -1.5491),
    "Glasgow": ("GB", 55.8642, -4.2518), "Dubai": ("AE", 25.2048, 55.2708),
    "Abu Dhabi": ("AE", 24.4539, 54.3773), "Sharjah": ("AE", 25.3463, 55.4209),
    "New York": ("US", 40.7128, -74.0060), "Los Angeles": ("US", 34.0522, -118.2437),
    "Miami": ("US", 25.7617, -80.1918), "Houston": ("US", 29.7604, -95.3698),
    "Chicago": ("US", 41.8781, -87.6298), "Paris": ("FR", 48.8566, 2.3522),
    "Lyon": ("FR", 45.7640, 4.8357), "Marseille": ("FR", 43.2965, 5.3698),
    "Nice": ("FR", 43.7102, 7.2620), "Madrid": ("ES", 40.4168, -3.7038),
    "Barcelona": ("ES", 41.3874, 2.1686), "Valencia": ("ES", 39.4699, -0.3763),
    "Marbella": ("ES", 36.5101, -4.8825), "Istanbul": ("TR", 41.0082, 28.9784),
    "Ankara": ("TR", 39.9334, 32.8597), "Antalya": ("TR", 36.8969, 30.7133),
    "Izmir": ("TR", 38.4237, 27.1428), "São Paulo": ("BR", -23.5505, -46.6333),
    "Rio de Janeiro": ("BR", -22.9068, -43.1729), "Belo Horizonte": ("BR", -19.9167, -43.9345),
    "Mumbai": ("IN", 19.0760, 72.8777), "Delhi": ("IN", 28.6139, 77.2090),
    "Bangalore": ("IN", 12.9716, 77.5946), "Hyderabad": ("IN", 17.3850, 78.4867),
    "Riyadh": ("SA", 24.7136, 46.6753), "Jeddah": ("SA", 21.4858, 39.1925),
    "Berlin": ("DE", 52.5200, 13.4050), "Munich": ("DE", 48.1351, 11.5820),
    "Milan": ("IT", 45.4642, 9.1900), "Rome": ("IT", 41.9028, 12.4964),
}  # fmt: skip


@pytest.fixture(scope="module")
def demo() -> list[dict]:
    """The default demo (400 clinics, seed 2026); tests only read it."""
    return generate_profiles()


@pytest.fixture(scope="module")
def big_demo() -> list[dict]:
    return generate_profiles(3000)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


# --- determinism and size ---------------------------------------------------------------


def test_same_seed_gives_identical_profiles():
    assert generate_profiles(150, seed=7) == generate_profiles(150, seed=7)


def test_different_seed_gives_different_profiles():
    first, second = generate_profiles(150, seed=7), generate_profiles(150, seed=8)
    assert first != second
    same_names = sum(a["name"] == b["name"] for a, b in zip(first, second, strict=True))
    assert same_names < 15


def test_default_seed_is_2026():
    assert generate_profiles(40) == generate_profiles(40, seed=2026)


def test_small_demo_is_the_start_of_a_bigger_one():
    assert generate_profiles(60) == generate_profiles(500)[:60]


@pytest.mark.parametrize("count", [0, 1, 11, 400])
def test_count_and_stable_ids(count):
    profiles = generate_profiles(count)
    assert [p["id"] for p in profiles] == [f"demo-{n:05d}" for n in range(1, count + 1)]


def test_negative_count_is_refused():
    with pytest.raises(ValueError):
        generate_profiles(-1)


def test_twenty_thousand_clinics_are_generated():
    profiles = generate_profiles(20_000)
    assert len(profiles) == 20_000
    assert len({p["id"] for p in profiles}) == 20_000
    assert profiles[-1]["id"] == "demo-20000"


# --- shape ------------------------------------------------------------------------------


def test_profiles_have_exactly_the_documented_shape(demo):
    reference = make_profile()
    for p in demo:
        assert p.keys() == reference.keys()
        assert p["address"].keys() == reference["address"].keys()
        assert p["contact"].keys() == reference["contact"].keys()
        assert p["location"].keys() == reference["location"].keys()
        for t in p["treatments"]:
            assert t.keys() == reference["treatments"][0].keys()
        for person in p["practitioners"]:
            assert person.keys() == reference["practitioners"][0].keys()


# --- places -----------------------------------------------------------------------------


def test_the_default_demo_covers_the_required_countries_and_cities(demo):
    countries = Counter(p["address"]["country"] for p in demo)
    assert {"AE", "GB", "US", "FR", "ES", "TR", "BR", "IN"} <= set(countries)
    assert len(countries) >= 8
    assert all(n >= 5 for n in countries.values())
    cities = {p["address"]["city"] for p in demo}
    assert {"Dubai", "Abu Dhabi", "London", "New York", "Paris", "Istanbul", "Mumbai"} <= cities


def test_every_named_city_appears_in_a_larger_demo(big_demo):
    cities = {p["address"]["city"] for p in big_demo}
    assert set(CITY_CENTRES) <= cities


def test_every_demo_of_a_dozen_covers_every_country():
    assert len({p["address"]["country"] for p in generate_profiles(12)}) == 11


def test_coordinates_are_real_places_near_a_named_city(big_demo):
    for p in big_demo:
        lat, lon = p["location"]["lat"], p["location"]["lon"]
        assert -90 <= lat <= 90 and -180 <= lon <= 180
        km, city = min((_km(lat, lon, c[1], c[2]), name) for name, c in CITY_CENTRES.items())
        assert km < 30, (p["id"], city, km)
        assert CITY_CENTRES[city][0] == p["address"]["country"], (p["id"], city)


def test_clinics_in_a_city_are_spread_out_not_stacked(demo):
    dubai = [(p["location"]["lat"], p["location"]["lon"]) for p in demo
             if p["address"]["city"] == "Dubai"]  # fmt: skip
    assert len(set(dubai)) == len(dubai) > 10


@pytest.mark.parametrize(
    "country, pattern",
    [
        ("GB", r"[A-Z]{1,2}\d{1,2}[A-Z]? \d[A-Z]{2}"),  # outward and inward code: SW3 1NE
        ("US", r"\d{5}"),  # ZIP code
        ("FR", r"(75|69|13|06)\d{3}"),  # code postal of Paris, Lyon, Marseille, Nice
        ("ES", r"(28|08|46|29)\d{3}"),  # Madrid, Barcelona, Valencia, Málaga provinces
        ("TR", r"(34|06|07|35)\d{3}"),  # Istanbul, Ankara, Antalya, Izmir
        ("BR", r"\d{5}-\d{3}"),  # CEP
        ("IN", r"[1-9]\d{5}"),  # PIN code
        ("SA", r"[1-9]\d{4}"),  # Saudi postal code
        ("DE", r"\d{5}"),  # Postleitzahl
        ("IT", r"\d{5}"),  # CAP
        ("AE", None),  # the UAE has no postcodes
    ],
)
def test_postcodes_follow_the_country_format(big_demo, country, pattern):
    postcodes = [p["address"]["postcode"] for p in big_demo if p["address"]["country"] == country]
    assert postcodes
    for postcode in postcodes:
        if pattern is None:
            assert postcode is None
        else:
            assert re.fullmatch(pattern, postcode), postcode


def test_addresses_have_street_lines(big_demo):
    for p in big_demo:
        assert p["address"]["lines"] and all(line.strip() for line in p["address"]["lines"])
        assert not re.search(r"[{}#%@]", " ".join(p["address"]["lines"]))


# --- contact ----------------------------------------------------------------------------


def test_phone_numbers_are_valid_international_numbers_of_the_country(big_demo):
    for p in big_demo:
        phone = p["contact"]["phone"]
        assert phone.startswith("+")
        parsed = phonenumbers.parse(phone, None)
        assert phonenumbers.is_valid_number(parsed), phone
        assert phonenumbers.region_code_for_number(parsed) == p["address"]["country"], phone


@pytest.mark.parametrize(
    "country, pattern",
    [
        ("GB", r"\+44 (20 7946|161 496|121 496|113 496|141 496) 0\d{3}"),  # Ofcom drama numbers
        ("US", r"\+1 \d{3} 555 01\d{2}"),  # 555-0100 to 555-0199, reserved for fiction
        ("FR", r"\+33 (1 99 00|4 65 71) \d{2} \d{2}"),  # ARCEP's ranges for fiction
    ],
)
def test_numbers_stay_in_ranges_reserved_for_fiction(big_demo, country, pattern):
    phones = [p["contact"]["phone"] for p in big_demo if p["address"]["country"] == country]
    assert phones
    for phone in phones:
        assert re.fullmatch(pattern, phone), phone


def test_dubai_and_london_numbers_use_their_area_codes(demo):
    for p in demo:
        if p["address"]["city"] == "London":
            assert p["contact"]["phone"].startswith("+44 20 ")
        if p["address"]["city"] == "Dubai":
            assert p["contact"]["phone"].startswith(("+971 4 ", "+971 5"))


def test_websites_and_emails_only_use_the_reserved_example_domain(big_demo):
    websites = [p["contact"]["website"] for p in big_demo if p["contact"]["website"]]
    emails = [p["contact"]["email"] for p in big_demo if p["contact"]["email"]]
    assert len(websites) > 2000 and len(emails) > 2000
    for url in websites:
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.hostname.endswith(".example"), url
        assert re.fullmatch(r"[a-z0-9.-]+", parts.hostname), url
    for email in emails:
        assert re.fullmatch(r"[a-z0-9.-]+@[a-z0-9.-]+\.example", email), email


def test_independent_clinics_do_not_share_a_website(big_demo):
    sites = [p["contact"]["website"] for p in big_demo if p["contact"]["website"]]
    assert len(sites) == len(set(sites))


def test_npi_numbers_pass_the_luhn_check(big_demo):
    npis = [p["external_ids"]["npi"] for p in big_demo if "npi" in p["external_ids"]]
    assert npis
    for npi in npis:
        digits = [int(d) for d in "80840" + npi]
        total = sum(
            d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2)
            for i, d in enumerate(reversed(digits))
        )
        assert len(npi) == 10 and total % 10 == 0, npi


# --- names, brands, languages, text -----------------------------------------------------


def test_some_names_are_arabic_and_some_french(demo):
    arabic = [p for p in demo if ARABIC.search(p["name"])]
    french = [p for p in demo if FRENCH_NAME.match(p["name"])]
    assert len(arabic) >= 5 and {p["address"]["country"] for p in arabic} <= {"AE", "SA"}
    assert len(french) >= 5


def test_names_are_unique_within_a_city(big_demo):
    names = Counter((p["name"], p["address"]["city"]) for p in big_demo)
    assert max(names.values()) == 1


def test_chains_have_several_branches_on_one_domain(demo):
    branches: dict[str, list[dict]] = {}
    for p in demo:
        if p["brand"]:
            branches.setdefault(p["brand"], []).append(p)
    assert sum(len(b) >= 3 for b in branches.values()) >= 3
    for brand, clinics in branches.items():
        hosts = {urlsplit(c["contact"]["website"]).hostname for c in clinics}
        assert len(hosts) == 1, brand
        assert all(c["name"].startswith(brand) for c in clinics)
    assert sum(1 for p in demo if p["brand"] is None) > 300


@pytest.mark.parametrize(
    "country, required",
    [
        ("AE", {"ar", "en"}),  # Emirates: Arabic and English everywhere
        ("SA", {"ar", "en"}),  # Saudi Arabia likewise
        ("GB", {"en"}),
        ("US", {"en"}),
        ("FR", {"fr", "en"}),
        ("ES", {"es", "en"}),
        ("TR", {"tr", "en"}),
        ("BR", {"pt", "en"}),
        ("IN", {"en", "hi"}),
        ("DE", {"de", "en"}),
        ("IT", {"it", "en"}),
    ],
)
def test_languages_suit_the_country(big_demo, country, required):
    known = load_vocabulary().languages
    clinics = [p for p in big_demo if p["address"]["country"] == country]
    assert clinics
    for p in clinics:
        assert required <= set(p["languages"])
        assert p["languages"] == sorted(set(p["languages"]))
        assert set(p["languages"]) <= set(known)
    # Some clinics add more languages than the country's own.
    assert any(set(p["languages"]) - required for p in clinics)


def test_uae_clinics_sometimes_speak_south_asian_and_other_languages(big_demo):
    extra = Counter(
        code
        for p in big_demo
        if p["address"]["country"] == "AE"
        for code in p["languages"]
        if code not in ("ar", "en")
    )
    assert {"hi", "ur", "ru", "fa"} <= set(extra)


def test_descriptions_are_60_to_200_words_and_name_the_treatments(big_demo):
    vocabulary = load_vocabulary()
    for p in big_demo:
        text = p["description"]
        assert 60 <= len(text.split()) <= 200, (p["id"], len(text.split()))
        assert not re.search(r"[{}]", text), p["id"]
        labels = {
            label.lower()
            for t in p["treatments"]
            for label in vocabulary.treatments[t["key"]].labels.values()
        }
        assert any(label in text.lower() for label in labels), p["id"]


def test_descriptions_come_in_french_and_arabic_too(big_demo):
    french = [p for p in big_demo if "Nous " in p["description"] or " est " in p["description"]]
    arabic = [p for p in big_demo if ARABIC.search(p["description"].split("\n")[-1])]
    assert french and {p["address"]["country"] for p in french} == {"FR"}
    assert arabic and {p["address"]["country"] for p in arabic} <= {"AE", "SA"}
    assert any(p["address"]["country"] == "AE" for p in arabic)


def test_descriptions_vary(demo):
    openings = Counter(p["description"].split(".")[0].replace(p["name"], "") for p in demo)
    assert openings.most_common(1)[0][1] < len(demo) / 5


# --- treatments and prices --------------------------------------------------------------


def test_treatments_come_from_the_vocabulary(big_demo):
    known = set(load_vocabulary().treatments)
    used = Counter()
    for p in big_demo:
        keys = [t["key"] for t in p["treatments"]]
        assert 2 <= len(keys) <= 6
        assert len(set(keys)) == len(keys)
        assert set(keys) <= known
        used.update(keys)
    assert set(used) == known  # every treatment is offered somewhere


def test_prices_are_in_local_currency_for_most_but_not_all(big_demo):
    priced = unpriced = 0
    for p in big_demo:
        for t in p["treatments"]:
            if t["price_from"] is None:
                unpriced += 1
                assert t["price_to"] is None and t["currency"] is None
                continue
            priced += 1
            assert t["currency"] == CURRENCIES[p["address"]["country"]]
            assert isinstance(t["price_from"], float) and t["price_from"] > 0
            assert t["price_to"] is None or t["price_to"] > t["price_from"]
    assert priced > 3 * unpriced > 0


def test_clinics_offering_mesobotox_nearly_always_have_a_prescriber(big_demo):
    clinics = [p for p in big_demo if any(t["key"] == "mesobotox" for t in p["treatments"])]
    without = [p for p in clinics if not any(x["prescriber"] for x in p["practitioners"])]
    assert clinics and len(without) < len(clinics) / 20


# --- practitioners ----------------------------------------------------------------------


def test_practitioners_have_known_roles_and_doctors_prescribe(big_demo):
    for p in big_demo:
        assert 1 <= len(p["practitioners"]) <= 5
        for person in p["practitioners"]:
            assert person["role"] in ROLES
            assert person["name"].strip()
            if person["role"] in DOCTORS:
                assert person["prescriber"] is True
                assert person["licence_number"] and person["licence_authority"]
            if person["role"] == "aesthetician":
                assert person["prescriber"] is False


@pytest.mark.parametrize(
    "city, role, pattern, authority",
    [
        ("London", "physician", r"GMC \d{7}", "General Medical Council"),  # GMC: 7 digits
        ("London", "nurse", r"\d{2}[A-Z]\d{4}[A-Z]", "Nursing and Midwifery Council"),  # NMC PIN
        ("Dubai", "dermatologist", r"DHA-P-\d{7}", "Dubai Health Authority"),  # DHA licence
        ("Abu Dhabi", "physician", r"GD\d{5}", "Department of Health - Abu Dhabi"),  # DOH
        ("New York", "physician", r"NY \d{6}", "New York State Education Department, "
         "Office of the Professions"),  # NY state licence
        ("Paris", "physician", r"RPPS 10\d{9}",
         "Conseil national de l'Ordre des médecins"),  # RPPS: 11 digits
        ("Madrid", "physician", r"Col\. 2828\d{5}",
         "Ilustre Colegio Oficial de Médicos de Madrid"),  # colegiado number, province 28
        ("Istanbul", "physician", r"Diploma tescil \d{6}", "T.C. Sağlık Bakanlığı"),  # diploma
        ("São Paulo", "physician", r"CRM-SP \d{6}",
         "Conselho Regional de Medicina do Estado de São Paulo"),  # CRM of the state
        ("Mumbai", "physician", r"MMC \d{6}", "Maharashtra Medical Council"),  # state council
        ("Riyadh", "physician", r"SCFHS \d{2}-R-\d{6}",
         "Saudi Commission for Health Specialties"),  # SCFHS registration
    ],
)  # fmt: skip
def test_licence_numbers_follow_the_authority_format(big_demo, city, role, pattern, authority):
    people = [
        person
        for p in big_demo
        if p["address"]["city"] == city
        for person in p["practitioners"]
        if person["role"] == role and person["licence_number"]
    ]
    assert people
    for person in people:
        assert re.fullmatch(pattern, person["licence_number"]), person["licence_number"]
        assert person["licence_authority"] == authority


def test_some_aestheticians_have_no_licence_and_some_licences_have_lapsed(big_demo):
    people = [person for p in big_demo for person in p["practitioners"]]
    unlicensed = [x for x in people if not x["licence_number"]]
    assert unlicensed and {x["role"] for x in unlicensed} == {"aesthetician"}
    assert all(x["licence_authority"] is None and x["licence_expiry"] is None for x in unlicensed)
    expiries = [date.fromisoformat(x["licence_expiry"]) for x in people if x["licence_expiry"]]
    assert min(expiries) >= date(2025, 1, 1) and max(expiries) <= date(2031, 12, 31)
    # The rest run one to six years past BASE_DATE: the demo stays realistic for years.
    assert all(d >= date(2027, 1, 1) for d in expiries if d >= BASE_DATE)
    lapsed = sum(d < BASE_DATE for d in expiries)
    assert 0.05 < lapsed / len(expiries) < 0.25


def test_doctors_carry_their_local_title(demo):
    for p in demo:
        country = p["address"]["country"]
        for person in p["practitioners"]:
            if person["role"] in DOCTORS and country == "US":
                assert ", MD" in person["name"]
            elif person["role"] in DOCTORS and country in ("GB", "FR"):
                assert person["name"].startswith("Dr ")


# --- status, opening hours --------------------------------------------------------------


def test_a_few_clinics_are_unpublished_or_suspended(demo):
    statuses = Counter(p["status"] for p in demo)
    assert statuses == {"published": 388, "unpublished": 8, "suspended": 4}


def test_opening_hours_are_readable(demo):
    for p in demo:
        assert re.search(r"(Mon|Tue|Sat|Sun|Daily)", p["opening_hours"]), p["opening_hours"]
        assert re.search(r"\d{1,2}:\d{2}", p["opening_hours"])


# --- storage and pages ------------------------------------------------------------------


def test_every_profile_saves_and_reads_back_unchanged(db, demo):
    for profile in demo:
        assert save_profile(db, profile, actor="test") == CREATED
    for profile in demo[::7]:
        assert storage.get_profile(db, profile["id"]) == profile
    # Loading the same demo again changes nothing.
    assert {save_profile(db, p, actor="test") for p in demo[:50]} == {UNCHANGED}
    assert storage.count_clinics(db, statuses=None) == len(demo)


def test_loading_the_demo_twice_changes_nothing(db):
    from directory.services import load_demo_data

    assert load_demo_data(db, count=30, seed=5) == "30 created"
    assert load_demo_data(db, count=30, seed=5) == "30 unchanged"
    assert storage.count_clinics(db, statuses=None) == 30


def test_clinic_pages_render_and_unpublished_ones_are_hidden(client, db, demo):
    sample = demo[::9] + [p for p in demo if p["status"] != "published"]
    for profile in sample:
        save_profile(db, profile, actor="test")
    for profile in sample:
        response = client.get(f"/clinics/{profile['id']}")
        if profile["status"] == "unpublished":
            assert response.status_code == 404
            continue
        assert response.status_code == 200, profile["id"]
        html = unescape(response.get_data(as_text=True))
        assert f"<h1>{profile['name']}</h1>" in html
        assert profile["practitioners"][0]["name"] in html
        if profile["status"] == "suspended":
            assert "This listing is suspended" in html
