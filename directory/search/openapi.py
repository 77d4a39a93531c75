"""The OpenAPI 3.1 description of /api/v1, built from the same limits the code enforces."""

from __future__ import annotations

import re

from directory.clinics.profile import PRACTITIONER_KEYS
from directory.errors import MAX_URL_BYTES
from directory.hsds.changes_api import DEFAULT_LIMIT as CHANGES_DEFAULT_LIMIT
from directory.hsds.changes_api import MAX_CURSOR
from directory.hsds.changes_api import MAX_LIMIT as CHANGES_MAX_LIMIT
from directory.patients.places import MAX_NEAR_LENGTH
from directory.search import params as p
from directory.vocabulary import Vocabulary
from index.types import FACET_FIELDS, SORTS

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_NUMBER = {"type": ["number", "null"]}
EMPTY = {"const": ""}
NEAR_400 = (
    "near is neither 'lat,lon' in degrees (latitude -90 to 90, longitude -180 to 180) nor a "
    "place name"
)


def _words(words) -> str:
    """Return a pattern matching any of the words in any letter case, or nothing at all."""
    spelt = (
        "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)
        for word in words
    )
    return "^(?:" + "|".join(spelt) + ")?$"


def _or_empty(schema: dict) -> dict:
    """Accept an empty value too: a form's "any" choice sends the parameter with nothing in it."""
    return {"anyOf": [schema, EMPTY]}


# A country (ISO 3166-1 alpha-2) or language (ISO 639-1) code, in either case.
TWO_LETTER_CODE = {"type": "string", "pattern": "^[A-Za-z]{2}$"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, *, optional: tuple[str, ...] = (), **extra) -> dict:
    """Return an object schema whose properties are all required except the optional ones."""
    required = [name for name in properties if name not in optional]
    return {"type": "object", "required": required, "properties": properties, **extra}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(
    name: str, description: str, schema: dict, *, repeatable: bool = False, empty: bool = True
) -> dict:
    """Describe a query parameter; unless empty is False, an empty value is also accepted."""
    param = {"name": name, "in": "query", "required": False, "description": description}
    default = schema.pop("default", None)
    if empty:
        schema = _or_empty(schema)
    if repeatable:
        param.update(
            schema={"type": "array", "items": schema, "maxItems": p.MAX_VALUES},
            style="form",
            explode=True,
        )
    else:
        param["schema"] = schema if default is None else {**schema, "default": default}
    return param


def _search_parameters(vocabulary: Vocabulary) -> list[dict]:
    return [
        _query(
            "q",
            "Words to look for: treatment, concern, place or clinic name.",
            {"type": "string", "maxLength": p.MAX_Q},
            empty=False,
        ),
        _query(
            "country",
            "Only clinics in this country (ISO 3166-1 alpha-2).",
            TWO_LETTER_CODE,
            repeatable=True,
        ),
        _query(
            "city",
            "Only clinics in this city.",
            {"type": "string", "maxLength": p.MAX_TEXT},
            repeatable=True,
            empty=False,
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
            TWO_LETTER_CODE,
            repeatable=True,
        ),
        _query(
            "near",
            "Measure distance from here: 'lat,lon' in degrees, or a place name in any common "
            "language or script ('Londres', 'دبي', 'London, UK'). A city gives results a "
            "distance_km; a country keeps clinics in it; a place we do not know is ignored "
            "with a note in interpretation. A 400 when " + NEAR_400 + ".",
            {"type": "string", "maxLength": p.MAX_TEXT},
            empty=False,
        ),
        _query(
            "radius_km",
            "Only clinics within this many kilometres of near (without near, a 400).",
            {"type": "number", "exclusiveMinimum": 0, "maximum": p.MAX_RADIUS_KM},
        ),
        _query(
            "sort",
            "Order of results; distance without near is a 400.",
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
            "Only clinics whose core checklist items are all verified: true, 1, yes or on; "
            "false, 0, no or off (any letter case).",
            {"type": "string", "pattern": _words(p.TRUE_WORDS + p.FALSE_WORDS), "default": "false"},
            empty=False,
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
        _query(
            "with_experiences",
            "Only clinics with verified patient experiences (sort=experiences puts those with "
            "the most first).",
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


def _search_schemas() -> dict:
    """Schemas of GET /api/v1/clinics: a page of results and its errors."""
    counts = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
    return {
        "Error": _object(
            {
                "error": _object(
                    {
                        "status": {"type": "integer"},
                        "reason": {
                            "type": "string",
                            "minLength": 1,
                            "description": "What was wrong, naming the parameter.",
                        },
                    }
                )
            }
        ),
        "SearchResult": _object(
            {
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
                "experiences": _ref("ExperienceCounts"),
                "url": {"type": "string", "description": "The clinic's public page."},
            },
            optional=("distance_km",),
            additionalProperties=False,
        ),
        "SearchResults": _object(
            {
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
                "links": _object({"next": NULLABLE_STRING, "prev": NULLABLE_STRING}),
            },
            additionalProperties=False,
        ),
        "Interpretation": _interpretation_schema(),
    }


def _clinic_schemas() -> dict:
    """Schemas of GET /api/v1/clinics/{clinic_id}: the public profile and its vetting."""
    return {
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
            # The profile's practitioner fields: text that may be null, but for two.
            "properties": {
                **dict.fromkeys(PRACTITIONER_KEYS, NULLABLE_STRING),
                "name": {"type": "string"},
                "prescriber": {"type": "boolean"},
            },
        },
        "Clinic": _object(
            {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "brand": NULLABLE_STRING,
                "description": NULLABLE_STRING,
                "address": _ref("Address"),
                "location": {
                    **_object(
                        {
                            "lat": {"type": "number", "minimum": -90, "maximum": 90},
                            "lon": {"type": "number", "minimum": -180, "maximum": 180},
                        }
                    ),
                    "type": ["object", "null"],
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
                "experiences": _ref("Experiences"),
                "url": {"type": "string", "description": "The clinic's public page."},
            },
            optional=("brand", "description", "location", "contact", "opening_hours", "updated_at"),
        ),
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
    }


def _checklist_schemas() -> dict:
    """Schemas of the checklist and of the self-check's nearby clinics."""
    return {
        "SelfCheckClinics": _object(
            {
                "near": _object(
                    {
                        "lat": {"type": "number"},
                        "lon": {"type": "number"},
                        "place": NULLABLE_STRING,
                    },
                    optional=("place",),
                ),
                "item": {"type": "string", "description": "The checklist item screened on."},
                "available": {
                    "type": "boolean",
                    "description": "Whether screening could be looked up: always true (the "
                    "field stays for clients written against the first version).",
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
            }
        ),
        "ChecklistItem": _object(
            {
                "key": {"type": "string"},
                "title": {"type": "string"},
                "core": {"type": "boolean"},
                "weight": {"type": "number"},
            }
        ),
        "Checklist": _object(
            {
                "version": {"type": ["integer", "string"]},
                "items": {"type": "array", "items": _ref("ChecklistItem")},
            }
        ),
    }


def _change_schemas() -> dict:
    """Schemas of GET /api/v1/changes: the feed of published changes."""
    return {
        "Change": _object(
            {
                "cursor": {"type": "string", "description": "Resume after this change."},
                "at": {"type": "string", "format": "date-time"},
                "type": {"enum": ["created", "updated", "suspended", "removed", "score_changed"]},
                "clinic_id": {"type": "string"},
                "hsds_organization_id": {"type": "string", "format": "uuid"},
                "url": {"type": "string"},
                "fields": {"type": "array", "items": {"type": "string"}},
                "item": {"type": "string", "description": "The checklist item (score_changed)."},
                "state": NULLABLE_STRING,
            },
            optional=("fields", "item", "state"),
            additionalProperties=False,
        ),
        "Changes": _object(
            {
                "changes": {"type": "array", "items": _ref("Change")},
                "next": {"type": "string", "description": "The cursor to pass as since."},
                "has_more": {"type": "boolean"},
                "links": _object({"next": {"type": "string"}}),
            }
        ),
    }


def _experience_schemas() -> dict:
    """Schemas of verified patient experiences: aggregates only, never a person's data."""
    count = {"type": "integer", "minimum": 0}
    share = {**NULLABLE_NUMBER, "minimum": 0, "maximum": 1}
    return {
        "ExperienceCounts": _object(
            {
                "count": {**count, "description": "Verified patient experiences published."},
                "rating": {
                    **NULLABLE_NUMBER,
                    "description": "Mean overall rating (1 to 5); null below the number of "
                    "experiences the clinic page needs to show it.",
                },
            },
            additionalProperties=False,
        ),
        "Experiences": _object(
            {
                "count": count,
                "rating": _object(
                    {
                        "mean": NULLABLE_NUMBER,
                        "spread": {
                            "type": ["object", "null"],
                            "description": "Experiences per rating, 1 to 5 (null when too few).",
                            "additionalProperties": count,
                        },
                    }
                ),
                "questions": {
                    "type": "array",
                    "description": "Per question (tied to a checklist item): how many answered "
                    "yes or no, and the share who said yes (null when too few answered).",
                    "items": _object(
                        {
                            "key": {"type": "string"},
                            "item": {"type": "string", "description": "A checklist item key."},
                            "answered": count,
                            "yes": {"type": ["integer", "null"]},
                            "share": share,
                            "percent": {"type": ["integer", "null"]},
                            "summary": {"type": "string"},
                        }
                    ),
                },
                "rechecks": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Verified items patients' answers contradict: a moderator is "
                    "re-checking them (the score is unchanged).",
                },
            }
        ),
    }


def _schemas() -> dict:
    return {
        **_search_schemas(),
        **_clinic_schemas(),
        **_checklist_schemas(),
        **_change_schemas(),
        **_experience_schemas(),
    }


def openapi_document(vocabulary: Vocabulary) -> dict:
    """Return the OpenAPI 3.1 document for every /api/v1 endpoint."""
    bad_request = _json(
        _ref("Error"),
        "A parameter is invalid, and reason names each one: a value outside its schema, a "
        "parameter given twice that takes one value, radius_km or sort=distance without near, "
        "or " + NEAR_400 + ".",
    )
    not_found = _json(_ref("Error"), "No published clinic has this id.")
    too_long = _json(
        _ref("Error"),
        f"The address with its query is longer than {MAX_URL_BYTES:,} bytes as sent "
        "(percent-encoded): send fewer or shorter values.",
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Vetted public API",
            "version": "1.0.0",
            "description": "Search aesthetic clinics and read their vetting. Read-only, no "
            'authentication. Errors are {"error": {"status", "reason"}}, for every status. '
            "An empty query parameter means the same as leaving it out, as HTML forms send it.",
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
                        "414": too_long,
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
                        "414": too_long,
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
                            "schema": {"type": "string", "maxLength": MAX_NEAR_LENGTH},
                        }
                    ],
                    "responses": {
                        "200": _json(_ref("SelfCheckClinics"), "Up to 10 clinics, nearest first."),
                        "400": _json(
                            _ref("Error"),
                            "near is missing or empty, or " + NEAR_400 + ", or names a place we "
                            "do not know; or a parameter other than near was sent.",
                        ),
                        "414": too_long,
                    },
                }
            },
            "/api/v1/changes": {
                "get": {
                    "operationId": "listChanges",
                    "summary": "Published changes in ledger order (created, updated, suspended, "
                    "removed, score_changed), from an opaque cursor; resume with next.",
                    "parameters": [
                        _query(
                            "since",
                            "A cursor from an earlier page; without it, from the beginning.",
                            {"type": "string", "maxLength": MAX_CURSOR},
                            empty=False,
                        ),
                        _query(
                            "limit",
                            "Changes per page.",
                            {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": CHANGES_MAX_LIMIT,
                                "default": CHANGES_DEFAULT_LIMIT,
                            },
                            empty=False,
                        ),
                    ],
                    "responses": {
                        "200": _json(_ref("Changes"), "One page of changes."),
                        "400": _json(
                            _ref("Error"),
                            f"limit is not a whole number from 1 to {CHANGES_MAX_LIMIT}, or "
                            "since is not a cursor this API gave out (an empty one included).",
                        ),
                        "414": too_long,
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
