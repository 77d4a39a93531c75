"""Service levels as data: the shipped file, the most specific row winning, working days."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from directory.moderation.queue import SOURCES
from directory.moderation.service_levels import (
    ServiceLevelError,
    add_working_days,
    load_levels,
    parse_levels,
)

ANY = '[[level]]\nkind = "*"\nworking_days = 10\npromise = "Anything"\n'


def at(day: int, hour: int = 9) -> datetime:
    """A moment in January 2026 (the 5th is a Monday)."""
    return datetime(2026, 1, day, hour, tzinfo=UTC)


def test_every_kind_of_work_has_a_level_and_harm_is_due_in_a_day():
    levels = load_levels()
    for kind in SOURCES:
        assert levels.level(kind).kind == kind
    assert levels.due("report", "high", at(5)) == at(6)
    assert levels.due("report", "medium", at(5)) == at(8)
    assert levels.due("claim", None, at(5)) == at(19)  # ten working days
    # A kind the file does not name (a new lane, say) gets the "*" level.
    assert levels.level("a-new-lane").kind == "*"


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (at(5), 1, at(6)),  # Monday + 1 = Tuesday
        (at(9), 1, at(12)),  # Friday + 1 = Monday
        (at(9), 5, at(16)),  # Friday + 5 = the next Friday
        (at(10, 15), 1, at(13, 0)),  # Saturday: counts from Monday's start, + 1 = Tuesday
        (at(11, 23), 10, at(26, 0)),  # Sunday night + 10 = Monday two weeks on, at midnight
        (at(5), 0, at(5)),  # nothing to add
    ],
)
def test_working_days_skip_weekends(start, days, expected):
    assert add_working_days(start, days) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[level]\n", "not valid TOML"),  # broken TOML
        ('[[level]]\nworking_days = 1\npromise = "x"\n' + ANY, "kind is missing"),
        ('[[level]]\nkind = "claim"\npromise = "x"\n' + ANY, "give hours or working_days"),
        (
            '[[level]]\nkind = "claim"\nhours = 1\nworking_days = 1\npromise = "x"\n' + ANY,
            "give hours or working_days",  # both
        ),
        ('[[level]]\nkind = "claim"\nhours = 0\npromise = "x"\n' + ANY, "above 0"),
        ('[[level]]\nkind = "claim"\nhours = 1.5\npromise = "x"\n' + ANY, "whole number"),
        ('[[level]]\nkind = "claim"\nhours = true\npromise = "x"\n' + ANY, "whole number"),
        ('[[level]]\nkind = "r"\nrisk = "huge"\nhours = 1\npromise = "x"\n' + ANY, "risk must"),
        ('[[level]]\nkind = "claim"\nhours = 1\n' + ANY, "promise is missing"),
        (ANY + ANY, "given twice"),
        ('[[level]]\nkind = "claim"\nhours = 1\npromise = "x"\n', r'kind "\*" is required'),
    ],
)
def test_a_broken_levels_file_is_refused_with_a_reason(text, message):
    with pytest.raises(ServiceLevelError, match=message):
        parse_levels(text)
