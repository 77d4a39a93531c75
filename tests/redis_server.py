"""A real Redis for the tests: VETTED_TEST_REDIS_URL, or a private redis-server on a free port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis

BINARY = "redis-server"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen | None) -> None:
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if (process and process.poll() is not None) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
        finally:
            client.close()


@contextmanager
def redis_server() -> Iterator[str]:
    """Yield the URL of a running Redis (started here, and stopped after, when not given)."""
    given = os.environ.get("VETTED_TEST_REDIS_URL")
    if given:
        _wait_until_up(given, None)
        yield given
        return
    binary = shutil.which(BINARY)
    # CI installs Debian's redis-server (.ci/run): its absence is a failure, not a skip.
    assert binary, "redis-server is missing: install it (apt-get install redis-server)"
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"redis://127.0.0.1:{port}/0"
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
