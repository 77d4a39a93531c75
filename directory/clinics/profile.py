"""Check and normalise one clinic profile against the documented format.

The shape is directory/schemas/clinic-profile.schema.json (see docs/profile-format.md); this
module adds what a schema cannot say: vocabulary keys, ISO codes, sane prices and dates.
A clean profile has exactly the form the store gives back, so saving it again is a no-op.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

import pycountry
from jsonschema import Draft202012Validator

from directory.vocabulary import load_vocabulary

SCHEMA_FILE = "clinic-profile.schema.json"
# The canonical key order (the order of storage._profile_from_rows and of every export).
PROFILE_KEYS = (
    "id",
    "name",
    "brand",
    "description",
    "address",
    "location",
    "contact",
    "opening_hours",
    "external_ids",
    "languages",
    "treatments",
    "practitioners",
    "status",
)
ADDRESS_KEYS = ("lines", "city", "region", "postcode", "country")
CONTACT_KEYS = ("phone", "email", "website")
TREATMENT_KEYS = ("key", "price_from", "price_to", "currency")
PRACTITIONER_KEYS = (
    "name",
    "role",
    "licence_number",
    "licence_authority",
    "licence_expiry",
    "prescriber",
)
# Free-text fields where line breaks are meaningful; elsewhere runs of whitespace collapse.
MULTILINE = {"description", "opening_hours"}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Common mistakes worth a hint: the code people type and the ISO code they meant.
COUNTRY_HINTS = {"UK": "GB", "EN": "GB"}


@dataclass(frozen=True)
class FieldError:
    """One problem with one field; field is a dotted path like treatments[1].key."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field or 'record'}: {self.reason}"


@functools.cache
def load_schema() -> dict:
    """Return the packaged JSON Schema of a clinic profile."""
    text = resources.files("directory").joinpath("schemas", SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


@functools.cache
def _validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@functools.cache
def _codes() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    countries = frozenset(c.alpha_2 for c in pycountry.countries)
    languages = frozenset(la.alpha_2 for la in pycountry.languages if hasattr(la, "alpha_2"))
    currencies = frozenset(c.alpha_3 for c in pycountry.currencies)
    return countries, languages, currencies


def validate_profile(raw: Any) -> tuple[dict | None, list[FieldError]]:
    """Return (clean profile, []) or (None, errors) for one decoded JSON value."""
    if not isinstance(raw, dict):
        return None, [FieldError("", f"expected a JSON object, got {_json_type(raw)}")]
    tidy = _tidy(raw)
    errors = [_schema_error(e) for e in _validator().iter_errors(tidy)]
    if not errors:
        errors = _check_values(tidy)
    if errors:
        unique = {(e.field, e.reason): e for e in errors}
        return None, sorted(unique.values(), key=lambda e: (e.field, e.reason))
    return _canonical(tidy), []


def dumps_profile(profile: dict) -> str:
    """Return one profile as a JSON Lines line (no newline), keys in canonical order."""
    return json.dumps(_canonical(profile), ensure_ascii=False)


# -- tidying: forgiving about whitespace and case, before the strict checks ---------------


def _tidy_text(value: Any, key: str) -> Any:
    if not isinstance(value, str):
        return value
    value = value.strip()
    if key not in MULTILINE:
        value = " ".join(value.split())
    return value


def _tidy_fields(raw: dict, *, nullable: tuple[str, ...] = ()) -> dict:
    out = {}
    for key, value in raw.items():
        value = _tidy_text(value, key)
        if key in nullable and value == "":
            value = None
        out[key] = value
    return out


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _number(value: Any) -> Any:
    # JSON has one number type; the store keeps floats, so 150 and 150.0 must compare equal.
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _tidy(raw: dict) -> dict:
    """Strip, collapse and case-fold what can be fixed without guessing; keep everything else."""
    nullable = ("brand", "description", "opening_hours")
    tidy = _tidy_fields(raw, nullable=nullable)
    if isinstance(tidy.get("address"), dict):
        address = _tidy_fields(tidy["address"], nullable=("city", "region", "postcode"))
        if isinstance(address.get("lines"), list):
            address["lines"] = [
                _tidy_text(line, "lines") for line in address["lines"] if line != ""
            ]
            address["lines"] = [line for line in address["lines"] if line != ""]
        address["postcode"] = _upper(address.get("postcode"))
        if "country" in address:
            address["country"] = _upper(address["country"])
        tidy["address"] = address
    if isinstance(tidy.get("location"), dict):
        tidy["location"] = {k: _number(v) for k, v in tidy["location"].items()}
    if isinstance(tidy.get("contact"), dict):
        tidy["contact"] = _tidy_fields(tidy["contact"], nullable=CONTACT_KEYS)
    if isinstance(tidy.get("external_ids"), dict):
        tidy["external_ids"] = {k: _tidy_text(v, k) for k, v in tidy["external_ids"].items()}
    if isinstance(tidy.get("languages"), list):
        tidy["languages"] = [
            _tidy_text(v, "languages").lower() if isinstance(v, str) else v
            for v in tidy["languages"]
        ]
    if isinstance(tidy.get("treatments"), list):
        tidy["treatments"] = [
            _tidy_treatment(t) if isinstance(t, dict) else t for t in tidy["treatments"]
        ]
    if isinstance(tidy.get("practitioners"), list):
        tidy["practitioners"] = [
            _tidy_fields(p, nullable=PRACTITIONER_KEYS[1:5]) if isinstance(p, dict) else p
            for p in tidy["practitioners"]
        ]
    return tidy


def _tidy_treatment(raw: dict) -> dict:
    treatment = _tidy_fields(raw, nullable=("currency",))
    for key in ("price_from", "price_to"):
        if key in treatment:
            treatment[key] = _number(treatment[key])
    treatment["currency"] = _upper(treatment.get("currency"))
    return treatment


# -- reporting schema errors in words a person can act on ----------------------------------


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _short(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _join_path(parts) -> str:
    path = ""
    for part in parts:
        if isinstance(part, str) and len(part) > 40:  # a hostile key is not echoed whole
            part = part[:39] + "…"
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


TYPE_WORDS = {
    "string": "a string",
    "null": "null",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "an array",
    "object": "an object",
}


def _schema_error(error) -> FieldError:
    path = list(error.absolute_path)
    field = _join_path(path)
    kind, schema, value = error.validator, error.schema, error.instance
    hint = schema.get("description") if isinstance(schema, dict) else None
    if kind == "required":
        missing = next((n for n in error.validator_value if n not in value), "?")
        return FieldError(_join_path([*path, missing]), "is required")
    if kind == "additionalProperties":
        allowed = set(schema.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed)
        return FieldError(_join_path([*path, extra[0] if extra else "?"]), "is not a known field")
    if kind == "type":
        wanted = error.validator_value
        wanted = wanted if isinstance(wanted, list) else [wanted]
        words = " or ".join(TYPE_WORDS.get(w, w) for w in wanted)
        return FieldError(field, f"must be {words}, not {_json_type(value)}")
    if kind == "minLength":
        return FieldError(field, "must not be empty")
    if kind == "maxLength":
        return FieldError(
            field, f"is too long ({len(value)} characters, at most {error.validator_value})"
        )
    if kind in ("maxItems", "maxProperties"):
        return FieldError(
            field, f"has too many entries ({len(value)}, at most {error.validator_value})"
        )
    if kind == "uniqueItems":
        return FieldError(field, "lists the same value twice")
    if kind in ("minimum", "maximum"):
        low, high = schema.get("minimum"), schema.get("maximum")
        return FieldError(field, f"{value} is out of range ({low} to {high})")
    if kind == "enum":
        return FieldError(
            field, f"{_short(value)} is not one of: {', '.join(error.validator_value)}"
        )
    if kind == "pattern" and "propertyNames" in error.schema_path:
        return FieldError(_join_path([*path, value]), f"is not a valid key: {hint}")
    if kind == "pattern":
        reason = f"{_short(value)} is not valid"
        return FieldError(field, f"{reason}: {hint}" if hint else reason)
    return FieldError(field, error.message[:200])


# -- checks beyond the schema ---------------------------------------------------------------


def _check_values(p: dict) -> list[FieldError]:
    countries, languages, currencies = _codes()
    errors: list[FieldError] = []
    errors.extend(_control_characters(p))
    country = p["address"]["country"]
    if country not in countries:
        hint = COUNTRY_HINTS.get(country)
        errors.append(
            FieldError(
                "address.country",
                f"{country!r} is not an ISO 3166-1 alpha-2 country code"
                + (f" (did you mean {hint}?)" if hint else ""),
            )
        )
    for n, code in enumerate(p.get("languages", [])):
        if code not in languages:
            errors.append(FieldError(f"languages[{n}]", f"{code!r} is not an ISO 639-1 code"))
    email = (p.get("contact") or {}).get("email")
    if email is not None and not EMAIL.match(email):
        errors.append(FieldError("contact.email", f"{_short(email)} is not an e-mail address"))
    vocabulary = load_vocabulary().treatments
    seen: dict[str, int] = {}
    for n, t in enumerate(p.get("treatments", [])):
        where = f"treatments[{n}]"
        if t["key"] not in vocabulary:
            errors.append(FieldError(f"{where}.key", f"{t['key']!r} is not a vocabulary treatment"))
        if t["key"] in seen:
            errors.append(
                FieldError(
                    f"{where}.key",
                    f"{t['key']!r} is listed twice (also treatments[{seen[t['key']]}])",
                )
            )
        seen.setdefault(t["key"], n)
        low, high, currency = t.get("price_from"), t.get("price_to"), t.get("currency")
        if low is not None and high is not None and low > high:
            errors.append(FieldError(f"{where}.price_to", "is lower than price_from"))
        if (low is not None or high is not None) and currency is None:
            errors.append(FieldError(f"{where}.currency", "is required when a price is given"))
        if currency is not None and currency not in currencies:
            errors.append(FieldError(f"{where}.currency", f"{currency!r} is not an ISO 4217 code"))
    people: dict[tuple, int] = {}
    for n, person in enumerate(p.get("practitioners", [])):
        where = f"practitioners[{n}]"
        expiry = person.get("licence_expiry")
        if expiry is not None:
            try:
                date.fromisoformat(expiry)
            except ValueError:
                errors.append(
                    FieldError(f"{where}.licence_expiry", f"{expiry!r} is not a real date")
                )
        same = (person["name"].casefold(), (person.get("licence_number") or "").casefold())
        if same in people:
            errors.append(
                FieldError(where, f"the same practitioner as practitioners[{people[same]}]")
            )
        people.setdefault(same, n)
    return errors


def _strings(value: Any, path: list):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, [*path, key])
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _strings(item, [*path, n])


def _control_characters(p: dict) -> list[FieldError]:
    return [
        FieldError(_join_path(path), "contains control characters")
        for path, text in _strings(p, [])
        if CONTROL.search(text)
    ]


# -- the canonical form ---------------------------------------------------------------------


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _canonical(p: dict) -> dict:
    """Return p in canonical form: only the top-level fields it has, each complete."""
    shapers = {
        "address": lambda a: {
            "lines": list(a.get("lines") or []),
            **{k: a.get(k) for k in ADDRESS_KEYS[1:]},
        },
        "location": lambda loc: (
            None if loc is None else {"lat": float(loc["lat"]), "lon": float(loc["lon"])}
        ),
        "contact": lambda c: {k: c.get(k) for k in CONTACT_KEYS},
        "external_ids": lambda ids: {k: ids[k] for k in sorted(ids)},
        "languages": lambda codes: sorted(codes),
        "treatments": lambda ts: [
            {
                "key": t["key"],
                "price_from": _float(t.get("price_from")),
                "price_to": _float(t.get("price_to")),
                "currency": t.get("currency"),
            }
            for t in sorted(ts, key=lambda t: t["key"])
        ],
        "practitioners": lambda ps: [
            {
                **{k: person.get(k) for k in PRACTITIONER_KEYS[:-1]},
                "prescriber": bool(person.get("prescriber", False)),
            }
            for person in ps
        ],
    }
    return {key: shapers.get(key, lambda v: v)(p[key]) for key in PROFILE_KEYS if key in p}
