"""Refusals from the accounts and evidence services, said in the page's language."""

from __future__ import annotations

from flask_babel import gettext

from directory.i18n.languages import translate


def said(error: Exception) -> str:
    """Return an error's message in the page's language (English when nobody translated it)."""
    template, params = getattr(error, "template", None), getattr(error, "params", None)
    if template and params:
        return gettext(template, **params)
    return translate(template or str(error))
