"""Fixtures for search: a few clinics saved through the service and applied to the index."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.search.helpers import clinic_set


@pytest.fixture
def search_index(app):
    from directory.search.extension import open_search_index

    return open_search_index(app)


@pytest.fixture
def add_clinics(db, search_index) -> Callable[..., None]:
    """Save profiles through the clinic service and apply the outbox to the index."""
    from directory.clinics.services import save_profile
    from directory.search.services import drain_outbox

    def add(*profiles: dict) -> None:
        for profile in profiles:
            save_profile(db, profile, actor="test")
        drain_outbox(db, search_index)

    return add


@pytest.fixture
def clinics(add_clinics) -> list[dict]:
    profiles = clinic_set()
    add_clinics(*profiles)
    return profiles
