"""State labels for pages: one source (directory/vetting/scoring.py LABELS and NOTES), translated.

The clinic page, compare, methodology and the API all name a checklist state with these words;
no template keeps its own copy.
"""

from __future__ import annotations

from flask import Flask

from directory.i18n.languages import translate
from directory.vetting import scoring

# Other spellings of a state that other modules hand to templates.
ALIASES = {"pending": scoring.PENDING, "none": scoring.NO_INFORMATION, None: scoring.NO_INFORMATION}
# The order the methodology page explains them in: earning credit first.
STATE_ORDER = (
    scoring.VERIFIED,
    scoring.FADING,
    scoring.PENDING,
    scoring.CLAIMED,
    scoring.REJECTED,
    scoring.EXPIRED,
    scoring.NO_INFORMATION,
)
# The tag colour of each state (the tag's word carries the meaning; colour only adds to it).
TONES = {
    scoring.VERIFIED: "success",
    scoring.FADING: "warn",
    scoring.PENDING: "info",
    scoring.CLAIMED: "info",
    scoring.REJECTED: "error",
    scoring.EXPIRED: "error",
    scoring.NO_INFORMATION: "neutral",
}


def state_key(state: str | None) -> str:
    """Return the canonical state for any spelling of it (unknown ones read as no information)."""
    state = ALIASES.get(state, state)
    return state if state in scoring.LABELS else scoring.NO_INFORMATION


def state_label(state: str | None) -> str:
    """Return the state's label in the page's language."""
    return translate(scoring.LABELS[state_key(state)])


def state_note(state: str | None) -> str:
    """Return what the state means, in the page's language."""
    return translate(scoring.NOTES[state_key(state)])


def state_tone(state: str | None) -> str:
    return TONES[state_key(state)]


def init_app(app: Flask) -> None:
    """Expose the labels to templates."""
    app.add_template_global(state_label, "state_label")
    app.add_template_global(state_note, "state_note")
    app.add_template_global(state_tone, "state_tone")
    app.add_template_global(state_key, "state_key")
    app.add_template_global(STATE_ORDER, "STATE_ORDER")
