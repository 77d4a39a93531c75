"""Serve the app with gunicorn and the project's gunicorn.conf.py (tests and bench scripts)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    port: int,
    env: dict[str, str],
    *,
    workers: int = 1,
    code: Path = ROOT,
    python: str = sys.executable,
    stderr: int = subprocess.DEVNULL,
) -> subprocess.Popen:
    """Start gunicorn as `make serve` does, for CODE's app on 127.0.0.1:PORT, in its own session."""
    return subprocess.Popen(
        [python, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "directory:create_app()"],
        cwd=code,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )  # fmt: skip


@contextmanager
def gunicorn_server(port: int, env: dict[str, str], *, workers: int = 1) -> Iterator[int]:
    """Run gunicorn on 127.0.0.1:PORT with ENV, yield the port once it accepts, then stop it."""
    server = start_gunicorn(port, env, workers=workers)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
