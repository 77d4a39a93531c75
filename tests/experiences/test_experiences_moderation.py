"""Moderators decide on experiences in their own lane of the queue: publish or refuse (the
patient is told why, in their language), and nothing personal stays behind."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from directory.experiences import services
from directory.mail import last_message, read_messages
from tests.experiences.helpers import (
    MODERATOR,
    confirmation_link,
    form_data,
    new_codes,
    submit,
)
from tests.moderation.helpers import PNG, add_user, link_to_clinic, staff_client
from tests.soup import parse_html, text_of


def pending(app, client, db, **overrides) -> int:
    """Send and confirm one experience through the pages; return its id."""
    data = form_data(new_codes(db, size=1)[0], **overrides)
    headers = {"Accept-Language": overrides.pop("lang")} if "lang" in overrides else {}
    assert submit(client, data, **headers).status_code == 302
    assert client.get(confirmation_link(app, data["email"])).status_code == 200
    return db.execute("select max(id) from experiences").fetchone()[0]


def row(db, experience_id: int) -> dict:
    return next(db.query("select * from experiences where id = ?", [experience_id]))


def queue_rows(mod_client, query: str = "?kind=experience") -> list[dict]:
    tree = parse_html(mod_client.get(f"/moderation/{query}").data)
    return [tr.attrs for tr in tree.select("ol.queue li.queue-row")]


def test_confirmed_experiences_wait_in_their_own_lane(app, db, client, clinic, mod_client):
    submit(client, form_data(new_codes(db, size=1)[0], email="never@example.org"))
    experience_id = pending(app, client, db)
    rows = queue_rows(mod_client)
    # The unconfirmed one is not there; the confirmed one is, in the experiences lane.
    assert [(r["data-kind"], r["data-clinic-id"]) for r in rows] == [("experience", "c-1")]
    tree = parse_html(mod_client.get("/moderation/").data)
    assert text_of(tree.find("span", attrs={"data-count": "experience"})) == "1"
    link = tree.select_one("li[data-kind=experience] p.queue-what a")["href"]
    assert link == f"/moderation/experiences/open/experience-{experience_id}"
    response = mod_client.get(link)
    assert response.headers["Location"] == f"/moderation/experiences/{experience_id}"


def test_publishing_puts_it_on_the_clinic_page_and_forgets_the_address(
    app, db, client, clinic, mod_client
):
    experience_id = pending(app, client, db, body="Kind and careful, every step explained.")
    response = mod_client.post(f"/moderation/experiences/{experience_id}/publish")
    assert response.headers["Location"] == "/moderation/?kind=experience"
    stored = row(db, experience_id)
    assert stored["state"] == "published" and stored["email"] is None
    # The patient hears of it once, then the address is gone from the store.
    mail = last_message(app.config["MAIL_DIR"], "patient@example.org")
    assert "is published" in mail["Subject"]
    assert "/clinics/c-1#experiences-heading" in mail.get_content()
    page = parse_html(client.get("/clinics/c-1").data)
    assert "Kind and careful" in text_of(page.find("section", class_="experiences"))
    # The ledger has the decision and what was published, never the address.
    (event,) = db.query("select * from events where action = 'experience.published'")
    assert event["actor"].startswith("user:") and "Kind and careful" in event["after"]
    everything = " ".join(str(v) for e in db.query("select * from events") for v in e.values())
    assert "patient@example.org" not in everything
    # And the queue is empty again.
    assert queue_rows(mod_client) == []


def test_a_refusal_tells_the_patient_why_in_their_language(app, db, client, clinic, mod_client):
    experience_id = pending(app, client, db, lang="fr", body="Le docteur Martin au 06 12 34 56 78.")
    response = mod_client.post(
        f"/moderation/experiences/{experience_id}/refuse",
        data={"reason": "personal-data", "note": "Remove the phone number."},
    )
    assert response.status_code == 302
    stored = row(db, experience_id)
    assert (stored["state"], stored["refusal"], stored["email"]) == (
        "refused",
        "personal-data",
        None,
    )
    mail = last_message(app.config["MAIL_DIR"], "patient@example.org")
    body = mail.get_content()
    assert "n'a pas été publiée" in mail["Subject"]
    assert "Remove the phone number." in body
    assert "personnelles" in body  # the reason, in French
    assert "Le docteur Martin" not in text_of(parse_html(client.get("/clinics/c-1").data))


def test_a_refusal_needs_a_reason_the_patient_will_read(app, db, client, clinic, mod_client):
    experience_id = pending(app, client, db)
    response = mod_client.post(f"/moderation/experiences/{experience_id}/refuse", data={})
    assert response.status_code == 400
    assert "Choose a reason." in text_of(parse_html(response.data).find("form", class_="refuse"))
    assert row(db, experience_id)["state"] == "pending"


def test_a_receipt_must_be_checked_before_publishing_and_is_then_deleted(
    app, db, client, clinic, mod_client
):
    data = form_data(None, receipt=(io.BytesIO(PNG), "receipt.png"))
    assert submit(client, data).status_code == 302
    client.get(confirmation_link(app))
    experience_id = row(db, 1)["id"]
    name = row(db, experience_id)["receipt_name"]
    receipt = mod_client.get(f"/moderation/experiences/{experience_id}/receipt")
    assert receipt.status_code == 200 and receipt.data == PNG
    assert receipt.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert receipt.headers["Content-Disposition"].startswith("attachment")
    refused = mod_client.post(f"/moderation/experiences/{experience_id}/publish", data={})
    assert refused.status_code == 400
    assert "Say that the receipt shows a visit" in text_of(parse_html(refused.data).find("main"))
    response = mod_client.post(
        f"/moderation/experiences/{experience_id}/publish", data={"receipt_checked": "y"}
    )
    assert response.status_code == 302
    assert not (Path(app.config["RECEIPTS_DIR"]) / name).exists()
    assert row(db, experience_id)["receipt_name"] is None
    assert mod_client.get(f"/moderation/experiences/{experience_id}/receipt").status_code == 404


def test_a_moderator_linked_to_the_clinic_may_not_decide(app, db, client, clinic):
    experience_id = pending(app, client, db)
    insider = add_user(db, "mo@harley.example", name="Insider")
    link_to_clinic(db, add_user(db, "staff@harley.example", role="clinic"), "c-1")
    insider_client = staff_client(app, db, "mo@harley.example", insider)
    response = insider_client.post(f"/moderation/experiences/{experience_id}/publish")
    assert response.status_code == 403
    assert row(db, experience_id)["state"] == "pending"


def test_a_decision_is_taken_once(app, db, client, clinic, mod_client):
    experience_id = pending(app, client, db)
    services.publish_experience(
        db, MODERATOR, experience_id, receipts_dir=app.config["RECEIPTS_DIR"]
    )
    response = mod_client.post(
        f"/moderation/experiences/{experience_id}/refuse", data={"reason": "other"}
    )
    assert response.status_code == 400
    assert row(db, experience_id)["state"] == "published"


@pytest.mark.parametrize(
    "path",
    [
        "/moderation/experiences/1",
        "/moderation/experiences/1/receipt",
        "/moderation/experiences/photos/1",
        "/moderation/experiences/rechecks/1",
        "/moderation/experiences/open/experience-1",
    ],
)
def test_the_lane_is_for_staff_only(app, db, client, clinic, owner_client, path):
    pending(app, client, db)
    assert client.get(path).status_code == 302  # to log in
    assert owner_client.get(path).status_code == 403


@pytest.mark.parametrize(
    "ref", ["nothing-1", "experience-x", "experience-" + "9" * 40, "photo-", "recheck"]
)
def test_a_bad_queue_reference_is_404(mod_client, clinic, ref):
    assert mod_client.get(f"/moderation/experiences/open/{ref}").status_code == 404


def test_unknown_entries_are_404(mod_client, owner_client, client, clinic):
    big = "9" * 30  # beyond SQLite's integers: still a 404, never an overflow
    for path in (
        "/moderation/experiences/99",
        "/moderation/experiences/photos/99",
        "/moderation/experiences/rechecks/99",
        f"/moderation/experiences/{big}",
        f"/moderation/experiences/photos/{big}/before.jpg",
    ):
        assert mod_client.get(path).status_code == 404, path
    assert owner_client.get(f"/manage/c-1/experiences/photos/{big}/after.jpg").status_code == 404
    assert client.get(f"/clinics/c-1/photos/{big}/before.jpg").status_code == 404
    assert client.get(f"/clinics/c-1/photos/{big}/report").status_code == 404
    reply = owner_client.post(f"/manage/c-1/experiences/{big}/reply", data={"body": "Hello"})
    assert reply.status_code == 404
    assert mod_client.post("/moderation/experiences/99/publish").status_code == 404
    assert read_messages(mod_client.application.config["MAIL_DIR"]) == []
