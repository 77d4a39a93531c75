"""The profile format: the schema describes what the store returns; validation rules."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from directory.clinics import storage
from directory.clinics.profile import PROFILE_KEYS, dumps_profile, load_schema, validate_profile
from directory.clinics.services import save_profile
from tests.conftest import make_profile


def test_schema_is_valid_draft_2020_12():
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_describes_exactly_what_the_store_returns(store):
    save_profile(store, make_profile(), actor="test")
    stored = storage.get_profile(store, "c-1")
    schema = load_schema()
    assert list(stored) == list(PROFILE_KEYS)
    assert set(schema["properties"]) == set(stored)
    for name in ("address", "contact"):
        assert set(schema["properties"][name]["properties"]) == set(stored[name])
    assert set(schema["properties"]["treatments"]["items"]["properties"]) == set(
        stored["treatments"][0]
    )
    assert set(schema["properties"]["practitioners"]["items"]["properties"]) == set(
        stored["practitioners"][0]
    )
    assert list(Draft202012Validator(schema).iter_errors(stored)) == []


def test_clean_profile_is_what_the_store_gives_back(store):
    clean, errors = validate_profile(make_profile(languages=["en", "ar"]))
    assert errors == []
    save_profile(store, clean, actor="test")
    assert dumps_profile(storage.get_profile(store, "c-1")) == dumps_profile(clean)
    assert json.dumps(clean) == json.dumps(storage.get_profile(store, "c-1"))
    # Validating a clean profile changes nothing.
    assert validate_profile(clean) == (clean, [])


def test_minimal_profile_gets_the_defaults(store):
    clean, errors = validate_profile({"id": "tiny", "name": "Tiny", "address": {"country": "FR"}})
    assert errors == []
    assert list(clean) == ["id", "name", "address"]
    save_profile(store, clean, actor="test")
    stored = storage.get_profile(store, "tiny")
    assert stored["address"] == {
        "lines": [],
        "city": None,
        "region": None,
        "postcode": None,
        "country": "FR",
    }
    assert stored["location"] is None
    assert stored["treatments"] == stored["languages"] == stored["practitioners"] == []
    assert stored["external_ids"] == {}
    assert stored["status"] == "published"


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        # leading/trailing and repeated spaces in one-line fields
        ({"name": "  Harley   Skin  "}, "name", "Harley Skin"),
        # line breaks stay in free text, outer space goes
        ({"description": " a\nb "}, "description", "a\nb"),
        # empty strings become null
        ({"brand": "  "}, "brand", None),
        # country and postcode in capitals
        ({"address": {"country": "gb", "postcode": "w1g 9pf"}}, "address.country", "GB"),
        ({"address": {"country": "GB", "postcode": "w1g  9pf"}}, "address.postcode", "W1G 9PF"),
        # blank address lines are dropped
        ({"address": {"country": "GB", "lines": ["", " 1 Road "]}}, "address.lines", ["1 Road"]),
        # language codes lower-cased and sorted
        ({"languages": ["FR", "en"]}, "languages", ["en", "fr"]),
        # whole numbers become floats, as the store keeps them
        ({"location": {"lat": 51, "lon": 0}}, "location", {"lat": 51.0, "lon": 0.0}),
        # treatments sorted by key, missing prices filled with null, currency upper-cased
        (
            {
                "treatments": [
                    {"key": "pressotherapy"},
                    {"key": "microneedling", "price_from": 90, "currency": "gbp"},
                ]
            },
            "treatments",
            [
                {"key": "microneedling", "price_from": 90.0, "price_to": None, "currency": "GBP"},
                {"key": "pressotherapy", "price_from": None, "price_to": None, "currency": None},
            ],
        ),
        # prescriber defaults to false
        (
            {"practitioners": [{"name": "Dr B"}]},
            "practitioners",
            [
                {
                    "name": "Dr B",
                    "role": None,
                    "licence_number": None,
                    "licence_authority": None,
                    "licence_expiry": None,
                    "prescriber": False,
                }
            ],
        ),
        # external ids sorted by key
        (
            {"external_ids": {"ods": "X1", "nhs_org_id": "7"}},
            "external_ids",
            {"nhs_org_id": "7", "ods": "X1"},
        ),
    ],
)
def test_tidying(change, field, expected):
    clean, errors = validate_profile(make_profile(**change))
    assert errors == []
    value = clean
    for part in field.split("."):
        value = value[part]
    assert value == expected
    if isinstance(expected, dict):
        assert list(value) == list(expected)


def _set(path: str, value):
    """Return make_profile() with the value at a dotted path set (appended, or removed for ...)."""
    profile = copy.deepcopy(make_profile())
    *parents, last = path.split(".")
    target = profile
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key = int(last) if last.isdigit() else last
    if value is ...:
        del target[key]
    elif isinstance(target, list) and key == len(target):
        target.append(value)
    else:
        target[key] = value
    return profile


@pytest.mark.parametrize(
    ("path", "value", "field", "reason"),
    [
        # the stable id is required and has a fixed form
        ("id", ..., "id", "is required"),
        ("id", "Has Spaces", "id", "is not valid: stable identifier"),
        ("id", "x" * 81, "id", "is not valid"),
        ("id", 7, "id", "must be a string, not a number"),
        # a name is required and bounded
        ("name", "", "name", "must not be empty"),
        ("name", "n" * 201, "name", "is too long (201 characters, at most 200)"),
        # unknown fields are reported, not dropped
        ("colour", "red", "colour", "is not a known field"),
        ("address.town", "Leeds", "address.town", "is not a known field"),
        # the country is required, an ISO alpha-2 code that exists
        ("address.country", ..., "address.country", "is required"),
        ("address.country", "GBR", "address.country", "is not valid"),
        ("address.country", "XX", "address.country", "not an ISO 3166-1 alpha-2 country code"),
        ("address.country", "UK", "address.country", "did you mean GB?"),
        # an address is required and is an object
        ("address", ..., "address", "is required"),
        ("address", "10 Harley Street", "address", "must be an object, not a string"),
        # coordinates in range, both present, numbers
        ("location.lat", 91, "location.lat", "91.0 is out of range (-90 to 90)"),
        ("location.lon", -180.5, "location.lon", "out of range (-180 to 180)"),
        ("location.lon", ..., "location.lon", "is required"),
        ("location.lat", "51.5", "location.lat", "must be a number, not a string"),
        ("location.lat", True, "location.lat", "must be a number, not true/false"),
        # contact details that can be used
        ("contact.email", "not-an-email", "contact.email", "is not an e-mail address"),
        ("contact.website", "www.example.org", "contact.website", "http:// or https://"),
        ("contact.website", "javascript:alert(1)", "contact.website", "is not valid"),
        # languages are known ISO 639-1 codes, each once
        ("languages", ["xx"], "languages[0]", "'xx' is not an ISO 639-1 code"),
        ("languages", ["english"], "languages[0]", "is not valid"),
        ("languages", ["en", "EN"], "languages", "lists the same value twice"),
        # treatments come from the vocabulary, once each, with sane prices
        ("treatments.0.key", "botox-party", "treatments[0].key", "not a vocabulary treatment"),
        ("treatments.1.key", "mesotherapy-face", "treatments[1].key", "is listed twice"),
        ("treatments.0.price_from", -1, "treatments[0].price_from", "out of range"),
        ("treatments.0.price_to", 100.0, "treatments[0].price_to", "lower than price_from"),
        ("treatments.0.currency", None, "treatments[0].currency", "required when a price"),
        ("treatments.0.currency", "ZZZ", "treatments[0].currency", "not an ISO 4217 code"),
        ("treatments.0.key", ..., "treatments[0].key", "is required"),
        # practitioners: a name, a real expiry date, no one listed twice
        ("practitioners.0.name", ..., "practitioners[0].name", "is required"),
        (
            "practitioners.0.licence_expiry",
            "2027-02-30",
            "practitioners[0].licence_expiry",
            "is not a real date",
        ),
        (
            "practitioners.0.licence_expiry",
            "30/06/2027",
            "practitioners[0].licence_expiry",
            "YYYY-MM-DD",
        ),
        ("practitioners.0.prescriber", "yes", "practitioners[0].prescriber", "true or false"),
        (
            "practitioners.1",
            {"name": "dr amira haddad", "licence_number": "gmc 7654321"},
            "practitioners[1]",
            "the same practitioner as practitioners[0]",
        ),
        # status is one of three
        ("status", "live", "status", "not one of: published, unpublished, suspended"),
        # control characters have no place in a profile
        ("name", "Harley\x00Skin", "name", "contains control characters"),
        # external ids: a map of short keys to strings
        ("external_ids", {"ods": 5}, "external_ids.ods", "must be a string"),
        ("external_ids", {"Bad Key": "x"}, "external_ids.Bad Key", "is not a valid key"),
        # objects and lists are not nullable
        ("treatments", None, "treatments", "must be an array, not null"),
    ],
)
def test_invalid_fields(path, value, field, reason):
    clean, errors = validate_profile(_set(path, value))
    assert clean is None
    assert any(e.field == field and reason in e.reason for e in errors), errors


@pytest.mark.parametrize("value", [[], "a string", 3, None, ["id"]])
def test_not_an_object_is_refused(value):
    clean, errors = validate_profile(value)
    assert clean is None
    assert "expected a JSON object" in errors[0].reason


@pytest.mark.parametrize(
    "profile",
    [
        make_profile(id="X" * 100_000),  # a long value
        make_profile(**{"k" * 100_000: 1}),  # a long unknown field
        make_profile(external_ids={"K" * 100_000: "x"}),  # a long map key
    ],
)
def test_long_values_are_not_echoed_whole(profile):
    _, errors = validate_profile(profile)
    assert errors and all(len(str(e)) < 300 for e in errors)


def test_dumps_profile_uses_the_canonical_key_order():
    shuffled = dict(reversed(list(make_profile().items())))
    line = dumps_profile(shuffled)
    assert list(json.loads(line)) == list(PROFILE_KEYS)
    assert "\n" not in line


JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.sampled_from([*PROFILE_KEYS, "address.country", "location.lat", "treatments"])


@settings(max_examples=300, deadline=None)
@given(value=JSON, field=FIELDS)
def test_any_value_in_any_field_gives_a_clean_profile_or_errors(value, field):
    profile = make_profile()
    if "." in field:
        outer, inner = field.split(".")
        profile[outer] = {**(profile[outer] or {}), inner: value}
    else:
        profile[field] = value
    clean, errors = validate_profile(profile)
    assert (clean is None) == bool(errors)
    if clean is not None:
        assert validate_profile(clean) == (clean, [])
    for error in errors:
        assert isinstance(error.field, str) and error.reason
