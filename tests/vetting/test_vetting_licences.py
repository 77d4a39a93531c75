"""The licence rule: a verification about licences never outlives the licences it covers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.clinics.services import save_profile
from directory.demo import generate_profiles
from directory.vetting import services
from directory.vetting import storage as vetting_storage
from directory.vetting.checklist import load_checklist, parse_checklist
from directory.vetting.demo import apply_demo_vetting
from directory.vetting.licences import covered as covered_people
from directory.vetting.scoring import score_clinic
from tests.conftest import make_profile
from tests.soup import parse_html, text_of
from tests.vetting.conftest import TODAY, verify

# "staff" covers every practitioner's licence, "prescriber" only the prescribers', "other"
# none. Weights 2, 1, 1; staff and other are core.
LICENSED = """
version = 9
[[items]]
key = "staff"
title = "Staff"
explanation = "s"
why = "s"
evidence = "s"
weight = 2
core = true
applies_to = "all"
fresh_days = 10
expires_days = 20
practitioner_based = true
licences = "all"
[[items]]
key = "prescriber"
title = "Prescriber"
explanation = "p"
why = "p"
evidence = "p"
weight = 1
core = false
applies_to = "all"
fresh_days = 10
expires_days = 20
practitioner_based = true
licences = "prescribers"
[[items]]
key = "other"
title = "Other"
explanation = "o"
why = "o"
evidence = "o"
weight = 1
core = true
applies_to = "all"
fresh_days = 10
expires_days = 20
"""


def d(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def verified(fades: int = 5, expires: int = 15) -> dict:
    return {
        "state": "verified",
        "verified_at": d(-5),
        "fades_from": d(fades),
        "expires_at": d(expires),
    }


def person(name: str, expiry: int | str | None, prescriber: bool = False) -> dict:
    """A practitioner whose licence expires `expiry` days from TODAY (or as written)."""
    value = d(expiry).isoformat() if isinstance(expiry, int) else expiry
    return {"name": name, "licence_expiry": value, "prescriber": prescriber}


KEYS = list(load_checklist().keys)
ALL_VERIFIED = {"staff": verified(), "prescriber": verified(), "other": verified()}


@pytest.mark.parametrize(
    ("claims", "team", "staff_state", "staff_credit", "lapsed", "score", "core"),
    [
        # every licence runs past the verification: nothing changes
        (ALL_VERIFIED, [person("Dr A", 100, True)], "verified", 1.0, None, 100.0, True),
        # a licence ending after today but before the verification's expiry: still verified
        (ALL_VERIFIED, [person("Dr A", 3, True)], "verified", 1.0, None, 100.0, True),
        # the licence lapses today: expired at once, before any sweep, and named
        (ALL_VERIFIED, [person("Dr A", 0, True)], "expired", 0.0, ("Dr A", d(0)), 25.0, False),
        # lapsed yesterday; the item without licences still counts
        (ALL_VERIFIED, [person("Dr A", -1)], "expired", 0.0, ("Dr A", d(-1)), 50.0, False),
        # of two lapsed licences the earlier one is named
        (
            ALL_VERIFIED,
            [person("Nurse B", -1), person("Dr A", -30, True)],
            "expired",
            0.0,
            ("Dr A", d(-30)),
            25.0,
            False,
        ),
        # a licence lapsing inside the fade: the credit falls to zero at the licence's date
        # (re-check 5 days ago, licence ends in 5: half credit, shown as fading)
        (
            {"staff": verified(fades=-5, expires=15)},
            [person("Dr A", 5)],
            "fading",
            0.5,
            None,
            25.0,
            False,
        ),
        # no expiry given, or one nobody can read: no cap (the moderator judged the licence)
        (
            {"staff": verified()},
            [person("Dr A", None), person("B", "soon")],
            "verified",
            1.0,
            None,
            50.0,
            False,
        ),
        # a non-prescriber's lapsed licence ends "staff" but not "prescriber"
        (
            {"staff": verified(), "prescriber": verified()},
            [person("Dr A", 100, True), person("Nurse B", -2)],
            "expired",
            0.0,
            ("Nurse B", d(-2)),
            25.0,
            False,
        ),
        # stored as expired by the sweep: the page still says whose licence lapsed
        (
            {"staff": {"state": "expired", "expires_at": d(-2)}},
            [person("Dr A", -2)],
            "expired",
            0.0,
            ("Dr A", d(-2)),
            0.0,
            False,
        ),
        # a claim still under review earns nothing and blames no licence
        (
            {"staff": {"state": "pending_review"}},
            [person("Dr A", -2)],
            "pending_review",
            0.0,
            None,
            0.0,
            False,
        ),
        # a team without practitioners: nothing to cap
        ({"staff": verified()}, [], "verified", 1.0, None, 50.0, False),
    ],
)
def test_licence_rule(claims, team, staff_state, staff_credit, lapsed, score, core):
    checklist = parse_checklist(LICENSED)
    result = score_clinic(checklist, claims, {"treatments": [], "practitioners": team}, TODAY)
    staff = next(row for row in result.items if row.key == "staff")
    assert staff.state == staff_state
    assert staff.credit == staff_credit
    assert (staff.licence_lapsed and (staff.licence_lapsed.name, staff.licence_lapsed.expires)) == (
        lapsed
    )
    assert (result.score, result.core_verified) == (score, core)


def test_prescriber_item_ignores_other_licences_and_follows_the_prescribers():
    checklist = parse_checklist(LICENSED)
    team = [person("Dr A", -1, True), person("Nurse B", 100)]
    result = score_clinic(checklist, ALL_VERIFIED, {"treatments": [], "practitioners": team}, TODAY)
    rows = {row.key: row for row in result.items}
    assert rows["prescriber"].state == "expired"
    assert rows["prescriber"].licence_lapsed.name == "Dr A"
    assert rows["other"].state == "verified" and rows["other"].licence_lapsed is None


team_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(["Dr A", "Dr B", "Nurse C"]),
            "licence_expiry": st.one_of(st.none(), st.integers(-400, 400).map(d)),
            "prescriber": st.booleans(),
        }
    ),
    max_size=4,
)
verified_strategy = st.builds(
    lambda at, fresh, extra: {
        "state": "verified",
        "verified_at": d(at),
        "fades_from": d(at + fresh),
        "expires_at": d(at + fresh + extra),
    },
    st.integers(-400, 0),
    st.integers(0, 400),
    st.integers(1, 400),
)


@settings(max_examples=300, deadline=None)
@given(team_strategy, st.fixed_dictionaries({}, optional={k: verified_strategy for k in KEYS}))
def test_property_no_item_counts_past_a_covered_licence(team, claims):
    checklist = load_checklist()
    result = score_clinic(
        checklist, claims, {"treatments": ["mesobotox"], "practitioners": team}, TODAY
    )
    for row in result.items:
        covered = covered_people(checklist.get(row.key), team)
        lapsed = [p for p in covered if p["licence_expiry"] and p["licence_expiry"] <= TODAY]
        if lapsed:
            assert row.state not in ("verified", "fading") and row.credit == 0, row
            assert row.licence_lapsed is None or row.licence_lapsed.expires <= TODAY
        if row.expires_at and covered and row.state in ("verified", "fading"):
            dated = [p["licence_expiry"] for p in covered if p["licence_expiry"]]
            assert not dated or row.expires_at <= min(dated)


def test_the_real_checklist_says_whose_licences_each_item_covers():
    checklist = load_checklist()
    covering = {item.key: item.licences for item in checklist.items if item.licences}
    assert covering == {"licensed-staff": "all", "physician-prescriber": "prescribers"}


# Through the services ------------------------------------------------------------------------


def _clinic(db, expiry: date, clinic_id: str = "c-1") -> str:
    profile = make_profile(clinic_id)
    profile["practitioners"][0]["licence_expiry"] = expiry.isoformat()
    save_profile(db, profile, actor="test")
    return clinic_id


def test_verifying_caps_the_expiry_at_the_earliest_licence(store):
    _clinic(store, TODAY + timedelta(days=40))
    claim = verify(store, "c-1", "licensed-staff", days_ago=0, expires_in=365)
    assert claim["expires_at"] == (TODAY + timedelta(days=40)).isoformat()
    # The re-check date never falls after the expiry.
    assert claim["fades_from"] <= claim["expires_at"]
    # An item about no licence keeps the date the moderator gave.
    other = verify(store, "c-1", "informed-consent", days_ago=0, expires_in=365)
    assert other["expires_at"] == (TODAY + timedelta(days=365)).isoformat()


def test_verifying_over_a_lapsed_licence_is_refused(store):
    _clinic(store, TODAY)
    with pytest.raises(services.VettingError, match="Dr Amira Haddad expired on"):
        verify(store, "c-1", "licensed-staff", days_ago=0, expires_in=365)
    assert vetting_storage.get_claim(store, "c-1", "licensed-staff")["state"] == "pending_review"


def _verified_before_the_rule(store) -> None:
    """Verify licensed staff, then store it as before the rule: outliving the licence (day 40)."""
    _clinic(store, TODAY + timedelta(days=40))
    verify(store, "c-1", "licensed-staff", days_ago=0, expires_in=365)
    store.execute(
        "update claims set expires_at = ? where item_key = 'licensed-staff'",
        [(TODAY + timedelta(days=365)).isoformat()],
    )


def test_the_sweep_expires_a_verification_whose_licence_lapsed(store):
    _verified_before_the_rule(store)
    day = TODAY + timedelta(days=39)
    assert services.sweep(store, today=day)["claims_expired"] == 0
    assert services.score_for(store, "c-1", day).items[0].state == "verified"
    day = TODAY + timedelta(days=40)
    # The page is right before the sweep runs ...
    assert services.score_for(store, "c-1", day).items[0].state == "expired"
    # ... and the sweep stores it, with the licence's date and why.
    assert services.sweep(store, today=day)["claims_expired"] == 1
    claim = vetting_storage.get_claim(store, "c-1", "licensed-staff")
    assert (claim["state"], claim["expires_at"]) == ("expired", day.isoformat())
    event = services.claim_events(store, "c-1", "licensed-staff")[-1]
    assert event["reason"] == f"The licence of Dr Amira Haddad expired on {day.isoformat()}."
    assert "licensed-staff" not in services.verified_item_keys(store, "c-1", day)


def test_a_lapsed_licence_leaves_the_search_filter_at_once(store):
    _verified_before_the_rule(store)
    assert "licensed-staff" in services.verified_item_keys(store, "c-1", TODAY)
    later = TODAY + timedelta(days=40)
    assert "licensed-staff" not in services.verified_item_keys(store, "c-1", later)


def test_clinic_page_says_whose_licence_lapsed_without_waiting_for_the_sweep(client, db):
    today = date.today()
    _clinic(db, today - timedelta(days=1))
    # Verified thirty days ago, when the licence was current (the stored expiry is capped).
    verify(db, "c-1", "licensed-staff", today=today - timedelta(days=30), days_ago=0)
    page = parse_html(client.get("/clinics/c-1").get_data(as_text=True))
    row = page.find("li", attrs={"data-item": "licensed-staff"})
    assert row["data-state"] == "expired"
    lapsed = text_of(row.find(class_="licence-lapsed"))
    assert lapsed.startswith("The licence of Dr Amira Haddad expired on")
    assert (
        row.find(class_="licence-lapsed").find("time")["datetime"]
        == (today - timedelta(days=1)).isoformat()
    )
    api = client.get("/api/v1/clinics/c-1").get_json()
    items = {i["key"]: i for i in api["checklist"]}
    assert items["licensed-staff"]["state"] == "expired"
    assert items["licensed-staff"]["licence_lapsed"] == {
        "name": "Dr Amira Haddad",
        "expired_on": (today - timedelta(days=1)).isoformat(),
    }


def test_demo_never_shows_licensed_staff_verified_over_a_lapsed_licence(store):
    profiles = generate_profiles(count=120, seed=2026)
    for profile in profiles:
        save_profile(store, profile, actor="demo")
    today = date(2027, 3, 1)
    apply_demo_vetting(store, [p["id"] for p in profiles], today=today, seed=2026)
    shown, lapsed_teams = 0, 0
    for profile in profiles:
        rows = {row["key"]: row for row in services.clinic_checklist(store, profile["id"], today)}
        staff = rows["licensed-staff"]
        lapsed = [
            p
            for p in profile["practitioners"]
            if p["licence_expiry"] and p["licence_expiry"] <= today.isoformat()
        ]
        lapsed_teams += bool(lapsed)
        if lapsed and staff["state"] in ("verified", "fading"):
            shown += 1
    assert lapsed_teams > 10  # the demo has lapsed licences to get wrong
    assert shown == 0
