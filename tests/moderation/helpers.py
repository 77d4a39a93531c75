"""Helpers for moderation tests: people, logging in with the second factor, and claims."""

from __future__ import annotations

import time
from datetime import date

from directory.accounts.services import create_user
from directory.accounts.storage import link_clinic
from directory.evidence.services import store_document as store
from directory.moderation import mfa
from directory.vetting.services import When, attach_evidence, claim_item, get_claim, verify_claim
from tests import pdfs

PASSWORD = "correct horse battery staple"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
PDF = pdfs.PDF  # a real PDF: uploads are parsed


def add_user(db, email: str, role: str = "moderator", name: str | None = None) -> int:
    """Create a confirmed account and return its id."""
    return create_user(
        db,
        email=email,
        password=PASSWORD,
        role=role,
        display_name=name or email.split("@")[0].title(),
        confirmed=True,
    )


def link_to_clinic(db, user_id: int, clinic_id: str, role: str = "owner") -> None:
    link_clinic(db, clinic_id, user_id, role)


def log_in(client, email: str, password: str = PASSWORD):
    """Log in through the accounts login page; return its response."""
    return client.post("/account/login", data={"email": email, "password": password})


def enrol(db, user_id: int) -> str:
    """Enrol an authenticator for the user (as a step in the past); return the secret."""
    secret = mfa.new_secret()
    # Enrolled two steps ago, so the current code is still unused.
    past = time.time() - 2 * mfa.STEP_SECONDS
    assert mfa.enrol(db, user_id, secret, mfa.code_at(secret, past), now=past) is not None
    return secret


def current_code(secret: str, offset_steps: int = 0) -> str:
    return mfa.code_at(secret, time.time() + offset_steps * mfa.STEP_SECONDS)


def log_in_with_mfa(client, db, email: str, user_id: int) -> str:
    """Log a moderator in and pass the second factor; return their TOTP secret."""
    secret = enrol(db, user_id)
    response = log_in(client, email)
    assert response.status_code == 302, response.status_code
    response = client.post("/mfa/verify", data={"code": current_code(secret)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return secret


def staff_client(app, db, email: str, user_id: int):
    """Return a test client logged in as this moderator, second factor done."""
    client = app.test_client()
    log_in_with_mfa(client, db, email, user_id)
    return client


def pending_claim(db, clinic_id: str, item_key: str = "informed-consent", *, document=None):
    """Claim an item and attach evidence, so it waits for review; return the evidence id."""
    claim_item(db, clinic_id, item_key, statement="We give written information.", actor="test")
    evidence = document or {"kind": "link", "value": "https://clinic.example/consent.pdf"}
    return attach_evidence(db, clinic_id, item_key, evidence, actor="test")


def verify(db, clinic_id: str, item_key: str, *, on: date, until: date, by: str = "Mo") -> None:
    """Verify a claim waiting for review as a moderator would have, on a given day."""
    verify_claim(
        db,
        clinic_id,
        item_key,
        moderator_id=None,
        moderator_name=by,
        verified_at=on,
        expires_at=until,
        when=When(on),
    )


def store_document(app, db, clinic_id: str, item_key: str, data: bytes, filename: str) -> dict:
    return store(
        db,
        app.config["EVIDENCE_DIR"],
        clinic_id=clinic_id,
        item_key=item_key,
        data=data,
        filename=filename,
        user_id=1,
    )


def claim_state(db, clinic_id: str, item_key: str) -> str | None:
    claim = get_claim(db, clinic_id, item_key)
    return claim["state"] if claim else None
