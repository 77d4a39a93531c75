"""What one pass of `vetted index follow` costs on a read node, as the command runs it.

    .venv/bin/python bench/follow_bench.py --data /work/bench-cache/new-10000
    .venv/bin/python bench/follow_bench.py --clinics 10000      # build (and cache) the folder

The data folder is copied first (never changed). On the copy, an app with VETTED_READ_ONLY=on
times, each pass on a connection of its own as the command opens one:
- a look at the store whose outbox mark has not moved (what almost every pass is);
- a full pass when nothing changed (follow_store: every published clinic's version against
  the index; the first pass after a start, and any pass after a change);
- a full pass after one clinic was edited by a writer on the same file.
It prints the median, fastest and slowest of --repeat passes, and the load average. Not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.http_bench import data_folder  # noqa: E402
from directory import create_app  # noqa: E402
from directory.clinics.services import get_profile, save_profile  # noqa: E402
from directory.db import get_db  # noqa: E402
from directory.search import services  # noqa: E402
from directory.search.extension import get_index, open_search_index  # noqa: E402


def timed_pass(app, since_mark: int | None):
    """Run one pass as `vetted index follow` does; return (seconds, mark, report)."""
    started = time.perf_counter()
    with app.app_context():
        mark, report = services.follow_changes(get_db(), get_index(), since_mark)
    return time.perf_counter() - started, mark, report


def summary(label: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    return (
        f"{label:<44} median {statistics.median(ms):8.1f} ms   "
        f"fastest {ms[0]:8.1f} ms   slowest {ms[-1]:8.1f} ms"
    )


def edit_one(folder: Path) -> str:
    """Edit one published clinic as the writer would (its own app and index, the same store)."""
    writer = create_app(
        {"DATA_DIR": str(folder), "READ_ONLY": False, "INDEX_DIR": str(folder / "writer-index")}
    )
    with writer.app_context():
        db = get_db()
        (clinic_id,) = db.execute(
            "select id from clinics where status = 'published' order by id limit 1"
        ).fetchone()
        profile = get_profile(db, clinic_id)
        profile["description"] = (profile.get("description") or "") + " (follow bench edit)"
        save_profile(db, profile, actor="bench", reason="follow bench edit")
    return clinic_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="a data folder with a built index (copied)")
    parser.add_argument("--clinics", type=int, default=10_000, help="without --data: build one")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "vetted-http")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    source = args.data or data_folder(args.cache, "new", ROOT, args.clinics)
    with tempfile.TemporaryDirectory(prefix="vetted-follow-") as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(source, folder)
        app = create_app({"DATA_DIR": str(folder), "READ_ONLY": True})
        with app.app_context():
            published = len(services.published_versions(get_db()))
        print(f"{published:,} published clinics, load average {os.getloadavg()[0]:.1f}")
        first, mark, report = timed_pass(app, None)
        state = "clean" if report.clean else "repaired"
        print(f"first pass (index {state}): {first * 1000:.0f} ms")
        looks = [timed_pass(app, mark)[0] for _ in range(args.repeat)]
        full = [timed_pass(app, None)[0] for _ in range(args.repeat)]
        changed = []
        for _ in range(args.repeat):
            edited = edit_one(folder)
            seconds, mark, report = timed_pass(app, mark)
            assert report is not None and report.stale == [edited], report
            changed.append(seconds)
        print(summary("look, outbox mark unmoved", looks))
        print(summary("full pass, nothing changed", full))
        print(summary("full pass, one clinic edited", changed))
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        open_search_index(app).close()


if __name__ == "__main__":
    main()
