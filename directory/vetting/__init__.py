"""Vetting: the checklist, claims and their evidence, and the explainable, decaying score."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the methodology page, the checklist API and the clinic page's `vetting_for`."""
    from directory.vetting import views

    app.register_blueprint(views.bp)
    app.register_blueprint(views.api_bp)
    app.add_template_global(views.vetting_for, "vetting_for")
