"""The second factor: enrolment by QR code, codes at login, recovery codes, replay, lockout."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest

from directory.moderation import mfa
from tests.moderation.helpers import add_user, current_code, enrol, log_in, log_in_with_mfa
from tests.soup import parse_html, text_of

T0 = 1_800_000_000.0  # a fixed clock for the unit tests (a step boundary: 60_000_000 * 30)


@pytest.fixture
def moderator(db):
    return add_user(db, "mo@vetted.example", name="Mo Derator")


def test_enrol_log_in_with_a_code_and_use_a_recovery_code_once(app, db, moderator):
    client = app.test_client()
    log_in(client, "mo@vetted.example")
    # Enrolment: the page shows an inline SVG QR code and the key to type.
    first = client.get("/moderation/")
    assert urlsplit(first.headers["Location"]).path == "/mfa/enrol"
    page = client.get(first.headers["Location"])
    assert page.status_code == 200
    tree = parse_html(page.get_data(as_text=True))
    assert tree.find("svg") is not None
    secret = text_of(tree.find("code", attrs={"data-secret": ""}))
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    wrong = client.post("/mfa/enrol", data={"code": "000000"})
    assert wrong.status_code == 400
    assert "does not match" in text_of(
        parse_html(wrong.get_data(as_text=True)).find("ul", id="code-errors")
    )
    done = client.post("/mfa/enrol", data={"code": mfa.code_at(secret, time.time())})
    assert done.status_code == 200
    codes = [
        text_of(li)
        for li in parse_html(done.get_data(as_text=True))
        .find("ul", attrs={"data-recovery-codes": ""})
        .find_all("li")
    ]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/moderation/").status_code == 200
    # Only hashes are kept.
    stored = [r[0] for r in db.execute("select code_hash from mfa_recovery_codes").fetchall()]
    assert len(stored) == 10 and not set(codes) & set(stored)

    # A new login asks for a code; a recovery code works once.
    again = app.test_client()
    log_in(again, "mo@vetted.example")
    assert urlsplit(again.get("/moderation/conflicts").headers["Location"]).path == "/mfa/verify"
    used = again.post("/mfa/verify?next=/moderation/conflicts", data={"code": codes[3].upper()})
    assert used.status_code == 302
    assert used.headers["Location"] == "/moderation/conflicts"
    assert again.get("/moderation/conflicts").status_code == 200

    third = app.test_client()
    log_in(third, "mo@vetted.example")
    reused = third.post("/mfa/verify", data={"code": codes[3]})
    assert reused.status_code == 400
    assert third.get("/moderation/").status_code == 302
    ok = third.post("/mfa/verify", data={"code": mfa.code_at(secret, time.time() + 30)})
    assert ok.status_code == 302
    assert third.get("/moderation/").status_code == 200


def test_the_session_mark_is_lost_at_the_next_login(app, db, moderator):
    secret = enrol(db, moderator)
    client = app.test_client()
    log_in(client, "mo@vetted.example")
    client.post("/mfa/verify", data={"code": current_code(secret)})
    assert client.get("/moderation/").status_code == 200
    log_in(client, "mo@vetted.example")  # the login view renews the session
    assert urlsplit(client.get("/moderation/").headers["Location"]).path == "/mfa/verify"


def test_an_enrolled_factor_cannot_be_replaced_without_passing_it(app, db, moderator):
    enrol(db, moderator)
    before = db.execute("select secret from mfa_factors").fetchone()[0]
    client = app.test_client()
    log_in(client, "mo@vetted.example")
    response = client.post("/mfa/enrol", data={"code": "123456"})
    assert urlsplit(response.headers["Location"]).path == "/mfa/verify"
    assert db.execute("select secret from mfa_factors").fetchone()[0] == before


@pytest.mark.parametrize(
    "offset, accepted",
    [
        (0, True),  # the current step
        (-1, True),  # one step late: a slow typist
        (1, True),  # one step early: a phone clock slightly ahead
        (-2, False),  # two steps late: too old
        (2, False),  # two steps early
    ],
)
def test_codes_are_accepted_one_step_either_side(db, moderator, offset, accepted):
    secret = mfa.new_secret()
    assert mfa.enrol(db, moderator, secret, mfa.code_at(secret, T0 - 300), now=T0 - 300)
    code = mfa.code_at(secret, T0 + offset * mfa.STEP_SECONDS)
    assert (mfa.check(db, moderator, code, now=T0) == mfa.OK) is accepted


def test_a_code_is_refused_when_reused_within_its_window(db, moderator):
    secret = mfa.new_secret()
    mfa.enrol(db, moderator, secret, mfa.code_at(secret, T0 - 300), now=T0 - 300)
    code = mfa.code_at(secret, T0)
    assert mfa.check(db, moderator, code, now=T0) == mfa.OK
    assert mfa.check(db, moderator, code, now=T0 + 20) == mfa.REUSED
    # An older code, still inside the window, is refused too once a newer one was used.
    newer = mfa.code_at(secret, T0 + 30)
    assert mfa.check(db, moderator, newer, now=T0 + 30) == mfa.OK
    assert mfa.check(db, moderator, code, now=T0 + 30) == mfa.REUSED


def test_the_enrolment_code_cannot_be_used_again_to_log_in(db, moderator):
    secret = mfa.new_secret()
    code = mfa.code_at(secret, T0)
    assert mfa.enrol(db, moderator, secret, code, now=T0)
    assert mfa.check(db, moderator, code, now=T0 + 5) == mfa.REUSED


def test_five_wrong_codes_lock_the_factor_for_some_minutes(db, moderator):
    secret = mfa.new_secret()
    mfa.enrol(db, moderator, secret, mfa.code_at(secret, T0 - 300), now=T0 - 300)
    outcomes = [mfa.check(db, moderator, "000000", now=T0 + i) for i in range(5)]
    assert outcomes == [mfa.WRONG] * 4 + [mfa.LOCKED]
    good = mfa.code_at(secret, T0 + 60)
    assert mfa.check(db, moderator, good, now=T0 + 60) == mfa.LOCKED
    later = T0 + mfa.LOCK_MINUTES * 60 + 10
    assert mfa.check(db, moderator, mfa.code_at(secret, later), now=later) == mfa.OK
    actions = [r[0] for r in db.execute("select action from events where action like 'mfa.%'")]
    assert "mfa.locked" in actions


def test_the_lock_is_shown_with_429_on_the_verify_page(app, db, moderator):
    enrol(db, moderator)
    client = app.test_client()
    log_in(client, "mo@vetted.example")
    statuses = [client.post("/mfa/verify", data={"code": "999999"}).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    page = parse_html(client.post("/mfa/verify", data={"code": "999999"}).get_data(as_text=True))
    assert "Too many wrong codes" in text_of(page.find("ul", id="code-errors"))


@pytest.mark.parametrize(
    "code",
    [
        "",  # nothing
        "12345",  # too short
        "abcdef",  # letters
        "1" * 41,  # too long for the field
        "<script>alert(1)</script>",  # markup
        "123456\x00",  # a NUL byte
    ],
)
def test_hostile_codes_are_refused_without_error(app, db, moderator, code):
    enrol(db, moderator)
    client = app.test_client()
    log_in(client, "mo@vetted.example")
    response = client.post("/mfa/verify", data={"code": code})
    assert response.status_code == 400
    assert b"<script>alert" not in response.data


def test_qr_svg_is_markup_without_xml_declaration():
    svg = mfa.qr_svg(mfa.provisioning_uri(mfa.new_secret(), "mo@vetted.example"))
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "otpauth" not in svg  # the key is drawn, not written


def test_recovery_codes_can_be_replaced(app, db, moderator):
    client = app.test_client()
    log_in_with_mfa(client, db, "mo@vetted.example", moderator)
    old = {r[0] for r in db.execute("select code_hash from mfa_recovery_codes")}
    response = client.post("/mfa/recovery-codes")
    assert response.status_code == 200
    new = {r[0] for r in db.execute("select code_hash from mfa_recovery_codes")}
    assert len(new) == 10 and not old & new


@pytest.mark.parametrize(
    "target",
    [
        "/%0a",  # a newline would split the Location header (it was a 500)
        "/%0d%0aSet-Cookie:%20x=1",  # a header smuggled after a CR LF
        "/moderation/%09",  # a tab
        "/%7f",  # DEL
    ],
)
def test_a_next_with_a_control_character_is_ignored_not_a_500(mod_client, target):
    response = mod_client.get(f"/mfa/verify?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderation/"
