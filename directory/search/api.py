"""The public JSON API: search clinics, read one clinic, and the OpenAPI document."""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import urlencode

from flask import Blueprint, abort, jsonify, request, url_for

from directory.db import get_db
from directory.experiences import services as experiences
from directory.search import queries
from directory.search.extension import get_index
from directory.search.openapi import openapi_document
from directory.search.params import InvalidSearch, SearchParams, parse_search_args, to_query_args
from directory.vocabulary import load_vocabulary

bp = Blueprint("search_api", __name__, url_prefix="/api/v1")


def _search_url(params: SearchParams, page: int) -> str:
    args = to_query_args(params, page=page)
    return url_for("search_api.list_clinics") + ("?" + urlencode(args) if args else "")


@bp.get("/clinics")
def list_clinics():
    db = get_db()
    try:
        params = parse_search_args(request.args, treatments=load_vocabulary().treatments)
        params = queries.resolve_place(db, params)
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
            "results": [_result(r, with_distance=req.near is not None) for r in found.results],
            "facets": found.facets,
            "suggestion": found.suggestion,
            "links": {
                "next": _search_url(params, req.page + 1) if has_next else None,
                "prev": _search_url(params, min(req.page - 1, found.pages))
                if req.page > 1
                else None,
            },
        }
    )


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
