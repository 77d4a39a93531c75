"""Where a patient is: parse a "near" value, place it, measure distances (pure, no Flask)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index import haversine_km
from index.places import load_gazetteer

MAX_NEAR_LENGTH = 100
_COORDS = re.compile(r"^\s*([+-]?\d{1,3}(?:\.\d+)?)\s*,\s*([+-]?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Near:
    """A parsed "near" value: coordinates, or a place name still to be looked up."""

    lat: float | None = None
    lon: float | None = None
    place: str | None = None

    @property
    def point(self) -> tuple[float, float] | None:
        if self.lat is None or self.lon is None:
            return None
        return (self.lat, self.lon)


class NearError(ValueError):
    """The near value cannot be used; the message says why, for the person who typed it."""


def parse_near(text: str | None) -> Near | None:
    """Parse "lat,lon" or a place name; None when blank, NearError when unusable."""
    if len(text or "") > MAX_NEAR_LENGTH:  # counted as sent, as the OpenAPI maxLength says
        raise NearError(f"Keep the place to {MAX_NEAR_LENGTH} characters or fewer.")
    text = (text or "").strip()
    if not text:
        return None
    match = _COORDS.match(text)
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise NearError(
                "Latitude must be between -90 and 90 and longitude between -180 and 180."
            )
        return Near(lat=lat, lon=lon)
    if any(ch.isdigit() for ch in text) and "," in text:
        raise NearError("Write coordinates as latitude,longitude, for example 51.52,-0.15.")
    if not any(ch.isalpha() for ch in text) or any(ord(ch) < 32 for ch in text):
        raise NearError("Enter a town or city name, or coordinates such as 51.52,-0.15.")
    return Near(place=" ".join(text.split()))


def place_point(name: str) -> tuple[float, float] | None:
    """Return where the city a place name means is ("Londres", "دبي", "London, UK"), or None.

    The search's own recogniser (index/places.py), in memory: a country is not a point.
    """
    for place in load_gazetteer().resolve(name):
        if place.kind == "city":
            return (place.lat, place.lon)
    return None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the great-circle distance between two (lat, lon) points in kilometres."""
    return haversine_km(*a, *b)
