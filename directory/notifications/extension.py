"""Delivering notification mail after the commit, by the same rule as the search outbox.

- in a web request, the queue's mark is noted when the store is opened; when the request
  ends, only the mails queued since are sent (a person's request never waits for a backlog);
- outside requests (each `vetted` command), the end of the command sends everything queued,
  including what an earlier failure left.
A mail that cannot be sent goes back to the queue (services.mail_failed) and never turns a
committed decision into an error page.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context

from directory import db
from directory.mail import send_mail
from directory.notifications import services
from directory.notifications.messages import item_title, render_message

REQUEST_LIMIT = 100  # a request's own mails are a handful
COMMAND_LIMIT = 5000


def deliver(handle, *, after: int = 0, limit: int = COMMAND_LIMIT, send=send_mail) -> dict:
    """Send queued mails with ids above `after`; return {sent, failed}.

    send(to, subject, text, html=, language=) delivers one message (directory.mail's).
    """
    summary = {"sent": 0, "failed": 0}
    for mail in services.mails_to_send(handle, after=after, limit=limit):
        if not services.take_mail(handle, mail["id"]):
            continue  # another process is sending it
        try:
            message = render_message(
                mail["kind"], mail["clinic_id"], mail["params"], mail["language"]
            )
            send(
                mail["email"],
                message.subject,
                message.text,
                html=message.html,
                language=mail["language"],
            )
        except Exception as error:  # any failure: keep it queued for the next delivery
            current_app.logger.warning("notification mail %s not sent: %s", mail["id"], error)
            services.mail_failed(handle, mail["id"], f"{type(error).__name__}: {error}")
            summary["failed"] += 1
            continue
        services.mail_sent(handle, mail["id"])
        summary["sent"] += 1
    return summary


def mail_by_hand() -> None:
    """Say that this context delivers the queue itself: no delivery when it ends."""
    g.mail_by_hand = True


def store_opened(handle) -> None:
    """Note the mail queue's mark when a request opens the store."""
    if has_request_context():
        g.mail_mark = services.mail_mark(handle)


def after_context(exc: BaseException | None) -> None:
    """Send what this request (or command) queued; never raise."""
    handle = g.get("db")
    if handle is None or g.get("mail_by_hand"):
        return
    try:
        if "mail_mark" in g:
            if services.mail_mark(handle) > g.mail_mark:
                deliver(handle, after=g.mail_mark, limit=REQUEST_LIMIT)
        else:
            deliver(handle)
    except Exception:  # the decisions are committed; their mails wait in the queue
        current_app.logger.exception("could not deliver notification mail")


def init_app(app: Flask) -> None:
    """Deliver queued notification mail after every request and command (never on a read node)."""
    # A read node's queue is the writer's, copied by Litestream: the writer sends it.
    if not app.config["READ_ONLY"]:
        db.on_store_opened(app, store_opened)
        app.teardown_appcontext(after_context)
    # Pages name checklist items the way messages do: by title, in the page's language.
    app.add_template_global(item_title, "item_title")
