"""The safety guide's table of contents: page slugs in reading order (text is in templates)."""

from __future__ import annotations

# Each slug has its template at templates/patients/guide/<slug>.html and its title in
# templates/patients/guide/_pages.html, so every word a patient reads lives in a template.
GUIDE_PAGES = (
    "mesotherapy",
    "who-should-not",
    "side-effects",
    "before-and-after",
    "questions",
)

# The checklist item behind "does this clinic screen for reasons not to treat?".
SCREENING_ITEM = "contraindication-screening"

# Self-check answers, in the order the form asks them; each has a guidance block in
# templates/patients/_guidance.html. Only the browser ever sees which ones are ticked.
SELF_CHECK_ANSWERS = ("pregnancy", "bleeding", "skin", "conditions", "allergies")


def neighbours(slug: str) -> tuple[str | None, str | None]:
    """Return the (previous, next) guide pages around slug."""
    at = GUIDE_PAGES.index(slug)
    before = GUIDE_PAGES[at - 1] if at > 0 else None
    after = GUIDE_PAGES[at + 1] if at + 1 < len(GUIDE_PAGES) else None
    return before, after
