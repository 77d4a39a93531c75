"""Register, confirm by the mailed link, log in and out, reset and change the password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import extract_parameters

from directory.accounts import tokens
from directory.accounts.passwords import check_password, hash_password
from directory.accounts.services import create_user
from tests.accounts.helpers import PASSWORD, body, field_errors, link_path, log_in, mails, value_of
from tests.soup import parse_html, text_of


def register(client, email="new@clinic.example", password=PASSWORD, confirm=None):
    return client.post(
        "/account/register",
        data={"email": email, "password": password, "confirm": confirm or password},
    )


def user_row(db, email):
    rows = list(db.query("select * from users where email = ?", [email]))
    return rows[0] if rows else None


def test_register_mails_a_link_that_confirms_the_address(app, client, db):
    response = register(client, "Ana@Clinic.example")
    assert response.status_code == 200
    assert "Check your inbox" in response.get_data(as_text=True)
    user = user_row(db, "ana@clinic.example")
    assert user["role"] == "clinic" and user["email_confirmed_at"] is None
    assert user["password_hash"].startswith("$argon2id$")
    (message,) = mails(app, "ana@clinic.example")
    assert message["Subject"] == "Confirm your e-mail address for Vetted"
    path = link_path(message)
    assert path.startswith("/account/confirm/")
    # Opening the link shows a button; a link checker's GET changes nothing.
    assert client.get(path).status_code == 200
    assert user_row(db, "ana@clinic.example")["email_confirmed_at"] is None
    response = client.post(path)
    assert response.status_code == 302 and response.headers["Location"] == "/account/login"
    assert user_row(db, "ana@clinic.example")["email_confirmed_at"] is not None


def test_register_does_not_reveal_who_has_an_account(app, client, db):
    register(client, "first@clinic.example")
    again = register(client, "FIRST@clinic.example", password="another long password")
    fresh = register(client, "second@clinic.example")
    # The page is the same whether or not the address was taken...
    strip = lambda r, e: r.get_data(as_text=True).replace(e, "")  # noqa: E731
    assert strip(again, "FIRST@clinic.example".lower()) == strip(fresh, "second@clinic.example")
    # ...the owner of the address is told by mail instead, and nothing else changes.
    messages = mails(app, "first@clinic.example")
    assert [m["Subject"] for m in messages] == [
        "Confirm your e-mail address for Vetted",
        "You already have a Vetted account",
    ]
    assert db.execute("select count(*) from users").fetchone()[0] == 2


@pytest.mark.parametrize(
    ("email", "password", "confirm", "field", "message"),
    [
        # not an address
        ("nobody", PASSWORD, None, "email", "That is not an e-mail address"),
        # 11 characters: one short of the minimum
        ("a@b.example", "abcdefghijk", None, "password", "at least 12 characters"),
        # long enough but one character repeated
        ("a@b.example", "aaaaaaaaaaaaaaa", None, "password", "too easy to guess"),
        # the two passwords differ
        ("a@b.example", PASSWORD, "something else entirely", "confirm", "not the same"),
        # absurdly long
        ("a@b.example", "x1y2" * 100, None, "password", "at most 256"),
    ],
)
def test_register_refuses_bad_input_beside_the_field(
    client, db, email, password, confirm, field, message
):
    response = register(client, email, password, confirm)
    assert response.status_code == 200
    page = parse_html(response.data)
    assert any(message in e for e in field_errors(page, field)), field_errors(page, field)
    assert value_of(page, "email") == email  # what was typed stays
    assert db.execute("select count(*) from users").fetchone()[0] == 0


def confirmed_user(db, email="ana@clinic.example"):
    return create_user(db, email=email, password=PASSWORD, role="clinic", confirmed=True)


def test_login_renews_the_session_and_logout_clears_it(client, db):
    confirmed_user(db)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before login"
    response = log_in(client, "ana@clinic.example", next="/manage/")
    assert response.status_code == 302 and response.headers["Location"] == "/manage/"
    with client.session_transaction() as session:
        assert "planted" not in session  # session.clear() before login_user
        assert session["_user_id"] and session.permanent
    assert client.get("/manage/").status_code == 200
    response = client.post("/account/logout")
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/manage/").status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("ana@clinic.example", "wrong password here"),  # wrong password
        ("nobody@clinic.example", PASSWORD),  # no such account: the same message
        ("ana@clinic.example", "x" * 5000),  # absurd length, refused without hashing it
    ],
)
def test_login_refuses_bad_credentials_with_one_message(client, db, email, password):
    confirmed_user(db)
    response = log_in(client, email, password)
    assert response.status_code == 200
    page = parse_html(response.data)
    errors = field_errors(page, "password")
    assert errors in (
        ["That e-mail address and password do not match an account."],
        ["Field cannot be longer than 256 characters."],
    )
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_login_never_redirects_to_another_site(client, db):
    confirmed_user(db)
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        response = log_in(client, "ana@clinic.example", next=target)
        assert response.headers["Location"] == "/manage/", target
        client.post("/account/logout")


def test_remember_me_is_opt_in(app, client, db):
    confirmed_user(db)
    response = log_in(client, "ana@clinic.example")
    assert "remember_token" not in response.headers.get("Set-Cookie", "")
    client.post("/account/logout")
    response = log_in(client, "ana@clinic.example", remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=") for c in cookies)


def test_sessions_expire(app):
    assert app.config["PERMANENT_SESSION_LIFETIME"] <= timedelta(hours=12)
    assert app.config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=30)


def test_disabled_account_cannot_log_in(client, db):
    user_id = confirmed_user(db)
    db.execute("update users set disabled = 1 where id = ?", [user_id])
    assert log_in(client, "ana@clinic.example").status_code == 200


def test_reset_mails_a_single_use_link(app, client, db):
    confirmed_user(db)
    response = client.post("/account/reset", data={"email": "ana@clinic.example"})
    assert "If there is an account" in response.get_data(as_text=True)
    (message,) = mails(app, "ana@clinic.example")
    path = link_path(message)
    assert "one hour" in body(message)
    new = "a brand new passphrase"
    response = client.post(path, data={"password": new, "confirm": new})
    assert response.status_code == 302 and response.headers["Location"] == "/account/login"
    assert log_in(client, "ana@clinic.example", new).status_code == 302
    client.post("/account/logout")
    # The link is bound to the old password hash: it is spent now.
    again = client.post(
        path, data={"password": "yet another passphrase", "confirm": "yet another passphrase"}
    )
    assert again.status_code == 400
    assert "This link does not work" in again.get_data(as_text=True)
    assert log_in(client, "ana@clinic.example", new).status_code == 302
    # And the owner is told the password changed.
    assert mails(app, "ana@clinic.example")[-1]["Subject"] == "Your Vetted password was changed"


def test_reset_does_not_reveal_who_has_an_account(app, client, db):
    confirmed_user(db)
    known = client.post("/account/reset", data={"email": "ana@clinic.example"})
    unknown = client.post("/account/reset", data={"email": "ghost@clinic.example"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True).replace("ana@clinic.example", "") == unknown.get_data(
        as_text=True
    ).replace("ghost@clinic.example", "")
    assert mails(app, "ghost@clinic.example") == []


@pytest.mark.parametrize(
    "token",
    [
        "garbage",  # not a token at all
        "x" * 5000,  # very long
        "eyJ1IjoxfQ.aaaa.bbbb",  # well-formed, bad signature
    ],
)
def test_broken_links_are_refused_kindly(client, db, token):
    for prefix in ("/account/reset/", "/account/confirm/", "/account/invites/"):
        response = client.get(prefix + token)
        assert response.status_code == 400
        assert "This link does not work" in response.get_data(as_text=True)


def test_a_confirmation_link_cannot_reset_a_password(app, client, db):
    register(client, "ana@clinic.example")
    path = link_path(mails(app)[0])
    token = path.rsplit("/", 1)[-1]
    assert client.get(f"/account/reset/{token}").status_code == 400


def test_expired_links_are_refused(app, client, db, monkeypatch):
    confirmed_user(db)
    client.post("/account/reset", data={"email": "ana@clinic.example"})
    path = link_path(mails(app)[-1])

    monkeypatch.setitem(tokens.PURPOSES, "reset-password", -1)
    assert client.get(path).status_code == 400


def test_change_password_needs_the_current_one(app, client, db):
    confirmed_user(db)
    log_in(client, "ana@clinic.example")
    new = "a brand new passphrase"
    wrong = client.post(
        "/account/password", data={"current": "not my password", "password": new, "confirm": new}
    )
    assert field_errors(parse_html(wrong.data), "current") == ["That is not your current password."]
    right = client.post(
        "/account/password", data={"current": PASSWORD, "password": new, "confirm": new}
    )
    assert right.status_code == 302 and right.headers["Location"] == "/account/"
    client.post("/account/logout")
    assert log_in(client, "ana@clinic.example", PASSWORD).status_code == 200
    assert log_in(client, "ana@clinic.example", new).status_code == 302
    assert mails(app, "ana@clinic.example")[-1]["Subject"] == "Your Vetted password was changed"


def test_unconfirmed_user_can_ask_for_a_new_link(app, client, db):
    register(client, "ana@clinic.example")
    assert log_in(client, "ana@clinic.example").status_code == 302
    home = client.get("/manage/").get_data(as_text=True)
    assert "Confirm your e-mail address" in home
    response = client.post("/account/confirm/resend")
    assert response.status_code == 302
    assert len(mails(app, "ana@clinic.example")) == 2


def test_nav_shows_the_right_links(client, db):
    confirmed_user(db)
    nav = parse_html(client.get("/").data).find("nav")
    assert {text_of(a) for a in nav.find_all("a")} >= {"Log in", "Register"}
    log_in(client, "ana@clinic.example")
    nav = parse_html(client.get("/").data).find("nav")
    assert "Dashboard" in {text_of(a) for a in nav.find_all("a")}
    assert text_of(nav.find("button")) == "Log out"


@pytest.mark.real_hashing
def test_passwords_are_hashed_with_memory_hard_argon2id():
    hashed = hash_password(PASSWORD)
    params = extract_parameters(hashed)
    assert hashed.startswith("$argon2id$")
    assert params.memory_cost >= 19 * 1024  # at least OWASP's 19 MiB
    assert check_password(hashed, PASSWORD) and not check_password(hashed, PASSWORD + "!")
    assert not check_password(None, PASSWORD) and not check_password("not a hash", PASSWORD)


def test_json_bodies_are_refused_not_crashing(client):
    for path in ("/account/login", "/account/register", "/account/reset"):
        response = client.post(path, json=["not", "a", "form"])
        assert response.status_code == 415
