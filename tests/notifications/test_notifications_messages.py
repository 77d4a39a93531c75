"""Every notification's message: subject, plain text and HTML parts, in each language.

One row per kind: what it is given, and what its English subject says. Each is rendered for
an English, an Arabic and a French reader (the clinic's three people) and delivered into an
outbox, so the test reads the messages the mail server would get.
"""

from __future__ import annotations

import re

import pytest

from directory.notifications.kinds import KINDS
from directory.notifications.services import list_mails, notify
from tests.notifications.helpers import Outbox, deliver_queued
from tests.soup import parse_html, text_of

ITEM = "informed-consent"
TITLE = {
    "en": "Risks, benefits and aftercare explained in writing, with informed consent",
    "ar": "شرح مكتوب للمخاطر والفوائد والرعاية بعد العلاج، مع موافقة مستنيرة",
    "fr": (
        "Risques, bénéfices et soins après traitement expliqués par écrit, avec consentement "
        "éclairé"
    ),
}
NAME = "Harley Skin Clinic"
VALUES = {
    "clinic_name": NAME,
    "item_key": ITEM,
    "reason": "The certificate ended last year.",
    "note": "Which insurer covers the nurse?",
    "expires_at": "2027-03-01",
    "days": 7,
    "reopened": [ITEM],
}
# kind -> (the English subject, a sentence of its English text part).
EXPECTED = {
    "listing.approved": (
        f"Your listing of {NAME} is published on Vetted",
        "It now appears in search",
    ),
    "listing.rejected": (f"Your listing of {NAME} was not approved", "so it stays unpublished"),
    "ownership.approved": (f"You now manage {NAME} on Vetted", "approved your claim"),
    "ownership.rejected": (f"Your claim on {NAME} was not approved", "claim it again"),
    "claim.verified": (f"“{TITLE['en']}” is verified for {NAME}", "until March 1, 2027"),
    "claim.rejected": (f"“{TITLE['en']}” was not accepted for {NAME}", "did not accept it"),
    "claim.info_requested": (
        f"More information needed: “{TITLE['en']}” at {NAME}",
        "Which insurer covers the nurse?",
    ),
    "claim.reversed": (
        f"The verification of “{TITLE['en']}” was withdrawn at {NAME}",
        "Two moderators withdrew",
    ),
    "clinic.suspended": (
        f"The listing of {NAME} is suspended",
        "This listing is suspended while our moderators look into a concern.",
    ),
    "clinic.reinstated": (f"The listing of {NAME} is public again", "appears in search again"),
    "item.expiring": (f"“{TITLE['en']}” expires in 7 days at {NAME}", "expires on March 1, 2027"),
    "item.expired": (f"“{TITLE['en']}” has expired at {NAME}", "expired on March 1, 2027"),
}
# Words of the English templates that must not be left in a translated message.
ENGLISH = re.compile(
    r"\b(?:the|your|listing|moderator|was|you|and|with|expires|has|is|of)\b", re.IGNORECASE
)
GREETING = {"en": "Hello,", "ar": "مرحبًا،", "fr": "Bonjour,"}


def test_every_kind_is_in_the_table():
    assert set(EXPECTED) == set(KINDS)


@pytest.fixture
def delivered(app, db, clinic):
    """Notify c-1 of one kind and return {language: (subject, text, html)} as delivered."""

    def run(kind: str) -> dict[str, tuple[str, str, str]]:
        notify(db, kind, "c-1", **{k: VALUES[k] for k in KINDS[kind].params})
        outbox = Outbox()
        deliver_queued(app, outbox)
        by_address = {to: (subject, text) for to, subject, text in outbox.sent}
        html = dict(zip([to for to, _, _ in outbox.sent], outbox.html, strict=True))
        languages = dict(zip([to for to, _, _ in outbox.sent], outbox.languages, strict=True))
        out = {}
        for address, language in languages.items():
            out[language] = (*by_address[address], html[address])
        return out

    return run


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_notification_reads_well_in_each_language(delivered, kind):
    messages = delivered(kind)
    assert set(messages) == {"en", "ar", "fr"}  # each person in their account's language
    subject, sentence = EXPECTED[kind]
    english_subject, english_text, _html = messages["en"]
    assert english_subject == subject
    assert sentence in " ".join(english_text.split())
    for language, (subject, text, html) in messages.items():
        tree = parse_html(html)
        # The clinic by its name, the item by its title in the reader's language; never a key.
        assert NAME in subject and NAME in text and NAME in text_of(tree)
        if "item_key" in KINDS[kind].params:
            assert TITLE[language] in subject and TITLE[language] in text_of(tree)
        assert ITEM not in subject and "c-1" not in subject
        # Both parts: a greeting, the link the kind points to, no template left unfilled.
        assert text.startswith(GREETING[language]) and GREETING[language] in text_of(tree)
        link = "/manage/" if KINDS[kind].link == "home" else "/manage/c-1"
        assert f"http://127.0.0.1:5000{link}" in text
        assert tree.find("a", href=re.compile(re.escape(link)))
        assert "{{" not in text + html and "%(" not in text + html
        assert tree.find("html")["lang"] == language
        assert tree.find("html")["dir"] == ("rtl" if language == "ar" else "ltr")
        assert text_of(tree.find("title")) == subject
        if language != "en":
            without_names = subject.replace(NAME, "").replace(TITLE[language], "")
            assert not ENGLISH.search(without_names), (language, subject)
            assert not ENGLISH.search(text.split("\n", 1)[0]), (language, text)


def test_a_claimant_is_told_alone(app, db, clinic):
    from tests.notifications.conftest import person

    claimant = person(db, "claimant@elsewhere.example", "fr")
    notify(db, "ownership.rejected", "c-1", user_id=claimant, clinic_name=NAME, reason="No proof.")
    outbox = Outbox()
    deliver_queued(app, outbox)
    [(to, subject, text)] = outbox.sent
    assert to == "claimant@elsewhere.example"
    assert subject == f"Votre demande pour {NAME} n’a pas été approuvée"
    assert "No proof." in text and "parce que vous avez demandé à gérer" in text


def test_disabled_accounts_are_not_mailed(app, db, clinic):
    db.execute("update users set disabled = 1 where email = 'amira@harley.example'")
    notification = notify(db, "listing.approved", "c-1", clinic_name=NAME)
    assert sorted(m["email"] for m in list_mails(db, notification)) == [
        "claire@harley.example",
        "owner@harley.example",
    ]


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        ("claim.verified", {"clinic_name": NAME}, "claim.verified needs item_key, expires_at"),
        ("no.such.kind", {}, "unknown notification kind"),
    ],
)
def test_a_notification_without_what_it_needs_is_refused(db, clinic, kind, values, message):
    with pytest.raises(ValueError, match=message):
        notify(db, kind, "c-1", **values)
