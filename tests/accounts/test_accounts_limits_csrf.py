"""Rate limits on logins and mail-sending forms; CSRF on every state-changing request."""

from __future__ import annotations

import pytest

from directory import create_app
from directory.accounts.limits import limiter
from directory.accounts.services import create_user
from tests.accounts.helpers import PASSWORD, log_in
from tests.soup import parse_html, text_of


@pytest.fixture
def make_app(data_dir):
    apps = []

    def make(**config):
        app = create_app(
            {
                "TESTING": True,
                "DATA_DIR": str(data_dir),
                "SECRET_KEY": "test-secret",
                "WTF_CSRF_ENABLED": False,
                **config,
            }
        )
        apps.append(app)
        return app

    yield make
    for app in apps:
        index = app.extensions.get("vetted.index")
        if index is not None:
            index.close()


def test_login_is_limited_per_address_with_a_clear_message(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    limiter.reset()
    client = app.test_client()
    # Different accounts each time: the per-account delay (test_accounts_login_throttle.py)
    # stays out of it; this is the limit per client address.
    statuses = [
        log_in(client, f"user{n}@clinic.example", "wrong password!").status_code for n in range(31)
    ]
    assert statuses == [200] * 30 + [429]
    response = log_in(client, "ana@clinic.example", "wrong password!")
    assert response.status_code == 429
    page = parse_html(response.data)
    assert "Too many attempts" in text_of(page.find("main"))
    assert "Traceback" not in response.get_data(as_text=True)


def test_mail_forms_are_limited_per_account(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    limiter.reset()
    client = app.test_client()
    statuses = [
        client.post("/account/reset", data={"email": "ana@clinic.example"}).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # Reading the form is never limited.
    assert client.get("/account/reset").status_code == 200


def test_a_post_without_csrf_token_is_refused(make_app, db):
    app = make_app(RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=True)
    create_user(db, email="ana@clinic.example", password=PASSWORD, role="clinic", confirmed=True)
    client = app.test_client()
    response = log_in(client, "ana@clinic.example")
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    # With the token from the page, the same login works.
    page = parse_html(client.get("/account/login").data)
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    response = log_in(client, "ana@clinic.example", csrf_token=token)
    assert response.status_code == 302
    # Logging out is a state change too.
    assert client.post("/account/logout").status_code == 400
