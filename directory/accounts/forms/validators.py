"""Validators of the accounts forms: plain text, e-mail, new password, website, phone number."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext, ngettext
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError as WTFValidationError

from directory.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from directory.accounts.text import text_problem
from directory.i18n import DEFAULT, current_lang

MAX_ADDRESS_LINES = 6


def _typed(field, translate=str) -> str:
    """Return what the field holds, or stop at the first reason it is not plain text."""
    value = field.data or ""
    problem = text_problem(value)
    if problem:
        raise StopValidation(translate(problem))
    return value


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


class EmailAddress:
    """An e-mail address (syntax only: no DNS lookups), normalised to lower case."""

    def __call__(self, form, field):
        # text_problem's sentences are marked for the catalogs in directory/i18n/known.py.
        value = _typed(field, gettext)
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


class NewPassword:
    """A password of MIN_LENGTH..MAX_LENGTH characters with some variety."""

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
        if len(value) > MAX_LENGTH:
            raise StopValidation(
                ngettext(
                    "Use at most %(num)d character.",
                    "Use at most %(num)d characters.",
                    MAX_LENGTH,
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


class Website:
    """An http(s) address with a real host name."""

    def __call__(self, form, field):
        value = _typed(field)
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


class PhoneNumber:
    """An international phone number, read in the country chosen on the same form."""

    def __init__(self, country_field: str = "country"):
        self.country_field = country_field

    def __call__(self, form, field):
        value = _typed(field)
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


def check_address_lines(value: str | None) -> None:
    """Refuse a street address of too many lines, or a line too long."""
    lines = [line.strip() for line in (value or "").split("\n") if line.strip()]
    if len(lines) > MAX_ADDRESS_LINES:
        raise WTFValidationError(f"Use at most {MAX_ADDRESS_LINES} lines.")
    if any(len(line) > 200 for line in lines):
        raise WTFValidationError("Each line can have at most 200 characters.")
