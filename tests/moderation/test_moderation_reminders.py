"""Expiry reminders: 30, 14 and 7 days before and on the day, each sent once (a given clock)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from directory.mail import read_messages
from directory.moderation.reminders import reminder_kind, send_expiry_reminders
from directory.vetting.services import When, attach_evidence
from tests.moderation.helpers import add_user, link_to_clinic, pending_claim, verify
from tests.notifications.helpers import Outbox, deliver_queued

EXPIRES = date(2027, 3, 1)
BASE_URL = "https://vetted.example"


@pytest.fixture
def remind(app, db):
    """Run the reminders of a day, then deliver their mail into an outbox (links on BASE_URL)."""
    app.config["BASE_URL"] = BASE_URL

    def run(today: date, outbox: Outbox) -> dict:
        summary = send_expiry_reminders(db, today=today)
        deliver_queued(app, outbox)
        return summary

    return run


@pytest.fixture
def expiring(db, clinic):
    """c-1's informed-consent verified until EXPIRES; a second user (an editor) on c-1."""
    link_to_clinic(db, add_user(db, "editor@harley.example", role="clinic"), "c-1", "editor")
    pending_claim(db, clinic)
    verify(db, "c-1", "informed-consent", on=EXPIRES - timedelta(days=700), until=EXPIRES)
    return "c-1"


@pytest.mark.parametrize(
    "days_left, kind",
    [
        (31, None),  # too early
        (30, "30d"),  # the first reminder
        (15, "30d"),  # a missed 30-day run catches up (sent once: the key stops a second)
        (14, "14d"),
        (8, "14d"),
        (7, "7d"),
        (1, "7d"),
        (0, "expired"),  # on the day
        (-6, "expired"),  # a missed expiry-day run catches up within a week
        (-7, None),  # too late to be useful
    ],
)
def test_reminder_kind_rule(days_left, kind):
    assert reminder_kind(days_left) == kind


def test_reminders_go_out_once_on_the_right_days(db, expiring, remind):
    outbox = Outbox()
    days_with_mail = {}
    for offset in range(-40, 11):  # run daily, as cron would, from 40 days before to 10 after
        today = EXPIRES + timedelta(days=offset)
        before = len(outbox.sent)
        remind(today, outbox)
        if len(outbox.sent) > before:
            days_with_mail[offset] = outbox.sent[before:]
    assert sorted(days_with_mail) == [-30, -14, -7, 0]
    for mails in days_with_mail.values():
        assert sorted(to for to, _, _ in mails) == [
            "editor@harley.example",
            "owner@harley.example",
        ]
    assert "expires in 30 days" in days_with_mail[-30][0][1]
    # The item by its title, and a link to its page on the clinic's dashboard.
    assert "Risks, benefits and aftercare explained in writing" in days_with_mail[-30][0][1]
    assert f"{BASE_URL}/manage/c-1/items/informed-consent\n" in days_with_mail[-30][0][2]
    assert "expires in 7 days" in days_with_mail[-7][0][1]
    assert "has expired" in days_with_mail[0][0][1]
    kinds = [r["kind"] for r in db.query("select kind from sent_reminders order by id")]
    assert kinds == ["30d", "14d", "7d", "expired"]


def test_running_twice_on_a_day_sends_nothing_more(db, expiring, remind):
    outbox = Outbox()
    first = remind(EXPIRES - timedelta(days=14), outbox)
    second = remind(EXPIRES - timedelta(days=14), outbox)
    assert (first["reminders"], first["mails"]) == (1, 2)
    assert (second["reminders"], second["already_sent"]) == (0, 1)
    assert len(outbox.sent) == 2


def test_a_failed_send_is_tried_again_next_run(app, db, expiring, remind):
    outbox = Outbox()
    outbox.fail = True
    summary = remind(EXPIRES - timedelta(days=7), outbox)
    # The reminder is kept (not sent twice), its two mails wait in the queue.
    assert summary["reminders"] == 1 and outbox.sent == []
    assert db.execute("select count(*) from sent_reminders").fetchone()[0] == 1
    outbox.fail = False
    summary = remind(EXPIRES - timedelta(days=6), outbox)
    assert summary["reminders"] == 0 and len(outbox.sent) == 2


def test_a_renewed_verification_gets_its_own_reminders(db, expiring, remind):
    outbox = Outbox()
    remind(EXPIRES - timedelta(days=7), outbox)
    attach_evidence(
        db,
        "c-1",
        "informed-consent",
        {"kind": "statement", "value": "New form"},
        actor="test",
        when=When(EXPIRES - timedelta(days=6)),
    )
    later = EXPIRES + timedelta(days=30)
    verify(db, "c-1", "informed-consent", on=EXPIRES - timedelta(days=6), until=later)
    remind(later - timedelta(days=7), outbox)
    assert len(outbox.sent) == 4


def test_clinics_without_users_are_counted_not_mailed(db, expiring, remind):
    db.execute("delete from clinic_users")
    outbox = Outbox()
    summary = remind(EXPIRES, outbox)
    assert summary["no_recipients"] == 1 and outbox.sent == []


def test_the_cli_sends_the_reminders_due_on_the_given_day(app, runner, db, expiring):
    result = runner.invoke(
        args=["moderation", "reminders", "--today", (EXPIRES - timedelta(days=30)).isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert "1 sent (2 e-mails)" in result.output
    mails = read_messages(app.config["MAIL_DIR"])
    assert sorted(m["To"] for m in mails) == ["editor@harley.example", "owner@harley.example"]
    # Outside any request, the link still comes from the URL map under BASE_URL.
    text = mails[0].get_body(("plain",)).get_content()
    assert f"{app.config['BASE_URL']}/manage/c-1/items/informed-consent\n" in text
    again = runner.invoke(
        args=["moderation", "reminders", "--today", (EXPIRES - timedelta(days=30)).isoformat()]
    )
    assert "0 sent" in again.output and "1 already sent" in again.output
