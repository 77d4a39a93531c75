"""The questions are data beside the checklist: each tied to an item, checked on load."""

from __future__ import annotations

import pytest

from directory.experiences.extract import questions_messages
from directory.experiences.questions import (
    QuestionsError,
    load_questions,
    parse_questions,
    questions_text,
)
from directory.vetting.checklist import load_checklist

KEYS = load_checklist().keys


def test_every_question_tells_about_a_checklist_item():
    questions = load_questions()
    assert [q.key for q in questions.questions] == [
        "assessed",
        "allergies",
        "medicines",
        "pregnancy",
        "risks-in-writing",
        "aftercare-in-writing",
        "equipment-opened",
    ]
    assert set(questions.items) == {
        "consultation-allergy-test",
        "contraindication-screening",
        "informed-consent",
        "aftercare-out-of-hours",
        "sterile-approved-products",
    }
    assert set(questions.items) <= set(KEYS)


def test_the_thresholds_are_the_issues():
    limits = load_questions().thresholds
    assert (limits.min_answers_shown, limits.recheck_min_answers, limits.recheck_below) == (
        5,
        10,
        0.5,
    )


GOOD = questions_text()


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        # A question about an item the checklist does not have.
        (GOOD.replace('item = "informed-consent"', 'item = "no-such-item"'), "not a checklist"),
        # A summary without its percentage.
        (
            GOOD.replace(
                'summary = "%(percent)s were asked about allergies"',
                'summary = "were asked about allergies"',
            ),
            "%(percent)s",
        ),
        # Two questions with one key.
        (GOOD.replace('key = "medicines"', 'key = "allergies"'), "duplicate"),
        # A share above one.
        (GOOD.replace("recheck_below = 0.5", "recheck_below = 5"), "recheck_below"),
        # A serious answer that is not a choice.
        (GOOD.replace('serious_answers = ["serious"]', 'serious_answers = ["dead"]'), "serious"),
        # Not TOML at all.
        ("[[questions]\n", "not valid TOML"),
    ],
)
def test_a_broken_questions_file_is_refused(broken, message):
    with pytest.raises(QuestionsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_questions(broken, KEYS)


def test_the_extractor_gives_the_catalogs_every_patient_facing_text():
    questions = load_questions()
    found = {message for _line, _comment, message in questions_messages(GOOD)}
    expected = {q.text for q in questions.questions} | {q.summary for q in questions.questions}
    expected |= {q.hint for q in questions.questions if q.hint}
    expected |= {questions.side_effects.text, questions.side_effects.handled}
    expected |= {label for _key, label in questions.side_effects.choices}
    assert found == expected
