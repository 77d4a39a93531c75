"""Clinics generate visit codes in their dashboard: shown once, stored only as hashes."""

from __future__ import annotations

import pytest

from directory.experiences import rules, services
from tests.moderation.helpers import add_user, link_to_clinic, log_in
from tests.soup import parse_html, text_of


def shown_codes(response) -> list[str]:
    return [text_of(c) for c in parse_html(response.data).select("ul.visit-codes code")]


def test_the_dashboard_links_to_experiences(clinic, owner_client):
    tree = parse_html(owner_client.get("/manage/c-1").data)
    assert tree.find("a", href="/manage/c-1/experiences") is not None


def test_a_clinic_generates_a_batch_shown_once_and_stored_as_hashes(db, clinic, owner_client):
    response = owner_client.post("/manage/c-1/experiences/codes", data={"size": "12", "days": "90"})
    assert response.status_code == 200
    codes = shown_codes(response)
    assert len(codes) == 12 and len(set(codes)) == 12
    assert all(rules.normalise_code(code) for code in codes)
    # Printable: each slip says where to use it; a print button (a script) is offered.
    tree = parse_html(response.data)
    assert "/clinics/c-1/experiences/new" in text_of(tree.select_one("li.visit-code"))
    assert tree.find("button", attrs={"data-print": True}) is not None
    # Only the hashes are kept: no code appears anywhere in the store.
    dump = "\n".join(db.iterdump())
    assert not any(code in dump or code.replace("-", "") in dump for code in codes)
    hashes = {row["code_hash"] for row in db.query("select code_hash from visit_codes")}
    assert hashes == {rules.code_hash(rules.normalise_code(c)) for c in codes}
    # The page never shows them again; it lists the batch with its use.
    page = parse_html(owner_client.get("/manage/c-1/experiences").data)
    assert page.select("ul.visit-codes") == []
    (batch,) = page.select("table.batches tbody tr")
    assert text_of(batch.find("td", class_="used")) == "0"
    # The ledger counts them; it never holds one.
    (event,) = db.query("select * from events where action = 'experience.codes_generated'")
    assert '"size": 12' in event["after"] and codes[0] not in event["after"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"size": "0", "days": "30"}, "size", "Choose from 1 to 200 codes."),
        ({"size": "201", "days": "30"}, "size", "Choose from 1 to 200 codes."),
        ({"size": "many", "days": "30"}, "size", "Not a valid integer value."),
        ({"size": "5", "days": "7"}, "days", "Not a valid choice."),
    ],
)
def test_a_bad_batch_request_is_refused_beside_its_field(
    db, clinic, owner_client, data, field, message
):
    response = owner_client.post("/manage/c-1/experiences/codes", data=data)
    assert response.status_code == 400
    assert message in text_of(parse_html(response.data).find("ul", id=f"{field}-errors"))
    assert db.execute("select count(*) from visit_codes").fetchone()[0] == 0


def test_people_of_other_clinics_and_moderators_generate_nothing(app, db, clinic, mod_client):
    stranger = app.test_client()
    link_to_clinic(db, add_user(db, "owner@second.example", role="clinic"), "c-2")
    log_in(stranger, "owner@second.example")
    assert stranger.get("/manage/c-1/experiences").status_code == 404
    response = stranger.post("/manage/c-1/experiences/codes", data={"size": "5", "days": "30"})
    assert response.status_code == 404
    # A moderator may look, not act for the clinic.
    assert mod_client.get("/manage/c-1/experiences").status_code == 200
    response = mod_client.post("/manage/c-1/experiences/codes", data={"size": "5", "days": "30"})
    assert response.status_code == 403
    assert db.execute("select count(*) from visit_codes").fetchone()[0] == 0


def test_a_batch_shows_how_many_codes_were_used(app, db, clinic, owner_client):
    from tests.experiences.helpers import form_data, submit

    codes = services.generate_batch(db, "c-1", size=3, days=30, user_id=1)["codes"]
    submit(app.test_client(), form_data(codes[0]))
    page = parse_html(owner_client.get("/manage/c-1/experiences").data)
    assert text_of(page.select_one("table.batches td.used")) == "1"
