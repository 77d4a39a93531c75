"""What people see: the methodology page, the checklist API, and the clinic page's vetting."""

from __future__ import annotations

from datetime import date, timedelta

from directory.clinics.services import save_profile
from directory.vetting import services
from directory.vetting.checklist import load_checklist
from tests.conftest import make_profile
from tests.soup import parse_html, text_of
from tests.vetting.conftest import verify


def test_methodology_page_lists_every_checklist_item(client):
    response = client.get("/methodology")
    assert response.status_code == 200
    page = parse_html(response.get_data(as_text=True))
    sections = page.find_all("section", class_="checklist-item")
    checklist = load_checklist()
    assert [s["data-item"] for s in sections] == list(checklist.keys)
    for section, item in zip(sections, checklist.items, strict=True):
        assert section["id"] == f"item-{item.key}"
        assert item.title in text_of(section.find("h3"))
        assert text_of(section.find("p", class_="explanation")) == item.explanation
        assert text_of(section.find("dd", class_="evidence")) == item.evidence
        assert text_of(section.find("dd", class_="expires")) == f"{item.expires_days} days"
        assert bool(section.find("span", class_="core")) is item.core
    applies = {s["data-item"]: text_of(s.find("dd", class_="applies")) for s in sections}
    assert applies["physician-prescriber"] == "Mesobotox only"
    assert applies["licensed-staff"] == "All treatments"
    assert "not the same as failing" in text_of(page.find("section", class_="rules"))


def test_nav_links_to_the_methodology(client):
    page = parse_html(client.get("/").get_data(as_text=True))
    links = [a.get("href") for a in page.find("nav", attrs={"aria-label": "Main"}).find_all("a")]
    assert "/methodology" in links


def test_checklist_api_shape(client):
    response = client.get("/api/v1/checklist")
    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    assert body["version"] == load_checklist().version
    keys = {
        "key",
        "title",
        "core",
        "weight",
        "explanation",
        "evidence",
        "applies_to",
        "fresh_days",
        "expires_days",
    }
    assert [item["key"] for item in body["items"]] == list(load_checklist().keys)
    for item in body["items"]:
        assert keys <= set(item)
        assert isinstance(item["core"], bool) and item["weight"] > 0
        assert item["applies_to"] == "all" or isinstance(item["applies_to"], list)
    by_key = {item["key"]: item for item in body["items"]}
    assert by_key["physician-prescriber"]["applies_to"] == ["mesobotox"]


def test_checklist_api_errors_are_json(client):
    response = client.post("/api/v1/checklist")
    assert response.status_code == 405
    assert response.get_json()["error"]["status"] == 405


def test_clinic_page_shows_state_rows_and_who_verified_what(client, db):
    today = date.today()
    save_profile(db, make_profile("c-1"), actor="test")
    verify(
        db,
        "c-1",
        "licensed-staff",
        today=today,
        days_ago=12,
        name="Ana Reyes",
        evidence={"kind": "licence", "value": "GMC 7654321"},
    )
    verify(db, "c-1", "informed-consent", today=today, days_ago=500, name="Ben Ode")  # fading
    services.claim_item(
        db,
        "c-1",
        "transparent-pricing",
        statement="On our site.",
        actor="c",
        when=services.When(today),
    )
    services.claim_item(
        db, "c-1", "complaints-procedure", statement="Yes.", actor="c", when=services.When(today)
    )
    services.reject_claim(
        db,
        "c-1",
        "complaints-procedure",
        moderator_id=7,
        moderator_name="Ana Reyes",
        reason="No written procedure.",
        when=services.When(today),
    )

    response = client.get("/clinics/c-1")
    assert response.status_code == 200
    page = parse_html(response.get_data(as_text=True))
    section = page.find("section", class_="vetting")
    expected = services.score_for(db, "c-1", today)
    assert section["data-score"] == str(expected.score)
    assert text_of(section.find("span", class_="score")) == f"{expected.score:.1f}"
    assert section.find("span", class_="core-verified") is None

    rows = {li["data-item"]: li for li in section.find_all("li", class_="check-item")}
    assert set(rows) == {row.key for row in expected.items}
    assert "physician-prescriber" not in rows  # no mesobotox offered
    states = {key: tr["data-state"] for key, tr in rows.items()}
    assert states["licensed-staff"] == "verified"
    assert states["informed-consent"] == "fading"
    assert states["transparent-pricing"] == "claimed"
    assert states["complaints-procedure"] == "rejected"
    assert states["facility-registered"] == "no_information"

    staff = rows["licensed-staff"]
    verified_at = today - timedelta(days=12)
    assert text_of(staff.find(class_="verified-by")) == "Ana Reyes"

    def shown_date(name: str) -> str:
        return staff.find(class_=name).find("time")["datetime"]

    assert shown_date("verified-at") == verified_at.isoformat()
    assert shown_date("fades-from") == (verified_at + timedelta(days=180)).isoformat()
    # The dermatologist's licence ends before the checklist's year does: it caps the expiry.
    licence = make_profile()["practitioners"][0]["licence_expiry"]
    assert shown_date("expires-at") == min((verified_at + timedelta(days=365)).isoformat(), licence)
    assert shown_date("clinic-changed") == today.isoformat()
    # Dates read as words for people ("14 May 2026" style), not ISO.
    assert (
        text_of(staff.find(class_="verified-at"))
        == f"{verified_at:%b} {verified_at.day}, {verified_at:%Y}"
    )
    # Each item shows the points it earns of its maximum.
    assert text_of(staff.find(class_="points")) == "20 of 20 points"
    assert text_of(staff.find(class_="evidence")) == "Licence number"
    assert "GMC 7654321" not in text_of(staff)  # the evidence itself stays private
    assert text_of(rows["transparent-pricing"].find(class_="state")) == "Claimed, not verified"
    assert "No written procedure." in text_of(rows["complaints-procedure"].find(class_="state"))
    assert "Not met" in text_of(rows["complaints-procedure"])
    assert text_of(rows["facility-registered"].find(class_="state")) == "No information"
    assert "supervised by a physician" in text_of(section.find("p", class_="not-applicable"))


def test_clinic_page_draws_score_history_with_a_text_alternative(client, db):
    today = date.today()
    save_profile(db, make_profile("c-1"), actor="test")
    verify(db, "c-1", "licensed-staff", today=today - timedelta(days=20), days_ago=0)
    verify(db, "c-1", "informed-consent", today=today, days_ago=0)
    page = parse_html(client.get("/clinics/c-1").get_data(as_text=True))
    figure = page.find("figure", class_="score-history")
    svg = figure.find("svg")
    assert svg["role"] == "img"
    assert len(svg.find_all("circle")) == 2
    points = [tuple(map(float, p.split(","))) for p in svg.find("polyline")["points"].split()]
    assert points[0][0] < points[-1][0] and points[0][1] > points[-1][1]  # later and higher
    history = figure.find("table", class_="history")
    dates = [tr.find("td").find("time")["datetime"] for tr in history.find("tbody").find_all("tr")]
    assert dates[0] == today.isoformat()
    assert (today - timedelta(days=20)).isoformat() in dates
    assert text_of(svg.find("desc")).startswith("Score from")


def test_clinic_page_without_claims_says_no_information(client, db):
    save_profile(db, make_profile("c-1"), actor="test")
    page = parse_html(client.get("/clinics/c-1").get_data(as_text=True))
    section = page.find("section", class_="vetting")
    assert text_of(section.find("span", class_="score")) == "0.0"
    states = {li["data-state"] for li in section.find_all("li", class_="check-item")}
    assert states == {"no_information"}
    assert section.find("figure") is None  # no history yet, no empty chart
