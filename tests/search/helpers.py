"""Helpers for search tests: a sample of clinics and a stand-in index."""

from __future__ import annotations

from tests.conftest import make_profile


def _address(line: str, city: str, postcode: str | None, country: str) -> dict:
    return {"lines": [line], "city": city, "region": None, "postcode": postcode, "country": country}


DUBAI = _address("Jumeirah Road", "Dubai", None, "AE")
PARIS = _address("1 rue de Rivoli", "Paris", "75001", "FR")
MANCHESTER = _address("1 King Street", "Manchester", "M2 4LQ", "GB")
# id, name, address (None: London, make_profile's), treatment, languages, (lat, lon), description
_CLINICS = [
    ("gb-2", "Thames Aesthetics", None, "microneedling", ["en"], (51.5033, -0.1196),
     "Microneedling for acne scars on the South Bank."),
    ("gb-3", "Northern Glow", MANCHESTER, "mesotherapy", ["en"], (53.4808, -2.2426),
     "Mesotherapy for face and body in central Manchester."),
    ("ae-1", "Jumeirah Hair Centre", DUBAI, "hair-mesotherapy", ["ar", "en"], (25.2048, 55.2708),
     "Hair mesotherapy with dutasteride for thinning hair."),
    ("ae-2", "Marina Skin", DUBAI, "microneedling", ["ar"], (25.08, 55.14),
     "Microneedling and skin boosters in Dubai Marina."),
    ("fr-1", "Clinique Rivoli", PARIS, "mesotherapy", ["fr"], (48.8606, 2.3376),
     "Mésothérapie du visage et des cheveux."),
]  # fmt: skip


def clinic_set() -> list[dict]:
    """Six published clinics in three countries, one unpublished and one suspended."""
    return [
        make_profile("gb-1"),  # London, face mesotherapy + microneedling, ar/en
        *(
            make_profile(
                clinic_id,
                name=name,
                **({"address": address} if address else {}),
                treatments=[{"key": key, "price_from": None, "price_to": None, "currency": None}],
                languages=languages,
                location={"lat": lat, "lon": lon},
                description=description,
            )
            for clinic_id, name, address, key, languages, (lat, lon), description in _CLINICS
        ),
        make_profile("gb-x", name="Hidden Unpublished Clinic", status="unpublished"),
        make_profile("gb-s", name="Suspended Sample Clinic", status="suspended"),
    ]


PUBLISHED = ["ae-1", "ae-2", "fr-1", "gb-1", "gb-2", "gb-3"]


class FakeIndex:
    """Answers every search with fixed hits, facets and suggestion (to test the web layer)."""

    def __init__(self, hits=(), total=None, **extra):
        self.hits, self.total, self.extra = list(hits), total, extra
        self.requests: list = []

    def token(self) -> tuple:
        # What the web layer keys its caches on: another fake is another index.
        return ("fake", id(self), len(self.hits), self.total)

    def search(self, request):
        from index.types import SearchResponse

        self.requests.append(request)
        total = len(self.hits) if self.total is None else self.total
        return SearchResponse(
            total=total, hits=self.hits, page=request.page, per_page=request.per_page, **self.extra
        )

    def close(self) -> None:
        pass
