"""Forms of the moderation workbench and the public report form (Flask-WTF, CSRF on).

The report form is a public page, so its labels, choices and messages are lazy_gettext
strings (translated when the form is shown); the workbench forms stay English.
"""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from directory.moderation import reports
from directory.moderation.claims import REJECT_REASONS
from directory.moderation.invites import INVITE_ROLES
from directory.moderation.text import clean_text


def choices(pairs, *, blank: str | None = None) -> list[SelectChoice]:
    """Return (value, label) pairs as WTForms choices, after a blank one if given."""
    out = [SelectChoice("", blank)] if blank is not None else []
    return out + [SelectChoice(value, label) for value, label in pairs]


def clean_filter(value):
    """Clean typed text (see clean_text); leave anything else as it came."""
    return clean_text(value) if isinstance(value, str) else value


def strip_filter(value):
    """Trim the ends of typed text; leave anything else as it came."""
    return value.strip() if isinstance(value, str) else value


def _note(label: str, *, max_length: int, required: str | None = None, field=TextAreaField):
    """A cleaned free-text field of at most max_length characters; required says what to ask."""
    validators = [DataRequired(required)] if required else []
    validators.append(Length(max=max_length, message=f"At most {max_length} characters."))
    return field(label, validators=validators, filters=[clean_filter])


class CodeForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[DataRequired("Enter the code."), Length(max=40, message="That is too long.")],
        filters=[strip_filter],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )


class ReauthForm(FlaskForm):
    """Prove it is you before replacing your authenticator: password and a current code."""

    password = PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password."), Length(max=256, message="Too long.")],
        render_kw={"autocomplete": "current-password", "autofocus": True},
    )
    code = StringField(
        "A code from your current app, or a recovery code",
        validators=[DataRequired("Enter the code."), Length(max=40, message="That is too long.")],
        filters=[strip_filter],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text"},
    )


class ReportForm(FlaskForm):
    category = RadioField(
        lazy_gettext("What is the concern about?"),
        # The category names are marked for the catalogs in directory/i18n/known.py.
        choices=choices((key, lazy_gettext(label)) for key, label in reports.CATEGORIES.items()),
        validators=[InputRequired(lazy_gettext("Choose what the concern is about."))],
    )
    description = TextAreaField(
        lazy_gettext("What happened?"),
        validators=[
            DataRequired(lazy_gettext("Tell us what happened.")),
            Length(
                min=reports.MIN_DESCRIPTION,
                max=reports.MAX_DESCRIPTION,
                # Length fills in %(min)d and %(max)d after translation.
                message=lazy_gettext("Write between %(min)d and %(max)d characters."),
            ),
        ],
        filters=[clean_filter],
    )
    contact = StringField(
        lazy_gettext("How can we reach you? (optional)"),
        validators=[
            Optional(),
            Length(max=reports.MAX_CONTACT, message=lazy_gettext("At most %(max)d characters.")),
        ],
        filters=[clean_filter],
    )
    # The honeypot: hidden from people, filled in by simple bots.
    website = StringField("Leave this empty", validators=[Optional()])


class VerifyForm(FlaskForm):
    expected_state = HiddenField()
    verified_at = DateField("Verified on", validators=[InputRequired("Give the date you checked.")])
    expires_at = DateField("Expires on", validators=[InputRequired("Give the expiry date.")])

    def validate_expires_at(self, field):
        if self.verified_at.data and field.data and field.data <= self.verified_at.data:
            raise ValidationError("The expiry date must be after the verification date.")


class RejectForm(FlaskForm):
    expected_state = HiddenField()
    reason_code = SelectField(
        "Reason",
        choices=choices(REJECT_REASONS.items(), blank="Choose a reason"),
        validators=[DataRequired("Choose a reason.")],
    )
    note = _note("Note for the clinic", max_length=2000)

    def validate_note(self, field):
        if self.reason_code.data == "other" and not field.data:
            raise ValidationError("Say what is wrong: the clinic reads this note.")


class InfoForm(FlaskForm):
    expected_state = HiddenField()
    note = _note("What is missing?", max_length=1900, required="Say what information is missing.")


class ReasonForm(FlaskForm):
    """A four-eyes request or a listing decision: only a reason."""

    reason = _note("Reason", max_length=1000, required="Give a reason.")


class OptionalReasonForm(FlaskForm):
    reason = _note("Note (optional)", max_length=1000)


class EmptyForm(FlaskForm):
    """A button that changes something: CSRF token only."""


class TriageForm(FlaskForm):
    risk = RadioField(
        "Risk",
        choices=choices(reports.RISKS.items()),
        validators=[InputRequired("Choose the risk.")],
    )
    outcome = SelectField(
        "What happens next",
        choices=choices(reports.TRIAGE_OUTCOMES.items(), blank="Choose"),
        validators=[DataRequired("Choose what happens next.")],
    )
    note = _note("Note (moderators only)", max_length=2000)

    def validate_outcome(self, field):
        if field.data == "suspend" and self.risk.data != "high":
            raise ValidationError("Only a high-risk report can suspend a listing.")


class ConflictForm(FlaskForm):
    clinic_id = StringField(
        "Clinic id",
        validators=[DataRequired("Give the clinic's id."), Length(max=100)],
        filters=[strip_filter],
    )
    reason = _note("Why (optional)", max_length=500, field=StringField)


class InviteForm(FlaskForm):
    email = EmailField(
        "E-mail address",
        validators=[
            DataRequired("Give an e-mail address."),
            Length(max=254),
            Email("That is not an e-mail address.", check_deliverability=False),
        ],
        filters=[strip_filter],
    )
    role = SelectField("Role", choices=choices((r, r.capitalize()) for r in INVITE_ROLES))


class AcceptInviteForm(FlaskForm):
    display_name = StringField(
        "Your name (shown to patients next to your decisions)",
        validators=[DataRequired("Give your name."), Length(max=100)],
        filters=[clean_filter],
    )
    password = PasswordField(
        "Password (12 characters or more)",
        validators=[
            DataRequired("Choose a password."),
            Length(min=12, max=200, message="Use 12 to 200 characters."),
        ],
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[EqualTo("password", message="The two passwords differ.")],
    )
