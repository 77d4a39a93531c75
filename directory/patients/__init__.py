"""Help patients choose: compare clinics, the safety guide and the private self-check."""

from __future__ import annotations

from flask import Flask, current_app, request, url_for


def methodology_url(key: str | None = None) -> str:
    """Return the methodology page's address, at a checklist item's anchor when key is given."""
    # The methodology page gives each item the anchor id "item-<key>".
    anchor = f"item-{key}" if key else None
    if "vetting.methodology" in current_app.view_functions:
        return url_for("vetting.methodology", _anchor=anchor)
    return f"{request.script_root}/methodology" + (f"#{anchor}" if anchor else "")


def init_app(app: Flask) -> None:
    """Register the patients blueprint and the template helpers its partials use."""
    from directory.patients import views

    app.register_blueprint(views.bp)
    # The nav partial and the compare button are included by other blueprints' pages.
    app.add_template_global(views.compare_ids, "compare_ids")
    app.add_template_global(methodology_url, "methodology_url")
