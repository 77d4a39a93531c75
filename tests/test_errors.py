"""Errors: JSON with a reason for API callers, a page for people, and the headers with them."""

from __future__ import annotations

import os
import runpy
import socket
from pathlib import Path

import pytest
from flask import abort
from werkzeug.exceptions import default_exceptions

from directory.errors import MAX_URL_BYTES
from tests.servers import free_port, gunicorn_server
from tests.soup import parse_html, text_of

ROOT = Path(__file__).resolve().parents[1]
API_ROUTES = ["/api/v1/clinics", "/api/v1/clinics/c-1", "/api/v1/checklist", "/api/v1/openapi.json"]
ERROR_CODES = sorted(code for code in default_exceptions if code >= 400)


@pytest.fixture
def aborting(app):
    """Routes that end in any error status, under /api/ and outside it."""

    def fail(code: int):
        if code == 500:
            raise RuntimeError("an unexpected error")
        abort(code)

    app.add_url_rule("/api/v1/test-error/<int:code>", "api_fail", fail)
    app.add_url_rule("/test-error/<int:code>", "page_fail", fail)
    return app.test_client()


def assert_json_error(response, status: int) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["reason"], str) and len(body["error"]["reason"]) > 10


@pytest.mark.parametrize("code", ERROR_CODES)
def test_every_error_status_under_api_is_json_with_a_reason(aborting, code):
    assert_json_error(aborting.get(f"/api/v1/test-error/{code}"), code)


@pytest.mark.parametrize("code", ERROR_CODES)
def test_every_error_status_of_a_page_is_a_page(aborting, code):
    response = aborting.get(f"/test-error/{code}")
    assert response.status_code == code and response.mimetype == "text/html"
    assert text_of(parse_html(response.data).find("h1"))


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/api/v1/clinics?page=0", 400),  # a bad parameter
        ("GET", "/api/v1/clinics/no-such-clinic", 404),  # an unknown clinic
        ("GET", "/api/v1/no-such-thing", 404),  # an unknown address
        ("POST", "/api/v1/clinics", 405),  # the API is read-only
        ("DELETE", "/api/v1/clinics/c-1", 405),
        ("PUT", "/api/v1/openapi.json", 405),
        ("GET", "/api/v1/clinics?q=" + "x" * MAX_URL_BYTES, 414),  # an address too long
    ],
)
def test_the_errors_the_api_produces_are_json(client, method, url, status):
    assert_json_error(client.open(url, method=method), status)


@pytest.mark.parametrize("url", [*API_ROUTES, "/search", "/clinics/c-1"])
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_405_says_which_methods_are_allowed(client, url, method):
    response = client.open(url, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_an_address_at_the_cap_is_read_and_one_byte_more_is_414(client):
    base = "/api/v1/clinics?q="
    at_cap = base + "x" * (MAX_URL_BYTES - len(base))
    # Read (and refused by the q limit, not by the address length).
    assert "q is too long" in client.get(at_cap).get_json()["error"]["reason"]
    too_long = client.get(at_cap + "x")
    assert_json_error(too_long, 414)
    assert f"{MAX_URL_BYTES:,} bytes" in too_long.get_json()["error"]["reason"]


def test_a_page_address_too_long_is_an_html_414(client):
    response = client.get("/search?q=" + "x" * MAX_URL_BYTES)
    assert response.status_code == 414 and response.mimetype == "text/html"
    assert "longer than we accept" in text_of(parse_html(response.data))


def test_the_cap_is_counted_on_the_address_as_sent(client):
    # 3,000 Arabic letters are 6,000 bytes of UTF-8, 18,000 once percent-encoded.
    response = client.get("/api/v1/clinics", query_string={"q": "م" * 3000})
    assert_json_error(response, 414)


def test_gunicorn_lets_the_app_answer_long_addresses():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["limit_request_line"] == 8190  # gunicorn's maximum
    # "GET <target> HTTP/1.1" must fit, so the app sees every target up to its own cap.
    assert len(f"GET /{'x' * MAX_URL_BYTES} HTTP/1.1") <= settings["limit_request_line"]


def _raw_get(port: int, target: str) -> tuple[int, str, str]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(
            f"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    content_type = next(
        (v for k, _, v in (h.partition(": ") for h in lines) if k.lower() == "content-type"), ""
    )
    return int(lines[0].split()[1]), content_type, body.decode("utf-8", "replace")


@pytest.fixture
def gunicorn(tmp_path):
    env = {**os.environ, "VETTED_DATA_DIR": str(tmp_path / "data"), "VETTED_SECRET_KEY": "t"}
    with gunicorn_server(free_port(), env) as port:
        yield port


def test_behind_gunicorn_an_api_caller_gets_json_for_long_addresses(gunicorn):
    # 5,000 bytes: over gunicorn's default limit (its HTML 414 before), now read by the app.
    status, content_type, body = _raw_get(gunicorn, "/api/v1/clinics?q=" + "x" * 5000)
    assert status == 400 and content_type == "application/json" and "q is too long" in body
    # Over the app's cap, under gunicorn's: the app's JSON 414, with its reason.
    status, content_type, body = _raw_get(gunicorn, "/api/v1/clinics?q=" + "x" * MAX_URL_BYTES)
    assert status == 414 and content_type == "application/json" and "longer than we accept" in body


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/changes?limit=%C2%B2",  # "²": a digit to str.isdigit, not a number to int()
        "/api/hsds/services?page=%C2%B2",
        "/api/hsds/services?per_page=%D9%A3",  # an Arabic-Indic three
    ],
)
def test_digits_that_are_not_numbers_are_a_400_not_a_500(client, url):
    assert_json_error(client.get(url), 400)
