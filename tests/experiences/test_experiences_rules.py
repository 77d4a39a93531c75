"""The pure rules of experiences: visit codes, serious side effects, shares, contradictions."""

from __future__ import annotations

import dataclasses

import pytest

from directory.experiences import rules
from directory.experiences.questions import load_questions

QUESTIONS = load_questions()
ALLERGY_ITEM = "consultation-allergy-test"


def tally(**counts) -> dict[str, rules.Tally]:
    """Tallies by question key (allergies=(4, 10) is 4 yes of 10 answers)."""
    return {key.replace("_", "-"): rules.Tally(*pair) for key, pair in counts.items()}


@pytest.mark.parametrize(
    ("tallies", "verified", "last", "expected"),
    [
        # The example: verified, 4 of 10 say they were asked: flagged.
        (tally(allergies=(4, 10)), [ALLERGY_ITEM], None, [(ALLERGY_ITEM, "allergies")]),
        # Half is not fewer than half.
        (tally(allergies=(5, 10)), [ALLERGY_ITEM], None, []),
        # Nine answers are not enough to question a verification.
        (tally(allergies=(0, 9)), [ALLERGY_ITEM], None, []),
        # An item that is not verified is never flagged: there is nothing to re-check.
        (tally(allergies=(0, 30)), [], None, []),
        # Another question of the same item can flag it; the item is flagged once.
        (
            tally(assessed=(2, 12), allergies=(1, 12)),
            [ALLERGY_ITEM],
            None,
            [(ALLERGY_ITEM, "assessed")],
        ),
        # After a re-check at 10 answers, 19 answers are not yet 10 more ...
        (tally(allergies=(3, 19)), [ALLERGY_ITEM], {ALLERGY_ITEM: 10}, []),
        # ... 20 are, and still contradict it.
        (
            tally(allergies=(3, 20)),
            [ALLERGY_ITEM],
            {ALLERGY_ITEM: 10},
            [(ALLERGY_ITEM, "allergies")],
        ),
        # Each item on its own: screening flagged by the medicines question, allergies not.
        (
            tally(allergies=(9, 10), medicines=(1, 10)),
            [ALLERGY_ITEM, "contraindication-screening"],
            None,
            [("contraindication-screening", "medicines")],
        ),
    ],
)
def test_contradictions_follow_the_thresholds(tallies, verified, last, expected):
    found = rules.contradictions(tallies, verified, QUESTIONS, answered_at_last_check=last)
    assert [(c.item, c.question) for c in found] == expected


def test_the_thresholds_are_the_data_files():
    # The rule reads its numbers from the questions file: other numbers, other outcome.
    strict = dataclasses.replace(
        QUESTIONS,
        thresholds=dataclasses.replace(QUESTIONS.thresholds, recheck_min_answers=3),
    )
    assert rules.contradictions(tally(allergies=(1, 4)), [ALLERGY_ITEM], QUESTIONS) == []
    assert rules.contradictions(tally(allergies=(1, 4)), [ALLERGY_ITEM], strict) != []


def test_tally_counts_yes_and_no_but_not_unsure():
    sets = [{"allergies": "yes"}, {"allergies": "no"}, {"allergies": "unsure"}, {"x": "yes"}]
    assert rules.tally(sets, QUESTIONS)["allergies"] == rules.Tally(yes=1, answered=2)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (rules.Tally(4, 4), None),  # four answers: no percentage yet
        (rules.Tally(4, 5), 0.8),  # five: the share shows
        (rules.Tally(0, 5), 0.0),
    ],
)
def test_a_share_shows_only_from_the_threshold(count, expected):
    assert count.share(QUESTIONS.thresholds) == expected


def test_rating_spread_counts_each_rating():
    assert rules.rating_spread([5, 5, 1, 7]) == {1: 1, 2: 0, 3: 0, 4: 0, 5: 2}


@pytest.mark.parametrize(
    ("answer", "texts", "serious"),
    [
        ("serious", [], True),  # the patient said so
        ("none", [], False),
        ("mild", ["A little redness for a day."], False),
        ("treated", ["I was admitted to HOSPITAL with an infection"], True),  # any case
        ("mild", ["Je suis allée aux urgences"], True),  # French
        ("mild", ["J'ai eu de la fievre"], True),  # French without its accent
        ("mild", ["ذهبت إلى المستشفى"], True),  # Arabic ("the hospital")
        ("mild", ["ذهبت الى المستشفي"], True),  # Arabic written with plain alef and ya
        ("mild", ["The nurse worked under supervision."], False),  # not "vision"
        ("treated", ["cream for swelling"], False),
    ],
)
def test_serious_side_effects_by_answer_or_words(answer, texts, serious):
    assert rules.sounds_serious(answer, texts, QUESTIONS.side_effects) is serious


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ABCD-EFGH-JK34", "ABCDEFGHJK34"),
        ("abcd efgh jk34", "ABCDEFGHJK34"),  # case and spaces do not matter
        ("ＡＢＣＤ－ＥＦＧＨ－ＪＫ３４", "ABCDEFGHJK34"),  # full-width forms from a phone keyboard
        ("ABCD-EFGH-JK3", None),  # too short
        ("ABCD-EFGH-JK30", None),  # 0 is not in the alphabet (read as O)
        ("<script>", None),
        ("", None),
    ],
)
def test_codes_are_normalised_or_refused(typed, expected):
    assert rules.normalise_code(typed) == expected


def test_new_codes_are_random_readable_and_normalise_to_themselves():
    codes = {rules.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 14 and code.count("-") == 2
        assert rules.normalise_code(code) == code.replace("-", "")


def test_a_code_is_stored_as_a_hash_and_an_address_case_folded():
    assert rules.code_hash("ABCDEFGHJK34") != "ABCDEFGHJK34"
    assert len(rules.code_hash("ABCDEFGHJK34")) == 64
    assert rules.email_hash(" Ana@Example.org") == rules.email_hash("ana@example.org")
