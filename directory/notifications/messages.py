"""A notification as a message in one language: subject, plain text and HTML.

The words are templates (templates/mail/<kind>.txt for the subject and the plain text,
templates/mail/<kind>.html for the HTML part), translated with Flask-Babel like the pages:
rendering forces the recipient's language. Checklist items are named by their titles and
clinics by their names, never by keys or ids. Links are absolute, on BASE_URL, so they work
from a command as well as from a request.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from markupsafe import Markup

from directory.i18n.languages import translate
from directory.notifications.kinds import KINDS
from directory.urls import absolute_links
from directory.vetting.checklist import load_checklist

# The page each kind of message points to: an endpoint and the values it takes.
LINKS = {
    "dashboard": ("clinic_admin.dashboard", ("clinic_id",)),
    "item": ("clinic_evidence.item", ("clinic_id", "item_key")),
    "home": ("clinic_admin.home", ()),
}


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    body: Markup  # the HTML part's own words, without greeting and footer (for the dashboard)


def absolute_link(endpoint: str, **values) -> str:
    """Return the address of a page on the public site (BASE_URL), with or without a request."""
    return absolute_links(current_app.url_map, current_app.config["BASE_URL"])(endpoint, **values)


def item_title(key: str | None) -> str:
    """Return a checklist item's title in the current language (the key if it is unknown)."""
    item = load_checklist().get(key) if key else None
    return translate(item.title) if item else (key or "")


def _context(kind: str, clinic_id: str, params: dict) -> dict:
    endpoint, names = LINKS[KINDS[kind].link]
    values = {"clinic_id": clinic_id, **params}
    return {
        **params,
        "clinic_id": clinic_id,
        "link_kind": KINDS[kind].link,
        "item": item_title(params.get("item_key")),
        "reopened_titles": [item_title(key) for key in params.get("reopened") or ()],
        "link": absolute_link(endpoint, **{name: values[name] for name in names}),
        "dashboard_link": absolute_link("clinic_admin.dashboard", clinic_id=clinic_id),
        "notifications_link": absolute_link("clinic_admin.notifications", clinic_id=clinic_id),
        "site_link": absolute_link("clinics.home"),
    }


def _block(template, name: str, context: dict) -> str:
    return "".join(template.blocks[name](template.new_context(context)))


def render_message(kind: str, clinic_id: str, params: dict, language: str) -> Message:
    """Return the message of one notification, written in language (en, ar or fr)."""
    env = current_app.jinja_env
    with force_locale(language):
        context = _context(kind, clinic_id, params)
        current_app.update_template_context(context)
        text_template = env.get_template(f"mail/{kind}.txt")
        subject = " ".join(_block(text_template, "subject", context).split())
        context["subject"] = subject
        html_template = env.get_template(f"mail/{kind}.html")
        return Message(
            subject=subject,
            text=text_template.render(context),
            html=html_template.render(context),
            body=Markup(_block(html_template, "body", context)),
        )
