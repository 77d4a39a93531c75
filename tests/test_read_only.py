"""A read node (VETTED_READ_ONLY=on): the store only read, every write a 503 saying where to go.

The writer's app (the `app` fixture) fills a data folder; a second app on the same folder with
READ_ONLY plays the read node, as it would on a restored replica.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from directory import create_app
from directory.clinics import storage as clinics_storage
from directory.clinics.services import save_profile
from directory.db import StoreNotReady, connect, get_db
from directory.search.extension import catch_up
from directory.services import load_demo_data
from tests.conftest import close_index, make_app, make_profile
from tests.experiences.helpers import confirmation_link, form_data, new_codes, submit
from tests.moderation.conftest import fast_passwords  # noqa: F401  (cheap Argon2 for add_user)
from tests.moderation.helpers import add_user, link_to_clinic
from tests.soup import parse_html, text_of

MAIN_SITE = "https://vetted.example"


@pytest.fixture
def served(app, db, data_dir) -> Path:
    """The writer's data folder: demo clinics, a clinic with an owner, their index built."""
    load_demo_data(db, count=12, seed=13)
    save_profile(db, make_profile("c-1"), actor="test")
    link_to_clinic(db, add_user(db, "owner@harley.example", role="clinic"), "c-1")
    assert app.test_cli_runner().invoke(args=["index", "rebuild"]).exit_code == 0
    return data_dir


@pytest.fixture
def reader(served):
    """The read node's app on the same folder."""
    node = make_app(served, READ_ONLY=True, BASE_URL=MAIN_SITE)
    yield node
    close_index(node)


def store_state(data_dir: Path) -> dict:
    """What a write would change: the bytes and times of the store and its write-ahead log."""
    files = [data_dir / "vetted.db", data_dir / "vetted.db-wal"]
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in files
        if p.exists()
    }


def test_a_read_node_serves_pages_and_the_api_without_touching_the_store(app, served, reader):
    before = store_state(served)
    client = reader.test_client()
    for path in ("/", "/search?q=mesotherapy", "/clinics/demo-00001", "/methodology", "/compare"):
        assert client.get(path).status_code == 200, path
    query = "/api/v1/clinics?q=mesotherapy&per_page=100"
    found = client.get(query).get_json()
    assert found["total"] > 0
    assert found == app.test_client().get(query).get_json()
    # A page that shows a write form still renders; sending it is what is refused.
    assert client.get("/account/login").status_code == 200
    assert store_state(served) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/account/login"),  # a form page
        ("POST", "/clinics/c-1/report"),  # a patient's report
        ("POST", "/api/v1/clinics"),  # the API (no such route: refused before routing)
        ("PUT", "/api/v1/clinics/c-1"),
        ("PATCH", "/manage/c-1/edit"),
        ("DELETE", "/api/v1/clinics/c-1"),
    ],
)
def test_every_writing_method_gets_503_saying_where_writes_go(served, reader, method, path):
    before = store_state(served)
    response = reader.test_client().open(path, method=method, data={"email": "a@b.example"})
    assert response.status_code == 503
    if path.startswith("/api/"):
        error = response.get_json()["error"]
        assert error["status"] == 503
        assert "for reading" in error["reason"] and MAIN_SITE in error["reason"]
    else:
        page = parse_html(response.data)
        assert text_of(page.find("h1")) == "Read-only copy"
        assert [a["href"] for a in page.find("main").find_all("a")][:1] == [MAIN_SITE]
    assert store_state(served) == before


def test_the_refusal_comes_before_the_csrf_check(served):
    node = make_app(served, READ_ONLY=True, WTF_CSRF_ENABLED=True)
    try:
        # Without a token the writer answers 400 (form expired); a read node says why it cannot.
        assert node.test_client().post("/account/login").status_code == 503
    finally:
        close_index(node)


def test_the_refusal_is_in_the_pages_language(reader):
    response = reader.test_client().post("/account/login", headers={"Accept-Language": "fr"})
    page = parse_html(response.data)
    assert response.status_code == 503
    assert text_of(page.find("h1")) == "Copie en lecture seule"
    assert "site principal" in text_of(page.find("main"))


def test_a_reading_request_that_would_write_gets_503_not_500(app, db, served, reader):
    # The mailed link that confirms a patient's experience writes on a GET.
    submit(app.test_client(), form_data(new_codes(db)[0]))
    link = confirmation_link(app)
    before = store_state(served)
    response = reader.test_client().get(link)
    assert response.status_code == 503
    assert text_of(parse_html(response.data).find("h1")) == "Read-only copy"
    assert db.execute("select state from experiences").fetchall() == [("unconfirmed",)]
    assert store_state(served) == before


def _write_through_the_store():
    get_db().execute("insert into events (at, actor, action) values ('now', 'x', 'y')")
    return "written"


def _fail_otherwise():
    raise sqlite3.OperationalError("disk I/O error")


def test_a_refused_write_under_the_api_is_json_and_other_database_errors_stay_500(reader):
    reader.add_url_rule("/api/v1/_writes", "writes", _write_through_the_store)
    reader.add_url_rule("/api/v1/_fails", "fails", _fail_otherwise)
    client = reader.test_client()
    refused = client.get("/api/v1/_writes")
    assert refused.status_code == 503
    assert "for reading" in refused.get_json()["error"]["reason"]
    failed = client.get("/api/v1/_fails")
    assert failed.status_code == 500
    assert failed.get_json()["error"]["reason"].startswith("Something went wrong")


def test_a_read_node_leaves_the_outbox_to_the_writer(db, served, reader):
    save_profile(db, make_profile("c-1", name="Renamed Clinic"), actor="test")  # not drained
    pending = clinics_storage.outbox_size(db)
    assert pending > 0
    assert catch_up(reader) == 0  # gunicorn's worker start
    assert reader.test_client().get("/api/v1/clinics?q=renamed").status_code == 200
    # A command ends without applying the backlog it found (on a writer it would).
    exported = reader.test_cli_runner().invoke(args=["export"])
    assert exported.exit_code == 0, exported.output
    assert "Renamed Clinic" in exported.output
    assert clinics_storage.outbox_size(db) == pending


def test_a_read_only_handle_refuses_writes(served):
    handle = connect(served / "vetted.db", read_only=True)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            handle.execute("insert into events (at, actor, action) values ('now', 'x', 'y')")
    finally:
        handle.close()


def test_a_read_node_without_its_store_refuses_to_start(tmp_path):
    with pytest.raises(StoreNotReady, match="No store at"):
        make_app(tmp_path / "empty", READ_ONLY=True)
    assert not (tmp_path / "empty" / "vetted.db").exists()


def test_a_read_node_never_migrates_a_store_behind_this_release(db, served):
    (name,) = db.execute("select name from _sqlite_migrations order by rowid desc").fetchone()
    db.execute("delete from _sqlite_migrations where name = ?", [name])
    db.conn.commit()
    before = store_state(served)
    with pytest.raises(StoreNotReady, match=f"lacks 1 migration.*{name}.*upgrade the writer"):
        make_app(served, READ_ONLY=True)
    assert store_state(served) == before


@pytest.mark.parametrize(
    ("value", "read_only"), [("on", True), ("off", False), ("yes", True), ("", False)]
)
def test_the_setting_is_read_from_the_environment(monkeypatch, served, value, read_only):
    monkeypatch.setenv("VETTED_DATA_DIR", str(served))
    monkeypatch.setenv("VETTED_READ_ONLY", value)
    node = create_app()
    assert node.config["READ_ONLY"] is read_only


def test_a_mistyped_setting_is_refused(monkeypatch, served):
    monkeypatch.setenv("VETTED_DATA_DIR", str(served))
    monkeypatch.setenv("VETTED_READ_ONLY", "read-only")
    with pytest.raises(ValueError, match="VETTED_READ_ONLY must be on or off"):
        create_app()
