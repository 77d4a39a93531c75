"""Forms of the /manage pages around a listing: add a clinic, find and claim one, invite."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired

from directory.accounts.forms.fields import (
    country_field,
    email_field,
    phone_field,
    street_address_field,
    text_field,
    website_field,
)
from directory.accounts.forms.validators import check_address_lines


class NewListingForm(FlaskForm):
    name = text_field(_l("Clinic name"), 200, required=True)
    address_lines = street_address_field(1200, _l("One line per line of the address."))
    city = text_field(_l("Town or city"), 100)
    postcode = text_field(_l("Postcode"), 16)
    country = country_field()
    phone = phone_field()
    website = website_field()
    submit = SubmitField(_l("Create the listing"))

    def validate_address_lines(self, field):
        check_address_lines(field.data)

    def profile(self) -> dict:
        """Return the new clinic's profile (without id and status) from the checked form."""
        lines = [x.strip() for x in (self.address_lines.data or "").split("\n") if x.strip()]
        return {
            "name": self.name.data,
            "brand": None,
            "description": None,
            "address": {
                "lines": lines,
                "city": self.city.data or None,
                "region": None,
                "postcode": (self.postcode.data or "").upper() or None,
                "country": self.country.data,
            },
            "location": None,
            "contact": {
                "phone": self.phone.data or None,
                "email": None,
                "website": self.website.data or None,
            },
            "opening_hours": None,
            "external_ids": {},
            "languages": [],
            "treatments": [],
            "practitioners": [],
        }


class ClaimSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search

    q = text_field(_l("Clinic name, town or postcode"), 100, required=True, min_length=2)


class ClaimForm(FlaskForm):
    note = text_field(
        _l("How are you connected to this clinic?"),
        1000,
        multiline=True,
        description=_l(
            "For example: I am the owner / the practice manager. A moderator reads this."
        ),
    )
    authorised = BooleanField(
        _l("I am authorised to manage this clinic's listing"),
        validators=[DataRequired(message=_l("Tick this box to confirm."))],
    )
    submit = SubmitField(_l("Claim this clinic"))


class InviteForm(FlaskForm):
    email = email_field(_l("Their e-mail address"))
    submit = SubmitField(_l("Send invitation"))
