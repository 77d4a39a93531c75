"""Outgoing mail: through SMTP when SMTP_URL is set, else as .eml files in MAIL_DIR.

A message is plain text, or plain text with an HTML alternative (multipart/alternative: mail
programs show the richest part they can). The file fallback makes the demo work offline:
every message lands in DATA_DIR/mail and its links are printed to the console. Tests read the
real message with `read_messages`.
"""

from __future__ import annotations

import re
import secrets
import smtplib
import sys
import time
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

DEFAULT_SENDER = "Vetted <no-reply@vetted.invalid>"
_LINK = re.compile(r"https?://[^\s<>\"]+")


def build_message(
    to: str,
    subject: str,
    body: str,
    *,
    html: str | None = None,
    sender: str = DEFAULT_SENDER,
    language: str | None = None,
) -> EmailMessage:
    """Return a message ready to send: plain text, with html as its alternative when given."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if subject.isascii():
        message["Subject"] = subject
    else:
        # The modern policy folds a long non-ASCII subject between encoded words and the
        # space at the fold is lost on reading ("مكتوب للمخاطر" arrives as "مكتوبللمخاطر");
        # the legacy encoder keeps spaces inside the encoded words. Stored as written.
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode())
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="vetted.invalid")
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    if language:  # after the content: setting it clears the Content-* headers
        message["Content-Language"] = language
    return message


def send_mail(
    to: str, subject: str, body: str, *, html: str | None = None, language: str | None = None
) -> None:
    """Send one message (plain text, and html as its alternative) with the app's configuration."""
    config = current_app.config
    message = build_message(
        to,
        subject,
        body,
        html=html,
        sender=config.get("MAIL_SENDER") or DEFAULT_SENDER,
        language=language,
    )
    if config.get("SMTP_URL"):
        send_smtp(config["SMTP_URL"], message)
    else:
        path = write_eml(Path(config["MAIL_DIR"]), message)
        # The offline demo: whoever runs it needs the link without a mail server.
        links = "\n".join(f"  {link}" for link in links_in(message))
        print(f"[mail] to {to}: {subject} ({path.name})\n{links}", file=sys.stderr, flush=True)


def send_smtp(url: str, message: EmailMessage) -> None:
    """Deliver through smtp://user:pass@host:port (smtps:// for TLS, ?starttls=1 to upgrade)."""
    parts = urlsplit(url)
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    cls = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with cls(parts.hostname or "localhost", port, timeout=30) as smtp:
        if parse_qs(parts.query).get("starttls") == ["1"]:
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)


def write_eml(mail_dir: Path, message: EmailMessage) -> Path:
    """Write the message as a .eml file whose name sorts in sending order."""
    mail_dir.mkdir(parents=True, exist_ok=True)
    path = mail_dir / f"{time.time_ns():020d}-{secrets.token_hex(4)}.eml"
    path.write_bytes(message.as_bytes(policy=policy.SMTP))
    return path


def read_messages(mail_dir: str | Path, to: str | None = None) -> list[EmailMessage]:
    """Return the messages written to mail_dir, oldest first (only those to `to` if given)."""
    folder = Path(mail_dir)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.eml")):
        with path.open("rb") as fh:
            message = BytesParser(policy=policy.default).parse(fh)
        if to is None or message["To"].lower() == to.lower():
            out.append(message)
    return out


def last_message(mail_dir: str | Path, to: str | None = None) -> EmailMessage | None:
    """Return the newest message written to mail_dir (to `to` if given), or None."""
    messages = read_messages(mail_dir, to)
    return messages[-1] if messages else None


def links_in(message: EmailMessage) -> list[str]:
    """Return every http(s) link in the message's plain-text body."""
    body = message.get_body(preferencelist=("plain",))
    return _LINK.findall(body.get_content() if body else "")
