"""Fixtures of the moderation tests: a clinic, people in every role, logged-in clients."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from directory.accounts import passwords
from directory.clinics.services import save_profile
from tests.conftest import make_profile
from tests.moderation.helpers import add_user, link_to_clinic, log_in, staff_client


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch):
    """Cheap Argon2 settings: these tests create many accounts (strength is tested elsewhere)."""
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def clinic(db):
    """One published clinic, c-1, with its owner account owner@harley.example."""
    save_profile(db, make_profile("c-1"), actor="test")
    owner = add_user(db, "owner@harley.example", role="clinic", name="Clinic Owner")
    link_to_clinic(db, owner, "c-1")
    return "c-1"


@pytest.fixture
def people(db):
    """One account per role; moderators on a domain no clinic uses."""
    return {
        "clinic": add_user(db, "someone@other-clinic.example", role="clinic"),
        "moderator": add_user(db, "mo@vetted.example", name="Mo Derator"),
        "moderator2": add_user(db, "second@vetted.example", name="Sam Second"),
        "admin": add_user(db, "ad@vetted.example", role="admin", name="Ada Admin"),
    }


@pytest.fixture
def mod_client(app, db, people):
    """A client logged in as the moderator with the second factor done."""
    return staff_client(app, db, "mo@vetted.example", people["moderator"])


@pytest.fixture
def mod2_client(app, db, people):
    """A second moderator, logged in with the second factor done."""
    return staff_client(app, db, "second@vetted.example", people["moderator2"])


@pytest.fixture
def admin_client(app, db, people):
    return staff_client(app, db, "ad@vetted.example", people["admin"])


@pytest.fixture
def clinic_client(app, people):
    client = app.test_client()
    log_in(client, "someone@other-clinic.example")
    return client
