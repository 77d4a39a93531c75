"""Flask extensions shared by every blueprint: CSRF, login sessions."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager, UserMixin
from flask_wtf.csrf import CSRFProtect

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
        return str(self.id)

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@login_manager.user_loader
def _load_user(user_id: str):
    from directory.accounts.storage import get_user
    from directory.db import get_db

    if not user_id.isdigit():
        return None
    row = get_user(get_db(), int(user_id))
    if row is None or row.get("disabled"):
        return None
    return User(row)


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
