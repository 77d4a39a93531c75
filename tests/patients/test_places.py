"""Parsing where a patient is, and measuring how far a clinic is."""

import pytest

from directory.patients.places import Near, NearError, distance_km, parse_near


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),  # blank: no place asked for
        ("   ", None),  # only spaces: the same
        ("51.52,-0.15", Near(lat=51.52, lon=-0.15)),  # plain coordinates
        (" 25.2 , 55.27 ", Near(lat=25.2, lon=55.27)),  # spaces around the parts
        ("-33.9,151", Near(lat=-33.9, lon=151.0)),  # whole-number longitude
        ("London", Near(place="London")),  # a city name
        ("  Saint   Albans ", Near(place="Saint Albans")),  # inner spaces collapsed
        ("دبي", Near(place="دبي")),  # names in any script
    ],
)
def test_parse_near_reads_coordinates_and_places(text, expected):
    assert parse_near(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "91,0",  # latitude out of range
        "0,181",  # longitude out of range
        "51.5,-0.1,3",  # three numbers look like coordinates gone wrong
        "12345",  # digits only: not a place
        "!!!",  # no letters at all
        "x" * 101,  # longer than any place name we accept
        "Lon\x00don",  # control characters
    ],
)
def test_parse_near_refuses_unusable_values(text):
    with pytest.raises(NearError):
        parse_near(text)


def test_distance_between_london_and_paris_is_about_344_km():
    assert distance_km((51.5074, -0.1278), (48.8566, 2.3522)) == pytest.approx(343.6, abs=1.0)


def test_distance_to_the_same_point_is_zero():
    assert distance_km((25.2, 55.27), (25.2, 55.27)) == 0
