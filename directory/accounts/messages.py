"""The e-mails accounts send: each builds its link and text, then hands it to directory.mail."""

from __future__ import annotations

from flask import current_app, url_for

from directory.accounts.tokens import make_token, password_fingerprint
from directory.mail import send_mail


def _link(endpoint: str, **values) -> str:
    """Return an absolute link on the public address (BASE_URL), not the request's host."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _token(purpose: str, payload) -> str:
    return make_token(current_app.config["SECRET_KEY"], purpose, payload)


def send_confirmation(user: dict) -> None:
    token = _token("confirm-email", {"u": user["id"], "e": user["email"]})
    send_mail(
        user["email"],
        "Confirm your e-mail address for Vetted",
        "Hello,\n\n"
        "Please confirm your e-mail address by opening this link (it works for 3 days):\n\n"
        f"{_link('accounts.confirm_email', token=token)}\n\n"
        "Until you confirm it, nothing you add to Vetted is published.\n"
        "If you did not create an account on Vetted, ignore this message.\n",
    )


def send_already_registered(email: str) -> None:
    send_mail(
        email,
        "You already have a Vetted account",
        "Hello,\n\n"
        "Someone (probably you) tried to create a Vetted account with this address, but it "
        "already has one. Log in here:\n\n"
        f"{_link('accounts.login')}\n\n"
        "Forgot your password? Choose a new one here:\n\n"
        f"{_link('accounts.reset_request')}\n\n"
        "If it was not you, you can ignore this message: nothing was changed.\n",
    )


def send_reset(user: dict) -> None:
    token = _token(
        "reset-password", {"u": user["id"], "h": password_fingerprint(user["password_hash"])}
    )
    send_mail(
        user["email"],
        "Choose a new password for Vetted",
        "Hello,\n\n"
        "To choose a new password, open this link. It works once, for one hour:\n\n"
        f"{_link('accounts.reset_password', token=token)}\n\n"
        "If you did not ask for this, ignore this message: your password stays the same.\n",
    )


def send_login_link(user: dict, token: str) -> None:
    send_mail(
        user["email"],
        "Your login link for Vetted",
        "Hello,\n\n"
        "Open this link to log in to Vetted. It works once, for 30 minutes, however many wrong "
        "passwords were tried on your account:\n\n"
        f"{_link('accounts.login_link_use', token=token)}\n\n"
        "If you did not ask for it, ignore this message. If someone keeps trying passwords on "
        "your account, choose a long new password:\n\n"
        f"{_link('accounts.reset_request')}\n",
    )


def send_password_changed(user: dict) -> None:
    send_mail(
        user["email"],
        "Your Vetted password was changed",
        "Hello,\n\n"
        "The password of your Vetted account was just changed. If it was not you, choose a "
        "new password at once:\n\n"
        f"{_link('accounts.reset_request')}\n",
    )


def send_invite(invite_id: int, email: str, clinic_name: str, inviter: str) -> None:
    token = _token("invite", {"i": invite_id, "e": email})
    send_mail(
        email,
        f"Help manage {clinic_name} on Vetted",
        "Hello,\n\n"
        f"{inviter} invited you to help keep the listing of {clinic_name} on Vetted up to date.\n"
        "Open this link to accept (it works for 7 days). If you have no account yet, you can "
        "create one with this address there:\n\n"
        f"{_link('accounts.invite', token=token)}\n",
    )
