"""Helpers for notification tests: an outbox to deliver into, and delivering the queue."""

from __future__ import annotations

from directory.db import get_db
from directory.notifications.extension import deliver, mail_by_hand


class Outbox:
    """A send(to, subject, text, html=, language=) that keeps every message, or fails when told."""

    def __init__(self):
        self.sent: list[tuple[str, str, str]] = []
        self.html: list[str] = []
        self.languages: list[str] = []
        self.fail = False

    def __call__(self, to: str, subject: str, text: str, *, html=None, language=None) -> None:
        if self.fail:
            raise OSError("mail server down")
        self.sent.append((to, subject, text))
        self.html.append(html)
        self.languages.append(language)


def deliver_queued(app, outbox: Outbox | None = None) -> dict:
    """Deliver every queued notification mail, as a command's end would (into outbox if given)."""
    with app.app_context():
        mail_by_hand()
        if outbox is None:
            return deliver(get_db())
        return deliver(get_db(), send=outbox)
