"""Delivering notification mail: after the commit, retried when it fails, and on the dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory.mail import last_message, read_messages, send_mail
from directory.notifications.services import MAX_ATTEMPTS, list_mails, notify
from tests.notifications.conftest import PASSWORD
from tests.notifications.helpers import Outbox, deliver_queued
from tests.soup import parse_html, text_of


def test_a_mail_that_cannot_be_sent_is_tried_again_then_given_up(app, db, clinic):
    notification = notify(db, "listing.approved", "c-1", clinic_name="Harley Skin Clinic")
    outbox = Outbox()
    outbox.fail = True
    for attempt in range(1, MAX_ATTEMPTS + 1):
        summary = deliver_queued(app, outbox)
        assert summary == {"sent": 0, "failed": 3}
        states = {m["state"] for m in list_mails(db, notification)}
        assert states == ({"failed"} if attempt == MAX_ATTEMPTS else {"queued"}), attempt
    outbox.fail = False
    assert deliver_queued(app, outbox) == {"sent": 0, "failed": 0}
    assert list_mails(db, notification)[0]["error"] == "OSError: mail server down"


def test_each_mail_is_sent_once(app, db, clinic):
    notify(db, "listing.approved", "c-1", clinic_name="Harley Skin Clinic")
    outbox = Outbox()
    assert deliver_queued(app, outbox)["sent"] == 3
    assert deliver_queued(app, outbox)["sent"] == 0
    assert len(outbox.sent) == 3


def test_a_command_sends_what_is_queued_when_it_ends(app, db, clinic, runner):
    notify(db, "listing.approved", "c-1", clinic_name="Harley Skin Clinic")
    assert read_messages(app.config["MAIL_DIR"]) == []  # nothing before the commit's end
    result = runner.invoke(args=["moderation", "reminders", "--today", "2026-01-05"])
    assert result.exit_code == 0, result.output
    assert len(read_messages(app.config["MAIL_DIR"])) == 3


def log_in(app, email: str):
    client = app.test_client()
    client.post("/account/login", data={"email": email, "password": PASSWORD})
    return client


def test_a_request_sends_its_own_mail_and_leaves_the_backlog(app, db, clinic):
    notify(db, "listing.approved", "c-1", clinic_name="Harley Skin Clinic")  # a backlog
    client = log_in(app, "owner@harley.example")
    client.post("/manage/c-1/members", data={"email": "new@harley.example"})
    # The invitation went out (accounts mail), the backlog waits for a command.
    assert [m["To"] for m in read_messages(app.config["MAIL_DIR"])] == ["new@harley.example"]
    assert {m["state"] for m in list_mails(db)} == {"queued"}


@pytest.mark.parametrize(
    ("email", "lang", "subject"),
    [
        ("owner@harley.example", "en", "Your listing of Harley Skin Clinic is published on Vetted"),
        ("amira@harley.example", "ar", "صفحة Harley Skin Clinic منشورة على Vetted"),
        ("claire@harley.example", "fr", "Votre fiche Harley Skin Clinic est publiée sur Vetted"),
    ],
)
def test_the_dashboard_lists_the_messages_in_the_readers_language(
    app, db, clinic, email, lang, subject
):
    notify(db, "listing.approved", "c-1", clinic_name="Harley Skin Clinic")
    client = log_in(app, email)
    dashboard = parse_html(client.get("/manage/c-1").data)
    link = dashboard.find("a", attrs={"data-unseen": True})
    assert link["data-unseen"] == "1"
    page = parse_html(client.get("/manage/c-1/notifications").data)
    assert page.find("html")["lang"] == lang
    [message] = page.find("ol", class_="messages").find_all("li")
    assert text_of(message.find("h3")) == subject
    assert message["data-kind"] == "listing.approved"
    # Opening the page marks them seen.
    again = parse_html(client.get("/manage/c-1").data)
    assert again.find("a", attrs={"data-unseen": True})["data-unseen"] == "0"


def test_a_bad_page_number_is_400(app, db, clinic):
    client = log_in(app, "owner@harley.example")
    assert client.get("/manage/c-1/notifications?page=0").status_code == 400
    assert client.get("/manage/c-1/notifications?page=x").status_code == 400


@pytest.mark.parametrize(
    "subject",
    [
        # A long Arabic subject: folded over several lines, no space lost at a fold.
        "تم التحقق من «شرح مكتوب للمخاطر والفوائد والرعاية بعد العلاج، مع موافقة مستنيرة» لـ "
        "Harley Skin Clinic",
        # French, with its own spaces before punctuation.
        "« Risques, bénéfices et soins après traitement expliqués par écrit » est vérifié",
        "A plain ASCII subject that is long enough to be folded over more than one line, too",
    ],
)
def test_a_subject_arrives_exactly_as_written(app, subject):
    with app.app_context():
        send_mail("someone@clinic.example", subject, "Body", html="<p>Body</p>")
    message = last_message(app.config["MAIL_DIR"])
    assert message["Subject"] == subject
    [raw] = Path(app.config["MAIL_DIR"]).glob("*.eml")
    assert max(len(line) for line in raw.read_bytes().split(b"\r\n")) <= 998
