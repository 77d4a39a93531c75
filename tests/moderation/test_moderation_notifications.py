"""Every decision path tells the clinic, through the one notifications service.

One test per path: the decision is made the way a moderator (or the command line) makes it,
then the mail that reached the clinic's people and the notification on the dashboard are read.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from directory.accounts.services import create_listing, get_user, request_ownership
from directory.accounts.storage import list_listing_requests, list_ownership_requests
from directory.mail import read_messages
from directory.notifications.services import clinic_notifications, own_notifications
from tests.conftest import make_profile
from tests.moderation.helpers import add_user, pending_claim, verify

TITLE = "Risks, benefits and aftercare explained in writing, with informed consent"
REVIEW = "/moderation/claims/c-1/informed-consent"


def mails_to(app, address: str) -> list:
    return read_messages(app.config["MAIL_DIR"], to=address)


def kinds(db, clinic_id: str = "c-1") -> list[str]:
    return [n["kind"] for n in clinic_notifications(db, clinic_id, None)["notifications"]]


def test_verifying_a_claim_tells_the_clinic(app, db, clinic, mod_client):
    pending_claim(db, clinic)
    today = date.today()
    response = mod_client.post(
        f"{REVIEW}/verify",
        data={
            "verify-expected_state": "pending_review",
            "verify-verified_at": today.isoformat(),
            "verify-expires_at": (today + timedelta(days=365)).isoformat(),
        },
        follow_redirects=True,
    )
    # The moderator reads names, not keys.
    assert f"Verified: {TITLE} at Harley Skin Clinic. The clinic was told." in response.text
    [mail] = mails_to(app, "owner@harley.example")
    assert mail["Subject"] == f"“{TITLE}” is verified for Harley Skin Clinic"
    assert kinds(db) == ["claim.verified"]


def test_a_decision_that_fails_tells_nobody(app, db, clinic, mod_client):
    pending_claim(db, clinic)
    response = mod_client.post(
        f"{REVIEW}/verify",
        data={
            "verify-expected_state": "claimed",  # the page was out of date: a conflict
            "verify-verified_at": date.today().isoformat(),
            "verify-expires_at": (date.today() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 409
    assert kinds(db) == [] and mails_to(app, "owner@harley.example") == []


def test_approving_a_new_listing_tells_its_owner(app, db, people, mod_client):
    applicant = add_user(db, "new@newclinic.example", role="clinic")
    profile = make_profile("x", name="Brand New Clinic")
    del profile["id"], profile["status"]
    clinic_id = create_listing(db, get_user(db, applicant), profile)
    [request] = list_listing_requests(db)
    response = mod_client.post(f"/moderation/listings/{request['id']}/approve", data={})
    assert response.status_code == 302
    [mail] = mails_to(app, "new@newclinic.example")
    assert mail["Subject"] == "Your listing of Brand New Clinic is published on Vetted"
    assert kinds(db, clinic_id) == ["listing.approved"]


def test_refusing_a_listing_from_the_command_line_tells_its_owner(app, db, people, runner):
    applicant = add_user(db, "new@newclinic.example", role="clinic")
    profile = make_profile("x", name="Brand New Clinic")
    del profile["id"], profile["status"]
    create_listing(db, get_user(db, applicant), profile)
    [request] = list_listing_requests(db)
    result = runner.invoke(
        args=["listings", "reject", str(request["id"]), "--reason", "No such address."]
    )
    assert result.exit_code == 0, result.output
    [mail] = mails_to(app, "new@newclinic.example")
    assert mail["Subject"] == "Your listing of Brand New Clinic was not approved"
    assert "No such address." in mail.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    ("decision", "kind", "subject"),
    [
        ("approve", "ownership.approved", "You now manage Harley Skin Clinic on Vetted"),
        ("reject", "ownership.rejected", "Your claim on Harley Skin Clinic was not approved"),
    ],
)
def test_deciding_an_ownership_claim_tells_the_claimant_only(
    app, db, clinic, mod_client, decision, kind, subject
):
    claimant = add_user(db, "someone@gmail.com", role="clinic")
    request_ownership(db, get_user(db, claimant), "c-1")
    [request] = list_ownership_requests(db)
    response = mod_client.post(
        f"/moderation/ownership/{request['id']}/{decision}", data={"reason": "Checked by phone."}
    )
    assert response.status_code == 302
    [mail] = mails_to(app, "someone@gmail.com")
    assert mail["Subject"] == subject
    assert mails_to(app, "owner@harley.example") == []
    assert [n["kind"] for n in own_notifications(db, claimant)] == [kind]


def test_a_suspension_and_a_reinstatement_confirmed_by_two_tell_the_clinic(
    app, db, clinic, mod_client, mod2_client
):
    mod_client.post("/moderation/clinics/c-1/suspend", data={"reason": "Unlicensed injector."})
    assert mails_to(app, "owner@harley.example") == []  # asking decides nothing yet
    [action] = db.query("select id from pending_actions")
    mod2_client.post(f"/moderation/actions/{action['id']}/confirm", data={})
    [mail] = mails_to(app, "owner@harley.example")
    assert mail["Subject"] == "The listing of Harley Skin Clinic is suspended"
    text = mail.get_body(("plain",)).get_content()
    assert "Unlicensed injector." in text
    assert "This listing is suspended while our moderators look into a concern." in text
    mod2_client.post("/moderation/clinics/c-1/reinstate", data={"reason": "Licence checked."})
    [action] = db.query("select id from pending_actions where state = 'pending'")
    mod_client.post(f"/moderation/actions/{action['id']}/confirm", data={})
    assert mails_to(app, "owner@harley.example")[-1]["Subject"] == (
        "The listing of Harley Skin Clinic is public again"
    )
    assert kinds(db) == ["clinic.reinstated", "clinic.suspended"]


def test_reversing_a_verification_tells_the_clinic(app, db, clinic, mod_client, mod2_client):
    pending_claim(db, clinic)
    verify(db, clinic, "informed-consent", on=date.today(), until=date.today() + timedelta(365))
    mod_client.post(f"{REVIEW}/reverse", data={"reverse-reason": "The form was forged."})
    [action] = db.query("select id from pending_actions")
    mod2_client.post(f"/moderation/actions/{action['id']}/confirm", data={})
    [mail] = mails_to(app, "owner@harley.example")
    assert mail["Subject"] == f"The verification of “{TITLE}” was withdrawn at Harley Skin Clinic"
    assert "The form was forged." in mail.get_body(("html",)).get_content()
