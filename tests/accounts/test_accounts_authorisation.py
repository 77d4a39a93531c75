"""Every accounts route against every role, with the exact outcome expected of each."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from directory.vetting.services import attach_evidence
from tests.accounts.helpers import PNG, log_in_as
from tests.moderation.helpers import store_document

ROLES = ("anonymous", "other", "editor", "owner", "moderator", "admin")
LOGIN = "login"  # a redirect to the login page, coming back to the same path
EVERYONE_200 = dict.fromkeys(ROLES, 200)
MEMBERS = {
    "anonymous": LOGIN,
    "other": 200,
    "editor": 200,
    "owner": 200,
    "moderator": 200,
    "admin": 200,
}


def expect(anonymous, other, editor, owner, moderator, admin):
    return dict(zip(ROLES, (anonymous, other, editor, owner, moderator, admin), strict=True))


# (method, path, form data, expected outcome per role: a status code, LOGIN, or ("→", target))
ROUTES = [
    # the list of one's clinics
    ("GET", "/manage/", None, MEMBERS),
    # adding a new clinic
    ("GET", "/manage/new", None, MEMBERS),
    # searching clinics to claim
    ("GET", "/manage/claim?q=harley", None, MEMBERS),
    # claiming c-1: its people are sent to its dashboard instead
    (
        "GET",
        "/manage/claim/c-1",
        None,
        expect(LOGIN, 200, ("→", "/manage/c-1"), ("→", "/manage/c-1"), 200, 200),
    ),
    # the dashboard: outsiders learn nothing (404), moderators may look
    ("GET", "/manage/c-1", None, expect(LOGIN, 404, 200, 200, 200, 200)),
    # its messages (notifications) and the preview of its public page: the same people
    ("GET", "/manage/c-1/notifications", None, expect(LOGIN, 404, 200, 200, 200, 200)),
    ("GET", "/manage/c-1/preview", None, expect(LOGIN, 404, 200, 200, 200, 200)),
    # the profile editor: the clinic's people only; moderators may not edit
    ("GET", "/manage/c-1/edit", None, expect(LOGIN, 404, 200, 200, 403, 403)),
    # saving the editor (an incomplete form: shown again with errors; anonymous: draft, login)
    ("POST", "/manage/c-1/edit", {"name": ""}, expect(LOGIN, 404, 200, 200, 403, 403)),
    # discarding a kept draft
    (
        "POST",
        "/manage/c-1/draft/discard",
        {},
        expect(LOGIN, 404, ("→", "/manage/c-1/edit"), ("→", "/manage/c-1/edit"), 403, 403),
    ),
    # the clinic's people: owners only
    ("GET", "/manage/c-1/members", None, expect(LOGIN, 404, 403, 200, 403, 403)),
    # inviting an editor
    (
        "POST",
        "/manage/c-1/members",
        {"email": "new@harley.example"},
        expect(LOGIN, 404, 403, ("→", "/manage/c-1/members"), 403, 403),
    ),
    # removing the editor
    (
        "POST",
        "/manage/c-1/members/{editor_id}/remove",
        {},
        expect(LOGIN, 404, 403, ("→", "/manage/c-1/members"), 403, 403),
    ),
    # withdrawing an invitation that does not exist
    ("POST", "/manage/c-1/invites/999/revoke", {}, expect(LOGIN, 404, 403, 404, 403, 403)),
    # a checklist item: the clinic's people and moderators may read it
    ("GET", "/manage/c-1/items/informed-consent", None, expect(LOGIN, 404, 200, 200, 200, 200)),
    # sending evidence: the clinic's people only
    (
        "POST",
        "/manage/c-1/items/informed-consent",
        {"statement": "We do this."},
        expect(LOGIN, 404, ("→", "/manage/c-1"), ("→", "/manage/c-1"), 403, 403),
    ),
    # an evidence document: 404 for everyone who may not see it, even anonymous people
    ("GET", "/evidence/c-1/{document}", None, expect(404, 404, 200, 200, 200, 200)),
    # a clinic that does not exist
    ("GET", "/manage/no-such-clinic", None, expect(LOGIN, 404, 404, 404, 404, 404)),
    # one's account page
    ("GET", "/account/", None, MEMBERS),
    # changing one's password
    ("GET", "/account/password", None, MEMBERS),
    # asking for a new confirmation link
    (
        "POST",
        "/account/confirm/resend",
        {},
        {**dict.fromkeys(ROLES, ("→", "/manage/")), "anonymous": LOGIN},
    ),
    # choosing the language of one's e-mails
    (
        "POST",
        "/account/language",
        {"language": "fr"},
        {**dict.fromkeys(ROLES, ("→", "/account/?lang=fr")), "anonymous": LOGIN},
    ),
    # the login page: people already logged in go where their work is
    (
        "GET",
        "/account/login",
        None,
        {
            **dict.fromkeys(ROLES, ("→", "/manage/")),
            "anonymous": 200,
            "moderator": ("→", "/moderation/"),
            "admin": ("→", "/moderation/"),
        },
    ),
    # registering and resetting are open to all
    ("GET", "/account/register", None, EVERYONE_200),
    ("GET", "/account/reset", None, EVERYONE_200),
    # asking for a login link is open to all; a link that is not one is refused
    ("GET", "/account/login-link", None, EVERYONE_200),
    ("GET", "/account/login-link/not-a-token", None, dict.fromkeys(ROLES, 400)),
    # links from e-mails: without a valid token nobody gets anywhere
    ("GET", "/account/confirm/not-a-token", None, dict.fromkeys(ROLES, 400)),
    ("GET", "/account/reset/not-a-token", None, dict.fromkeys(ROLES, 400)),
    ("GET", "/account/invites/not-a-token", None, dict.fromkeys(ROLES, 400)),
    # logging out always works
    ("POST", "/account/logout", {}, dict.fromkeys(ROLES, ("→", "/"))),
]


def _document(app, db):
    evidence = store_document(app, db, "c-1", "informed-consent", PNG, "scan.png")
    attach_evidence(db, "c-1", "informed-consent", evidence, actor="test")
    return evidence["stored_name"]


@pytest.mark.parametrize(
    ("method", "path", "data", "expected"), ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES]
)
def test_route_outcome_for_every_role(app, db, people, method, path, data, expected):
    editor_id = db.execute("select id from users where email = ?", [people["editor"]]).fetchone()[0]
    document = _document(app, db) if "{document}" in path else None
    path = path.format(editor_id=editor_id, document=document)
    outcomes = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            log_in_as(client, db, people[role])
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data=data)
        response.close()
        location = response.headers.get("Location")
        if response.status_code == 302 and location.startswith("/account/login?"):
            back = parse_qs(urlsplit(location).query).get("next", [""])[0]
            outcomes[role] = LOGIN if back == path else ("→", location)
        elif response.status_code == 302:
            outcomes[role] = ("→", location)
        else:
            outcomes[role] = response.status_code
    assert outcomes == expected


def test_the_table_covers_every_accounts_route(app):
    blueprints = ("accounts.", "clinic_admin.", "clinic_editor.", "clinic_evidence.")
    adapter = app.url_map.bind("localhost")
    covered = set()
    for method, path, _data, _expected in ROUTES:
        endpoint, _args = adapter.match(
            urlsplit(path.format(editor_id=1, document="a" * 32)).path, method=method
        )
        covered.add(endpoint)
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith(blueprints)}
    assert endpoints - covered == set()
