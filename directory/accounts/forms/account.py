"""Forms of the /account pages: register, log in, reset and change the password, buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from directory.accounts.forms.fields import (
    current_password_field,
    email_field,
    new_password_field,
    repeat_field,
)
from directory.i18n.languages import LANGUAGES


class RegisterForm(FlaskForm):
    email = email_field()
    password = new_password_field()
    confirm = repeat_field()
    submit = SubmitField(lazy_gettext("Create account"))


def account_email_field() -> StringField:
    """The address of an existing account: any text up to 254 characters (it is looked up)."""
    return StringField(
        lazy_gettext("E-mail address"),
        validators=[
            InputRequired(message=lazy_gettext("Enter your e-mail address.")),
            Length(max=254),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        render_kw={"autocomplete": "username"},
    )


class LoginForm(FlaskForm):
    email = account_email_field()
    password = current_password_field(
        lazy_gettext("Password"), lazy_gettext("Enter your password.")
    )
    remember = BooleanField(lazy_gettext("Keep me logged in on this device for 30 days"))
    next = HiddenField()
    submit = SubmitField(lazy_gettext("Log in"))


class LoginLinkForm(FlaskForm):
    # Looked up, not checked like a new address: a login link must reach every account.
    email = account_email_field()
    submit = SubmitField(lazy_gettext("Send me a link"))


class ResetRequestForm(FlaskForm):
    email = email_field()
    submit = SubmitField(lazy_gettext("Send me a link"))


class ResetPasswordForm(FlaskForm):
    password = new_password_field(lazy_gettext("New password"))
    confirm = repeat_field()
    submit = SubmitField(lazy_gettext("Set my new password"))


class ChangePasswordForm(FlaskForm):
    current = current_password_field(
        lazy_gettext("Current password"), lazy_gettext("Enter your current password.")
    )
    password = new_password_field(lazy_gettext("New password"))
    confirm = repeat_field()
    submit = SubmitField(lazy_gettext("Change password"))


class LanguageForm(FlaskForm):
    # Each language is named in itself, as the language switcher names it.
    language = SelectField(
        lazy_gettext("Language of your e-mails"),
        choices=[SelectChoice(code, name) for code, (name, _direction) in LANGUAGES.items()],
        description=lazy_gettext(
            "Messages about your clinics are written in it, and your pages open in it."
        ),
    )
    submit = SubmitField(lazy_gettext("Save the language"))


class ButtonForm(FlaskForm):
    """A form that is only a button (and its CSRF token): confirm, accept, log out, remove."""

    submit = SubmitField(lazy_gettext("Continue"))
