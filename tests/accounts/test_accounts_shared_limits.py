"""Per-address limits held in Redis are shared by every worker; in memory each counts apart.

Each "worker" is a process of its own (as under gunicorn): the limiter lives in a module, so
two apps in one process would share their memory and prove nothing.
"""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
from pathlib import Path

from directory import create_app

LIMIT = 10  # /account/login-link: 10 per hour per client address
ROOT = Path(__file__).resolve().parents[2]
# One worker process: an app with these settings posts the login-link form `count` times.
WORKER = """
import json, sys
from directory import create_app
data_dir, redis_url, prefix, count = sys.argv[1:5]
config = {"TESTING": True, "DATA_DIR": data_dir, "SECRET_KEY": "test-secret",
          "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": prefix}
if redis_url:
    config["REDIS_URL"] = redis_url
client = create_app(config).test_client()
print(json.dumps([
    client.post("/account/login-link", data={"email": f"u{n}@clinic.example"}).status_code
    for n in range(int(count))
]))
"""


def _worker(data_dir: Path, redis_url: str, prefix: str, count: int) -> list[int]:
    """Run one worker process; return the statuses its requests got."""
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(data_dir), redis_url, prefix, str(count)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_worker_processes_share_one_count_in_redis(tmp_path, redis_url):
    prefix = f"test-{secrets.token_hex(4)}"  # this test's own keys in the shared Redis
    first = _worker(tmp_path / "data", redis_url, prefix, 6)
    second = _worker(tmp_path / "data", redis_url, prefix, 8)
    assert first == [200] * 6
    assert second == [200] * (LIMIT - 6) + [429] * 4


def test_in_memory_each_worker_process_counts_apart(tmp_path):
    """Why production sets VETTED_REDIS_URL: two workers let twice the limit through."""
    first = _worker(tmp_path / "data", "", "memory", LIMIT)
    second = _worker(tmp_path / "data", "", "memory", LIMIT + 1)
    assert first == [200] * LIMIT
    assert second == [200] * LIMIT + [429]


def test_redis_is_the_store_when_configured(tmp_path, redis_url):
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "REDIS_URL": redis_url})
    assert app.config["RATELIMIT_STORAGE_URI"] == redis_url
    default = create_app({"TESTING": True, "DATA_DIR": str(tmp_path)})
    assert default.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_with_redis_down_requests_are_still_served_and_limited(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    statuses = _worker(tmp_path / "data", f"redis://127.0.0.1:{port}/0", "down", LIMIT + 1)
    # Counted in the worker's memory meanwhile: still limited, never a 500.
    assert statuses == [200] * LIMIT + [429]
