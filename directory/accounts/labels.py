"""Words for the states and roles the clinic back office shows, in the page's language."""

from __future__ import annotations

from flask import Flask

from directory.i18n.known import N_
from directory.i18n.languages import translate

STATUSES = {
    "published": N_("Published"),
    "unpublished": N_("Not public yet"),
    "suspended": N_("Suspended"),
}
ROLES = {
    "owner": N_("Owner"),
    "editor": N_("Editor"),
    "staff": N_("Moderator (read only)"),
    "clinic": N_("Clinic account"),
    "moderator": N_("Moderator"),
    "admin": N_("Admin"),
}
REQUEST_STATES = {
    "pending": N_("Waiting for a moderator"),
    "approved": N_("Approved"),
    "rejected": N_("Not approved"),
}
EVIDENCE_KINDS = {
    "statement": N_("Statement"),
    "link": N_("Link"),
    "licence": N_("Licence number"),
    "document": N_("Document"),
}


def _label(words: dict[str, str], key: str | None) -> str:
    return translate(words.get(key or "", key or ""))


def status_label(status: str | None) -> str:
    return _label(STATUSES, status)


def role_label(role: str | None) -> str:
    return _label(ROLES, role)


def request_state_label(state: str | None) -> str:
    return _label(REQUEST_STATES, state)


def evidence_kind_label(kind: str | None) -> str:
    return _label(EVIDENCE_KINDS, kind)


def init_app(app: Flask) -> None:
    """Expose the labels to templates."""
    for function in (status_label, role_label, request_state_label, evidence_kind_label):
        app.add_template_global(function, function.__name__)
