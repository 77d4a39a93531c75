"""Search under HTTP load: `make serve`'s gunicorn, wrk with 16 connections, 10k and 100k clinics.

    .venv/bin/python bench/http_bench.py                       # 100k and 10k, this checkout
    .venv/bin/python bench/http_bench.py --against /tmp/base   # old and new, alternately
    .venv/bin/python bench/http_bench.py --sizes 100000 --profile 20 --rounds 2

For each checkout and size it builds (once, then cached under --cache) a data folder with
`vetted demo --count N`, serves it as `make serve` does (`vetted setup`, then gunicorn with
gunicorn.conf.py and 2 workers, on --port, never 5000) and runs wrk (Debian's) against:
- /search (HTML) and /api/v1/clinics with the no-repeat mix (every request a different query:
  nothing can come from a cache) and the Zipf mix (s = 1.1 over 5,000 queries: real traffic
  repeats), bench/wrk/mix.lua;
- /clinics/<id> pages;
- the Zipf API mix again while another process edits a clinic every second (each edit is
  committed and drained into the index, as a moderator's or a clinic's would be).
It prints req/s, p50 and p99 per case, the workers' memory after warm-up and after the edits,
and the load average before each case (the machine is shared: compare figures taken in one
run; --rounds alternates old and new so both meet the same noise). Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.http_mix import clinic_ids, search_queries  # noqa: E402
from bench.profile_summary import summarise  # noqa: E402
from tests.servers import start_gunicorn  # noqa: E402

WRK = "/usr/bin/wrk"
MIX = ROOT / "bench" / "wrk" / "mix.lua"
NO_REPEAT_QUERIES = 40_000  # per size: the page and the API each read their own half
ZIPF_QUERIES = 5_000
ZIPF_S = 1.1
WARM_QUERIES = 3_000
# What the served data folder may hold that a previous run left warm: removed before serving.
CACHES = ("cache",)
EDIT_SCRIPT = r"""
import re, sys, time
from directory import create_app
from directory.clinics.services import get_profile, save_profile
from directory.db import get_db
ids, interval, deadline = sys.argv[1].split(","), float(sys.argv[2]), float(sys.argv[3])
app = create_app()
n, started = 0, int(time.time())
while time.time() < deadline:
    with app.app_context():  # its end drains the outbox into the index, as a request's does
        db = get_db()
        clinic_id = ids[n % len(ids)]
        profile = get_profile(db, clinic_id)
        text = re.sub(r" \(bench edit [\d.]+\)$", "", profile.get("description") or "")
        # This run's start in the text: a rerun's edits must change something to be edits.
        profile["description"] = f"{text} (bench edit {started}.{n})"
        save_profile(db, profile, actor="bench", reason="http bench edit")
    n += 1
    time.sleep(interval)
print(n)
"""


@dataclass
class Case:
    name: str
    title: str
    prefix: str
    args: list[str]  # bench/wrk/mix.lua's: FILE MODE and the mode's two numbers


@dataclass
class Outcome:
    case: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    load: float
    note: str = ""


@dataclass
class Served:
    label: str
    clinics: int
    outcomes: list[Outcome] = field(default_factory=list)
    rss_warm: dict = field(default_factory=dict)
    rss_after_edits: dict = field(default_factory=dict)
    edits: int = 0
    profile: str = ""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_average() -> float:
    return os.getloadavg()[0]


# Data folders


def data_folder(cache: Path, label: str, code: Path, clinics: int) -> Path:
    """Return a data folder holding the demo at this size, built by this checkout (cached)."""
    folder = cache / f"{label}-{clinics}"
    done = folder / "BENCH-BUILT"
    if done.exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    log(f"building {folder} with `vetted demo --count {clinics}` (load {load_average():.1f})")
    started = time.perf_counter()
    subprocess.run(
        [str(code / ".venv/bin/vetted"), "demo", "--count", str(clinics)],
        cwd=code,
        env={**os.environ, "VETTED_DATA_DIR": str(folder)},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    size = (folder / "vetted.db").stat().st_size
    done.write_text(json.dumps({"seconds": round(seconds, 1), "db_bytes": size}))
    log(f"  built in {seconds:.0f} s, database {size / 1e6:.0f} MB")
    return folder


def query_files(work: Path, clinics: int) -> dict[str, Path]:
    """Write the request lines wrk reads: no-repeat, Zipf (rank order), warm-up, clinic ids."""
    files = {}
    lines = search_queries(NO_REPEAT_QUERIES + ZIPF_QUERIES + WARM_QUERIES, seed=1)
    for name, chunk in (
        ("norepeat", lines[:NO_REPEAT_QUERIES]),
        ("zipf", lines[NO_REPEAT_QUERIES : NO_REPEAT_QUERIES + ZIPF_QUERIES]),
        ("warm", lines[NO_REPEAT_QUERIES + ZIPF_QUERIES :]),
    ):
        files[name] = work / f"{name}.txt"
        files[name].write_text("\n".join(chunk) + "\n")
    ids = clinic_ids(clinics)
    # Spread over the directory, not its first pages only.
    stride = max(1, len(ids) // 20_000)
    files["ids"] = work / f"ids-{clinics}.txt"
    files["ids"].write_text("\n".join(ids[::stride]) + "\n")
    return files


def cases(files: dict[str, Path], threads: int) -> list[Case]:
    half = str(NO_REPEAT_QUERIES // 2)
    return [
        Case("page-norepeat", "/search HTML, no query repeats", "/search?",
             [str(files["norepeat"]), "norepeat", "0", str(threads)]),
        Case("api-norepeat", "/api/v1/clinics, no query repeats", "/api/v1/clinics?",
             [str(files["norepeat"]), "norepeat", half, str(threads)]),
        Case("page-zipf", "/search, Zipf mix (s=1.1, 5,000 queries)", "/search?",
             [str(files["zipf"]), "zipf", str(ZIPF_S), "1"]),
        Case("api-zipf", "API, Zipf mix", "/api/v1/clinics?",
             [str(files["zipf"]), "zipf", str(ZIPF_S), "2"]),
        Case("clinic", "/clinics/<id>", "/clinics/",
             [str(files["ids"]), "norepeat", "0", str(threads)]),
        Case("api-zipf-edits", "API, Zipf mix, an edit every second", "/api/v1/clinics?",
             [str(files["zipf"]), "zipf", str(ZIPF_S), "3"]),
    ]  # fmt: skip


# The server


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def serve(code: Path, folder: Path, port: int, workers: int) -> subprocess.Popen:
    """Start the app as `make serve` does; return once both workers answer."""
    if not port_free(port):
        raise SystemExit(f"port {port} is taken: pass another --port")
    for name in CACHES:
        shutil.rmtree(folder / name, ignore_errors=True)
    env = {**os.environ, "VETTED_DATA_DIR": str(folder)}
    subprocess.run(
        [str(code / ".venv/bin/vetted"), "setup"],
        cwd=code,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    server = start_gunicorn(
        port, env, workers=workers, code=code, python=str(code / ".venv/bin/python"),
        stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.time() + 600
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited: {server.stderr.read().decode()[-2000:]}")
        # gunicorn logs "Booting worker" before post_worker_init warms it: ask each one.
        if len(workers_of(server.pid)) == workers and _answers(port, workers * 4):
            return server
        time.sleep(1)
    stop(server)
    raise SystemExit("gunicorn did not start in 10 minutes")


def _answers(port: int, n: int) -> bool:
    try:
        for _ in range(n):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/clinics?q=", timeout=60):
                pass
    except OSError:
        return False
    return True


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def workers_of(master: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            out.append(int(stat.parent.name))
    return sorted(out)


def memory(pids: list[int]) -> dict:
    """Return {pid: {rss_mb, anon_mb}} (resident; anon leaves out the mapped index files)."""
    out = {}
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        values = dict(re.findall(r"^(VmRSS|RssAnon|VmHWM):\s+(\d+) kB", status, re.M))
        out[pid] = {
            "rss_mb": round(int(values.get("VmRSS", 0)) / 1024),
            "anon_mb": round(int(values.get("RssAnon", 0)) / 1024),
            "peak_mb": round(int(values.get("VmHWM", 0)) / 1024),
        }
    return out


# wrk


_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", re.M)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk(case: Case, port: int, seconds: int, connections: int, threads: int) -> Outcome:
    load = load_average()
    command = [
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "20s",
        "--latency",
        "-s",
        str(MIX),
        f"http://127.0.0.1:{port}",
        "--",
        case.prefix,
        *case.args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    text = done.stdout
    latency = {p: float(v) * _UNITS[u] for p, v, u in _LATENCY.findall(text)}
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sockets = re.search(r"Socket errors:.*", text)
    note = " ".join(x for x in (sockets and sockets[0], "WARNING" in text and "repeated") if x)
    return Outcome(
        case=case.name,
        requests_per_s=float(rate[1]) if rate else 0.0,
        p50_ms=latency.get("50", float("nan")),
        p99_ms=latency.get("99", float("nan")),
        errors=int(errors[1]) if errors else 0,
        load=round(load, 2),
        note=note,
    )


def edits(code: Path, folder: Path, seconds: float, clinics: int) -> subprocess.Popen:
    ids = ",".join(clinic_ids(min(clinics, 2000))[::37])
    return subprocess.Popen(
        [
            str(code / ".venv/bin/python"),
            "-c",
            EDIT_SCRIPT,
            ids,
            "1.0",
            str(time.time() + seconds),
        ],
        cwd=code,
        env={**os.environ, "VETTED_DATA_DIR": str(folder)},
        stdout=subprocess.PIPE,
        text=True,
    )


def py_spy(pid: int, seconds: int, out: Path) -> subprocess.Popen:
    tool = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return subprocess.Popen(
        [tool, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "100",
         "--format", "raw", "--output", str(out), "--nonblocking"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def run_server(args, label: str, code: Path, clinics: int, files, work: Path) -> Served:
    folder = data_folder(args.cache, label, code, clinics)
    served = Served(label, clinics)
    log(f"serving {folder} with {code} on :{args.port} (load {load_average():.1f})")
    server = serve(code, folder, args.port, args.workers)
    try:
        warm = Case("warm", "warm-up", "/api/v1/clinics?",
                    [str(files["warm"]), "norepeat", "0", str(args.threads)])  # fmt: skip
        wrk(warm, args.port, args.warm, args.connections, args.threads)
        served.rss_warm = memory(workers_of(server.pid))
        for case in cases(files, args.threads):
            if args.cases and case.name not in args.cases:
                continue
            editor = profiler = None
            if case.name == "api-zipf-edits":
                editor = edits(code, folder, args.duration, clinics)
            if args.profile and case.name == "page-norepeat":
                profile = work / f"profile-{label}-{clinics}.txt"
                profiler = py_spy(workers_of(server.pid)[0], args.profile, profile)
            outcome = wrk(case, args.port, args.duration, args.connections, args.threads)
            served.outcomes.append(outcome)
            log(
                f"  {label:>6} {clinics:>6} {case.name:<15} {outcome.requests_per_s:7.1f} req/s "
                f"p50 {outcome.p50_ms:7.1f} p99 {outcome.p99_ms:7.1f} ms  errors "
                f"{outcome.errors}  load {outcome.load} {outcome.note}"
            )
            if profiler is not None:
                profiler.wait()
                served.profile = summarise(profile.read_text())
            if editor is not None:
                served.edits = int(editor.communicate()[0].strip() or 0)
                served.rss_after_edits = memory(workers_of(server.pid))
    finally:
        stop(server)
    return served


# Report


def table(results: list[Served], case_names: list[str]) -> str:
    columns = [(r.label, r.clinics) for r in results]
    seen, unique = set(), []
    for column in columns:
        if column not in seen:
            seen.add(column)
            unique.append(column)
    titles = {c.name: c.title for c in cases({k: Path(k) for k in ("norepeat", "zipf", "ids")}, 1)}
    header = "| case | " + " | ".join(f"{label} {n // 1000}k" for label, n in unique) + " |"
    lines = [header, "|---" * (len(unique) + 1) + "|"]
    for name in case_names:
        cells = []
        for column in unique:
            found = [
                o for r in results if (r.label, r.clinics) == column for o in r.outcomes
                if o.case == name
            ]  # fmt: skip
            cells.append(
                " / ".join(
                    f"{o.requests_per_s:.0f} req/s, {o.p50_ms:.0f} / {o.p99_ms:.0f} ms"
                    for o in found
                )
                or "-"
            )
        lines.append(f"| {titles[name]} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Each cell: req/s, p50 / p99; several rounds are separated by ' / '.")
    return "\n".join(lines)


def growth(results: list[Served], big: int, small: int) -> list[str]:
    """Return, per checkout and case, how p50 and req/s change from small to big."""
    out = []
    for label in dict.fromkeys(r.label for r in results):
        by = {
            (r.clinics, o.case): o for r in results if r.label == label for o in r.outcomes
        }  # the last round
        for (clinics, case), o in sorted(by.items()):
            if clinics != big or (small, case) not in by:
                continue
            s = by[(small, case)]
            out.append(
                f"{label} {case}: p50 x{o.p50_ms / s.p50_ms:.2f}, req/s x"
                f"{o.requests_per_s / s.requests_per_s:.2f} ({small // 1000}k -> {big // 1000}k)"
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 10_000])
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout to serve (its .venv)")
    parser.add_argument("--label", default="new", help="name of --code in the table")
    parser.add_argument("--against", type=Path, help="another checkout, served alternately")
    parser.add_argument("--against-label", default="old")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "vetted-http")
    parser.add_argument("--port", type=int, default=5811)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=20, help="seconds per case")
    parser.add_argument("--warm", type=int, default=10, help="seconds of warm-up per server")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--rounds", type=int, default=1, help="alternations of the checkouts")
    parser.add_argument("--cases", nargs="*", help="only these cases (names as printed)")
    parser.add_argument("--profile", type=int, default=0, help="py-spy seconds (page-norepeat)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not Path(WRK).exists():
        raise SystemExit(f"{WRK} is missing: apt-get install wrk")
    args.cache.mkdir(parents=True, exist_ok=True)
    checkouts = [(args.label, args.code.resolve())]
    if args.against:
        checkouts.insert(0, (args.against_label, args.against.resolve()))
    results: list[Served] = []
    with tempfile.TemporaryDirectory(prefix="vetted-http-") as tmp:
        work = Path(tmp)
        files = {n: query_files(work, n) for n in args.sizes}
        for _round in range(args.rounds):
            for clinics in args.sizes:
                for label, code in checkouts:
                    results.append(run_server(args, label, code, clinics, files[clinics], work))
    names = [
        c.name for c in cases(files[args.sizes[0]], 1) if not args.cases or c.name in args.cases
    ]
    print(table(results, names))
    print()
    for r in results:
        warm = ", ".join(f"{m['rss_mb']} MB (anon {m['anon_mb']})" for m in r.rss_warm.values())
        after = ", ".join(
            f"{m['rss_mb']} MB (anon {m['anon_mb']}, peak {m['peak_mb']})"
            for m in r.rss_after_edits.values()
        )
        print(f"{r.label} {r.clinics // 1000}k workers after warm-up: {warm}")
        if after:
            print(f"{r.label} {r.clinics // 1000}k after {r.edits} edits under load: {after}")
    if len(args.sizes) > 1:
        print()
        print("\n".join(growth(results, max(args.sizes), min(args.sizes))))
    for r in results:
        if r.profile:
            print(f"\npy-spy, one worker, {r.label} {r.clinics // 1000}k, page no-repeat mix:")
            print(r.profile)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))


if __name__ == "__main__":
    main()
