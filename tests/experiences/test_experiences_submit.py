"""A patient leaves an experience: proof of the visit, the form's checks, the confirmation link,
and every abuse refused with a clear message and nothing half-stored."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from directory.accounts.limits import limiter
from directory.experiences import services
from directory.mail import read_messages
from tests import pdfs
from tests.conftest import close_index, make_app, make_profile
from tests.experiences.helpers import (
    confirmation_link,
    form_data,
    new_codes,
    submission,
    submit,
)
from tests.moderation.helpers import PNG
from tests.soup import parse_html, text_of

ARABIC = "الممرضة شرحت كل شيء"  # "the nurse explained everything"


def stored(db) -> list[dict]:
    return list(db.query("select * from experiences order by id"))


def spent(db) -> int:
    return db.execute("select count(*) from visit_codes where used_at is not null").fetchone()[0]


def field_errors(response, name: str) -> str:
    errors = parse_html(response.data).find("ul", id=f"{name}-errors")
    return text_of(errors) if errors else ""


def page_errors(response) -> str:
    found = parse_html(response.data).find("ul", class_="errors", attrs={"role": "alert"})
    return text_of(found) if found else ""


def test_a_patient_with_a_code_leaves_an_experience_and_confirms_it(app, db, client, clinic):
    code = new_codes(db)[0]
    response = submit(client, form_data(code.lower().replace("-", " ")))  # as typed from paper
    assert response.status_code == 302
    assert response.headers["Location"] == "/clinics/c-1/experiences/sent"
    (row,) = stored(db)
    assert (row["state"], row["proof"], row["clinic_id"], row["rating"]) == (
        "unconfirmed",
        "code",
        "c-1",
        5,
    )
    assert spent(db) == 1
    # Not in the moderators' queue until the address is confirmed.
    assert services.queue_entries(db) == []
    page = client.get(confirmation_link(app))
    assert page.status_code == 200
    assert "Your address is confirmed" in text_of(parse_html(page.data).find("main"))
    assert stored(db)[0]["state"] == "pending"
    assert [e["ref"] for e in services.queue_entries(db)] == [f"experience-{row['id']}"]
    # The link works once; opening it again says so, and changes nothing.
    again = client.get(confirmation_link(app))
    assert "confirmed this experience already" in text_of(parse_html(again.data).find("main"))
    # The ledger knows an experience arrived, not who sent it.
    events = list(db.query("select * from events where target_type = 'experience'"))
    assert [e["action"] for e in events] == ["experience.submitted", "experience.confirmed"]
    assert all("patient@example.org" not in (e["after"] or "") for e in events)
    assert {e["actor"] for e in events} == {"patient"}


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",  # garbage
        "x" * 5000,  # very long
    ],
)
def test_a_bad_confirmation_link_changes_nothing(app, db, client, clinic, token):
    submit(client, form_data(new_codes(db)[0]))
    response = client.get(f"/experiences/confirm/{token}")
    assert response.status_code in (400, 404)
    assert stored(db)[0]["state"] == "unconfirmed"


def test_a_link_signed_for_another_address_does_not_confirm(app, db, client, clinic):
    from directory.accounts.tokens import make_token

    submit(client, form_data(new_codes(db)[0]))
    forged = make_token("test-secret", "confirm-experience", {"x": 1, "h": "0" * 16})
    assert client.get(f"/experiences/confirm/{forged}").status_code == 400
    # A token of another purpose (a clinic's e-mail confirmation) is worthless here.
    other = make_token("test-secret", "confirm-email", {"x": 1, "h": stored(db)[0]["email_hash"]})
    assert client.get(f"/experiences/confirm/{other}").status_code == 400
    assert stored(db)[0]["state"] == "unconfirmed"


def test_an_empty_form_says_what_is_missing_and_keeps_what_was_typed(db, client, clinic):
    data = {"email": "not-an-address", "body": "Kind staff.", "code": "ABCD", "visit_month": ""}
    response = submit(client, data)
    assert response.status_code == 400
    assert field_errors(response, "email") == "That is not an e-mail address."
    assert field_errors(response, "visit_month").startswith("Give the month of your visit")
    assert field_errors(response, "rating") == "Choose a rating from 1 to 5."
    assert field_errors(response, "q_allergies") == "Choose an answer."
    tree = parse_html(response.data)
    assert tree.find("input", id="email")["value"] == "not-an-address"
    assert text_of(tree.find("textarea", id="body")) == "Kind staff."
    assert tree.find("input", id="code")["value"] == "ABCD"
    assert stored(db) == [] and read_messages(client.application.config["MAIL_DIR"]) == []


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        # A code that cannot be one.
        ({"code": "HELLO"}, "code", "That is not a visit code"),
        # A well-formed code nobody generated.
        ({"code": "ABCD-EFGH-JK34"}, "code", "We do not know this code"),
        # A treatment the clinic does not list.
        ({"treatment": "pressotherapy"}, "treatment", "Not a valid choice"),
        # A visit in the future.
        ({"visit_month": "2999-01"}, "visit_month", "The visit cannot be in the future."),
        # A visit too long ago.
        ({"visit_month": "2001-01"}, "visit_month", "too long ago"),
        # Not a month.
        ({"visit_month": "2026-13"}, "visit_month", "Give the month of your visit"),
        # A script in the free text.
        ({"body": "<script>alert(1)</script>"}, "body", "HTML is not allowed here"),
        # Markup in the side effects.
        ({"side_effects_text": "<img src=x onerror=alert(1)>"}, "side_effects_text", "HTML"),
        # Too long.
        ({"body": "x" * 1001}, "body", "1000 characters"),
        # A rating out of range.
        ({"rating": "6"}, "rating", "Not a valid choice"),
        # An answer the question does not offer.
        ({"q_allergies": "maybe"}, "q_allergies", "Not a valid choice"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_stored(
    db, client, clinic, change, field, message
):
    data = {**form_data(new_codes(db)[0]), **change}
    response = submit(client, data)
    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert stored(db) == [] and spent(db) == 0
    # What was typed is still there.
    tree = parse_html(response.data)
    assert tree.find("input", id="email")["value"] == "patient@example.org"


def test_hidden_characters_are_taken_out_of_what_is_stored(db, client, clinic):
    # A direction override would make the text read differently than it shows to a moderator.
    assert submit(client, form_data(new_codes(db)[0], body="fine \u202eenif")).status_code == 302
    assert stored(db)[0]["body"] == "fine enif"


def test_a_used_code_is_refused(db, client, clinic):
    code = new_codes(db)[0]
    assert submit(client, form_data(code)).status_code == 302
    response = submit(client, form_data(code, email="someone-else@example.org"))
    assert response.status_code == 400
    assert field_errors(response, "code").startswith("This code was already used.")
    assert len(stored(db)) == 1


def test_a_code_of_another_clinic_is_refused(db, client, clinic):
    code = new_codes(db, "c-2")[0]
    response = submit(client, form_data(code))
    assert "This code is for another clinic" in field_errors(response, "code")
    assert stored(db) == [] and spent(db) == 0


def test_an_expired_code_is_refused(app, db, client, clinic):
    old = datetime.now(UTC) - timedelta(days=40)
    code = services.generate_batch(db, "c-1", size=1, days=30, user_id=1, now=old)["codes"][0]
    response = submit(client, form_data(code))
    assert field_errors(response, "code") == "This code has expired. Ask the clinic for a new one."
    assert spent(db) == 0


def test_a_second_experience_of_the_same_visit_from_the_same_address_is_refused(db, client, clinic):
    first, second = new_codes(db, size=2)
    assert submit(client, form_data(first)).status_code == 302
    # Another code, the same address written differently, the same clinic and month.
    response = submit(client, form_data(second, email="PATIENT@example.org "))
    assert response.status_code == 400
    assert "one experience per visit" in field_errors(response, "visit_month")
    assert len(stored(db)) == 1 and spent(db) == 1
    # Another month is another visit.
    earlier = date.today().replace(day=1) - timedelta(days=1)
    month = f"{earlier.year:04d}-{earlier.month:02d}"
    assert submit(client, form_data(second, visit_month=month)).status_code == 302


def test_the_honeypot_pretends_and_keeps_nothing(app, db, client, clinic):
    code = new_codes(db)[0]
    response = submit(client, form_data(code, website="http://spam.example"))
    assert response.headers["Location"] == "/clinics/c-1/experiences/sent"
    assert stored(db) == [] and spent(db) == 0
    assert read_messages(app.config["MAIL_DIR"]) == []


def test_no_proof_at_all_is_refused(db, client, clinic):
    response = submit(client, form_data(None))
    assert "Give the code from the clinic, or a photo or PDF of your receipt." in field_errors(
        response, "code"
    )
    assert stored(db) == []


def receipt_form(data: bytes, name: str = "receipt.png", **overrides) -> dict:
    return form_data(None, receipt=(io.BytesIO(data), name), **overrides)


def test_a_receipt_proves_a_visit_and_is_kept_privately_until_the_decision(app, db, client, clinic):
    assert submit(client, receipt_form(PNG)).status_code == 302
    (row,) = stored(db)
    assert (row["proof"], row["receipt_mime"], row["code_id"]) == ("receipt", "image/png", None)
    files = list(Path(app.config["RECEIPTS_DIR"]).iterdir())
    assert [f.name for f in files] == [row["receipt_name"]]
    # The same receipt cannot prove a second visit, even from another address.
    again = submit(client, receipt_form(PNG, email="other@example.org"))
    assert field_errors(again, "receipt") == "This receipt was already used to share an experience."
    assert len(stored(db)) == 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        # Not an image or a PDF, whatever its name says.
        (b"MZ\x90\x00 a program", "receipt.png", "Only PDF, PNG and JPEG files are accepted"),
        # Bigger than 10 MB.
        (PNG + b"\0" * (10 * 1024 * 1024), "receipt.png", "larger than 10 MB"),
        # A PDF that runs a script.
        (
            pdfs.raw_pdf(b" /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
            "r.pdf",
            "JavaScript",
        ),
        # An empty file.
        (b"", "receipt.png", "The file is empty."),
    ],
)
def test_a_bad_receipt_is_refused_and_no_file_is_left(app, db, client, clinic, data, name, message):
    response = submit(client, receipt_form(data, name))
    assert response.status_code in (400, 413)
    if response.status_code == 400:
        assert message in field_errors(response, "receipt") + field_errors(response, "code")
    assert stored(db) == []
    folder = Path(app.config["RECEIPTS_DIR"])
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_serious_side_effect_becomes_a_harm_report(app, db, client, clinic):
    code = new_codes(db)[0]
    data = form_data(code, side_effects="mild", side_effects_text="I went to the emergency room.")
    assert submit(client, data).status_code == 302
    (row,) = stored(db)
    assert row["serious"] == 1
    (report,) = db.query("select * from reports")
    assert (report["id"], report["category"], report["clinic_id"]) == (
        row["report_id"],
        "adverse-reaction",
        "c-1",
    )
    assert "emergency room" in report["description"]
    assert "patient@example.org" not in report["description"]


def test_a_serious_answer_in_arabic_becomes_a_harm_report(app, db, client, clinic):
    code = new_codes(db)[0]
    data = form_data(code, side_effects="serious", side_effects_text=ARABIC, body="")
    response = submit(client, data, **{"Accept-Language": "ar"})
    assert response.status_code == 302
    assert stored(db)[0]["language"] == "ar"
    assert [r["category"] for r in db.query("select category from reports")] == ["adverse-reaction"]


def test_the_form_is_arabic_on_an_arabic_page_with_arabic_errors(db, client, clinic):
    response = submit(client, {"email": "x"}, **{"Accept-Language": "ar"})
    tree = parse_html(response.data)
    assert tree.find("html")["lang"] == "ar" and tree.find("html")["dir"] == "rtl"
    assert field_errors(response, "email") == "هذا ليس عنوان بريد إلكتروني."


@pytest.mark.parametrize("clinic_id", ["no-such-clinic", "x" * 500])
def test_no_form_for_a_clinic_that_is_not_published(db, client, clinic, clinic_id):
    assert client.get(f"/clinics/{clinic_id}/experiences/new").status_code == 404


def test_no_form_for_an_unpublished_clinic(db, client, clinic):
    from directory.clinics.services import save_profile

    save_profile(db, make_profile("c-3", status="unpublished"), actor="test")
    assert client.get("/clinics/c-3/experiences/new").status_code == 404


def test_the_service_refuses_what_the_form_would_not_send(app, db, clinic):
    # The service checks on its own: a caller that skips the form gets the same refusals.
    code = new_codes(db)[0]
    for bad in (
        submission(code, answers={}),
        submission(code, rating=9),
        submission(code, side_effects="terrible"),
    ):
        with pytest.raises(services.ExperienceError):
            services.submit_experience(db, "c-1", bad, receipts_dir=app.config["RECEIPTS_DIR"])
    assert stored(db) == [] and spent(db) == 0


# Rate limits and CSRF ------------------------------------------------------------------------


@pytest.fixture
def limited_client(data_dir, clinic):
    app = make_app(data_dir, RATELIMIT_ENABLED=True)
    limiter.reset()
    yield app.test_client()
    close_index(app)


def test_a_burst_from_one_address_is_refused_with_a_clear_message(db, limited_client):
    statuses = [
        submit(limited_client, form_data("", email=f"p{n}@example.org")).status_code
        for n in range(6)
    ]
    assert statuses == [400] * 5 + [429]
    response = submit(limited_client, form_data("", email="p9@example.org"))
    assert "Too many attempts" in text_of(parse_html(response.data).find("main"))
    # Reading the form is never limited.
    assert limited_client.get("/clinics/c-1/experiences/new").status_code == 200


def test_a_burst_for_one_e_mail_address_is_refused(db, limited_client):
    statuses = [
        submit(limited_client, form_data("", email="same@example.org")).status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def test_a_post_without_the_csrf_token_is_refused(data_dir, db, clinic):
    app = make_app(data_dir, WTF_CSRF_ENABLED=True)
    try:
        response = submit(app.test_client(), form_data(new_codes(db)[0]))
        assert response.status_code == 400
        assert "security token" in response.get_data(as_text=True)
        assert stored(db) == [] and spent(db) == 0
    finally:
        close_index(app)
