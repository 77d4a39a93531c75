"""Bidirectional controls never reach a page inside text someone else typed.

A right-to-left override (U+202E) in a search, a clinic's name or a re-displayed form value
would reverse what follows it on the page: in the <title>, in "3 clinics match “…”", in a
moderator's list. Every value a template prints passes through one place here, the Jinja
`finalize` hook, and so do the values put into translated sentences ({% trans %} and _()):
plain text loses the bidi controls that could reach beyond it (strip_bidi). Markup, the
templates' own, is left alone; form controls rendered by WTForms are typed text made markup,
so the field macro passes them through `no_bidi`. The search parameters drop them as they
are read (search/params.py), so the JSON API never echoes them either.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale
from jinja2 import pass_context
from markupsafe import Markup

# Embeddings and overrides, isolates, and the three marks (left-to-right, right-to-left, Arabic).
BIDI_CONTROLS = (
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
    "\u200e\u200f\u061c"  # LRM RLM ALM
)
_ISOLATE_OPEN, _ISOLATE_CLOSE = "\u2066\u2067\u2068", "\u2069"
# Sentences without variables kept once translated, per locale and escaping: a results page
# asks for the same few hundred times (each through several Flask-Babel context lookups).
# Bounded, since a template may translate text it was given.
SENTENCES_KEPT = 4096
_ANY = re.compile(f"[{BIDI_CONTROLS}]")


def strip_bidi(text: str) -> str:
    """Return text without the bidi controls that could reach beyond it.

    Every override, embedding and mark goes, and every isolate left open or closing nothing.
    An isolate opened and closed inside the text stays: it cannot change anything outside
    (the Arabic catalog isolates coordinates that way, and a person's text may too).
    """
    if not _ANY.search(text):
        return text
    out: list[str] = []
    opened: list[int] = []
    for char in text:
        if char in _ISOLATE_OPEN:
            opened.append(len(out))
        elif char == _ISOLATE_CLOSE:
            if not opened:
                continue
            opened.pop()
        elif char in BIDI_CONTROLS:
            continue
        out.append(char)
    for position in reversed(opened):
        del out[position]
    return "".join(out)


def echo(value: Any) -> Any:
    """Return what a template prints: plain text without bidi controls, anything else as is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return strip_bidi(value)
    return value


def no_bidi(markup: Any) -> Markup:
    """Strip bidi controls from markup built around typed text (a rendered form control)."""
    return Markup(strip_bidi(str(markup)))


def _echoed(variables: Mapping[str, Any]) -> dict[str, Any]:
    return {name: echo(value) for name, value in variables.items()}


def _cleaning(translate):
    """Wrap a newstyle gettext callable so the values put into the sentence are echoed."""

    @pass_context
    def wrapped(context, *args, **variables):
        return translate(context, *args, **_echoed(variables))

    return wrapped


def _remembering(translate):
    """Wrap newstyle gettext: a sentence without variables is translated once per locale."""
    kept: dict[tuple, str] = {}

    @pass_context
    def wrapped(context, string, **variables):
        if variables or not isinstance(string, str):
            return translate(context, string, **_echoed(variables))
        # force_locale (mail in its reader's language) changes get_locale() mid-request.
        # Its identifier, not the Locale: comparing Locale objects costs more than translating.
        locale = get_locale()
        key = (str(locale), context.eval_ctx.autoescape, string)
        if key not in kept:
            if len(kept) >= SENTENCES_KEPT:
                kept.clear()
            kept[key] = translate(context, string)
        return kept[key]

    return wrapped


def init_app(app) -> None:
    """Make every template print plain values, and sentence variables, without bidi controls."""
    env = app.jinja_env
    env.finalize = echo
    env.filters["no_bidi"] = no_bidi
    # Installed by Flask-Babel (i18n.init_app, which runs first); _() resolves "gettext".
    env.globals["gettext"] = _remembering(env.globals["gettext"])
    for name in ("ngettext", "pgettext", "npgettext"):
        env.globals[name] = _cleaning(env.globals[name])
