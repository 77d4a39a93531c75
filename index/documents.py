"""The only mapping from a clinic to an index document."""

from __future__ import annotations

from index.schema import FIELDS, TAGS


def _text(value) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def _number(value) -> float | None:
    try:
        return float(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def to_document(clinic: dict) -> dict:
    """Map a clinic (profile plus version, score, core_verified, experience_count) to a plain
    index document.

    Concerns are not stored: the query expands a concern to its treatments, so a vocabulary
    change needs no re-index.
    """
    address = clinic.get("address") or {}
    location = clinic.get("location") or {}
    name = _text(clinic.get("name")) or ""
    brand = _text(clinic.get("brand"))
    if brand and brand.casefold() not in name.casefold():
        name = f"{name} {brand}".strip()
    doc = {
        "id": str(clinic["id"]),
        "version": clinic.get("version"),
        "name": name,
        "treatments": sorted({t["key"] for t in clinic.get("treatments") or [] if t.get("key")}),
        "city": _text(address.get("city")),
        "region": _text(address.get("region")),
        "postcode": _text(address.get("postcode")),
        "country": (_text(address.get("country")) or "").upper() or None,
        "languages": sorted({str(code).lower() for code in clinic.get("languages") or []}),
        "description": _text(clinic.get("description")),
        "lat": _number(location.get("lat")),
        "lon": _number(location.get("lon")),
        "score": _number(clinic.get("score")),
        "core_verified": bool(clinic.get("core_verified")),
        # Verified patient experiences: how many were published (a count, never their content).
        "experiences": float(clinic.get("experience_count") or 0),
        "with_experiences": bool(clinic.get("experience_count")),
    }
    for field in FIELDS:
        if field.copy:
            value = clinic.get(field.name)
            if field.kind == TAGS:
                value = sorted({str(v) for v in value or ()})
            doc[field.name] = value
    return doc
