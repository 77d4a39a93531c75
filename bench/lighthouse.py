"""Lighthouse (mobile) scores of the patient pages, served from a fresh demo data folder.

    .venv/bin/python bench/lighthouse.py [--data-dir DIR] [--port 5099] [--json-dir DIR]

Needs `npm ci` (Lighthouse 12.2.3 from package.json) and Debian's Chromium at /usr/bin/chromium.
Serves the app with gunicorn on 127.0.0.1, runs Lighthouse's default (mobile) audit on home,
search, a clinic page, compare and the guide, and prints the four category scores as a table.
A bench script, not a test: it measures and prints, it does not pass or fail.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.servers import free_port, gunicorn_server  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def first_clinic_ids(base: str, count: int) -> list[str]:
    """Return the ids of the first clinics the public API lists."""
    with urllib.request.urlopen(f"{base}/api/v1/clinics?per_page={count}", timeout=30) as resp:
        document = json.load(resp)
    rows = document.get("results") or document.get("clinics") or document.get("data") or []
    return [row["id"] for row in rows[:count]]


def run_lighthouse(url: str, out: Path) -> dict[str, int]:
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        check=True,
        env=env,
    )
    report = json.loads(out.read_text())
    return {key: round(report["categories"][key]["score"] * 100) for key in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="data folder to serve (default: a fresh demo)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--json-dir", help="keep Lighthouse's JSON reports here")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("node_modules/.bin/lighthouse is missing: run `npm ci --no-audit --no-fund`")

    work = Path(tempfile.mkdtemp(prefix="vetted-lighthouse-"))
    data_dir = Path(args.data_dir) if args.data_dir else work / "data"
    reports = Path(args.json_dir) if args.json_dir else work / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "VETTED_DATA_DIR": str(data_dir)}
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "vetted"), "setup"], check=True, env=env, capture_output=True)
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    with gunicorn_server(port, env, workers=2):
        wait_until_up(f"{base}/")
        first, second = first_clinic_ids(base, 2)
        pages = {
            "home": "/",
            "search": "/search?q=mesotherapy",
            "clinic": f"/clinics/{first}",
            "compare": f"/compare?ids={first},{second}",
            "guide": "/guide",
        }
        rows = {
            name: run_lighthouse(base + path, reports / f"{name}.json")
            for name, path in pages.items()
        }
    print(f"Lighthouse 12.2.3, mobile, {CHROMIUM}; reports in {reports}")
    print(f"| page | {' | '.join(CATEGORIES)} |")
    print(f"|---|{'---|' * len(CATEGORIES)}")
    for name, scores in rows.items():
        print(f"| {name} ({pages[name]}) | {' | '.join(str(scores[c]) for c in CATEGORIES)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
