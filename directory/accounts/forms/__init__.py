"""Forms of the accounts domain (Flask-WTF): every field checked on the server.

One module per page group (account, clinic_admin, profile, evidence), built from the shared
fields and validators. Forms never touch the database.

The log-in, register and reset pages are translated (directory/i18n TRANSLATED_ENDPOINTS), so
what they show is wrapped for the catalogs: lazy_gettext for labels and fixed messages, gettext
for messages made while validating. On the English pages the words are unchanged.
"""

from directory.accounts.forms.account import (
    ButtonForm,
    ChangePasswordForm,
    LanguageForm,
    LoginForm,
    LoginLinkForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from directory.accounts.forms.clinic_admin import (
    ClaimForm,
    ClaimSearchForm,
    InviteForm,
    NewListingForm,
)
from directory.accounts.forms.evidence import EvidenceForm
from directory.accounts.forms.profile import (
    MAX_PRACTITIONERS,
    PractitionerForm,
    ProfileForm,
    TreatmentRowForm,
)

__all__ = [
    "MAX_PRACTITIONERS",
    "ButtonForm",
    "ChangePasswordForm",
    "ClaimForm",
    "ClaimSearchForm",
    "EvidenceForm",
    "InviteForm",
    "LanguageForm",
    "LoginForm",
    "LoginLinkForm",
    "NewListingForm",
    "PractitionerForm",
    "ProfileForm",
    "RegisterForm",
    "ResetPasswordForm",
    "ResetRequestForm",
    "TreatmentRowForm",
]
