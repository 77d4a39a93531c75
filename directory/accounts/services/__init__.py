"""Account use cases shared by the CLI and the web: the one door into the accounts domain.

Each module holds one idea: users (register, confirm, authenticate, passwords), domains
(does an address prove a clinic's website), logins (a delay per address after wrong
passwords, one-time login links), listings (getting a listing and a moderator's
decision on it), members (a clinic's people and invitations), drafts and editing (the profile
editor) and demo (the demo logins). No Flask here: views send the mails and build the pages.
"""

from directory.accounts.services.demo import DEMO_LOGINS, ensure_demo_logins
from directory.accounts.services.domains import domain_matches
from directory.accounts.services.drafts import discard_draft, get_draft, keep_draft
from directory.accounts.services.editing import EditResult, save_edit
from directory.accounts.services.errors import AccountError
from directory.accounts.services.listings import (
    claimable_clinic,
    create_listing,
    decide_request,
    find_claimable_clinics,
    get_request,
    list_ownership_requests,
    list_pending_listings,
    list_requests,
    preview_clinic,
    request_ownership,
)
from directory.accounts.services.logins import (
    LoginResult,
    attempt_login,
    login_link_user,
    request_login_link,
    use_login_link,
)
from directory.accounts.services.members import (
    accept_invite,
    clinic_members,
    clinics_of_user,
    invite_editor,
    list_invites,
    member_role,
    pending_invite,
    remove_member,
    revoke_invite,
)
from directory.accounts.services.users import (
    LANGUAGES,
    ROLES,
    active_user,
    authenticate,
    change_password,
    change_role,
    confirm_email,
    create_user,
    end_sessions,
    get_user,
    is_confirmed,
    password_problem,
    record_user_event,
    register_clinic_user,
    set_language,
    set_password,
    user_for_reset,
)

__all__ = [
    "DEMO_LOGINS",
    "LANGUAGES",
    "ROLES",
    "AccountError",
    "EditResult",
    "LoginResult",
    "accept_invite",
    "active_user",
    "attempt_login",
    "authenticate",
    "change_password",
    "change_role",
    "claimable_clinic",
    "clinic_members",
    "clinics_of_user",
    "confirm_email",
    "create_listing",
    "create_user",
    "decide_request",
    "discard_draft",
    "domain_matches",
    "end_sessions",
    "ensure_demo_logins",
    "find_claimable_clinics",
    "get_draft",
    "get_request",
    "get_user",
    "invite_editor",
    "is_confirmed",
    "keep_draft",
    "list_invites",
    "member_role",
    "list_ownership_requests",
    "list_pending_listings",
    "list_requests",
    "login_link_user",
    "password_problem",
    "record_user_event",
    "pending_invite",
    "preview_clinic",
    "register_clinic_user",
    "remove_member",
    "request_login_link",
    "request_ownership",
    "revoke_invite",
    "save_edit",
    "set_language",
    "set_password",
    "use_login_link",
    "user_for_reset",
]
