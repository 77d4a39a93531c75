"""Run docs/deployment.md's nginx settings in front of `make serve` and check what they cache.

    .venv/bin/python bench/nginx_proxy.py            # Debian's nginx, a demo data folder

Serves a fresh demo data folder as `make serve` does (bench/http_bench.py), starts nginx with
the server block copied out of docs/deployment.md (only ports and the cache folder changed),
and checks through the proxy: the API is stored and served again by nginx (X-Cache-Status
HIT) with the app's ETag; the search page never is; an
If-None-Match with the current tag is answered 304. Prints each check and exits non-zero if
one fails. Not a test: it needs nginx and free ports.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.http_bench import serve, stop  # noqa: E402

NGINX = "/usr/sbin/nginx"
DOC = ROOT / "docs" / "deployment.md"


def documented_config() -> str:
    """Return the nginx block of docs/deployment.md."""
    found = re.search(r"```nginx\n(.*?)```", DOC.read_text(), re.S)
    if found is None:
        raise SystemExit(f"no ```nginx block in {DOC}")
    return found[1]


def nginx_conf(work: Path, app_port: int, proxy_port: int) -> Path:
    block = (
        documented_config()
        .replace("127.0.0.1:5000", f"127.0.0.1:{app_port}")
        .replace("listen 80;", f"listen 127.0.0.1:{proxy_port};")
        .replace("/var/cache/nginx/vetted", str(work / "cache"))
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "".join(
        f"    {name}_temp_path {work / name};\n"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = work / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes 1;\npid {work / 'nginx.pid'};\n"
        f"error_log {work / 'error.log'};\nevents {{}}\n"
        f"http {{\n    access_log off;\n{temp}{block}}}\n"
    )
    return conf


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app-port", type=int, default=5821)
    parser.add_argument("--proxy-port", type=int, default=5822)
    args = parser.parse_args()
    if not Path(NGINX).exists():
        raise SystemExit(f"{NGINX} is missing: apt-get install nginx")
    failures = []

    def check(what: str, ok: bool, seen: object = "") -> None:
        print(f"{'ok  ' if ok else 'FAIL'} {what}" + (f"  ({seen})" if not ok else ""))
        if not ok:
            failures.append(what)

    with tempfile.TemporaryDirectory(prefix="vetted-nginx-") as tmp:
        work = Path(tmp)
        for name in ("cache", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (work / name).mkdir()
        conf = nginx_conf(work, args.app_port, args.proxy_port)
        subprocess.run([NGINX, "-t", "-q", "-c", str(conf), "-p", str(work)], check=True)
        server = serve(ROOT, work / "data", args.app_port, 2)
        proxy = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(work), "-g", "daemon off;"])
        try:
            base = f"http://127.0.0.1:{args.proxy_port}"
            for _ in range(50):  # nginx binds in a moment
                try:
                    get(base + "/api/v1/checklist")
                    break
                except OSError:
                    time.sleep(0.1)
            api = base + "/api/v1/clinics?q=clinic&per_page=5"
            status, first, body = get(api)
            check("the API answers through nginx", status == 200, status)
            check("the API is public", first.get("Cache-Control", "").startswith("public"), first)
            status, again, body_again = get(api)
            check(
                "nginx serves the repeat itself",
                again.get("X-Cache-Status") == "HIT",
                again.get("X-Cache-Status"),
            )
            check("with the same body and ETag", (body_again, again.get("ETag")) == (
                body, first.get("ETag")))  # fmt: skip
            status, _h, _b = get(api, {"If-None-Match": first.get("ETag", "")})
            check("If-None-Match with the current tag gives 304", status == 304, status)
            page = base + "/search?q=clinic"
            statuses = [get(page)[1].get("X-Cache-Status", "none") for _ in range(2)]
            check("the search page is never stored by nginx", "HIT" not in statuses, statuses)
            status, headers, _b = get(page)
            check(
                "the search page is private",
                headers.get("Cache-Control", "").startswith("private"),
                headers.get("Cache-Control"),
            )
        finally:
            proxy.terminate()
            proxy.wait(timeout=30)
            stop(server)
            shutil.rmtree(work / "data", ignore_errors=True)
    print("all checks passed" if not failures else f"{len(failures)} checks failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
