"""The methodology page (rendered from the checklist file) and the checklist API."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Flask, jsonify, render_template

from directory.db import get_db
from directory.vetting.chart import history_chart
from directory.vetting.checklist import checklist_document, load_checklist
from directory.vetting.scoring import LABELS, NOTES
from directory.vetting.services import ClaimNotFound, clinic_vetting
from directory.vocabulary import load_vocabulary

bp = Blueprint("vetting", __name__)
api_bp = Blueprint("vetting_api", __name__, url_prefix="/api/v1")


@bp.get("/methodology")
def methodology():
    return render_template(
        "vetting/methodology.html",
        checklist=load_checklist(),
        vocabulary=load_vocabulary(),
        labels=LABELS,
        notes=NOTES,
    )


@api_bp.get("/checklist")
def checklist_api():
    response = jsonify(checklist_document(load_checklist()))
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


def vetting_for(clinic_id: str) -> dict | None:
    """Return what the clinic page's vetting partial shows (a Jinja global), or None."""
    try:
        vetting = clinic_vetting(get_db(), clinic_id, date.today())
    except ClaimNotFound:
        return None
    vetting["chart"] = history_chart(vetting["history"])
    return vetting


def init_app(app: Flask) -> None:
    """Register the methodology page, the checklist API and the clinic page's `vetting_for`."""
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    app.add_template_global(vetting_for, "vetting_for")
