"""Fixtures of the vetting tests: an in-memory store with one clinic, and an HTML reader."""

from __future__ import annotations

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from tests.conftest import make_profile

TODAY = date(2026, 11, 22)
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


@pytest.fixture
def store():
    """A private in-memory store (all migrations applied), no app needed."""
    from directory.db import connect

    handle = connect(None)
    yield handle
    handle.close()


@pytest.fixture
def clinic(store):
    """Save one clinic (face mesotherapy, microneedling; one licensed dermatologist)."""
    from directory.clinics.services import save_profile

    save_profile(store, make_profile("c-1"), actor="test")
    return "c-1"


def verify(
    db,
    clinic_id,
    key,
    *,
    today=TODAY,
    days_ago=10,
    expires_in=None,
    name="Ana Reyes",
    evidence=None,
):
    """Claim, evidence and verify one item; return the verified claim."""
    from directory.vetting import services

    services.claim_item(db, clinic_id, key, statement="We do this.", actor="clinic", today=today)
    services.attach_evidence(
        db,
        clinic_id,
        key,
        evidence or {"kind": "statement", "value": "Our procedure."},
        actor="clinic",
        today=today,
    )
    verified_at = today - timedelta(days=days_ago)
    expires_at = today + timedelta(days=expires_in) if expires_in is not None else None
    item = services.load_checklist().get(key)
    return services.verify_claim(
        db,
        clinic_id,
        key,
        moderator_id=7,
        moderator_name=name,
        verified_at=verified_at,
        expires_at=expires_at or verified_at + timedelta(days=item.expires_days),
        today=today,
    )


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def matches(self, name: str, value: str) -> bool:
        """class_="x": x is one of the classes; data_item="y": attribute data-item is y."""
        if name == "class_":
            return value in self.attrs.get("class", "").split()
        return self.attrs.get(name.replace("_", "-")) == value

    def find_all(self, tag: str | None = None, **attrs) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and all(
                    child.matches(k, v) for k, v in attrs.items()
                ):
                    found.append(child)
                found.extend(child.find_all(tag, **attrs))
        return found

    def find(self, tag: str | None = None, **attrs) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(html: str) -> Node:
    """Parse an HTML page into a small tree that tests can search by tag and attribute."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root
