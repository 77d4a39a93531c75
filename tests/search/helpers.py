"""Helpers for search tests: a sample of clinics and a small HTML tree to assert on."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

import index
from tests.conftest import make_profile

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# True while index/ is the naive stub: it neither filters, ranks, counts facets nor suggests.
INDEX_IS_STUB = "STUB" in (index.__doc__ or "")
needs_real_index = pytest.mark.skipif(
    INDEX_IS_STUB, reason="needs the real Whoosh index (issue 3); index/ is still the stub"
)


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


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[Node]:
        """Return descendants with this tag, class and exact attribute values."""
        out = []
        for node in self.iter():
            if tag and node.tag != tag:
                continue
            if cls and cls not in (node.attrs.get("class") or "").split():
                continue
            if any(node.attrs.get(k.rstrip("_")) != v for k, v in attrs.items()):
                continue
            out.append(node)
        return out

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> Node | None:
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(text: str) -> Node:
    """Parse a page into a small tree to assert on structure, not substrings."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


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
