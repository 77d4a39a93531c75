"""Help patients choose: the comparison list and the clinics with verified screening."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlite_utils

from directory.clinics import storage
from directory.patients.guide import SCREENING_ITEM
from directory.patients.places import Near, distance_km, place_point
from directory.vetting import services as vetting
from index.types import SearchRequest

MAX_COMPARE = 4
# Clinic ids are short slugs (c-1, demo-00001, nhs-RX1...); anything else is not an id.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")
# Ledger states a patient may rely on: verified, or verified and starting to fade.
TRUSTED_STATES = ("verified", "fading")


def is_clinic_id(value: object) -> bool:
    return isinstance(value, str) and bool(_ID.match(value))


def clean_ids(values: Iterable[object] | None) -> list[str]:
    """Return the well-formed ids in values, once each, in their first order."""
    out: list[str] = []
    for value in values or ():
        if is_clinic_id(value) and value not in out:
            out.append(value)
    return out


def parse_ids_param(text: str | None) -> list[str]:
    """Split a shared link's ids=a,b,c value into its ids (junk dropped, order kept)."""
    # Bounded before splitting: a shared link never needs more than a few hundred characters.
    return clean_ids(part.strip() for part in (text or "")[:2000].split(","))


def add_to_compare(ids: list[str], clinic_id: str) -> tuple[list[str], str]:
    """Return (new ids, outcome) where outcome is added, already or full."""
    if clinic_id in ids:
        return ids, "already"
    if len(ids) >= MAX_COMPARE:
        return ids, "full"
    return [*ids, clinic_id], "added"


def remove_from_compare(ids: list[str], clinic_id: str) -> list[str]:
    return [i for i in ids if i != clinic_id]


def checklist_for(db: sqlite_utils.Database, clinic_id: str, today: date) -> list[dict]:
    """Return the clinic's checklist rows."""
    return vetting.clinic_checklist(db, clinic_id, today)


@dataclass
class Comparison:
    clinics: list[dict] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # unknown or not published
    overflow: list[str] = field(default_factory=list)  # beyond the first four
    checklist_available: bool = True
    checklist_rows: list[dict] = field(default_factory=list)
    treatment_rows: list[dict] = field(default_factory=list)
    differs: dict[str, bool] = field(default_factory=dict)
    distances: list[float | None] | None = None

    @property
    def ids(self) -> list[str]:
        return [c["id"] for c in self.clinics]


def _differ(values: list) -> bool:
    return len(values) > 1 and any(v != values[0] for v in values[1:])


def _treatment_cell(treatment: dict | None):
    if treatment is None:
        return None
    return (treatment.get("price_from"), treatment.get("price_to"), treatment.get("currency"))


def build_comparison(
    clinics: list[dict],
    checklists: list[list[dict] | None],
    *,
    near: tuple[float, float] | None = None,
) -> Comparison:
    """Lay these clinics out side by side, marking the rows whose values differ (pure)."""
    comparison = Comparison(clinics=clinics)
    comparison.checklist_available = bool(clinics) and all(c is not None for c in checklists)
    if comparison.checklist_available:
        by_clinic = [{item["key"]: item for item in rows or []} for rows in checklists]
        order: list[str] = []
        titles: dict[str, str] = {}
        for rows in checklists:
            for item in rows or []:
                if item["key"] not in titles:
                    order.append(item["key"])
                    titles[item["key"]] = item.get("title") or item["key"]
        for key in order:
            cells = [items.get(key) for items in by_clinic]
            states = [cell.get("state") if cell else None for cell in cells]
            comparison.checklist_rows.append(
                {
                    "key": key,
                    "title": titles[key],
                    "core": any(bool(c and c.get("core")) for c in cells),
                    "cells": cells,
                    # Freshness dates nearly always differ; a difference in state is what matters.
                    "differs": _differ(states),
                }
            )
    keys = sorted({t["key"] for c in clinics for t in c.get("treatments") or []})
    for key in keys:
        cells = [next((t for t in c["treatments"] if t["key"] == key), None) for c in clinics]
        comparison.treatment_rows.append(
            {"key": key, "cells": cells, "differs": _differ([_treatment_cell(t) for t in cells])}
        )
    if near is not None:
        comparison.distances = [
            round(distance_km(near, (c["location"]["lat"], c["location"]["lon"])), 1)
            if c.get("location")
            else None
            for c in clinics
        ]
    scores = [None if c.get("score") is None else round(c["score"]) for c in clinics]
    practitioners = [
        sorted(
            (p.get("name"), p.get("role"), bool(p.get("prescriber"))) for p in c["practitioners"]
        )
        for c in clinics
    ]
    comparison.differs = {
        "score": _differ(scores),
        "badge": _differ([bool(c.get("core_verified")) for c in clinics]),
        "practitioners": _differ(practitioners),
        "languages": _differ([sorted(c.get("languages") or []) for c in clinics]),
        "distance": _differ(comparison.distances or []),
        "city": _differ([(c["address"].get("city"), c["address"].get("country")) for c in clinics]),
    }
    return comparison


def load_comparison(
    db: sqlite_utils.Database,
    ids: list[str],
    *,
    today: date,
    near: tuple[float, float] | None = None,
) -> Comparison:
    """Load up to four published clinics by id and compare them; note what was left out."""
    found = {c["id"]: c for c in vetting.with_scores(db, storage.get_clinics(db, ids))}
    shown: list[dict] = []
    ignored: list[str] = []
    overflow: list[str] = []
    for clinic_id in ids:
        clinic = found.get(clinic_id)
        if clinic is None or clinic["status"] != "published":
            ignored.append(clinic_id)
        elif len(shown) >= MAX_COMPARE:
            overflow.append(clinic_id)
        else:
            shown.append(clinic)
    checklists = [checklist_for(db, c["id"], today) for c in shown]
    comparison = build_comparison(shown, checklists, near=near)
    comparison.ignored = ignored
    comparison.overflow = overflow
    return comparison


def publishable(db: sqlite_utils.Database, clinic_id: str) -> dict | None:
    """Return the clinic when patients may see and compare it, else None."""
    clinic = storage.get_clinic(db, clinic_id) if is_clinic_id(clinic_id) else None
    if clinic is None or clinic["status"] != "published":
        return None
    return clinic


def resolve_near(db: sqlite_utils.Database, near: Near) -> tuple[float, float] | None:
    """Return coordinates for a parsed near value (place names through the place recogniser)."""
    if near.point is not None:
        return near.point
    if not near.place:
        return None
    return place_point(near.place)


def screened_clinics_near(
    db: sqlite_utils.Database,
    search_index,
    point: tuple[float, float],
    *,
    today: date,
    limit: int = 10,
) -> list[dict]:
    """Return the nearest published clinics whose contraindication screening is verified.

    The index proposes candidates (filtered on the verified item, nearest first); the store,
    the source of truth, confirms each one today.
    """
    request = SearchRequest(
        near=point,
        sort="distance",
        verified=(SCREENING_ITEM,),
        per_page=min(100, limit * 5),
        facets=False,
    )
    hits = search_index.search(request).hits
    out: list[dict] = []
    for clinic in vetting.with_scores(db, storage.get_clinics(db, [hit.id for hit in hits])):
        if clinic["status"] != "published":
            continue
        item = next(
            (i for i in checklist_for(db, clinic["id"], today) if i["key"] == SCREENING_ITEM),
            None,
        )
        if item is None or item.get("state") not in TRUSTED_STATES:
            continue
        location = clinic.get("location")
        out.append(
            {
                "id": clinic["id"],
                "name": clinic["name"],
                "city": clinic["address"].get("city"),
                "country": clinic["address"].get("country"),
                "distance_km": round(distance_km(point, (location["lat"], location["lon"])), 1)
                if location
                else None,
                "score": clinic.get("score"),
                "core_verified": bool(clinic.get("core_verified")),
                "screening_state": item["state"],
                "screening_verified_at": _iso(item.get("verified_at")),
            }
        )
    out.sort(key=lambda c: (c["distance_km"] is None, c["distance_km"] or 0.0, c["name"]))
    return out[:limit]


def _iso(value) -> str | None:
    return None if value is None else str(value)[:10]
