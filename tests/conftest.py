"""Shared fixtures: a fresh app and data folder per test, nothing shared between tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory import create_app
from tests.redis_server import redis_server

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


def make_app(data_dir: Path, **config):
    """Return a fresh test app on data_dir: no CSRF, no rate limits, unless config says so."""
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            **config,
        }
    )


@pytest.fixture
def app(data_dir: Path):
    app = make_app(data_dir)
    yield app
    close_index(app)


def close_index(app) -> None:
    """Close the app's search index if a test opened it (its files stay in tmp_path)."""
    search_index = app.extensions.get("vetted.index")
    if search_index is not None:
        search_index.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    from directory.db import connect

    handle = connect(app.config["DATABASE"])
    yield handle
    handle.close()


@pytest.fixture
def store():
    """A private in-memory store with every migration applied (no app needed)."""
    from directory.db import connect

    handle = connect(None)
    yield handle
    handle.close()


@pytest.fixture(scope="session")
def redis_url():
    """A real Redis, shared by the session (tests keep apart with their own key prefix)."""
    with redis_server() as url:
        yield url


@pytest.fixture
def shared_data() -> Path:
    # CI always has ../shared beside the checkout: its absence is a failure, not a skip.
    assert SHARED_DATA.is_dir(), (
        f"{SHARED_DATA} is missing: the real data must be beside the checkout"
    )
    return SHARED_DATA


def make_profile(clinic_id: str = "c-1", **overrides) -> dict:
    """Return a small valid profile; keyword arguments replace top-level fields."""
    profile = {
        "id": clinic_id,
        "name": "Harley Skin Clinic",
        "brand": None,
        "description": "Face mesotherapy and microneedling by a dermatologist.",
        "address": {
            "lines": ["10 Harley Street"],
            "city": "London",
            "region": None,
            "postcode": "W1G 9PF",
            "country": "GB",
        },
        "location": {"lat": 51.5203, "lon": -0.1466},
        "contact": {"phone": "+44 20 7946 0000", "email": "hello@harley.example", "website": None},
        "opening_hours": "Mon-Fri 9:00-18:00",
        "external_ids": {},
        "languages": ["ar", "en"],
        "treatments": [
            {"key": "mesotherapy-face", "price_from": 150.0, "price_to": 250.0, "currency": "GBP"},
            {"key": "microneedling", "price_from": None, "price_to": None, "currency": None},
        ],
        "practitioners": [
            {
                "name": "Dr Amira Haddad",
                "role": "dermatologist",
                "licence_number": "GMC 7654321",
                "licence_authority": "General Medical Council",
                "licence_expiry": "2027-06-30",
                "prescriber": True,
            }
        ],
        "status": "published",
    }
    profile.update(overrides)
    return profile
