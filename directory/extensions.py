"""Flask extensions shared by every blueprint: CSRF, login sessions."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager, UserMixin
from flask_wtf.csrf import CSRFProtect

from directory.accounts.storage import get_user
from directory.accounts.tokens import password_fingerprint
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
        # The session names the password too: changing or resetting it ends every other
        # session and "remember me" cookie of this account.
        return f"{self.id}.{password_fingerprint(self.row.get('password_hash'))}"

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@login_manager.user_loader
def _load_user(session_id: str):
    user_id, _, fingerprint = session_id.partition(".")
    if not user_id.isdigit() or len(user_id) > 18:
        return None
    row = get_user(get_db(), int(user_id))
    if row is None or row.get("disabled"):
        return None
    user = User(row)
    if user.get_id() != session_id:  # the password changed since this session began
        return None
    return user


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
