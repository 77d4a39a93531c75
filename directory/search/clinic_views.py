"""Public pages: the home page, the clinic list and one page per clinic."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from directory.db import get_db
from directory.search import queries
from directory.vocabulary import load_vocabulary

# The blueprint keeps the name of its URL area (templates/clinics/, url_for("clinics.…")).
bp = Blueprint("clinics", __name__)

PER_PAGE = 50
MAX_PAGE = 10_000
SORTS = ("name", "score", "city")  # keys of search.storage.LIST_ORDERS offered on /clinics
# The one treatment the safety guide has a page for; its narrower treatments share it.
GUIDE_TREATMENT = "mesotherapy"


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        abort(400, "page must be a whole number from 1 to 10000.")
    return int(raw)


@bp.app_context_processor
def _map_settings() -> dict:
    # Every page's maps read the tile server and its credit from the settings.
    return {
        "map_tiles": current_app.config.get("MAP_TILES") or "",
        "map_attribution": current_app.config.get("MAP_ATTRIBUTION") or "",
    }


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/")
def home():
    total, countries = queries.directory_summary(get_db())
    return render_template(
        "clinics/home.html", total=total, countries=countries, vocabulary=load_vocabulary()
    )


@bp.get("/clinics")
def list_clinics():
    page = _page_arg()
    country = request.args.get("country", "").strip().upper() or None
    if country is not None and not (len(country) == 2 and country.isalpha()):
        abort(400, "country must be a two-letter ISO code, such as GB or AE.")
    sort = request.args.get("sort", "name")
    if sort not in SORTS:
        abort(400, "sort must be name, score or city.")
    db = get_db()
    total = queries.count_public_clinics(db, country=country)
    pages = max(1, -(-total // PER_PAGE))
    if page > pages:
        return redirect(url_for("clinics.list_clinics", **{**request.args, "page": pages}))
    rows = queries.list_public_clinics(
        db, limit=PER_PAGE, offset=(page - 1) * PER_PAGE, country=country, order=sort
    )
    return render_template(
        "clinics/list.html",
        clinics=rows,
        total=total,
        page=page,
        pages=pages,
        country=country,
        sort=sort,
        sorts=SORTS,
    )


def guide_slug(clinic: dict) -> str | None:
    """Return the safety guide page about this clinic's treatments, if the guide has one."""
    treatments = load_vocabulary().treatments
    for offered in clinic.get("treatments") or []:
        term = treatments.get(offered["key"])
        if term and GUIDE_TREATMENT in (term.key, term.broader):
            return GUIDE_TREATMENT
    return None


@bp.get("/clinics/<clinic_id>")
def clinic_detail(clinic_id: str):
    clinic = queries.get_clinic_page(get_db(), clinic_id)
    if clinic is None:
        abort(404)
    return render_template(
        "clinics/detail.html",
        clinic=clinic,
        vocabulary=load_vocabulary(),
        guide_slug=guide_slug(clinic),
    )
