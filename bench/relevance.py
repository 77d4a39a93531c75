"""Relevance of search on judged queries: success@1, precision@3, nDCG@10, zero results.

    .venv/bin/python bench/relevance.py                  # build the corpus in memory (~1 min)
    .venv/bin/python bench/relevance.py --data /tmp/s11  # or read an existing data folder
    .venv/bin/python bench/relevance.py --show "botox london"

The corpus is what a new user of the demo sees: the demo directory (`vetted setup`: 400
clinics, seed 2026, vetting included) plus the NHS 2023 list, loaded into an in-memory store by
the same code as `vetted setup` and `vetted import`, then indexed in memory. Each judged query
(bench/relevance/queries.toml) runs as the search page runs it, through SearchIndex.search.

Figures, per language and per kind of query:
- success@1: the first result is relevant;
- precision@3: relevant results among the first three, out of min(3, relevant clinics);
- nDCG@10: binary gains, discounted by log2(rank + 1), over the ideal order;
- zero: the share of queries with no result at all (every judged query has relevant clinics).
"""

from __future__ import annotations

import argparse
import math
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from directory.clinics.importers import import_records, open_reader  # noqa: E402
from directory.db import connect  # noqa: E402
from directory.search.services import plain_vocabulary, published_documents  # noqa: E402
from directory.services import load_demo_data  # noqa: E402
from index import SearchRequest, open_index  # noqa: E402
from index.geo import haversine_km  # noqa: E402
from index.text import fold  # noqa: E402

JUDGED = ROOT / "bench" / "relevance" / "queries.toml"
NHS_FILE = ROOT.parent / "shared/data/nhs-clinics/nhs_Clinics_2023_raw_notsign_delimited.csv"
DEPTH = 10  # results read per query


@dataclass(frozen=True)
class Judged:
    text: str
    lang: str
    kind: str
    rule: dict


@dataclass
class Outcome:
    judged: Judged
    found: list[str]
    relevant: set[str]
    suggestion: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def success(self) -> float:
        return 1.0 if self.found and self.found[0] in self.relevant else 0.0

    @property
    def precision3(self) -> float:
        wanted = min(3, len(self.relevant))
        return sum(1 for d in self.found[:3] if d in self.relevant) / wanted

    @property
    def ndcg(self) -> float:
        dcg = sum(
            1 / math.log2(rank + 2)
            for rank, d in enumerate(self.found[:DEPTH])
            if d in self.relevant
        )
        ideal = sum(1 / math.log2(rank + 2) for rank in range(min(DEPTH, len(self.relevant))))
        return dcg / ideal

    @property
    def zero(self) -> float:
        return 0.0 if self.found else 1.0


def load_judged(path: Path = JUDGED) -> tuple[list[Judged], dict, dict]:
    """Return (queries, groups, places) from the judged set."""
    raw = tomllib.loads(path.read_text("utf-8"))
    queries = [
        Judged(
            text=q["text"],
            lang=q["lang"],
            kind=q["kind"],
            rule={k: v for k, v in q.items() if k not in ("text", "lang", "kind")},
        )
        for q in raw["query"]
    ]
    return queries, raw.get("groups", {}), raw.get("places", {})


def _words(value: str) -> list[str]:
    return fold(value).replace("-", " ").split()


def is_relevant(doc: dict, rule: dict, groups: dict, places: dict) -> bool:
    """Return whether an index document satisfies every condition of a judged rule."""
    if "clinic" in rule and fold(doc["name"]) != fold(rule["clinic"]):
        return False
    if "treatment" in rule:
        wanted = rule["treatment"] if isinstance(rule["treatment"], list) else [rule["treatment"]]
        keys = {k for w in wanted for k in groups.get(w, [w])}
        if not keys & set(doc["treatments"]):
            return False
    if "country" in rule and doc["country"] != rule["country"]:
        return False
    if "name" in rule:
        name = " ".join(_words(doc["name"]))
        if " ".join(_words(rule["name"])) not in name:
            return False
    if "near" in rule:
        lat, lon, km = places[rule["near"]]
        if doc["lat"] is not None and doc["lon"] is not None:
            if haversine_km(lat, lon, doc["lat"], doc["lon"]) > km:
                return False
        elif fold(doc["city"] or "") != fold(rule["near"].replace("-", " ")):
            return False
    return True


def build_corpus(data_dir: Path | None = None, nhs_file: Path = NHS_FILE) -> list[dict]:
    """Return the index documents of the demo directory plus the NHS list."""
    if data_dir is not None:
        db = connect(data_dir / "vetted.db", migrate=False)
    else:
        db = connect(None)
        load_demo_data(db, count=400, seed=2026)
        import_records(db, open_reader(nhs_file, "nhs-csv", db), actor="bench")
    docs = list(published_documents(db))
    db.close()
    return docs


def open_corpus_index(docs: list[dict]):
    """Return a RAM index of docs, opened as the application opens its own."""
    ix = open_index(None, vocabulary=plain_vocabulary(), result_cache=0)
    ix.rebuild(docs)
    return ix


def evaluate(ix, docs: list[dict], judged: list[Judged], groups: dict, places: dict):
    """Run every judged query; return one Outcome each."""
    outcomes = []
    for q in judged:
        relevant = {d["id"] for d in docs if is_relevant(d, q.rule, groups, places)}
        if not relevant:
            raise SystemExit(f"judged query {q.text!r} ({q.lang}) has no relevant clinic")
        response = ix.search(SearchRequest(q=q.text, per_page=DEPTH))
        outcomes.append(Outcome(q, [h.id for h in response.hits], relevant, response.suggestion))
    return outcomes


def averages(outcomes: list[Outcome]) -> dict[str, float]:
    n = len(outcomes)
    return {
        "n": n,
        "success@1": sum(o.success for o in outcomes) / n,
        "precision@3": sum(o.precision3 for o in outcomes) / n,
        "nDCG@10": sum(o.ndcg for o in outcomes) / n,
        "zero": sum(o.zero for o in outcomes) / n,
    }


def table(outcomes: list[Outcome]) -> str:
    """Return the figures per language, per kind and overall, as a text table."""
    rows = []
    for label, key in (("language", lambda o: o.judged.lang), ("kind", lambda o: o.judged.kind)):
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in outcomes:
            groups[key(o)].append(o)
        for name in sorted(groups):
            rows.append((f"{label} {name}", averages(groups[name])))
    rows.append(("all", averages(outcomes)))
    out = [f"{'':14} {'n':>4} {'success@1':>10} {'precision@3':>12} {'nDCG@10':>8} {'zero':>6}"]
    for name, a in rows:
        out.append(
            f"{name:14} {a['n']:4d} {a['success@1']:10.3f} {a['precision@3']:12.3f}"
            f" {a['nDCG@10']:8.3f} {a['zero']:6.3f}"
        )
    return "\n".join(out)


def worst(outcomes: list[Outcome], n: int = 10) -> list[Outcome]:
    """Return the n worst queries: by success, then nDCG, then precision."""
    return sorted(outcomes, key=lambda o: (o.success, o.ndcg, o.precision3))[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="read this data folder instead of building")
    parser.add_argument("--worst", type=int, default=10, help="how many worst queries to list")
    parser.add_argument("--show", action="append", default=[], help="print the top 10 of a query")
    args = parser.parse_args()

    docs = build_corpus(args.data)
    ix = open_corpus_index(docs)
    by_id = {d["id"]: d for d in docs}
    judged, groups, places = load_judged()
    outcomes = evaluate(ix, docs, judged, groups, places)
    print(f"relevance: {len(judged)} judged queries, {len(docs)} clinics")
    print(table(outcomes))
    print(f"\nworst {args.worst}:")
    for o in worst(outcomes, args.worst):
        top = by_id[o.found[0]]["name"] if o.found else "(no result)"
        print(
            f"  [{o.judged.lang} {o.judged.kind}] {o.judged.text!r}: success {o.success:.0f}"
            f" p@3 {o.precision3:.2f} nDCG {o.ndcg:.2f}, first: {top}"
            f" ({len(o.relevant)} relevant)"
        )
    for text in args.show:
        response = ix.search(SearchRequest(q=text, per_page=DEPTH))
        print(f"\n{text!r}: {response.total} results, suggestion {response.suggestion!r}")
        for hit in response.hits:
            d = by_id[hit.id]
            print(
                f"  {hit.rank:2d} {hit.id} {d['name']} ({d['city']}, {d['country']}) {d['score']}"
            )
    ix.close()


if __name__ == "__main__":
    main()
