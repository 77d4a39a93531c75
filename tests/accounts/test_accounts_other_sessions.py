"""Sessions end on the server: a copied cookie is refused after logout, a new password, a new
role or a reset second factor (one mechanism: the account's session nonce)."""

from __future__ import annotations

import pytest

from directory.accounts import services, storage
from directory.accounts.passwords import hash_password
from directory.moderation import mfa
from tests.accounts.helpers import PASSWORD, log_in
from tests.moderation.helpers import current_code, enrol


def _copy_cookies(source, target) -> None:
    """Give target the cookies source holds (what a thief who copied them would send)."""
    for name in ("session", "remember_token"):
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def _refused(response) -> bool:
    """Tell whether a request was sent to log in instead of being served."""
    return response.status_code == 302 and "/account/login" in response.headers["Location"]


def _clinic_user(db) -> int:
    return services.create_user(
        db, email="a@clinic.example", password=PASSWORD, role="clinic", confirmed=True
    )


def _admin_past_second_factor(app, db):
    """Return (client, user id) of an admin logged in with the second factor passed."""
    user_id = services.create_user(
        db, email="ad@vetted.example", password=PASSWORD, role="admin", confirmed=True
    )
    secret = enrol(db, user_id)
    client = app.test_client()
    assert log_in(client, "ad@vetted.example").status_code == 302
    assert client.post("/mfa/verify", data={"code": current_code(secret)}).status_code == 302
    assert client.get("/moderation/").status_code == 200
    return client, user_id


def test_password_change_logs_out_other_sessions(app, db):
    user_id = _clinic_user(db)
    laptop, phone = app.test_client(), app.test_client()
    for client in (laptop, phone):
        assert log_in(client, "a@clinic.example").status_code == 302
        assert client.get("/account/").status_code == 200
    # The password changes (here directly in storage, as a reset would).
    storage.set_password_hash(db, user_id, hash_password("another long password"))
    assert _refused(phone.get("/account/"))
    assert _refused(laptop.get("/account/"))


@pytest.mark.parametrize("remember", [False, True])
def test_a_copied_cookie_is_refused_after_logout(app, db, remember):
    _clinic_user(db)
    owner, thief = app.test_client(), app.test_client()
    extra = {"remember": "y"} if remember else {}
    assert log_in(owner, "a@clinic.example", **extra).status_code == 302
    assert owner.get("/manage/").status_code == 200
    _copy_cookies(owner, thief)
    assert thief.get("/manage/").status_code == 200  # the copy works while the session lives
    assert owner.post("/account/logout").status_code == 302
    assert _refused(thief.get("/manage/"))
    assert _refused(thief.get("/account/"))


def test_a_copied_remember_me_cookie_alone_is_refused_after_logout(app, db):
    _clinic_user(db)
    owner, thief = app.test_client(), app.test_client()
    assert log_in(owner, "a@clinic.example", remember="y").status_code == 302
    remember = owner.get_cookie("remember_token")
    assert remember is not None
    owner.post("/account/logout")
    thief.set_cookie("remember_token", remember.value)
    assert _refused(thief.get("/manage/"))


def test_an_admins_copied_cookie_no_longer_opens_moderation_after_logout(app, db):
    admin, _user_id = _admin_past_second_factor(app, db)
    thief = app.test_client()
    _copy_cookies(admin, thief)
    assert thief.get("/moderation/").status_code == 200
    assert admin.post("/account/logout").status_code == 302
    assert _refused(thief.get("/moderation/"))


def test_a_password_change_refuses_copies_but_keeps_the_changer_logged_in(app, db):
    _clinic_user(db)
    owner, thief = app.test_client(), app.test_client()
    log_in(owner, "a@clinic.example")
    _copy_cookies(owner, thief)
    response = owner.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "password": "a new long password",
            "confirm": "a new long password",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert owner.get("/account/").status_code == 200
    assert _refused(thief.get("/manage/"))


def test_a_role_change_ends_the_accounts_sessions(app, db, runner):
    admin, user_id = _admin_past_second_factor(app, db)
    thief = app.test_client()
    _copy_cookies(admin, thief)
    result = runner.invoke(args=["users", "role", "ad@vetted.example", "moderator"])
    assert result.exit_code == 0, result.output
    assert "now moderator; their sessions are ended" in result.output
    assert storage.get_user(db, user_id)["role"] == "moderator"
    assert _refused(thief.get("/moderation/"))
    assert _refused(admin.get("/moderation/"))
    again = runner.invoke(args=["users", "role", "ad@vetted.example", "moderator"])
    assert "already moderator" in again.output


def test_a_second_factor_reset_ends_the_accounts_sessions(app, db, runner):
    admin, user_id = _admin_past_second_factor(app, db)
    thief = app.test_client()
    _copy_cookies(admin, thief)
    result = runner.invoke(
        args=["moderation", "reset-mfa", "ad@vetted.example", "--reason", "Lost phone"]
    )
    assert result.exit_code == 0, result.output
    assert not mfa.is_enrolled(db, user_id)
    assert _refused(thief.get("/moderation/"))
    # Logging in again leads to enrolling a new factor, not into the workbench.
    fresh = app.test_client()
    log_in(fresh, "ad@vetted.example")
    assert "/mfa/enrol" in fresh.get("/moderation/").headers["Location"]
    event = db.execute(
        "select actor, reason from events where action = 'mfa.reset' and target_id = ?",
        [str(user_id)],
    ).fetchone()
    assert tuple(event) == ("cli", "Lost phone")


def test_reset_mfa_refuses_an_account_that_is_not_staff(db, runner):
    _clinic_user(db)
    result = runner.invoke(args=["moderation", "reset-mfa", "a@clinic.example"])
    assert result.exit_code == 1
    assert "no moderator or admin account" in result.output


def test_role_command_refuses_an_unknown_account(runner):
    result = runner.invoke(args=["users", "role", "nobody@example.org", "admin"])
    assert result.exit_code == 1 and "no account" in result.output
