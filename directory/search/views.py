"""The patient search page: a plain GET form, results, facets and ways to widen a search."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import pycountry
from flask import Blueprint, render_template, request, url_for

from directory.db import get_db
from directory.search import queries
from directory.search.cached_views import cached_page
from directory.search.extension import get_index
from directory.search.params import (
    MAX_Q,
    MAX_RADIUS_KM,
    InvalidSearch,
    Relaxation,
    SearchParams,
    active_filters,
    parse_search_args,
    relaxations,
    to_query_args,
)
from directory.vetting.checklist import load_checklist
from directory.vocabulary import load_vocabulary
from index.types import FACET_FIELDS

bp = Blueprint("search", __name__)

FACET_LIMIT = 12  # values shown per facet; the ones already chosen are always shown
FACET_TITLES = {
    "treatment": "Treatment",
    "country": "Country",
    "city": "City",
    "language": "Language spoken",
}


def search_url(params: SearchParams, **changes) -> str:
    args = to_query_args(params, **changes)
    return url_for("search.search_page") + ("?" + urlencode(args) if args else "")


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else code)


def checklist_titles() -> dict[str, str]:
    """Map checklist item keys to titles."""
    return {item.key: item.title for item in load_checklist().items}


def value_label(field: str, value: str) -> str:
    """Return what a person reads for a filter value (a treatment's name, not its key)."""
    vocabulary = load_vocabulary()
    if field == "verified":
        return checklist_titles().get(value, value)
    if field == "treatment":
        return vocabulary.treatment_label(value)
    if field == "language":
        return vocabulary.language_name(value)
    if field == "country":
        return country_name(value)
    return value


def _facet_options(field: str, counts: dict[str, int] | None, chosen: tuple[str, ...]):
    """Return [(value, label, count|None, checked)] for one facet's checkboxes."""
    if counts is None and field == "treatment":
        # An index without facet counts still lets people pick a treatment.
        counts_or_none = {key: None for key in load_vocabulary().treatments}
    else:
        counts_or_none = dict(counts or {})
    ordered = sorted(counts_or_none.items(), key=lambda kv: (-(kv[1] or 0), kv[0]))
    shown = [value for value, _ in ordered[:FACET_LIMIT]]
    shown += [value for value in chosen if value not in shown]
    return [
        (value, value_label(field, value), counts_or_none.get(value), value in chosen)
        for value in shown
    ]


def _relaxations(params: SearchParams | None, found) -> list[Relaxation]:
    """Return the ways to widen a search: drop one filter, or one word the index names."""
    if params is None:
        return []
    out = relaxations(params)
    request = replace(params.request, page=1)
    for dropped in found.interpretation.without if found else ():
        relaxed = replace(request, q=dropped.q)
        out.append(Relaxation("q", dropped.typed, SearchParams(relaxed, params.near_place)))
    return out


@bp.get("/search")
@cached_page
def search_page():
    db = get_db()
    vocabulary = load_vocabulary()
    try:
        params = parse_search_args(request.args, treatments=vocabulary.treatments)
    except InvalidSearch as exc:
        return _render(errors=exc.errors), 400
    found = queries.run_search(db, get_index(), params.request)
    if found.total and params.request.page > found.pages:
        # Past the last page: show the last one rather than "Page 999 of 19".
        params = replace(params, request=replace(params.request, page=found.pages))
        found = queries.run_search(db, get_index(), params.request)
    facets = {
        field: _facet_options(field, found.facets.get(field), getattr(params.request, field))
        for field in FACET_FIELDS
    }
    return _render(params=params, found=found, facets=facets)


def matched_treatments(params: SearchParams | None, found=None) -> set[str]:
    """Return the treatments a search asked for: its filters, and the ones its words name
    (patients' words and concerns included, as the index read them)."""
    if params is None:
        return set()
    vocabulary = load_vocabulary()
    wanted = set(params.request.treatment)
    for term in found.interpretation.terms if found else ():
        known = vocabulary.term(term.kind, term.key)
        wanted.update(known.treatments if term.kind == "concern" and known else (term.key,))
    words = f" {(params.request.q or '').lower()} "
    for key, phrases in vocabulary.synonym_groups().items():
        if key in vocabulary.treatments and any(f" {p.lower()} " in words for p in phrases):
            wanted.add(key)
    # "mesotherapy" also matches hair mesotherapy, mesolifting... (its narrower treatments).
    wanted |= {k for k, t in vocabulary.treatments.items() if t.broader in wanted}
    return wanted


def map_points(found) -> list[dict]:
    """Return the results that have a location, numbered as in the list, for the map."""
    points = []
    for result in found.results if found else []:
        clinic = result.clinic
        if clinic.get("location"):
            points.append(
                {
                    "lat": clinic["location"]["lat"],
                    "lon": clinic["location"]["lon"],
                    "name": clinic["name"],
                    "url": url_for("clinics.clinic_detail", clinic_id=clinic["id"]),
                    "label": str(result.rank),
                    "id": clinic["id"],
                }
            )
    return points


def _render(*, errors=None, params=None, found=None, facets=None):
    args = request.args
    # The form shows what was typed, valid or not, so nobody has to type it again.
    form = {
        "q": args.get("q", ""),
        "near": args.get("near", ""),
        "radius_km": args.get("radius_km", ""),
        "sort": args.get("sort", "relevance"),
        "min_score": args.get("min_score", ""),
        "core_verified": args.get("core_verified", "").lower() in ("true", "1", "yes", "on"),
        "with_experiences": args.get("with_experiences", "").lower() in ("true", "1", "yes", "on"),
        "verified": [v for v in args.getlist("verified") if v],
        "per_page": args.get("per_page", ""),
    }
    if facets is None:
        facets = {
            field: [(v, value_label(field, v), None, True) for v in args.getlist(field) if v]
            for field in FACET_FIELDS
        }
    filters = list(active_filters(params)) if params else []
    if params:
        filter_count = sum(1 for f in filters if f.field != "q")
    else:
        ignored = ("q", "sort", "page", "per_page", "lang")
        filter_count = sum(1 for k, v in args.items(multi=True) if v and k not in ignored)
    points = map_points(found)
    titles = checklist_titles()
    chosen = form["verified"]
    verified_options = [(key, title, key in chosen) for key, title in titles.items()]
    # A key the checklist does not know still travels with the search.
    verified_options += [(key, key, True) for key in chosen if key not in titles]
    return render_template(
        "search/search.html",
        form=form,
        errors=errors or {},
        params=params,
        found=found,
        facets=facets,
        facet_titles=FACET_TITLES,
        filters=filters,
        filter_count=filter_count,
        matched=matched_treatments(params, found),
        map_points=points,
        verified_options=verified_options,
        relaxations=_relaxations(params, found),
        search_url=search_url,
        value_label=value_label,
        country_name=country_name,
        vocabulary=load_vocabulary(),
        max_q=MAX_Q,
        max_radius=MAX_RADIUS_KM,
    )
