"""The e-mails a patient gets about their experience, in the language they wrote it in."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale, gettext

from directory.accounts.tokens import make_token
from directory.experiences.rules import REFUSALS
from directory.mail import send_mail

TOKEN = "confirm-experience"
HASH_IN_LINK = 16  # characters of the address's hash that bind the link to it


def _link(endpoint: str, **values) -> str:
    """Return an absolute link on the public address (BASE_URL), not the request's host."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def confirmation_token(experience: dict) -> str:
    payload = {"x": experience["id"], "h": experience["email_hash"][:HASH_IN_LINK]}
    return make_token(current_app.config["SECRET_KEY"], TOKEN, payload)


def send_confirmation(experience: dict, clinic: dict) -> None:
    """Mail the patient the link that confirms their address (and so sends the experience on)."""
    link = _link("experiences.confirm", token=confirmation_token(experience))
    with force_locale(experience["language"]):
        subject = gettext("Confirm your experience of %(clinic)s", clinic=clinic["name"])
        body = gettext(
            "Hello,\n\nThank you for sharing your experience of %(clinic)s. Please confirm "
            "your e-mail address by opening this link (it works for 3 days):\n\n%(link)s\n\n"
            "A moderator then reads your experience before it is published. We never show "
            "your address, and we delete it once a moderator has decided.\n\n"
            "If you did not write this, ignore this message: nothing will be published.\n",
            clinic=clinic["name"],
            link=link,
        )
    send_mail(experience["email"], subject, body)


def send_decision(decision: dict, clinic: dict) -> None:
    """Tell the patient whether their experience was published, and if not, why."""
    if not decision.get("email"):
        return
    page = _link("clinics.clinic_detail", clinic_id=clinic["id"]) + "#experiences-heading"
    with force_locale(decision["language"] or "en"):
        if decision["state"] == "published":
            subject = gettext("Your experience of %(clinic)s is published", clinic=clinic["name"])
            body = gettext(
                "Hello,\n\nA moderator read your experience of %(clinic)s and published it:"
                "\n\n%(link)s\n\nThank you: it helps other patients choose safely. We have now "
                "deleted your e-mail address.\n",
                clinic=clinic["name"],
                link=page,
            )
        else:
            note = decision.get("note") or ""
            subject = gettext(
                "Your experience of %(clinic)s was not published", clinic=clinic["name"]
            )
            body = gettext(
                "Hello,\n\nA moderator read your experience of %(clinic)s and could not publish "
                "it, for this reason:\n\n%(reason)s\n\n%(note)sWe have now deleted your e-mail "
                "address. If you are worried about your health after a treatment, contact a "
                "doctor.\n",
                clinic=clinic["name"],
                reason=gettext(REFUSALS[decision["refusal"]]),
                note=f"{note}\n\n" if note else "",
            )
    send_mail(decision["email"], subject, body)
