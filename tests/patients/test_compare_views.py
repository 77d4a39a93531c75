"""Comparing clinics: the session list, the table, the shared link, CSRF."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory import create_app
from tests.patients.helpers import save, verify_item
from tests.soup import parse_html, text_of

# Any text a browser can send (lone surrogates cannot be encoded into a request at all).
TEXT = st.characters(blacklist_categories=("Cs",))


@pytest.fixture
def clinics(db):
    """Five published clinics, one unpublished and one suspended."""
    save(db, "c-1", name="Alpha Clinic")
    save(db, "c-2", name="Beta Clinic", languages=["en"], location={"lat": 51.4, "lon": -0.1})
    save(db, "c-3", name="Gamma Clinic")
    save(db, "c-4", name="Delta Clinic")
    save(db, "c-5", name="Epsilon Clinic")
    save(db, "hidden", name="Hidden Clinic", status="unpublished")
    save(db, "paused", name="Paused Clinic", status="suspended")
    return db


def compared(client) -> list[str]:
    with client.session_transaction() as session:
        return list(session.get("compare", []))


def table_ids(html) -> list[str]:
    return [th["data-clinic-id"] for th in parse_html(html).find_all("th", class_="clinic-col")]


def add(client, clinic_id, **extra):
    return client.post("/compare/add", data={"clinic_id": clinic_id, **extra})


def test_add_stores_the_clinic_and_returns_to_the_page(client, clinics):
    response = add(client, "c-1", next="/clinics/c-1")
    assert response.status_code == 303
    assert response.headers["Location"] == "/clinics/c-1"
    assert compared(client) == ["c-1"]
    page = client.get("/clinics/c-1").get_data(as_text=True)
    assert "Added Alpha Clinic to your comparison (1 of 4)" in page


def test_add_without_next_goes_to_the_comparison(client, clinics):
    response = add(client, "c-2")
    assert response.headers["Location"] == "/compare"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",  # another site
        "//evil.example/x",  # scheme-relative: another site
        "/\\evil.example",  # backslash tricks some browsers
        "javascript:alert(1)",  # not a path
    ],
)
def test_add_never_redirects_off_site(client, clinics, target):
    response = add(client, "c-1", next=target)
    assert response.headers["Location"] == "/compare"


def test_fifth_clinic_is_refused_with_a_message_and_nothing_is_lost(client, clinics):
    for n in range(1, 5):
        add(client, f"c-{n}")
    response = add(client, "c-5")
    assert response.status_code == 303
    assert compared(client) == ["c-1", "c-2", "c-3", "c-4"]
    page = client.get("/compare").get_data(as_text=True)
    assert "You can compare up to 4 clinics at a time" in page
    assert "Epsilon Clinic" in page  # the message names the clinic that was not added
    assert table_ids(page) == ["c-1", "c-2", "c-3", "c-4"]


def test_adding_twice_keeps_one(client, clinics):
    add(client, "c-1")
    add(client, "c-1")
    assert compared(client) == ["c-1"]


@pytest.mark.parametrize(
    ("clinic_id", "status"),
    [
        ("nope", 404),  # unknown clinic
        ("hidden", 404),  # unpublished clinics are not public
        ("paused", 404),  # suspended clinics are not offered for comparison
        ("", 400),  # nothing chosen
        ("../../etc/passwd", 400),  # not an id at all
        ("x" * 500, 400),  # far too long to be an id
    ],
)
def test_add_refuses_what_cannot_be_compared(client, clinics, clinic_id, status):
    response = add(client, clinic_id)
    assert response.status_code == status
    assert compared(client) == []


def test_remove_takes_one_clinic_out(client, clinics):
    add(client, "c-1")
    add(client, "c-2")
    response = client.post("/compare/remove", data={"clinic_id": "c-1", "next": "/compare"})
    assert response.status_code == 303
    assert compared(client) == ["c-2"]
    assert table_ids(client.get("/compare").data) == ["c-2"]


def test_clear_empties_the_comparison(client, clinics):
    add(client, "c-1")
    client.post("/compare/clear")
    assert compared(client) == []
    assert "There are no clinics to compare yet" in client.get("/compare").get_data(as_text=True)


def test_nav_shows_the_count_and_the_guide_link(client, clinics):
    add(client, "c-1")
    add(client, "c-2")
    nav = parse_html(client.get("/clinics").data).find("nav", **{"aria-label": "Main"})
    compare_link = nav.find("a", class_="nav-compare")
    assert text_of(compare_link) == "Compare (2)"
    assert compare_link["href"] == "/compare"
    assert nav.find("a", class_="nav-guide")["href"] == "/guide"


def test_compare_table_shows_each_clinic_side_by_side(client, clinics):
    add(client, "c-1")
    add(client, "c-2")
    tree = parse_html(client.get("/compare").data)
    assert table_ids_from(tree) == ["c-1", "c-2"]
    languages = tree.find("tr", class_="row-languages")
    assert "differs" in languages["class"]
    assert "Differs" in text_of(languages.find("th"))  # visible text, not colour alone
    assert [text_of(td) for td in languages.find_all("td")] == ["Arabic, English", "English"]
    practitioners = tree.find("tr", class_="row-practitioners")
    assert "differs" not in practitioners["class"]
    assert "Dr Amira Haddad: dermatologist (prescriber)" in text_of(practitioners)
    face = tree.find("tr", **{"data-treatment": "mesotherapy-face"})
    assert [text_of(td) for td in face.find_all("td")] == ["£150 – £250", "£150 – £250"]
    share = tree.find("input", id="share-link")
    assert share["value"].endswith("/compare?ids=c-1,c-2")


def table_ids_from(tree) -> list[str]:
    return [th["data-clinic-id"] for th in tree.find_all("th", class_="clinic-col")]


def test_compare_table_has_a_print_stylesheet(client, clinics):
    add(client, "c-1")
    tree = parse_html(client.get("/compare").data)
    href = tree.find("link", attrs={"rel": "stylesheet", "href": "/static/style.css"})
    assert href is not None
    with client.get("/static/style.css") as response:
        css = response.get_data(as_text=True)
    print_block = css[css.index("@media print") :]
    assert ".no-print" in print_block and "header.site" in print_block


def test_shared_link_reproduces_the_comparison_without_touching_the_session(client, clinics):
    response = client.get("/compare?ids=c-3,c-1")
    assert response.status_code == 200
    assert table_ids(response.data) == ["c-3", "c-1"]
    assert compared(client) == []


def test_shared_link_ignores_unknown_and_unpublished_ids_with_a_note(client, clinics):
    response = client.get("/compare?ids=c-1,nope,hidden,paused,c-2")
    tree = parse_html(response.data)
    assert table_ids_from(tree) == ["c-1", "c-2"]
    note = tree.find("div", class_="ignored")
    assert note is not None and note.get("role") == "status"
    assert [text_of(c) for c in note.find_all("code")] == ["nope", "hidden", "paused"]
    assert "Hidden Clinic" not in response.get_data(as_text=True)


def test_shared_link_with_more_than_four_keeps_the_rest_reachable(client, clinics):
    response = client.get("/compare?ids=c-1,c-2,c-3,c-4,c-5")
    tree = parse_html(response.data)
    assert table_ids_from(tree) == ["c-1", "c-2", "c-3", "c-4"]
    overflow = tree.find("div", class_="overflow")
    assert "up to 4 clinics" in text_of(overflow)
    hrefs = [a["href"] for a in overflow.find_all("a")]
    assert "/compare?ids=c-5" in hrefs and "/clinics/c-5" in hrefs


def test_shared_link_can_become_my_comparison(client, clinics):
    add(client, "c-5")
    client.post("/compare/keep", data={"ids": "c-2,nope,c-3,c-1,c-4,hidden"})
    assert compared(client) == ["c-2", "c-3", "c-1", "c-4"]


def test_shared_view_removes_by_link_not_by_changing_state(client, clinics):
    tree = parse_html(client.get("/compare?ids=c-1,c-2,c-3").data)
    links = [a["href"] for a in tree.find_all("a", class_="remove-link")]
    assert links == ["/compare?ids=c-2,c-3", "/compare?ids=c-1,c-3", "/compare?ids=c-1,c-2"]


def test_distance_row_from_coordinates(client, clinics):
    tree = parse_html(client.get("/compare?ids=c-1,c-2&near=51.5203,-0.1466").data)
    cells = [text_of(td) for td in tree.find("tr", class_="row-distance").find_all("td")]
    assert cells[0] == "0.0 km"
    assert re.fullmatch(r"\d+\.\d km", cells[1]) and cells[1] != "0.0 km"


def test_distance_row_from_a_city_name(client, clinics):
    tree = parse_html(client.get("/compare?ids=c-1&near=london").data)
    assert tree.find("tr", class_="row-distance") is not None


@pytest.mark.parametrize(
    ("near", "message"),
    [
        ("91,0", "Latitude must be between"),  # out of range
        ("Qwxzyville", "We could not find"),  # no clinic lists this place
    ],
)
def test_bad_distance_place_shows_a_message_beside_the_field(client, clinics, near, message):
    response = client.get("/compare", query_string={"ids": "c-1", "near": near})
    assert response.status_code == 200
    tree = parse_html(response.data)
    field = tree.find("input", id="compare-near")
    assert field["value"] == near  # what the person typed is kept
    assert field["aria-invalid"] == "true"
    assert message in text_of(tree.find("p", id="compare-near-error"))
    assert tree.find("tr", class_="row-distance") is None


def test_checklist_rows_show_state_and_freshness(client, clinics, db):
    verify_item(db, "c-1", "contraindication-screening")
    tree = parse_html(client.get("/compare?ids=c-1,c-2").data)
    row = tree.find("tr", **{"data-item": "contraindication-screening"})
    cells = row.find_all("td")
    assert "Verified" in text_of(cells[0]) and "Checked" in text_of(cells[0])
    assert "Expires" in text_of(cells[0])
    assert "Verified" not in text_of(cells[1])
    assert "differs" in row["class"]
    assert row.find("a")["href"] == "/methodology#item-contraindication-screening"


@pytest.fixture
def csrf_client(data_dir, db, clinics):
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "s", "RATELIMIT_ENABLED": False}
    )
    return app.test_client()


def test_compare_posts_without_a_csrf_token_are_refused(csrf_client):
    for path in ("/compare/add", "/compare/remove", "/compare/clear", "/compare/keep"):
        response = csrf_client.post(path, data={"clinic_id": "c-1", "ids": "c-1"})
        assert response.status_code == 400, path
    assert compared(csrf_client) == []


def test_the_compare_button_works_with_its_csrf_token(csrf_client):
    csrf_client.get("/compare")  # starts the session the token is bound to
    page = csrf_client.get("/compare?ids=c-1").get_data(as_text=True)
    token = parse_html(page).find("input", attrs={"name": "csrf_token"})["value"]
    response = csrf_client.post("/compare/add", data={"clinic_id": "c-1", "csrf_token": token})
    assert response.status_code == 303
    assert compared(csrf_client) == ["c-1"]


def test_compare_button_partial_is_a_plain_post_form(app, clinics):
    with app.test_request_context("/search?q=meso"):
        from flask import render_template_string

        html = render_template_string(
            '{% from "patients/_compare_button.html" import compare_button with context %}'
            '{{ compare_button("c-1", "Alpha Clinic") }}'
        )
    form = parse_html(html).find("form")
    assert form["method"] == "post" and form["action"] == "/compare/add"
    fields = {i["name"]: i.get("value") for i in form.find_all("input")}
    assert fields["clinic_id"] == "c-1" and fields["next"] == "/search?q=meso"
    assert fields["csrf_token"]
    assert text_of(form.find("button")) == "Add to compare: Alpha Clinic"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ids=st.text(TEXT, max_size=300), near=st.text(TEXT, max_size=300))
def test_any_ids_or_near_never_cause_a_server_error(client, ids, near):
    response = client.get("/compare", query_string={"ids": ids, "near": near})
    assert response.status_code == 200
    assert b"Traceback" not in response.data


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(clinic_id=st.text(TEXT, max_size=200), target=st.text(TEXT, max_size=200))
def test_any_posted_values_never_cause_a_server_error(client, clinic_id, target):
    # No clinic is saved here, so every value is either malformed (400) or unknown (404).
    response = client.post("/compare/add", data={"clinic_id": clinic_id, "next": target})
    assert response.status_code in (400, 404)
    assert b"Traceback" not in response.data


def test_a_picked_clinic_that_is_unpublished_later_is_noted_and_dropped(client, clinics):
    from directory.clinics.services import set_status

    add(client, "c-1")
    add(client, "c-2")
    set_status(clinics, "c-1", "unpublished", actor="test")
    tree = parse_html(client.get("/compare").data)
    assert table_ids_from(tree) == ["c-2"]
    assert [text_of(c) for c in tree.find("div", class_="ignored").find_all("code")] == ["c-1"]
    assert compared(client) == ["c-2"]
    assert parse_html(client.get("/compare").data).find("div", class_="ignored") is None
