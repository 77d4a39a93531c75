"""Time `vetted import` of the NHS 2023 clinic list into a fresh data folder, then again.

Runs the command's own code path (read and check every row, save in batches, update the
search index) and prints wall time and rows per second for the first import and for the
re-import (everything unchanged). Exits 1 when the first import exceeds the budget.

    .venv/bin/python bench/import_bench.py [--file FILE] [--format nhs-csv] [--budget 30]
    .venv/bin/python bench/import_bench.py --demo 100000   # demo profiles as JSON Lines
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from directory import create_app  # noqa: E402
from directory.clinics import importers  # noqa: E402
from directory.db import get_db  # noqa: E402
from directory.demo import generate_profiles  # noqa: E402
from directory.search import services as search  # noqa: E402
from directory.search.extension import open_search_index  # noqa: E402

DEFAULT_FILE = (
    ROOT.parent / "shared" / "data" / "nhs-clinics" / "nhs_Clinics_2023_raw_notsign_delimited.csv"
)


def run_once(app, path: Path, fmt: str) -> dict:
    """Import path the way `vetted import` does; return the timings and the report."""
    with app.app_context():
        db = get_db()
        started, cpu = time.perf_counter(), time.process_time()
        report = importers.import_records(
            db, importers.open_reader(path, fmt, db), actor="bench", reason="import bench"
        )
        stored = time.perf_counter()
        # What the end of every command does: apply the outbox (vetting, then the index).
        indexed = search.catch_up(db, open_search_index(app))
        done = time.perf_counter()
    return {
        "report": report,
        "store_s": stored - started,
        "index_s": done - stored,
        "total_s": done - started,
        "cpu_s": time.process_time() - cpu,
        "indexed": indexed,
    }


def write_demo_jsonl(path: Path, count: int) -> Path:
    """Write `count` demo profiles (the demo's, seed 2026) to path as JSON Lines."""
    with path.open("w", encoding="utf-8") as out:
        for profile in generate_profiles(count):
            out.write(json.dumps(profile, ensure_ascii=False) + "\n")
    return path


def describe(label: str, run: dict) -> str:
    rows = run["report"].records
    rate = rows / run["total_s"] if run["total_s"] else float("inf")
    return (
        f"{label:<13} {run['total_s']:6.2f} s  {rate:7.0f} rows/s  cpu {run['cpu_s']:.2f} s  "
        f"(read+check+store {run['store_s']:.2f} s, index {run['index_s']:.2f} s "
        f"for {run['indexed']} clinics; {run['report'].summary()})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="the list to import")
    parser.add_argument("--format", default="nhs-csv", choices=("jsonl", "nhs-csv"))
    parser.add_argument("--budget", type=float, default=30.0, help="seconds allowed (first run)")
    parser.add_argument(
        "--demo", type=int, metavar="N", help="import N demo profiles as JSON Lines instead"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="vetted-import-bench-") as tmp:
        if args.demo:
            args.file, args.format = write_demo_jsonl(Path(tmp) / "demo.jsonl", args.demo), "jsonl"
        if not args.file.is_file():
            print(f"import_bench: {args.file}: no such file", file=sys.stderr)
            return 2
        app = create_app({"DATA_DIR": f"{tmp}/data", "SECRET_KEY": "bench", "TESTING": True})
        try:
            print(f"import_bench: {args.file.name} ({args.format}) into a fresh data folder")
            first = run_once(app, args.file, args.format)
            print(describe("first import", first))
            again = run_once(app, args.file, args.format)
            print(describe("re-import", again))
        finally:
            index = app.extensions.get("vetted.index")
            if index is not None:
                index.close()
    verdict = "OK" if first["total_s"] <= args.budget else "OVER BUDGET"
    print(
        f"budget: first import {first['total_s']:.2f} s of {args.budget:.0f} s allowed: {verdict}"
    )
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
