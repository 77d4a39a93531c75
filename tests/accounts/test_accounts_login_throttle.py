"""Wrong passwords slow an address down, in the database, without locking its owner out."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from directory.accounts import services
from directory.accounts.services.logins import FREE_FAILURES, MAX_DELAY, delay_after
from directory.db import connect
from tests.accounts.helpers import PASSWORD, link_path, log_in, mails
from tests.soup import parse_html, text_of

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
EMAIL = "ana@clinic.example"


@pytest.fixture
def ana(db) -> int:
    return services.create_user(db, email=EMAIL, password=PASSWORD, role="clinic", confirmed=True)


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [
        (0, 0),  # nothing wrong yet
        (FREE_FAILURES - 1, 0),  # the last free mistake
        (FREE_FAILURES, 2),  # the first delay is short
        (FREE_FAILURES + 1, 4),  # and doubles with each failure
        (FREE_FAILURES + 8, 512),
        (FREE_FAILURES + 9, 900),  # capped at fifteen minutes
        (FREE_FAILURES + 500, 900),  # however many
    ],
)
def test_delay_grows_with_failures_up_to_a_cap(failures, seconds):
    assert delay_after(failures) == timedelta(seconds=seconds)
    assert delay_after(failures) <= MAX_DELAY


def test_free_failures_then_each_attempt_waits_and_the_wait_grows(db, ana):
    results = [
        services.attempt_login(db, EMAIL, "wrong password", now=T0 + timedelta(milliseconds=n))
        for n in range(FREE_FAILURES + 3)
    ]
    assert [r.throttled for r in results] == [False] * FREE_FAILURES + [True] * 3
    # Refused attempts do not lengthen the wait (a flood cannot push the owner out longer).
    assert results[-1].wait <= timedelta(seconds=2)
    # After the wait one more password is checked, and the next wait is longer.
    later = T0 + timedelta(seconds=3)
    assert services.attempt_login(db, EMAIL, "wrong password", now=later).throttled is False
    after = services.attempt_login(db, EMAIL, "wrong password", now=later)
    assert after.throttled and timedelta(seconds=3) < after.wait <= timedelta(seconds=4)


def test_a_correct_password_clears_the_count(db, ana):
    for n in range(FREE_FAILURES - 1):
        services.attempt_login(db, EMAIL, "wrong password", now=T0 + timedelta(seconds=n))
    assert services.attempt_login(db, EMAIL, PASSWORD, now=T0 + timedelta(seconds=10)).user
    # A fresh run of free mistakes.
    results = [
        services.attempt_login(db, EMAIL, "wrong", now=T0 + timedelta(seconds=20 + n))
        for n in range(FREE_FAILURES)
    ]
    assert not any(r.throttled for r in results)


def test_an_old_run_of_failures_is_forgotten(db, ana):
    for n in range(FREE_FAILURES + 1):
        services.attempt_login(db, EMAIL, "wrong password", now=T0 + timedelta(seconds=n * 100))
    next_day = T0 + timedelta(days=2)
    assert services.attempt_login(db, EMAIL, PASSWORD, now=next_day).user is not None


def test_an_address_without_an_account_is_slowed_down_the_same(db):
    statuses = [
        services.attempt_login(db, "nobody@clinic.example", "x" * 12, now=T0).throttled
        for _ in range(FREE_FAILURES + 1)
    ]
    assert statuses == [False] * FREE_FAILURES + [True]


def test_parallel_attempts_from_many_workers_cannot_all_be_free(app, db, ana):
    """Twelve connections at once (as gunicorn workers would be): only the free ones count."""
    barrier = threading.Barrier(12)
    outcomes = []

    def attempt():
        handle = connect(app.config["DATABASE"], migrate=False)
        try:
            barrier.wait()
            outcomes.append(services.attempt_login(handle, EMAIL, "wrong password"))
        finally:
            handle.close()

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked = [r for r in outcomes if not r.throttled]
    assert len(outcomes) == 12 and len(checked) == FREE_FAILURES


# Through the log-in page -------------------------------------------------------------------


def test_login_page_slows_down_with_a_reason_and_a_retry_after(client, ana):
    for _ in range(FREE_FAILURES):
        assert log_in(client, EMAIL, "wrong password!").status_code == 200
    response = log_in(client, EMAIL, "wrong password!")
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 2
    page = parse_html(response.get_data(as_text=True))
    errors = text_of(page.find("ul", id="password-errors"))
    assert "attempts are slowed down" in errors and "login link" in errors
    offer = page.find("a", class_="login-link-offer")
    target = urlsplit(offer["href"])
    assert (target.path, parse_qs(target.query)) == ("/account/login-link", {"email": [EMAIL]})
    # Even the right password waits: it must not tell a guesser that it was right.
    assert log_in(client, EMAIL, PASSWORD).status_code == 429
    # Other accounts from the same address are not slowed down by this one.
    assert log_in(client, "bea@clinic.example", "wrong password!").status_code == 200


def test_the_owner_gets_in_with_a_login_link_however_many_failures(app, client, db, ana):
    for _ in range(FREE_FAILURES + 20):
        log_in(client, EMAIL, "wrong password!")
    assert log_in(client, EMAIL, PASSWORD).status_code == 429
    owner = app.test_client()
    page = owner.get("/account/login-link?email=ana%40clinic.example")
    assert parse_html(page.get_data(as_text=True)).find("input", id="email")["value"] == EMAIL
    sent = owner.post("/account/login-link", data={"email": EMAIL})
    assert sent.status_code == 200 and "we sent it a login link" in sent.get_data(as_text=True)
    link = link_path(mails(app, EMAIL)[-1])
    # Opening the link (a mail scanner, say) does not use it; the button does.
    assert owner.get(link).status_code == 200
    response = owner.post(link)
    assert response.status_code == 302 and response.headers["Location"] == "/manage/"
    assert owner.get("/manage/").status_code == 200
    # The link works once; and the address's failures are forgotten.
    assert app.test_client().post(link).status_code == 400
    assert log_in(app.test_client(), EMAIL, PASSWORD).status_code == 302


def test_login_links_answer_the_same_for_unknown_addresses_and_are_capped(app, client, ana):
    unknown = client.post("/account/login-link", data={"email": "nobody@clinic.example"})
    known = client.post("/account/login-link", data={"email": EMAIL})
    assert unknown.status_code == known.status_code == 200
    assert text_of(parse_html(unknown.data).find("main")).replace("nobody", "ana") == text_of(
        parse_html(known.data).find("main")
    )
    assert mails(app, "nobody@clinic.example") == []
    for _ in range(10):
        client.post("/account/login-link", data={"email": EMAIL})
    # Five an hour at most; the ones already sent keep working.
    assert len(mails(app, EMAIL)) == 5


def test_a_login_link_reaches_an_address_a_stricter_check_would_refuse(app, client, db):
    # The demo logins live on .test, which the registration form refuses as undeliverable.
    services.create_user(
        db, email="owner@demo.vetted.test", password=PASSWORD, role="clinic", confirmed=True
    )
    assert (
        client.post("/account/login-link", data={"email": "owner@demo.vetted.test"}).status_code
        == 200
    )
    assert len(mails(app, "owner@demo.vetted.test")) == 1


def test_a_login_link_expires(db, ana):
    made = services.request_login_link(db, EMAIL, now=T0)
    assert made is not None
    _user, token = made
    assert services.login_link_user(db, token, now=T0 + timedelta(minutes=29)) is not None
    assert services.use_login_link(db, token, now=T0 + timedelta(minutes=30)) is None


@pytest.mark.parametrize("token", ["", "x" * 300, "not-a-token", "%00", "ا"])
def test_hostile_login_link_tokens_are_refused_not_500(client, token):
    assert client.get(f"/account/login-link/{token}").status_code in (400, 404)
