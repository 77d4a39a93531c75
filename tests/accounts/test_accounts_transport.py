"""Over https, cookies are Secure and HSTS is sent; the setting follows the public base URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory import create_app
from directory.accounts.services import create_user
from directory.db import connect
from directory.settings import SETTINGS
from tests.accounts.helpers import PASSWORD, log_in
from tests.conftest import make_app

README = Path(__file__).resolve().parents[2] / "README.md"


def _app(data_dir, **config):
    return make_app(data_dir, **config)


def _set_cookies(response) -> dict[str, str]:
    """Return {cookie name: its whole Set-Cookie header} of a response."""
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


@pytest.mark.parametrize(
    ("base_url", "https", "secure"),
    [
        # the default for `make serve`: plain http on this machine
        ("http://127.0.0.1:5000", None, False),
        # a public https address: Secure cookies and HSTS without saying so
        ("https://vetted.example", None, True),
        # the scheme is read case-insensitively
        ("HTTPS://vetted.example", None, True),
        # said explicitly, the setting wins over the address (both ways)
        ("https://vetted.example", "off", False),
        ("http://vetted.internal", "on", True),
    ],
)
def test_cookies_and_hsts_follow_the_public_address(data_dir, base_url, https, secure):
    app = _app(data_dir, BASE_URL=base_url, HTTPS=https)
    db = connect(app.config["DATABASE"])
    create_user(db, email="a@clinic.example", password=PASSWORD, role="clinic", confirmed=True)
    db.close()
    client = app.test_client()
    response = log_in(client, "a@clinic.example", remember="y")
    assert response.status_code == 302
    cookies = _set_cookies(response)
    assert set(cookies) >= {"session", "remember_token"}
    for name in ("session", "remember_token"):
        assert ("; Secure" in cookies[name]) is secure, cookies[name]
        assert "HttpOnly" in cookies[name]
    for path in ("/", "/no/such/page", "/api/v1/checklist"):
        hsts = client.get(path).headers.get("Strict-Transport-Security")
        assert (hsts == "max-age=31536000; includeSubDomains") is secure, (path, hsts)
        assert (hsts is not None) is secure
    language = _set_cookies(client.get("/?lang=fr"))["vetted_lang"]
    assert ("; Secure" in language) is secure


def test_a_misspelt_https_setting_stops_the_app_with_a_reason(data_dir, monkeypatch):
    monkeypatch.setenv("VETTED_HTTPS", "maybe")
    with pytest.raises(ValueError, match="VETTED_HTTPS must be on or off"):
        create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "x"})


def test_every_setting_is_in_the_readme_configuration_table():
    readme = README.read_text("utf-8")
    table = readme[readme.index("## Configuration") :]
    assert [s.env for s in SETTINGS if f"| `{s.env}` |" not in table] == []
