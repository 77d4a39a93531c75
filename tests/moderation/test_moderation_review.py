"""The review screen and its decisions: verify, reject, ask for more, conflicts, concurrency."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from directory.clinics.services import save_profile
from directory.mail import read_messages
from directory.moderation import services, storage
from directory.moderation.claims import default_dates
from directory.moderation.reports import submit_report
from directory.vetting.checklist import load_checklist
from directory.vetting.services import attach_evidence, get_claim
from tests.conftest import make_profile
from tests.moderation.helpers import (
    PDF,
    PNG,
    add_user,
    claim_state,
    link_to_clinic,
    log_in,
    log_in_with_mfa,
    pending_claim,
    store_document,
)
from tests.soup import parse_html, text_of

ITEM = "informed-consent"
REVIEW = f"/moderation/claims/c-1/{ITEM}"


def _verify_data(today: date | None = None, days: int = 365, state: str = "pending_review"):
    today = today or date.today()
    return {
        "verify-expected_state": state,
        "verify-verified_at": today.isoformat(),
        "verify-expires_at": (today + timedelta(days=days)).isoformat(),
    }


def _reject_data(reason_code: str, note: str, state: str = "pending_review") -> dict:
    data = {"reject-expected_state": state, "reject-note": note}
    return data | ({"reject-reason_code": reason_code} if reason_code else {})


def test_review_screen_shows_claim_definition_evidence_history_and_reports(
    app, db, clinic, mod_client
):
    pending_claim(db, clinic)
    submit_report(db, clinic, category="misleading-claims", description="They promised miracles.")
    page = parse_html(mod_client.get(REVIEW).get_data(as_text=True))
    assert page.find("dd", attrs={"data-state": "pending_review"}) is not None
    definition = text_of(page.find("section", class_="definition"))
    assert "signed consent" in definition and "consent form" in definition
    evidence = page.find("li", attrs={"data-evidence-id": "1"})
    assert evidence.find("a")["href"] == "https://clinic.example/consent.pdf"
    assert "noopener" in evidence.find("a")["rel"]
    history = text_of(page.find("section", class_="history"))
    assert "claim.claimed" in history and "claim.pending_review" in history
    assert "Misleading claims" in text_of(page.find("section", class_="reports"))
    assert page.find("input", id="verify-expected_state")["value"] == "pending_review"


def test_documents_are_previewed_and_downloaded_from_the_evidence_route(
    app, db, clinic, mod_client
):
    image = store_document(app, db, clinic, ITEM, PNG, "consent.png")
    pending_claim(db, clinic, document=image)
    pdf = store_document(app, db, clinic, ITEM, PDF, "consent.pdf")
    attach_evidence(db, clinic, ITEM, pdf, actor="test")
    png_url = f"/evidence/{clinic}/{image['stored_name']}"
    pdf_url = f"/evidence/{clinic}/{pdf['stored_name']}"
    page = parse_html(mod_client.get(REVIEW).get_data(as_text=True))
    assert page.find("img")["src"] == png_url
    # A PDF is never shown in the page, where something in it could run: a download only.
    assert page.find("iframe") is None
    downloads = [a["href"] for a in page.find("section", class_="evidence").find_all("a")]
    assert downloads == [png_url, pdf_url]

    png = mod_client.get(png_url)
    assert png.status_code == 200 and png.data == PNG
    assert png.mimetype == "image/png"
    assert png.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in png.headers["Content-Security-Policy"]
    assert "default-src 'none'" in png.headers["Content-Security-Policy"]
    served = mod_client.get(pdf_url)
    assert served.status_code == 200 and served.data == PDF
    assert served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert "consent.pdf" in served.headers["Content-Disposition"]
    assert served.headers["Content-Security-Policy"].endswith("sandbox")


def test_another_clinics_user_cannot_read_the_evidence(app, db, clinic, people):
    image = store_document(app, db, clinic, ITEM, PNG, "consent.png")
    pending_claim(db, clinic, document=image)
    other = app.test_client()
    log_in(other, "someone@other-clinic.example")
    assert other.get(f"/evidence/{clinic}/{image['stored_name']}").status_code == 404


def test_verify_stores_the_dates_and_leaves_the_queue(app, db, clinic, mod_client):
    pending_claim(db, clinic)
    today = date.today()
    response = mod_client.post(f"{REVIEW}/verify", data=_verify_data(today, 400))
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderation/?kind=claim"
    claim = get_claim(db, clinic, ITEM)
    assert claim["state"] == "verified"
    assert claim["verified_at"] == today.isoformat()
    assert claim["expires_at"] == (today + timedelta(days=400)).isoformat()
    assert claim["verified_by_name"] == "Mo Derator"
    queue = parse_html(mod_client.get("/moderation/").get_data(as_text=True))
    assert queue.find("tr", attrs={"data-kind": "claim"}) is None


def test_verify_with_bad_dates_keeps_the_typed_values_and_says_why(db, clinic, mod_client):
    pending_claim(db, clinic)
    data = _verify_data()
    data["verify-expires_at"] = data["verify-verified_at"]
    response = mod_client.post(f"{REVIEW}/verify", data=data)
    assert response.status_code == 400
    page = parse_html(response.get_data(as_text=True))
    assert "must be after" in text_of(page.find("ul", id="verify-expires_at-errors"))
    assert page.find("input", id="verify-expires_at")["value"] == data["verify-expires_at"]
    assert claim_state(db, clinic, ITEM) == "pending_review"


def test_verify_prefill_takes_the_earlier_of_checklist_and_licence_expiry(db, mod_client):
    soon = date.today() + timedelta(days=40)
    doctor = make_profile()["practitioners"][0] | {"licence_expiry": soon.isoformat()}
    save_profile(db, make_profile("c-1", practitioners=[doctor]), actor="test")
    pending_claim(db, "c-1", "licensed-staff")
    pending_claim(db, "c-1", ITEM)
    licensed = parse_html(
        mod_client.get("/moderation/claims/c-1/licensed-staff").get_data(as_text=True)
    )
    assert licensed.find("input", id="verify-expires_at")["value"] == soon.isoformat()
    assert "licence of Dr Amira Haddad" in text_of(licensed.find("p", id="verify-expires_at-hint"))
    other = parse_html(mod_client.get(REVIEW).get_data(as_text=True))
    expected = (date.today() + timedelta(days=730)).isoformat()  # informed-consent: 730 days
    assert other.find("input", id="verify-expires_at")["value"] == expected


def test_verifying_licensed_staff_caps_the_expiry_and_the_screen_says_so(db, mod_client):
    soon = date.today() + timedelta(days=40)
    doctor = make_profile()["practitioners"][0] | {"licence_expiry": soon.isoformat()}
    save_profile(db, make_profile("c-1", practitioners=[doctor]), actor="test")
    pending_claim(db, "c-1", "licensed-staff")
    screen = "/moderation/claims/c-1/licensed-staff"
    page = parse_html(mod_client.get(screen).get_data(as_text=True))
    hint = text_of(page.find("p", id="verify-expires_at-hint"))
    assert "never outlives them" in hint and f"Dr Amira Haddad, {soon.isoformat()}" in hint
    # A moderator who types a later date gets the licence's date.
    response = mod_client.post(f"{screen}/verify", data=_verify_data(days=365))
    assert response.status_code == 302
    claim = get_claim(db, "c-1", "licensed-staff")
    assert (claim["state"], claim["expires_at"]) == ("verified", soon.isoformat())


def test_review_screen_refuses_to_verify_over_a_lapsed_licence(db, mod_client):
    lapsed = date.today() - timedelta(days=3)
    doctor = make_profile()["practitioners"][0] | {"licence_expiry": lapsed.isoformat()}
    save_profile(db, make_profile("c-1", practitioners=[doctor]), actor="test")
    pending_claim(db, "c-1", "licensed-staff")
    screen = "/moderation/claims/c-1/licensed-staff"
    page = parse_html(mod_client.get(screen).get_data(as_text=True))
    assert f"Dr Amira Haddad expired on {lapsed.isoformat()}" in text_of(
        page.find(class_="licence-lapsed")
    )
    response = mod_client.post(f"{screen}/verify", data=_verify_data(days=365))
    assert response.status_code == 400
    errors = (
        parse_html(response.get_data(as_text=True))
        .find("form", class_="verify")
        .find("ul", class_="errors")
    )
    assert "cannot be verified until the clinic gives the renewed licence" in text_of(errors)
    assert claim_state(db, "c-1", "licensed-staff") == "pending_review"


@pytest.mark.parametrize(
    "licence_expiry, days_from_today",
    [
        ("2099-01-01", 365),  # a licence beyond the checklist's expiry: the checklist wins
        (None, 365),  # no licence expiry given: the checklist
        ("not a date", 365),  # unreadable: ignored
        ("+40", 40),  # a licence expiring before: the licence wins
    ],
)
def test_default_dates_rule(licence_expiry, days_from_today):
    today = date(2026, 11, 22)
    if licence_expiry == "+40":
        licence_expiry = (today + timedelta(days=40)).isoformat()
    clinic = {"practitioners": [{"name": "Dr A", "licence_expiry": licence_expiry}]}
    item = load_checklist().get("licensed-staff")
    assert default_dates(item, clinic, today)["expires_at"] == today + timedelta(
        days=days_from_today
    )


def test_reject_needs_a_reason_code_and_tells_the_clinic(app, db, clinic, mod_client):
    pending_claim(db, clinic)
    refused = mod_client.post(f"{REVIEW}/reject", data=_reject_data("", "x"))
    assert refused.status_code == 400
    assert claim_state(db, clinic, ITEM) == "pending_review"
    response = mod_client.post(
        f"{REVIEW}/reject", data=_reject_data("evidence-outdated", "The consent form is from 2019.")
    )
    assert response.status_code == 302
    claim = get_claim(db, clinic, ITEM)
    assert claim["state"] == "rejected"
    assert claim["reason"] == "The evidence is out of date. The consent form is from 2019."
    mails = read_messages(app.config["MAIL_DIR"], to="owner@harley.example")
    assert len(mails) == 1
    # The item by its title, the clinic by its name; the note in both parts.
    assert mails[0]["Subject"] == (
        "“Risks, benefits and aftercare explained in writing, with informed consent” was not "
        "accepted for Harley Skin Clinic"
    )
    for part in ("plain", "html"):
        assert "The consent form is from 2019." in mails[0].get_body((part,)).get_content()


def test_other_reason_needs_a_note(db, clinic, mod_client):
    pending_claim(db, clinic)
    response = mod_client.post(
        f"{REVIEW}/reject",
        data={"reject-expected_state": "pending_review", "reject-reason_code": "other"},
    )
    assert response.status_code == 400
    page = parse_html(response.get_data(as_text=True))
    assert "clinic reads this note" in text_of(page.find("ul", id="reject-note-errors"))


def test_asking_for_more_information_returns_the_claim_and_emails_the_clinic(
    app, db, clinic, mod_client
):
    pending_claim(db, clinic)
    response = mod_client.post(
        f"{REVIEW}/info",
        data={"info-expected_state": "pending_review", "info-note": "Send the aftercare page."},
    )
    assert response.status_code == 302
    claim = get_claim(db, clinic, ITEM)
    # Handed back to the clinic, not failed: patients see "claimed, not verified".
    assert claim["state"] == "claimed"
    assert "Send the aftercare page." in claim["reason"]
    mail = read_messages(app.config["MAIL_DIR"], to="owner@harley.example")[-1]
    assert mail["Subject"].startswith("More information needed: “Risks, benefits and aftercare")
    assert "Send the aftercare page." in mail.get_body(("plain",)).get_content()
    # The clinic answers with more evidence: the claim is back in the queue.
    pending_claim(db, clinic)
    assert claim_state(db, clinic, ITEM) == "pending_review"


def test_second_moderator_sees_who_decided_first_and_nothing_is_overwritten(
    db, clinic, mod_client, mod2_client
):
    pending_claim(db, clinic)
    # Both open the screen while the claim waits.
    for client in (mod_client, mod2_client):
        page = parse_html(client.get(REVIEW).get_data(as_text=True))
        assert page.find("input", id="reject-expected_state")["value"] == "pending_review"
    assert mod_client.post(f"{REVIEW}/verify", data=_verify_data()).status_code == 302
    late = mod2_client.post(f"{REVIEW}/reject", data=_reject_data("not-met", "No consent form."))
    assert late.status_code == 409
    message = parse_html(late.get_data(as_text=True)).find("p", class_="notice conflict-message")
    assert "already decided" in text_of(message) and "Mo Derator" in text_of(message)
    claim = get_claim(db, clinic, ITEM)
    assert claim["state"] == "verified" and claim["verified_by_name"] == "Mo Derator"
    actions = [
        r[0]
        for r in db.execute(
            "select action from events where target_type = 'claim' and target_id = ?",
            [f"c-1:{ITEM}"],
        )
    ]
    assert actions.count("claim.verified") == 1 and "claim.rejected" not in actions


def test_a_declared_conflict_stops_every_decision(db, clinic, mod_client):
    pending_claim(db, clinic)
    response = mod_client.post(
        "/moderation/conflicts", data={"clinic_id": "c-1", "reason": "My sister works there."}
    )
    assert response.status_code == 302
    page = parse_html(mod_client.get(REVIEW).get_data(as_text=True))
    assert "declared a conflict" in text_of(page.find("p", role="alert"))
    assert page.find("form", class_="verify") is None
    refused = mod_client.post(f"{REVIEW}/verify", data=_verify_data())
    assert refused.status_code == 403
    assert claim_state(db, clinic, ITEM) == "pending_review"
    assert (
        mod_client.post("/moderation/clinics/c-1/suspend", data={"reason": "x"}).status_code == 403
    )


def test_a_clinic_account_on_the_moderators_email_domain_stops_decisions(app, db, clinic):
    pending_claim(db, clinic)
    insider = add_user(db, "friend@harley.example", name="Insider")  # owner@harley.example
    client = app.test_client()
    log_in_with_mfa(client, db, "friend@harley.example", insider)
    refused = client.post(f"{REVIEW}/verify", data=_verify_data())
    assert refused.status_code == 403
    assert claim_state(db, clinic, ITEM) == "pending_review"


@pytest.mark.parametrize(
    "moderator_email, declared, clinic_user_emails, refused",
    [
        ("mo@vetted.example", False, ["owner@harley.example"], False),  # unrelated: may decide
        ("mo@vetted.example", True, ["owner@harley.example"], True),  # declared conflict
        ("mo@harley.example", False, ["owner@harley.example"], True),  # same domain
        ("mo@HARLEY.example", False, ["owner@harley.example"], True),  # case does not matter
        ("mo@sub.harley.example", False, ["owner@harley.example"], False),  # another domain
        ("mo@vetted.example", False, [], False),  # nobody manages the clinic yet
    ],
)
def test_conflict_of_interest_rule(db, moderator_email, declared, clinic_user_emails, refused):
    save_profile(db, make_profile("c-9"), actor="test")
    mod_id = add_user(db, moderator_email.lower())
    for n, email in enumerate(clinic_user_emails):
        link_to_clinic(db, add_user(db, email, role="clinic", name=f"u{n}"), "c-9")
    if declared:
        storage.add_conflict(db, mod_id, "c-9", "")
    moderator = services.Moderator(id=mod_id, email=moderator_email, name="M")
    assert (services.conflict_reason(db, moderator, "c-9") is not None) is refused


def test_conflict_declarations_can_be_withdrawn_and_are_in_the_ledger(db, clinic, mod_client):
    mod_client.post("/moderation/conflicts", data={"clinic_id": "c-1", "reason": "Old job"})
    page = parse_html(mod_client.get("/moderation/conflicts").get_data(as_text=True))
    assert page.find("li", attrs={"data-clinic-id": "c-1"}) is not None
    conflict_id = db.execute("select id from conflicts").fetchone()[0]
    assert mod_client.post(f"/moderation/conflicts/{conflict_id}/delete").status_code == 302
    assert db.execute("select count(*) from conflicts").fetchone()[0] == 0
    actions = [r[0] for r in db.execute("select action from events where target_id = 'c-1'")]
    assert "moderation.conflict_declared" in actions
    assert "moderation.conflict_withdrawn" in actions


def test_declaring_an_unknown_clinic_says_so(mod_client, db):
    response = mod_client.post("/moderation/conflicts", data={"clinic_id": "nope"})
    assert response.status_code == 400
    assert "no clinic" in text_of(
        parse_html(response.get_data(as_text=True)).find("ul", id="clinic_id-errors")
    )


@pytest.mark.parametrize(
    "path",
    [
        "/moderation/claims/c-1/" + "x" * 300,  # an absurdly long item key
        "/moderation/claims/%00/informed-consent",  # a NUL byte in the clinic id
        "/moderation/claims/c-1/%3Cscript%3E",  # markup as an item key
        "/moderation/clinics/%E2%80%AEc-1",  # a right-to-left override in the id
        "/moderation/ledger.csv?clinic=" + "y" * 300,  # a huge clinic filter
    ],
)
def test_hostile_paths_give_404_not_500(mod_client, clinic, path):
    assert mod_client.get(path).status_code == 404


def test_a_decision_without_the_state_the_page_showed_is_refused(db, clinic, mod_client):
    pending_claim(db, clinic)
    data = _verify_data()
    del data["verify-expected_state"]
    response = mod_client.post(f"{REVIEW}/verify", data=data)
    assert response.status_code == 400
    assert "out of date" in text_of(
        parse_html(response.get_data(as_text=True)).find("form", class_="verify")
    )
    assert claim_state(db, clinic, ITEM) == "pending_review"
