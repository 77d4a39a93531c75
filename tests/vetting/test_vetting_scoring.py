"""The pure score: table-driven rules, the explanation, and properties over random claims."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.vetting.checklist import load_checklist, parse_checklist
from directory.vetting.scoring import credit, score_clinic
from tests.vetting.conftest import TODAY

# A small checklist with round numbers: A (core, 3) and B (core, 1) apply to everything,
# C (4) only to mesobotox. Treatment "mesotherapy" is broader than "mesobotox".
SMALL = """
version = 9
[[items]]
key = "a-item"
title = "A"
explanation = "a"
why = "a"
evidence = "a"
weight = 3
core = true
applies_to = "all"
fresh_days = 10
expires_days = 20
[[items]]
key = "b-item"
title = "B"
explanation = "b"
why = "b"
evidence = "b"
weight = 1
core = true
applies_to = "all"
fresh_days = 10
expires_days = 20
[[items]]
key = "c-item"
title = "C"
explanation = "c"
why = "c"
evidence = "c"
weight = 4
core = false
applies_to = ["mesobotox"]
fresh_days = 10
expires_days = 20
"""
TREATMENTS = {"mesotherapy": None, "mesobotox": "mesotherapy", "microneedling": None}


def small():
    return parse_checklist(SMALL, TREATMENTS)


def d(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def verified(fades: int = 5, expires: int = 15, at: int = -5) -> dict:
    """A verified claim with dates relative to TODAY."""
    return {
        "state": "verified",
        "verified_at": d(at),
        "fades_from": d(fades),
        "expires_at": d(expires),
        "verified_by_name": "Ana",
    }


def state(name: str, **extra) -> dict:
    return {"state": name, **extra}


def offering(treatments, practitioners=()) -> dict:
    """What the clinics domain gives vetting about a clinic (clinics.vetting_inputs)."""
    return {"treatments": list(treatments), "practitioners": list(practitioners)}


@pytest.mark.parametrize(
    ("claims", "treatments", "score", "core"),
    [
        # nothing known, no treatments: A and B apply, nothing earned
        ({}, [], 0.0, False),
        # both core items verified and fresh; C does not apply without mesobotox
        ({"a-item": verified(), "b-item": verified()}, ["microneedling"], 100.0, True),
        # only A verified: 3 of 4
        ({"a-item": verified()}, [], 75.0, False),
        # mesobotox brings C (weight 4) into the denominator: 4 of 8
        ({"a-item": verified(), "b-item": verified()}, ["mesobotox"], 50.0, True),
        # the broader "mesotherapy" does not bring in an item meant for mesobotox only
        ({"a-item": verified()}, ["mesotherapy"], 75.0, False),
        # A halfway through its fade (5 days past re-check, 5 to expiry): 1.5 of 4
        ({"a-item": verified(fades=-5, expires=5)}, [], 37.5, False),
        # on its re-check day a verification still counts fully, but the badge goes
        ({"a-item": verified(fades=0), "b-item": verified()}, [], 100.0, False),
        # on its expiry day a verification counts nothing, even before the sweep stores it
        ({"a-item": verified(fades=-10, expires=0)}, [], 0.0, False),
        # stored as expired: nothing
        ({"a-item": state("expired", expires_at=d(-1))}, [], 0.0, False),
        # claimed and pending review earn nothing
        ({"a-item": state("claimed"), "b-item": state("pending_review")}, [], 0.0, False),
        # rejected earns nothing
        ({"a-item": state("rejected", reason="No licence.")}, [], 0.0, False),
        # an unknown state is read as no information
        ({"a-item": state("bogus")}, [], 0.0, False),
        # 2/3 credit on B (weight 1 of 4) is 16.666...: rounded down to 16.6, not up to 16.7
        ({"b-item": verified(fades=-1, expires=2)}, [], 16.6, False),
        # no re-check date: full credit until expiry
        ({"a-item": {**verified(), "fades_from": None}, "b-item": verified()}, [], 100.0, True),
        # a verification with no expiry date is not trusted
        ({"a-item": {**verified(), "expires_at": None}}, [], 0.0, False),
        # dates given as ISO strings (as stored) work the same
        (
            {"a-item": {**verified(), "fades_from": "2026-11-27", "expires_at": "2026-12-07"}},
            [],
            75.0,
            False,
        ),
    ],
)
def test_score_rules(claims, treatments, score, core):
    result = score_clinic(small(), claims, offering(treatments), TODAY)
    assert result.score == score
    assert result.core_verified is core


def test_score_explanation_keeps_unknown_apart_from_not_met():
    claims = {
        "a-item": state("rejected", reason="The licence number is not on the register."),
        "c-item": verified(fades=-5, expires=5),
    }
    result = score_clinic(small(), claims, offering(["mesobotox"]), TODAY)
    rows = {row.key: row for row in result.items}
    assert rows["a-item"].label == "Not met"
    assert rows["a-item"].reason == "The licence number is not on the register."
    assert rows["b-item"].state == "no_information"
    assert rows["b-item"].label == "No information"
    assert "not the same as failed" in rows["b-item"].note
    assert rows["c-item"].state == "fading"
    assert (rows["c-item"].fades_from, rows["c-item"].expires_at) == (d(-5), d(5))
    assert rows["c-item"].credit == 0.5 and rows["c-item"].points == 2.0
    assert rows["c-item"].verified_by == "Ana"


def test_items_that_apply_to_no_offered_treatment_are_left_out():
    result = score_clinic(small(), {"c-item": verified()}, offering(["microneedling"]), TODAY)
    assert [row.key for row in result.items] == ["a-item", "b-item"]
    assert result.not_applicable == ("c-item",)
    assert result.score == 0.0


def test_physician_item_applies_only_to_mesobotox_in_the_real_checklist():
    checklist = load_checklist()
    with_botox = score_clinic(checklist, {}, offering(["mesobotox"]), TODAY)
    without = score_clinic(checklist, {}, offering(["mesotherapy-face", "microneedling"]), TODAY)
    assert "physician-prescriber" in [row.key for row in with_botox.items]
    assert without.not_applicable == ("physician-prescriber",)


def test_credit_falls_linearly_between_recheck_and_expiry():
    claim = verified(fades=0, expires=10)
    shares = [credit(claim, d(day)) for day in range(-1, 12)]
    assert shares[:2] == [1, 1]  # before and on the re-check day
    assert shares[2:11] == [Fraction(10 - day, 10) for day in range(1, 10)]
    assert shares[11:] == [0, 0]  # on and after expiry


# Properties over the real checklist ----------------------------------------------------------

CHECKLIST = load_checklist()
KEYS = list(CHECKLIST.keys)
TREATMENT_KEYS = ["mesotherapy", "mesotherapy-face", "mesobotox", "microneedling", "pressotherapy"]
UNVERIFIED = ("claimed", "pending_review", "rejected", "expired")


@st.composite
def claim_strategy(draw, verified_share: int = 1):
    kind = draw(st.sampled_from(("verified",) * verified_share + UNVERIFIED))
    if kind != "verified":
        return {"state": kind}
    at = draw(st.integers(-400, 0))
    fades = at + draw(st.integers(0, 400))
    expires = fades + draw(st.integers(0 if fades > at else 1, 400))
    return {
        "state": "verified",
        "verified_at": d(at),
        "fades_from": d(fades),
        "expires_at": d(expires),
    }


claims_strategy = st.one_of(
    # any mix of items and states
    st.dictionaries(st.sampled_from(KEYS), claim_strategy()),
    # clinics with most items verified, so high scores are explored too
    st.fixed_dictionaries({}, optional={key: claim_strategy(verified_share=12) for key in KEYS}),
)
treatments_strategy = st.lists(st.sampled_from(TREATMENT_KEYS), unique=True)
today_strategy = st.integers(-30, 400).map(d)


def score(claims, treatments, today):
    return score_clinic(CHECKLIST, claims, offering(treatments), today).score


@settings(max_examples=200, deadline=None)
@given(claims_strategy, treatments_strategy, today_strategy)
def test_property_score_within_0_and_100(claims, treatments, today):
    result = score_clinic(CHECKLIST, claims, offering(treatments), today)
    assert 0.0 <= result.score <= 100.0
    if result.core_verified:
        assert all(row.state == "verified" for row in result.items if row.core)


@settings(max_examples=200, deadline=None)
@given(
    claims_strategy, treatments_strategy, today_strategy, st.sampled_from(KEYS), claim_strategy()
)
def test_property_verifying_one_more_item_never_lowers_it(claims, treatments, today, key, new):
    if claims.get(key, {}).get("state") == "verified":
        return  # not "one more" verified item
    if new["state"] != "verified":
        new = {
            "state": "verified",
            "verified_at": today,
            "fades_from": today + timedelta(1),
            "expires_at": today + timedelta(2),
        }
    assert score({**claims, key: new}, treatments, today) >= score(claims, treatments, today)


@settings(max_examples=200, deadline=None)
@given(
    claims_strategy,
    treatments_strategy,
    today_strategy,
    st.sampled_from(KEYS),
    st.sampled_from(UNVERIFIED),
)
def test_property_an_unverified_claim_never_raises_it(claims, treatments, today, key, kind):
    assert score({**claims, key: {"state": kind}}, treatments, today) <= score(
        claims, treatments, today
    )


@settings(max_examples=200, deadline=None)
@given(claims_strategy, treatments_strategy, today_strategy, st.integers(0, 800))
def test_property_moving_time_forward_never_raises_it(claims, treatments, today, days):
    later = today + timedelta(days=days)
    assert score(claims, treatments, later) <= score(claims, treatments, today)


@settings(max_examples=200, deadline=None)
@given(claims_strategy, treatments_strategy, today_strategy)
def test_property_expired_items_contribute_nothing(claims, treatments, today):
    live = {
        key: claim
        for key, claim in claims.items()
        if claim["state"] == "verified" and claim["expires_at"] > today
    }
    assert score(claims, treatments, today) == score(live, treatments, today)
    rows = score_clinic(CHECKLIST, claims, offering(treatments), today).items
    assert all(row.credit == 0 for row in rows if row.state == "expired")
