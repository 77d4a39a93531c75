"""Benchmark the search index: build time, query latency, memory, update latency, vs FTS5.

    .venv/bin/python bench/search_bench.py --clinics 10000
    .venv/bin/python bench/search_bench.py --clinics 100000 --skip-fts

Prints figures; it is not a test. Profiles come from directory.demo.generate_profiles, the
index is built on disk (as in production) and queried through SearchIndex.search, the call
the page and the API make. Targets at 100k: p95 <= 100 ms (first page with facets),
rebuild <= 5 min, an update searchable <= 1 s.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from directory.demo import generate_profiles  # noqa: E402
from directory.search.services import plain_vocabulary  # noqa: E402
from index import SearchRequest, open_index  # noqa: E402
from index.documents import to_document  # noqa: E402

PHRASES = [
    "mesotherapy",
    "hair loss",
    "microneedling",
    "fat reduction",
    "mesolift",
    "acne scars",
    "wrinkles",
    "body contouring",
    "lipolysis",
    "skin clinic",
    "mésothérapie",
    "الميزوثيرابي",
    "aesthetic clinic",
    "dermatologist",
]


def clinics(count: int, seed: int) -> list[dict]:
    """Return generated clinics with the metadata the store adds (version, score, core)."""
    rng = random.Random(seed)
    out = []
    for profile in generate_profiles(count=count, seed=seed):
        clinic = dict(profile)
        clinic.setdefault("version", 1)
        if clinic.get("score") is None:
            clinic["score"] = round(rng.uniform(20, 100), 1) if rng.random() < 0.8 else None
        clinic.setdefault("core_verified", rng.random() < 0.3)
        out.append(clinic)
    return out


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + "x" + word[i + 1 :]


def query_mix(docs: list[dict], n: int, seed: int) -> list[SearchRequest]:
    """Return a fixed mix of n requests drawn from the corpus."""
    rng = random.Random(seed)
    words = sorted({w for d in docs[:2000] for w in d["name"].split() if len(w) > 3})
    cities = sorted({(d["city"], d["country"]) for d in docs if d["city"]})
    located = [d for d in docs if d["lat"] is not None]
    treatments = sorted({t for d in docs for t in d["treatments"]})
    languages = sorted({lang for d in docs for lang in d["languages"]})
    kinds = (
        ["plain"] * 25
        + ["phrase"] * 10
        + ["filtered"] * 20
        + ["score"] * 10
        + ["near"] * 10
        + ["radius"] * 10
        + ["typo"] * 10
        + ["empty"] * 5
    )
    out = []
    for _ in range(n):
        kind = rng.choice(kinds)
        if kind == "plain":
            out.append(SearchRequest(q=" ".join(rng.sample(words, rng.randint(1, 2)))))
        elif kind == "phrase":
            city = rng.choice(cities)[0]
            q = rng.choice(PHRASES) + (f" {city}" if rng.random() < 0.5 else "")
            out.append(SearchRequest(q=q))
        elif kind == "filtered":
            city, country = rng.choice(cities)
            out.append(
                SearchRequest(
                    q=rng.choice(["", rng.choice(PHRASES), rng.choice(words)]),
                    country=(country,),
                    city=(city,) if rng.random() < 0.5 else (),
                    treatment=(rng.choice(treatments),) if rng.random() < 0.5 else (),
                    language=(rng.choice(languages),) if rng.random() < 0.3 else (),
                )
            )
        elif kind == "score":
            out.append(
                SearchRequest(
                    q=rng.choice(PHRASES), sort="score", min_score=rng.choice([None, 50.0, 80.0])
                )
            )
        elif kind in ("near", "radius"):
            d = rng.choice(located)
            out.append(
                SearchRequest(
                    q=rng.choice(["", rng.choice(PHRASES)]),
                    near=(d["lat"], d["lon"]),
                    sort="distance",
                    radius_km=25.0 if kind == "radius" else None,
                )
            )
        elif kind == "typo":
            word = rng.choice([w for w in (*words, "mesotherapy", "microneedling") if len(w) > 5])
            out.append(SearchRequest(q=typo(word, rng)))
        else:
            out.append(SearchRequest(q="", core_verified=rng.random() < 0.5))
    return out


def percentiles(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return (
        f"p50 {statistics.median(samples) * 1000:7.1f} ms   p95 {q[94] * 1000:7.1f} ms   "
        f"p99 {q[98] * 1000:7.1f} ms   max {max(samples) * 1000:7.1f} ms"
    )


def run_mix(search, requests) -> list[float]:
    times = []
    for request in requests:
        started = time.perf_counter()
        search(request)
        times.append(time.perf_counter() - started)
    return times


# SQLite FTS5 reference: the same requests, as a straightforward SQL implementation would.


def fts_build(docs: list[dict]) -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.create_function("dist", 4, lambda a, b, c, d: _haversine(a, b, c, d), deterministic=True)
    con.executescript("""
        create table c (rowid integer primary key, id text, city text, country text,
                        score real, core int, lat real, lon real);
        create table ct (rowid int, treatment text);
        create table cl (rowid int, language text);
        create index ct_t on ct(treatment, rowid); create index cl_l on cl(language, rowid);
        create index c_city on c(city); create index c_country on c(country);
        create virtual table f using fts5(name, treatments, city, description,
                                          tokenize='unicode61 remove_diacritics 2');
    """)
    for n, d in enumerate(docs, 1):
        con.execute(
            "insert into c values (?,?,?,?,?,?,?,?)",
            (
                n,
                d["id"],
                d["city"],
                d["country"],
                d["score"],
                d["core_verified"],
                d["lat"],
                d["lon"],
            ),
        )
        con.executemany("insert into ct values (?,?)", [(n, t) for t in d["treatments"]])
        con.executemany("insert into cl values (?,?)", [(n, x) for x in d["languages"]])
        con.execute(
            "insert into f(rowid, name, treatments, city, description) values (?,?,?,?,?)",
            (n, d["name"], " ".join(d["treatments"]), d["city"], d["description"]),
        )
    con.commit()
    return con


def _haversine(lat1, lon1, lat2, lon2):
    if lat2 is None:
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 12742.0176 * math.asin(min(1.0, math.sqrt(a)))


def fts_search(con: sqlite3.Connection, r: SearchRequest) -> None:
    where, args = [], []
    words = ['"' + w.replace('"', "") + '"' for w in r.q.split() if w.strip('"')]
    if words:
        where.append("c.rowid in (select rowid from f where f match ?)")
        args.append(" AND ".join(words))
    for column, values in (("c.country", r.country), ("c.city", r.city)):
        if values:
            where.append(f"{column} in ({','.join('?' * len(values))})")
            args.extend(values)
    if r.treatment:
        where.append("c.rowid in (select rowid from ct where treatment = ?)")
        args.append(r.treatment[0])
    if r.language:
        where.append("c.rowid in (select rowid from cl where language = ?)")
        args.append(r.language[0])
    if r.min_score is not None:
        where.append("c.score >= ?")
        args.append(r.min_score)
    if r.core_verified:
        where.append("c.core = 1")
    if r.near and r.radius_km:
        where.append("dist(?, ?, c.lat, c.lon) <= ?")
        args.extend([*r.near, r.radius_km])
    sql_where = (" where " + " and ".join(where)) if where else ""
    if r.sort == "distance" and r.near:
        order, order_args = "dist(?, ?, c.lat, c.lon)", list(r.near)
    elif r.sort == "score" or not words:
        order, order_args = "c.score desc", []
    else:
        order, order_args = None, []
    if order is None:  # relevance: rank inside FTS5 with the same field weights
        con.execute(
            f"select c.id from f join c on c.rowid = f.rowid{sql_where} and f match ? "
            "order by bm25(f, 8.0, 5.0, 3.0, 1.0) limit 20",
            [*args, " AND ".join(words)],
        ).fetchall()
    else:
        con.execute(
            f"select c.id from c{sql_where} order by {order} limit 20", [*args, *order_args]
        ).fetchall()
    con.execute(f"select count(*) from c{sql_where}", args).fetchone()
    for facet in ("c.country", "c.city"):
        con.execute(
            f"select {facet}, count(*) from c{sql_where} group by 1 order by 2 desc limit 50", args
        ).fetchall()
    for table, column in (("ct", "treatment"), ("cl", "language")):
        con.execute(
            f"select {column}, count(*) from {table} where rowid in "
            f"(select c.rowid from c{sql_where}) group by 1 order by 2 desc limit 50",
            args,
        ).fetchall()


def searcher_process(path: str, requests: list[SearchRequest]) -> tuple[float, list[float]]:
    """Open the index as a web worker would, run the mix; return (peak RSS MB, latencies)."""
    ix = open_index(path, vocabulary=plain_vocabulary(), result_cache=0)
    times = run_mix(ix.search, requests)
    ix.close()
    return peak_rss_mb(), times


def peak_rss_mb() -> float:
    """Return this process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinics", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-fts", action="store_true", help="leave out the FTS5 line")
    args = parser.parse_args()

    print(f"search benchmark: {args.clinics} clinics, {args.queries} queries, seed {args.seed}")
    started = time.perf_counter()
    docs = [to_document(c) for c in clinics(args.clinics, args.seed)]
    print(f"generate profiles + to_document   {time.perf_counter() - started:8.1f} s")
    requests = query_mix(docs, args.queries, args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        ix = open_index(Path(tmp) / "index", vocabulary=plain_vocabulary(), result_cache=0)
        started = time.perf_counter()
        ix.rebuild(docs)
        build = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
        print(f"rebuild (on disk)                 {build:8.1f} s   index {size / 1e6:.0f} MB")

        started = time.perf_counter()
        ix.search(SearchRequest(q="mesotherapy"))
        print(
            f"first search after open           {(time.perf_counter() - started) * 1000:8.1f}"
            " ms (loads the caches)"
        )
        cold = run_mix(ix.search, requests)
        print(f"whoosh, result cache off          {percentiles(cold)}")
        warm = run_mix(ix.search, requests)
        print(f"whoosh, second pass (cache off)   {percentiles(warm)}")
        ix.close()

        with multiprocessing.get_context("spawn").Pool(1) as pool:
            rss, fresh = pool.apply(searcher_process, (str(Path(tmp) / "index"), requests))
        print(f"fresh worker process, first pass  {percentiles(fresh)}")
        print(f"fresh worker process peak RSS     {rss:8.0f} MB")

        cached_ix = open_index(Path(tmp) / "index", vocabulary=plain_vocabulary())
        run_mix(cached_ix.search, requests)
        cached = run_mix(cached_ix.search, requests)
        print(f"whoosh, repeated (result cache)   {percentiles(cached)}")

        # One update, from the writer's call until a search finds it.
        samples = []
        for n in range(5):
            doc = dict(docs[n], name=f"Renamed Zqx{n}wv Clinic", version=2)
            started = time.perf_counter()
            cached_ix.index_clinics([doc])
            response = cached_ix.search(SearchRequest(q=f"zqx{n}wv"))
            samples.append(time.perf_counter() - started)
            assert [h.id for h in response.hits] == [doc["id"]], response
        print(
            f"update searchable (5 updates)     median {statistics.median(samples) * 1000:.0f}"
            f" ms   max {max(samples) * 1000:.0f} ms"
        )

        # Production interleaves commits with searches: every commit makes a new searcher,
        # whose per-searcher caches refill (the per-segment ones survive).
        cached_ix._result_cache_size = 0
        mixed = []
        for n in range(0, len(requests), 10):
            cached_ix.index_clinics([dict(docs[n], version=3)])
            mixed.extend(run_mix(cached_ix.search, requests[n : n + 10]))
        print(f"an update before every 10 queries {percentiles(mixed)}")
        cached_ix.close()

    peak = peak_rss_mb()
    print(f"peak RSS (benchmark process)      {peak:8.0f} MB (holds every document too)")

    if not args.skip_fts:
        started = time.perf_counter()
        con = fts_build(docs)
        print(f"FTS5 build (in memory)            {time.perf_counter() - started:8.1f} s")
        fts = run_mix(lambda r: fts_search(con, r), requests)
        print(f"FTS5 reference, same mix          {percentiles(fts)}")
        ratio = statistics.median(cold) / statistics.median(fts)
        q95 = statistics.quantiles(cold, n=100)[94] / statistics.quantiles(fts, n=100)[94]
        print(f"whoosh / FTS5                     p50 x{ratio:.2f}   p95 x{q95:.2f}")


if __name__ == "__main__":
    main()
