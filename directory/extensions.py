"""Flask extensions shared by every blueprint: CSRF, login sessions."""

from __future__ import annotations

import hmac

from flask import Flask
from flask_login import LoginManager, UserMixin
from flask_wtf.csrf import CSRFProtect

from directory.accounts.storage import get_user
from directory.db import get_db

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Please log in to see that page."
login_manager.session_protection = "strong"


class User(UserMixin):
    """The logged-in person, built from a users row."""

    def __init__(self, row: dict):
        self.row = row
        self.id = row["id"]
        self.email = row["email"]
        self.role = row["role"]
        self.display_name = row.get("display_name") or row["email"]

    def get_id(self) -> str:
        # The session names the account's session nonce too: logging out, a new password, a
        # new role or a reset second factor draws a new nonce, which ends every session and
        # "remember me" cookie of this account on the server, copied ones included.
        return f"{self.id}.{self.row.get('session_nonce') or ''}"

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@login_manager.user_loader
def _load_user(session_id: str):
    user_id, _, _nonce = session_id.partition(".")
    if not user_id.isdigit() or len(user_id) > 18:
        return None
    row = get_user(get_db(), int(user_id))
    if row is None or row.get("disabled"):
        return None
    user = User(row)
    # Refused when the nonce changed since this session began (compared in constant time).
    expected, given = user.get_id().encode(), session_id.encode("utf-8", "replace")
    if not row.get("session_nonce") or not hmac.compare_digest(expected, given):
        return None
    return user


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
