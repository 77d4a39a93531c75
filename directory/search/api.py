"""The public JSON API: search clinics, read one clinic, and the OpenAPI document."""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import urlencode

from flask import Blueprint, abort, jsonify, request, url_for

from directory.db import get_db
from directory.experiences import services as experiences
from directory.search import queries
from directory.search.cached_views import cached_api
from directory.search.extension import get_index
from directory.search.openapi import openapi_document
from directory.search.params import InvalidSearch, SearchParams, parse_search_args, to_query_args
from directory.search.views import country_name
from directory.vocabulary import load_vocabulary

bp = Blueprint("search_api", __name__, url_prefix="/api/v1")


def _search_url(params: SearchParams, page: int) -> str:
    args = to_query_args(params, page=page)
    return url_for("search_api.list_clinics") + ("?" + urlencode(args) if args else "")


@bp.get("/clinics")
@cached_api
def list_clinics():
    db = get_db()
    try:
        params = parse_search_args(request.args, treatments=load_vocabulary().treatments)
    except InvalidSearch as exc:
        abort(400, exc.reason)
    found = queries.run_search(db, get_index(), params.request)
    req = found.request
    has_next = req.page < found.pages
    return jsonify(
        {
            "total": found.total,
            "page": req.page,
            "per_page": req.per_page,
            "results": [_result(r, with_distance=_has_origin(req, found)) for r in found.results],
            "facets": found.facets,
            "suggestion": found.suggestion,
            "interpretation": _interpretation(params, found.interpretation),
            "links": {
                "next": _search_url(params, req.page + 1) if has_next else None,
                "prev": _search_url(params, min(req.page - 1, found.pages))
                if req.page > 1
                else None,
            },
        }
    )


def _has_origin(req, found) -> bool:
    """Return whether results have a distance: near coordinates, or a near city resolved."""
    return req.near is not None or any(
        p.source == "near" and p.kind == "city" for p in found.interpretation.places
    )


def _interpretation(params: SearchParams, read) -> dict:
    """Return how the search read the request, each reading with a note and its undo."""
    vocabulary = load_vocabulary()
    notes = []
    places = []
    for p in read.places:
        where = f"{p.name}, {country_name(p.country)}" if p.kind == "city" else p.name
        if p.kind == "city" and p.source == "q":
            notes.append(f"Clinics in and around {where} (within {p.radius_km:g} km).")
        elif p.kind == "city":
            notes.append(f"Near {where}.")
        else:
            notes.append(f"Clinics in {country_name(p.country)}.")
        places.append({**dataclasses.asdict(p), "country_name": country_name(p.country)})
    terms = []
    for t in read.terms:
        term = vocabulary.term(t.kind, t.key)
        label, gloss = (term.label, term.gloss_in("en")) if term else (t.key, "")
        if t.kind == "concern" and term:
            shown = ", ".join(vocabulary.treatment_label(k) for k in term.treatments)
            notes.append(f"{t.typed}: showing clinics for {label} ({shown}).")
        else:
            notes.append(f"{t.typed}: showing {label}" + (f", {gloss}." if gloss else "."))
        terms.append({"typed": t.typed, "kind": t.kind, "key": t.key, "label": label})
    if read.nearest:
        notes.append(f"No clinic matches in {read.nearest}: the nearest come first.")
    dropped = [
        {"typed": d.typed, "q": d.q, "url": _search_url(_with_q(params, d.q), 1)}
        for d in read.dropped
    ]
    if dropped:
        words = ", ".join(d["typed"] for d in dropped)
        notes.append(f"No clinic matches every word: results leave out {words}.")
    if read.unknown_place:
        notes.append(f"near {read.unknown_place!r} is not a place we know: it was ignored.")
    undo = {}
    if any(p.source == "q" for p in read.places):
        undo["anywhere"] = _search_url(_with(params, places=False), 1)
    if read.terms and params.request.mapping:
        undo["as_typed"] = _search_url(_with(params, mapping=False), 1)
    return {
        "places": places,
        "terms": terms,
        "dropped": dropped,
        "nearest": read.nearest,
        "unknown_place": read.unknown_place,
        "suggestions": read.suggestions,
        "without": [
            {"typed": d.typed, "q": d.q, "url": _search_url(_with_q(params, d.q), 1)}
            for d in read.without
        ],
        "notes": notes,
        "undo": undo,
    }


def _with(params: SearchParams, **changes) -> SearchParams:
    return dataclasses.replace(params, request=dataclasses.replace(params.request, **changes))


def _with_q(params: SearchParams, q: str) -> SearchParams:
    return _with(params, q=q)


def _result(result: queries.Result, *, with_distance: bool) -> dict:
    clinic = result.clinic
    out = {
        "id": clinic["id"],
        "name": clinic["name"],
        "city": clinic["address"]["city"],
        "country": clinic["address"]["country"],
        "treatments": [t["key"] for t in clinic["treatments"]],
        "snippet": result.snippet,
        "score": clinic["score"],
        "core_verified": clinic["core_verified"],
        "experiences": clinic["experiences"],
        "url": url_for("clinics.clinic_detail", clinic_id=clinic["id"]),
    }
    if with_distance:
        out["distance_km"] = result.distance_km
    return out


@bp.get("/clinics/<clinic_id>")
def get_clinic(clinic_id: str):
    db = get_db()
    clinic = queries.get_public_clinic(db, clinic_id)
    if clinic is None:
        abort(404, "No published clinic has this id.")
    clinic["checklist"] = _checklist(db, clinic_id)
    clinic["experiences"] = experiences.aggregates(db, clinic_id)
    clinic["url"] = url_for("clinics.clinic_detail", clinic_id=clinic_id)
    return jsonify(clinic)


def _checklist(db, clinic_id: str) -> list:
    """Return the clinic's vetting checklist as JSON-ready rows."""
    return [_plain(item) for item in queries.public_checklist(db, clinic_id, dt.date.today())]


def _plain(value):
    """Turn dataclasses and dates into JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(load_vocabulary()))
