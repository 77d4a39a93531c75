"""Write every detail of many search responses to a file, to compare two versions of the code.

    .venv/bin/python bench/search_identity.py --out /tmp/new.json
    /other/checkout/.venv/bin/python bench/search_identity.py --out /tmp/old.json
    .venv/bin/python bench/search_identity.py --compare /tmp/old.json /tmp/new.json

Two corpora: the relevance bench's (the demo directory plus the NHS 2023 list) with its judged
queries, and the search bench's generated clinics with its query mix and the HTTP bench's
requests, asked again after updates and removals have added segments and deletions. Each
response is written whole (ids, ranks, relevance, snippets, facets, totals, how the query was
read), so an engine change that must not change results can be checked to the last digit.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.http_mix import search_queries  # noqa: E402
from bench.relevance import DEPTH, NHS_FILE, build_corpus, load_judged  # noqa: E402
from bench.search_bench import clinics, query_mix  # noqa: E402
from directory.search.params import InvalidSearch, parse_search_args  # noqa: E402
from directory.search.services import plain_vocabulary  # noqa: E402
from directory.vocabulary import load_vocabulary  # noqa: E402
from index import SearchRequest, open_index  # noqa: E402
from index.documents import to_document  # noqa: E402


def _requests(docs: list[dict], seed: int) -> list[SearchRequest]:
    out = list(query_mix(docs, 500, seed))
    treatments = load_vocabulary().treatments
    for line in search_queries(1000, seed=seed):
        args = MultiDict(parse_qsl(line, keep_blank_values=True))
        try:
            out.append(parse_search_args(args, treatments=treatments).request)
        except InvalidSearch:
            continue
    return out


def _answers(ix, requests) -> list[dict]:
    return [dataclasses.asdict(ix.search(r)) for r in requests]


def relevance_corpus() -> list[dict]:
    docs = build_corpus()
    ix = open_index(None, vocabulary=plain_vocabulary(), result_cache=0)
    ix.rebuild(docs)
    judged, _groups, _places = load_judged()
    requests = [SearchRequest(q=q.text, per_page=DEPTH) for q in judged]
    requests += [SearchRequest(q=q.text, per_page=DEPTH, sort="score") for q in judged[::5]]
    out = _answers(ix, requests)
    ix.close()
    return out


def generated_corpus(count: int, seed: int) -> list[dict]:
    docs = [to_document(c) for c in clinics(count, seed)]
    requests = _requests(docs, seed)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        ix = open_index(Path(tmp) / "index", vocabulary=plain_vocabulary(), result_cache=0)
        ix.rebuild(docs)
        out += _answers(ix, requests)
        # Updates and removals in separate commits: new segments, deletions in the big one.
        for n in range(0, 60, 6):
            ix.index_clinics([dict(docs[n], name=docs[n]["name"] + " Renamed", version=2)])
        ix.remove_clinics([docs[n]["id"] for n in range(1, 60, 6)])
        ix.index_clinics([dict(d, score=50.0, version=3) for d in docs[100:140]])
        out += _answers(ix, requests)
        ix.close()
    return out


def compare(old: Path, new: Path) -> int:
    a, b = json.loads(old.read_text()), json.loads(new.read_text())
    differ = 0
    for part in a:
        for n, (x, y) in enumerate(zip(a[part], b[part], strict=True)):
            if x != y:
                differ += 1
                if differ <= 5:
                    print(f"{part} #{n} differs:")
                    for key in x:
                        if x[key] != y[key]:
                            print(f"  {key}: {str(x[key])[:300]}\n  {key}: {str(y[key])[:300]}")
    total = sum(len(v) for v in a.values())
    print(f"{total - differ} of {total} responses identical")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--clinics", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"))
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    result = {"generated": generated_corpus(args.clinics, args.seed)}
    if NHS_FILE.exists():
        result["relevance"] = relevance_corpus()
    args.out.write_text(json.dumps(result, ensure_ascii=False, sort_keys=True))
    print(f"{sum(len(v) for v in result.values())} responses written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
