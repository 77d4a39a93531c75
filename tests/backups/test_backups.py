"""`vetted backup` and `vetted restore`: a verified copy, and the same service back from it."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from directory.backups.services import BackupError, verify_backup
from directory.clinics.services import save_profile
from directory.services import load_demo_data
from directory.settings import load_or_create_secret
from directory.vetting.services import attach_evidence, claim_item
from tests.backups.conftest import dump, export
from tests.conftest import make_profile
from tests.moderation.helpers import store_document
from tests.pdfs import PDF


@pytest.fixture
def service(app, db):
    """A data folder in use: demo clinics with their vetting, an uploaded document, the index."""
    load_demo_data(db, count=12, seed=13)
    document = store_document(app, db, "demo-00001", "informed-consent", PDF, "consent.pdf")
    claim_item(db, "demo-00001", "informed-consent", statement="Signed.", actor="test")
    attach_evidence(db, "demo-00001", "informed-consent", document, actor="test")
    assert app.test_cli_runner().invoke(args=["index", "rebuild"]).exit_code == 0
    load_or_create_secret(Path(app.config["DATA_DIR"]))  # as a first start without one writes
    return document


@pytest.fixture
def backup(app, service, tmp_path) -> Path:
    dest = tmp_path / "backup-1"
    result = app.test_cli_runner().invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    assert "verified" in result.output
    return dest


def test_backup_holds_the_store_the_evidence_and_their_hashes(app, service, backup):
    manifest = json.loads((backup / "manifest.json").read_text())
    names = set(manifest["files"])
    assert names == {"vetted.db", "secret_key", f"evidence/{service['stored_name']}"}
    assert manifest["files"][f"evidence/{service['stored_name']}"]["sha256"] == service["sha256"]
    assert (backup / "evidence" / service["stored_name"]).read_bytes() == PDF
    # The copy holds what the live store holds, row for row.
    assert dump(backup / "vetted.db") == dump(Path(app.config["DATABASE"]))
    # Private files stay private.
    assert (backup / "secret_key").stat().st_mode & 0o077 == 0
    assert verify_backup(backup) == manifest


def test_backup_never_overwrites(app, backup):
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert list(backup.parent.glob(".backup-1.*")) == []  # nothing half-written left behind


def _damage(backup: Path, how: str) -> None:
    evidence = next((backup / "evidence").iterdir())
    if how == "changed evidence":
        evidence.write_bytes(evidence.read_bytes() + b" ")
    elif how == "missing evidence":
        evidence.unlink()
    elif how == "extra file":
        (backup / "evidence" / "stowaway").write_bytes(b"x")
    elif how == "no manifest":
        (backup / "manifest.json").unlink()
    elif how == "manifest escapes":
        manifest = json.loads((backup / "manifest.json").read_text())
        manifest["files"]["../../etc/passwd"] = {"sha256": "0" * 64, "size": 1}
        (backup / "manifest.json").write_text(json.dumps(manifest))
    elif how == "corrupt store":
        # A page of the store overwritten, and the manifest told, so only the check can see.
        store = backup / "vetted.db"
        data = bytearray(store.read_bytes())
        data[4096 * 3 : 4096 * 3 + 200] = b"\xff" * 200
        store.write_bytes(bytes(data))
        manifest = json.loads((backup / "manifest.json").read_text())
        manifest["files"]["vetted.db"]["sha256"] = hashlib.sha256(data).hexdigest()
        (backup / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("changed evidence", "does not match its hash"),
        ("missing evidence", "is missing"),
        ("extra file", "not in the manifest"),
        ("no manifest", "not a Vetted backup"),
        ("manifest escapes", "outside the backup"),
        ("corrupt store", "integrity check"),
    ],
)
def test_a_damaged_backup_is_refused_before_anything_is_restored(
    make_app, backup, tmp_path, how, message
):
    _damage(backup, how)
    with pytest.raises(BackupError, match=message):
        verify_backup(backup)
    fresh = make_app(tmp_path / "fresh")
    result = fresh.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code != 0 and message in result.output
    assert not (tmp_path / "fresh" / "evidence").exists()


def test_restore_brings_back_the_same_service(make_app, app, service, backup, tmp_path):
    fresh = make_app(tmp_path / "fresh")
    result = fresh.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert "indexed 12 published clinics" in result.output
    assert dump(Path(fresh.config["DATABASE"])) == dump(Path(app.config["DATABASE"]))
    restored = Path(fresh.config["EVIDENCE_DIR"]) / service["stored_name"]
    assert restored.read_bytes() == PDF and restored.stat().st_mode & 0o077 == 0
    assert export(fresh) == export(app)
    # The index was rebuilt: the same search finds the same clinics.
    query = "/api/v1/clinics?q=mesotherapy&per_page=100"
    original = app.test_client().get(query).get_json()
    again = fresh.test_client().get(query).get_json()
    assert again["total"] == original["total"] > 0
    assert [r["id"] for r in again["results"]] == [r["id"] for r in original["results"]]


def test_restore_refuses_a_folder_in_use_unless_forced(make_app, app, backup, tmp_path):
    other = make_app(tmp_path / "other")
    with closing(sqlite3.connect(other.config["DATABASE"])) as conn, conn:
        conn.execute("insert into events (at, actor, action) values ('now', 'x', 'y')")
    refused = other.test_cli_runner().invoke(args=["restore", str(backup)])
    assert refused.exit_code != 0 and "not empty" in refused.output and "events" in refused.output
    assert dump(Path(other.config["DATABASE"])) != dump(Path(app.config["DATABASE"]))
    forced = other.test_cli_runner().invoke(args=["restore", "--force", str(backup)])
    assert forced.exit_code == 0, forced.output
    assert dump(Path(other.config["DATABASE"])) == dump(Path(app.config["DATABASE"]))


def test_backup_while_the_service_writes_is_consistent(app, db, service, tmp_path):
    # A writer holds an open transaction: the copy has what was committed, and is sound.
    save_profile(db, make_profile("committed"), actor="test")
    with closing(sqlite3.connect(app.config["DATABASE"])) as writer:
        writer.execute("begin immediate")
        writer.execute(
            "insert into events (at, actor, action) values ('now', 'x', 'not-yet-committed')"
        )
        dest = tmp_path / "during"
        result = app.test_cli_runner().invoke(args=["backup", str(dest)])
        writer.rollback()
    assert result.exit_code == 0, result.output
    rows = dump(dest / "vetted.db")
    assert any("'committed'" in row for row in rows)
    assert not any("'not-yet-committed'" in row for row in rows)
