"""The one evidence route: who may download a document, and the headers every download has."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from directory.clinics.services import save_profile
from tests.conftest import make_profile
from tests.moderation.helpers import (
    PDF,
    PNG,
    add_user,
    enrol,
    link_to_clinic,
    log_in,
    log_in_with_mfa,
    store_document,
)

# Who asks -> what they get. Everyone who may not read it gets 404, as if it did not exist.
OUTCOMES = [
    ("anonymous", 404),
    ("owner", 200),  # the clinic's own people
    ("editor", 200),
    ("other-clinic", 404),  # someone else's clinic
    ("moderator", 200),  # staff past the second factor
    ("admin", 200),
    ("moderator-no-mfa", "mfa"),  # held at the second factor, never given the file
]


@pytest.fixture
def clinic(db):
    """c-1 with its owner and an editor; c-2 with its own owner."""
    save_profile(db, make_profile("c-1"), actor="test")
    save_profile(db, make_profile("c-2", name="Second Street Skin"), actor="test")
    link_to_clinic(db, add_user(db, "owner@harley.example", role="clinic"), "c-1")
    link_to_clinic(db, add_user(db, "editor@harley.example", role="clinic"), "c-1", "editor")
    link_to_clinic(db, add_user(db, "owner@second.example", role="clinic"), "c-2")
    return "c-1"


def _client(app, db, who: str):
    client = app.test_client()
    if who in ("owner", "editor"):
        log_in(client, f"{who}@harley.example")
    elif who == "other-clinic":
        log_in(client, "owner@second.example")
    elif who in ("moderator", "admin"):
        user = add_user(db, f"{who}@vetted.example", role=who)
        log_in_with_mfa(client, db, f"{who}@vetted.example", user)
    elif who == "moderator-no-mfa":
        enrol(db, add_user(db, "late@vetted.example"))
        log_in(client, "late@vetted.example")
    return client


@pytest.mark.parametrize(("who", "expected"), OUTCOMES, ids=[o[0] for o in OUTCOMES])
def test_who_may_download_a_document(app, db, clinic, who, expected):
    stored = store_document(app, db, clinic, "informed-consent", PNG, "scan.png")
    response = _client(app, db, who).get(f"/evidence/{clinic}/{stored['stored_name']}")
    if expected == "mfa":
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/mfa/verify"
    else:
        assert response.status_code == expected
        assert (response.data == PNG) is (expected == 200)


@pytest.mark.parametrize(
    ("data", "uploaded_as", "mime", "download_name"),
    [
        (PNG, "scan.png", "image/png", "scan.png"),
        (PDF, "consent.pdf", "application/pdf", "consent.pdf"),
        # The extension follows the checked content, never the name it was uploaded under.
        (PNG, "licence.pdf", "image/png", "licence.png"),
        (PDF, "no-extension", "application/pdf", "no-extension.pdf"),
    ],
)
def test_every_download_has_the_one_set_of_headers(
    app, db, clinic, data, uploaded_as, mime, download_name
):
    stored = store_document(app, db, clinic, "informed-consent", data, uploaded_as)
    client = _client(app, db, "owner")
    response = client.get(f"/evidence/{clinic}/{stored['stored_name']}")
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == mime
    assert response.headers["Content-Disposition"] == f"attachment; filename={download_name}"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_document_is_found_only_under_its_own_clinic(app, db, clinic):
    stored = store_document(app, db, clinic, "informed-consent", PNG, "scan.png")
    moderator = _client(app, db, "moderator")
    assert moderator.get(f"/evidence/{clinic}/{stored['stored_name']}").status_code == 200
    # Staff see every clinic's documents, but only at the address of the clinic they belong to.
    assert moderator.get(f"/evidence/c-2/{stored['stored_name']}").status_code == 404
    assert moderator.get(f"/evidence/{clinic}/{'0' * 32}").status_code == 404
