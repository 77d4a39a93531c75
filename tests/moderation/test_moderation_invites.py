"""Admins invite moderators by e-mail: a single-use, expiring link to set a password."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from directory.mail import links_in, read_messages
from directory.moderation import invites, services
from tests.moderation.helpers import PASSWORD
from tests.soup import parse_html, text_of


def _invite_link(app, email: str) -> str:
    [message] = read_messages(app.config["MAIL_DIR"], to=email)
    [link] = [link for link in links_in(message) if "/moderation/join/" in link]
    return urlsplit(link).path


def test_an_admin_invites_a_moderator_who_joins_once(app, db, admin_client):
    response = admin_client.post(
        "/moderation/admin/invites", data={"email": "New.Mod@Vetted.example", "role": "moderator"}
    )
    assert response.status_code == 302
    path = _invite_link(app, "new.mod@vetted.example")
    token = path.rsplit("/", 1)[1]
    [stored] = db.execute("select token_hash from moderator_invites").fetchone()
    assert stored == hashlib.sha256(token.encode()).hexdigest()  # only its hash is kept

    newcomer = app.test_client()
    page = parse_html(newcomer.get(path).get_data(as_text=True))
    assert "new.mod@vetted.example" in text_of(page.find("main"))
    mismatch = newcomer.post(
        path, data={"display_name": "Nia", "password": PASSWORD, "confirm": "something else"}
    )
    assert mismatch.status_code == 400
    joined = newcomer.post(
        path, data={"display_name": "Nia", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert joined.status_code == 302 and joined.headers["Location"] == "/mfa/enrol"
    row = db.execute("select role, display_name from users where email = 'new.mod@vetted.example'")
    assert row.fetchone() == ("moderator", "Nia")
    # Logged in, but nothing of the workbench before the second factor.
    assert urlsplit(newcomer.get("/moderation/").headers["Location"]).path == "/mfa/enrol"
    # The link works once.
    assert app.test_client().get(path).status_code == 404
    again = app.test_client().post(
        path, data={"display_name": "X", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert again.status_code == 404


def test_an_expired_invitation_is_refused(app, db, people):
    admin = services.Moderator(
        id=people["admin"], email="ad@vetted.example", name="Ada", role="admin"
    )
    past = datetime.now(UTC) - timedelta(hours=invites.INVITE_HOURS + 1)
    token = invites.invite_moderator(db, admin, "late@vetted.example", now=past)
    assert invites.find_invite(db, token) is None
    assert app.test_client().get(f"/moderation/join/{token}").status_code == 404


@pytest.mark.parametrize(
    "email, message",
    [
        ("not-an-address", "That is not an e-mail address."),  # no @
        ("mo@vetted.example", "already exists"),  # an account already has it
        ("", "Give an e-mail address."),  # empty
    ],
)
def test_bad_invitations_are_refused_beside_the_field(app, admin_client, email, message):
    response = admin_client.post(
        "/moderation/admin/invites", data={"email": email, "role": "moderator"}
    )
    assert response.status_code == 400
    assert message in text_of(
        parse_html(response.get_data(as_text=True)).find("ul", id="email-errors")
    )


def test_only_admins_can_invite(db, people):
    mo = services.Moderator(id=people["moderator"], email="mo@vetted.example", name="Mo")
    with pytest.raises(services.Refused):
        invites.invite_moderator(db, mo, "x@vetted.example")
