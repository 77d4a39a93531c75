"""The OpenAPI 3.1 description of /api/v1, built from the same limits the code enforces."""

from __future__ import annotations

from directory.search import params as p
from directory.vocabulary import Vocabulary
from index.types import FACET_FIELDS, SORTS

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_NUMBER = {"type": ["number", "null"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, description: str, schema: dict, *, repeatable: bool = False) -> dict:
    param = {"name": name, "in": "query", "required": False, "description": description}
    if repeatable:
        param.update(
            schema={"type": "array", "items": schema, "maxItems": p.MAX_VALUES},
            style="form",
            explode=True,
        )
    else:
        param["schema"] = schema
    return param


def _search_parameters(vocabulary: Vocabulary) -> list[dict]:
    return [
        _query(
            "q",
            "Words to look for: treatment, concern, place or clinic name.",
            {"type": "string", "maxLength": p.MAX_Q},
        ),
        _query(
            "country",
            "Only clinics in this country (ISO 3166-1 alpha-2).",
            {"type": "string", "pattern": "^[A-Za-z]{2}$"},
            repeatable=True,
        ),
        _query(
            "city",
            "Only clinics in this city.",
            {"type": "string", "maxLength": p.MAX_TEXT},
            repeatable=True,
        ),
        _query(
            "treatment",
            "Only clinics offering this treatment (a vocabulary key).",
            {"type": "string", "enum": sorted(vocabulary.treatments)},
            repeatable=True,
        ),
        _query(
            "language",
            "Only clinics speaking this language (ISO 639-1).",
            {"type": "string", "pattern": "^[A-Za-z]{2}$"},
            repeatable=True,
        ),
        _query(
            "near",
            "Measure distance from here: 'lat,lon' in degrees, or a place name in any common "
            "language or script ('Londres', 'دبي', 'London, UK'). A city gives results a "
            "distance_km; a country keeps clinics in it; a place we do not know is ignored "
            "with a note in interpretation.",
            {"type": "string", "maxLength": p.MAX_TEXT},
        ),
        _query(
            "radius_km",
            "Only clinics within this many kilometres of near (needs near).",
            {"type": "number", "exclusiveMinimum": 0, "maximum": p.MAX_RADIUS_KM},
        ),
        _query(
            "sort",
            "Order of results; distance needs near.",
            {"type": "string", "enum": list(SORTS), "default": "relevance"},
        ),
        _query(
            "page",
            "Page number, from 1.",
            {"type": "integer", "minimum": 1, "maximum": p.MAX_PAGE, "default": 1},
        ),
        _query(
            "per_page",
            "Results per page.",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": p.MAX_PER_PAGE,
                "default": p.DEFAULT_PER_PAGE,
            },
        ),
        _query(
            "min_score",
            "Only clinics whose vetting score is at least this.",
            {"type": "number", "minimum": 0, "maximum": 100},
        ),
        _query(
            "core_verified",
            "Only clinics whose core checklist items are all verified.",
            {"type": "boolean", "default": False},
        ),
        _query(
            "verified",
            "Only clinics with this checklist item verified (an item key).",
            {"type": "string", "pattern": "^[a-z0-9][a-z0-9_.-]{0,63}$"},
            repeatable=True,
        ),
        _query(
            "anywhere",
            "Read place names in q as plain words, not as places (undo of a place read).",
            {"type": "boolean", "default": False},
        ),
        _query(
            "as_typed",
            "Search patients' words as typed, not mapped to a treatment ('botox' stays botox).",
            {"type": "boolean", "default": False},
        ),
    ]


def _interpretation_schema() -> dict:
    dropped = {
        "type": "object",
        "required": ["typed", "q", "url"],
        "properties": {
            "typed": {"type": "string", "description": "The words as typed."},
            "q": {"type": "string", "description": "The query without them."},
            "url": {"type": "string", "description": "This search without them."},
        },
    }
    return {
        "type": "object",
        "description": "How the search read the request; each reading can be undone.",
        "required": [
            "places",
            "terms",
            "dropped",
            "nearest",
            "unknown_place",
            "suggestions",
            "without",
            "notes",
            "undo",
        ],
        "additionalProperties": False,
        "properties": {
            "places": {
                "type": "array",
                "description": "Places read in q (source q) or near (source near).",
                "items": {
                    "type": "object",
                    "required": ["typed", "kind", "name", "country", "source"],
                    "properties": {
                        "typed": {"type": "string"},
                        "kind": {"type": "string", "enum": ["city", "country"]},
                        "name": {"type": "string"},
                        "country": {"type": "string"},
                        "country_name": {"type": "string"},
                        "lat": {"type": ["number", "null"]},
                        "lon": {"type": ["number", "null"]},
                        "radius_km": {"type": ["number", "null"]},
                        "source": {"type": "string", "enum": ["q", "near"]},
                    },
                },
            },
            "terms": {
                "type": "array",
                "description": "Patients' words mapped to a treatment or concern.",
                "items": {
                    "type": "object",
                    "required": ["typed", "kind", "key", "label"],
                    "properties": {
                        "typed": {"type": "string"},
                        "kind": {"type": "string", "enum": ["treatment", "concern"]},
                        "key": {"type": "string"},
                        "label": {"type": "string"},
                    },
                },
            },
            "dropped": {
                "type": "array",
                "description": "No clinic matched every word: results leave these out.",
                "items": dropped,
            },
            "nearest": {
                **NULLABLE_STRING,
                "description": "A city no clinic matched in: results are the nearest to it.",
            },
            "unknown_place": {
                **NULLABLE_STRING,
                "description": "A near value naming no place we know (it was ignored).",
            },
            "suggestions": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Nothing matched: words we do have clinics for.",
            },
            "without": {
                "type": "array",
                "description": "Nothing matched: the same search without one of the words.",
                "items": dropped,
            },
            "notes": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Each reading in a sentence (English).",
            },
            "undo": {
                "type": "object",
                "description": "Searches without a reading: anywhere (places), as_typed.",
                "properties": {"anywhere": {"type": "string"}, "as_typed": {"type": "string"}},
            },
        },
    }


def _schemas() -> dict:
    counts = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["status", "reason"],
                    "properties": {
                        "status": {"type": "integer"},
                        "reason": {
                            "type": "string",
                            "description": "What was wrong, naming the parameter.",
                        },
                    },
                }
            },
        },
        "SearchResult": {
            "type": "object",
            "required": [
                "id",
                "name",
                "city",
                "country",
                "treatments",
                "snippet",
                "score",
                "core_verified",
                "url",
            ],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "city": NULLABLE_STRING,
                "country": {"type": "string"},
                "treatments": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Treatment vocabulary keys.",
                },
                "snippet": {
                    **NULLABLE_STRING,
                    "description": "HTML: matched words in <mark>, all else escaped.",
                },
                "distance_km": {
                    **NULLABLE_NUMBER,
                    "description": "Only present when near is given.",
                },
                "score": {**NULLABLE_NUMBER, "description": "Vetting score, 0 to 100."},
                "core_verified": {"type": "boolean"},
                "url": {"type": "string", "description": "The clinic's public page."},
            },
        },
        "Interpretation": _interpretation_schema(),
        "SearchResults": {
            "type": "object",
            "required": [
                "total",
                "results",
                "facets",
                "suggestion",
                "interpretation",
                "links",
                "page",
                "per_page",
            ],
            "additionalProperties": False,
            "properties": {
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": p.MAX_PER_PAGE},
                "results": {"type": "array", "items": _ref("SearchResult")},
                "facets": {
                    "type": "object",
                    "description": "Matching clinics per value of each field.",
                    "properties": {name: counts for name in FACET_FIELDS},
                    "additionalProperties": counts,
                },
                "suggestion": {**NULLABLE_STRING, "description": "A corrected query to offer."},
                "interpretation": _ref("Interpretation"),
                "links": {
                    "type": "object",
                    "required": ["next", "prev"],
                    "properties": {"next": NULLABLE_STRING, "prev": NULLABLE_STRING},
                },
            },
        },
        "Address": {
            "type": "object",
            "properties": {
                "lines": {"type": "array", "items": {"type": "string"}},
                "city": NULLABLE_STRING,
                "region": NULLABLE_STRING,
                "postcode": NULLABLE_STRING,
                "country": {"type": "string"},
            },
        },
        "Treatment": {
            "type": "object",
            "required": ["key"],
            "properties": {
                "key": {"type": "string"},
                "price_from": NULLABLE_NUMBER,
                "price_to": NULLABLE_NUMBER,
                "currency": NULLABLE_STRING,
            },
        },
        "Practitioner": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "role": NULLABLE_STRING,
                "licence_number": NULLABLE_STRING,
                "licence_authority": NULLABLE_STRING,
                "licence_expiry": NULLABLE_STRING,
                "prescriber": {"type": "boolean"},
            },
        },
        "Clinic": {
            "type": "object",
            "required": [
                "id",
                "name",
                "address",
                "languages",
                "treatments",
                "practitioners",
                "score",
                "core_verified",
                "checklist",
                "url",
            ],
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "brand": NULLABLE_STRING,
                "description": NULLABLE_STRING,
                "address": _ref("Address"),
                "location": {
                    "type": ["object", "null"],
                    "required": ["lat", "lon"],
                    "properties": {
                        "lat": {"type": "number", "minimum": -90, "maximum": 90},
                        "lon": {"type": "number", "minimum": -180, "maximum": 180},
                    },
                },
                "contact": {
                    "type": "object",
                    "properties": {k: NULLABLE_STRING for k in ("phone", "email", "website")},
                },
                "opening_hours": NULLABLE_STRING,
                "languages": {"type": "array", "items": {"type": "string"}},
                "treatments": {"type": "array", "items": _ref("Treatment")},
                "practitioners": {"type": "array", "items": _ref("Practitioner")},
                "score": NULLABLE_NUMBER,
                "core_verified": {"type": "boolean"},
                "updated_at": NULLABLE_STRING,
                "checklist": {
                    "type": "array",
                    "description": "The clinic's state on each checklist item.",
                    "items": _ref("ClinicChecklistItem"),
                },
                "url": {"type": "string", "description": "The clinic's public page."},
            },
        },
        "SelfCheckClinics": {
            "type": "object",
            "required": ["near", "item", "available", "results"],
            "properties": {
                "near": {
                    "type": "object",
                    "required": ["lat", "lon"],
                    "properties": {
                        "lat": {"type": "number"},
                        "lon": {"type": "number"},
                        "place": NULLABLE_STRING,
                    },
                },
                "item": {"type": "string", "description": "The checklist item screened on."},
                "available": {
                    "type": "boolean",
                    "description": "False while vetting is not installed.",
                },
                "results": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "name", "url"],
                        "properties": {
                            "id": {"type": "string"},
                            "name": {"type": "string"},
                            "city": NULLABLE_STRING,
                            "country": NULLABLE_STRING,
                            "distance_km": NULLABLE_NUMBER,
                            "score": NULLABLE_NUMBER,
                            "core_verified": {"type": "boolean"},
                            "screening_state": {"type": "string"},
                            "screening_verified_at": NULLABLE_STRING,
                            "url": {"type": "string"},
                        },
                    },
                },
            },
        },
        "ClinicChecklistItem": {
            "type": "object",
            "description": "One applicable checklist item and what was verified of it.",
            "required": ["key", "title", "state"],
            "properties": {
                "key": {"type": "string"},
                "title": {"type": "string"},
                "core": {"type": "boolean"},
                "weight": {"type": "number"},
                "state": {"type": "string"},
                "label": NULLABLE_STRING,
                "verified_at": NULLABLE_STRING,
                "verified_by": {**NULLABLE_STRING, "description": "The moderator's shown name."},
                "fades_from": NULLABLE_STRING,
                "expires_at": NULLABLE_STRING,
            },
        },
        "ChecklistItem": {
            "type": "object",
            "required": ["key", "title", "core", "weight"],
            "properties": {
                "key": {"type": "string"},
                "title": {"type": "string"},
                "core": {"type": "boolean"},
                "weight": {"type": "number"},
            },
        },
        "Checklist": {
            "type": "object",
            "required": ["version", "items"],
            "properties": {
                "version": {"type": ["integer", "string"]},
                "items": {"type": "array", "items": _ref("ChecklistItem")},
            },
        },
    }


def openapi_document(vocabulary: Vocabulary) -> dict:
    """Return the OpenAPI 3.1 document for every /api/v1 endpoint."""
    bad_request = _json(_ref("Error"), "A parameter is invalid; reason names it.")
    not_found = _json(_ref("Error"), "No published clinic has this id.")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Vetted public API",
            "version": "1.0.0",
            "description": "Search aesthetic clinics and read their vetting. Read-only, no "
            'authentication. Errors are {"error": {"status", "reason"}}.',
        },
        "paths": {
            "/api/v1/clinics": {
                "get": {
                    "operationId": "searchClinics",
                    "summary": "Search published clinics, with facet counts.",
                    "parameters": _search_parameters(vocabulary),
                    "responses": {
                        "200": _json(_ref("SearchResults"), "One page of results."),
                        "400": bad_request,
                    },
                }
            },
            "/api/v1/clinics/{clinic_id}": {
                "get": {
                    "operationId": "getClinic",
                    "summary": "Read one published clinic's public profile and vetting.",
                    "parameters": [
                        {
                            "name": "clinic_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _json(_ref("Clinic"), "The clinic."),
                        "404": not_found,
                    },
                }
            },
            "/api/v1/checklist": {
                "get": {
                    "operationId": "getChecklist",
                    "summary": "The vetting checklist clinics are scored against.",
                    "responses": {"200": _json(_ref("Checklist"), "The current checklist.")},
                }
            },
            "/api/v1/self-check/clinics": {
                "get": {
                    "operationId": "selfCheckClinics",
                    "summary": "Nearest clinics whose contraindication screening is verified. "
                    "Only the place is sent; self-check answers never leave the browser.",
                    "parameters": [
                        {
                            "name": "near",
                            "in": "query",
                            "required": True,
                            "description": "A city name or 'lat,lon'.",
                            "schema": {"type": "string", "maxLength": 200},
                        }
                    ],
                    "responses": {
                        "200": _json(_ref("SelfCheckClinics"), "Up to 10 clinics, nearest first."),
                        "400": _json(_ref("Error"), "near is missing, invalid or unknown."),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenAPI",
                    "summary": "This document.",
                    "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")},
                }
            },
        },
        "components": {"schemas": _schemas()},
    }
