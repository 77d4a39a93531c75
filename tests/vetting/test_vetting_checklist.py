"""The checklist file: its required items, its checks on load, and the widening of treatments."""

from __future__ import annotations

import pytest

from directory.vetting.checklist import ChecklistError, load_checklist, parse_checklist
from directory.vocabulary import load_vocabulary

CORE = {
    "licensed-staff",
    "consultation-allergy-test",
    "sterile-approved-products",
    "informed-consent",
}
FURTHER = {
    "contraindication-screening",
    "physician-prescriber",
    "facility-registered",
    "aftercare-out-of-hours",
    "complaints-procedure",
    "indemnity-insurance",
    "transparent-pricing",
}


def test_packaged_checklist_has_every_required_item():
    checklist = load_checklist()
    assert {item.key for item in checklist.items if item.core} == CORE
    assert FURTHER <= {item.key for item in checklist.items if not item.core}
    for item in checklist.items:
        assert item.title and item.explanation and item.why and item.evidence, item.key
        assert 0 < item.fresh_days <= item.expires_days, item.key
    assert load_checklist().get("physician-prescriber").applies_to == ("mesobotox",)
    assert load_checklist().get("licensed-staff").practitioner_based


def test_applies_to_covers_narrower_treatments():
    treatments = {k: t.broader for k, t in load_vocabulary().treatments.items()}
    text = ITEM.replace('applies_to = "all"', 'applies_to = ["mesotherapy"]')
    item = parse_checklist(text, treatments).items[0]
    assert item.applies(["mesobotox"]) and item.applies(["hair-mesotherapy"])
    assert not item.applies(["microneedling"]) and not item.applies([])


ITEM = """
version = 1
[[items]]
key = "x-item"
title = "X"
explanation = "x"
why = "x"
evidence = "x"
weight = 2
core = true
applies_to = "all"
fresh_days = 10
expires_days = 20
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # a key that is not a slug
        (('key = "x-item"', 'key = "X Item"'), "key"),
        # a weight of zero would hide an item
        (("weight = 2", "weight = 0"), "weight"),
        # re-check after expiry makes no sense
        (("fresh_days = 10", "fresh_days = 30"), "fresh_days"),
        # days must be whole numbers
        (("expires_days = 20", 'expires_days = "20"'), "expires_days"),
        # a treatment missing from the vocabulary
        (('applies_to = "all"', 'applies_to = ["botox-deluxe"]'), "unknown treatments"),
        # applies_to is neither "all" nor a list
        (('applies_to = "all"', 'applies_to = "some"'), "applies_to"),
        # patients must be told why
        (('why = "x"', 'why = ""'), "why"),
        # the badge needs at least one core item
        (("core = true", "core = false"), "core"),
        # not TOML at all
        (("[[items]]", "[[items"), "TOML"),
    ],
)
def test_malformed_checklist_is_refused(change, message):
    treatments = {k: t.broader for k, t in load_vocabulary().treatments.items()}
    with pytest.raises(ChecklistError, match=message):
        parse_checklist(ITEM.replace(*change), treatments)


def test_duplicate_keys_are_refused():
    with pytest.raises(ChecklistError, match="duplicate"):
        parse_checklist(ITEM + ITEM.replace("version = 1", ""))
