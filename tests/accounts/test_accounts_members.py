"""A clinic's people: the owner invites editors by e-mail and can remove them."""

from __future__ import annotations

from directory.accounts.services import create_user
from tests.accounts.helpers import PASSWORD, field_errors, link_path, log_in, mails
from tests.soup import parse_html


def invite(client, clinic, email):
    return client.post(f"/manage/{clinic}/members", data={"email": email})


def roles(db, clinic):
    return dict(
        db.execute(
            "select u.email, cu.role from clinic_users cu join users u on u.id = cu.user_id "
            "where cu.clinic_id = ?",
            [clinic],
        ).fetchall()
    )


def test_owner_invites_an_editor_who_accepts_by_the_mailed_link(app, client, db, people, clinic):
    log_in(client, people["owner"])
    response = invite(client, clinic, "New.Person@Harley.example")
    assert response.status_code == 302
    (message,) = mails(app, "new.person@harley.example")
    assert "Harley Skin Clinic" in message["Subject"]
    path = link_path(message)
    client.post("/account/logout")
    # Not logged in: the page explains how to accept, and accepts nothing.
    page = client.get(path).get_data(as_text=True)
    assert "Log in" in page and "new.person@harley.example" in page

    create_user(db, email="new.person@harley.example", password=PASSWORD, role="clinic")
    log_in(client, "new.person@harley.example")
    response = client.post(path)
    assert response.status_code == 302 and response.headers["Location"] == f"/manage/{clinic}"
    assert roles(db, clinic)["new.person@harley.example"] == "editor"
    # Following the mailed link proved the address.
    assert db.execute(
        "select email_confirmed_at is not null from users where email = ?",
        ["new.person@harley.example"],
    ).fetchone() == (1,)
    # The link is spent.
    assert client.get(path).status_code == 400


def test_an_invite_for_another_address_is_refused(app, client, db, people, clinic):
    log_in(client, people["owner"])
    invite(client, clinic, "someone@harley.example")
    path = link_path(mails(app, "someone@harley.example")[0])
    client.post("/account/logout")
    log_in(client, people["other"])
    response = client.post(path)
    assert response.status_code == 200
    assert people["other"] not in roles(db, clinic)


def test_inviting_a_member_again_says_so(client, db, people, clinic):
    log_in(client, people["owner"])
    response = invite(client, clinic, people["editor"])
    assert field_errors(parse_html(response.data), "email") == [
        f"{people['editor']} already works on this listing."
    ]


def test_owner_removes_an_editor_but_not_the_last_owner(client, db, people, clinic):
    log_in(client, people["owner"])
    editor_id = db.execute("select id from users where email = ?", [people["editor"]]).fetchone()[0]
    owner_id = db.execute("select id from users where email = ?", [people["owner"]]).fetchone()[0]
    response = client.post(f"/manage/{clinic}/members/{editor_id}/remove")
    assert response.status_code == 302
    assert people["editor"] not in roles(db, clinic)
    response = client.post(f"/manage/{clinic}/members/{owner_id}/remove", follow_redirects=True)
    assert "the last owner cannot be removed" in response.get_data(as_text=True)
    assert roles(db, clinic)[people["owner"]] == "owner"
    assert client.post(f"/manage/{clinic}/members/99999/remove").status_code == 404


def test_owner_withdraws_an_invitation(app, client, db, people, clinic):
    log_in(client, people["owner"])
    invite(client, clinic, "later@harley.example")
    invite_id = db.execute("select id from invites").fetchone()[0]
    path = link_path(mails(app, "later@harley.example")[0])
    assert client.post(f"/manage/{clinic}/invites/{invite_id}/revoke").status_code == 302
    assert client.get(path).status_code == 400


def test_editors_cannot_manage_people(client, db, people, clinic):
    log_in(client, people["editor"])
    assert client.get(f"/manage/{clinic}/members").status_code == 403
    assert invite(client, clinic, "x@harley.example").status_code == 403
