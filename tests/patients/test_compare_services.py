"""The comparison list rules and the side-by-side layout (pure functions)."""

import pytest

from directory.patients import services
from tests.conftest import make_profile


def test_clean_ids_keeps_well_formed_ids_once_in_order():
    raw = ["c-2", "c-1", "c-2", "", "../etc", "<script>", 7, None, "demo-00001"]
    assert services.clean_ids(raw) == ["c-2", "c-1", "demo-00001"]


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        ("a,b,c", ["a", "b", "c"]),  # the plain shared form
        (" a , b ,,c ", ["a", "b", "c"]),  # spaces and empty parts ignored
        ("a,a,b", ["a", "b"]),  # duplicates once
        ("a,<b>,c", ["a", "c"]),  # junk dropped, the rest kept
        ("", []),  # nothing
        (None, []),  # parameter absent
    ],
)
def test_parse_ids_param(param, expected):
    assert services.parse_ids_param(param) == expected


def test_add_to_compare_adds_until_four_then_refuses_without_losing_any():
    ids: list[str] = []
    for n in range(1, 5):
        ids, outcome = services.add_to_compare(ids, f"c-{n}")
        assert outcome == "added"
    assert ids == ["c-1", "c-2", "c-3", "c-4"]
    after, outcome = services.add_to_compare(ids, "c-5")
    assert outcome == "full" and after == ["c-1", "c-2", "c-3", "c-4"]
    again, outcome = services.add_to_compare(ids, "c-2")
    assert outcome == "already" and again == ids


def test_remove_from_compare_keeps_the_others_in_order():
    assert services.remove_from_compare(["a", "b", "c"], "b") == ["a", "c"]
    assert services.remove_from_compare(["a"], "zzz") == ["a"]


def _clinic(clinic_id, **overrides):
    clinic = make_profile(clinic_id, **overrides)
    clinic.setdefault("score", None)
    clinic.setdefault("core_verified", False)
    return clinic


def _item(key, state, core=False):
    return {"key": key, "title": key.title(), "core": core, "state": state}


def test_build_comparison_marks_only_rows_that_differ():
    a = _clinic("a", score=80.0, languages=["en"])
    b = _clinic("b", score=80.4, languages=["en", "fr"])
    comparison = services.build_comparison(
        [a, b],
        [
            [
                _item("licensed-staff", "verified", core=True),
                _item("transparent-pricing", "claimed"),
            ],
            [
                _item("licensed-staff", "verified", core=True),
                _item("transparent-pricing", "verified"),
            ],
        ],
    )
    rows = {row["key"]: row for row in comparison.checklist_rows}
    assert rows["licensed-staff"]["differs"] is False
    assert rows["transparent-pricing"]["differs"] is True
    assert rows["licensed-staff"]["core"] is True
    assert comparison.differs["score"] is False  # 80.0 and 80.4 both show as 80
    assert comparison.differs["languages"] is True
    assert comparison.differs["practitioners"] is False
    assert all(not row["differs"] for row in comparison.treatment_rows)


def test_build_comparison_treatments_missing_at_one_clinic_differ():
    a = _clinic("a")
    b = _clinic(
        "b",
        treatments=[
            {"key": "mesotherapy-face", "price_from": 150.0, "price_to": 250.0, "currency": "GBP"}
        ],
    )
    comparison = services.build_comparison([a, b], [[], []])
    rows = {row["key"]: row for row in comparison.treatment_rows}
    assert rows["mesotherapy-face"]["differs"] is False
    assert rows["microneedling"]["differs"] is True
    assert rows["microneedling"]["cells"][1] is None


def test_build_comparison_items_that_apply_to_one_clinic_only_get_an_empty_cell():
    comparison = services.build_comparison(
        [_clinic("a"), _clinic("b")],
        [[_item("physician-prescriber", "verified")], []],
    )
    (row,) = comparison.checklist_rows
    assert row["cells"][1] is None and row["differs"] is True


def test_build_comparison_without_vetting_says_checklist_not_available():
    comparison = services.build_comparison([_clinic("a"), _clinic("b")], [None, None])
    assert comparison.checklist_available is False
    assert comparison.checklist_rows == []


def test_build_comparison_distances_from_a_point():
    far = _clinic("far", location={"lat": 48.8566, "lon": 2.3522})
    nowhere = _clinic("nowhere", location=None)
    comparison = services.build_comparison(
        [_clinic("near"), far, nowhere], [[], [], []], near=(51.5203, -0.1466)
    )
    assert comparison.distances[0] == 0.0
    assert comparison.distances[1] == pytest.approx(343, abs=3)
    assert comparison.distances[2] is None
    assert comparison.differs["distance"] is True


def test_a_single_clinic_differs_from_nothing():
    comparison = services.build_comparison([_clinic("a")], [[_item("licensed-staff", "claimed")]])
    assert not any(comparison.differs.values())
    assert not comparison.checklist_rows[0]["differs"]
