"""The profile editor: every field, errors beside fields, rows without JS, no lost work."""

from __future__ import annotations

import pytest

from directory.clinics.services import get_clinic, save_profile
from directory.vetting import services
from tests.accounts.helpers import (
    field_errors,
    form_data,
    log_in,
    submit_item,
    value_of,
    verify_item,
)
from tests.conftest import make_app, make_profile
from tests.soup import foreign_scripts, parse_html, text_of


@pytest.fixture
def owner(client, people):
    log_in(client, people["owner"])
    return client


def editor_form(client, clinic="c-1", query="") -> dict:
    response = client.get(f"/manage/{clinic}/edit{query}")
    assert response.status_code == 200
    return form_data(parse_html(response.data))


def colleague_saves(app, people, **changes: str) -> None:
    """Have the clinic's editor save these changes to c-1 from another browser."""
    colleague = app.test_client()
    log_in(colleague, people["editor"])
    theirs = editor_form(colleague)
    theirs.update({field: [value] for field, value in changes.items()})
    assert colleague.post("/manage/c-1/edit", data=theirs).status_code == 302


def stored(db, clinic="c-1"):
    return get_clinic(db, clinic)


def test_every_field_is_saved(owner, db, clinic):
    data = editor_form(owner)
    data.update(
        {
            "name": ["  Harley   Skin & Laser  "],
            "brand": ["Harley Group"],
            "description": ["Line one.\r\nLine two < three."],
            "address_lines": ["10 Harley Street\r\nSecond floor"],
            "city": ["London"],
            "region": ["Greater London"],
            "postcode": ["w1g 9pf"],
            "country": ["GB"],
            "lat": ["51.52"],
            "lon": ["-0.147"],
            "phone": ["020 7946 0001"],
            "email": ["Hello@Harley.example"],
            "website": ["www.harley.example/about"],
            "opening_hours": ["Mon–Fri 9:00–18:00"],
            "languages": ["en", "fr"],
            "other_languages": ["sw, YO"],
            "treatments-7-offered": [],  # microneedling no longer offered
            "treatments-3-offered": ["y"],
            "treatments-3-price_from": ["200,50"],
            "treatments-3-price_to": ["300"],
            "treatments-3-currency": ["EUR"],
            "practitioners-0-name": ["Dr Amira Haddad"],
            "practitioners-0-licence_expiry": ["2028-01-31"],
            "practitioners-0-prescriber": [],
        }
    )
    data = {k: v for k, v in data.items() if v}
    response = owner.post("/manage/c-1/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"] == "/manage/c-1"
    clinic_row = stored(db)
    assert clinic_row["version"] == 2
    assert clinic_row["name"] == "Harley Skin & Laser"
    assert clinic_row["brand"] == "Harley Group"
    assert clinic_row["description"] == "Line one.\nLine two < three."
    assert clinic_row["address"] == {
        "lines": ["10 Harley Street", "Second floor"],
        "city": "London",
        "region": "Greater London",
        "postcode": "W1G 9PF",
        "country": "GB",
    }
    assert clinic_row["location"] == {"lat": 51.52, "lon": -0.147}
    assert clinic_row["contact"] == {
        "phone": "+44 20 7946 0001",
        "email": "hello@harley.example",
        "website": "https://www.harley.example/about",
    }
    assert clinic_row["opening_hours"] == "Mon–Fri 9:00–18:00"
    assert clinic_row["languages"] == ["en", "fr", "sw", "yo"]
    assert clinic_row["treatments"] == [
        {"key": "hair-mesotherapy", "price_from": 200.5, "price_to": 300.0, "currency": "EUR"},
        {"key": "mesotherapy-face", "price_from": 150.0, "price_to": 250.0, "currency": "GBP"},
    ]
    assert clinic_row["practitioners"] == [
        {
            "name": "Dr Amira Haddad",
            "role": "dermatologist",
            "licence_number": "GMC 7654321",
            "licence_authority": "General Medical Council",
            "licence_expiry": "2028-01-31",
            "prescriber": False,
        }
    ]
    events = list(db.query("select actor, action from events where target_id = 'c-1'"))
    assert events[-1]["action"] == "clinic.updated" and events[-1]["actor"].startswith("user:")


def test_an_unchanged_form_saves_nothing(owner, db, clinic):
    response = owner.post("/manage/c-1/edit", data=editor_form(owner))
    assert response.status_code == 302
    assert stored(db)["version"] == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),  # a clinic needs a name
        ("lat", "91", "Use a number from -90 to 90."),  # off the globe
        ("lon", "abc", "Write a number"),  # not a number
        ("phone", "12345", "not valid for its country"),  # too short to be a number
        ("phone", "call us", "That is not a phone number"),  # words
        ("email", "hello@", "That is not an e-mail address"),  # half an address
        ("website", "ftp://harley.example", "Only web addresses starting with http"),  # scheme
        ("website", "https://localhost", "no valid host name"),  # no dot in the host
        ("country", "ZZ", "Not a valid choice"),  # not an ISO 3166 code
        ("other_languages", "english", "Not ISO 639-1 language codes"),  # a name, not a code
        ("address_lines", "\n".join(f"line {n}" for n in range(8)), "at most 6 lines"),
        ("treatments-1-price_to", "100", "lower than the starting price"),  # 150 to 100
        ("treatments-1-currency", "", "Choose the currency"),  # prices need a currency
        ("treatments-4-price_from", "90", "Tick “Offered”"),  # a price for a treatment not offered
        ("practitioners-0-licence_expiry", "2027-02-30", "Not a valid date value"),  # no 30 Feb
        ("practitioners-0-licence_expiry", "3027-01-01", "between 1950 and 2100"),  # far future
        ("practitioners-0-name", "", "Give the practitioner's name"),  # a row without a name
    ],
)
def test_errors_show_beside_the_field_and_keep_what_was_typed(
    owner, db, clinic, field, value, message
):
    data = editor_form(owner)
    data["city"] = ["Typed but not saved"]
    data[field] = [value]
    response = owner.post("/manage/c-1/edit", data=data)
    assert response.status_code == 200
    page = parse_html(response.data)
    errors = field_errors(page, field)
    assert any(message in e for e in errors), (field, errors)
    assert value_of(page, "city") == "Typed but not saved"
    if field not in ("country",):
        assert (value_of(page, field) or "") == value
    assert stored(db)["version"] == 1
    assert "Nothing was saved yet" in text_of(page.find("main"))


def test_latitude_without_longitude_is_refused(owner, db, clinic):
    data = editor_form(owner)
    data["lon"] = [""]
    response = owner.post("/manage/c-1/edit", data=data)
    assert field_errors(parse_html(response.data), "lon") == [
        "Give both latitude and longitude, or neither."
    ]
    data["lat"] = [""]
    assert owner.post("/manage/c-1/edit", data=data).status_code == 302
    assert stored(db)["location"] is None  # left to be located from the address


HOSTILE = [
    "<script>alert(1)</script>",  # a script tag
    "<img src=x onerror=alert(1)>",  # an attribute handler
    "x" * 20_000,  # very long text
    "Harley\u202eevil",  # right-to-left override
    "Har\u200bley",  # zero-width space
    "Harley\x00",  # NUL
    "Harley\x1b[31m",  # a terminal escape
]
TEXT_FIELDS = [
    "name",
    "brand",
    "description",
    "address_lines",
    "city",
    "region",
    "postcode",
    "phone",
    "email",
    "website",
    "opening_hours",
    "other_languages",
    "practitioners-0-name",
    "practitioners-0-role",
    "practitioners-0-licence_number",
    "practitioners-0-licence_authority",
    "practitioners-0-licence_expiry",
    "treatments-1-price_from",
    "lat",
]
CHOICE_FIELDS = ["country", "languages", "treatments-1-currency"]


@pytest.mark.parametrize("field", TEXT_FIELDS + CHOICE_FIELDS)
def test_hostile_input_in_every_field_is_a_form_error(owner, db, clinic, field):
    base = editor_form(owner)
    for value in HOSTILE:
        data = {**base, field: [value]}
        response = owner.post("/manage/c-1/edit", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, (field, value[:30], response.status_code)
        assert "Traceback" not in html
        page = parse_html(html)
        assert field_errors(page, field), (field, value[:30])
        assert foreign_scripts(page) == [] and page.find("img") is None  # nothing runs
    assert stored(db)["version"] == 1  # nothing stored


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("version", "not a number"),  # a tampered version is a conflict, not a crash
        ("base", "garbage"),  # a tampered merge base is ignored
        ("draft_key", "<script>"),  # a tampered draft key changes nothing here
        ("treatments-1-key", "not-a-treatment"),  # a tampered treatment row
        ("practitioners-²-name", "Dr Superscript"),  # a digit int() cannot read
        ("practitioners-99999999999-name", "Dr Far"),  # an absurd index
        ("resolve-name", "theirs"),  # a resolution with no conflict
        ("treatments-1-offered", "<script>"),  # a checkbox with any value is ticked
    ],
)
def test_tampered_form_fields_never_crash(owner, db, clinic, field, value):
    data = editor_form(owner)
    data[field] = [value]
    response = owner.post("/manage/c-1/edit", data=data)
    assert response.status_code in (200, 302, 409), response.status_code
    assert "Traceback" not in response.get_data(as_text=True)
    assert foreign_scripts(parse_html(response.data)) == []


def test_stored_markup_is_shown_as_text_on_every_page(client, db, people, clinic):
    evil = "<script>alert(1)</script><b onmouseover=alert(2)>x</b>"
    save_profile(db, make_profile("c-1", name=evil, description=evil, brand=evil), actor="import")
    log_in(client, people["owner"])
    for path in ("/manage/", "/manage/c-1", "/manage/c-1/edit", "/clinics/c-1"):
        response = client.get(path)
        page = parse_html(response.data)
        assert foreign_scripts(page) == [] and page.find("b") is None, path
        assert "&lt;script&gt;" in response.get_data(as_text=True), path


def test_add_and_remove_practitioner_rows_without_javascript(owner, db, clinic):
    data = editor_form(owner)
    data["city"] = ["Typed before adding"]
    del data["save"]
    data["add_practitioner"] = ["Add another practitioner"]
    response = owner.post("/manage/c-1/edit", data=data)
    assert response.status_code == 200
    page = parse_html(response.data)
    assert page.find(id="practitioners-1-name") is not None
    assert value_of(page, "city") == "Typed before adding"
    assert field_errors(page, "practitioners-1-name") == []  # adding a row is not an error
    assert stored(db)["version"] == 1
    data = form_data(page)
    data["practitioners-1-name"] = ["Nurse Bea Lopez"]
    data["practitioners-1-role"] = ["nurse"]
    assert owner.post("/manage/c-1/edit", data=data).status_code == 302
    assert [p["name"] for p in stored(db)["practitioners"]] == [
        "Dr Amira Haddad",
        "Nurse Bea Lopez",
    ]
    # Remove the first: the second moves up, nothing is saved until "Save".
    data = editor_form(owner)
    del data["save"]
    data["remove_practitioner"] = ["0"]
    page = parse_html(owner.post("/manage/c-1/edit", data=data).data)
    assert value_of(page, "practitioners-0-name") == "Nurse Bea Lopez"
    assert page.find(id="practitioners-1-name") is None
    assert len(stored(db)["practitioners"]) == 2
    assert owner.post("/manage/c-1/edit", data=form_data(page)).status_code == 302
    assert [p["name"] for p in stored(db)["practitioners"]] == ["Nurse Bea Lopez"]


def test_blank_practitioner_rows_are_dropped(owner, db, clinic):
    data = editor_form(owner)
    for key in ("name", "role", "licence_number", "licence_authority", "licence_expiry"):
        data[f"practitioners-1-{key}"] = ["  "]
    assert owner.post("/manage/c-1/edit", data=data).status_code == 302
    assert stored(db)["version"] == 1


def test_changing_practitioners_sends_licensed_staff_back_to_review(owner, db, clinic):
    submit_item(db, clinic, "licensed-staff", {"kind": "licence", "value": "GMC 7654321"})
    verify_item(db, clinic, "licensed-staff")
    assert services.get_claim(db, clinic, "licensed-staff")["state"] == "verified"
    # Another field changes: the claim stays verified.
    data = editor_form(owner)
    data["opening_hours"] = ["Every day 8:00–20:00"]
    owner.post("/manage/c-1/edit", data=data)
    assert services.get_claim(db, clinic, "licensed-staff")["state"] == "verified"
    data = editor_form(owner)
    data["practitioners-0-licence_number"] = ["GMC 1111111"]
    assert owner.post("/manage/c-1/edit", data=data).status_code == 302
    claim = services.get_claim(db, clinic, "licensed-staff")
    assert claim["state"] == "pending_review"
    assert "practitioners changed" in claim["reason"]


def test_a_colleagues_save_in_between_is_merged_when_fields_differ(client, app, db, people, clinic):
    mine = editor_form(log_in(client, people["owner"]) and client)
    colleague_saves(app, people, opening_hours="Colleague's hours")
    mine["brand"] = ["My brand"]
    response = client.post("/manage/c-1/edit", data=mine, follow_redirects=True)
    assert "both are kept" in response.get_data(as_text=True)
    saved = stored(db)
    assert (saved["brand"], saved["opening_hours"], saved["version"]) == (
        "My brand",
        "Colleague's hours",
        3,
    )


def test_a_conflict_shows_both_versions_and_lets_me_choose(client, app, db, people, clinic):
    log_in(client, people["owner"])
    mine = editor_form(client)
    colleague_saves(app, people, name="Their Name", city="Westminster")
    mine["name"] = ["My Name"]
    mine["description"] = ["My description"]
    response = client.post("/manage/c-1/edit", data=mine)
    assert response.status_code == 409
    page = parse_html(response.data)
    rows = page.find("section", role="alert").find_all("tr", attrs={"data-field": "name"})
    assert len(rows) == 1
    assert text_of(rows[0].find("td", class_="mine")) == "My Name"
    assert text_of(rows[0].find("td", class_="theirs")) == "Their Name"
    assert stored(db)["name"] == "Their Name"  # nothing overwritten yet
    # The form holds my other change and their non-conflicting one.
    assert value_of(page, "description") == "My description"
    assert value_of(page, "city") == "Westminster"
    data = form_data(page)
    data["resolve-name"] = ["theirs"]
    assert client.post("/manage/c-1/edit", data=data).status_code == 302
    saved = stored(db)
    assert (saved["name"], saved["description"], saved["address"]["city"]) == (
        "Their Name",
        "My description",
        "Westminster",
    )


def test_keep_mine_after_a_conflict(client, app, db, people, clinic):
    log_in(client, people["owner"])
    mine = editor_form(client)
    colleague_saves(app, people, name="Their Name")
    mine["name"] = ["My Name"]
    page = parse_html(client.post("/manage/c-1/edit", data=mine).data)
    assert client.post("/manage/c-1/edit", data=form_data(page)).status_code == 302
    assert stored(db)["name"] == "My Name"


def test_an_expired_session_keeps_a_draft_to_restore_after_login(app, client, db, people, clinic):
    log_in(client, people["owner"])
    data = editor_form(client)
    data["description"] = ["Typed for an hour, then the session expired."]
    client.post("/account/logout")  # the same as the session cookie expiring
    response = client.post("/manage/c-1/edit", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")
    assert stored(db)["version"] == 1
    response = log_in(client, people["owner"], next="/manage/c-1/edit")
    assert response.headers["Location"] == "/manage/c-1/edit"
    page = parse_html(client.get("/manage/c-1/edit").data)
    offer = page.find(id="draft-offer")
    assert offer is not None and "Restore my changes" in text_of(offer)
    assert value_of(page, "description") != "Typed for an hour, then the session expired."
    restored = editor_form(client, query="?draft=restore")
    assert restored["description"] == ["Typed for an hour, then the session expired."]
    assert client.post("/manage/c-1/edit", data=restored).status_code == 302
    assert stored(db)["description"] == "Typed for an hour, then the session expired."
    assert db.execute("select count(*) from profile_drafts").fetchone()[0] == 0


def test_a_draft_can_be_discarded(client, db, people, clinic):
    log_in(client, people["owner"])
    data = editor_form(client)
    client.post("/account/logout")
    client.post("/manage/c-1/edit", data=data)
    log_in(client, people["owner"])
    assert client.post("/manage/c-1/draft/discard").status_code == 302
    assert parse_html(client.get("/manage/c-1/edit").data).find(id="draft-offer") is None


def test_a_forged_draft_key_keeps_nothing(client, db, clinic):
    response = client.post("/manage/c-1/edit", data={"draft_key": "forged", "name": "x"})
    assert response.status_code == 302
    assert db.execute("select count(*) from profile_drafts").fetchone()[0] == 0


def test_editor_checks_csrf_itself_and_loses_nothing(data_dir, db, people, clinic):
    app = make_app(data_dir, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = parse_html(client.get("/account/login").data).find(
        "input", attrs={"name": "csrf_token"}
    )
    log_in(client, people["owner"], csrf_token=token["value"])
    data = form_data(parse_html(client.get("/manage/c-1/edit").data))
    data["name"] = ["Typed name"]
    del data["csrf_token"]
    response = client.post("/manage/c-1/edit", data=data)
    assert response.status_code == 200
    page = parse_html(response.data)
    assert "This form had expired, so nothing was saved yet" in text_of(page.find("main"))
    assert value_of(page, "name") == "Typed name"
    assert stored(db)["version"] == 1
    # The page carries a fresh token: saving again works.
    assert client.post("/manage/c-1/edit", data=form_data(page)).status_code == 302
    assert stored(db)["name"] == "Typed name"
