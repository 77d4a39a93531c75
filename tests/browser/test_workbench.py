"""The people who keep it honest (#14), in Chromium: risk first, clinics told, a readable trail.

- a high-risk report arrives and is first in the queue;
- a moderator verifies a claim; the clinic's Arabic-speaking owner gets the mail and the
  notification, in Arabic;
- a suspension confirmed by a second moderator; the clinic notified; the patient's status link
  shows the outcome;
- the audit timeline shows a profile edit field by field;
- practitioners added and removed in the editor without a round trip, and saved.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from directory.db import connect
from directory.mail import read_messages
from tests.browser.conftest import enrol_moderators, log_in, log_in_moderator
from tests.conftest import make_profile
from tests.moderation.helpers import (
    add_user,
    link_to_clinic,
    pending_claim,
)

pytestmark = pytest.mark.browser
SECRETS: dict[str, str] = {}
TITLE_AR = "شرح مكتوب للمخاطر والفوائد والرعاية بعد العلاج، مع موافقة مستنيرة"


@pytest.fixture
def live_server_profiles() -> list[dict]:
    old = [make_profile(f"old-{n}", name=f"Old Claims {n}") for n in range(3)]
    return [make_profile("c-1"), make_profile("c-2", name="Second Street Skin"), *old]


@pytest.fixture
def store(live_app):
    """Two enrolled moderators, c-1's Arabic-speaking owner, and old claims long overdue."""
    db = connect(live_app.config["DATABASE"])
    owner = add_user(db, "amira@harley.example", role="clinic", name="Amira")
    db.execute("update users set language = 'ar' where id = ?", [owner])
    link_to_clinic(db, owner, "c-1")
    SECRETS.clear()
    SECRETS.update(enrol_moderators(db))
    for n in range(3):
        pending_claim(db, f"old-{n}", "complaints-procedure")
    db.execute("update claims set clinic_changed_at = '2025-01-06T09:00:00+00:00'")
    pending_claim(db, "c-1", "informed-consent")
    yield db
    db.close()


@contextmanager
def second_browser(browser):
    context = browser.new_context()
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def report_harm(page, live_server: str, clinic_id: str) -> str:
    """Send a report of harm as a patient would; return the private status link's path."""
    page.goto(f"{live_server}/clinics/{clinic_id}/report")
    assert "two moderators can take the listing off search" in page.locator("main").inner_text()
    page.get_by_label("Adverse reaction or infection").check()
    page.get_by_label("What happened?").fill("Fever and a spreading redness after the session.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the report").click()
    assert "Thank you" in page.locator(".notice").inner_text()
    assert re.fullmatch(r"R-\w{4}-\w{4}", page.locator(".reference").inner_text())
    return urlsplit(page.url).path


def test_a_high_risk_report_arrives_and_is_first_in_the_queue(live_server, page, browser, store):
    log_in_moderator(page, live_server, "ana@vetted.example", SECRETS["ana@vetted.example"])
    rows = page.locator("li.queue-row")
    assert rows.count() == 4 and rows.first.get_attribute("data-kind") == "claim"
    assert "Overdue by" in rows.first.inner_text()
    header = page.locator("header .overdue-count")
    assert header.get_attribute("data-overdue") == "3"

    with second_browser(browser) as patient:
        report_harm(patient, live_server, "c-2")

    page.reload()
    first = page.locator("li.queue-row").first
    assert first.get_attribute("data-kind") == "report"
    assert first.get_attribute("data-clinic-id") == "c-2"
    assert "High risk (presumed)" in first.inner_text()
    assert "Due in 23 hours" in first.inner_text()
    # The old claims come after it, even though they are far more overdue.
    assert [r.get_attribute("data-kind") for r in page.locator("li.queue-row").all()[1:4]] == [
        "claim"
    ] * 3


def test_verifying_a_claim_reaches_an_arabic_speaking_owner(
    live_server, live_app, page, browser, store
):
    log_in_moderator(page, live_server, "ana@vetted.example", SECRETS["ana@vetted.example"])
    page.locator("li.queue-row[data-clinic-id='c-1'] .queue-what a").click()
    page.wait_for_url(re.compile(r"/moderation/claims/c-1/informed-consent$"))
    page.locator("form.verify").get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/moderation/\?kind=claim$"))
    flash = page.locator(".flashes").inner_text()
    assert "Risks, benefits and aftercare" in flash and "Harley Skin Clinic" in flash

    [mail] = read_messages(live_app.config["MAIL_DIR"], to="amira@harley.example")
    assert mail["Subject"] == f"تم التحقق من «{TITLE_AR}» لـ Harley Skin Clinic"
    assert mail["Content-Language"] == "ar"
    assert "مرحبًا،" in mail.get_body(("plain",)).get_content()
    assert 'dir="rtl"' in mail.get_body(("html",)).get_content()

    with second_browser(browser) as owner:
        log_in(owner, live_server, "amira@harley.example")
        owner.wait_for_url(re.compile(r"/manage/$"))
        assert owner.evaluate("document.documentElement.dir") == "rtl"
        owner.goto(f"{live_server}/manage/c-1")
        messages = owner.locator("a[data-unseen]")
        assert messages.get_attribute("data-unseen") == "1"
        messages.click()
        owner.wait_for_url(re.compile(r"/manage/c-1/notifications$"))
        item = owner.locator("li.message").first
        assert item.get_attribute("data-kind") == "claim.verified"
        assert TITLE_AR in item.locator("h3").inner_text()
        assert owner.evaluate("document.documentElement.lang") == "ar"


def test_a_confirmed_suspension_reaches_the_clinic_and_the_patient(
    live_server, live_app, page, browser, store
):
    with second_browser(browser) as patient:
        status_path = report_harm(patient, live_server, "c-1")
        patient.goto(live_server + status_path)
        assert patient.locator("ol.steps").get_attribute("data-status") == "received"

        log_in_moderator(page, live_server, "ana@vetted.example", SECRETS["ana@vetted.example"])
        page.locator("li.queue-row[data-kind=report] .queue-what a").click()
        page.get_by_label("High").check()
        page.get_by_label("What happens next").select_option("suspend")
        page.get_by_role("button", name="Triage").click()
        page.wait_for_url(re.compile(r"/moderation/actions$"))
        patient.reload()
        assert patient.locator("ol.steps").get_attribute("data-status") == "under-review"
        assert read_messages(live_app.config["MAIL_DIR"], to="amira@harley.example") == []

        with second_browser(browser) as second:
            log_in_moderator(
                second, live_server, "ben@vetted.example", SECRETS["ben@vetted.example"]
            )
            second.goto(f"{live_server}/moderation/actions")
            second.locator("tr[data-kind=suspend]").get_by_role("button", name="Confirm").click()
            second.wait_for_url(re.compile(r"/moderation/actions$"))
            assert "The clinic was told" in second.locator(".flashes").inner_text()

        [mail] = read_messages(live_app.config["MAIL_DIR"], to="amira@harley.example")
        assert mail["Subject"] == "صفحة Harley Skin Clinic موقوفة"
        # The notice patients now read on its page, in the owner's language.
        text = mail.get_body(("plain",)).get_content()
        assert "هذه الصفحة موقوفة بينما يدرس مشرفونا" in text

        patient.reload()
        assert patient.locator("ol.steps").get_attribute("data-status") == "action-taken"
        outcome = patient.locator("p.outcome").inner_text()
        assert "Two moderators suspended the listing" in outcome


def test_the_audit_timeline_shows_a_profile_edit_field_by_field(live_server, page, browser, store):
    with second_browser(browser) as owner:
        log_in(owner, live_server, "amira@harley.example")
        owner.goto(f"{live_server}/manage/c-1/edit?lang=en")
        owner.get_by_label("Clinic name").fill("عيادة هارلي")
        owner.get_by_label("Opening hours").fill("Sat–Thu 10:00–20:00")
        owner.get_by_role("button", name="Save the profile").first.click()
        owner.wait_for_url(re.compile(r"/manage/c-1$"))

    log_in_moderator(page, live_server, "ana@vetted.example", SECRETS["ana@vetted.example"])
    page.goto(f"{live_server}/moderation/clinics/c-1/audit")
    edit = page.locator("ol.timeline > li[data-action='clinic.updated']").last
    assert edit.locator(".actor").inner_text() == "Amira"
    assert edit.locator(".role").inner_text() == "(clinic account)"
    assert edit.locator(".event-what").inner_text() == "Edited the profile"
    rows = {
        r.locator("th").inner_text(): [td.inner_text() for td in r.locator("td").all()]
        for r in edit.locator("table.changes tbody tr").all()
    }
    assert rows == {
        "Clinic name": ["Harley Skin Clinic", "عيادة هارلي"],
        "Opening hours": ["Mon-Fri 9:00-18:00", "Sat–Thu 10:00–20:00"],
    }
    raw = edit.locator("details")
    assert not raw.locator("pre").is_visible()  # behind its disclosure
    raw.locator("summary").click()
    assert "عيادة هارلي" in raw.locator("pre").inner_text()


def test_practitioners_are_added_and_removed_without_a_round_trip(live_server, page, store):
    log_in(page, live_server, "amira@harley.example")
    page.goto(f"{live_server}/manage/c-1/edit?lang=en")
    page.wait_for_load_state("networkidle")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(f"{request.method} {request.url}"))
    add = page.get_by_role("button", name="Add another practitioner")
    add.click()
    add.click()
    rows = page.locator("#practitioners fieldset.practitioner")
    assert rows.count() == 3
    assert page.evaluate("document.activeElement.name") == rows.nth(2).locator(
        "input"
    ).first.get_attribute("name")
    assert rows.nth(2).locator("legend").inner_text() == "Practitioner 3"
    rows.nth(1).get_by_label("Name").fill("Nurse Layla Hassan")
    rows.nth(2).get_by_label("Name").fill("Dr Omar Saleh")
    rows.nth(2).get_by_label("Role").fill("dermatologist")
    rows.nth(0).get_by_role("button", name="Remove practitioner 1").click()
    assert rows.count() == 2
    assert rows.nth(0).locator("legend").inner_text() == "Practitioner 1"
    assert requests == []  # nothing went to the server
    posted = []
    page.on("request", lambda r: posted.append(r.post_data or ""))
    print("HTML", page.locator("#practitioners").inner_html()[:3000])
    page.get_by_role("button", name="Save the profile").first.click()
    page.wait_for_url(re.compile(r"/manage/c-1$"))
    print("FLASH", page.locator(".flashes").inner_text())
    print("POSTS", [p for p in posted if "practitioner" in p])
    page.goto(f"{live_server}/manage/c-1/edit?lang=en")
    print(
        "NAMES",
        [i.input_value() for i in page.locator("#practitioners input[name$='-name']").all()],
    )
    names = [
        row[0]
        for row in store.execute(
            "select name from practitioners where clinic_id = 'c-1' order by position"
        ).fetchall()
    ]
    assert names == ["Nurse Layla Hassan", "Dr Omar Saleh"]


def test_a_new_listing_can_be_previewed_before_approval(live_server, page, store):
    log_in(page, live_server, "amira@harley.example")
    page.goto(f"{live_server}/manage/new?lang=en")
    page.get_by_label("Clinic name").fill("Clinique du Louvre")
    page.get_by_label("Country").select_option("FR")
    page.get_by_role("button", name="Create the listing").click()
    page.wait_for_url(re.compile(r"/manage/[\w-]+/edit$"))
    clinic_id = page.url.split("/")[-2]
    response = page.goto(f"{live_server}/clinics/{clinic_id}")
    assert response.status == 404  # not public yet
    page.goto(f"{live_server}/manage/{clinic_id}")
    page.get_by_role("link", name="Preview the public page").click()
    assert page.locator("h1").first.inner_text() == "Clinique du Louvre"
    assert "It is not public yet." in page.locator(".preview-banner").inner_text()
