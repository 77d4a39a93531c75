"""Register answers: match, mismatch, not found, not covered; the CLI; the review screen."""

from __future__ import annotations

import pytest

from directory.clinics.services import save_profile
from directory.moderation.claims import REJECT_REASONS
from directory.registers import services
from directory.registers.adapters import Licence
from tests.conftest import make_profile
from tests.moderation.helpers import add_user, log_in_with_mfa, pending_claim
from tests.registers.conftest import npi, person, write_extract
from tests.soup import parse_html, text_of

SMITH, JONES, GONE = npi("200000001"), npi("200000002"), npi("200000003")
US_ADDRESS = {
    "lines": ["9 Rodeo Drive"],
    "city": "Los Angeles",
    "region": "CA",
    "postcode": "90210",
    "country": "US",
}


@pytest.fixture
def extract(tmp_path):
    return write_extract(
        tmp_path / "nppes_20181204.csv",
        [
            person(SMITH, "SMITH", "ANNA", ("207N00000X", "A 012345", "CA")),
            person(JONES, "JONES", "BEN", ("208D00000X", "G 777", "CA")),  # general practice
            person(
                GONE,
                "GRAY",
                "CAL",
                ("2082S0099X", "C 555", "NY"),
                **{"NPI Deactivation Date": "05/01/2018"},
            ),
        ],
    )


@pytest.fixture
def loaded(db, extract):
    services.load_nppes(db, extract)
    return db


def practitioner(name: str, number: str | None, role: str = "dermatologist", **extra) -> dict:
    return {
        "name": name,
        "role": role,
        "licence_number": number,
        "licence_authority": extra.pop("authority", "Medical Board of California"),
        "licence_expiry": None,
        "prescriber": True,
        **extra,
    }


def outcome(db, person: dict, country: str = "US") -> tuple[str, list[str]]:
    clinic = {"address": {"country": country}, "practitioners": [person]}
    (check,) = services.check_practitioners(db, clinic)
    return check["outcome"], check["reasons"]


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        # the licence number with its state prefix, leading zero dropped, credentials aside
        (practitioner("Dr Anna Smith", "CA A12345"), ("match", [])),
        # the state from the authority's name
        (practitioner("Anna Smith MD", "A-012345"), ("match", [])),
        # by NPI
        (practitioner("Dr Anna Smith", f"NPI {SMITH}"), ("match", [])),
        # another person holds the licence
        (
            practitioner("Dr Anne Smyth", "CA A12345"),
            ("mismatch", ["the register names ANNA SMITH"]),
        ),
        # a general practitioner claiming to be a dermatologist
        (
            practitioner("Ben Jones", "CA G 777"),
            ("mismatch", ["the register lists no dermatologist speciality"]),
        ),
        # a deactivated NPI
        (
            practitioner("Cal Gray", f"{GONE}", role="plastic-surgeon"),
            ("mismatch", ["the register deactivated this practitioner on 2018-05-01"]),
        ),
        # a number nobody holds
        (
            practitioner("Dr Anna Smith", "CA A99999"),
            ("not_found", ["no practitioner holds licence A99999 in CA"]),
        ),
        # an NPI whose check digit is wrong
        (
            practitioner("Dr Anna Smith", "1234567890"),
            ("not_found", ["1234567890 is not a valid NPI (check digit)"]),
        ),
        # no number at all
        (practitioner("Dr Anna Smith", None), ("not_found", ["no licence number given"])),
    ],
)
def test_outcomes(loaded, person, expected):
    assert outcome(loaded, person) == expected


@pytest.mark.parametrize(
    ("country", "authority"),
    [("GB", "General Medical Council"), ("AE", "Dubai Health Authority"), ("FR", "CNOM")],
)
def test_registers_we_cannot_read_are_not_covered(loaded, country, authority):
    person = practitioner("Dr A", "GMC 1234567", authority=authority)
    result, reasons = outcome(loaded, person, country)
    assert result == "not_covered"
    assert reasons == [f"we cannot read {authority} ({country}) yet"]


def test_no_extract_loaded_is_not_covered(db):
    answer = services.look_up(db, Licence("CA A12345", "Medical Board of California", "US"))
    assert (answer.covered, answer.found) == (False, False)
    assert "no NPPES extract is loaded" in answer.note


def test_a_mismatch_is_a_reject_reason():
    assert "register-mismatch" in REJECT_REASONS


def test_cli_load_and_check(runner, db, extract, tmp_path):
    result = runner.invoke(args=["registers", "load", "nppes", str(extract)])
    assert result.exit_code == 0, result.output
    assert "Loaded nppes extract of 2018-12-04: 3 practitioners (1 deactivated" in result.output
    found = runner.invoke(args=["registers", "check", "CA A12345", "--country", "us"])
    assert f"found in NPPES (2018-12-04): {SMITH} ANNA SMITH MD, active, Dermatology" in (
        found.output
    )
    gmc = runner.invoke(args=["registers", "check", "GMC 1", "--country", "GB"])
    assert gmc.output.startswith("not covered:")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    refused = runner.invoke(args=["registers", "load", "nppes", str(bad)])
    assert refused.exit_code != 0
    assert "is not an NPPES extract" in refused.output and "nothing loaded" in refused.output
    # The extract loaded before is still there.
    assert db.execute("select count(*) from register_practitioners").fetchone()[0] == 3


def test_reloading_replaces_the_extract(runner, db, extract, tmp_path):
    runner.invoke(args=["registers", "load", "nppes", str(extract)])
    smaller = write_extract(tmp_path / "nppes_20190101.csv", [person(JONES, "JONES", "BEN")])
    runner.invoke(args=["registers", "load", "nppes", str(smaller)])
    assert [r[0] for r in db.execute("select identifier from register_practitioners")] == [JONES]
    assert db.execute("select extract_date from register_extracts").fetchone() == ("2019-01-01",)


@pytest.fixture
def moderator(app, db):
    client = app.test_client()
    log_in_with_mfa(client, db, "mo@vetted.example", add_user(db, "mo@vetted.example"))
    return client


def test_review_screen_shows_the_register_answer(loaded, moderator):
    team = [
        practitioner("Dr Anna Smith", "CA A12345"),
        practitioner("Dr Anne Smyth", f"NPI {SMITH}"),
        practitioner("Dr Greg House", "GMC 7654321", authority="General Medical Council"),
    ]
    clinic = make_profile("us-1", address=US_ADDRESS, practitioners=team[:2])
    save_profile(loaded, clinic, actor="test")
    pending_claim(loaded, "us-1", "licensed-staff")
    page = parse_html(moderator.get("/moderation/claims/us-1/licensed-staff").data)
    rows = page.select("section.register-check tbody tr")
    assert [r["data-outcome"] for r in rows] == ["match", "mismatch"]
    assert "Match" in text_of(rows[0]) and SMITH in text_of(rows[0])
    assert "the register names ANNA SMITH" in text_of(rows[1])
    reasons = [o.get("value") for o in page.select("select#reject-reason_code option")]
    assert "register-mismatch" in reasons
    # A clinic abroad: the GMC is not a register we read.
    save_profile(loaded, make_profile("gb-1", practitioners=[team[2]]), actor="test")
    pending_claim(loaded, "gb-1", "licensed-staff")
    page = parse_html(moderator.get("/moderation/claims/gb-1/licensed-staff").data)
    (row,) = page.select("section.register-check tbody tr")
    assert row["data-outcome"] == "not_covered"
    assert "Register not covered" in text_of(row)


def test_claims_not_about_practitioners_show_no_register(loaded, moderator):
    save_profile(loaded, make_profile("us-1", address=US_ADDRESS), actor="test")
    pending_claim(loaded, "us-1", "informed-consent")
    page = parse_html(moderator.get("/moderation/claims/us-1/informed-consent").data)
    assert page.select("section.register-check") == []
