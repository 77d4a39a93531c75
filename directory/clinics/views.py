"""Public pages: the home page, the clinic list and one page per clinic."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from directory.clinics import storage
from directory.db import get_db
from directory.vocabulary import load_vocabulary

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
    db = get_db()
    return render_template(
        "clinics/home.html",
        total=storage.count_clinics(db),
        countries=storage.count_by_country(db),
        vocabulary=load_vocabulary(),
    )


@bp.get("/clinics")
def list_clinics():
    db = get_db()
    page = _page_arg()
    country = request.args.get("country", "").strip().upper() or None
    if country is not None and not (len(country) == 2 and country.isalpha()):
        abort(400, "country must be a two-letter ISO code, such as GB or AE.")
    total = storage.count_clinics(db, country=country)
    rows = storage.list_clinics(db, limit=PER_PAGE, offset=(page - 1) * PER_PAGE, country=country)
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "clinics/list.html",
        clinics=rows,
        total=total,
        page=page,
        pages=pages,
        country=country,
    )


@bp.get("/clinics/<clinic_id>")
def clinic_detail(clinic_id: str):
    db = get_db()
    clinic = storage.get_clinic(db, clinic_id)
    # Unpublished listings are not public; suspended ones show a notice instead of details.
    if clinic is None or clinic["status"] == "unpublished":
        abort(404)
    return render_template("clinics/detail.html", clinic=clinic, vocabulary=load_vocabulary())
