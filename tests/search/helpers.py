"""Helpers for search tests: a sample of clinics and a stand-in index."""

from __future__ import annotations

from tests.conftest import make_profile


def clinic_set() -> list[dict]:
    """Six published clinics in three countries, one unpublished and one suspended."""
    dubai = {
        "lines": ["Jumeirah Road"],
        "city": "Dubai",
        "region": None,
        "postcode": None,
        "country": "AE",
    }
    paris = {
        "lines": ["1 rue de Rivoli"],
        "city": "Paris",
        "region": None,
        "postcode": "75001",
        "country": "FR",
    }
    manchester = {
        "lines": ["1 King Street"],
        "city": "Manchester",
        "region": None,
        "postcode": "M2 4LQ",
        "country": "GB",
    }
    meso = [{"key": "mesotherapy", "price_from": None, "price_to": None, "currency": None}]
    hair = [{"key": "hair-mesotherapy", "price_from": None, "price_to": None, "currency": None}]
    needling = [{"key": "microneedling", "price_from": None, "price_to": None, "currency": None}]
    return [
        make_profile("gb-1"),  # London, face mesotherapy + microneedling, ar/en
        make_profile(
            "gb-2",
            name="Thames Aesthetics",
            treatments=needling,
            languages=["en"],
            location={"lat": 51.5033, "lon": -0.1196},
            description="Microneedling for acne scars on the South Bank.",
        ),
        make_profile(
            "gb-3",
            name="Northern Glow",
            address=manchester,
            treatments=meso,
            languages=["en"],
            location={"lat": 53.4808, "lon": -2.2426},
            description="Mesotherapy for face and body in central Manchester.",
        ),
        make_profile(
            "ae-1",
            name="Jumeirah Hair Centre",
            address=dubai,
            treatments=hair,
            languages=["ar", "en"],
            location={"lat": 25.2048, "lon": 55.2708},
            description="Hair mesotherapy with dutasteride for thinning hair.",
        ),
        make_profile(
            "ae-2",
            name="Marina Skin",
            address=dubai,
            treatments=needling,
            languages=["ar"],
            location={"lat": 25.08, "lon": 55.14},
            description="Microneedling and skin boosters in Dubai Marina.",
        ),
        make_profile(
            "fr-1",
            name="Clinique Rivoli",
            address=paris,
            treatments=meso,
            languages=["fr"],
            location={"lat": 48.8606, "lon": 2.3376},
            description="Mésothérapie du visage et des cheveux.",
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

    def search(self, request):
        from index.types import SearchResponse

        self.requests.append(request)
        total = len(self.hits) if self.total is None else self.total
        return SearchResponse(
            total=total, hits=self.hits, page=request.page, per_page=request.per_page, **self.extra
        )

    def close(self) -> None:
        pass
