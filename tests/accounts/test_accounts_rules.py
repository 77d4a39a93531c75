"""Pure rules of accounts: plain text, claim domains, tokens, mail, the editor's merge, fields."""

from __future__ import annotations

import pytest

from directory import mail
from directory.accounts.editor import merge, take_theirs
from directory.accounts.forms import PractitionerForm
from directory.accounts.services import domain_matches
from directory.accounts.text import text_problem
from directory.accounts.tokens import make_token, password_fingerprint, read_token
from directory.clinics.profile import PRACTITIONER_KEYS
from tests.conftest import make_profile


@pytest.mark.parametrize(
    ("value", "multiline", "problem"),
    [
        ("Harley Skin Clinic", False, None),  # ordinary text
        ("عيادة الجلد", False, None),  # Arabic
        ("می‌خواهم", False, None),  # Persian needs the zero-width non-joiner
        ("Prices from 100 < 200 & more", False, None),  # a lone < is not a tag
        ("Line one\nLine two", True, None),  # line breaks in a text area
        ("Line one\nLine two", False, "single line"),  # but not in a one-line field
        ("<b>bold</b>", False, "HTML is not allowed"),  # a tag
        ("</p>", False, "HTML is not allowed"),  # a closing tag
        ("<!-- hidden -->", False, "HTML is not allowed"),  # a comment
        ("a\u202eb", False, "invisible formatting"),  # right-to-left override
        ("a\u2066b", False, "invisible formatting"),  # a direction isolate
        ("a\u200bb", False, "invisible formatting"),  # zero-width space
        ("a\ufeffb", False, "invisible formatting"),  # byte-order mark
        ("a\x00b", True, "NUL"),  # NUL
        ("a\x07b", True, "control characters"),  # a bell
        ("a\udc80b", False, "not valid text"),  # a lone surrogate
    ],
)
def test_text_problem(value, multiline, problem):
    found = text_problem(value, multiline=multiline)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(
    ("email", "website", "matches"),
    [
        ("ana@harley.example", "https://harley.example", True),  # the same domain
        ("ana@harley.example", "https://www.harley.example/about", True),  # www. is ignored
        ("ana@HARLEY.example", "harley.example", True),  # case and a missing scheme
        ("ana@harley.example", "https://book.harley.example", True),  # a subdomain of theirs
        ("ana@mail.harley.example", "https://harley.example", False),  # a subdomain of mine
        ("ana@harley.example", "https://harley.example.evil.test", False),  # a look-alike
        ("ana@arley.example", "https://harley.example", False),  # a suffix is not a domain
        ("ana@gmail.com", "https://gmail.com", False),  # free mail, whatever the site
        ("ana@outlook.com", "https://outlook.com", False),  # free mail
        ("ana@nhs.net", "https://www.nhs.uk/services/clinic/1", False),  # shared NHS domains
        ("ana@facebook.com", "https://facebook.com/harley", False),  # a shared host
        ("ana@harley.example", None, False),  # no website
        ("ana@harley.example", "http://[::1", False),  # a broken address
        ("ana@localhost", "http://localhost", False),  # no real domain
    ],
)
def test_domain_matches(email, website, matches):
    assert domain_matches(email, website) is matches


def test_tokens_are_bound_to_their_purpose():
    token = make_token("secret", "confirm-email", {"u": 1})
    assert read_token("secret", "confirm-email", token) == {"u": 1}
    assert read_token("secret", "reset-password", token) is None  # another purpose
    assert read_token("other secret", "confirm-email", token) is None  # another key
    assert read_token("secret", "confirm-email", token[:-2]) is None  # tampered
    assert read_token("secret", "confirm-email", None) is None
    with pytest.raises(ValueError):
        make_token("secret", "no-such-purpose", {})


def test_password_fingerprint_changes_with_the_hash():
    assert password_fingerprint("$argon2id$a") != password_fingerprint("$argon2id$b")
    assert len(password_fingerprint(None)) == 16


def test_mail_goes_through_smtp_when_configured(app, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user, password))

        def send_message(self, message):
            sent.append(("send", message["To"], message["Subject"]))

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    app.config["SMTP_URL"] = "smtp://user%40x:p%3Ass@mail.example:587?starttls=1"
    with app.app_context():
        mail.send_mail("ana@clinic.example", "Hello", "Body https://x.example/a")
    assert sent == [
        ("connect", "mail.example", 587),
        ("starttls",),
        ("login", "user@x", "p:ss"),
        ("send", "ana@clinic.example", "Hello"),
    ]
    assert mail.read_messages(app.config["MAIL_DIR"]) == []  # nothing written to disk


def test_mail_without_smtp_is_written_and_its_link_printed(app, capsys):
    with app.app_context():
        mail.send_mail("ana@clinic.example", "Your link", "Open https://vetted.example/x?a=1\n")
    message = mail.last_message(app.config["MAIL_DIR"], "ana@clinic.example")
    assert message["Subject"] == "Your link"
    assert mail.links_in(message) == ["https://vetted.example/x?a=1"]
    assert "https://vetted.example/x?a=1" in capsys.readouterr().err
    assert mail.last_message(app.config["MAIL_DIR"], "nobody@x.example") is None


@pytest.mark.parametrize(
    ("mine", "theirs", "merged_name", "merged_city", "conflicts"),
    [
        # only I changed the name
        ({"name": "Mine"}, {}, "Mine", "London", []),
        # only they changed the city
        ({}, {"city": "Leeds"}, "Harley Skin Clinic", "Leeds", []),
        # we changed different fields: both kept
        ({"name": "Mine"}, {"city": "Leeds"}, "Mine", "Leeds", []),
        # we changed the same field the same way: no conflict
        ({"name": "Same"}, {"name": "Same"}, "Same", "London", []),
        # we changed the same field differently: a conflict, mine kept until decided
        ({"name": "Mine"}, {"name": "Theirs"}, "Mine", "London", ["name"]),
    ],
)
def test_three_way_merge(mine, theirs, merged_name, merged_city, conflicts):
    base = make_profile()

    def apply(changes):
        profile = {**base, "address": dict(base["address"])}
        if "name" in changes:
            profile["name"] = changes["name"]
        if "city" in changes:
            profile["address"]["city"] = changes["city"]
        return profile

    merged, found = merge(base, apply(mine), apply(theirs))
    assert (merged["name"], merged["address"]["city"], found) == (
        merged_name,
        merged_city,
        conflicts,
    )


def test_merge_without_a_base_treats_every_difference_as_a_conflict():
    base = make_profile()
    theirs = {**base, "name": "Theirs"}
    merged, conflicts = merge(None, base, theirs)
    assert conflicts == ["name"] and merged["name"] == base["name"]
    assert take_theirs(base, theirs, ["name", "not-a-field"])["name"] == "Theirs"


def test_the_practitioner_form_and_the_profile_format_share_their_fields():
    assert [field.name for field in PractitionerForm()] == list(PRACTITIONER_KEYS)
