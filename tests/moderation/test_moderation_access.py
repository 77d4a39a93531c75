"""Who reaches which moderation route: every route against every role, exact outcomes."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from directory.accounts.services import create_listing, request_ownership
from directory.accounts.storage import get_user, list_listing_requests
from directory.clinics.services import save_profile
from directory.moderation.reports import submit_report
from tests.conftest import make_app, make_profile
from tests.moderation.helpers import (
    PNG,
    add_user,
    current_code,
    enrol,
    log_in,
    log_in_with_mfa,
    pending_claim,
    store_document,
)
from tests.soup import parse_html, text_of

LOGIN = "login"  # 302 to the login page
MFA = "mfa"  # 302 to /mfa/verify: a moderator or admin without the second factor done
REPLACE = "replace"  # 302 to /mfa/replace: prove it again before replacing the factor
ROLES = ("anonymous", "clinic", "moderator_no_mfa", "moderator", "admin_no_mfa", "admin")

# Staff routes: (method, url, outcome for a moderator, outcome for an admin). Anonymous people
# go to the login page, clinic users get 403, staff without the second factor go to /mfa/verify.
# {listing}, {ownership}, {report} are filled with real ids. POSTs send an empty form.
STAFF_ROUTES = [
    ("GET", "/moderation/", 200, 200),  # the queue
    ("GET", "/moderation/?kind=nonsense", 400, 400),  # a bad filter is refused, not ignored
    ("GET", "/moderation/claims/c-1/informed-consent", 200, 200),  # the review screen
    ("GET", "/moderation/claims/c-1/no-such-item", 404, 404),  # unknown item
    ("POST", "/moderation/claims/c-1/informed-consent/verify", 400, 400),  # dates missing
    ("POST", "/moderation/claims/c-1/informed-consent/reject", 400, 400),  # reason missing
    ("POST", "/moderation/claims/c-1/informed-consent/info", 400, 400),  # note missing
    ("POST", "/moderation/claims/c-1/informed-consent/reverse", 400, 400),  # reason missing
    ("GET", "/moderation/listings/{listing}", 200, 200),  # a new listing
    ("POST", "/moderation/listings/{listing}/reject", 400, 400),  # a rejection needs a reason
    ("GET", "/moderation/ownership/{ownership}", 200, 200),  # an ownership request
    ("POST", "/moderation/ownership/{ownership}/reject", 400, 400),  # needs a reason
    ("GET", "/moderation/reports/{report}", 200, 200),  # a patient report
    ("POST", "/moderation/reports/{report}/triage", 400, 400),  # risk and outcome missing
    ("GET", "/moderation/clinics/c-1", 200, 200),  # a clinic's moderation page
    ("POST", "/moderation/clinics/c-1/suspend", 400, 400),  # needs a reason
    ("POST", "/moderation/clinics/c-1/reinstate", 400, 400),  # needs a reason
    ("GET", "/moderation/clinics/c-1/audit", 200, 200),  # every event about the clinic
    ("GET", "/moderation/ledger.csv", 200, 200),  # the ledger export
    ("GET", "/moderation/actions", 200, 200),  # four-eyes requests
    ("POST", "/moderation/actions/99999/confirm", 404, 404),  # no such request
    ("POST", "/moderation/actions/99999/cancel", 404, 404),  # no such request
    ("GET", "/moderation/conflicts", 200, 200),  # my declarations
    ("POST", "/moderation/conflicts", 400, 400),  # clinic id missing
    ("POST", "/moderation/conflicts/99999/delete", 404, 404),  # not mine / none
    ("GET", "/moderation/admin/invites", 403, 200),  # admins only
    ("POST", "/moderation/admin/invites", 403, 400),  # admins only; e-mail missing
    ("POST", "/mfa/recovery-codes", 200, 200),  # new recovery codes, shown once
]
# Public routes: (method, url, {role: outcome}); staff still need their second factor first.
PUBLIC_ROUTES = [
    ("GET", "/clinics/c-1/report", 200),  # the report form, no account needed
    ("POST", "/clinics/c-1/report", 400),  # empty report: messages beside the fields
    ("GET", "/clinics/c-1/report/sent", 200),  # the thank-you page
    ("GET", "/clinics/nope/report", 404),  # no such clinic
    ("GET", "/transparency", 200),  # the public figures
    ("GET", "/moderation/join/not-a-token", 404),  # an invitation that does not exist
]
# Pages with their own rule: (method, url, {role: outcome}). {document} is a stored file of c-1.
ROLE_ROUTES = [
    # An evidence document: staff past the second factor (and c-1's people, tested in
    # tests/evidence); for everyone else it does not exist.
    (
        "GET",
        "/evidence/c-1/{document}",
        {
            "anonymous": 404,
            "clinic": 404,
            "moderator_no_mfa": MFA,
            "moderator": 200,
            "admin_no_mfa": MFA,
            "admin": 200,
        },
    ),
    # A made-up document name: 404 for everyone who gets that far.
    (
        "GET",
        "/evidence/c-1/" + "0" * 32,
        {
            "anonymous": 404,
            "clinic": 404,
            "moderator_no_mfa": MFA,
            "moderator": 404,
            "admin_no_mfa": MFA,
            "admin": 404,
        },
    ),
    # The second-factor pages. Verifying: only staff; once done it sends you on.
    (
        "GET",
        "/mfa/verify",
        {
            "anonymous": LOGIN,
            "clinic": 403,
            "moderator_no_mfa": 200,
            "moderator": 302,
            "admin_no_mfa": 200,
            "admin": 302,
        },
    ),
    # Enrolling: an enrolled factor is replaced only after passing it, and then only after
    # giving the password and a current code again (/mfa/replace).
    (
        "GET",
        "/mfa/enrol",
        {
            "anonymous": LOGIN,
            "clinic": 403,
            "moderator_no_mfa": MFA,
            "moderator": REPLACE,
            "admin_no_mfa": MFA,
            "admin": REPLACE,
        },
    ),
    (
        "GET",
        "/mfa/replace",
        {
            "anonymous": LOGIN,
            "clinic": 403,
            "moderator_no_mfa": MFA,
            "moderator": 200,
            "admin_no_mfa": MFA,
            "admin": 200,
        },
    ),
]


@pytest.fixture
def world(app, db):
    """A clinic with a pending claim, a document, a listing, an ownership claim and a report."""
    save_profile(
        db,
        make_profile(
            "c-1", contact={"phone": None, "email": None, "website": "https://harley.example"}
        ),
        actor="test",
    )
    pending_claim(db, "c-1")
    document = store_document(app, db, "c-1", "licensed-staff", PNG, "licence.png")
    pending_claim(db, "c-1", "licensed-staff", document=document)
    newcomer = add_user(db, "new@newclinic.example", role="clinic")
    profile = make_profile("ignored")
    del profile["id"], profile["status"]
    new_clinic = create_listing(db, get_user(db, newcomer), profile)
    claimant = add_user(db, "claimant@elsewhere.example", role="clinic")
    ownership = request_ownership(db, get_user(db, claimant), "c-1")
    report = submit_report(db, "c-1", category="other", description="Something was not right.")
    listing = list_listing_requests(db, clinic_id=new_clinic)[0]["id"]
    return {
        "document": document["stored_name"],
        "listing": listing,
        "ownership": ownership["id"],
        "report": report.id,
    }


def _client_for(role: str, app, db):
    client = app.test_client()
    if role == "anonymous":
        return client
    if role == "clinic":
        add_user(db, "person@someclinic.example", role="clinic")
        log_in(client, "person@someclinic.example")
        return client
    staff_role = "admin" if role.startswith("admin") else "moderator"
    email = f"{role}@vetted.example"
    user_id = add_user(db, email, role=staff_role)
    secret = enrol(db, user_id)
    assert log_in(client, email).status_code == 302
    if not role.endswith("no_mfa"):
        assert client.post("/mfa/verify", data={"code": current_code(secret)}).status_code == 302
    return client


def _outcome(response) -> int | str:
    if response.status_code == 302:
        path = urlsplit(response.headers["Location"]).path
        if path == "/account/login":
            return LOGIN
        if path == "/mfa/verify":
            return MFA
        if path == "/mfa/replace":
            return REPLACE
    return response.status_code


def _staff_expectation(role: str, moderator, admin):
    return {
        "anonymous": LOGIN,
        "clinic": 403,
        "moderator_no_mfa": MFA,
        "admin_no_mfa": MFA,
        "moderator": moderator,
        "admin": admin,
    }[role]


@pytest.mark.parametrize("role", ROLES)
def test_every_moderation_route_gives_each_role_its_exact_outcome(role, app, db, world):
    client = _client_for(role, app, db)
    wrong = []
    for method, url, moderator, admin in STAFF_ROUTES:
        url = url.format(**world)
        response = client.open(url, method=method, data={})
        expected = _staff_expectation(role, moderator, admin)
        if _outcome(response) != expected:
            wrong.append((method, url, expected, _outcome(response)))
    for method, url, status in PUBLIC_ROUTES:
        response = client.open(url, method=method, data={})
        expected = MFA if role.endswith("no_mfa") else status
        if _outcome(response) != expected:
            wrong.append((method, url, expected, _outcome(response)))
    for method, url, outcomes in ROLE_ROUTES:
        response = client.open(url.format(**world), method=method)
        if _outcome(response) != outcomes[role]:
            wrong.append((method, url, outcomes[role], _outcome(response)))
    assert wrong == []


def test_anonymous_is_sent_to_login_with_the_page_to_come_back_to(client, world):
    response = client.get("/moderation/clinics/c-1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")
    assert "moderation" in response.headers["Location"]


def _moderator_before_the_factor(app, db, email: str):
    """A moderator who logged in with a password and has no authenticator yet."""
    add_user(db, email)
    client = app.test_client()
    log_in(client, email)
    return client


def test_staff_without_a_factor_are_sent_to_enrol_with_the_page_to_come_back_to(app, db):
    client = _moderator_before_the_factor(app, db, "fresh@vetted.example")
    response = client.get("/moderation/actions")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/mfa/enrol"
    assert parse_qs(location.query) == {"next": ["/moderation/actions"]}


def test_logout_stays_reachable_before_the_second_factor(app, db):
    client = _moderator_before_the_factor(app, db, "leaving@vetted.example")
    response = client.post("/account/logout")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/"
    assert client.get("/moderation/").headers["Location"].startswith("/account/login")


def test_workbench_link_is_shown_only_to_staff(app, db, client):
    add_user(db, "clinic@someclinic.example", role="clinic")
    mod = add_user(db, "nav@vetted.example")
    log_in(client, "clinic@someclinic.example")
    page = parse_html(client.get("/transparency").get_data(as_text=True))
    assert "Workbench" not in [text_of(a) for a in page.find_all("a")]
    staff = app.test_client()
    log_in_with_mfa(staff, db, "nav@vetted.example", mod)
    page = parse_html(staff.get("/transparency").get_data(as_text=True))
    links = {text_of(a): a["href"] for a in page.find_all("a")}
    assert links["Workbench"] == "/moderation/"


def test_a_post_without_csrf_token_is_refused(data_dir, db):
    app = make_app(data_dir, WTF_CSRF_ENABLED=True)
    save_profile(db, make_profile("c-1"), actor="test")
    response = app.test_client().post(
        "/clinics/c-1/report",
        data={"category": "other", "description": "A long enough description."},
    )
    assert response.status_code == 400
    assert b"security token" in response.data
    assert db.execute("select count(*) from reports").fetchone()[0] == 0
