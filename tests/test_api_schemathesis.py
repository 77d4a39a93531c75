"""Schemathesis fuzzes every operation of /api/v1/openapi.json against a real app and store.

Valid and invalid requests, a few hundred of each per operation, derandomised so a failure
reproduces. Every check schemathesis has runs, so: no server error, every status, content
type, header and body as the document says, invalid input refused. One check is replaced:
schemathesis' positive_data_acceptance expects every schema-valid request to succeed, but a
search has rules OpenAPI cannot state as a schema (radius_km and sort=distance need near; a
place name must be one where clinics are listed; a change feed's cursor must be one it gave
out; a whole address has a size limit). Those
rejections are documented on the operations; documented_rejections_only allows exactly those.
"""

from __future__ import annotations

import json
import os
from urllib.parse import parse_qs, urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection, positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from directory.errors import MAX_URL_BYTES
from directory.search.extension import open_search_index
from directory.search.openapi import openapi_document
from directory.search.services import rebuild_index
from directory.services import load_demo_data
from directory.vocabulary import load_vocabulary

# `SCHEMATHESIS_EXAMPLES=2000 pytest tests/test_api_schemathesis.py` for a longer run.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "300"))
# Invalid input is refused with a 400 naming the parameter, or as a whole, for its length,
# with a 414 (both documented): stricter than schemathesis' default list of any 4xx.
# A fixed seed and deterministic generation: the same requests on every run and machine.
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 13,
        "generation": {"deterministic": True},
        "checks": {"negative_data_rejection": {"expected-statuses": ["400", "414"]}},
    }
)


@pytest.fixture
def api_schema(app, db):
    """The API of an app with 60 demo clinics, described by its own OpenAPI document."""
    load_demo_data(db, count=60, seed=2026)
    rebuild_index(db, open_search_index(app))
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)


@pytest.fixture
def known(db) -> dict:
    """Values random generation would never find: real clinic ids, places that have clinics."""
    rows = list(db.query("select id, city, lat, lon, status from clinics order by id limit 8"))
    places = [r["city"] for r in rows[:4]]
    places += [f"{r['lat']},{r['lon']}" for r in rows[4:] if r["lat"] is not None]
    return {"clinic_id": [r["id"] for r in rows], "near": places}


def strategy(operation, path: str, mode: GenerationMode, known: dict):
    """Cases schemathesis generates, and as many again built around known real values."""
    generated = operation.as_strategy(generation_mode=mode)
    if mode is not GenerationMode.POSITIVE:
        return generated
    names = {p["name"] for p in DOCUMENT["paths"][path]["get"].get("parameters", [])}
    seeded = []
    if "clinic_id" in names:
        seeded += [
            operation.as_strategy(path_parameters={"clinic_id": i}) for i in known["clinic_id"]
        ]
    if "near" in names:
        seeded += [operation.as_strategy(query={"near": n}) for n in known["near"]]
    return st.one_of(generated, st.one_of(seeded)) if seeded else generated


DOCUMENT = openapi_document(load_vocabulary())
OPERATIONS = [
    (method.upper(), path, mode)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    for mode in GenerationMode
    # An invalid request exists only where a query parameter has rules to break.
    if mode is GenerationMode.POSITIVE
    or any(p["in"] == "query" for p in operation.get("parameters", []))
]


def _wire_value(text: str):
    """Read one query value as a server would compare it to its schema: a number if it is one."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, int | float) and not isinstance(value, bool) else text


def valid_on_the_wire(path: str, url: str) -> bool:
    """Whether the request as sent satisfies the document, whatever value was generated.

    schemathesis builds an invalid list item as, say, null, which the query string can only
    carry as the text "null": for a list of slugs that is a valid value, not an invalid one.
    """
    sent = parse_qs(urlsplit(url).query, keep_blank_values=True)
    for param in DOCUMENT["paths"][path]["get"].get("parameters", []):
        values, schema = sent.get(param["name"], []), param["schema"]
        if schema.get("type") == "array":
            items, checks = schema["items"], values
            if len(values) > schema["maxItems"]:
                return False
        else:
            items, checks = schema, values
            if len(values) > 1 or (param["required"] and not values):
                return False
        validator = Draft202012Validator(items)
        for value in checks:
            if not any(validator.is_valid(v) for v in {value, _wire_value(value)}):
                return False
    return True


def _given(case, name: str) -> bool:
    return bool((case.query or {}).get(name))


def documented_rejections_only(ctx, response, case) -> None:
    """A valid request succeeds, unless a documented rule it breaks is one no schema can state."""
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return
    status = response.status_code
    if status < 400 or status == 404:  # 404: no published clinic has this id (documented)
        return
    target = case.formatted_path + "?" + "&".join(f"{k}={v}" for k, v in (case.query or {}).items())
    sent = urlsplit(response.request.url)
    if status == 414 and len(f"{sent.path}?{sent.query}") > MAX_URL_BYTES:
        return  # the whole address is too long, however valid each value is
    reason = response.json()["error"]["reason"] if status == 400 else ""
    if status == 400 and case.operation.label == "GET /api/v1/self-check/clinics":
        if reason.startswith("near"):
            return  # a place where no clinic is listed, or not a place at all
    if status == 400 and case.operation.label == "GET /api/v1/changes":
        if reason.startswith("since"):
            return  # not a cursor this API gave out
    if status == 400 and case.operation.label == "GET /api/v1/clinics":
        near = _given(case, "near")
        needs_near = not near and (
            _given(case, "radius_km") or (case.query or {}).get("sort") == "distance"
        )
        if near or needs_near:
            return  # a place name or coordinates to check, or a rule that needs near
    raise AssertionError(f"valid request refused with {status}: {reason!r} for {target}")


@pytest.mark.parametrize(
    ("method", "path", "mode"), OPERATIONS, ids=[f"{m} {p} {g.value}" for m, p, g in OPERATIONS]
)
def test_api_matches_its_openapi_document(api_schema, known, request, method, path, mode):
    operation = api_schema[path][method]
    sent, valid_as_sent = [], []

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,  # the same requests every run: a failure reproduces
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy(operation, path, mode, known))
    def run(case):
        response = case.call()
        sent.append(response.status_code)
        excluded = [positive_data_acceptance]
        if mode is GenerationMode.NEGATIVE and valid_on_the_wire(path, response.request.url):
            # e.g. null in a list of slugs is sent as "null", a valid slug: every check but
            # "invalid data is refused" still holds.
            valid_as_sent.append(response.status_code)
            excluded.append(negative_data_rejection)
        case.validate_response(
            response, excluded_checks=excluded, additional_checks=[documented_rejections_only]
        )

    run()
    # The figures, in `--junitxml` with `-o junit_family=legacy`.
    request.node.user_properties += [
        ("requests", len(sent)),
        ("statuses", sorted(set(sent))),
        ("negative_but_valid_as_sent", len(valid_as_sent)),
    ]
    assert sent and all(status < 500 for status in sent)
