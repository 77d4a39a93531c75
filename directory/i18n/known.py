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
    N_("Claimed, evidence under review"),
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
    N_("Address too long"),
    N_(
        "The address is longer than we accept (8,000 bytes with its query). "
        "Send fewer or shorter values."
    ),
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
    N_("sort must be name, score or city."),
    N_("country must be a two-letter ISO code, such as GB or AE."),
    N_("Choose a clinic to compare."),
    N_("Your comparison is now empty."),
    N_("Write coordinates as latitude,longitude, for example 51.52,-0.15."),
    N_("Enter a town or city name, or coordinates such as 51.52,-0.15."),
    N_("Latitude must be between -90 and 90 and longitude between -180 and 180."),
    N_("Keep the place to 100 characters or fewer."),
)

# Why a score changed (directory/vetting/practitioners.py, sweep.py and demo.py), shown in the
# score history.
SCORE_REASONS = (
    N_("Practitioners changed"),
    N_("Profile changed"),
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

# directory/moderation/reports.py: CATEGORIES (the report form's choices, the transparency
# chart) and the outcomes the transparency page counts (transparency.py adds "Awaiting triage").
REPORT_CATEGORIES = (
    N_("Adverse reaction or infection"),
    N_("Unlicensed or unsupervised practitioner"),
    N_("Misleading claims"),
    N_("Wrong information"),
    N_("Other"),
)
REPORT_OUTCOMES = (
    N_("Awaiting triage"),
    N_("No action needed"),
    N_("Clinic contacted"),
    N_("Listing information corrected"),
    N_("Suspension awaiting a second moderator"),
    N_("Listing suspended"),
    N_("Suspension not confirmed"),
)

# directory/moderation/transparency.py: chart titles and series.
TRANSPARENCY_CHARTS = (
    N_("Claims verified and rejected per month"),
    N_("Verified"),
    N_("Rejected"),
    N_("Reports by outcome"),
    N_("Reports by category"),
    N_("Count"),
)

# directory/moderation/transparency.py LEVEL_KINDS and the promises of
# directory/moderation/service-levels.toml, on the transparency page.
SERVICE_LEVELS = (
    N_("Reports from patients"),
    N_("Evidence for checklist claims"),
    N_("New listings"),
    N_("Claims to manage a listing"),
    N_("Reports of harm and other high-risk reports: within 24 hours"),
    N_("Medium-risk reports: within 3 days"),
    N_("Other reports: within 5 working days"),
    N_("Evidence for a checklist claim: within 10 working days"),
    N_("A new listing: within 5 working days"),
    N_("A claim to manage a listing: within 5 working days"),
    N_("Patients' experiences, their photos and the re-checks they prompt: within 5 working days"),
    N_("Anything else: within 10 working days"),
)

# Why submit_report refused a report, as the report form shows it
# (directory/moderation/text.py sentence).
REPORT_ERRORS = (
    N_("Choose one of the categories."),
    N_("The description needs 10 to 5000 characters."),
    N_("Contact details are limited to 200 characters."),
)

# directory/accounts/views.py BAD_LOGIN and THROTTLED, shown beside the password on the log-in
# page, the flashes of logging in and out, and Flask-Login's message (directory/extensions.py).
ACCOUNT_MESSAGES = (
    N_("That e-mail address and password do not match an account."),
    N_(
        "Too many wrong passwords were tried for this address, so attempts are slowed down: "
        "wait a little and try again, or get a login link by e-mail, which always works."
    ),
    N_("You are logged in."),
    N_("You are logged out."),
    N_("Please log in to see that page."),
)

# Refusals of the accounts services (AccountError templates) shown on the clinic back office,
# and password_problem's sentences (directory/accounts/services/users.py).
ACCOUNT_REFUSALS = (
    N_("Confirm your e-mail address before you add a listing."),
    N_("Confirm your e-mail address before you claim a clinic."),
    N_("You already manage this clinic."),
    N_("%(email)s already works on this listing."),
    N_("This invitation is no longer valid."),
    N_("This invitation was sent to another address. Log in with that address."),
    N_("A listing needs an owner; the last owner cannot be removed."),
    N_("That is not your current password."),
    N_("Use at least 12 characters."),
    N_("Use at most 256 characters."),
    N_("Your password must not be your e-mail address."),
    N_("That password is too easy to guess; mix more different characters."),
)

# Why an evidence document or a patient's receipt was refused (directory/evidence/files.py and
# pdf.py), on a checklist item's page and the experience form. tests/test_i18n.py produces
# every one of them from those modules, so a changed message there must change here.
EVIDENCE_REFUSALS = (
    N_("The file is empty."),
    N_("The file is larger than 10 MB."),
    N_(
        "Only PDF, PNG and JPEG files are accepted (checked from the file's content, not its name)."
    ),
    N_("The PDF is too complex for us to check. Print it to a new PDF and try again."),
    N_(
        "The PDF could not be read: it is damaged or not really a PDF. "
        "Export or print it to a new PDF and try again."
    ),
    N_(
        "The PDF is encrypted or protected by a password, so we cannot check it. "
        "Save a copy without protection and try again."
    ),
    N_("The PDF contains JavaScript, which we do not accept. Print it to a new PDF and try again."),
    N_(
        "The PDF tries to launch a program, which we do not accept. Print it to a new PDF and "
        "try again."
    ),
    N_(
        "The PDF contains embedded files, which we do not accept. Print it to a new PDF and try "
        "again."
    ),
    N_(
        "The PDF contains an XFA form, which we do not accept. Print it to a new PDF and try again."
    ),
)

# The profile editor's field labels (directory/accounts/editor.py FIELDS), in the table of
# fields two people changed at once, and how it shows a field with nothing in it.
EDITOR_FIELDS = (
    N_("Clinic name"),
    N_("Brand or group"),
    N_("Description"),
    N_("Street address"),
    N_("Town or city"),
    N_("Region or county"),
    N_("Postcode"),
    N_("Country"),
    N_("Coordinates"),
    N_("Phone"),
    N_("E-mail for patients"),
    N_("Website"),
    N_("Opening hours"),
    N_("Languages spoken"),
    N_("Treatments and prices"),
    N_("Practitioners"),
    N_("(empty)"),
)

# What a report's private status link says of each outcome (directory/moderation/reports.py
# PUBLIC_OUTCOMES).
REPORT_PUBLIC_OUTCOMES = (
    N_(
        "A moderator looked into your report and found nothing on the listing that needs to change."
    ),
    N_("A moderator contacted the clinic about your report."),
    N_("The listing's information was corrected."),
    N_(
        "A moderator asked for the listing to be suspended; a second moderator is checking the "
        "request."
    ),
    N_(
        "Two moderators suspended the listing: it does not appear in search while we look into "
        "the concern."
    ),
    N_("A second moderator did not confirm the suspension, so the listing stays in search."),
)

# directory/accounts/text.py text_problem: why typed text was refused (an e-mail address on
# the register and reset pages).
TEXT_PROBLEMS = (
    N_("Remove the NUL character."),
    N_("Remove the control characters."),
    N_("Use a single line of text."),
    N_(
        "Remove the invisible formatting characters (such as direction overrides "
        "or zero-width spaces)."
    ),
    N_("Remove the characters that are not valid text."),
    N_("HTML is not allowed here; write plain text."),
)
