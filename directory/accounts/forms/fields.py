"""Fields of the accounts forms, built with the standard filters and checks, and their choices.

Text fields are normalised (NFC, trimmed) by filters and checked by PlainText: no HTML, no
control or invisible formatting characters.
"""

from __future__ import annotations

import functools
import math
import re

import pycountry
from flask_babel import lazy_gettext
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from directory.accounts.forms.validators import (
    EmailAddress,
    NewPassword,
    PhoneNumber,
    PlainText,
    Website,
)
from directory.accounts.passwords import MIN_LENGTH
from directory.accounts.text import normalise


def _single_line(value):
    # Runs of whitespace collapse, as in imported profiles (directory.clinics.profile).
    return " ".join(normalise(value).split()) if isinstance(value, str) else value


def _multi_line(value):
    return normalise(value, multiline=True) if isinstance(value, str) else value


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def text_field(label, max_length, *, required=False, multiline=False, min_length=0, **kwargs):
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


def email_field(label=None, *, required=True):
    """Return an e-mail address field (lower-cased once valid)."""
    label = label or lazy_gettext("E-mail address")
    first = (
        InputRequired(message=lazy_gettext("Enter an e-mail address.")) if required else Optional()
    )
    return StringField(
        label,
        validators=[first, EmailAddress()],
        filters=[_stripped],
        render_kw={"autocomplete": "email", "maxlength": 254},
    )


def new_password_field(label=None):
    """Return a field for choosing a password."""
    label = label or lazy_gettext("Password")
    return PasswordField(
        label,
        validators=[InputRequired(message=lazy_gettext("Choose a password.")), NewPassword()],
        render_kw={"autocomplete": "new-password", "minlength": MIN_LENGTH},
    )


def repeat_field(label=None, of="password"):
    """Return a field that must repeat the password field named of."""
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


def website_field(label="Website"):
    """Return an http(s) address field; a bare host name gets https://."""
    return StringField(
        label,
        validators=[Optional(), Website()],
        filters=[_normalise_website],
        render_kw={"inputmode": "url", "maxlength": 500, "placeholder": "https://"},
    )


def phone_field(label="Phone"):
    """Return a phone number field, read in the form's country and stored international."""
    return StringField(
        label,
        validators=[Optional(), PhoneNumber()],
        filters=[lambda v: normalise(v) if isinstance(v, str) else v],
        render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 40},
    )


def country_field():
    """Return a required choice of country (ISO 3166 alpha-2)."""
    return SelectField(
        "Country", choices=country_choices, validators=[DataRequired(message="Choose a country.")]
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
