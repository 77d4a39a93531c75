"""Fixtures for the search index: the vocabulary as plain data, RAM indexes, NHS documents."""

from __future__ import annotations

import pytest

from directory.search.services import plain_vocabulary
from index import open_index
from index.documents import to_document
from tests.conftest import SHARED_DATA, make_profile

NHS_FILE = "nhs-clinics/nhs_Clinics_2023_raw_notsign_delimited.csv"


@pytest.fixture(scope="session")
def vocabulary() -> dict:
    return plain_vocabulary()


def clinic_doc(clinic_id: str, **overrides) -> dict:
    """Return the index document of make_profile(clinic_id, **overrides) (version 1)."""
    profile = make_profile(clinic_id, **overrides)
    profile.setdefault("version", 1)
    return to_document(profile)


def place(city: str, country: str = "GB", lat: float | None = None, lon: float | None = None):
    """Return address and location overrides for make_profile."""
    location = {"lat": lat, "lon": lon} if lat is not None else None
    return {
        "address": {
            "lines": [],
            "city": city,
            "region": None,
            "postcode": None,
            "country": country,
        },
        "location": location,
    }


def ram_index(vocabulary: dict, *docs: dict):
    """Return a RAM index holding these documents."""
    ix = open_index(None, vocabulary=vocabulary)
    ix.index_clinics(docs)
    return ix


def offers(*keys: str) -> list[dict]:
    return [{"key": k, "price_from": None, "price_to": None, "currency": None} for k in keys]


# The relevance fixture set: one clinic per example the search must get right.
# key: name, description (None: none), treatments, languages (None: make_profile's), place
_FIXTURES = [
    ("harley", "Harley Skin Clinic", None, ("mesotherapy-face", "microneedling"), None,
     ("London", "GB", 51.5203, -0.1466)),
    ("skn", "sk:n London Holborn", "Laser and skin treatments.", ("microneedling",), None,
     ("London", "GB", 51.518, -0.1194)),
    ("ruskington", "Ruskington Medical Practice", "A GP surgery.", (), None,
     ("Sleaford", "GB", 53.048, -0.401)),
    ("thames-hair", "Thames Trichology", "Scalp micro-injections for thinning hair.",
     ("hair-mesotherapy",), None, ("London", "GB", 51.50, -0.12)),
    ("alopecia-care", "Alopecia Care Centre", "Advice and support.", (), None,
     ("Glasgow", "GB", 55.86, -4.25)),
    ("lipo-studio", "Lipo Body Studio", "Injection lipolysis and contouring.",
     ("mesotherapy-body", "body-contouring"), None, ("Manchester", "GB", 53.48, -2.24)),
    ("mesolift-paris", "Atelier Éclat", "Mésolift et hydratation.", ("mesolifting",), ["fr"],
     ("Paris", "FR", 48.8566, 2.3522)),
    ("dubai-meso", "عيادة الأمل", "جلسات ميزوثيرابي للوجه والشعر", ("mesotherapy",),
     ["ar", "en"], ("Dubai", "AE", 25.2, 55.27)),
    ("lyon-meso", "Clinique Mésothérapie Lyon", "Médecine esthétique.", ("mesotherapy",),
     ["fr"], ("Lyon", "FR", 45.76, 4.83)),
    ("pressure", "Pressure Point Leeds", "Lymphatic drainage for legs.", ("pressotherapy",),
     None, ("Leeds", "GB", 53.8, -1.55)),
    ("botox-bar", "Fine Line Bar", "Microbotox for pores.", ("mesobotox",), None,
     ("Birmingham", "GB", 52.48, -1.9)),
    ("needle-free", "Glow Room", "Electroporation facials.", ("needle-free-mesotherapy",),
     None, ("Bristol", "GB", 51.45, -2.59)),
]  # fmt: skip
FIXTURE_CLINICS = {
    key: {
        "name": name,
        **({"description": description} if description else {}),
        "treatments": offers(*treatments),
        **({"languages": languages} if languages else {}),
        **place(city, country, lat=lat, lon=lon),
    }
    for key, name, description, treatments, languages, (city, country, lat, lon) in _FIXTURES
}
MESOTHERAPY_FAMILY = {
    "harley",
    "thames-hair",
    "lipo-studio",
    "mesolift-paris",
    "dubai-meso",
    "lyon-meso",
    "botox-bar",
    "needle-free",
}


@pytest.fixture(scope="module")
def fixture_index(vocabulary):
    ix = open_index(None, vocabulary=vocabulary)
    ix.index_clinics(
        clinic_doc(key, description=None, **values)
        if "description" not in values
        else clinic_doc(key, **values)
        for key, values in FIXTURE_CLINICS.items()
    )
    yield ix
    ix.close()


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def read_nhs_rows() -> list[list[str]]:
    """Parse the NHS 2023 clinics file minimally: 19 fields split on '¬' per line."""
    path = SHARED_DATA / NHS_FILE
    assert path.exists(), f"{path} is missing: the real data must be beside the checkout"
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        fh.readline()  # header
        for line in fh:
            fields = line.rstrip("\r\n").rstrip(",").split("¬")
            assert len(fields) == 19, line
            rows.append(fields)
    return rows


def nhs_profile(row: list[str]) -> dict:
    """Return a profile-shaped clinic for one NHS row (id from OrganisationID)."""
    lat, lon = _number(row[13]), _number(row[14])
    return {
        "id": f"nhs-{row[0]}",
        "version": 1,
        "name": row[6],
        "brand": None,
        "description": None,
        "address": {
            "lines": [x for x in row[7:10] if x],
            "city": row[10] or None,
            "region": row[11] or None,
            "postcode": row[12] or None,
            "country": "GB",
        },
        "location": {"lat": lat, "lon": lon} if lat is not None and lon is not None else None,
        "treatments": [],
        "languages": [],
        "status": "published",
    }


@pytest.fixture(scope="session")
def nhs_rows() -> list[list[str]]:
    return read_nhs_rows()


@pytest.fixture(scope="session")
def nhs_index(nhs_rows, vocabulary):
    ix = open_index(None, vocabulary=vocabulary)
    seen = set()
    docs = []
    for row in nhs_rows:
        doc = to_document(nhs_profile(row))
        if doc["id"] not in seen:
            seen.add(doc["id"])
            docs.append(doc)
    ix.rebuild(docs)
    yield ix
    ix.close()
