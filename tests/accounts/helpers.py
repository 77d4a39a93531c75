"""Helpers of the accounts tests: log in, read the mail that was sent, read HTML."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from directory.mail import links_in, read_messages
from directory.moderation.views.access import MFA_MARK
from directory.vetting import services as vetting
from tests import pdfs
from tests.soup import text_of

PASSWORD = "correct horse battery staple"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PDF = pdfs.PDF  # a real PDF: uploads are parsed


def log_in(client, email: str, password: str = PASSWORD, **extra):
    """Post the login form; return the response."""
    return client.post("/account/login", data={"email": email, "password": password, **extra})


def log_in_as(client, db, email: str) -> None:
    """Log in (passing the moderators' second factor)."""
    response = log_in(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    row = db.execute("select id, role from users where email = ?", [email]).fetchone()
    if row[1] in ("moderator", "admin"):
        with client.session_transaction() as session:
            session[MFA_MARK] = row[0]


def mails(app, to: str | None = None):
    return read_messages(app.config["MAIL_DIR"], to)


def link_path(message) -> str:
    """Return the path (and query) of the first link of a message, to request it."""
    links = links_in(message)
    assert links, message.get_body().get_content()
    parts = urlsplit(links[0])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def field_errors(page: BeautifulSoup, field_id: str) -> list[str]:
    """Return the error messages shown beside one field (its -errors list)."""
    box = page.find(id=f"{field_id}-errors")
    return [text_of(li, " ") for li in box.find_all("li")] if box else []


def _textarea_value(node: Tag) -> str:
    text = node.get_text()
    # The widget starts the content with a line break, which browsers drop.
    return text[2:] if text.startswith("\r\n") else text


def value_of(page: BeautifulSoup, field_id: str) -> str | None:
    """Return what a field shows: an input's value or a textarea's text."""
    node = page.find(id=field_id)
    if node is None:
        return None
    if node.name == "textarea":
        return _textarea_value(node)
    if node.name == "select":
        chosen = node.find("option", selected=True)
        return chosen.get("value") if chosen else None
    return node.get("value")


def form_data(page: BeautifulSoup, *, button: str | None = "save") -> dict[str, list[str]]:
    """Return what a browser would submit from the page's main form (by the named button)."""
    form = next(
        f
        for f in page.find_all("form")
        if f.find("fieldset") or f.find("textarea") or len(f.find_all("input")) > 2
    )
    data: dict[str, list[str]] = {}
    for node in form.find_all(True):
        name = node.get("name")
        if not name:
            continue
        if node.name == "input":
            kind = node.get("type", "text")
            if kind in ("checkbox", "radio"):
                if node.has_attr("checked"):
                    data.setdefault(name, []).append(node.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                data.setdefault(name, []).append(node.get("value", ""))
        elif node.name == "textarea":
            data.setdefault(name, []).append(_textarea_value(node))
        elif node.name == "select":
            chosen = node.find("option", selected=True)
            if chosen:
                data.setdefault(name, []).append(chosen.get("value", ""))
    if button:
        data[button] = ["1"]
    return data


def submit_item(db, clinic_id: str, key: str, evidence: dict) -> None:
    """Claim a checklist item for the clinic with one piece of evidence (pending review)."""
    vetting.claim_item(db, clinic_id, key, statement="We do this.", actor="clinic")
    vetting.attach_evidence(db, clinic_id, key, evidence, actor="clinic")


def verify_item(db, clinic_id: str, key: str, **dates) -> None:
    """Have a moderator verify the clinic's claim: by default yesterday, for 300 days."""
    today = date.today()
    dates = {
        "verified_at": today - timedelta(days=1),
        "expires_at": today + timedelta(days=300),
        **dates,
    }
    vetting.verify_claim(
        db, clinic_id, key, moderator_id=7, moderator_name="Mo", when=vetting.When(today), **dates
    )
