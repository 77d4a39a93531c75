"""The profile editor's logic: profile <-> form data, field-by-field diffs, three-way merge.

Pure functions (no Flask, no database), so the rules are tested directly.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from directory.clinics.profile import PRACTITIONER_KEYS

# Every field a clinic edits, as a path into the profile, with the label people read.
FIELDS: dict[str, str] = {
    "name": "Clinic name",
    "brand": "Brand or group",
    "description": "Description",
    "address.lines": "Street address",
    "address.city": "Town or city",
    "address.region": "Region or county",
    "address.postcode": "Postcode",
    "address.country": "Country",
    "location": "Coordinates",
    "contact.phone": "Phone",
    "contact.email": "E-mail for patients",
    "contact.website": "Website",
    "opening_hours": "Opening hours",
    "languages": "Languages spoken",
    "treatments": "Treatments and prices",
    "practitioners": "Practitioners",
}


def _blank_to_none(value: Any) -> Any:
    return None if value in ("", None) else value


def treatment_rows(profile: dict | None, vocabulary_keys: list[str]) -> list[dict]:
    """Return one editor row per vocabulary treatment (plus any other the profile has)."""
    offered = {t["key"]: t for t in (profile or {}).get("treatments") or []}
    keys = list(vocabulary_keys) + sorted(k for k in offered if k not in vocabulary_keys)
    rows = []
    for key in keys:
        t = offered.get(key)
        rows.append(
            {
                "key": key,
                "offered": t is not None,
                "price_from": t.get("price_from") if t else None,
                "price_to": t.get("price_to") if t else None,
                "currency": (t.get("currency") if t else None) or "",
            }
        )
    return rows


def form_data(profile: dict, vocabulary_keys: list[str], language_choices: list[str]) -> dict:
    """Return the profile as the `data` of a ProfileForm."""
    address = profile.get("address") or {}
    contact = profile.get("contact") or {}
    location = profile.get("location") or {}
    languages = list(profile.get("languages") or [])
    practitioners = []
    for p in profile.get("practitioners") or []:
        expiry = p.get("licence_expiry")
        try:
            expiry = date.fromisoformat(expiry) if expiry else None
        except ValueError:
            expiry = None
        practitioners.append({**{f: p.get(f) for f in PRACTITIONER_KEYS}, "licence_expiry": expiry})
    return {
        "name": profile.get("name") or "",
        "brand": profile.get("brand") or "",
        "description": profile.get("description") or "",
        "address_lines": "\n".join(address.get("lines") or []),
        "city": address.get("city") or "",
        "region": address.get("region") or "",
        "postcode": address.get("postcode") or "",
        "country": address.get("country") or "",
        "lat": location.get("lat"),
        "lon": location.get("lon"),
        "phone": contact.get("phone") or "",
        "email": contact.get("email") or "",
        "website": contact.get("website") or "",
        "opening_hours": profile.get("opening_hours") or "",
        "languages": [c for c in languages if c in language_choices],
        "other_languages": ", ".join(c for c in languages if c not in language_choices),
        "treatments": treatment_rows(profile, vocabulary_keys),
        "practitioners": practitioners,
    }


def _practitioner(person) -> dict:
    values = {key: _blank_to_none(person[key].data) for key in PRACTITIONER_KEYS}
    expiry = values["licence_expiry"]
    return {
        **values,
        "name": person.name.data,
        "licence_expiry": expiry.isoformat() if expiry else None,
        "prescriber": bool(values["prescriber"]),
    }


def edited_fields(form) -> dict:
    """Return the profile fields a validated ProfileForm describes (the editor's fields only)."""
    lines = [line.strip() for line in (form.address_lines.data or "").split("\n") if line.strip()]
    location = None
    if form.lat.data is not None and form.lon.data is not None:
        location = {"lat": float(form.lat.data), "lon": float(form.lon.data)}
    treatments = []
    for entry in form.treatments.entries:
        row = entry.form
        if row.offered.data:
            priced = row.price_from.data is not None or row.price_to.data is not None
            treatments.append(
                {
                    "key": row.key.data,
                    "price_from": row.price_from.data,
                    "price_to": row.price_to.data,
                    "currency": (row.currency.data or None) if priced else None,
                }
            )
    return {
        "name": form.name.data,
        "brand": _blank_to_none(form.brand.data),
        "description": _blank_to_none(form.description.data),
        "address": {
            "lines": lines,
            "city": _blank_to_none(form.city.data),
            "region": _blank_to_none(form.region.data),
            "postcode": _blank_to_none((form.postcode.data or "").upper()),
            "country": form.country.data,
        },
        "location": location,
        "contact": {
            "phone": _blank_to_none(form.phone.data),
            "email": _blank_to_none(form.email.data),
            "website": _blank_to_none(form.website.data),
        },
        "opening_hours": _blank_to_none(form.opening_hours.data),
        "languages": form.language_codes(),
        "treatments": sorted(treatments, key=lambda t: t["key"]),
        "practitioners": [
            _practitioner(entry.form)
            for entry in form.practitioners.entries
            if not entry.form.is_blank()
        ],
    }


def apply_edit(existing: dict, edited: dict) -> dict:
    """Return existing with the edited fields replaced; the fields the editor lacks stay."""
    return {**copy.deepcopy(existing), **copy.deepcopy(edited)}


def editable(profile: dict) -> dict:
    """Return the fields the editor shows (the base of a three-way merge)."""
    tops = {path.split(".")[0] for path in FIELDS}
    return {k: v for k, v in profile.items() if k in tops}


def get_path(profile: dict | None, path: str) -> Any:
    value: Any = profile or {}
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return _comparable(value)


def set_path(profile: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    target = profile
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = copy.deepcopy(value)


def _comparable(value: Any) -> Any:
    # An empty string, an empty list and nothing at all mean the same to a person.
    if value in ("", [], {}):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def changed_fields(a: dict | None, b: dict | None) -> list[str]:
    """Return the paths of FIELDS whose values differ between two profiles."""
    return [path for path in FIELDS if get_path(a, path) != get_path(b, path)]


def merge(base: dict | None, mine: dict, theirs: dict) -> tuple[dict, list[str]]:
    """Merge my edit of base with a colleague's saved version; return (merged, conflicts).

    Fields only they changed take their value; fields only I changed keep mine; fields we
    both changed differently are conflicts (merged keeps mine there until the person decides).
    Without a base every differing field is a conflict.
    """
    merged = copy.deepcopy(mine)
    conflicts = []
    for path in FIELDS:
        ours, current = get_path(mine, path), get_path(theirs, path)
        if ours == current:
            continue
        if base is None:
            conflicts.append(path)
            continue
        original = get_path(base, path)
        if original == ours:  # only they changed it
            set_path(merged, path, _raw(theirs, path))
        elif original != current:  # we both changed it, differently
            conflicts.append(path)
    return merged, conflicts


def _raw(profile: dict, path: str) -> Any:
    value: Any = profile
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def take_theirs(mine: dict, theirs: dict, paths: list[str]) -> dict:
    """Return mine with the given fields replaced by their saved values."""
    out = copy.deepcopy(mine)
    for path in paths:
        if path in FIELDS:
            set_path(out, path, _raw(theirs, path))
    return out


def display(path: str, profile: dict | None, vocabulary=None) -> str:
    """Return one field of a profile as text a person can compare."""
    value = _raw(profile or {}, path)
    if value in (None, "", []):
        return "(empty)"
    if path == "address.lines":
        return ", ".join(value)
    if path == "location":
        return f"{value['lat']}, {value['lon']}"
    if path == "languages":
        return ", ".join(value)
    if path == "treatments":
        parts = []
        for t in value:
            label = vocabulary.treatment_label(t["key"]) if vocabulary else t["key"]
            if t.get("price_from") is not None or t.get("price_to") is not None:
                low = "" if t.get("price_from") is None else f"{t['price_from']:g}"
                high = "" if t.get("price_to") is None else f"{t['price_to']:g}"
                label += f" ({low}–{high} {t.get('currency') or ''})".replace("( ", "(")
            parts.append(label)
        return "; ".join(parts)
    if path == "practitioners":
        return "; ".join(
            " · ".join(
                str(x)
                for x in (p.get(key) for key in PRACTITIONER_KEYS if key != "prescriber")
                if x
            )
            + (" · prescriber" if p.get("prescriber") else "")
            for p in value
        )
    return str(value)
