"""Patients' experiences in Chromium: a clinic generates codes, a patient leaves an experience in
Arabic with one, a moderator approves it, the clinic page shows the aggregate, and ten
contradicting experiences flag a verified item for re-review (issue #17)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

from directory.db import connect
from directory.experiences import services
from directory.mail import last_message, links_in
from tests.conftest import make_profile
from tests.experiences.helpers import MONTH, answers, new_codes, published, submission
from tests.moderation.helpers import (
    PASSWORD,
    add_user,
    current_code,
    enrol,
    link_to_clinic,
    pending_claim,
    verify,
)

pytestmark = pytest.mark.browser
ITEM = "consultation-allergy-test"
ARABIC_TEXT = "استقبلتني الممرضة بلطف وشرحت لي العلاج خطوة بخطوة."


@pytest.fixture
def live_server_profiles() -> list[dict]:
    return [make_profile("c-1")]


@pytest.fixture
def store(live_app):
    """The live store: the clinic's owner, an enrolled moderator, allergy testing verified."""
    db = connect(live_app.config["DATABASE"])
    link_to_clinic(db, add_user(db, "owner@harley.example", role="clinic"), "c-1")
    secret = enrol(db, add_user(db, "ana@vetted.example", name="Ana"))
    pending_claim(db, "c-1", ITEM)
    today = date.today()
    verify(db, "c-1", ITEM, on=today - timedelta(days=1), until=today + timedelta(days=300))
    yield db, secret
    db.close()


def log_in(page, live_server: str, email: str, secret: str | None = None) -> None:
    page.goto(f"{live_server}/account/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if secret:
        page.wait_for_url(re.compile(r"/mfa/verify"))
        page.get_by_label("Code").fill(current_code(secret))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/(manage|moderation)/"))


def approve_next(page, live_server: str) -> None:
    """As the moderator: open the first experience in the lane and publish it."""
    page.goto(f"{live_server}/moderation/?kind=experience")
    page.locator("tr[data-kind=experience]").first.get_by_role("link", name="Review").click()
    page.wait_for_url(re.compile(r"/moderation/experiences/\d+$"))
    page.locator("form.publish").get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r"/moderation/\?kind=experience$"))
    assert "Published" in page.locator(".flashes").inner_text()


def test_codes_an_arabic_experience_approval_the_aggregate_and_a_recheck(
    live_server, live_app, browser, page, store
):
    db, secret = store
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # The clinic generates a batch of codes in its dashboard.
    log_in(page, live_server, "owner@harley.example")
    page.goto(f"{live_server}/manage/c-1")
    page.get_by_role("link", name="Patient experiences and visit codes").click()
    page.get_by_label("How many codes").fill("3")
    page.get_by_label("They work for").select_option("30")
    page.get_by_role("button", name="Create the codes").click()
    codes = page.locator("ul.visit-codes code").all_inner_texts()
    assert len(codes) == 3
    assert page.get_by_role("button", name="Print the codes").is_visible()  # print.js ran

    # A patient uses one on the Arabic clinic page.
    patient_context = browser.new_context(locale="ar")
    patient = patient_context.new_page()
    patient.set_default_timeout(10_000)
    patient.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        patient.goto(f"{live_server}/clinics/c-1?lang=ar")
        patient.get_by_role("link", name="هل زرت هذه العيادة؟ شارك تجربتك").click()
        patient.wait_for_url(re.compile(r"/clinics/c-1/experiences/new$"))
        assert patient.locator("html").get_attribute("dir") == "rtl"
        patient.get_by_label("رمز الزيارة من العيادة").fill(codes[0].lower())
        patient.get_by_label("ما العلاج الذي تلقيته؟").select_option("mesotherapy-face")
        patient.locator("#visit_month").fill(MONTH)
        for key, value in answers(allergies="no").items():
            patient.locator(f"input[name='q_{key.replace('-', '_')}'][value='{value}']").check()
        patient.locator("input[name=side_effects][value=none]").check()
        patient.get_by_label("بكلماتك الخاصة (اختياري)").fill(ARABIC_TEXT)
        patient.locator("input[name=rating][value='5']").check()
        patient.get_by_label("عنوان بريدك الإلكتروني").fill("patient@example.org")
        patient.get_by_role("button", name="أرسل تجربتي").click()
        patient.wait_for_url(re.compile(r"/experiences/sent$"))
        assert patient.locator("h1").inner_text() == "تفقّد بريدك الوارد"
        mail = last_message(live_app.config["MAIL_DIR"], "patient@example.org")
        assert mail["Subject"] == "أكّد تجربتك في Harley Skin Clinic"
        (link,) = [link for link in links_in(mail) if "/experiences/confirm/" in link]
        patient.goto(live_server + urlsplit(link).path)
        assert "تم تأكيد عنوانك" in patient.locator("main").inner_text()
    finally:
        patient_context.close()

    # A moderator approves it from the experiences lane.
    moderator_context = browser.new_context()
    moderator = moderator_context.new_page()
    moderator.set_default_timeout(10_000)
    try:
        log_in(moderator, live_server, "ana@vetted.example", secret)
        approve_next(moderator, live_server)

        # The clinic page shows the aggregate and the Arabic experience.
        page.goto(f"{live_server}/clinics/c-1")
        summary = page.locator("section.experiences")
        assert summary.locator("p.experience-count").inner_text() == "1 verified patient experience"
        assert ARABIC_TEXT in summary.locator("p.experience-text").inner_text()
        assert summary.locator("p.experience-text").get_attribute("lang") == "ar"
        assert "Not enough experiences yet." in summary.inner_text()

        # Eight more patients were not asked about allergies either, and a ninth waits.
        for n in range(8):
            published(live_app, db, email=f"p{n}@example.org", answers=answers(allergies="no"))
        made = services.submit_experience(
            db,
            "c-1",
            submission(
                new_codes(db, size=1)[0], email="tenth@example.org", answers=answers(allergies="no")
            ),
            receipts_dir=live_app.config["RECEIPTS_DIR"],
        )
        services.confirm_experience(db, made["id"], made["email_hash"])
        assert db.execute("select count(*) from experience_flags").fetchone()[0] == 0

        # The tenth contradicting experience, approved, flags the verified item for re-review.
        approve_next(moderator, live_server)
        moderator.goto(f"{live_server}/moderation/?item={ITEM}")
        recheck = moderator.locator("tr[data-kind=experience]")
        assert recheck.get_attribute("data-item") == ITEM
        assert "0 of 10 said yes" in recheck.inner_text()
        recheck.get_by_role("link", name="Review").click()
        moderator.wait_for_url(re.compile(r"/moderation/experiences/rechecks/\d+$"))
        assert "The score is unchanged" in moderator.locator("main").inner_text()
    finally:
        moderator_context.close()

    page.goto(f"{live_server}/clinics/c-1")
    summary = page.locator("section.experiences")
    assert summary.locator("p.experience-count").inner_text() == "10 verified patient experiences"
    assert summary.locator("li[data-question=allergies] .share").inner_text() == (
        "0% were asked about allergies"
    )
    assert summary.locator("div.recheck").get_attribute("data-items") == ITEM
    assert "re-checking the evidence" in summary.locator("div.recheck").inner_text()
    # The score still counts what moderators verified.
    vetting = page.locator(f"li.check-item[data-item={ITEM}]")
    assert vetting.get_attribute("data-state") == "verified"
    assert errors == []
