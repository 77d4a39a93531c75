"""Forms of the accounts domain (Flask-WTF): every field checked on the server.

Text fields are normalised (NFC, trimmed) by filters and checked by PlainText: no HTML, no
control or invisible formatting characters. Forms never touch the database.

The log-in, register and reset pages are translated (directory/i18n TRANSLATED_ENDPOINTS), so
what they show is wrapped for the catalogs: lazy_gettext for labels and fixed messages, gettext
for messages made while validating. On the English pages the words are unchanged.
"""

from __future__ import annotations

import functools
import math
import re
from urllib.parse import urlsplit

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext, lazy_gettext, ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    StopValidation,
)
from wtforms.validators import ValidationError as WTFValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from directory.accounts.passwords import MIN_LENGTH
from directory.accounts.text import normalise, text_problem
from directory.i18n import DEFAULT, current_lang

MAX_PASSWORD = 256
MAX_PRACTITIONERS = 200
MAX_ADDRESS_LINES = 6


# Filters and validators


def _single_line(value):
    # Runs of whitespace collapse, as in imported profiles (directory.clinics.profile).
    return " ".join(normalise(value).split()) if isinstance(value, str) else value


def _multi_line(value):
    return normalise(value, multiline=True) if isinstance(value, str) else value


class PlainText:
    """Refuse HTML and invisible or control characters; the message says which."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, form, field):
        # raw_data holds what was typed before the filters trimmed it.
        raw = field.raw_data[0] if field.raw_data else field.data
        for value in (raw, field.data):
            if isinstance(value, str):
                problem = text_problem(value, multiline=self.multiline)
                if problem:
                    raise StopValidation(problem)


def _text(label, max_length, *, required=False, multiline=False, min_length=0, **kwargs):
    """Return a text field with the standard filters and checks."""
    validators = [DataRequired(message="This field is required.")] if required else [Optional()]
    validators += [
        PlainText(multiline),
        Length(
            min=min_length,
            max=max_length,
            message=f"Use at most {max_length} characters." if not min_length else None,
        ),
    ]
    cls = TextAreaField if multiline else StringField
    return cls(
        label,
        validators=validators,
        filters=[_multi_line if multiline else _single_line],
        render_kw={"maxlength": max_length} if not multiline else None,
        **kwargs,
    )


class EmailAddress:
    """An e-mail address (syntax only: no DNS lookups), normalised to lower case."""

    def __call__(self, form, field):
        value = field.data or ""
        problem = text_problem(value)
        if problem:
            # text_problem's sentences are marked for the catalogs in directory/i18n/known.py.
            raise StopValidation(gettext(problem))
        if len(value) > 254:
            raise StopValidation(gettext("That address is too long."))
        try:
            checked = validate_email(value, check_deliverability=False)
        except EmailNotValidError as exc:
            raise StopValidation(_not_an_address(exc)) from exc
        field.data = checked.normalized.lower()


def _not_an_address(exc: EmailNotValidError) -> str:
    # email_validator explains what is wrong in English only: other languages get a sentence
    # of their own rather than an English clause inside it.
    if current_lang() == DEFAULT:
        return f"That is not an e-mail address: {exc}"
    return gettext("That is not an e-mail address. Check it for typing mistakes.")


def _email(label=None, *, required=True):
    label = label or lazy_gettext("E-mail address")
    first = (
        InputRequired(message=lazy_gettext("Enter an e-mail address.")) if required else Optional()
    )
    return StringField(
        label,
        validators=[first, EmailAddress()],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        render_kw={"autocomplete": "email", "maxlength": 254},
    )


class NewPassword:
    """A password of MIN_LENGTH..MAX_PASSWORD characters with some variety."""

    def __call__(self, form, field):
        value = field.data or ""
        if len(value) < MIN_LENGTH:
            raise StopValidation(
                ngettext(
                    "Use at least %(num)d character.",
                    "Use at least %(num)d characters.",
                    MIN_LENGTH,
                )
            )
        if len(value) > MAX_PASSWORD:
            raise StopValidation(
                ngettext(
                    "Use at most %(num)d character.",
                    "Use at most %(num)d characters.",
                    MAX_PASSWORD,
                )
            )
        if "\x00" in value:
            raise StopValidation(gettext("Remove the NUL character."))
        if len(set(value)) < 4:
            raise StopValidation(
                gettext("That password is too easy to guess; mix more characters.")
            )
        email = getattr(form, "email", None)
        if (
            email is not None
            and isinstance(email.data, str)
            and value.lower() == email.data.lower()
        ):
            raise StopValidation(gettext("Your password must not be your e-mail address."))


def _new_password(label=None):
    label = label or lazy_gettext("Password")
    return PasswordField(
        label,
        validators=[InputRequired(message=lazy_gettext("Choose a password.")), NewPassword()],
        render_kw={"autocomplete": "new-password", "minlength": MIN_LENGTH},
    )


def _repeat(label=None, of="password"):
    label = label or lazy_gettext("Repeat the password")
    return PasswordField(
        label,
        validators=[
            InputRequired(message=lazy_gettext("Type the password again.")),
            EqualTo(of, message=lazy_gettext("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _normalise_website(value):
    if not isinstance(value, str):
        return value
    value = normalise(value)
    if value and "://" not in value and not value.lower().startswith(("javascript:", "data:")):
        value = "https://" + value
    return value


class Website:
    """An http(s) address with a real host name."""

    def __call__(self, form, field):
        value = field.data or ""
        problem = text_problem(value)
        if problem:
            raise StopValidation(problem)
        if len(value) > 500:
            raise StopValidation("Use at most 500 characters.")
        if any(c.isspace() for c in value):
            raise StopValidation("A web address has no spaces.")
        try:
            parts = urlsplit(value)
            host = parts.hostname or ""
            port_ok = parts.port is None or parts.port > 0
        except ValueError:
            raise StopValidation("That is not a web address.") from None
        if parts.scheme.lower() not in ("http", "https"):
            raise StopValidation("Only web addresses starting with http:// or https:// work here.")
        if parts.username or parts.password or not port_ok:
            raise StopValidation("That is not a web address.")
        if "." not in host or not re.fullmatch(r"[\w.-]+", host) or host.startswith("."):
            raise StopValidation("That web address has no valid host name, like example.com.")


def _website(label="Website"):
    return StringField(
        label,
        validators=[Optional(), Website()],
        filters=[_normalise_website],
        render_kw={"inputmode": "url", "maxlength": 500, "placeholder": "https://"},
    )


class PhoneNumber:
    """An international phone number, read in the country chosen on the same form."""

    def __init__(self, country_field: str = "country"):
        self.country_field = country_field

    def __call__(self, form, field):
        value = field.data or ""
        problem = text_problem(value)
        if problem:
            raise StopValidation(problem)
        if len(value) > 40:
            raise StopValidation("That is too long for a phone number.")
        country = getattr(form, self.country_field, None)
        region = country.data if country is not None and isinstance(country.data, str) else None
        try:
            number = phonenumbers.parse(value, (region or "").upper() or None)
        except phonenumbers.NumberParseException:
            raise StopValidation(
                "That is not a phone number. Write it with its country code, like +44 20 7946 0000."
            ) from None
        if not phonenumbers.is_valid_number(number):
            raise StopValidation(
                "That phone number is not valid for its country. Check the digits and the "
                "country code."
            )
        field.data = phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )


def _phone(label="Phone"):
    return StringField(
        label,
        validators=[Optional(), PhoneNumber()],
        filters=[lambda v: normalise(v) if isinstance(v, str) else v],
        render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 40},
    )


class NumberText(StringField):
    """A decimal number typed as text: strict syntax, a range, and no NaN or infinity."""

    def __init__(self, label=None, validators=None, *, low, high, places, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.low, self.high, self.places = low, high, places

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not isinstance(valuelist[0], str):
            return
        text = normalise(valuelist[0])
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # a decimal comma, as typed in much of Europe
        if not text:
            return
        if not re.fullmatch(rf"-?\d{{1,9}}(\.\d{{1,{self.places}}})?", text, re.ASCII):
            raise ValueError(f"Write a number, like {self._example()}.")
        value = float(text)
        if not math.isfinite(value) or not self.low <= value <= self.high:
            raise ValueError(f"Use a number from {self.low:g} to {self.high:g}.")
        self.data = value

    def _example(self) -> str:
        return "51.5074" if self.places > 2 else "150"

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:.{self.places}f}".rstrip("0").rstrip(".")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# Choices (built once per process)


@functools.cache
def country_choices() -> list[tuple[str, str]]:
    countries = sorted(pycountry.countries, key=lambda c: getattr(c, "common_name", c.name))
    return [("", "Choose a country")] + [
        (c.alpha_2, getattr(c, "common_name", c.name)) for c in countries
    ]


@functools.cache
def currency_choices() -> list[tuple[str, str]]:
    common = ["GBP", "EUR", "USD", "AED", "SAR", "TRY", "CHF"]
    rest = sorted(c.alpha_3 for c in pycountry.currencies if c.alpha_3 not in common)
    return [("", "—")] + [(code, code) for code in common + rest]


@functools.cache
def iso_languages() -> dict[str, str]:
    return {lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}


# Account forms


class RegisterForm(FlaskForm):
    email = _email()
    password = _new_password()
    confirm = _repeat()
    submit = SubmitField(lazy_gettext("Create account"))


class LoginForm(FlaskForm):
    email = StringField(
        lazy_gettext("E-mail address"),
        validators=[
            InputRequired(message=lazy_gettext("Enter your e-mail address.")),
            Length(max=254),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        lazy_gettext("Password"),
        validators=[
            InputRequired(message=lazy_gettext("Enter your password.")),
            Length(max=MAX_PASSWORD),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(lazy_gettext("Keep me logged in on this device for 30 days"))
    next = HiddenField()
    submit = SubmitField(lazy_gettext("Log in"))


class ResetRequestForm(FlaskForm):
    email = _email()
    submit = SubmitField(lazy_gettext("Send me a link"))


class ResetPasswordForm(FlaskForm):
    password = _new_password("New password")
    confirm = _repeat()
    submit = SubmitField("Set my new password")


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Current password",
        validators=[
            InputRequired(message="Enter your current password."),
            Length(max=MAX_PASSWORD),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password("New password")
    confirm = _repeat()
    submit = SubmitField("Change password")


class ButtonForm(FlaskForm):
    """A form that is only a button (and its CSRF token): confirm, accept, log out, remove."""

    submit = SubmitField("Continue")


# Getting a listing


class NewListingForm(FlaskForm):
    name = _text("Clinic name", 200, required=True)
    address_lines = _text(
        "Street address", 1200, multiline=True, description="One line per line of the address."
    )
    city = _text("Town or city", 100)
    postcode = _text("Postcode", 16)
    country = SelectField(
        "Country", choices=country_choices, validators=[DataRequired(message="Choose a country.")]
    )
    phone = _phone()
    website = _website()
    submit = SubmitField("Create the listing")

    def validate_address_lines(self, field):
        _check_address_lines(field.data)


def _check_address_lines(value: str | None) -> None:
    lines = [line.strip() for line in (value or "").split("\n") if line.strip()]
    if len(lines) > MAX_ADDRESS_LINES:
        raise WTFValidationError(f"Use at most {MAX_ADDRESS_LINES} lines.")
    if any(len(line) > 200 for line in lines):
        raise WTFValidationError("Each line can have at most 200 characters.")


class ClaimSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search

    q = _text("Clinic name, town or postcode", 100, required=True, min_length=2)


class ClaimForm(FlaskForm):
    note = _text(
        "How are you connected to this clinic?",
        1000,
        multiline=True,
        description="For example: I am the owner / the practice manager. A moderator reads this.",
    )
    authorised = BooleanField(
        "I am authorised to manage this clinic's listing",
        validators=[DataRequired(message="Tick this box to confirm.")],
    )
    submit = SubmitField("Claim this clinic")


class InviteForm(FlaskForm):
    email = _email("Their e-mail address")
    submit = SubmitField("Send invitation")


# The profile editor


class TreatmentRowForm(Form):
    key = HiddenField()
    offered = BooleanField("Offered")
    price_from = NumberText("Price from", low=0, high=1_000_000, places=2)
    price_to = NumberText("Price to", low=0, high=1_000_000, places=2)
    currency = SelectField("Currency", choices=currency_choices)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        low, high = self.price_from.data, self.price_to.data
        priced = low is not None or high is not None
        if priced and not self.offered.data:
            where = self.price_from if low is not None else self.price_to
            where.errors.append("Tick “Offered” or clear the prices.")
            ok = False
        if low is not None and high is not None and low > high:
            self.price_to.errors.append("The upper price is lower than the starting price.")
            ok = False
        if priced and not self.currency.data:
            self.currency.errors.append("Choose the currency of the prices.")
            ok = False
        return ok


class PractitionerForm(Form):
    name = _text("Name", 200)
    role = _text("Role", 100, description="For example: dermatologist, nurse prescriber.")
    licence_number = _text("Licence number", 100)
    licence_authority = _text("Licensing authority", 200)
    licence_expiry = DateField(
        "Licence expiry",
        validators=[Optional()],
        format="%Y-%m-%d",
        render_kw={"placeholder": "YYYY-MM-DD"},
    )
    prescriber = BooleanField("Can prescribe")

    def is_blank(self) -> bool:
        """Say whether nothing was typed in this row (blank rows are dropped, not errors)."""
        texts = (self.name, self.role, self.licence_number, self.licence_authority)
        typed_expiry = bool(
            self.licence_expiry.raw_data and self.licence_expiry.raw_data[0].strip()
        )
        return not any(f.data for f in texts) and not typed_expiry and not self.prescriber.data

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.is_blank():
            return ok
        if not self.name.data and not self.name.errors:
            self.name.errors.append("Give the practitioner's name, or clear the row.")
            ok = False
        expiry = self.licence_expiry.data
        if expiry is not None and not 1950 <= expiry.year <= 2100:
            self.licence_expiry.errors.append("Use a date between 1950 and 2100.")
            ok = False
        return ok


class ProfileForm(FlaskForm):
    version = HiddenField()
    base = HiddenField()
    draft_key = HiddenField()
    name = _text("Clinic name", 200, required=True)
    brand = _text("Brand or group", 200, description="Leave empty if the clinic has none.")
    description = _text(
        "Description",
        5000,
        multiline=True,
        description="Plain text: what the clinic does, for patients.",
    )
    address_lines = _text(
        "Street address",
        1300,
        multiline=True,
        description="One line per line of the address (at most 6).",
    )
    city = _text("Town or city", 100)
    region = _text("Region or county", 100)
    postcode = _text("Postcode", 16)
    country = SelectField(
        "Country", choices=country_choices, validators=[DataRequired(message="Choose a country.")]
    )
    lat = NumberText(
        "Latitude",
        low=-90,
        high=90,
        places=7,
        description="Optional. Leave both empty to locate the clinic from its address.",
    )
    lon = NumberText("Longitude", low=-180, high=180, places=7)
    phone = _phone()
    email = _email("E-mail for patients", required=False)
    website = _website()
    opening_hours = _text(
        "Opening hours",
        1000,
        multiline=True,
        description="For example: Mon–Fri 9:00–18:00, Sat 10:00–14:00.",
    )
    languages = MultiCheckboxField("Languages spoken", choices=[], validate_choice=True)
    other_languages = _text(
        "Other languages",
        200,
        description="ISO 639-1 codes separated by commas, for example: sw, yo.",
    )
    treatments = FieldList(FormField(TreatmentRowForm), max_entries=100)
    practitioners = FieldList(FormField(PractitionerForm), max_entries=MAX_PRACTITIONERS)
    save = SubmitField("Save the profile")
    add_practitioner = SubmitField("Add another practitioner")

    def __init__(self, *args, language_choices=(), treatment_keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.languages.choices = list(language_choices)
        self.allowed_treatments = set(treatment_keys)

    def validate_address_lines(self, field):
        _check_address_lines(field.data)

    def validate_lon(self, field):
        if (self.lat.data is None) != (field.data is None) and not (
            self.lat.errors or field.errors
        ):
            raise WTFValidationError("Give both latitude and longitude, or neither.")

    def validate_other_languages(self, field):
        codes = [c.strip().lower() for c in (field.data or "").split(",") if c.strip()]
        unknown = [c for c in codes if c not in iso_languages()]
        if unknown:
            raise WTFValidationError(
                f"Not ISO 639-1 language codes: {', '.join(unknown[:5])}. Use two letters, "
                "like sw for Swahili."
            )

    def validate_treatments(self, field):
        seen = set()
        for entry in field.entries:
            key = entry.form.key.data
            if key not in self.allowed_treatments or key in seen:
                raise WTFValidationError("The list of treatments was changed; reload the page.")
            seen.add(key)

    def language_codes(self) -> list[str]:
        codes = set(self.languages.data or [])
        codes.update(
            c.strip().lower() for c in (self.other_languages.data or "").split(",") if c.strip()
        )
        return sorted(codes)


# Evidence


class EvidenceForm(FlaskForm):
    statement = _text(
        "Your statement",
        2000,
        multiline=True,
        description="In your own words: how the clinic meets this item.",
    )
    link = _website("Link to evidence")
    licence_number = _text("Licence or registration number", 100)
    document = FileField(
        "Document (PDF, PNG or JPEG, at most 10 MB)",
        render_kw={"accept": "application/pdf,image/png,image/jpeg"},
    )
    submit = SubmitField("Send for review")

    def has_content(self) -> bool:
        return bool(
            self.statement.data
            or self.link.data
            or self.licence_number.data
            or (self.document.data and getattr(self.document.data, "filename", None))
        )
