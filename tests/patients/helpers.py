"""Helpers for the patient tests: HTML parsing, saved clinics, verified items, a stand-in index."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from tests.conftest import make_profile

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list = field(default_factory=list)  # Node or str

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join("".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list[Node]:
        """Return descendants with this tag whose attributes match (class_ matches one class)."""
        out = []
        for node in self.iter():
            if tag is not None and node.tag != tag:
                continue
            ok = True
            for name, value in attrs.items():
                if name == "class_":
                    ok = ok and value in (node.attrs.get("class") or "").split()
                elif value is True:
                    ok = ok and name.replace("_", "-") in node.attrs
                else:
                    ok = ok and node.attrs.get(name.replace("_", "-")) == value
            if ok:
                out.append(node)
        return out

    def find(self, tag: str | None = None, **attrs) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for at in range(len(self.stack) - 1, 0, -1):
            if self.stack[at].tag == tag:
                del self.stack[at:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(html: str | bytes) -> Node:
    """Parse a page into a small tree (stdlib only) so tests can check structure, not substrings."""
    builder = _Builder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    builder.close()
    return builder.root


def save(db, clinic_id: str, **overrides) -> dict:
    from directory.clinics.services import save_profile

    profile = make_profile(clinic_id, **overrides)
    save_profile(db, profile, actor="test")
    return profile


def vetting_services():
    """Return directory.vetting.services when it offers what these tests need, else skip."""
    services = pytest.importorskip("directory.vetting.services")
    for name in ("claim_item", "attach_evidence", "verify_claim", "clinic_checklist"):
        if not hasattr(services, name):
            pytest.skip(f"directory.vetting.services.{name} is not written yet")
    return services


def verify_item(db, clinic_id: str, item_key: str, *, today: date | None = None) -> None:
    """Take one checklist item of a clinic through claim, evidence and moderator verification."""
    services = vetting_services()
    today = today or date.today()
    services.claim_item(db, clinic_id, item_key, statement="We do this.", actor="clinic")
    services.attach_evidence(
        db,
        clinic_id,
        item_key,
        {"kind": "statement", "value": "Our written procedure."},
        actor="clinic",
    )
    services.verify_claim(
        db,
        clinic_id,
        item_key,
        moderator_id=None,
        moderator_name="Mo Derator",
        verified_at=today - timedelta(days=10),
        expires_at=today + timedelta(days=300),
    )


class StubIndex:
    """Stands in for the search index: returns the given ids and records each request."""

    def __init__(self, ids: list[str]):
        self.ids = list(ids)
        self.requests: list = []

    def search(self, request):
        from index.types import Hit, SearchResponse

        self.requests.append(request)
        hits = [Hit(id=i, rank=n + 1, relevance=0.0) for n, i in enumerate(self.ids)]
        return SearchResponse(total=len(hits), hits=hits[: request.per_page])

    def close(self) -> None:
        pass
