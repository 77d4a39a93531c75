"""Caches of search: results and pages every worker shares, and HTTP validators (#16)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from directory import create_app
from directory.accounts.services import create_user
from directory.clinics.services import get_profile, save_profile
from directory.db import connect
from directory.search import cached_views, queries
from directory.search.caching import SharedCache
from directory.search.extension import open_search_index
from directory.search.services import drain_outbox, plain_vocabulary
from index import SearchRequest, open_index, searching
from tests.accounts.helpers import PASSWORD, log_in
from tests.index.conftest import clinic_doc
from tests.search.helpers import clinic_set
from tests.soup import parse_html

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_a_value_stored_by_one_process_is_read_by_another(tmp_path):
    first, second = SharedCache(tmp_path / "cache"), SharedCache(tmp_path / "cache")
    first.set("k", b"value")
    assert second.get("k") == b"value"
    assert second.get("other") is None
    first.close()
    second.close()


def test_a_search_one_worker_ran_is_not_run_again_by_the_other(tmp_path, monkeypatch):
    shared = SharedCache(tmp_path / "cache")
    one = open_index(tmp_path / "index", vocabulary=plain_vocabulary(), shared=shared)
    one.index_clinics([clinic_doc("a", name="Harley Skin"), clinic_doc("b", name="Glow")])
    answer = one.search(SearchRequest(q="harley"))
    other = open_index(tmp_path / "index", vocabulary=plain_vocabulary(), shared=shared)

    def fail(*args, **kwargs):
        raise AssertionError("the search ran again")

    monkeypatch.setattr(searching, "run", fail)
    assert other.search(SearchRequest(q="harley")) == answer
    with pytest.raises(AssertionError):  # a request nobody asked yet still runs
        other.search(SearchRequest(q="glow"))
    one.close()
    other.close()
    shared.close()


def test_the_api_answers_304_until_a_clinic_changes(client, db, clinics, search_index):
    first = client.get("/api/v1/clinics?q=thames")
    assert first.headers["Cache-Control"] == f"public, max-age={cached_views.MAX_AGE}"
    tag = first.headers["ETag"]
    again = client.get("/api/v1/clinics?q=thames", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    assert "Set-Cookie" not in first.headers  # nothing personal: a proxy may keep it

    profile = get_profile(db, "gb-2")
    save_profile(db, {**profile, "name": "Thames Skin Rooms"}, actor="test")
    drain_outbox(db, search_index)
    changed = client.get("/api/v1/clinics?q=thames", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert [r["name"] for r in changed.get_json()["results"]] == ["Thames Skin Rooms"]


def test_a_repeated_api_search_comes_from_the_shared_cache(client, clinics, app, monkeypatch):
    first = client.get("/api/v1/clinics?q=mesotherapy").get_json()
    monkeypatch.setattr(
        "directory.search.api.queries.run_search",
        lambda *a, **k: pytest.fail("searched again"),
    )
    assert client.get("/api/v1/clinics?q=mesotherapy").get_json() == first


@pytest.fixture
def csrf_app(data_dir):
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "s", "RATELIMIT_ENABLED": False}
    )
    yield app
    open_search_index(app).close()


def test_a_stored_page_carries_each_visitors_own_csrf_token(csrf_app, monkeypatch):
    db = connect(csrf_app.config["DATABASE"])
    for profile in clinic_set():
        save_profile(db, profile, actor="test")
    drain_outbox(db, open_search_index(csrf_app))
    alice, bob = csrf_app.test_client(), csrf_app.test_client()
    page_a = alice.get("/search?q=thames").get_data(as_text=True)
    monkeypatch.setattr(
        "directory.search.views.queries.run_search", lambda *a, **k: pytest.fail("searched")
    )
    page_b = bob.get("/search?q=thames").get_data(as_text=True)
    token_a, token_b = TOKEN.search(page_a)[1], TOKEN.search(page_b)[1]
    assert token_a != token_b
    # Bob's page came from the store with his own token in it, and his token works.
    assert page_b.replace(token_b, "") == page_a.replace(token_a, "")
    added = bob.post("/compare/add", data={"clinic_id": "gb-2", "csrf_token": token_b})
    assert added.status_code == 303
    refused = alice.post("/compare/add", data={"clinic_id": "gb-2", "csrf_token": token_b})
    assert refused.status_code == 400
    db.close()


def test_a_page_is_private_revalidated_and_changes_with_the_comparison(client, clinics):
    first = client.get("/search?q=mesotherapy")
    assert first.headers["Cache-Control"] == f"private, max-age={cached_views.MAX_AGE}"
    tag = first.headers["ETag"]
    assert client.get("/search?q=mesotherapy", headers={"If-None-Match": tag}).status_code == 304
    client.post("/compare/add", data={"clinic_id": "gb-3"})
    flashed = client.get("/search?q=mesotherapy")  # shows "added": for this visitor only
    assert flashed.headers["Cache-Control"] == "private, no-cache"
    page = client.get("/search?q=mesotherapy", headers={"If-None-Match": tag})
    assert page.status_code == 200 and page.headers["ETag"] != tag
    form = parse_html(page.get_data(as_text=True)).find("form", attrs={"data-clinic-id": "gb-3"})
    assert "Remove from compare" in form.get_text()


def test_a_logged_in_persons_page_is_never_shared(client, db, clinics):
    create_user(db, email="ana@glow.example", password=PASSWORD, role="clinic", confirmed=True)
    log_in(client, "ana@glow.example")
    page = client.get("/search?q=mesotherapy")
    assert page.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in page.headers
    assert "Log out" in page.get_data(as_text=True)
    client.post("/account/logout")
    anonymous = client.get("/search?q=mesotherapy").get_data(as_text=True)
    assert "Log out" not in anonymous


def test_a_bad_request_is_not_stored(client, clinics):
    assert client.get("/api/v1/clinics?page=0").status_code == 400
    second = client.get("/api/v1/clinics?page=0")
    assert second.status_code == 400 and "ETag" not in second.headers


def _worker(data_dir):
    """Return an app on data_dir, as each gunicorn worker of one node opens its own."""
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "SECRET_KEY": "s",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )


def test_an_edit_through_one_worker_shows_on_the_other_workers_next_page(data_dir):
    one, two = _worker(data_dir), _worker(data_dir)
    db = connect(one.config["DATABASE"])
    for profile in clinic_set():
        save_profile(db, profile, actor="test")
    drain_outbox(db, open_search_index(one))
    visitor = one.test_client()
    first = visitor.get("/search?q=thames")
    api = visitor.get("/api/v1/clinics?q=thames")
    assert "Thames Aesthetics" in first.get_data(as_text=True)

    save_profile(db, {**get_profile(db, "gb-2"), "name": "Thames Skin Rooms"}, actor="test")
    drain_outbox(db, open_search_index(two))

    page = visitor.get("/search?q=thames", headers={"If-None-Match": first.headers["ETag"]})
    assert page.status_code == 200 and page.headers["ETag"] != first.headers["ETag"]
    assert "Thames Skin Rooms" in page.get_data(as_text=True)
    assert "Thames Aesthetics" not in page.get_data(as_text=True)
    answer = visitor.get("/api/v1/clinics?q=thames", headers={"If-None-Match": api.headers["ETag"]})
    assert answer.status_code == 200
    assert [r["name"] for r in answer.get_json()["results"]] == ["Thames Skin Rooms"]
    for app in (one, two):
        open_search_index(app).close()
    db.close()


def test_a_saved_change_not_yet_in_the_index_already_gives_new_tags(app, client, db, clinics):
    before = client.get("/api/v1/clinics?q=thames")
    save_profile(db, {**get_profile(db, "gb-2"), "name": "Thames Skin Rooms"}, actor="test")
    # Nothing drained the outbox: the next request applies it and must not answer 304.
    after = client.get(
        "/api/v1/clinics?q=thames", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert after.status_code == 200
    assert [r["name"] for r in after.get_json()["results"]] == ["Thames Skin Rooms"]


def test_pages_in_each_language_are_stored_and_tagged_apart(client, app, clinics):
    english = client.get("/search?q=mesotherapy", headers={"Accept-Language": "en"})
    tag = english.headers["ETag"]
    french = client.get(
        "/search?q=mesotherapy", headers={"Accept-Language": "fr", "If-None-Match": tag}
    )
    assert french.status_code == 200 and french.headers["ETag"] != tag
    assert parse_html(french.get_data(as_text=True)).find("html").get("lang") == "fr"
    # A proxy must keep one copy per language too.
    assert {"Accept-Language", "Cookie"} <= set(french.vary)
    arabic = parse_html(client.get("/search?q=mesotherapy&lang=ar").get_data(as_text=True))
    assert (arabic.find("html").get("lang"), arabic.find("html").get("dir")) == ("ar", "rtl")
    again = app.test_client().get("/search?q=mesotherapy", headers={"Accept-Language": "en"})
    assert parse_html(again.get_data(as_text=True)).find("html").get("lang") == "en"


def test_a_page_stored_for_anonymous_visitors_is_not_served_once_logged_in(client, db, clinics):
    anonymous = client.get("/search?q=mesotherapy")
    assert "Log out" not in anonymous.get_data(as_text=True)
    create_user(db, email="ana@glow.example", password=PASSWORD, role="clinic", confirmed=True)
    assert log_in(client, "ana@glow.example").status_code == 302
    for _ in range(2):  # the first may still show the login's message; the second shows none
        page = client.get(
            "/search?q=mesotherapy", headers={"If-None-Match": anonymous.headers["ETag"]}
        )
        assert page.status_code == 200 and "Log out" in page.get_data(as_text=True)
        assert page.headers["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize("value", ["off", "0", "no", ""])
def test_the_shared_cache_can_be_turned_off(data_dir, monkeypatch, value):
    monkeypatch.setenv("VETTED_SEARCH_CACHE", value)
    app = _worker(data_dir)
    db = connect(app.config["DATABASE"])
    for profile in clinic_set():
        save_profile(db, profile, actor="test")
    drain_outbox(db, open_search_index(app))
    client = app.test_client()
    searches = []
    run_search = queries.run_search
    monkeypatch.setattr(
        queries, "run_search", lambda *a, **k: searches.append(1) or run_search(*a, **k)
    )
    first = client.get("/api/v1/clinics?q=thames")
    again = client.get("/api/v1/clinics?q=thames")
    assert len(searches) == 2 and again.get_json() == first.get_json()  # no cache: run twice
    assert first.headers["ETag"]  # HTTP validators still work without the shared store
    assert not (data_dir / "cache").exists()
    open_search_index(app).close()
    db.close()


def test_the_shared_cache_lives_in_the_data_folder(client, app, clinics):
    client.get("/api/v1/clinics?q=thames")
    assert app.config["CACHE_DIR"] == str(Path(app.config["DATA_DIR"]) / "cache")
    assert any(Path(app.config["CACHE_DIR"]).iterdir())
