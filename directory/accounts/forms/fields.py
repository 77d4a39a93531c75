"""Fields of the accounts forms, built with the standard filters and checks, and their choices.

Text fields are normalised (NFC, trimmed) by filters and checked by PlainText: no HTML, no
control or invisible formatting characters.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from datetime import date

import pycountry
from babel import Locale
from babel.core import get_global
from babel.numbers import get_territory_currencies
from flask_babel import gettext, lazy_gettext
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from directory.accounts.forms.validators import (
    EmailAddress,
    NewPassword,
    PhoneNumber,
    PlainText,
    Website,
)
from directory.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from directory.accounts.text import normalise
from directory.i18n.languages import current_lang
from directory.i18n.names import country_label

# Offered first: the currencies of the countries most clinics are in.
COMMON_CURRENCIES = ("GBP", "EUR", "USD", "AED", "SAR", "TRY", "CHF")


def _single_line(value):
    # Runs of whitespace collapse, as in imported profiles (directory.clinics.profile).
    return " ".join(normalise(value).split()) if isinstance(value, str) else value


def _multi_line(value):
    return normalise(value, multiline=True) if isinstance(value, str) else value


def collation_key(text: str) -> str:
    """Sort names as people expect: accents and case do not move a name ("Égypte" by E)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def text_field(label, max_length, *, required=False, multiline=False, min_length=0, **kwargs):
    """Return a text field with the standard filters and checks."""
    required_message = lazy_gettext("This field is required.")
    validators = [DataRequired(message=required_message)] if required else [Optional()]
    # Length fills in %(min)d and %(max)d after translation.
    too_long = lazy_gettext("Use at most %(max)d characters.")
    between = lazy_gettext("Use %(min)d to %(max)d characters.")
    validators += [
        PlainText(multiline),
        Length(min=min_length, max=max_length, message=between if min_length else too_long),
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


def street_address_field(max_length: int, description):
    """Return the street address field: a text area, one line of the address per line."""
    return text_field(
        lazy_gettext("Street address"), max_length, multiline=True, description=description
    )


def current_password_field(label, message):
    """Return a field for the account's present password (message: what to say when empty)."""
    return PasswordField(
        label,
        validators=[InputRequired(message=message), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
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


def website_field(label=None):
    """Return an http(s) address field; a bare host name gets https://."""
    return StringField(
        label or lazy_gettext("Website"),
        validators=[Optional(), Website()],
        filters=[_normalise_website],
        render_kw={"inputmode": "url", "maxlength": 500, "placeholder": "https://"},
    )


def phone_field(label=None):
    """Return a phone number field, read in the form's country and stored international."""
    return StringField(
        label or lazy_gettext("Phone"),
        validators=[Optional(), PhoneNumber()],
        filters=[lambda v: normalise(v) if isinstance(v, str) else v],
        render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 40},
    )


def country_field():
    """Return a required choice of country (ISO 3166 alpha-2)."""
    return SelectField(
        lazy_gettext("Country"),
        choices=country_choices,
        validators=[DataRequired(message=lazy_gettext("Choose a country."))],
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
            raise ValueError(gettext("Write a number, like %(example)s.", example=self._example()))
        value = float(text)
        if not math.isfinite(value) or not self.low <= value <= self.high:
            raise ValueError(
                gettext(
                    "Use a number from %(low)s to %(high)s.",
                    low=f"{self.low:g}",
                    high=f"{self.high:g}",
                )
            )
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
def _country_choices(lang: str) -> tuple[SelectChoice, ...]:
    names = {c.alpha_2: country_label(c.alpha_2, lang) for c in pycountry.countries}
    ordered = sorted(names.items(), key=lambda pair: collation_key(pair[1]))
    blank = SelectChoice("", gettext("Choose a country"))
    return (blank, *(SelectChoice(code, name) for code, name in ordered))


def country_choices() -> list[SelectChoice]:
    """Return the country choices, named and sorted in the page's language."""
    return list(_country_choices(current_lang()))


@functools.cache
def tender_currencies() -> tuple[str, ...]:
    """Return the ISO 4217 codes that are legal tender somewhere today (CLDR, via Babel).

    Test codes (XTS, XXX), precious metals (XAU, XAG, XPT, XPD), bond units (XBA...) and
    currencies no longer in use are none of any territory's tender, so none is offered.
    """
    today = date.today()
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, today, tender=True))
    return tuple(sorted(codes))


@functools.cache
def _currency_choices(lang: str) -> tuple[SelectChoice, ...]:
    names = Locale.parse(lang).currencies
    codes = [c for c in COMMON_CURRENCIES if c in tender_currencies()]
    codes += [c for c in tender_currencies() if c not in COMMON_CURRENCIES]
    labelled = (SelectChoice(code, f"{code} · {names.get(code, code)}") for code in codes)
    return (SelectChoice("", "—"), *labelled)


def currency_choices() -> list[SelectChoice]:
    """Return the currency choices, each named in the page's language ("AED · UAE Dirham")."""
    return list(_currency_choices(current_lang()))


@functools.cache
def iso_languages() -> dict[str, str]:
    return {lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}
