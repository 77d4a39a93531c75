"""deploy/read-node: a second node restored from the writer's Litestream replica, end to end.

The writer is the test's app with `vetted replicate file://…` beside it; the read node is the
script as an operator runs it, on a free port: `litestream restore -f`, `vetted index follow`
and gunicorn, all processes. It must answer like the writer, find what the writer saves
afterwards, refuse writes, and leave no process behind once stopped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path

import pytest

from directory.clinics.services import save_profile
from directory.services import load_demo_data
from tests.backups.conftest import wait_for_replica
from tests.conftest import make_profile
from tests.servers import ROOT, free_port

SCRIPT = ROOT / "deploy" / "read-node"
MAIN_SITE = "https://vetted.example"
DEADLINE = 25.0  # seconds for the node to start, and again for an edit to reach it


def call(url: str, method: str = "GET") -> tuple[int, dict]:
    """Return (status, JSON body) of one request; errors are answers too."""
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"null")


def poll(check, what: str, node: subprocess.Popen, log: Path):
    """Call check() until it returns something true, within DEADLINE; return that."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if node.poll() is not None:
            pytest.fail(f"the read node stopped ({node.returncode}):\n{log.read_text()}")
        with suppress(OSError):
            if outcome := check():
                return outcome
        time.sleep(0.2)
    pytest.fail(f"{what} within {DEADLINE} s:\n{log.read_text()}")


def processes_left(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def read_node(app, tmp_path, replicating):
    """Start deploy/read-node on the writer's replica; yield (process, base URL, log)."""
    port = free_port()
    env = {
        **os.environ,
        "VETTED_DATA_DIR": str(tmp_path / "read-node"),
        "VETTED_SECRET_KEY": "t",
        "VETTED_BASE_URL": MAIN_SITE,
        "WORKERS": "1",
        "FOLLOW_EVERY": "0.5",
    }
    log = tmp_path / "read-node.log"
    with log.open("w") as out:
        # A session of its own: its process group holds everything the script starts.
        node = subprocess.Popen(
            [str(SCRIPT), replicating, str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield node, f"http://127.0.0.1:{port}", log
    finally:
        if node.poll() is None:
            node.terminate()
            node.wait(timeout=60)
        with suppress(ProcessLookupError):  # never leave a server behind, even on failure
            os.killpg(node.pid, signal.SIGKILL)


@pytest.fixture
def writer(app, db, replicating, tmp_path):
    """The writer's directory, its index built, and the replica caught up with it."""
    load_demo_data(db, count=12, seed=13)
    assert app.test_cli_runner().invoke(args=["index", "rebuild"]).exit_code == 0
    wait_for_replica(replicating, tmp_path / "probe.db", Path(app.config["DATABASE"]))
    return app


def test_a_read_node_from_the_replica_follows_the_writer_and_refuses_writes(writer, db, read_node):
    node, base, log = read_node
    query = "/api/v1/clinics?per_page=100"
    status, served = poll(lambda: call(base + query), "the read node never answered", node, log)
    assert status == 200
    assert served["total"] == 12
    assert served == writer.test_client().get(query).get_json()

    # Saved on the writer afterwards: replicated, restored, indexed, found.
    save_profile(db, make_profile("written-later", name="Written Later"), actor="test")

    def found_there():
        _status, found = call(base + "/api/v1/clinics?q=Written+Later")
        return [r["id"] for r in found["results"]][:1] == ["written-later"]

    poll(found_there, "the writer's new clinic never reached the read node", node, log)

    status, refused = call(base + "/api/v1/clinics", method="POST")
    assert status == 503
    assert MAIN_SITE in refused["error"]["reason"]
    login = urllib.request.Request(base + "/account/login", data=b"email=a%40b.example")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(login, timeout=10)
    assert caught.value.code == 503
    caught.value.close()

    node.send_signal(signal.SIGTERM)
    assert node.wait(timeout=60) == 128 + signal.SIGTERM
    deadline = time.monotonic() + 10
    while processes_left(node.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not processes_left(node.pid), log.read_text()
    stopped = log.read_text()
    assert "Stopped following the store." in stopped and "Shutting down: Master" in stopped
