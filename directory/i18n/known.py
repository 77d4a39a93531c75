"""English strings that other modules produce and public pages show, marked for extraction.

Templates translate them at render time with the ``tr`` filter (directory.i18n.translate).
tests/test_i18n.py checks this list against the modules that define the strings, so a
changed label cannot silently drop out of the catalogs.
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark text for extraction without translating it now (the gettext convention)."""
    return text


# directory/vetting/scoring.py: LABELS and NOTES, one per checklist state.
STATE_LABELS = (
    N_("No information"),
    N_("Claimed, not verified"),
    N_("Verified"),
    N_("Verified, due for re-check"),
    N_("Verification expired"),
    N_("Not met"),
)
STATE_NOTES = (
    N_("The clinic has not told us about this yet. Unknown is not the same as failed."),
    N_("The clinic says it does this but has not shown evidence yet."),
    N_("The clinic has sent evidence; a moderator has not checked it yet."),
    N_("A moderator checked the evidence."),
    N_("Checked, but due for a re-check: it counts less every day until it expires."),
    N_("The verification is too old to count; it must be checked again."),
    N_("A moderator checked and found this not met."),
)

# directory/search/views.py: FACET_TITLES.
FACET_TITLES = (
    N_("Treatment"),
    N_("Country"),
    N_("City"),
    N_("Language spoken"),
)

# directory/errors.py: MESSAGES, the CSRF page and the 500 page.
ERROR_TEXTS = (
    N_("Bad request"),
    N_("The request could not be understood."),
    N_("Not allowed"),
    N_("You do not have permission to see this page."),
    N_("Page not found"),
    N_("We could not find that page. It may have moved or never existed."),
    N_("Method not allowed"),
    N_("That action is not available here."),
    N_("Too large"),
    N_("What you sent is larger than we accept."),
    N_("Too many requests"),
    N_("You have made too many requests. Please wait and try again."),
    N_("Form expired"),
    N_(
        "Your form session expired or the security token was missing. "
        "Go back, reload the page and try again."
    ),
    N_("Something went wrong"),
    N_("Something went wrong on our side. It has been logged; please try again."),
)

# Fixed messages the public views pass to abort() or flash(), and the patients' place errors
# (directory/patients/places.py) that do not depend on what was typed.
VIEW_MESSAGES = (
    N_("page must be a whole number from 1 to 10000."),
    N_("country must be a two-letter ISO code, such as GB or AE."),
    N_("Choose a clinic to compare."),
    N_("Your comparison is now empty."),
    N_("Write coordinates as latitude,longitude, for example 51.52,-0.15."),
    N_("Enter a town or city name, or coordinates such as 51.52,-0.15."),
    N_("Latitude must be between -90 and 90 and longitude between -180 and 180."),
    N_("Keep the place to 100 characters or fewer."),
)

# Why a score changed (directory/vetting/services.py and demo.py), shown in the score history.
SCORE_REASONS = (
    N_("Practitioners changed"),
    N_("Daily re-check"),
    N_("Demo vetting"),
    N_("The clinic's practitioners changed, so a moderator must check their licences again."),
)

# Practitioner roles as profiles usually give them (free text; others show as written).
ROLES = (
    N_("dermatologist"),
    N_("plastic surgeon"),
    N_("physician"),
    N_("nurse"),
    N_("pharmacist"),
    N_("aesthetician"),
    N_("doctor"),
)

# Ready for directory/patients/views.py to send its flashes through flask_babel.gettext with
# these exact msgids (the English output stays the same); until then they show in English.
FLASH_TEMPLATES = (
    N_(
        "You can compare up to %(max)s clinics at a time. "
        "Remove one from your comparison to add %(name)s; nothing was changed."
    ),
    N_("%(name)s is already in your comparison."),
    N_("Added %(name)s to your comparison (%(count)s of %(max)s)."),
    N_("Removed %(name)s from your comparison."),
    N_("Your comparison now holds these %(count)s clinics."),
)
