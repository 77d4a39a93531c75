"""Fixtures of the experiences tests: a clinic with its owner, a moderator, logged-in clients."""

from __future__ import annotations

import pytest

from directory.clinics.services import save_profile
from tests.conftest import make_profile

# Cheap Argon2 settings for the accounts these tests create (an autouse fixture).
from tests.moderation.conftest import fast_passwords  # noqa: F401
from tests.moderation.helpers import add_user, link_to_clinic, log_in, staff_client


@pytest.fixture
def clinic(db):
    """Two published clinics: c-1 (owned by owner@harley.example) and c-2."""
    save_profile(db, make_profile("c-1"), actor="test")
    save_profile(db, make_profile("c-2", name="Second Street Skin"), actor="test")
    link_to_clinic(db, add_user(db, "owner@harley.example", role="clinic"), "c-1")
    return "c-1"


@pytest.fixture
def moderator(db):
    return add_user(db, "mo@vetted.example", name="Mo Derator")


@pytest.fixture
def mod_client(app, db, moderator):
    """A moderator logged in with the second factor done."""
    return staff_client(app, db, "mo@vetted.example", moderator)


@pytest.fixture
def owner_client(app, clinic):
    """The owner of c-1, logged in."""
    client = app.test_client()
    log_in(client, "owner@harley.example")
    return client
