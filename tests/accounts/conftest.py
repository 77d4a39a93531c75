"""Fixtures of the accounts tests: two clinics, one person per role, mail and HTML readers."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from directory.accounts import passwords
from directory.accounts.services import create_user
from directory.accounts.storage import link_clinic
from directory.clinics.services import save_profile
from tests.accounts.helpers import PASSWORD
from tests.conftest import make_profile


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "real_hashing: use the production Argon2 parameters, not the fast ones"
    )


@pytest.fixture(autouse=True)
def fast_hashing(request, monkeypatch):
    """Cheap Argon2id parameters: the same algorithm and code path, a fraction of the cost."""
    if request.node.get_closest_marker("real_hashing"):
        return

    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def clinic(db) -> str:
    """A published clinic whose website is on harley.example."""

    profile = make_profile("c-1")
    profile["contact"] = {**profile["contact"], "website": "https://www.harley.example/"}
    save_profile(db, profile, actor="test")
    return "c-1"


@pytest.fixture
def other_clinic(db) -> str:
    save_profile(db, make_profile("c-2", name="Other Clinic", practitioners=[]), actor="test")
    return "c-2"


@pytest.fixture
def people(db, clinic, other_clinic) -> dict[str, str]:
    """One confirmed account per role; returns role -> e-mail address."""

    emails = {
        "owner": "owner@harley.example",
        "editor": "editor@harley.example",
        "other": "owner@other.example",
        "moderator": "mod@vetted.example",
        "admin": "admin@vetted.example",
    }
    roles = {"moderator": "moderator", "admin": "admin"}
    ids = {}
    for who, email in emails.items():
        ids[who] = create_user(
            db,
            email=email,
            password=PASSWORD,
            role=roles.get(who, "clinic"),
            confirmed=True,
            display_name=who.title(),
        )
    link_clinic(db, clinic, ids["owner"], "owner")
    link_clinic(db, clinic, ids["editor"], "editor")
    link_clinic(db, other_clinic, ids["other"], "owner")
    return emails
