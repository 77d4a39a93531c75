"""Public pages: the home page, the clinic list and one page per clinic."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from directory.db import get_db
from directory.search import queries
from directory.vocabulary import load_vocabulary

# The blueprint keeps the name of its URL area (templates/clinics/, url_for("clinics.…")).
bp = Blueprint("clinics", __name__)

PER_PAGE = 50
MAX_PAGE = 10_000


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        abort(400, "page must be a whole number from 1 to 10000.")
    return int(raw)


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
    rows, total = queries.list_public_clinics(
        get_db(), limit=PER_PAGE, offset=(page - 1) * PER_PAGE, country=country
    )
    return render_template(
        "clinics/list.html",
        clinics=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        country=country,
    )


@bp.get("/clinics/<clinic_id>")
def clinic_detail(clinic_id: str):
    clinic = queries.get_clinic_page(get_db(), clinic_id)
    if clinic is None:
        abort(404)
    return render_template("clinics/detail.html", clinic=clinic, vocabulary=load_vocabulary())
