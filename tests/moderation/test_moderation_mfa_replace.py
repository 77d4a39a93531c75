"""Replacing an enrolled authenticator asks for the password and a current (or recovery) code."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from directory.moderation import mfa
from directory.moderation.views.mfa import REPLACE_MARK
from tests.moderation.helpers import PASSWORD, add_user, current_code, log_in_with_mfa
from tests.soup import parse_html, text_of


@pytest.fixture
def moderator(db):
    return add_user(db, "mo@vetted.example", name="Mo Derator")


@pytest.fixture
def signed_in(app, db, moderator):
    """A moderator past the second factor: (client, the current TOTP secret)."""
    client = app.test_client()
    secret = log_in_with_mfa(client, db, "mo@vetted.example", moderator)
    return client, secret


def _factor(db) -> tuple[str, list[str]]:
    secret = db.execute("select secret from mfa_factors").fetchone()[0]
    hashes = [r[0] for r in db.execute("select code_hash from mfa_recovery_codes order by 1")]
    return secret, hashes


def _errors(response, field: str) -> str:
    return text_of(parse_html(response.get_data(as_text=True)).find("ul", id=f"{field}-errors"))


def _shown_secret(response) -> str:
    return text_of(
        parse_html(response.get_data(as_text=True)).find("code", attrs={"data-secret": ""})
    )


def test_a_signed_in_moderator_is_asked_to_prove_it_before_a_new_secret_is_shown(db, signed_in):
    client, _secret = signed_in
    before = _factor(db)
    response = client.get("/mfa/enrol")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/mfa/replace"
    # Posting a code for a secret of one's own choosing changes nothing either.
    chosen = mfa.new_secret()
    posted = client.post("/mfa/enrol", data={"code": mfa.code_at(chosen, time.time())})
    assert urlsplit(posted.headers["Location"]).path == "/mfa/replace"
    assert _factor(db) == before
    page = parse_html(client.get("/mfa/replace").get_data(as_text=True))
    assert page.find("input", attrs={"name": "password"}) is not None
    assert page.find("code", attrs={"data-secret": ""}) is None


def test_password_and_current_code_open_a_new_enrolment(db, signed_in):
    client, old_secret = signed_in
    before = _factor(db)
    proof = client.post(
        "/mfa/replace", data={"password": PASSWORD, "code": current_code(old_secret, 1)}
    )
    assert proof.status_code == 302
    assert urlsplit(proof.headers["Location"]).path == "/mfa/enrol"
    page = client.get("/mfa/enrol")
    assert page.status_code == 200
    new_secret = _shown_secret(page)
    assert new_secret != old_secret
    done = client.post("/mfa/enrol", data={"code": mfa.code_at(new_secret, time.time())})
    assert done.status_code == 200
    after = _factor(db)
    assert after[0] == new_secret and set(after[1]).isdisjoint(before[1])
    # The proof is used up: another replacement asks again.
    assert urlsplit(client.get("/mfa/enrol").headers["Location"]).path == "/mfa/replace"


def test_a_recovery_code_proves_it_too(app, db, moderator):
    client = app.test_client()
    log_in_with_mfa(client, db, "mo@vetted.example", moderator)
    codes = mfa.regenerate_recovery_codes(db, moderator)
    proof = client.post("/mfa/replace", data={"password": PASSWORD, "code": codes[0]})
    assert urlsplit(proof.headers["Location"]).path == "/mfa/enrol"
    assert mfa.codes_left(db, moderator) == 9


@pytest.mark.parametrize(
    ("password", "code_offset", "field", "message"),
    [
        # the right code without the password: refused, and the code is not judged
        ("not my password at all", 1, "password", "not your password"),
        # the password without a current code
        (PASSWORD, None, "code", "not right"),
        # the code spent at login cannot be used again
        (PASSWORD, 0, "code", "used already"),
    ],
)
def test_a_missing_proof_is_refused(db, signed_in, password, code_offset, field, message):
    client, secret = signed_in
    before = _factor(db)
    code = "000000" if code_offset is None else current_code(secret, code_offset)
    response = client.post("/mfa/replace", data={"password": password, "code": code})
    assert response.status_code == 400
    assert message in _errors(response, field)
    assert urlsplit(client.get("/mfa/enrol").headers["Location"]).path == "/mfa/replace"
    assert _factor(db) == before
    if field == "password":
        # The code was not spent: with the password it works.
        ok = client.post("/mfa/replace", data={"password": PASSWORD, "code": code})
        assert urlsplit(ok.headers["Location"]).path == "/mfa/enrol"


def test_wrong_passwords_lock_the_factor(db, signed_in):
    client, secret = signed_in
    statuses = [
        client.post(
            "/mfa/replace", data={"password": f"guess number {n}", "code": "000000"}
        ).status_code
        for n in range(mfa.MAX_FAILURES)
    ]
    assert statuses == [400] * (mfa.MAX_FAILURES - 1) + [429]
    locked = client.post(
        "/mfa/replace", data={"password": PASSWORD, "code": current_code(secret, 1)}
    )
    assert locked.status_code == 429
    assert "Too many wrong attempts" in _errors(locked, "code")


def test_an_old_proof_no_longer_opens_the_enrolment(db, signed_in, moderator):
    client, _secret = signed_in
    with client.session_transaction() as session:
        session[REPLACE_MARK] = {"u": moderator, "at": time.time() - 11 * 60}
    assert urlsplit(client.get("/mfa/enrol").headers["Location"]).path == "/mfa/replace"
    with client.session_transaction() as session:
        session[REPLACE_MARK] = {"u": moderator + 1, "at": time.time()}
    assert urlsplit(client.get("/mfa/enrol").headers["Location"]).path == "/mfa/replace"
