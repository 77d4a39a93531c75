"""Fixtures of the notification tests: a clinic with people in each language, and a claimant."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from directory.accounts import passwords
from directory.accounts.services import create_user
from directory.accounts.storage import link_clinic
from directory.clinics.services import save_profile
from tests.conftest import make_profile

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch):
    """Cheap Argon2 settings: these tests create many accounts (strength is tested elsewhere)."""
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def person(db, email: str, language: str | None = None, role: str = "clinic") -> int:
    return create_user(
        db, email=email, password=PASSWORD, role=role, confirmed=True, language=language
    )


@pytest.fixture
def clinic(db):
    """c-1 with an English owner, an Arabic editor and a French editor."""
    save_profile(db, make_profile("c-1"), actor="test")
    for email, language, role in (
        ("owner@harley.example", "en", "owner"),
        ("amira@harley.example", "ar", "editor"),
        ("claire@harley.example", "fr", "editor"),
    ):
        link_clinic(db, "c-1", person(db, email, language), role)
    return "c-1"
