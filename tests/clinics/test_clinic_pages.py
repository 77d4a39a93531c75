"""The public clinic pages (#12): summary header, sorting, locale formats, one set of labels."""

from __future__ import annotations

from datetime import date

import pytest

from directory.clinics import storage
from directory.clinics.services import save_profile
from directory.vetting import services
from directory.vetting import storage as vetting_storage
from directory.vetting.scoring import LABELS
from tests.conftest import make_profile
from tests.soup import parse_html, text_of
from tests.vetting.conftest import verify


@pytest.fixture
def clinics(db):
    save_profile(db, make_profile("c-1"), actor="test")
    save_profile(
        db,
        make_profile("c-2", name="Body Clinic", treatments=[_offer("body-contouring")]),
        actor="test",
    )
    save_profile(db, make_profile("c-3", name="Another Skin Clinic"), actor="test")
    vetting_storage.set_score(db, "c-1", 78.0, False)
    vetting_storage.set_score(db, "c-3", 91.5, True)
    return db


def _offer(key: str) -> dict:
    return {"key": key, "price_from": 90.0, "price_to": None, "currency": "EUR"}


def page(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return parse_html(response.data)


def test_clinic_summary_has_place_score_and_contact_buttons(client, clinics):
    tree = page(client, "/clinics/c-1")
    summary = tree.find("header", class_="clinic-summary")
    assert text_of(summary.find("h1")) == "Harley Skin Clinic"
    assert text_of(summary.find("p", class_="place")) == "London, United Kingdom"
    assert summary.find(class_="score-badge") is not None
    buttons = {text_of(a): a["href"] for a in summary.select(".contact-actions a.button")}
    assert buttons["Call Harley Skin Clinic"] == "tel:+442079460000"
    assert buttons["Directions"].startswith("https://www.openstreetmap.org/directions?to=51.5203")
    assert "Website" not in " ".join(buttons)  # this profile has none


def test_guide_link_goes_to_the_treatment_page_when_the_guide_has_one(client, clinics):
    meso = page(client, "/clinics/c-1").find("a", class_="guide-link")
    assert meso["href"] == "/guide/mesotherapy"
    body = page(client, "/clinics/c-2").find("a", class_="guide-link")
    assert body["href"] == "/guide"


def test_a_suspended_clinic_offers_no_add_to_compare(client, clinics):
    storage.set_status(clinics, "c-1", "suspended")
    tree = page(client, "/clinics/c-1")
    assert tree.find("p", class_="suspended") is not None
    assert tree.find("form", class_="compare-button") is None
    assert page(client, "/clinics/c-3").find("form", class_="compare-button") is not None


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("name", ["Another Skin Clinic", "Body Clinic", "Harley Skin Clinic"]),
        ("score", ["Another Skin Clinic", "Harley Skin Clinic", "Body Clinic"]),  # unscored last
    ],
)
def test_clinic_list_sorts_and_scores_read_out_of_100(client, clinics, sort, expected):
    tree = page(client, f"/clinics?sort={sort}")
    assert [text_of(a) for a in tree.select("li.clinic-card a.clinic-link")] == expected
    assert tree.find("select", id="list-sort").find("option", selected=True)["value"] == sort
    badge = tree.find("li", class_="clinic-card").find(class_="score-badge")
    assert text_of(badge) == "Score 91 /100"


def test_clinic_list_refuses_an_unknown_order(client, clinics):
    response = client.get("/clinics?sort=evil")
    assert response.status_code == 400
    assert "sort must be name, score or city." in response.get_data(as_text=True)


def test_french_reads_a_decimal_comma_and_worded_dates(client, db):
    save_profile(db, make_profile("c-1"), actor="test")
    verify(db, "c-1", "licensed-staff", today=date.today(), days_ago=0)
    tree = page(client, "/clinics/c-1?lang=fr")
    score = text_of(tree.find("section", class_="vetting").find("span", class_="score"))
    assert "," in score and "." not in score
    when = tree.find("dd", class_="verified-at").find("time")
    assert when["datetime"] == date.today().isoformat()
    assert text_of(when) != when["datetime"] and str(date.today().year) in text_of(when)
    price = text_of(tree.find("li", attrs={"data-treatment": "mesotherapy-face"}))
    assert "150" in price and "£" in price


def test_methodology_names_each_state_once(client):
    tree = page(client, "/methodology")
    names = [text_of(div.find("dt")) for div in tree.find("dl", class_="states").find_all("div")]
    assert len(names) == len(set(names)) == len(set(LABELS))
    assert set(names) == set(LABELS.values())


def test_compare_names_states_as_the_clinic_page_does(client, db):
    save_profile(db, make_profile("c-1"), actor="test")
    services.claim_item(db, "c-1", "complaints-procedure", statement="Yes.", actor="c")
    services.reject_claim(
        db, "c-1", "complaints-procedure", moderator_id=7, moderator_name="Ana", reason="None."
    )
    client.post("/compare/add", data={"clinic_id": "c-1"})
    compare = page(client, "/compare")
    row = compare.find("tr", attrs={"data-item": "complaints-procedure"})
    clinic = page(client, "/clinics/c-1").find("li", attrs={"data-item": "complaints-procedure"})
    assert text_of(row.find(class_="state")) == text_of(clinic.find(class_="state-label"))
    assert text_of(row.find(class_="state")) == "Not met"


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    with client.get(response.headers["Location"]) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
