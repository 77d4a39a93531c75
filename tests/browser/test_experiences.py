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
from tests.browser.conftest import log_in, log_in_moderator
from tests.browser.test_accessibility import AXE, PHONE, audit, open_page, report
from tests.conftest import make_profile
from tests.experiences.helpers import (
    MODERATOR,
    MONTH,
    answers,
    image_bytes,
    new_codes,
    published,
    submission,
)
from tests.moderation.helpers import (
    add_user,
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


def approve_next(page, live_server: str) -> None:
    """As the moderator: open the first experience in the lane and publish it."""
    page.goto(f"{live_server}/moderation/?kind=experience")
    page.locator("li[data-kind=experience] p.queue-what a").first.click()
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
    page.wait_for_url(re.compile(r"/manage/"))
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
        log_in_moderator(moderator, live_server, "ana@vetted.example", secret)
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
        recheck = moderator.locator("li[data-kind=experience]")
        assert recheck.get_attribute("data-item") == ITEM
        assert "0 of 10 said yes" in recheck.inner_text()
        recheck.locator("p.queue-what a").click()
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


@pytest.fixture
def full_clinic(live_app, store):
    """c-1 with five experiences (one replied to), an approved photo pair and a re-check."""
    db, _secret = store
    for n in range(5):
        published(live_app, db, email=f"p{n}@example.org", answers=answers(allergies="no"))
    services.reply_to_experience(db, "c-1", 1, body="Thank you for your visit.", user_id=1)
    photo = services.upload_pair(
        db,
        live_app.config["PHOTOS_DIR"],
        "c-1",
        treatment="mesotherapy-face",
        before=image_bytes(size=(400, 300)),
        after=image_bytes(size=(400, 300)),
        caption="Three sessions",
        consent=True,
        user_id=1,
    )
    services.decide_photo(db, MODERATOR, photo, approve=True, note="")
    db["experience_flags"].insert(
        {"clinic_id": "c-1", "item_key": ITEM, "question": "allergies", "yes": 0, "answered": 10}
    )
    return db


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_experience_pages_pass_axe_and_fit_a_phone(live_server, browser, full_clinic, lang):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci --no-audit --no-fund`")
    context, page = open_page(browser, lang, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        found = {}
        for path in (
            "/clinics/c-1",
            "/clinics/c-1/experiences/new",
            "/clinics/c-1/experiences/sent",
            "/clinics/c-1/photos/1/report",
            "/methodology",
        ):
            page.goto(f"{live_server}{path}")
            assert page.evaluate("document.documentElement.lang") == lang, path
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert widths[0] <= widths[1], (path, widths)
            found[path] = audit(page, AXE)
        page.goto(f"{live_server}/clinics/c-1/experiences/new")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert page.locator("ul.errors").count() > 0
        found["the form sent empty"] = audit(page, AXE)
        found = {path: v for path, v in found.items() if v}
        assert found == {}, "axe-core found serious or critical violations:\n" + report(found)
    finally:
        context.close()
