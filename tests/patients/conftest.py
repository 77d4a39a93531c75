"""Fixtures for the patient pages."""

from __future__ import annotations

import pytest

from tests.patients.helpers import StubIndex


@pytest.fixture
def stub_index(app):
    """Install a StubIndex as the app's search index; set .ids to choose what it proposes."""
    from directory.search.extension import EXTENSION_KEY

    real = app.extensions.get(EXTENSION_KEY)
    if real is not None:
        real.close()
    stub = StubIndex([])
    app.extensions[EXTENSION_KEY] = stub
    return stub
