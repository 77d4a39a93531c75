"""Rate limits (Flask-Limiter) on logins and on every form that sends mail.

Each such form is limited per client address and per account (the e-mail typed, or the
logged-in user), so neither many addresses against one account nor one address against many
accounts gets far. RATELIMIT_ENABLED=False turns them off (the tests do).
"""

from __future__ import annotations

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

TOO_MANY = (
    "Too many attempts. For your security we paused this for a while: "
    "please wait a few minutes and try again."
)

limiter = Limiter(key_func=get_remote_address)


def account_key() -> str:
    """The account a form is about: the e-mail typed, else the logged-in user, else the IP."""
    email = request.form.get("email", "")
    if isinstance(email, str) and email.strip():
        return "account:" + email.strip().lower()[:254]
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "ip:" + (get_remote_address() or "-")


def per_ip(limit: str):
    """Limit POSTs to the view per client address."""
    return limiter.limit(limit, methods=["POST"], error_message=TOO_MANY)


def per_account(limit: str):
    """Limit POSTs to the view per account (see account_key)."""
    return limiter.limit(limit, key_func=account_key, methods=["POST"], error_message=TOO_MANY)


def mails_an_address(view):
    """Limit a form that e-mails an address: 10 POSTs an hour per client, 3 per account."""
    return per_ip("10 per hour")(per_account("3 per hour")(view))


def user_key() -> str:
    return (
        f"user:{current_user.id}"
        if current_user.is_authenticated
        else "ip:" + (get_remote_address() or "-")
    )


def per_user(limit: str):
    """Limit POSTs to the view per logged-in user."""
    return limiter.limit(limit, key_func=user_key, methods=["POST"], error_message=TOO_MANY)
