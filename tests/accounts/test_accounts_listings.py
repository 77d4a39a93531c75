"""Getting a listing: create a new one (unpublished until approved) or claim an existing one."""

from __future__ import annotations

import pytest

from directory.accounts import services
from directory.accounts.services import create_user
from tests.accounts.helpers import PASSWORD, log_in, log_in_as
from tests.soup import parse_html

NEW = {
    "name": "Glow Aesthetics",
    "address_lines": "2 Market Street",
    "city": "Leeds",
    "postcode": "ls1 6dt",
    "country": "GB",
    "phone": "0113 496 0000",
    "website": "glow.example",
}


def make_user(db, email, *, confirmed=True):
    return create_user(db, email=email, password=PASSWORD, role="clinic", confirmed=confirmed)


def test_new_listing_is_unpublished_owned_and_pending(client, db):
    user_id = make_user(db, "ana@glow.example")
    log_in(client, "ana@glow.example")
    response = client.post("/manage/new", data=NEW)
    assert response.status_code == 302
    clinic_id = response.headers["Location"].split("/")[2]
    assert response.headers["Location"] == f"/manage/{clinic_id}/edit"
    assert clinic_id.startswith("glow-aesthetics-")
    row = db.execute(
        "select status, postcode, phone, website from clinics where id = ?", [clinic_id]
    ).fetchone()
    assert row == ("unpublished", "LS1 6DT", "+44 113 496 0000", "https://glow.example")
    assert db.execute(
        "select role from clinic_users where clinic_id = ? and user_id = ?", [clinic_id, user_id]
    ).fetchone() == ("owner",)
    assert db.execute(
        "select state from listing_requests where clinic_id = ?", [clinic_id]
    ).fetchone() == ("pending",)
    # Not public until approved; the owner's dashboard says it waits.
    assert client.get(f"/clinics/{clinic_id}").status_code == 404
    dashboard = client.get(f"/manage/{clinic_id}").get_data(as_text=True)
    assert "waiting for a moderator" in dashboard


def test_unconfirmed_address_cannot_add_or_claim(client, db, clinic):
    make_user(db, "ana@harley.example", confirmed=False)
    log_in(client, "ana@harley.example")
    response = client.post("/manage/new", data=NEW)
    assert response.status_code == 200
    assert "Confirm your e-mail address before" in response.get_data(as_text=True)
    response = client.post(f"/manage/claim/{clinic}", data={"authorised": "y"})
    assert response.status_code == 200
    assert db.execute("select count(*) from clinics").fetchone()[0] == 1
    assert db.execute("select count(*) from ownership_requests").fetchone()[0] == 0


def test_cli_approves_a_listing_and_publishes_it(client, db, runner):
    make_user(db, "ana@glow.example")
    log_in(client, "ana@glow.example")
    clinic_id = client.post("/manage/new", data=NEW).headers["Location"].split("/")[2]
    pending = runner.invoke(args=["listings", "pending"])
    assert pending.exit_code == 0 and clinic_id in pending.output
    assert "1 pending listing(s)." in pending.output
    request_id = pending.output.split("\t")[0]
    result = runner.invoke(args=["listings", "approve", request_id])
    assert result.exit_code == 0, result.output
    assert db.execute("select status from clinics where id = ?", [clinic_id]).fetchone() == (
        "published",
    )
    assert client.get(f"/clinics/{clinic_id}").status_code == 200
    again = runner.invoke(args=["listings", "approve", request_id])
    assert again.exit_code != 0 and "already approved" in again.output
    missing = runner.invoke(args=["listings", "approve", "999"])
    assert missing.exit_code != 0 and "no such listing request" in missing.output


def test_cli_rejects_a_listing_with_a_reason_the_clinic_reads(client, db, runner):
    make_user(db, "ana@glow.example")
    log_in(client, "ana@glow.example")
    clinic_id = client.post("/manage/new", data=NEW).headers["Location"].split("/")[2]
    request_id = db.execute("select id from listing_requests").fetchone()[0]
    refused = runner.invoke(args=["listings", "reject", str(request_id)])
    assert refused.exit_code != 0  # --reason is required
    result = runner.invoke(
        args=["listings", "reject", str(request_id), "--reason", "No such clinic at that address"]
    )
    assert result.exit_code == 0, result.output
    html = client.get(f"/manage/{clinic_id}").get_data(as_text=True)
    assert "No such clinic at that address" in html
    assert db.execute("select status from clinics where id = ?", [clinic_id]).fetchone() == (
        "unpublished",
    )


def test_claim_search_finds_published_clinics(client, db, clinic):
    make_user(db, "ana@gmail.com")
    log_in(client, "ana@gmail.com")
    page = parse_html(client.get("/manage/claim?q=harley").data)
    links = [a["href"] for a in page.find_all("a") if "/manage/claim/" in a["href"]]
    assert links == [f"/manage/claim/{clinic}"]
    page = parse_html(client.get("/manage/claim?q=%25").data)  # a LIKE wildcard is just a character
    assert not [a for a in page.find_all("a") if "/manage/claim/" in a.get("href", "")]
    assert client.get("/manage/claim?q=" + "x" * 5000).status_code == 200


@pytest.mark.parametrize(
    ("email", "automatic"),
    [
        ("ana@harley.example", True),  # the website's own domain
        ("ana@mail.harley.example", False),  # a subdomain of it proves less: a moderator checks
        ("ana@gmail.com", False),  # free mail proves nothing
        ("ana@notharley.example", False),  # a look-alike domain
    ],
)
def test_claim_is_automatic_only_for_the_website_domain(client, db, clinic, email, automatic):
    user_id = make_user(db, email)
    log_in(client, email)
    response = client.post(f"/manage/claim/{clinic}", data={"note": "I run it", "authorised": "y"})
    assert response.status_code == 302
    role = db.execute(
        "select role from clinic_users where clinic_id = ? and user_id = ?", [clinic, user_id]
    ).fetchone()
    state, method = db.execute("select state, method from ownership_requests").fetchone()
    if automatic:
        assert response.headers["Location"] == f"/manage/{clinic}"
        assert (role, state, method) == (("owner",), "approved", "email-domain")
    else:
        assert response.headers["Location"] == "/manage/"
        assert (role, state, method) == (None, "pending", "moderator")


def test_claim_on_an_owned_clinic_waits_for_a_moderator(client, db, people, clinic):
    make_user(db, "second@harley.example")
    log_in(client, "second@harley.example")
    client.post(f"/manage/claim/{clinic}", data={"authorised": "y"})
    assert db.execute("select state from ownership_requests").fetchone() == ("pending",)


def test_claim_needs_the_authorised_box(client, db, clinic):
    make_user(db, "ana@harley.example")
    log_in(client, "ana@harley.example")
    response = client.post(f"/manage/claim/{clinic}", data={"note": "hello"})
    assert response.status_code == 200
    assert "Tick this box to confirm." in response.get_data(as_text=True)
    assert db.execute("select count(*) from ownership_requests").fetchone()[0] == 0


def test_cli_approves_and_rejects_ownership(client, db, runner, clinic, other_clinic):
    user_id = make_user(db, "ana@gmail.com")
    log_in(client, "ana@gmail.com")
    client.post(f"/manage/claim/{clinic}", data={"authorised": "y", "note": "owner"})
    client.post(f"/manage/claim/{other_clinic}", data={"authorised": "y"})
    pending = runner.invoke(args=["ownership", "pending"])
    assert "2 pending ownership request(s)." in pending.output
    first, second = [line.split("\t")[0] for line in pending.output.splitlines()[:2]]
    assert runner.invoke(args=["ownership", "approve", first]).exit_code == 0
    result = runner.invoke(args=["ownership", "reject", second, "--reason", "Not the owner"])
    assert result.exit_code == 0, result.output
    roles = dict(
        db.execute(
            "select clinic_id, role from clinic_users where user_id = ?", [user_id]
        ).fetchall()
    )
    assert roles == {clinic: "owner"}
    home = client.get("/manage/").get_data(as_text=True)
    assert "Not the owner" in home


def test_moderation_services_for_the_workbench(db, clinic):
    user = {
        "id": make_user(db, "ana@gmail.com"),
        "email": "ana@gmail.com",
        "email_confirmed_at": "2026-01-01",
    }
    row = services.request_ownership(db, user, clinic, note="I am the manager")
    assert [r["id"] for r in services.list_ownership_requests(db)] == [row["id"]]
    listed = services.list_ownership_requests(db)[0]
    assert (listed["clinic_name"], listed["user_email"], listed["note"]) == (
        "Harley Skin Clinic",
        "ana@gmail.com",
        "I am the manager",
    )
    with pytest.raises(services.AccountError):
        services.decide_request(db, "ownership", row["id"], "rejected", actor="user:9", reason="  ")
    services.decide_request(
        db, "ownership", row["id"], "rejected", actor="user:9", reason="No proof"
    )
    assert services.list_ownership_requests(db) == []
    assert services.list_ownership_requests(db, state="rejected")[0]["reason"] == "No proof"
    events = [
        e["action"] for e in db.query("select action from events where target_id = ?", [clinic])
    ]
    assert events[-2:] == ["ownership.requested", "ownership.rejected"]


def test_moderators_see_any_dashboard_read_only(client, db, people, clinic):
    log_in_as(client, db, people["moderator"])
    html = client.get(f"/manage/{clinic}").get_data(as_text=True)
    assert "Harley Skin Clinic" in html and "Edit the profile" not in html


def test_a_decided_request_cannot_be_decided_again(db, clinic):
    user = {"id": make_user(db, "ana@gmail.com"), "email": "ana@gmail.com"}
    user["email_confirmed_at"] = "2026-01-01"
    row = services.request_ownership(db, user, clinic)
    assert services.decide_request(db, "ownership", row["id"], "approved", actor="user:9") == clinic
    with pytest.raises(services.AccountError, match="already approved"):
        services.decide_request(db, "ownership", row["id"], "rejected", actor="user:9", reason="x")
    with pytest.raises(LookupError):
        services.decide_request(db, "listing", 999, "approved", actor="user:9")
    owners = db.execute("select user_id from clinic_users where role = 'owner'").fetchall()
    assert owners == [(user["id"],)]
