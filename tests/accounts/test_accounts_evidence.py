"""Evidence: documents stored privately, served only to who may see them.

What a document may contain is tested in tests/evidence/test_evidence_files.py.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from directory.evidence.services import Proofs, submit_evidence
from directory.vetting.services import VettingError, get_claim
from tests.accounts.helpers import PDF, PNG, field_errors, log_in, log_in_as
from tests.soup import parse_html, text_of


def upload(client, clinic, item, **fields):
    data = {"statement": "", "link": "", "licence_number": "", **fields}
    return client.post(
        f"/manage/{clinic}/items/{item}", data=data, content_type="multipart/form-data"
    )


def test_upload_stores_the_file_privately_and_sends_the_claim_to_review(
    app, client, db, people, clinic
):
    log_in(client, people["editor"])
    response = upload(
        client,
        clinic,
        "informed-consent",
        statement="Every patient signs our consent form.",
        link="https://www.harley.example/consent",
        document=(io.BytesIO(PDF), "../../consent form.exe"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"] == f"/manage/{clinic}"
    claim = get_claim(db, clinic, "informed-consent")
    assert claim["state"] == "pending_review"
    assert claim["statement"] == "Every patient signs our consent form."
    kinds = sorted(e["kind"] for e in claim["evidence"])
    assert kinds == ["document", "link"]
    document = next(e for e in claim["evidence"] if e["kind"] == "document")
    assert document["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert document["mime"] == "application/pdf" and document["filename"] == "consent form.exe"
    # Stored outside any static folder, under a random name, readable by the owner only.
    path = Path(app.config["EVIDENCE_DIR"]) / document["stored_name"]
    assert path.read_bytes() == PDF
    assert path.stat().st_mode & 0o077 == 0
    assert "static" not in path.parts and document["stored_name"] not in ("consent", "form")
    # The dashboard shows it waiting.
    page = parse_html(client.get(f"/manage/{clinic}").data)
    row = page.find(id="item-informed-consent")
    assert row["data-state"] == "pending_review"


def test_refused_file_keeps_the_typed_text_and_stores_nothing(app, client, db, people, clinic):
    log_in(client, people["owner"])
    response = upload(
        client,
        clinic,
        "informed-consent",
        statement="Our statement stays.",
        document=(io.BytesIO(b"MZ fake pdf"), "consent.pdf"),
    )
    assert response.status_code == 200
    page = parse_html(response.data)
    assert any("Only PDF, PNG and JPEG" in e for e in field_errors(page, "document"))
    assert "Our statement stays." in text_of(page.find(id="statement"))
    assert db.execute("select count(*) from evidence").fetchone()[0] == 0
    evidence_dir = Path(app.config["EVIDENCE_DIR"])
    assert not evidence_dir.exists() or list(evidence_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "statement", "Add at least one of"),  # nothing at all
        ({"link": "javascript:alert(1)"}, "link", "Only web addresses starting with http"),
        ({"link": "file:///etc/passwd"}, "link", "Only web addresses starting with http"),
        ({"statement": "<script>alert(1)</script>"}, "statement", "HTML is not allowed"),
        ({"licence_number": "GMC\u202e123"}, "licence_number", "invisible formatting"),
        ({"statement": "x" * 3000}, "statement", "at most 2000"),
    ],
)
def test_bad_evidence_is_a_form_error(client, db, people, clinic, fields, field, message):
    log_in(client, people["owner"])
    response = upload(client, clinic, "informed-consent", **fields)
    assert response.status_code == 200
    errors = field_errors(parse_html(response.data), field)
    assert any(message in e for e in errors), errors
    assert db.execute("select count(*) from claims").fetchone()[0] == 0


def test_a_licence_number_alone_is_evidence(client, db, people, clinic):
    log_in(client, people["owner"])
    assert upload(client, clinic, "licensed-staff", licence_number="GMC 7654321").status_code == 302
    claim = get_claim(db, clinic, "licensed-staff")
    assert [(e["kind"], e["value"]) for e in claim["evidence"]] == [("licence", "GMC 7654321")]


def test_unknown_items_are_not_found(client, people, clinic):
    log_in(client, people["owner"])
    assert client.get(f"/manage/{clinic}/items/no-such-item").status_code == 404
    assert client.get(f"/manage/{clinic}/items/" + "x" * 500).status_code == 404


def test_a_refused_claim_removes_the_stored_document(db, clinic, tmp_path):
    evidence_dir = tmp_path / "evidence"
    with pytest.raises(VettingError):
        submit_evidence(
            db,
            evidence_dir,
            clinic,
            "no-such-item",
            Proofs(statement="Stored first, refused after.", document=("consent.pdf", PDF)),
            user_id=1,
        )
    assert list(evidence_dir.iterdir()) == []
    assert db.execute("select count(*) from evidence_files").fetchone()[0] == 0


@pytest.fixture
def stored_document(app, client, db, people, clinic):
    log_in(client, people["owner"])
    upload(client, clinic, "informed-consent", document=(io.BytesIO(PNG), "scan.png"))
    client.post("/account/logout")
    row = db.execute("select stored_name from evidence_files").fetchone()
    return f"/evidence/{clinic}/{row[0]}"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 404),  # anonymous: as if it did not exist
        ("other", 404),  # another clinic's owner
        ("editor", 200),  # the clinic's editor
        ("owner", 200),  # the clinic's owner
        ("moderator", 200),  # moderators check evidence
        ("admin", 200),  # so do admins
    ],
)
def test_documents_are_private(client, db, people, stored_document, who, status):
    if who:
        log_in_as(client, db, people[who])
    response = client.get(stored_document)
    data = response.data
    response.close()  # send_file streams the file; the test client must close it
    assert response.status_code == status
    if status == 200:
        assert data == PNG
        assert response.headers["Content-Type"] == "image/png"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "scan.png" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert "no-store" in response.headers["Cache-Control"]


def test_guessed_evidence_addresses_are_404(
    client, db, people, clinic, other_clinic, stored_document
):
    name = stored_document.rsplit("/", 1)[-1]
    log_in(client, people["other"])
    for path in (
        f"/evidence/{other_clinic}/{name}",  # my clinic, their file
        f"/evidence/{clinic}/{'0' * 32}",  # a made-up name
        f"/evidence/{clinic}/..%2F..%2Fvetted.db",  # a path
        f"/evidence/no-such-clinic/{name}",
    ):
        assert client.get(path).status_code == 404, path
