"""Browser fixtures: a live server of a fresh app (with clinics) and a headless Chromium page.

Hooks: override `live_server_profiles` (the clinics saved before the server starts) or
`live_server_config` (extra app config) in a test module to change what the server holds.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from directory import create_app
from directory.db import connect
from directory.notifications.services import notify
from tests.conftest import close_index, make_profile
from tests.moderation.helpers import PASSWORD, add_user, current_code, enrol

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching selector has focus (proves the keyboard reaches it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the keyboard")


def log_in(
    page, server: str, email: str, secret: str | None = None, *, start: str = "/account/login"
) -> None:
    """Log in through the real pages from START: the password, then a code when given a secret.

    Fields are found by id, not label, so it works whatever the page's language.
    """
    page.goto(f"{server}{start}")
    page.wait_for_url(re.compile(r"/account/login"))
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form[action$='/account/login'] [type=submit]").click()
    if secret:
        page.wait_for_url(re.compile(r"/mfa/verify"))
        page.get_by_label("Code").fill(current_code(secret))
        page.get_by_role("button", name="Continue").click()


def log_in_moderator(page, server: str, email: str, secret: str) -> None:
    """Log in from the moderation queue's address (password, then code); land on the queue."""
    log_in(page, server, email, secret, start="/moderation/")
    page.wait_for_url(re.compile(r"/moderation/$"))


@contextmanager
def live_db(live_app) -> Iterator:
    """Open the live app's database for a fixture to fill, and close it afterwards."""
    db = connect(live_app.config["DATABASE"])
    try:
        yield db
    finally:
        db.close()


def tell_of_a_rejection(db, reason: str) -> None:
    """Put a rejected claim's message (informed consent) on uk-01's dashboard."""
    notify(
        db,
        "claim.rejected",
        "uk-01",
        clinic_name="Clinic 01 Hair and Skin",
        item_key="informed-consent",
        reason=reason,
    )


def enrol_moderators(db) -> dict[str, str]:
    """Add moderators Ana and Ben, each with an authenticator; return their secrets by address."""
    people = {"ana@vetted.example": "Ana", "ben@vetted.example": "Ben"}
    return {email: enrol(db, add_user(db, email, name=name)) for email, name in people.items()}


def sample_profiles() -> list[dict]:
    """25 published clinics: 22 in the UK offering hair mesotherapy, 3 in Dubai that do not."""
    hair = [
        {"key": "hair-mesotherapy", "price_from": 200.0, "price_to": 300.0, "currency": "GBP"},
        {"key": "microneedling", "price_from": None, "price_to": None, "currency": None},
    ]
    dubai = {
        "lines": ["Jumeirah Road"],
        "city": "Dubai",
        "region": None,
        "postcode": None,
        "country": "AE",
    }
    profiles = [
        make_profile(
            f"uk-{n:02d}",
            name=f"Clinic {n:02d} Hair and Skin",
            treatments=hair,
            location={"lat": 51.5 + n / 1000, "lon": -0.12},
        )
        for n in range(1, 23)
    ]
    profiles += [
        make_profile(
            f"ae-{n}",
            name=f"Dubai Clinic {n}",
            address=dubai,
            location={"lat": 25.2, "lon": 55.27},
            treatments=[
                {"key": "pressotherapy", "price_from": None, "price_to": None, "currency": None}
            ],
        )
        for n in range(1, 4)
    ]
    return profiles


@pytest.fixture
def live_server_profiles() -> list[dict]:
    return sample_profiles()


@pytest.fixture
def live_server_config() -> dict:
    return {}


@pytest.fixture
def live_app(tmp_path: Path, live_server_profiles, live_server_config):
    """An app on its own data folder, holding live_server_profiles saved and indexed."""
    from directory.clinics.services import save_profile
    from directory.db import connect
    from directory.search.extension import open_search_index
    from directory.search.services import drain_outbox

    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "live-data"),
            "SECRET_KEY": "browser-test-secret",
            "RATELIMIT_ENABLED": False,
            # Maps draw from a tile on this server: browser tests never reach the network.
            "MAP_TILES": "/static/favicon.svg?z={z}&x={x}&y={y}",
            **live_server_config,
        }
    )

    @app.after_request
    def _read_files_whole(response):
        # The test server sends static files (Leaflet is 147 kB) from memory: a browser that
        # moves on mid-download would otherwise leave the open file to the garbage collector,
        # and its ResourceWarning would fail whichever test happens to be running.
        if response.direct_passthrough and response.status_code == 200:
            body = b"".join(response.response)
            response.response.close()
            response.direct_passthrough = False
            response.set_data(body)
        return response

    db = connect(app.config["DATABASE"])
    try:
        for profile in live_server_profiles:
            save_profile(db, profile, actor="test")
        drain_outbox(db, open_search_index(app))
    finally:
        db.close()
    yield app
    close_index(app)


@pytest.fixture
def live_server(live_app):
    """Serve live_app on a free port in a thread; yield its base URL (no trailing slash)."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own browser context (no cookies shared between tests)."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
