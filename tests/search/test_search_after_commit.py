"""The one after-commit mechanism: requests, commands and worker start apply the outbox."""

from __future__ import annotations

import logging
import runpy
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import click
import pytest
from flask.cli import with_appcontext

from directory.clinics import storage
from directory.clinics.services import save_profile
from directory.db import get_db
from directory.search import extension
from directory.vetting import services as vetting
from index import SearchRequest
from tests.conftest import make_profile

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def indexed(app) -> set[str]:
    found = extension.open_search_index(app).search(SearchRequest(per_page=100))
    return {hit.id for hit in found.hits}


@pytest.fixture
def saving_app(app):
    """The app with one more route, POST /test-save/<ids>: a write path nobody wired up."""

    def save(ids: str):
        for clinic_id in ids.split(","):
            save_profile(get_db(), make_profile(clinic_id), actor="test")
        return "saved"

    app.add_url_rule("/test-save/<ids>", "test_save", save, methods=["POST"])
    return app


def test_a_request_applies_what_it_wrote(saving_app, db):
    response = saving_app.test_client().post("/test-save/c-1,c-2")
    assert response.status_code == 200
    assert indexed(saving_app) == {"c-1", "c-2"}
    assert storage.outbox_size(db) == 0


def test_a_request_leaves_a_backlog_to_the_next_command(saving_app, db):
    # A killed process left this behind: a person's request must not pay for it.
    save_profile(db, make_profile("old"), actor="killed")
    assert saving_app.test_client().post("/test-save/new").status_code == 200
    assert indexed(saving_app) == {"new"}
    assert [row["clinic_id"] for row in storage.peek_outbox(db)] == ["old"]


def test_a_request_applies_at_most_its_limit(saving_app, db, monkeypatch):
    monkeypatch.setattr(extension, "REQUEST_DRAIN_LIMIT", 2)
    assert saving_app.test_client().post("/test-save/a,b,c,d,e").status_code == 200
    assert indexed(saving_app) == {"a", "b"}
    assert storage.outbox_size(db) == 3


def test_a_failing_index_never_turns_a_saved_change_into_an_error(
    saving_app, db, monkeypatch, caplog
):
    search_index = extension.open_search_index(saving_app)

    def broken(docs):
        raise OSError("disk full")

    monkeypatch.setattr(search_index, "index_clinics", broken)
    with caplog.at_level(logging.ERROR):
        response = saving_app.test_client().post("/test-save/c-1")
    assert (response.status_code, response.text) == (200, "saved")
    assert storage.get_profile(db, "c-1") is not None
    assert storage.outbox_size(db) == 1  # kept for the next drain
    assert "could not apply the outbox" in caplog.text


def test_a_command_applies_the_backlog_first_and_its_own_writes_at_the_end(app, db, runner):
    save_profile(db, make_profile("old"), actor="killed")
    seen = []

    @click.command("test-write")
    @with_appcontext
    def write() -> None:
        get_db()  # opening the store applies the backlog
        seen.append(indexed(app))
        save_profile(get_db(), make_profile("new"), actor="test")

    app.cli.add_command(write)
    result = runner.invoke(args=["test-write"])
    assert result.exit_code == 0, result.output
    assert seen == [{"old"}]
    assert indexed(app) == {"old", "new"}
    assert storage.outbox_size(db) == 0


def test_the_worker_start_hook_applies_the_backlog(app, db):
    save_profile(db, make_profile("old"), actor="killed")
    settings = runpy.run_path(str(CONF))
    settings["post_worker_init"](SimpleNamespace(wsgi=app))
    assert indexed(app) == {"old"}
    assert storage.outbox_size(db) == 0


def test_a_changed_team_reopens_its_claim_through_the_outbox(saving_app, db):
    save_profile(db, make_profile("c-1"), actor="test")
    vetting.claim_item(db, "c-1", "licensed-staff", statement="Licensed.", actor="c")
    vetting.attach_evidence(
        db, "c-1", "licensed-staff", {"kind": "licence", "value": "GMC 1"}, actor="c"
    )
    vetting.verify_claim(
        db,
        "c-1",
        "licensed-staff",
        moderator_id=7,
        moderator_name="Ana",
        verified_at=date.today(),
        expires_at=date.today() + timedelta(days=365),
    )
    team = [{"name": "Dr New", "prescriber": True}]
    saving_app.add_url_rule(
        "/test-team",
        "test_team",
        lambda: save_profile(get_db(), make_profile("c-1", practitioners=team), actor="user:9"),
        methods=["POST"],
    )
    assert saving_app.test_client().post("/test-team").status_code == 200
    assert vetting.get_claim(db, "c-1", "licensed-staff")["state"] == "pending_review"
    assert vetting.claim_events(db, "c-1", "licensed-staff")[-1]["actor"] == "user:9"
