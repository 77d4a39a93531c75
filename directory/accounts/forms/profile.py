"""The profile editor's form: every field of a clinic profile, treatments and practitioners."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.validators import ValidationError as WTFValidationError

from directory.accounts.forms.fields import (
    MultiCheckboxField,
    NumberText,
    country_field,
    currency_choices,
    email_field,
    iso_languages,
    phone_field,
    street_address_field,
    text_field,
    website_field,
)
from directory.accounts.forms.validators import check_address_lines
from directory.clinics.profile import PRACTITIONER_KEYS

MAX_PRACTITIONERS = 200


class TreatmentRowForm(Form):
    key = HiddenField()
    offered = BooleanField(_l("Offered"))
    price_from = NumberText(_l("Price from"), low=0, high=1_000_000, places=2)
    price_to = NumberText(_l("Price to"), low=0, high=1_000_000, places=2)
    currency = SelectField(_l("Currency"), choices=currency_choices)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        low, high = self.price_from.data, self.price_to.data
        priced = low is not None or high is not None
        if priced and not self.offered.data:
            where = self.price_from if low is not None else self.price_to
            where.errors.append(gettext("Tick “Offered” or clear the prices."))
            ok = False
        if low is not None and high is not None and low > high:
            self.price_to.errors.append(
                gettext("The upper price is lower than the starting price.")
            )
            ok = False
        if priced and not self.currency.data:
            self.currency.errors.append(gettext("Choose the currency of the prices."))
            ok = False
        return ok


class PractitionerForm(Form):
    """One practitioner: a field per PRACTITIONER_KEYS entry, in that order."""

    name = text_field(_l("Name"), 200)
    role = text_field(
        _l("Role"), 100, description=_l("For example: dermatologist, nurse prescriber.")
    )
    licence_number = text_field(_l("Licence number"), 100)
    licence_authority = text_field(_l("Licensing authority"), 200)
    licence_expiry = DateField(
        _l("Licence expiry"),
        validators=[Optional()],
        format="%Y-%m-%d",
        render_kw={"placeholder": "YYYY-MM-DD"},
    )
    prescriber = BooleanField(_l("Can prescribe"))

    def is_blank(self) -> bool:
        """Say whether nothing was typed in this row (blank rows are dropped, not errors)."""
        expiry = self.licence_expiry.raw_data
        typed = {"licence_expiry": bool(expiry and expiry[0].strip())}
        return not any(typed.get(key, self[key].data) for key in PRACTITIONER_KEYS)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.is_blank():
            return ok
        if not self.name.data and not self.name.errors:
            self.name.errors.append(gettext("Give the practitioner's name, or clear the row."))
            ok = False
        expiry = self.licence_expiry.data
        if expiry is not None and not 1950 <= expiry.year <= 2100:
            self.licence_expiry.errors.append(gettext("Use a date between 1950 and 2100."))
            ok = False
        return ok


class ProfileForm(FlaskForm):
    version = HiddenField()
    base = HiddenField()
    draft_key = HiddenField()
    name = text_field(_l("Clinic name"), 200, required=True)
    brand = text_field(
        _l("Brand or group"), 200, description=_l("Leave empty if the clinic has none.")
    )
    description = text_field(
        _l("Description"),
        5000,
        multiline=True,
        description=_l("Plain text: what the clinic does, for patients."),
    )
    address_lines = street_address_field(1300, _l("One line per line of the address (at most 6)."))
    city = text_field(_l("Town or city"), 100)
    region = text_field(_l("Region or county"), 100)
    postcode = text_field(_l("Postcode"), 16)
    country = country_field()
    lat = NumberText(
        _l("Latitude"),
        low=-90,
        high=90,
        places=7,
        description=_l("Optional. Leave both empty to locate the clinic from its address."),
    )
    lon = NumberText(_l("Longitude"), low=-180, high=180, places=7)
    phone = phone_field()
    email = email_field(_l("E-mail for patients"), required=False)
    website = website_field()
    opening_hours = text_field(
        _l("Opening hours"),
        1000,
        multiline=True,
        description=_l("For example: Mon–Fri 9:00–18:00, Sat 10:00–14:00."),
    )
    languages = MultiCheckboxField(_l("Languages spoken"), choices=[], validate_choice=True)
    other_languages = text_field(
        _l("Other languages"),
        200,
        description=_l("ISO 639-1 codes separated by commas, for example: sw, yo."),
    )
    treatments = FieldList(FormField(TreatmentRowForm), max_entries=100)
    practitioners = FieldList(FormField(PractitionerForm), max_entries=MAX_PRACTITIONERS)
    save = SubmitField(_l("Save the profile"))
    add_practitioner = SubmitField(_l("Add another practitioner"))

    def __init__(self, *args, language_choices=(), treatment_keys=(), currencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.languages.choices = list(language_choices)
        self.allowed_treatments = set(treatment_keys)
        # A currency the clinic already uses stays choosable even if no longer offered.
        for entry in self.treatments.entries:
            choices = [SelectChoice.from_input(c) for c in entry.form.currency.choices]
            kept = sorted(set(currencies) - {c.value for c in choices})
            entry.form.currency.choices = [*choices, *(SelectChoice(code) for code in kept)]

    def validate_address_lines(self, field):
        check_address_lines(field.data)

    def validate_lon(self, field):
        if (self.lat.data is None) != (field.data is None) and not (
            self.lat.errors or field.errors
        ):
            raise WTFValidationError(gettext("Give both latitude and longitude, or neither."))

    def validate_other_languages(self, field):
        codes = [c.strip().lower() for c in (field.data or "").split(",") if c.strip()]
        unknown = [c for c in codes if c not in iso_languages()]
        if unknown:
            raise WTFValidationError(
                gettext(
                    "Not ISO 639-1 language codes: %(codes)s. Use two letters, like sw for "
                    "Swahili.",
                    codes=", ".join(unknown[:5]),
                )
            )

    def validate_treatments(self, field):
        seen = set()
        for entry in field.entries:
            key = entry.form.key.data
            if key not in self.allowed_treatments or key in seen:
                raise WTFValidationError(
                    gettext("The list of treatments was changed; reload the page.")
                )
            seen.add(key)

    def language_codes(self) -> list[str]:
        codes = set(self.languages.data or [])
        codes.update(
            c.strip().lower() for c in (self.other_languages.data or "").split(",") if c.strip()
        )
        return sorted(codes)
