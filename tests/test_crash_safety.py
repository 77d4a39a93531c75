"""A process killed at any point leaves nothing the next one does not repair (#10, #13).

Real processes, killed with SIGKILL at points chosen by watching the store and the index
folder: an NHS import (a slice of the 2023 list), an index rebuild, and moderators' decisions
(verify and reject through the web layer, which drains after each request). After each kill
the same work runs again; then `vetted index check` must find no drift, and the index folder
must hold no rebuild marker, journal, half-built generation or unfinished CURRENT. For the
decisions, ledger, claims, stored scores, score history and outbox must agree too.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from directory import create_app
from directory.accounts.services import create_user
from directory.clinics.services import save_profile
from directory.db import connect
from directory.search.extension import open_search_index
from directory.search.services import drain_outbox
from directory.vetting import services as vetting
from tests.conftest import SHARED_DATA, close_index, make_profile

NHS_2023 = SHARED_DATA / "nhs-clinics" / "nhs_Clinics_2023_raw_notsign_delimited.csv"
ROWS = 3000  # a slice keeps each run to a few seconds; the file's format is unchanged
VETTED = [sys.executable, "-c", "from directory.cli import main; main()"]


@pytest.fixture
def nhs_slice(tmp_path: Path) -> Path:
    lines = NHS_2023.read_bytes().split(b"\r\n")
    path = tmp_path / "nhs-slice.csv"
    path.write_bytes(b"\r\n".join(lines[: ROWS + 1]))
    return path


def vetted(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "VETTED_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [*VETTED, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def kill_when(data_dir: Path, args: list[str], point: Callable[[Path], bool]) -> bool:
    """Run a command and SIGKILL it as soon as point(data_dir) holds; say if it was killed."""
    env = {**os.environ, "VETTED_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [*VETTED, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return _kill_at(proc, data_dir, point)


def _kill_at(proc: subprocess.Popen, data_dir: Path, point: Callable[[Path], bool]) -> bool:
    """SIGKILL proc as soon as point(data_dir) holds; say whether it was killed."""
    deadline = time.monotonic() + 300
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                reached = point(data_dir)
            except sqlite3.Error:  # the schema is still being created
                reached = False
            if reached:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return True
            time.sleep(0.002)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return False


def _count(data_dir: Path, sql: str) -> int:
    path = data_dir / "vetted.db"
    if not path.exists():
        return 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
        return conn.execute(sql).fetchone()[0]


def clinics(data_dir: Path) -> int:
    return _count(data_dir, "select count(*) from clinics")


def outbox(data_dir: Path) -> int:
    return _count(data_dir, "select count(*) from outbox")


def rebuilding(data_dir: Path) -> bool:
    return (data_dir / "index" / "REBUILD").exists()


def new_generation_has_segments(data_dir: Path) -> bool:
    folder = data_dir / "index"
    current = (folder / "CURRENT").read_text().strip() if (folder / "CURRENT").exists() else ""
    return any(
        p.is_dir() and p.name > current and any(p.glob("*.seg")) for p in folder.glob("gen-*")
    )


def leftovers(data_dir: Path) -> list[str]:
    """Return the index folder's files that only a killed process leaves behind."""
    folder = data_dir / "index"
    current = (folder / "CURRENT").read_text().strip()
    names = sorted(p.name for p in folder.iterdir())
    gens = [n for n in names if n.startswith("gen-") and (folder / n).is_dir()]
    newer = [n for n in gens if n > current]
    older = [n for n in gens if n < current][:-1]  # the one just before may still be read
    stray = [n for n in names if n.endswith(".journal") or n == "REBUILD"]
    stray += [n for n in names if n.startswith("CURRENT.")]
    return stray + newer + older


def assert_caught_up(data_dir: Path) -> None:
    check = vetted(data_dir, "index", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "missing: 0\nstale: 0\nextra: 0" in check.stdout
    assert outbox(data_dir) == 0
    assert leftovers(data_dir) == []


def test_a_killed_import_is_caught_up_by_the_next_run(tmp_path, nhs_slice):
    # How many clinics the slice makes (some rows are skipped as duplicates).
    expected = tmp_path / "expected"
    assert vetted(expected, "import", "--format", "nhs-csv", str(nhs_slice)).returncode == 0
    total = clinics(expected)
    points = {
        "the first batch is committed": lambda d: clinics(d) > 0,
        "half of the file is committed": lambda d: clinics(d) >= total // 2,
        "every row is committed, the index not yet": lambda d: clinics(d) == total,
        "the index is being rebuilt": rebuilding,
    }
    killed = []
    for n, (name, point) in enumerate(points.items()):
        data_dir = tmp_path / f"run-{n}"
        if kill_when(data_dir, ["import", "--format", "nhs-csv", str(nhs_slice)], point):
            killed.append(name)
        again = vetted(data_dir, "import", "--format", "nhs-csv", str(nhs_slice))
        assert again.returncode == 0, (name, again.stdout + again.stderr)
        assert clinics(data_dir) == total, name
        assert_caught_up(data_dir)
    # Most points come while the import runs; a very fast machine may finish before one.
    assert len(killed) >= 3, killed


def test_a_killed_demo_is_caught_up_by_the_next_command(tmp_path):
    # The demo writes in one transaction, then rebuilds the index instead of draining it.
    points = {
        "the demo is committed, the index not yet": lambda d: clinics(d) == 300,
        "the index is being rebuilt": rebuilding,
        "the new generation has segments": new_generation_has_segments,
    }
    killed = []
    for n, (name, point) in enumerate(points.items()):
        data_dir = tmp_path / f"run-{n}"
        if kill_when(data_dir, ["demo", "--count", "300"], point):
            killed.append(name)
        again = vetted(data_dir, "demo", "--count", "300", "--if-empty")
        assert again.returncode == 0, (name, again.stdout + again.stderr)
        assert clinics(data_dir) == 300, name
        assert_caught_up(data_dir)
    assert len(killed) >= 2, killed


def test_a_killed_rebuild_leaves_nothing_behind(tmp_path, nhs_slice):
    data_dir = tmp_path / "data"
    assert vetted(data_dir, "import", "--format", "nhs-csv", str(nhs_slice)).returncode == 0
    points = {
        "a rebuild has started": rebuilding,
        "the new generation has segments": new_generation_has_segments,
    }
    killed = []
    for name, point in points.items():
        if kill_when(data_dir, ["index", "rebuild"], point):
            killed.append(name)
        # Any process that opens the index clears what the killed one left.
        assert_caught_up(data_dir)
        again = vetted(data_dir, "index", "rebuild")
        assert again.returncode == 0, again.stdout + again.stderr
        assert_caught_up(data_dir)
    assert killed, "the rebuild finished before any point"


def test_changes_a_killed_drain_left_are_applied_by_the_next_command(tmp_path, nhs_slice):
    data_dir = tmp_path / "data"
    assert vetted(data_dir, "import", "--format", "nhs-csv", str(nhs_slice)).returncode == 0
    # A second list renames a tenth of the clinics: few enough to be drained, not rebuilt.
    lines = nhs_slice.read_bytes().decode("utf-8").split("\r\n")
    for n in range(1, ROWS // 10):
        fields = lines[n].split("¬")
        fields[6] = f"Renamed {fields[6]}"  # OrganisationName
        lines[n] = "¬".join(fields)
    changed = tmp_path / "renamed.csv"
    changed.write_bytes("\r\n".join(lines).encode("utf-8"))
    kill_when(data_dir, ["import", "--format", "nhs-csv", str(changed)], lambda d: outbox(d) > 0)
    # An unrelated command opens the store: it applies the backlog first.
    users = vetted(data_dir, "listings", "pending")
    assert users.returncode == 0, users.stdout + users.stderr
    assert outbox(data_dir) == 0
    again = vetted(data_dir, "import", "--format", "nhs-csv", str(changed))
    assert again.returncode == 0, again.stdout + again.stderr
    assert_caught_up(data_dir)


# Moderators' decisions ---------------------------------------------------------------------

DECISIONS = 40
MODERATOR, PASSWORD = "mo@vetted.example", "a long moderator password"
ITEMS = ("informed-consent", "licensed-staff")  # the second is capped by a licence
# One moderator's session deciding every claim still waiting, one request each, as in the
# browser: verify the even clinics, reject the odd ones. Each request drains after it.
DECIDE = """
import sys
from datetime import date, timedelta
from directory import create_app
from directory.db import connect
from directory.moderation.views.access import MFA_MARK
from directory.vetting import services as vetting
data_dir, user_id, password = sys.argv[1], int(sys.argv[2]), sys.argv[3]
app = create_app({"DATA_DIR": data_dir, "SECRET_KEY": "crash", "WTF_CSRF_ENABLED": False,
                  "RATELIMIT_ENABLED": False})
client = app.test_client()
assert client.post("/account/login", data={"email": "mo@vetted.example",
                                           "password": password}).status_code == 302
with client.session_transaction() as session:
    session[MFA_MARK] = user_id
db = connect(app.config["DATABASE"], migrate=False)
waiting = vetting.list_claims(db, states=("pending_review",), limit=500)
db.close()
today = date.today()
for claim in waiting:
    cid, key = claim["clinic_id"], claim["item_key"]
    if int(cid.rsplit("-", 1)[1]) % 2 == 0:
        name, data = "verify", {"verify-verified_at": today.isoformat(),
                                "verify-expires_at": (today + timedelta(days=365)).isoformat()}
    else:
        name, data = "reject", {"reject-reason_code": "not-met", "reject-note": "Crash test."}
    data[f"{name}-expected_state"] = "pending_review"
    response = client.post(f"/moderation/claims/{cid}/{key}/{name}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
"""


def _decisions_world(data_dir: Path) -> int:
    """Make DECISIONS clinics, each with a claim waiting for review, and a moderator."""
    app = create_app({"DATA_DIR": str(data_dir), "SECRET_KEY": "crash", "TESTING": True})
    db = connect(app.config["DATABASE"])
    try:
        for n in range(DECISIONS):
            clinic_id = f"c-{n:03d}"
            save_profile(db, make_profile(clinic_id, name=f"Clinic {n}"), actor="test")
            key = ITEMS[(n // 2) % 2]
            vetting.claim_item(db, clinic_id, key, statement="We do this.", actor="clinic")
            vetting.attach_evidence(
                db, clinic_id, key, {"kind": "statement", "value": "Our form."}, actor="clinic"
            )
        user_id = create_user(
            db, email=MODERATOR, password=PASSWORD, role="moderator", confirmed=True
        )
        drain_outbox(db, open_search_index(app))
    finally:
        db.close()
        close_index(app)
    return user_id


def decide(data_dir: Path, user_id: int) -> list[str]:
    return [*VETTED[:1], "-c", DECIDE, str(data_dir), str(user_id), PASSWORD]


def decided(data_dir: Path) -> int:
    return _count(
        data_dir,
        "select count(*) from events where action in ('claim.verified', 'claim.rejected')",
    )


def _rows(data_dir: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(f"file:{data_dir / 'vetted.db'}?mode=ro", uri=True) as conn:
        return conn.execute(sql).fetchall()


def assert_decisions_agree(data_dir: Path) -> dict[str, str]:
    """Check ledger, claims, scores, history, outbox and index agree; return {claim: state}."""
    states = dict(_rows(data_dir, "select clinic_id || ':' || item_key, state from claims"))
    ledger: dict[str, list[str]] = {}
    for target, after in _rows(
        data_dir,
        "select target_id, after from events where action in ('claim.verified', "
        "'claim.rejected') order by id",
    ):
        ledger.setdefault(target, []).append(json.loads(after)["state"])
    for target, state in states.items():
        # Each decision is in the ledger exactly once, with the state the claim has.
        expected = [] if state == "pending_review" else [state]
        assert ledger.get(target, []) == expected, (target, state, ledger.get(target))
    assert set(ledger) <= set(states)
    app = create_app({"DATA_DIR": str(data_dir), "SECRET_KEY": "crash", "TESTING": True})
    db = connect(app.config["DATABASE"], migrate=False)
    try:
        stored = vetting.scores_for(db, [f"c-{n:03d}" for n in range(DECISIONS)])
        for clinic_id, score in stored.items():
            live = vetting.score_for(db, clinic_id, date.today())
            # The stored score (what search sorts and filters on) is the one vetting computes.
            assert (score["score"], bool(score["core_verified"])) == (
                live.score,
                live.core_verified,
            ), clinic_id
            history = db.execute(
                "select score from score_history where clinic_id = ? order by rowid desc limit 1",
                [clinic_id],
            ).fetchone()
            assert history is None or history[0] == score["score"], clinic_id
    finally:
        db.close()
        close_index(app)
    assert_caught_up(data_dir)
    return states


def test_killed_moderator_decisions_lose_nothing_and_leave_no_drift(tmp_path):
    data_dir = tmp_path / "data"
    user_id = _decisions_world(data_dir)
    assert_decisions_agree(data_dir)
    start = decided(data_dir)
    points = {
        "the first decision is committed": lambda d: decided(d) > start,
        "a decision is committed, its drain not finished": lambda d: outbox(d) > 0,
        "a quarter more are decided": lambda d: decided(d) >= start + DECISIONS // 4,
        "half are decided": lambda d: decided(d) >= DECISIONS // 2,
        "the last one is committed": lambda d: decided(d) == DECISIONS,
    }
    killed = []
    for name, point in points.items():
        env = {**os.environ, "VETTED_DATA_DIR": str(data_dir)}
        before = decided(data_dir)
        proc = subprocess.Popen(decide(data_dir, user_id), env=env, stderr=subprocess.PIPE)
        try:
            if _kill_at(proc, data_dir, point):
                killed.append(name)
            else:
                assert proc.returncode == 0, proc.stderr.read().decode()[-2000:]
        finally:
            proc.stderr.close()
        at_kill = dict(_rows(data_dir, "select clinic_id || ':' || item_key, state from claims"))
        # The next process to open the store (a worker starting, any command) applies what
        # the killed one left; no decision it committed is lost or half-applied.
        nxt = vetted(data_dir, "listings", "pending")
        assert nxt.returncode == 0, nxt.stdout + nxt.stderr
        states = assert_decisions_agree(data_dir)
        assert states == at_kill, name
        assert decided(data_dir) >= before
        start = decided(data_dir)
    # The rest of the work, run again to the end, leaves everything decided and in agreement.
    finish = vetted_script(data_dir, user_id)
    assert finish.returncode == 0, finish.stderr[-2000:]
    states = assert_decisions_agree(data_dir)
    assert sorted(set(states.values())) == ["rejected", "verified"]
    assert decided(data_dir) == DECISIONS
    assert len(killed) >= 3, killed


def vetted_script(data_dir: Path, user_id: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "VETTED_DATA_DIR": str(data_dir)}
    return subprocess.run(
        decide(data_dir, user_id), env=env, capture_output=True, text=True, timeout=300
    )
