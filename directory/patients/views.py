"""Patient pages: compare clinics, the safety guide and the private self-check."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext

from directory.db import get_db
from directory.patients import services
from directory.patients.guide import GUIDE_PAGES, SCREENING_ITEM, SELF_CHECK_ANSWERS, neighbours
from directory.patients.places import Near, NearError, parse_near
from directory.search.extension import get_index
from directory.urls import safe_next
from directory.vetting.checklist import load_checklist
from directory.vocabulary import load_vocabulary

bp = Blueprint("patients", __name__)

SESSION_KEY = "compare"


# --- the comparison list, kept in the signed session cookie --------------------------------


def compare_ids() -> list[str]:
    """Return the ids this browser has picked to compare (well-formed, at most four)."""
    return services.clean_ids(session.get(SESSION_KEY) or [])[: services.MAX_COMPARE]


def _store_ids(ids: list[str]) -> None:
    session[SESSION_KEY] = ids[: services.MAX_COMPARE]


def _safe_next(default: str) -> str:
    """Return the form's next= when it is a path on this site, else default."""
    return safe_next((request.form.get("next") or "").strip(), default)


def _posted_clinic_id() -> str:
    clinic_id = (request.form.get("clinic_id") or "").strip()
    if not services.is_clinic_id(clinic_id):
        abort(400, "Choose a clinic to compare.")
    return clinic_id


@bp.post("/compare/add")
def compare_add():
    clinic_id = _posted_clinic_id()
    clinic = services.publishable(get_db(), clinic_id)
    if clinic is None:
        abort(404)
    ids, outcome = services.add_to_compare(compare_ids(), clinic_id)
    # Flashes are written in the page's language now: a translated sentence cannot be looked up
    # again once the clinic's name is in it.
    if outcome == "full":
        flash(
            gettext(
                "You can compare up to %(max)s clinics at a time. "
                "Remove one from your comparison to add %(name)s; nothing was changed.",
                max=services.MAX_COMPARE,
                name=clinic["name"],
            ),
            "error",
        )
    elif outcome == "already":
        flash(gettext("%(name)s is already in your comparison.", name=clinic["name"]), "info")
    else:
        _store_ids(ids)
        flash(
            gettext(
                "Added %(name)s to your comparison (%(count)s of %(max)s).",
                name=clinic["name"],
                count=len(ids),
                max=services.MAX_COMPARE,
            ),
            "success",
        )
    return redirect(_safe_next(url_for("patients.compare")), code=303)


@bp.post("/compare/remove")
def compare_remove():
    clinic_id = _posted_clinic_id()
    ids = compare_ids()
    if clinic_id in ids:
        _store_ids(services.remove_from_compare(ids, clinic_id))
        clinic = services.publishable(get_db(), clinic_id)
        name = clinic["name"] if clinic else clinic_id
        flash(gettext("Removed %(name)s from your comparison.", name=name), "success")
    return redirect(_safe_next(url_for("patients.compare")), code=303)


@bp.post("/compare/clear")
def compare_clear():
    _store_ids([])
    flash(gettext("Your comparison is now empty."), "success")
    return redirect(url_for("patients.compare"), code=303)


@bp.post("/compare/keep")
def compare_keep():
    """Make a shared comparison (ids=a,b,c) this browser's own."""
    db = get_db()
    wanted = services.parse_ids_param(request.form.get("ids"))
    ids = [i for i in wanted if services.publishable(db, i) is not None][: services.MAX_COMPARE]
    _store_ids(ids)
    flash(gettext("Your comparison now holds these %(count)s clinics.", count=len(ids)), "success")
    return redirect(url_for("patients.compare"), code=303)


def _near_arg() -> tuple[str, tuple[float, float] | None, str | None]:
    """Return (what was typed, coordinates or None, message for the person or None)."""
    text = (request.args.get("near") or "")[:200]
    try:
        near = parse_near(text)
    except NearError as exc:
        return text, None, str(exc)
    if near is None:
        return text, None, None
    point = services.resolve_near(get_db(), near)
    if point is None:
        return (
            text,
            None,
            f"We could not find “{near.place}”. Try a nearby city or latitude,longitude.",
        )
    return text, point, None


@bp.get("/compare")
def compare():
    shared = "ids" in request.args
    ids = services.parse_ids_param(request.args.get("ids")) if shared else compare_ids()
    near_text, point, near_error = _near_arg()
    comparison = services.load_comparison(get_db(), ids, today=date.today(), near=point)
    if not shared and comparison.ignored:
        # Clinics unpublished since they were picked: say so once, then stop counting them.
        _store_ids(comparison.ids)
    return render_template(
        "patients/compare.html",
        comparison=comparison,
        shared=shared,
        own_ids=compare_ids(),
        near_text=near_text,
        near_error=near_error,
        near_point=point,
        vocabulary=load_vocabulary(),
        max_compare=services.MAX_COMPARE,
    )


# --- the safety guide ------------------------------------------------------------------------


def _checklist_titles() -> dict[str, str]:
    return {item.key: item.title for item in load_checklist().items}


@bp.get("/guide")
def guide_index():
    return render_template("patients/guide/index.html", pages=GUIDE_PAGES)


@bp.get("/guide/<slug>")
def guide_page(slug: str):
    if slug not in GUIDE_PAGES:
        abort(404)
    previous, following = neighbours(slug)
    return render_template(
        f"patients/guide/{slug}.html",
        slug=slug,
        previous=previous,
        next=following,
        checklist_titles=_checklist_titles(),
    )


# --- the private self-check ------------------------------------------------------------------


def _screened(point: tuple[float, float]) -> list[dict]:
    return services.screened_clinics_near(get_db(), get_index(), point, today=date.today())


@bp.get("/self-check")
def self_check():
    # Only the place travels to the server (the no-JavaScript fallback); answers never do.
    near_text, point, near_error = _near_arg()
    clinics = _screened(point) if point is not None else None
    return render_template(
        "patients/self_check.html",
        answers=SELF_CHECK_ANSWERS,
        near_text=near_text,
        near_error=near_error,
        searched=point is not None,
        clinics=clinics,
        screening_item=SCREENING_ITEM,
        checklist_titles=_checklist_titles(),
    )


@bp.get("/api/v1/self-check/clinics")
def self_check_clinics():
    """Clinics near a place with verified contraindication screening (place only, no answers)."""
    if set(request.args) - {"near"}:
        abort(400, "Only the near parameter is accepted here.")
    try:
        near: Near | None = parse_near((request.args.get("near") or "")[:200])
    except NearError as exc:
        abort(400, f"near: {exc}")
    if near is None:
        abort(400, "near is required: a city name or latitude,longitude.")
    point = services.resolve_near(get_db(), near)
    if point is None:
        abort(400, f"near: we could not find {near.place}; try a nearby city or lat,lon.")
    clinics = _screened(point)
    results = [
        {**clinic, "url": url_for("clinics.clinic_detail", clinic_id=clinic["id"])}
        for clinic in clinics
    ]
    return jsonify(
        {
            "near": {"lat": point[0], "lon": point[1], "place": near.place},
            "item": SCREENING_ITEM,
            "available": True,
            "results": results,
        }
    )


def methodology_url(key: str | None = None) -> str:
    """Return the methodology page's address, at a checklist item's anchor when key is given."""
    # The methodology page gives each item the anchor id "item-<key>".
    return url_for("vetting.methodology", _anchor=f"item-{key}" if key else None)


def init_app(app: Flask) -> None:
    """Register the patients blueprint and the template helpers its partials use."""
    app.register_blueprint(bp)
    # The nav partial and the compare button are included by other blueprints' pages.
    app.add_template_global(compare_ids, "compare_ids")
    app.add_template_global(methodology_url, "methodology_url")
